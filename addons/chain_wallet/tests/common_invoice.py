class InvoiceAssertions:
    """Assertions on the books of an invoiced POS order, shared by the stored-value and points
    invoice tests (both settle their share of an invoice the same way)."""

    def customer_open_balance(self):
        """What the member still owes on the receivable, all entries included."""
        self.env.flush_all()
        partner = self.member.commercial_partner_id
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("account_id", "=", partner.property_account_receivable_id.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return self.currency.round(sum(lines.mapped("amount_residual")))

    def invoice_from_the_backend(self, order):
        """Invoice ``order`` from the backend (its session may be closed) and check that the
        invoice ends paid and the member owes nothing; return the invoice."""
        order.with_context(generate_pdf=False).action_pos_order_invoice()
        invoice = order.account_move
        self.assertEqual(order.state, "invoiced")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.customer_open_balance(), 0.0)
        return invoice

    def assertBalanced(self, moves):
        """Every move is posted and its debits equal its credits."""
        self.assertTrue(moves)
        for move in moves:
            self.assertEqual(move.state, "posted", move.name)
            self.assertFalse(
                self.currency.compare_amounts(
                    sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
                ),
                move.name,
            )
