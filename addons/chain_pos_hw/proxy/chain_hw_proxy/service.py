"""The proxy's operations, independent of HTTP: print, open the drawer, drive the displays,
list devices, deliver events. ``server.py`` maps routes onto these methods."""

import time

from . import __version__
from .devices import build_display, build_printer, build_reader
from .devices.printer import DeviceError
from .events import EventHub
from .jobs import JobStore, valid_job_id
from .receipt import ReceiptError

MAX_WAIT = 30.0
DISPLAY_TEXT_KEYS = ("total", "total_label", "change", "change_label", "message")
DISPLAY_LINE_KEYS = ("name", "qty", "unit_price", "price")


class ApiError(Exception):
    """A request the proxy refuses: HTTP status, machine code (the POS translates it)."""

    def __init__(self, status, code, message=""):
        super().__init__(message or code)
        self.status = status
        self.code = code
        self.message = message or code


def _number(value, default, low, high, name):
    if value is None:
        return default
    try:
        return min(high, max(low, float(value)))
    except (TypeError, ValueError) as exc:
        raise ApiError(400, "invalid_request", f"{name} must be a number") from exc


class HardwareProxy:
    def __init__(self, config):
        self.config = config
        self.hub = EventHub()
        self.jobs = JobStore(config.state_dir / "jobs.json", config.job_expiry)
        self.printers = {
            name: build_printer(printer, config, self.jobs, self.hub)
            for name, printer in config.printers.items()
        }
        self.readers = {
            name: build_reader(reader, config, self.hub) for name, reader in config.readers.items()
        }
        self.displays = {
            name: build_display(display, config, self.hub)
            for name, display in config.displays.items()
        }
        self.display = {}
        self.started = time.time()

    @property
    def all_devices(self):
        return [*self.printers.values(), *self.readers.values(), *self.displays.values()]

    def start(self):
        for device in self.all_devices:
            device.start()

    def stop(self):
        for device in self.all_devices:
            device.stop()

    # -- status ------------------------------------------------------------------------------
    def health(self):
        return {
            "status": "ok",
            "version": __version__,
            "boot": self.hub.boot,
            "uptime": round(time.time() - self.started, 1),
            "simulator": self.config.simulated,
            "default_printer": self.config.default_printer,
            "devices": {device.name: device.info()["status"] for device in self.all_devices},
        }

    def devices(self):
        return {"devices": [device.info() for device in self.all_devices]}

    def events(self, after, timeout, types):
        timeout = _number(timeout, 25.0, 0.0, MAX_WAIT, "timeout")
        try:
            after = int(after) if after not in (None, "") else None
        except ValueError as exc:
            raise ApiError(400, "invalid_request", "after must be an integer") from exc
        events, last, reset = self.hub.wait(after, timeout, types)
        return {"boot": self.hub.boot, "last": last, "reset": reset, "events": events}

    # -- printing ------------------------------------------------------------------------------
    def print_receipt(self, payload):
        """Queue (or find again) a job; wait a little for it. Returns ``(http_status, body)``."""
        job_id = payload.get("job_id")
        if not valid_job_id(job_id):
            raise ApiError(400, "invalid_job_id", "job_id must be 1 to 128 printable characters")
        printer = self._printer(payload.get("printer"))
        wait = _number(payload.get("wait"), 10.0, 0.0, MAX_WAIT, "wait")
        receipt = payload.get("receipt")
        try:
            job, duplicate = self.jobs.submit(
                job_id, printer.name, lambda: printer.renderer.render(receipt)
            )
        except ReceiptError as exc:
            raise ApiError(400, exc.code, str(exc)) from exc
        if not duplicate:
            printer.wake()
        body = self.jobs.wait_settled(job, wait)
        body["duplicate"] = duplicate
        return (200 if body["state"] == "printed" else 202), body

    def job(self, job_id):
        job = self.jobs.get(job_id)
        if job is None:
            raise ApiError(404, "unknown_job", f"no job {job_id}")
        return job.as_dict()

    def kick_drawer(self, payload):
        drawer = self.config.drawer
        printer = self._printer(payload.get("printer") or drawer.printer)
        try:
            printer.kick_drawer(drawer.pin)
        except DeviceError as exc:
            raise ApiError(503, "offline", str(exc)) from exc
        return {"status": "ok", "printer": printer.name}

    def _printer(self, name):
        name = name or self.config.default_printer
        if name not in self.printers:
            raise ApiError(404, "unknown_printer", f"no printer {name}")
        return self.printers[name]

    # -- customer displays ---------------------------------------------------------------------
    def show_display(self, payload):
        state = self._display_state(payload)
        self.display = state
        for display in self.displays.values():
            display.show(state)
        self.hub.publish("display", state=state)
        return {"status": "ok", "displays": [d.info()["lines"] for d in self.displays.values()]}

    @staticmethod
    def _display_state(payload):
        def text(value, where):
            if value is None:
                return ""
            if not isinstance(value, (str, int, float)) or len(str(value)) > 200:
                raise ApiError(400, "invalid_display", f"{where} must be a short text")
            return str(value)

        lines = payload.get("lines") or []
        if not isinstance(lines, list) or len(lines) > 500:
            raise ApiError(400, "invalid_display", "lines must be a list")
        state = {key: text(payload.get(key), key) for key in DISPLAY_TEXT_KEYS}
        state["lines"] = []
        for index, line in enumerate(lines):
            if not isinstance(line, dict):
                raise ApiError(400, "invalid_display", f"lines[{index}] must be an object")
            clean = {key: text(line.get(key), f"lines[{index}].{key}") for key in DISPLAY_LINE_KEYS}
            clean["selected"] = bool(line.get("selected"))
            state["lines"].append(clean)
        return state

    # -- simulator -----------------------------------------------------------------------------
    def sim_swipe(self, payload):
        """Type a swipe on a simulated reader (``POST /v1/sim/swipe``)."""
        readers = {name: r for name, r in self.readers.items() if r.simulator is not None}
        name = payload.get("reader") or next(iter(readers), None)
        if name not in readers:
            raise ApiError(404, "unknown_reader", "no simulated card reader of that name")
        data = payload.get("data")
        if not isinstance(data, str) or not data or len(data) > 512:
            raise ApiError(400, "invalid_request", "data must be the text a reader sends")
        if not data.endswith(("\r", "\n")):
            data += "\r"
        readers[name].simulator.swipe(data.encode("utf-8"))
        return {"status": "ok", "reader": name}
