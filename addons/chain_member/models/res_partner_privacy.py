import json

import phonenumbers

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import html2plaintext

# Fields never exported: secrets (tokens, PIN hashes) carry a ``groups`` restriction and are
# skipped too, see _chain_privacy_exportable_fields.
EXPORT_SKIPPED_TYPES = ("binary", "one2many")
EXPORT_SKIPPED_FIELDS = ("write_uid", "write_date")
# Credentials are never exported, whatever the model calls them.
EXPORT_SECRET_PARTS = ("token", "password", "secret", "_hash", "_salt")

# Personal data cleared from the partner (and its contacts) when a member is anonymised.
ANONYMISED_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "vat",
    "website",
    "comment",
    "function",
    "title",
    "ref",
    "company_name",
    "barcode",
    "image_1920",
    "gender",
    "birthday",
    "birthday_lunar_month",
    "birthday_lunar_day",
    "birthday_lunar_leap",
    "marketing_consent",
    "transactional_consent",
)
SCRUBBED = "[anonymised]"


class ResPartner(models.Model):
    """Privacy requests of a member, for headquarters only: export everything held on the
    member, and anonymise the member while every ledger keeps its rows and amounts."""

    _inherit = "res.partner"

    member_anonymised_date = fields.Datetime(
        string="Anonymised On",
        readonly=True,
        copy=False,
        help="The member's personal data was removed on request on this date.",
    )

    # ------------------------------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------------------------------
    def chain_privacy_export(self, reason=None):
        """Everything the database holds on this member, as a JSON-serialisable dict: every
        field of the partner, its portal users, its lines in every ``chain.*`` model (cards,
        tier history, stored value, count cards... found through their ``partner_id``), its
        POS orders, the operation log lines about any of these and its chatter. Headquarters
        only; logged as ``member_export`` (the log line holds counts, not the data)."""
        self.ensure_one()
        self._chain_privacy_check_hq()
        member = self.sudo().with_context(active_test=False)
        related = member._chain_privacy_related_records()
        data = {
            "exported_at": fields.Datetime.to_string(fields.Datetime.now()),
            "member": member._chain_privacy_serialise(member)[0],
            "portal_users": [
                {
                    "login": user.login,
                    "active": user.active,
                    "created": fields.Datetime.to_string(user.create_date),
                    "last_login": fields.Datetime.to_string(user.login_date),
                }
                for user in member.user_ids
            ],
            "records": {
                model: member._chain_privacy_serialise(records)
                for model, records in related.items()
            },
            "pos_orders": member._chain_privacy_pos_orders(),
            "operation_log": member._chain_privacy_serialise(
                member._chain_privacy_log_lines(related)
            ),
            "messages": member._chain_privacy_messages(),
        }
        counts = {model: len(rows) for model, rows in data["records"].items()}
        counts.update(
            pos_orders=len(data["pos_orders"]),
            operation_log=len(data["operation_log"]),
            messages=len(data["messages"]),
        )
        self.env["chain.operation.log"]._log_operation(
            "member_export", self, after={"sections": counts}, reason=reason
        )
        return data

    def chain_privacy_export_file(self, reason=None):
        """The export as a JSON file: ``(filename, bytes)``."""
        self.ensure_one()
        data = self.chain_privacy_export(reason=reason)
        content = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode()
        day = fields.Date.to_string(fields.Date.context_today(self))
        return f"member_{self.sudo().member_code or self.id}_{day}.json", content

    # ------------------------------------------------------------------------------------------
    # Anonymise
    # ------------------------------------------------------------------------------------------
    def chain_privacy_anonymise(self, reason, store=None):
        """Remove the member's identity on request, keeping every row that carries an amount.

        The partner keeps its id (so orders, stored value, count cards, points and accounting
        still sum the same) but loses name, contact data, address, birthday and consents; it
        stops being a member and is archived. Its cards are cancelled (numbers kept), its portal
        users archived with their login replaced, its chatter deleted, the contact copies on its
        POS orders cleared, and its name and contact data scrubbed from the operation log lines
        about it. Refused while stored value or count-card uses are left (pay them out or
        expire them first: an anonymous member can no longer be paid). Headquarters only;
        logged as ``member_anonymise`` without any personal data."""
        self.ensure_one()
        self._chain_privacy_check_hq()
        if not (reason or "").strip():
            raise UserError(_("Say why the member is anonymised (e.g. the member's request)."))
        member = self.sudo().with_context(tracking_disable=True)
        member._chain_check_anonymisable()
        identity = member._chain_privacy_identity()
        related = member._chain_privacy_related_records()
        counts = {
            "cards_cancelled": member._chain_anonymise_cards(store),
            "users_archived": member._chain_anonymise_users(),
            "messages_deleted": member._chain_anonymise_messages(),
            "pos_orders_cleared": member._chain_anonymise_pos_orders(),
        }
        member._chain_anonymise_notes(identity)
        member._chain_anonymise_partner()
        counts["log_lines_scrubbed"] = member._chain_anonymise_log(related, identity)
        self.env["chain.operation.log"]._log_operation(
            "member_anonymise",
            self,
            after=counts,
            reason=self._chain_privacy_scrub(reason, identity),
            store=store,
        )
        return counts

    def _chain_check_anonymisable(self):
        """Raise a UserError when the member cannot be anonymised (extension point)."""
        self.ensure_one()
        if self.member_anonymised_date:
            raise UserError(_("This member was already anonymised."))
        if not self.is_member:
            raise UserError(_("%s is not a member.", self.display_name))
        if self.user_ids.filtered(lambda user: not user.share):
            raise UserError(
                _(
                    "%s is also a user of the backend: remove that user's access first.",
                    self.display_name,
                )
            )
        owed = self._chain_privacy_owed()
        if owed:
            raise UserError(
                _(
                    "%(name)s still has %(what)s. Pay it out, refund or expire it before "
                    "anonymising: afterwards nobody can tell who it belongs to.",
                    name=self.display_name,
                    what=", ".join(owed),
                )
            )

    def _chain_privacy_owed(self):
        """Extension hook: what the chain still owes the member, as labels (chain_wallet: the
        stored value, count-card uses); a member owed something is not anonymised."""
        self.ensure_one()
        return []

    def _chain_anonymise_cards(self, store):
        cards = self.member_card_ids.filtered(
            lambda card: card.state in ("draft", "active", "lost", "expired")
        )
        for card in cards:
            card._cancel(_("Member anonymised on request"), store=store)
        return len(cards)

    def _chain_anonymise_users(self):
        users = self.user_ids
        for user in users:
            user.write({"login": f"anonymised-{user.id}", "active": False})
        if users:
            self.env["res.device.log"].search([("user_id", "in", users.ids)]).unlink()
        return len(users)

    def _chain_anonymise_messages(self):
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.id)]
        )
        count = len(messages)
        messages.unlink()
        self.activity_ids.unlink()
        authored = self.env["mail.message"].search([("author_id", "=", self.id)])
        authored.write({"email_from": False})
        if "sms.sms" in self.env:
            self.env["sms.sms"].search([("partner_id", "=", self.id)]).unlink()
        return count

    def _chain_anonymise_pos_orders(self):
        """POS orders keep the customer and every amount; only their copy of the contact
        details goes."""
        Order = self.env["pos.order"]
        Order.flush_model(["email", "mobile"])
        self.env.cr.execute(
            """UPDATE pos_order SET email = NULL, mobile = NULL
                WHERE partner_id = %s AND (email IS NOT NULL OR mobile IS NOT NULL)""",
            [self.id],
        )
        Order.invalidate_model(["email", "mobile"])
        return self.env.cr.rowcount

    def _chain_anonymise_notes(self, identity):
        """Free-text notes of the member's own records (tier changes, card blocks) may name the
        member: scrub them. Ledger lines are append-only and keep their text (see README)."""
        for records, name in (
            (self.member_tier_history_ids, "reason"),
            (self.member_card_ids, "blocked_reason"),
        ):
            for record in records.filtered(name):
                scrubbed = self._chain_privacy_scrub(record[name], identity)
                if scrubbed != record[name]:
                    record.sudo().write({name: scrubbed})

    def _chain_anonymise_partner(self):
        # two writes: a member cannot lose its mobile, so it stops being a member first
        self.write({"is_member": False})
        name = _("Anonymised member %s", self.member_code or self.id)
        vals = self._chain_anonymised_vals()
        # the anonymisation stamp is a protected field: written by this operation only
        self.sudo().with_context(chain_consent_channel="store").write(
            {
                **vals,
                "name": name,
                "birthday_calendar": "solar",
                "active": False,
                "member_anonymised_date": fields.Datetime.now(),
            }
        )
        for contact in self.with_context(active_test=False).child_ids.with_context(
            active_test=True
        ):
            contact.write({**vals, "name": _("Anonymised contact"), "active": False})

    def _chain_anonymised_vals(self):
        vals = {}
        for name in ANONYMISED_FIELDS:
            field = self._fields.get(name)
            if field:
                vals[name] = 0 if field.type == "integer" else False
        return vals

    def _chain_anonymise_log(self, related, identity):
        """Scrub the member's identity from the operation log lines about the member or its
        records: the one sanctioned rewrite of the append-only log, for this transaction only."""
        lines = self._chain_privacy_log_lines(related)
        if not lines or not identity:
            return 0
        Log = self.env["chain.operation.log"]
        Log.flush_model()
        cr = self.env.cr
        cr.execute("SET LOCAL chain.allow_log_rewrite = 'on'")
        try:
            for text in identity:
                in_json = json.dumps(text, ensure_ascii=False)[1:-1]
                cr.execute(
                    """
                    UPDATE chain_operation_log
                       SET record_name = replace(record_name, %(text)s, %(new)s),
                           reason = replace(reason, %(text)s, %(new)s),
                           values_before = replace(values_before::text, %(json)s, %(new)s)::jsonb,
                           values_after = replace(values_after::text, %(json)s, %(new)s)::jsonb
                     WHERE id IN %(ids)s
                    """,
                    {"text": text, "json": in_json, "new": SCRUBBED, "ids": tuple(lines.ids)},
                )
            cr.execute(
                """UPDATE chain_operation_log SET record_name = %s
                    WHERE res_model = 'res.partner' AND res_id = %s""",
                [self.display_name, self.id],
            )
        finally:
            cr.execute("SET LOCAL chain.allow_log_rewrite = 'off'")
        Log.invalidate_model()
        return len(lines)

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------
    def _chain_privacy_check_hq(self):
        if not self.env.su and not self.env.user.has_group("chain_member.group_chain_hq_manager"):
            raise AccessError(
                _("Only a headquarters manager can export or anonymise a member's data.")
            )

    @api.model
    def _chain_privacy_models(self):
        """The models holding lines of a member: every ``chain.*`` model with a stored
        ``partner_id`` to res.partner (extension point for models named otherwise)."""
        names = []
        for name in sorted(self.env.registry):
            Model = self.env[name]
            field = Model._fields.get("partner_id")
            if (
                name.startswith("chain.")
                and not Model._transient
                and not Model._abstract
                and field
                and field.store
                and field.type == "many2one"
                and field.comodel_name == "res.partner"
            ):
                names.append(name)
        return names

    def _chain_privacy_related_records(self):
        related = {}
        for name in self._chain_privacy_models():
            records = self.env[name].search([("partner_id", "=", self.id)], order="id")
            if records:
                related[name] = records
        return related

    def _chain_privacy_log_lines(self, related):
        domain = [("res_model", "=", "res.partner"), ("res_id", "=", self.id)]
        for model, records in related.items():
            domain = expression.OR(
                [domain, [("res_model", "=", model), ("res_id", "in", records.ids)]]
            )
        return self.env["chain.operation.log"].search(domain, order="id")

    def _chain_privacy_pos_orders(self):
        orders = self.env["pos.order"].search([("partner_id", "=", self.id)], order="id")
        rows = []
        for order, values in zip(orders, self._chain_privacy_serialise(orders), strict=True):
            values["lines"] = self._chain_privacy_serialise(order.lines)
            values["payments"] = self._chain_privacy_serialise(order.payment_ids)
            rows.append(values)
        return rows

    def _chain_privacy_messages(self):
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.id)], order="id"
        )
        return [
            {
                "date": fields.Datetime.to_string(message.date),
                "type": message.message_type,
                "author": message.author_id.display_name or message.email_from or "",
                "subject": message.subject or "",
                "body": html2plaintext(message.body or ""),
                "changes": [
                    {
                        "field": tracking.field_id.field_description,
                        "old": tracking._format_display_value(tracking.field_id.ttype, False)[0],
                        "new": tracking._format_display_value(tracking.field_id.ttype, True)[0],
                    }
                    for tracking in message.tracking_value_ids
                ],
            }
            for message in messages
        ]

    @api.model
    def _chain_privacy_exportable_fields(self, model):
        return [
            name
            for name, field in self.env[model]._fields.items()
            if field.store
            and field.type not in EXPORT_SKIPPED_TYPES
            and not field.groups
            and name not in EXPORT_SKIPPED_FIELDS
            and not any(part in name for part in EXPORT_SECRET_PARTS)
        ]

    @api.model
    def _chain_privacy_serialise(self, records):
        """Records as plain dicts: stored fields, relations by id and name."""
        names = self._chain_privacy_exportable_fields(records._name)
        rows = []
        for record in records:
            row = {}
            for name in names:
                field, value = records._fields[name], record[name]
                if field.type == "many2one":
                    row[name] = {"id": value.id, "name": value.display_name} if value else None
                elif field.type == "many2many":
                    row[name] = value.mapped("display_name")
                elif field.type in ("date", "datetime"):
                    row[name] = value.isoformat() if value else None
                else:
                    row[name] = value
            rows.append(row)
        return rows

    def _chain_privacy_identity(self):
        """The strings that identify the member (to scrub from free text), longest first."""
        texts = {
            self.name,
            self.display_name,
            self.mobile,
            self.phone,
            self.email,
            *self.user_ids.mapped("login"),
        }
        for number in (self.mobile, self.phone):
            texts.add(self._chain_privacy_national_number(number))
        return sorted((t for t in texts if t and len(t) >= 2), key=len, reverse=True)

    @api.model
    def _chain_privacy_national_number(self, number):
        """'+8613800138000' -> '13800138000': the way people write their own number."""
        if not number:
            return False
        try:
            return str(phonenumbers.parse(number, None).national_number)
        except phonenumbers.NumberParseException:
            return False

    @api.model
    def _chain_privacy_scrub(self, text, identity):
        for secret in identity:
            text = text.replace(secret, SCRUBBED)
        return text
