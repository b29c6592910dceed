"""Card readers on a serial port: magstripe, IC and RFID readers that send one line per card.

A line ends with CR, LF or ETX (an STX in front is dropped). The card number is taken from
magstripe track 2 (``;NUMBER=...?``) or track 1 (``%BNUMBER^...``), else the whole line when
it is a plain card id (digits, letters, dashes: RFID and IC readers). Anything else is
garbage: counted, logged, dropped. The raw track data (it holds the card holder's name) is
never passed on. An unplugged reader is opened again as soon as it is back.
"""

import logging
import re
import threading
import time

import serial

_logger = logging.getLogger(__name__)

TRACK2 = re.compile(r";(\d{4,19})(?:=[^?]*)?\?")
TRACK1 = re.compile(r"%B(\d{4,19})\^")
PLAIN = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-]{3,63}")
TERMINATORS = b"\r\n\x03"
STX = b"\x02"


def extract_code(line):
    """The card number in one line sent by a reader, or None when there is none."""
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        return None
    text = text.strip()
    if not text.isprintable():
        return None
    for pattern in (TRACK2, TRACK1):
        match = pattern.search(text)
        if match:
            return match.group(1)
    return text if PLAIN.fullmatch(text) else None


class LineAssembler:
    """Cut a byte stream into lines; drop lines longer than ``max_line`` bytes."""

    def __init__(self, max_line):
        self.max_line = max_line
        self._buffer = bytearray()
        self._overflow = False
        self.dropped = 0

    def feed(self, chunk):
        lines = []
        for byte in chunk:
            if byte in TERMINATORS:
                if self._overflow:
                    self.dropped += 1
                elif self._buffer:
                    lines.append(bytes(self._buffer))
                self._buffer.clear()
                self._overflow = False
            elif not self._overflow:
                self._buffer.append(byte)
                if len(self._buffer) > self.max_line:
                    self._buffer.clear()
                    self._overflow = True
        return [line.replace(STX, b"") for line in lines]


def open_serial(config):
    """Open the reader's port (a device path or a pyserial URL such as ``socket://``)."""
    return serial.serial_for_url(config.port, baudrate=config.baudrate, timeout=0.2)


class CardReader:
    kind = "reader"

    def __init__(self, config, hub, open_port, describe, simulator=None):
        self.config = config
        self.simulator = simulator
        self.name = config.name
        self.hub = hub
        self._open_port = open_port
        self._describe = describe
        self.connected = False
        self.swipes = 0
        self.garbage = 0
        self._assembler = LineAssembler(config.max_line)
        self._last = (None, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"reader-{self.name}", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        if self.simulator is not None:
            self.simulator.close()

    def info(self):
        return {
            "name": self.name,
            "kind": self.kind,
            "type": self.config.type,
            "connection": self._describe(),
            "connected": self.connected,
            "status": "ok" if self.connected else "offline",
            "swipes": self.swipes,
            "garbage_lines": self.garbage + self._assembler.dropped,
        }

    def handle_line(self, line):
        """Publish the swipe in ``line``, or count it as garbage."""
        code = extract_code(line)
        if code is None:
            self.garbage += 1
            _logger.debug("reader %s: ignored a line that holds no card number", self.name)
            return None
        last_code, last_time = self._last
        now = time.monotonic()
        self._last = (code, now)
        if code == last_code and now - last_time < self.config.dedupe_seconds:
            return None  # the same card again at once: a reader sending each track
        self.swipes += 1
        return self.hub.publish("swipe", device=self.name, code=code)

    # -- worker ------------------------------------------------------------------------------
    def _run(self):
        while not self._stop.is_set():
            port = self._connect()
            if port is None:
                self._stop.wait(self.config.reconnect_interval)
                continue
            self._read_until_unplugged(port)

    def _connect(self):
        try:
            port = self._open_port()
        except (OSError, ValueError, serial.SerialException) as exc:
            self._set_connected(False, str(exc))
            return None
        self._set_connected(True)
        return port

    def _read_until_unplugged(self, port):
        try:
            while not self._stop.is_set():
                chunk = port.read(max(1, port.in_waiting))
                for line in self._assembler.feed(chunk):
                    self.handle_line(line)
        except (OSError, serial.SerialException) as exc:
            self._set_connected(False, str(exc))
        finally:
            try:
                port.close()
            except (OSError, serial.SerialException) as exc:
                _logger.debug("reader %s: close: %s", self.name, exc)

    def _set_connected(self, connected, reason=""):
        if connected == self.connected:
            return
        self.connected = connected
        _logger.info("reader %s %s %s", self.name, "connected" if connected else "offline", reason)
        self.hub.publish("device", device=self.name, kind=self.kind, connected=connected)
