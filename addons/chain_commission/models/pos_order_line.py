from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

SHARE_FIELD = "chain_staff_share_ids"


class PosOrderLine(models.Model):
    """The staff shares of a till line and what the line is for the commission rules.

    The till sends the shares with the line (``chain_staff_share_ids``: ``[0, 0, {employee_id,
    share}]`` commands, the way Odoo 18's POS sends a line's one2many). They are taken out of
    the values before the ORM sees them and saved by ``_chain_set_staff_shares`` under sudo,
    after it checked them: every employee exists, is active, serves in the till's store and
    belongs to its company; each share is above 0 and at most 100 and a line's shares add up
    to exactly 100; the caller works in the till's store; the order's commission is not
    posted yet. Anything else is a UserError and the whole sync rolls back."""

    _inherit = "pos.order.line"

    chain_staff_share_ids = fields.One2many(
        "chain.pos.order.line.share",
        "line_id",
        string="Staff Shares",
        copy=False,
        help="Who sold or performed this line, and their shares (percent, adding up to 100).",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_ = super()._load_pos_data_fields(config_id)
        if self.env["pos.config"]._chain_commission_till(config_id):
            fields_ = [*fields_, SHARE_FIELD]
        return fields_

    @api.model_create_multi
    def create(self, vals_list):
        commands = [vals.pop(SHARE_FIELD, None) for vals in vals_list]
        lines = super().create(vals_list)
        for line, line_commands in zip(lines, commands, strict=True):
            if line_commands:
                line._chain_set_staff_shares(line._chain_share_entries(line_commands), new=True)
        return lines

    def write(self, vals):
        if SHARE_FIELD not in vals:
            return super().write(vals)
        vals = dict(vals)
        commands = vals.pop(SHARE_FIELD)
        result = super().write(vals) if vals else True
        for line in self:
            line._chain_set_staff_shares(line._chain_share_entries(commands, line))
        return result

    # ------------------------------------------------------------------------------------------
    # Staff shares
    # ------------------------------------------------------------------------------------------
    def _chain_share_entries(self, commands, line=None):
        """The (employee id, share) pairs the one2many ``commands`` leave on the line."""
        current = {}
        if line:
            for share in line.sudo().chain_staff_share_ids:
                current[share.id] = (share.employee_id.id, share.share)
        if not isinstance(commands, (list, tuple)):
            raise UserError(_("The staff shares of a line are a list."))
        new = []
        for command in commands:
            if not isinstance(command, (list, tuple)) or not command:
                raise UserError(_("The staff shares of a line are not readable."))
            code = command[0]
            if code == Command.CREATE and len(command) == 3 and isinstance(command[2], dict):
                values = command[2]
                new.append((values.get("employee_id"), values.get("share")))
            elif code == Command.UPDATE and len(command) == 3 and command[1] in current:
                values = command[2] if isinstance(command[2], dict) else {}
                employee_id, share = current[command[1]]
                current[command[1]] = (
                    values.get("employee_id", employee_id),
                    values.get("share", share),
                )
            elif code in (Command.DELETE, Command.UNLINK) and len(command) >= 2:
                current.pop(command[1], None)
            elif code == Command.CLEAR:
                current = {}
            elif code == Command.SET and len(command) == 3:
                keep = set(command[2] or [])
                current = {key: value for key, value in current.items() if key in keep}
            elif code == Command.LINK and len(command) >= 2 and command[1] in current:
                continue
            else:
                raise UserError(_("The staff shares of a line are not readable."))
        return [*current.values(), *new]

    def _chain_set_staff_shares(self, entries, new=False):
        """Replace the line's shares with ``entries`` [(employee id, share)] once checked
        (``new``: the line was just created and has none to replace)."""
        self.ensure_one()
        order = self.order_id.sudo()
        store = order.config_id.chain_store_id
        if not store:
            raise UserError(_("This point of sale belongs to no chain store: it names no staff."))
        self.env["res.users"]._chain_check_works_in(store)
        if order.chain_commission_posted:
            raise UserError(_("The commission of %(order)s is already recorded.", order=order.name))
        checked = self.env["hr.employee"]._chain_check_staff_shares(
            entries,
            store,
            order.company_id,
            # read only for an error message (the product is not read on every line synced)
            lambda: self.full_product_name or self.product_id.display_name,
        )
        if not new:
            self.sudo().chain_staff_share_ids.unlink()
        self.env["chain.pos.order.line.share"].sudo()._chain_insert(
            [(self.id, employee_id, share) for employee_id, share in checked]
        )

    def _chain_commission_shares(self, default_employee):
        """{line id: [(employee, share)]} of these lines (one order's): their shares, else the
        default, ``default_employee()`` (the order's employee, else the cashier user's, when
        that employee serves in the store; looked up once, only if a line has no shares),
        which is saved on those lines in one insert."""
        lines = self.sudo()
        result, missing = {}, []
        for line in lines:  # the first read fetches the shares of every line
            if line.chain_staff_share_ids:
                result[line.id] = [
                    (share.employee_id, share.share) for share in line.chain_staff_share_ids
                ]
            else:
                missing.append(line)
        employee = default_employee() if missing else None
        for line in missing:
            result[line.id] = [(employee, 100.0)] if employee else []
        if missing and employee:
            self.env["chain.pos.order.line.share"].sudo()._chain_insert(
                [(line.id, employee.id, 100.0) for line in missing]
            )
        return result

    # ------------------------------------------------------------------------------------------
    # What the line is for the rules
    # ------------------------------------------------------------------------------------------
    def _chain_commission_event_type(self):
        """The commission event of this line: a timed service, a count-card use (a zero-priced
        line naming a count card), else the product's (``product.product.
        _chain_commission_event_type``: its own event, a top-up, a count-card sale, a service,
        goods)."""
        self.ensure_one()
        line = self.sudo()
        product = line.product_id
        if "chain_timed_session_id" in line._fields and line.chain_timed_session_id:
            return "timed_service"
        if (
            "chain_count_card_package_id" in line._fields
            and line.chain_count_card_package_id
            and line.currency_id.is_zero(line.price_subtotal_incl)
        ):
            return "count_card_use"
        return product._chain_commission_event_type()

    def _chain_commission_discounted(self):
        """Is this line discounted or a promotion's reward?"""
        self.ensure_one()
        return bool(self.discount > 0 or ("is_reward_line" in self._fields and self.is_reward_line))

    def _chain_commission_base(self, rule, stored_value_share):
        """The line's base under ``rule``: its list price or what was received, without the
        part paid from stored value or points when the rule says so."""
        self.ensure_one()
        if rule.base_type == "list_price":
            base = self.product_id.lst_price * self.qty
        else:
            base = self.price_subtotal_incl
        if rule.exclude_stored_value:
            base *= 1.0 - stored_value_share
        return base
