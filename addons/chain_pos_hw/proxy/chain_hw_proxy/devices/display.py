"""Pole displays (2 lines x 20 characters, VFD or LCD) on a serial port.

The top line shows the selected (or last) order line with its price, the bottom line the
total, or the change once the order is paid. Three command sets cover most displays sold:

* ``epson``: ESC/POS customer displays (Epson DM-D and compatibles): ``US $ x y`` moves
  the cursor, each line is written in full.
* ``cd5220``: ``ESC Q A`` text CR sets the upper line, ``ESC Q B`` text CR the lower line.
* ``aedex``: ``!#1`` text CR and ``!#2`` text CR.

Characters the display's ``encoding`` cannot show are left out. After a replug the display
gets its current content again.
"""

import logging
import os
import threading

import serial

from ..textwidth import clip, pad_right, text_width

_logger = logging.getLogger(__name__)


class CommandSet:
    name = ""
    init = b""

    def frame(self, top, bottom):
        """Bytes that show the two (already encoded and padded) lines."""
        raise NotImplementedError

    def screen(self, data, encoding):
        """The two lines a display would show after ``data`` (for the simulator)."""
        raise NotImplementedError


class EpsonCommands(CommandSet):
    name = "epson"
    init = b"\x1b@"

    def frame(self, top, bottom):
        return b"\x1f$\x01\x01" + top + b"\x1f$\x01\x02" + bottom

    def screen(self, data, encoding):
        if b"\x1f$\x01\x02" not in data:
            return None
        head, bottom = data.split(b"\x1f$\x01\x02", 1)
        top = head.rsplit(b"\x1f$\x01\x01", 1)[-1]
        return [
            top.decode(encoding, "replace").rstrip(),
            bottom.decode(encoding, "replace").rstrip(),
        ]


class PrefixedLineCommands(CommandSet):
    """Command sets that send each line as ``PREFIX text CR``."""

    top_prefix = b""
    bottom_prefix = b""

    def frame(self, top, bottom):
        return self.top_prefix + top + b"\r" + self.bottom_prefix + bottom + b"\r"

    def screen(self, data, encoding):
        if self.bottom_prefix not in data:
            return None
        head, bottom = data.split(self.bottom_prefix, 1)
        top = head.rsplit(self.top_prefix, 1)[-1]
        return [part.rstrip(b"\r").decode(encoding, "replace").rstrip() for part in (top, bottom)]


class Cd5220Commands(PrefixedLineCommands):
    name = "cd5220"
    init = b"\x1b@"
    top_prefix = b"\x1bQA"
    bottom_prefix = b"\x1bQB"


class AedexCommands(PrefixedLineCommands):
    name = "aedex"
    top_prefix = b"!#1"
    bottom_prefix = b"!#2"


COMMAND_SETS = {cls.name: cls for cls in (EpsonCommands, Cd5220Commands, AedexCommands)}


def displayable(text, encoding):
    """``text`` without the characters ``encoding`` cannot show."""
    kept = []
    for char in str(text or ""):
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            continue
        kept.append(char)
    return "".join(kept)


def one_line(left, right, width):
    """``left`` clipped so that ``right`` fits at the end of a ``width``-column line."""
    right = clip(right, width)
    room = width - text_width(right)
    left = clip(left, max(0, room - 1)) if right else clip(left, width)
    return pad_right(left, room) + right


def pole_lines(state, columns, encoding, welcome=""):
    """The two lines for ``state`` (what ``POST /v1/display`` received)."""

    def fit(left, right=""):
        left, right = displayable(left, encoding).strip(), displayable(right, encoding).strip()
        return one_line(left, right, columns)

    lines = state.get("lines") or []
    if not lines:
        return fit(state.get("message") or welcome), fit("")
    item = next((line for line in lines if line.get("selected")), lines[-1])
    top = fit(item.get("name", ""), item.get("price", ""))
    if state.get("change"):
        return top, fit(state.get("change_label", ""), state["change"])
    return top, fit(state.get("total_label", ""), state.get("total", ""))


def open_serial_display(config):
    return serial.serial_for_url(config.port, baudrate=config.baudrate, timeout=1, write_timeout=2)


class PoleDisplay:
    kind = "display"

    def __init__(self, config, open_port, describe, hub):
        self.config = config
        self.name = config.name
        self.commands = COMMAND_SETS[config.commands]()
        self.hub = hub
        self._open_port = open_port
        self._describe = describe
        self._port = None
        self._lock = threading.Lock()  # guards _frame, _version and lines
        self._frame, self._version, self._sent_version = b"", 0, -1
        self.lines = ("", "")
        self._set_lines(pole_lines({}, config.columns, config.encoding, config.welcome))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"display-{self.name}", daemon=True)

    @property
    def connected(self):
        return self._port is not None

    def start(self):
        self._wake.set()  # connect at once
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self._close()

    def info(self):
        return {
            "name": self.name,
            "kind": self.kind,
            "type": self.config.type,
            "connection": self._describe(),
            "connected": self.connected,
            "status": "ok" if self.connected else "offline",
            "commands": self.commands.name,
            "lines": list(self.lines),
        }

    def show(self, state):
        config = self.config
        self._set_lines(pole_lines(state, config.columns, config.encoding, config.welcome))
        self._wake.set()

    def _set_lines(self, lines):
        frame = self.commands.frame(*(line.encode(self.config.encoding) for line in lines))
        with self._lock:
            self._frame, self._version = frame, self._version + 1
            self.lines = tuple(line.rstrip() for line in lines)

    # -- worker ------------------------------------------------------------------------------
    def _run(self):
        while not self._stop.is_set():
            self._wake.wait(self.config.reconnect_interval)
            self._wake.clear()
            if self._port is not None and not self._still_plugged():
                self._lost("the device is gone")
            if self._port is None and not self._connect():
                continue
            if self._sent_version != self._version:
                self._send()

    def _connect(self):
        try:
            self._port = self._open_port()
            self._port.write(self.commands.init)
        except (OSError, ValueError, serial.SerialException) as exc:
            _logger.debug("display %s: %s", self.name, exc)
            self._close()
            return False
        _logger.info("display %s connected", self.name)
        self.hub.publish("device", device=self.name, kind=self.kind, connected=True)
        self._sent_version = -1  # a (re)plugged display shows the current lines again
        return True

    def _send(self):
        with self._lock:
            frame, version = self._frame, self._version
        try:
            self._port.write(frame)
        except (OSError, serial.SerialException) as exc:
            self._lost(str(exc))
            return
        self._sent_version = version

    def _still_plugged(self):
        alive = getattr(self._port, "alive", None)
        if alive is not None:
            return alive()
        return (
            self.config.type != "serial"
            or "://" in self.config.port
            or os.path.exists(self.config.port)
        )

    def _lost(self, reason):
        _logger.info("display %s offline: %s", self.name, reason)
        self._close()
        self.hub.publish("device", device=self.name, kind=self.kind, connected=False)
        self._wake.set()  # try again at once: a replug may already be there

    def _close(self):
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (OSError, serial.SerialException) as exc:
                _logger.debug("display %s: close: %s", self.name, exc)
