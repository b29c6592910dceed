"""Simulated devices (``type = sim``), so that the whole flow runs on a laptop.

Files in the simulator directory (``--sim-dir``):

* ``printer-NAME.txt``: every job as text (read back from the ESC/POS bytes it received),
  ``printer-NAME.bin``: the raw bytes. Write ``paper_out``, ``cover_open`` or ``offline`` to
  ``printer-NAME.status`` to simulate a problem; write ``ok`` (or delete it) to end it.
* ``reader-NAME.tty``: a pty; ``printf ';6200000000000001?\\r' > reader-NAME.tty`` is a swipe.
* ``display-NAME.txt``: what the pole display shows now (two lines).
"""

import datetime
import fcntl
import os
import select
import struct
import termios
import tty

from ..escpos_text import escpos_to_text
from .printer import COVER_OPEN, OFFLINE, OK, PAPER_OUT, DeviceError

SIM_STATUSES = (OK, PAPER_OUT, COVER_OPEN, OFFLINE)


class VirtualPrinterTransport:
    """A printer that writes what it prints to files; its status comes from a file."""

    keep_open = True

    def __init__(self, config, sim_dir):
        self.config = config
        self.text_path = sim_dir / f"printer-{config.name}.txt"
        self.raw_path = sim_dir / f"printer-{config.name}.bin"
        self.status_path = sim_dir / f"printer-{config.name}.status"
        sim_dir.mkdir(parents=True, exist_ok=True)

    def describe(self):
        return f"simulated, prints to {self.text_path}"

    def open(self):
        if self.status() == OFFLINE:
            raise DeviceError("the simulated printer is offline")

    def close(self):
        """Nothing to close."""

    def write(self, data, label=None):
        self.open()
        with open(self.raw_path, "ab") as handle:
            handle.write(data)
        stamp = datetime.datetime.now().isoformat(timespec="seconds")
        text = escpos_to_text(data, self.config.columns)
        with open(self.text_path, "a", encoding="utf-8") as handle:
            handle.write(f"===== {label or 'job'} {stamp} =====\n{text}\n")

    def status(self):
        try:
            value = self.status_path.read_text(encoding="utf-8").strip().lower()
        except FileNotFoundError:
            return OK
        return value if value in SIM_STATUSES else OK


class PtyPort:
    """The reading end of a pty, with the part of pyserial's API the card reader uses."""

    def __init__(self, fd):
        self.fd = fd

    @property
    def in_waiting(self):
        return struct.unpack("I", fcntl.ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0"))[0]

    def read(self, size=1):
        ready, _w, _x = select.select([self.fd], [], [], 0.2)
        if not ready:
            return b""
        return os.read(self.fd, max(1, size))

    def close(self):
        """The pty belongs to the simulated reader: it stays open."""


class VirtualCardReader:
    """A pty pair: swipes written to ``reader-NAME.tty`` (or POSTed) reach the reader."""

    def __init__(self, config, sim_dir):
        self.link = sim_dir / f"reader-{config.name}.tty"
        sim_dir.mkdir(parents=True, exist_ok=True)
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        if self.link.is_symlink() or self.link.exists():
            self.link.unlink()
        self.link.symlink_to(os.ttyname(self.slave))

    def describe(self):
        return f"simulated, swipe into {self.link}"

    def open_port(self):
        return PtyPort(self.master)

    def swipe(self, data):
        """Type ``data`` on the simulated reader, as a reader sends a swipe."""
        os.write(self.slave, data)

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                continue
        if self.link.is_symlink():
            self.link.unlink()


class VirtualDisplayPort:
    """A pole display that shows its two lines in ``display-NAME.txt``."""

    def __init__(self, config, sim_dir, command_set):
        self.path = sim_dir / f"display-{config.name}.txt"
        self.config = config
        self.command_set = command_set
        sim_dir.mkdir(parents=True, exist_ok=True)

    def describe(self):
        return f"simulated, shows in {self.path}"

    def write(self, data):
        lines = self.command_set.screen(data, self.config.encoding)
        if lines is not None:
            self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def close(self):
        """Nothing to close."""

    @staticmethod
    def alive():
        return True
