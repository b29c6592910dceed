"""Receipt printers: the python-escpos connection, the printer's status, the print worker.

Status codes (what the POS shows, translated): ``ok``, ``paper_near_end`` (still prints),
``paper_out``, ``cover_open``, ``offline`` (unplugged, switched off or unreachable) and
``unknown`` (not checked yet). The worker prints queued jobs in order; while the printer
cannot print, jobs wait, and they print as soon as it can again.
"""

import logging
import termios
import threading
import time

from escpos.exceptions import Error as EscposError

from .. import jobs as job_states

_logger = logging.getLogger(__name__)

OK, NEAR_END, PAPER_OUT, COVER_OPEN, OFFLINE, UNKNOWN = (
    "ok",
    "paper_near_end",
    "paper_out",
    "cover_open",
    "offline",
    "unknown",
)
PRINTABLE = (OK, NEAR_END, UNKNOWN)
DLE_EOT = b"\x10\x04"
# Closing a serial port whose device is gone fails in tcdrain with termios.error.
CLOSE_ERRORS = (EscposError, OSError, termios.error)


class DeviceError(Exception):
    """The device cannot be reached (unplugged, switched off, network down)."""


def status_from_bytes(printer, offline_cause, paper):
    """Map the answers to ``DLE EOT 1``, ``2`` and ``4`` (None: no answer) to a status code."""
    if offline_cause is not None and offline_cause & 0x04:
        return COVER_OPEN
    if (offline_cause is not None and offline_cause & 0x20) or (
        paper is not None and paper & 0x60 == 0x60
    ):
        return PAPER_OUT
    if printer is not None and printer & 0x08:
        return OFFLINE
    if paper is not None and paper & 0x0C:
        return NEAR_END
    return OK if printer is not None else UNKNOWN


class EscposTransport:
    """A USB, serial or network printer, through python-escpos."""

    def __init__(self, config):
        self.config = config
        self.keep_open = config.type != "network"  # a network printer serves one client
        self._printer = None

    def describe(self):
        config = self.config
        return {
            "usb": f"usb {config.vendor_id:04x}:{config.product_id:04x}",
            "serial": f"serial {config.port}",
            "network": f"network {config.host}:{config.tcp_port}",
        }[config.type]

    @property
    def is_open(self):
        return self._printer is not None

    def open(self):
        if self._printer is not None:
            return
        printer = self._make_printer()
        try:
            printer.open()
        except (EscposError, OSError) as exc:
            raise DeviceError(str(exc).strip()) from exc
        self._printer = printer

    def close(self):
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                printer.close()
            except CLOSE_ERRORS as exc:
                _logger.debug("closing %s: %s", self.describe(), exc)
                printer._device = False  # gone: python-escpos's __del__ must not close again

    def write(self, data, label=None):
        self.open()
        try:
            self._printer._raw(data)
        except (EscposError, OSError, ValueError) as exc:
            self.close()
            raise DeviceError(str(exc).strip() or type(exc).__name__) from exc

    def status(self):
        if not self.config.status_query:
            return UNKNOWN
        self.open()
        try:
            printer = self._query(1)
            if printer is None:
                return UNKNOWN  # a printer that does not answer: do not wait for 2 more
            return status_from_bytes(printer, self._query(2), self._query(4))
        except (EscposError, OSError, ValueError) as exc:
            self.close()
            raise DeviceError(str(exc).strip() or type(exc).__name__) from exc

    def _query(self, n):
        """Send ``DLE EOT n`` and return the status byte, or None if the printer is silent."""
        self._printer._raw(DLE_EOT + bytes([n]))
        answer = self._read(timeout=min(self.config.timeout, 1.0))
        return answer[-1] if answer else None

    def _read(self, timeout):
        """Up to 16 bytes from the printer; b"" when it says nothing within ``timeout``."""
        if self.config.type == "usb":
            return self._read_usb(timeout)
        device = self._printer.device
        if self.config.type == "network":
            device.settimeout(timeout)
            try:
                data = device.recv(16)
            except TimeoutError:  # socket.timeout
                return b""
            finally:
                device.settimeout(self.config.timeout)
            if not data:
                raise DeviceError("the printer closed the connection")
            return data
        device.timeout = timeout
        try:
            return device.read(1)  # read(16) would wait for 16 bytes or the whole timeout
        finally:
            device.timeout = self.config.timeout

    def _read_usb(self, timeout):
        import usb.core

        try:
            return bytes(self._printer.device.read(self._printer.in_ep, 16, int(timeout * 1000)))
        except usb.core.USBTimeoutError:
            return b""

    def _make_printer(self):
        config = self.config
        if config.type == "usb":
            from escpos.printer import Usb

            return Usb(
                config.vendor_id,
                config.product_id,
                timeout=int(config.timeout * 1000),
                in_ep=config.in_ep,
                out_ep=config.out_ep,
                profile=config.profile,
            )
        if config.type == "serial":
            from escpos.printer import Serial

            return Serial(
                config.port, config.baudrate, timeout=config.timeout, profile=config.profile
            )
        from escpos.printer import Network

        return Network(config.host, config.tcp_port, timeout=config.timeout, profile=config.profile)


class PrinterDevice:
    """One configured printer: its transport, its renderer and the thread that prints."""

    kind = "printer"

    def __init__(self, config, transport, renderer, jobs, hub):
        self.config = config
        self.name = config.name
        self.transport = transport
        self.renderer = renderer
        self.jobs = jobs
        self.hub = hub
        self.status = UNKNOWN
        self.message = ""
        self.lock = threading.RLock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"printer-{self.name}", daemon=True)
        self._last_check = 0.0

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        with self.lock:
            self.transport.close()

    def wake(self):
        """A job arrived: print it now."""
        self._wake.set()

    def info(self):
        return {
            "name": self.name,
            "kind": self.kind,
            "type": self.config.type,
            "connection": self.transport.describe(),
            "connected": self.status not in (OFFLINE, UNKNOWN),
            "status": self.status,
            "message": self.message,
            "queued_jobs": self.jobs.pending_count(self.name),
            "chinese": self.config.chinese,
        }

    def kick_drawer(self, pin):
        """Open the cash drawer wired to this printer; raise DeviceError when unreachable."""
        with self.lock:
            try:
                self.transport.write(self.renderer.drawer_kick(pin), label="drawer")
            except DeviceError as exc:
                self._set_status(OFFLINE, str(exc))
                raise
            finally:
                if not self.transport.keep_open:
                    self.transport.close()

    def refresh_status(self):
        """Ask the printer for its status (opening the connection if needed)."""
        with self.lock:
            self._last_check = time.monotonic()
            try:
                self.transport.open()
                status, message = self.transport.status(), ""
            except DeviceError as exc:
                self.transport.close()
                status, message = OFFLINE, str(exc)
            if not self.transport.keep_open:
                self.transport.close()
            self._set_status(status, message)
            return status

    # -- worker ------------------------------------------------------------------------------
    def _run(self):
        while not self._stop.is_set():
            try:
                job = self.jobs.next_queued(self.name)
                if job is None:
                    self._idle()
                elif not self._print(job):
                    self._stop.wait(self.config.retry_interval)
            except Exception:  # the worker must survive anything: log it and go on
                _logger.exception("printer %s: unexpected error", self.name)
                self._stop.wait(self.config.retry_interval)

    def _idle(self):
        interval = self.config.status_interval
        if interval and time.monotonic() - self._last_check >= interval:
            self.refresh_status()
        self._wake.wait(interval or None)
        self._wake.clear()

    def _print(self, job):
        """Print ``job`` if the printer can; return True when it printed."""
        with self.lock:
            status = self.refresh_status()
            if status not in PRINTABLE:
                if job.blocked_by != status:
                    _logger.warning("printer %s is %s: job %s waits", self.name, status, job.id)
                self.jobs.block_queued(self.name, status)
                return False
            self.jobs.mark(job, job_states.PRINTING)
            try:
                self.transport.write(job.data, label=job.id)
            except DeviceError as exc:
                _logger.warning("printer %s: %s; job %s waits", self.name, exc, job.id)
                self._set_status(OFFLINE, str(exc))
                self.jobs.mark(job, job_states.QUEUED)
                self.jobs.block_queued(self.name, OFFLINE)
                return False
            finally:
                if not self.transport.keep_open:
                    self.transport.close()
            self.jobs.mark(job, job_states.PRINTED)
        self.hub.publish("job", device=self.name, job_id=job.id, state=job_states.PRINTED)
        return True

    def _set_status(self, status, message=""):
        changed = status != self.status
        self.status, self.message = status, message
        if changed:
            _logger.info("printer %s: %s %s", self.name, status, message)
            self.hub.publish(
                "printer",
                device=self.name,
                status=status,
                queued_jobs=self.jobs.pending_count(self.name),
            )
