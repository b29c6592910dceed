"""A strict ESC/POS parser for the tests: the bytes a printer receives, back as operations.

It knows only the commands the proxy is meant to send and fails on anything else, so a test
notices an unexpected byte. Outside Chinese mode (FS &) text must be ASCII; inside, it must
be valid GB18030. Written independently of the proxy's own simulator decoder on purpose.
"""

from dataclasses import dataclass, field, replace

ESC, GS, FS, DLE, LF = 0x1B, 0x1D, 0x1C, 0x10, 0x0A


class ParseError(AssertionError):
    pass


@dataclass
class Style:
    align: int = 0  # 0 left, 1 centre, 2 right
    bold: bool = False
    double: bool = False  # ESC ! 0x30: double width and height
    chinese_double: bool = False  # FS ! 0x0C: the same for the Chinese font
    chinese: bool = False  # Chinese mode (FS &) is on


@dataclass
class Op:
    kind: str
    value: object = None
    style: Style = None
    extra: dict = field(default_factory=dict)


class EscposParser:
    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0
        self.style = Style()
        self.ops = []
        self._raw = bytearray()
        self._line = ""
        self._line_chinese = False
        self._qr = {}
        self._barcode_setting = {}

    def parse(self):
        while self.pos < len(self.data):
            value = self._byte()
            if value == LF:
                self._end_line()
            elif value in (ESC, GS, FS, DLE):
                self._flush_segment()
                {ESC: self._esc, GS: self._gs, FS: self._fs, DLE: self._dle}[value](self._byte())
            else:
                self._raw.append(value)
        self._flush_segment()
        if self._line:
            raise ParseError(f"text not ended by a line feed: {self._line!r}")
        return self.ops

    # -- reading -------------------------------------------------------------------------------
    def _take(self, count):
        if self.pos + count > len(self.data):
            raise ParseError(f"truncated command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def _byte(self):
        return self._take(1)[0]

    def _add(self, kind, value=None, **extra):
        self.ops.append(Op(kind, value, replace(self.style), extra))

    # -- text ----------------------------------------------------------------------------------
    def _flush_segment(self):
        raw, self._raw = bytes(self._raw), bytearray()
        if not raw:
            return
        if self.style.chinese:
            self._line += raw.decode("gb18030")  # strict: invalid bytes fail the test
            self._line_chinese = True
        elif raw.isascii():
            self._line += raw.decode("ascii")
        else:
            raise ParseError(f"non-ASCII text outside Chinese mode: {raw!r}")

    def _end_line(self):
        self._flush_segment()
        self.ops.append(Op("text", self._line, replace(self.style, chinese=self._line_chinese)))
        self._line, self._line_chinese = "", False

    # -- commands ------------------------------------------------------------------------------
    def _esc(self, command):
        if command == ord("@"):
            self.style = Style()
            self._add("init")
        elif command == ord("a"):
            self.style.align = self._byte() % 48
        elif command == ord("E"):
            self.style.bold = bool(self._byte() & 1)
        elif command == ord("!"):
            self.style.double = self._byte() & 0x30 == 0x30
        elif command == ord("d"):
            self._add("feed", self._byte())
        elif command == ord("p"):
            pin, on_time, off_time = self._take(3)
            self._add("kick", 2 if pin in (0, 48) else 5, on=on_time, off=off_time)
        else:
            raise ParseError(f"unexpected ESC {chr(command)!r} at byte {self.pos - 2}")

    def _gs(self, command):
        if command == ord("V"):
            mode = self._byte()
            if mode in (65, 66):
                self._byte()
            self._add("cut", mode)
        elif command in b"hwHf":
            self._barcode_setting[chr(command)] = self._byte()
        elif command == ord("k"):
            self._barcode()
        elif command == ord("("):
            self._gs_paren()
        elif command == ord("v"):
            self._raster()
        else:
            raise ParseError(f"unexpected GS {chr(command)!r} at byte {self.pos - 2}")

    def _fs(self, command):
        if command == ord("&"):
            self.style.chinese = True
        elif command == ord("."):
            self.style.chinese = False
        elif command == ord("!"):
            self.style.chinese_double = self._byte() & 0x0C == 0x0C
        else:
            raise ParseError(f"unexpected FS {chr(command)!r} at byte {self.pos - 2}")

    def _dle(self, command):
        if command != 0x04:
            raise ParseError("unexpected DLE command")
        self._add("status_query", self._byte())

    def _barcode(self):
        system = self._byte()
        if system != 73:
            raise ParseError(f"only CODE128 (GS k 73) barcodes are expected, got {system}")
        data = self._take(self._byte()).decode("ascii")
        if not data.startswith("{B"):
            raise ParseError(f"CODE128 data must select code set B: {data!r}")
        self._add("barcode", data[2:], **self._barcode_setting)

    def _gs_paren(self):
        function = self._byte()
        body = self._take(int.from_bytes(self._take(2), "little"))
        if function != ord("k") or body[:1] != b"1":
            raise ParseError(f"unexpected GS ( {chr(function)} {body[:2]!r}")
        fn = body[1:2]
        if fn == b"A":
            self._qr["model"] = body[2] - 48
        elif fn == b"C":
            self._qr["size"] = body[2]
        elif fn == b"E":
            self._qr["ec"] = body[2] - 48
        elif fn == b"P":
            self._qr["data"] = body[3:].decode("utf-8")
        elif fn == b"Q":
            data = self._qr.pop("data")
            self._add("qr", data, **self._qr)
        else:
            raise ParseError(f"unexpected QR function {fn!r}")

    def _raster(self):
        if self._byte() != ord("0"):
            raise ParseError("only GS v 0 raster images are expected")
        self._byte()  # density
        width_bytes = int.from_bytes(self._take(2), "little")
        height = int.from_bytes(self._take(2), "little")
        pixels = self._take(width_bytes * height)
        self._add("image", (width_bytes * 8, height), ink=sum(bin(b).count("1") for b in pixels))


def parse(data):
    """The operations in ``data``: one ``text`` op per printed line."""
    return EscposParser(data).parse()


def texts(ops):
    return [op.value for op in ops if op.kind == "text"]


def find_text(ops, fragment):
    """The text op whose line contains ``fragment`` (fails when there is none)."""
    for op in ops:
        if op.kind == "text" and fragment in op.value:
            return op
    raise AssertionError(f"{fragment!r} not printed; lines: {texts(ops)}")


def jobs(ops):
    """Split a printer's whole byte stream (parsed) into jobs: each starts with init."""
    result = []
    for op in ops:
        if op.kind == "init":
            result.append([])
        if result:
            result[-1].append(op)
    return result
