import datetime
import logging
import threading
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.provider import (
    ACCEPTED,
    FAILURE_ACCOUNT,
    FAILURE_NUMBER,
    FAILURE_OTHER,
    FAILURE_TEMPLATE,
    PERMANENT,
    THROTTLED,
    UNKNOWN,
    OutgoingSms,
    ProviderUnavailable,
    SendResult,
)

_logger = logging.getLogger(__name__)

FAILURE_TYPES = {
    FAILURE_NUMBER: "sms_number_format",
    FAILURE_ACCOUNT: "sms_acc",
    FAILURE_TEMPLATE: "chain_rejected",
    FAILURE_OTHER: "chain_rejected",
    "expired": "chain_expired",
    "missing_number": "sms_number_missing",
    "missing_template": "chain_no_template",
}
STALE_CLAIM = datetime.timedelta(minutes=10)
BACKOFF_BASE = 30  # seconds; doubled at each attempt
BACKOFF_MAX = 3600
REPORT_WINDOW = datetime.timedelta(days=3)
REPORT_PAGES = 50
QUEUE_TIME_BUDGET = 600  # seconds a queue run sends before handing over to the next run
CODE_MASK = "******"
QUEUE_BATCH = 10000


class SmsSms(models.Model):
    """Odoo's SMS queue, sending through the company's chain gateway.

    Every message stays a record: its state, the provider's message id, the provider's error and
    the delivery status. A message leaves only from the queue runner (``_process_queue``, run by
    Odoo's SMS cron), one at a time:

    1. it is *claimed* (state ``process``) and the claim is committed;
    2. the provider is called with the message's uuid as idempotency key;
    3. the outcome is recorded and committed.

    A crash between 1 and 3 leaves a stale claim: the maintenance cron puts it back in the queue
    marked "outcome unknown", and before sending it again the queue asks the provider whether
    the key already went out (``lookup``). Timeouts, 5xx and malformed answers are unknown
    outcomes too; throttling is retried later; permanent refusals are recorded with the
    provider's reason.
    """

    _inherit = "sms.sms"

    failure_type = fields.Selection(
        selection_add=[
            ("chain_rejected", "Rejected by the Provider"),
            ("chain_no_template", "No Template Code for the Gateway"),
            ("chain_undelivered", "Not Delivered"),
            ("chain_expired", "Expired Before Sending"),
            ("chain_attempts", "Outcome Unknown After All Attempts"),
        ]
    )
    # the member's messages (smart button, privacy export) are found by member
    partner_id = fields.Many2one(index="btree_not_null")
    chain_gateway_id = fields.Many2one(
        "chain.sms.gateway",
        string="Gateway",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",  # archive a gateway instead: its messages keep their record
    )
    chain_provider = fields.Selection(related="chain_gateway_id.provider", string="Provider")
    chain_template_id = fields.Many2one("chain.sms.template", string="Template", readonly=True)
    chain_template_params = fields.Json(string="Template Values", readonly=True)
    chain_event_code = fields.Char(string="Event", readonly=True)
    chain_campaign_id = fields.Many2one(
        "chain.sms.campaign", string="Campaign", index="btree_not_null", readonly=True
    )
    chain_store_id = fields.Many2one("chain.store", string="Store", readonly=True)
    chain_marketing = fields.Boolean(string="Marketing", readonly=True)
    chain_provider_message_id = fields.Char(
        string="Provider Message ID", index="btree_not_null", readonly=True, copy=False
    )
    chain_error_code = fields.Char(string="Provider Error", readonly=True, copy=False)
    chain_error_message = fields.Char(string="Provider Reason", readonly=True, copy=False)
    chain_delivery_status = fields.Selection(
        [
            ("waiting", "Waiting for Report"),
            ("delivered", "Delivered"),
            ("undelivered", "Not Delivered"),
        ],
        string="Delivery",
        readonly=True,
        copy=False,
    )
    chain_sent_at = fields.Datetime(string="Sent On", readonly=True, copy=False)
    chain_delivered_at = fields.Datetime(string="Delivered On", readonly=True, copy=False)
    chain_attempts = fields.Integer(string="Failed Attempts", readonly=True, copy=False, default=0)
    chain_first_attempt = fields.Datetime(string="First Attempt On", readonly=True, copy=False)
    chain_next_attempt = fields.Datetime(
        string="Not Before", readonly=True, copy=False, help="Retry time, or end of quiet hours."
    )
    chain_claimed_at = fields.Datetime(string="Sending Since", readonly=True, copy=False)
    chain_outcome_unknown = fields.Boolean(
        string="Outcome Unknown",
        readonly=True,
        copy=False,
        help="A previous attempt may have reached the provider: it is asked before resending.",
    )
    chain_not_after = fields.Datetime(
        string="Expires On", readonly=True, help="A message not sent by then is dropped."
    )

    def init(self):
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS sms_sms_chain_claim_idx
                ON sms_sms (chain_claimed_at) WHERE state = 'process';
            CREATE INDEX IF NOT EXISTS sms_sms_chain_waiting_idx
                ON sms_sms (chain_gateway_id, chain_sent_at)
             WHERE chain_delivery_status = 'waiting';
            CREATE INDEX IF NOT EXISTS sms_sms_chain_campaign_number_idx
                ON sms_sms (number, id) WHERE chain_campaign_id IS NOT NULL;
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        gateway = None
        for vals in vals_list:
            if "chain_gateway_id" not in vals:
                if gateway is None:
                    gateway = self._chain_free_text_gateway()
                vals["chain_gateway_id"] = gateway.id
        return super().create(vals_list)

    # -- Odoo's queue, routed ------------------------------------------------------------------
    @api.model
    def _process_queue(self, ids=None):
        """Send the oldest due messages, committing after each one.

        Replaces stock's selection (the newest 10,000 outgoing messages, due or not), which a
        campaign waiting for the end of quiet hours would fill and starve older retries with.
        """
        domain = [
            ("state", "=", "outgoing"),
            ("to_delete", "!=", True),
            "|",
            ("chain_next_attempt", "=", False),
            ("chain_next_attempt", "<=", fields.Datetime.now()),
        ]
        if ids:
            domain.append(("id", "in", list(ids)))
        due = self.sudo().search(domain, order="id", limit=QUEUE_BATCH)
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        deadline = time.monotonic() + QUEUE_TIME_BUDGET
        try:
            due.with_context(chain_sms_queue=True, chain_sms_deadline=deadline).send(
                unlink_failed=False,
                unlink_sent=True,
                auto_commit=auto_commit,
                raise_exception=False,
            )
        except Exception:
            _logger.exception("Failed processing SMS queue")
        if len(due) == QUEUE_BATCH or time.monotonic() > deadline:
            self._chain_trigger_queue()
        return None

    def send(self, unlink_failed=False, unlink_sent=True, auto_commit=False, raise_exception=False):
        now = fields.Datetime.now()
        due = self.filtered(lambda sms: not sms.chain_next_attempt or sms.chain_next_attempt <= now)
        return super(SmsSms, due.with_context(chain_sms_auto_commit=auto_commit)).send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        by_gateway = {}
        for sms in self:
            gateway = sms.sudo().chain_gateway_id
            if gateway and gateway.active and gateway.provider != "iap":
                by_gateway.setdefault(gateway, self.browse())
                by_gateway[gateway] |= sms
        stock = self - self.browse().union(*by_gateway.values())
        # the IAP fallback: Odoo's own path; the chain's messages are kept, not garbage-collected
        for messages, keep in (
            (stock.filtered("chain_event_code"), True),
            (stock.filtered(lambda sms: not sms.chain_event_code), False),
        ):
            if messages:
                super(SmsSms, messages)._send(
                    unlink_failed=unlink_failed and not keep,
                    unlink_sent=unlink_sent and not keep,
                    raise_exception=raise_exception,
                )
        if not by_gateway:
            return
        # the context says which of the server's own senders runs, never a permission: a
        # client's call (never superuser) only triggers the queue
        if not self.env.su or not (
            self.env.context.get("chain_sms_queue") or self.env.context.get("chain_sms_send_now")
        ):
            # a provider is called only with the claim protocol of the queue runner
            self._chain_trigger_queue()
            return
        for gateway, messages in by_gateway.items():
            messages._chain_dispatch(gateway)

    # -- actions ----------------------------------------------------------------------------
    def action_chain_retry(self):
        """Put failed messages back in the queue (a message sent already is never resent).
        HQ managers (who may write messages) only."""
        self.check_access("write")
        if not (self.env.su or self.env.user.has_group("chain_member.group_chain_hq_manager")):
            raise AccessError(_("Only headquarters managers send failed messages again."))
        failed = self.filtered(
            lambda sms: sms.state == "error" and not sms.chain_provider_message_id
        )
        failed.sudo().write(
            {
                "state": "outgoing",
                "failure_type": False,
                "chain_attempts": 0,
                "chain_next_attempt": False,
                "chain_not_after": False,
            }
        )
        self._chain_trigger_queue()
        return True

    # -- public service ---------------------------------------------------------------------
    @api.model
    def _chain_values(
        self,
        number,
        template,
        values,
        gateway,
        partner=None,
        store=None,
        campaign=None,
        not_after=None,
    ):
        """Values of one chain message rendering ``template`` with ``values``."""
        marketing = template.kind == "marketing"
        next_attempt = False
        if marketing:
            company = (
                gateway.company_id if gateway else (store.company_id if store else self.env.company)
            )
            next_attempt = company.sudo()._chain_sms_quiet_until()
        return {
            "number": number,
            "body": template._render(values),
            "partner_id": partner.id if partner else False,
            "chain_gateway_id": gateway.id if gateway else False,
            "chain_template_id": template.id,
            "chain_template_params": {key: _json_value(value) for key, value in values.items()},
            "chain_event_code": template.event_code,
            "chain_campaign_id": campaign.id if campaign else False,
            "chain_store_id": store.id if store else False,
            "chain_marketing": marketing,
            "chain_next_attempt": next_attempt,
            "chain_not_after": not_after or False,
        }

    def _chain_send_now(self):
        """Send these messages at once in the current transaction (verification codes, test
        sends): they are new, so no other worker can send them too. Marketing messages still
        wait for the end of quiet hours."""
        self.sudo().with_context(chain_sms_send_now=True).send(auto_commit=False)
        return self

    @api.model
    def _chain_apply_reports(self, gateway, reports):
        """Update messages of ``gateway`` from provider delivery reports; returns the count."""
        if not reports:
            return 0
        messages = self.sudo().search(
            [
                ("chain_gateway_id", "=", gateway.id),
                "|",
                (
                    "chain_provider_message_id",
                    "in",
                    [r.message_id for r in reports if r.message_id],
                ),
                ("uuid", "in", [r.key for r in reports if r.key]),
            ]
        )
        by_id = {
            sms.chain_provider_message_id: sms for sms in messages if sms.chain_provider_message_id
        }
        by_key = {sms.uuid: sms for sms in messages}
        now = fields.Datetime.now()
        updated = 0
        for report in reports:
            sms = by_id.get(report.message_id) or by_key.get(report.key)
            if (
                not sms
                or sms.state == "canceled"
                or sms.chain_delivery_status in ("delivered", "undelivered")
            ):
                continue
            vals = {
                "chain_provider_message_id": sms.chain_provider_message_id
                or report.message_id
                or False,
                "chain_sent_at": sms.chain_sent_at or now,
                "chain_outcome_unknown": False,
                "chain_next_attempt": False,
            }
            if report.delivered:
                vals.update(
                    state="sent",
                    failure_type=False,
                    chain_delivery_status="delivered",
                    chain_delivered_at=now,
                )
            else:
                vals.update(
                    state="error",
                    failure_type="chain_undelivered",
                    chain_delivery_status="undelivered",
                    chain_error_code=report.code or False,
                    chain_error_message=report.reason or False,
                )
            sms.write(vals)
            sms.sms_tracker_id._action_update_from_sms_state(
                vals["state"], failure_type=vals.get("failure_type") or False
            )
            updated += 1
        return updated

    # -- cron ---------------------------------------------------------------------------------
    @api.model
    def _cron_chain_maintenance(self):
        """Recover interrupted sends, pull delivery reports, drop expired messages."""
        self._chain_recover_stale_claims()
        self._chain_expire()
        self._chain_pull_reports()

    @api.model
    def _chain_recover_stale_claims(self, now=None):
        """Claims older than STALE_CLAIM belong to a worker that died mid-send: back to the
        queue, marked "outcome unknown" so the provider is asked before any resend."""
        limit = (now or fields.Datetime.now()) - STALE_CLAIM
        stale = self.sudo().search(
            [
                ("state", "=", "process"),
                ("chain_gateway_id", "!=", False),
                ("chain_claimed_at", "<", limit),
            ]
        )
        if stale:
            _logger.warning("Recovering %d SMS interrupted while sending", len(stale))
            stale.write(
                {
                    "state": "outgoing",
                    "chain_outcome_unknown": True,
                    "chain_next_attempt": False,
                    "chain_error_code": "interrupted",
                }
            )
            self._chain_trigger_queue()
        return stale

    @api.model
    def _chain_expire(self):
        expired = self.sudo().search(
            [
                ("state", "=", "outgoing"),
                ("chain_not_after", "!=", False),
                ("chain_not_after", "<", fields.Datetime.now()),
            ]
        )
        expired._chain_record_result(SendResult(PERMANENT, code="expired", failure="expired"))
        return expired

    @api.model
    def _chain_pull_reports(self):
        gateways = self.env["chain.sms.gateway"].sudo().search([("provider", "!=", "iap")])
        since = fields.Datetime.now() - REPORT_WINDOW
        for gateway in gateways:
            waiting = self.sudo().search(
                [
                    ("chain_gateway_id", "=", gateway.id),
                    ("chain_delivery_status", "=", "waiting"),
                    ("chain_sent_at", ">=", since),
                ],
                order="chain_sent_at",
                limit=200,
            )
            if not waiting:
                continue
            provider = gateway._chain_provider()
            # providers with a bulk pull (Tencent) hand out every new report, page after page
            for _page in range(REPORT_PAGES if provider.bulk_reports else 1):
                try:
                    reports = provider.fetch_reports(
                        [sms._chain_outgoing(provider) for sms in waiting]
                    )
                except ProviderUnavailable as error:
                    _logger.info(
                        "Delivery reports of gateway %s unavailable: %s", gateway.id, error
                    )
                    break
                self._chain_apply_reports(gateway, reports)
                if len(reports) < provider.report_page_size:
                    break

    # -- sending --------------------------------------------------------------------------------
    def _chain_dispatch(self, gateway):
        provider = gateway._chain_provider()
        limiter = gateway._chain_rate_limiter()
        quiet_until = gateway.company_id.sudo()._chain_sms_quiet_until()
        deadline = self.env.context.get("chain_sms_deadline")
        for sms in self.sudo().sorted("id"):
            if deadline and time.monotonic() > deadline:
                break  # the next queue run goes on (a cron run has a time limit)
            if sms.chain_marketing and quiet_until:
                sms.chain_next_attempt = quiet_until
                self._chain_commit()
                continue
            if not sms._chain_claim():
                continue
            self._chain_commit()
            outcome = sms._chain_send_one(provider, limiter)
            self._chain_commit()
            if outcome == THROTTLED:
                _logger.info("Gateway %s throttled: the rest of the batch waits", gateway.id)
                break
        later = self.filtered(lambda sms: sms.state == "outgoing" and sms.chain_next_attempt)
        if later:
            self._chain_trigger_queue(min(later.mapped("chain_next_attempt")))

    def _chain_claim(self):
        """Take this outgoing message for sending; False if it is not outgoing any more."""
        self.ensure_one()
        self.flush_recordset()
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            UPDATE sms_sms
               SET state = 'process', chain_claimed_at = %s,
                   chain_first_attempt = COALESCE(chain_first_attempt, %s)
             WHERE id = %s AND state = 'outgoing'
            RETURNING id
            """,
            [now, now, self.id],
        )
        claimed = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["state", "chain_claimed_at", "chain_first_attempt"])
        return claimed

    def _chain_send_one(self, provider, limiter):
        """Call the provider for this claimed message and record the outcome."""
        self.ensure_one()
        try:
            result = self._chain_precheck()
            if result is None:
                outgoing = self._chain_outgoing(provider)
                if self.chain_outcome_unknown and provider.can_lookup:
                    result = self._chain_lookup(provider, outgoing)
            if result is None:
                limiter.acquire()
                result = provider.send(outgoing)
        except Exception as error:  # noqa: BLE001 - any surprise: outcome unknown, retried
            _logger.exception("SMS %s: unexpected error while sending", self.id)
            result = SendResult.unknown(type(error).__name__, error)
        self._chain_record_result(result)
        return result.outcome

    def _chain_precheck(self):
        """A result that makes the provider call pointless, or None."""
        if self.chain_not_after and self.chain_not_after < fields.Datetime.now():
            return SendResult(PERMANENT, code="expired", failure="expired")
        if not self.number:
            return SendResult(PERMANENT, code="missing_number", failure="missing_number")
        gateway = self.chain_gateway_id
        if gateway.needs_template and not (
            self.chain_template_id and self.chain_template_id._provider_code(gateway)
        ):
            return SendResult(PERMANENT, code="missing_template", failure="missing_template")
        return None

    def _chain_lookup(self, provider, outgoing):
        """Ask the provider whether an earlier attempt went out: its result, None to send, or
        an unknown outcome when the provider cannot tell now."""
        try:
            found = provider.lookup(outgoing)
        except ProviderUnavailable as error:
            return SendResult.unknown("lookup_unavailable", error)
        if found:
            _logger.info("SMS %s: an earlier attempt reached the provider, not resent", self.id)
        return found

    def _chain_outgoing(self, provider):
        """The provider's view of this message."""
        self.ensure_one()
        gateway = self.chain_gateway_id
        template_code, params = "", []
        if provider.needs_template and self.chain_template_id:
            code = self.chain_template_id._provider_code(gateway)
            if code:
                template_code, params = code.code, code._params(self.chain_template_params or {})
        return OutgoingSms(
            key=self.uuid,
            number=self.number or "",
            body=self.body or "",
            template_code=template_code,
            params=params,
            status_callback=gateway._chain_push_url("report") if provider.code == "twilio" else "",
            first_attempt=self.chain_first_attempt or fields.Datetime.now(),
            message_id=self.chain_provider_message_id or "",
        )

    def _chain_record_result(self, result):
        now = fields.Datetime.now()
        for sms in self:
            vals = {"chain_claimed_at": False}
            if result.outcome == ACCEPTED:
                vals.update(
                    state="pending",
                    failure_type=False,
                    chain_provider_message_id=result.message_id or sms.chain_provider_message_id,
                    chain_delivery_status="waiting",
                    chain_sent_at=now,
                    chain_outcome_unknown=False,
                    chain_next_attempt=False,
                    chain_error_code=False,
                    chain_error_message=False,
                )
            elif result.outcome == PERMANENT:
                vals.update(
                    state="error",
                    failure_type=FAILURE_TYPES.get(result.failure, "chain_rejected"),
                    chain_error_code=result.code or False,
                    chain_error_message=result.reason or False,
                    chain_next_attempt=False,
                )
            else:
                vals.update(sms._chain_retry_values(result, now))
            sms.write(vals)
            if vals["state"] in ("pending", "error"):
                sms.sms_tracker_id._action_update_from_sms_state(
                    vals["state"], failure_type=vals.get("failure_type") or False
                )
                sms._chain_scrub_code()

    def _chain_retry_values(self, result, now):
        """Throttled or unknown: back to the queue with backoff, or given up."""
        attempts = self.chain_attempts + 1
        vals = {
            "chain_attempts": attempts,
            "chain_error_code": result.code or False,
            "chain_error_message": result.reason or False,
        }
        if result.outcome == UNKNOWN:
            vals["chain_outcome_unknown"] = True
        if attempts >= max(self.chain_gateway_id.max_attempts, 1):
            vals.update(state="error", failure_type="chain_attempts", chain_next_attempt=False)
            return vals
        delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_MAX)
        vals.update(state="outgoing", chain_next_attempt=now + datetime.timedelta(seconds=delay))
        return vals

    def _chain_scrub_code(self):
        """Verification codes leave the database once their SMS is done with."""
        if self.chain_event_code != "verification_code":
            return
        code = (self.chain_template_params or {}).get("code")
        if code:
            self.write(
                {
                    "body": (self.body or "").replace(str(code), CODE_MASK),
                    "chain_template_params": {**self.chain_template_params, "code": CODE_MASK},
                }
            )

    # -- helpers --------------------------------------------------------------------------------
    @api.model
    def _chain_free_text_gateway(self):
        """The gateway Odoo's own SMS (chatter, POS receipts...) use: the company's, when it
        sends free text; else none, and they go through IAP."""
        gateway = self.env.company.sudo().chain_sms_gateway_id
        if gateway and gateway.active and not gateway.needs_template and gateway.provider != "iap":
            return gateway
        return self.env["chain.sms.gateway"]

    @api.model
    def _chain_trigger_queue(self, at=None):
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at)

    def _chain_commit(self):
        """Commit in the queue runner (never in tests, nor for messages sent at once)."""
        if self.env.context.get("chain_sms_auto_commit") and not getattr(
            threading.current_thread(), "testing", False
        ):
            self.env.cr.commit()  # pylint: disable=invalid-commit


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return (
            fields.Datetime.to_string(value)
            if isinstance(value, datetime.datetime)
            else value.isoformat()
        )
    if isinstance(value, models.BaseModel):
        return value.display_name
    return value
