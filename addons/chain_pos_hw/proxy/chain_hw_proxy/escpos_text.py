"""Read ESC/POS bytes back as plain text: what the simulated printer "prints" to its file.

Lenient on purpose (a simulator must never fail on a job): commands it does not know are
shown as ``[ESC x]`` and skipped. Text is GB18030 inside Chinese mode, CP437 outside.
QR codes, barcodes, images, cuts and drawer kicks appear as ``[QR ...]``-style markers.
"""

from .textwidth import text_width

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
# Commands followed by a fixed number of parameter bytes.
_ESC_ARGS = {
    b"@": 0,
    b"!": 1,
    b"E": 1,
    b"-": 1,
    b"a": 1,
    b"t": 1,
    b"M": 1,
    b"{": 1,
    b"d": 1,
    b"J": 1,
    b"G": 1,
    b"V": 1,
    b"2": 0,
    b"3": 1,
    b"R": 1,
    b"c": 2,
}
_GS_ARGS = {b"!": 1, b"b": 1, b"B": 1, b"h": 1, b"w": 1, b"H": 1, b"f": 1, b"L": 2, b"W": 2}
_FS_ARGS = {b"&": 0, b".": 0, b"!": 1, b"C": 1, b"-": 1, b"W": 1, b"S": 2}


class EscposTextDecoder:
    """Decode one job's bytes into lines of text, honouring alignment."""

    def __init__(self, columns=42):
        self.columns = columns
        self.lines = []
        self._buffer = bytearray()
        self._pending = ""
        self._chinese = False
        self._align = 0
        self._qr = b""

    def decode(self, data):
        index = 0
        try:
            while index < len(data):
                byte = data[index]
                if byte == 0x0A:
                    self._end_line()
                    index += 1
                elif byte in (ESC, GS, FS, DLE):
                    index = self._command(data, index)
                else:
                    self._buffer.append(byte)
                    index += 1
        except (IndexError, ValueError):
            self._marker("TRUNCATED COMMAND")
        if self._buffer or self._pending:
            self._end_line()
        return self.lines

    # -- text ----------------------------------------------------------------------------------
    def _flush_text(self):
        if self._buffer:
            text = bytes(self._buffer).decode("gb18030" if self._chinese else "cp437", "replace")
            self._pending += text
            self._buffer.clear()

    def _end_line(self):
        self._flush_text()
        text, self._pending = self._pending, ""
        self._emit(text)

    def _emit(self, text):
        free = max(0, self.columns - text_width(text))
        pad = {1: free // 2, 2: free}.get(self._align, 0)
        self.lines.append((" " * pad + text).rstrip())

    def _marker(self, text):
        if self._buffer or self._pending:
            self._end_line()
        self._emit(f"[{text}]")

    # -- commands ------------------------------------------------------------------------------
    def _command(self, data, index):
        self._flush_text()
        prefix, name = data[index], data[index + 1 : index + 2]
        special = {
            (ESC, b"p"): self._kick,
            (GS, b"V"): self._cut,
            (GS, b"("): self._gs_paren,
            (GS, b"k"): self._barcode,
            (GS, b"v"): self._raster,
            (DLE, b"\x04"): lambda d, i: i + 3,
        }.get((prefix, name))
        if special:
            return special(data, index)
        table = {ESC: _ESC_ARGS, GS: _GS_ARGS, FS: _FS_ARGS}.get(prefix, {})
        if name not in table:
            label = {ESC: "ESC", GS: "GS", FS: "FS", DLE: "DLE"}[prefix]
            self._marker(f"{label} {name!r}")
            return index + 2
        args = data[index + 2 : index + 2 + table[name]]
        self._apply(prefix, name, args)
        return index + 2 + table[name]

    def _apply(self, prefix, name, args):
        if prefix == FS and name == b"&":
            self._chinese = True
        elif prefix == FS and name == b".":
            self._chinese = False
        elif prefix == ESC and name == b"a" and args:
            self._align = args[0] % 48
        elif prefix == ESC and name == b"@":
            self._chinese, self._align = False, 0
        elif prefix == ESC and name == b"d" and args:
            self._end_line()  # a paper feed: one blank line is enough in a text file

    def _kick(self, data, index):
        pin = 2 if data[index + 2 : index + 3] in (b"\x00", b"0") else 5
        self._marker(f"DRAWER KICK pin {pin}")
        return index + 5

    def _cut(self, data, index):
        mode = data[index + 2] if index + 2 < len(data) else 0
        self._marker("CUT")
        return index + (4 if mode in (65, 66) else 3)

    def _gs_paren(self, data, index):
        size = data[index + 3] + 256 * data[index + 4]
        body = data[index + 5 : index + 5 + size]
        if data[index + 2 : index + 3] == b"k" and body[:2] == b"1P":
            self._qr = body[3:]
        elif data[index + 2 : index + 3] == b"k" and body[:2] == b"1Q":
            self._marker("QR " + self._qr.decode("utf-8", "replace"))
        return index + 5 + size

    def _barcode(self, data, index):
        kind = data[index + 2]
        if kind >= 65:
            size = data[index + 3]
            code = data[index + 4 : index + 4 + size]
            end = index + 4 + size
        else:
            end = data.index(b"\x00", index + 3)
            code = data[index + 3 : end]
            end += 1
        code = code.decode("ascii", "replace")
        self._marker("BARCODE " + (code[2:] if code[:1] == "{" else code))
        return end

    def _raster(self, data, index):
        width = (data[index + 4] + 256 * data[index + 5]) * 8
        height = data[index + 6] + 256 * data[index + 7]
        self._marker(f"IMAGE {width}x{height}")
        return index + 8 + width // 8 * height


def escpos_to_text(data, columns=42):
    """The text a receipt printer would show for ``data`` (see module docstring)."""
    return "\n".join(EscposTextDecoder(columns).decode(data))
