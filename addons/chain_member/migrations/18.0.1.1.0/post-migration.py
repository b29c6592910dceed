"""18.0.1.1.0: a paid order's member spend is recorded once (``chain_member_spend_recorded``).
The orders paid before the flag existed already counted: mark them, so that paying one of them
again (``action_pos_order_paid`` is public) does not count it a second time."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE pos_order o SET chain_member_spend_recorded = TRUE
          FROM res_partner p
         WHERE p.id = o.partner_id AND p.is_member
           AND o.state IN ('paid', 'done', 'invoiced')
           AND o.chain_member_spend_recorded IS NOT TRUE
        """
    )
