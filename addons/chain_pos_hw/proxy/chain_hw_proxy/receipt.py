"""Turn a receipt sent by the POS into ESC/POS bytes.

The POS sends the receipt as data (see README, "Receipt format"): header lines, order lines,
totals, footer, a QR code and a barcode, amounts already formatted. The proxy lays it out in
the printer's columns (:func:`layout`) and encodes it (:class:`ReceiptRenderer`):

* printers with a Chinese font (``chinese = yes``) get text: Chinese mode on (``FS &``),
  GB18030 bytes, Chinese mode off (``FS .``). python-escpos's own ``text()`` cannot do this
  (it maps ``￥`` to ``?``), so text goes out raw; everything else uses python-escpos.
* printers without one (``chinese = no``) get ASCII lines as text and every other line as an
  image drawn with a CJK font (Pillow).
"""

import base64
import binascii
import functools
import io
import logging
from dataclasses import dataclass

from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from .textwidth import two_columns, wrap

_logger = logging.getLogger(__name__)

FS = b"\x1c"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
CHINESE_SIZE = FS + b"!"
LOGO_MAX_HEIGHT = 160
MAX_ITEMS = 500
MAX_TEXT = 512


class ReceiptError(ValueError):
    """The receipt sent by the POS cannot be printed as it is (HTTP 400)."""

    code = "invalid_receipt"


@dataclass(frozen=True)
class Row:
    """One logical line: ``left`` text and an optional right-aligned ``right`` part."""

    left: str
    right: str = ""
    align: str = "left"
    bold: bool = False
    double: bool = False


# ---------------------------------------------------------------------------------------------
# Validation and layout (pure data: no printer involved)
# ---------------------------------------------------------------------------------------------
def _text(value, where):
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ReceiptError(f"{where} must be text")
    if len(value) > MAX_TEXT:
        raise ReceiptError(f"{where} is longer than {MAX_TEXT} characters")
    return value


def _list(receipt, key):
    value = receipt.get(key) or []
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ReceiptError(f"{key} must be a list of at most {MAX_ITEMS} items")
    return value


def _mapping(item, where):
    if not isinstance(item, dict):
        raise ReceiptError(f"{where} must be an object")
    return item


def layout(receipt, columns):
    """The receipt as a list of operations ``(kind, argument)`` for the encoder.

    Kinds: ``row`` (a :class:`Row`), ``rule``, ``logo`` (raw image bytes), ``qr``,
    ``barcode``, ``feed`` (line count) and ``cut``.
    """
    if not isinstance(receipt, dict):
        raise ReceiptError("receipt must be an object")
    if not any(receipt.get(key) for key in ("header", "title", "lines", "totals", "footer")):
        raise ReceiptError("receipt is empty")
    ops = []
    if receipt.get("logo"):
        ops.append(("logo", _decode_logo(receipt["logo"])))
    ops += _header_ops(receipt)
    ops += _line_ops(receipt, columns)
    ops += _pair_ops(receipt, "totals")
    ops += _footer_ops(receipt)
    ops.append(("cut", None))
    return ops


def _header_ops(receipt):
    ops = []
    for index, line in enumerate(_list(receipt, "header")):
        text = _text(line, f"header[{index}]")
        ops.append(("row", Row(text, align="center", bold=index == 0, double=index == 0)))
    title = _text(receipt.get("title"), "title")
    if title:
        ops.append(("row", Row(title, align="center", bold=True)))
    ops += _pair_ops(receipt, "info")
    ops.append(("rule", None))
    return ops


def _line_ops(receipt, columns):
    ops = []
    for index, item in enumerate(_list(receipt, "lines")):
        item = _mapping(item, f"lines[{index}]")
        name = _text(item.get("name"), f"lines[{index}].name")
        qty = _text(item.get("qty"), f"lines[{index}].qty")
        unit_price = _text(item.get("unit_price"), f"lines[{index}].unit_price")
        price = _text(item.get("price"), f"lines[{index}].price")
        if qty and unit_price:
            ops.append(("row", Row(name)))
            ops.append(("row", Row(f"  {qty} x {unit_price}", price)))
        else:
            ops.append(("row", Row(name, price)))
        note = _text(item.get("note"), f"lines[{index}].note")
        if note:
            ops.append(("row", Row(f"  {note}")))
    if ops:
        ops.append(("rule", None))
    return ops


def _pair_ops(receipt, key):
    ops = []
    for index, item in enumerate(_list(receipt, key)):
        if isinstance(item, list) and len(item) == 2:
            item = {"label": item[0], "value": item[1]}
        item = _mapping(item, f"{key}[{index}]")
        label = _text(item.get("label"), f"{key}[{index}].label")
        value = _text(item.get("value"), f"{key}[{index}].value")
        strong = bool(item.get("strong"))
        ops.append(("row", Row(label, value, bold=strong, double=strong)))
    return ops


def _footer_ops(receipt):
    ops = []
    footer = _list(receipt, "footer")
    if footer:
        ops.append(("rule", None))
    for index, line in enumerate(footer):
        ops.append(("row", Row(_text(line, f"footer[{index}]"), align="center")))
    qr = _text(receipt.get("qr"), "qr")
    if qr:
        ops.append(("qr", qr))
    barcode = _text(receipt.get("barcode"), "barcode")
    if barcode:
        if not (barcode.isascii() and barcode.isprintable()):
            raise ReceiptError("barcode must be printable ASCII")
        ops.append(("barcode", barcode))
    return ops


def _decode_logo(value):
    if not isinstance(value, str):
        raise ReceiptError("logo must be a base64 image")
    value = value.split(",", 1)[-1]  # also accept a data: URL
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ReceiptError("logo is not valid base64") from exc


# ---------------------------------------------------------------------------------------------
# Encoding to ESC/POS
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _logo_bytes(data, profile, max_width):
    """ESC/POS raster bytes of a logo (cached: the POS sends the same logo every time)."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError) as exc:
        raise ReceiptError("logo is not an image Pillow can read") from exc
    image = image.convert("RGBA")
    background = Image.new("RGBA", image.size, "white")
    image = Image.alpha_composite(background, image).convert("L")
    image.thumbnail((max_width, LOGO_MAX_HEIGHT))
    printer = Dummy(profile=profile)
    printer.image(image.convert("1"), center=True)
    return printer.output


@functools.lru_cache(maxsize=4)
def _font(path, size):
    return ImageFont.truetype(path, size)


class ReceiptRenderer:
    """Encode receipts for one printer (its profile, columns and Chinese support)."""

    def __init__(self, printer_config):
        self.config = printer_config
        profile = Dummy(profile=printer_config.profile).profile
        self.dots = int(profile.profile_data["media"]["width"]["pixels"])
        self.native_qr = profile.supports("qrCode")
        self.barcode_b = profile.supports("barcodeB")
        self._config_logo = self._read_config_logo()

    def render(self, receipt):
        """Validate ``receipt`` and return the bytes to send to the printer."""
        ops = layout(receipt, self.config.columns)
        if self._config_logo and not any(kind == "logo" for kind, _arg in ops):
            ops.insert(0, ("logo", self._config_logo))
        return self.encode(ops)

    def encode(self, ops):
        printer = Dummy(profile=self.config.profile)
        printer.hw("INIT")
        style = {"align": "left", "bold": False, "double": False}
        image_rows = []  # consecutive rows drawn as images go out as one image
        for kind, argument in ops:
            if kind == "row" and self._needs_image(argument):
                image_rows.append(argument)
                continue
            self._encode_image_rows(printer, style, image_rows)
            getattr(self, f"_encode_{kind}")(printer, style, argument)
        self._encode_image_rows(printer, style, image_rows)
        return printer.output

    def drawer_kick(self, pin):
        printer = Dummy(profile=self.config.profile)
        printer.cashdraw(pin)
        return printer.output

    # -- one method per operation ------------------------------------------------------------
    def _encode_row(self, printer, style, row):
        self._set_style(printer, style, row.align, row.bold, row.double)
        width = self.config.columns // 2 if row.double else self.config.columns
        if self.config.chinese:
            for line in self._row_lines(row, width):
                printer._raw(CHINESE_ON + line.encode("gb18030", "replace") + CHINESE_OFF + b"\n")
        else:
            for line in self._row_lines(row, width):
                printer._raw(line.encode("ascii") + b"\n")

    def _needs_image(self, row):
        return not self.config.chinese and not (row.left + row.right).isascii()

    def _encode_image_rows(self, printer, style, rows):
        if not rows:
            return
        self._set_style(printer, style, "left", False, False)
        images = [
            self._row_image(row, self.config.columns // 2 if row.double else self.config.columns)
            for row in rows
        ]
        strip = Image.new("1", (self.dots, sum(image.height for image in images)), 1)
        top = 0
        for image in images:
            strip.paste(image, (0, top))
            top += image.height
        printer.image(strip, center=False)
        rows.clear()

    def _encode_rule(self, printer, style, _argument):
        self._encode_row(printer, style, Row("-" * self.config.columns))

    def _encode_logo(self, printer, style, data):
        self._set_style(printer, style, "center", False, False)
        printer._raw(_logo_bytes(data, self.config.profile, self.dots * 2 // 3))

    def _encode_qr(self, printer, style, content):
        self._set_style(printer, style, "center", False, False)
        printer.qr(content, native=self.native_qr, size=6, center=not self.native_qr)

    def _encode_barcode(self, printer, style, code):
        # CODE128 set B: 11 modules per character plus start, check and stop symbols.
        modules = 11 * len(code) + 35
        width = next((w for w in (3, 2) if modules * w <= self.dots), None)
        if not self.barcode_b or width is None:
            _logger.warning("barcode %r does not fit printer %s: left out", code, self.config.name)
            return
        self._set_style(printer, style, "center", False, False)
        # _hw_barcode: barcode() would print() which renderer it picked on stdout.
        printer._hw_barcode("{B" + code, "CODE128", height=60, width=width, function_type="B")

    def _encode_feed(self, printer, _style, count):
        printer.ln(count)

    def _encode_cut(self, printer, _style, _argument):
        printer.cut()

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _row_lines(row, width):
        if row.right:
            return two_columns(row.left, row.right, width)
        return wrap(row.left, width)

    def _set_style(self, printer, style, align, bold, double):
        if style["align"] != align:
            printer.set(align=align)
        if style["bold"] != bold:
            printer.set(bold=bold)
        if style["double"] != double:
            if double:
                printer.set(double_height=True, double_width=True)
            else:
                printer.set(normal_textsize=True)
            if self.config.chinese:
                printer._raw(CHINESE_SIZE + (b"\x0c" if double else b"\x00"))
        style.update(align=align, bold=bold, double=double)

    def _row_image(self, row, width):
        """Draw a row with the CJK font, for printers that have no Chinese font."""
        font = _font(self.config.font, 48 if row.double else 24)
        line_height = 56 if row.double else 30
        lines = wrap(row.left, width)
        right_length = font.getlength(row.right) if row.right else 0
        if row.right and font.getlength(lines[-1] + " ") + right_length > self.dots:
            lines.append("")
        image = Image.new("1", (self.dots, line_height * len(lines)), 1)
        draw = ImageDraw.Draw(image)
        for index, line in enumerate(lines):
            free = self.dots - font.getlength(line)
            x = {"center": free / 2, "right": free}.get(row.align, 0)
            draw.text((x, index * line_height), line, font=font, fill=0)
        if row.right:
            y = (len(lines) - 1) * line_height
            draw.text((self.dots - right_length, y), row.right, font=font, fill=0)
        return image

    def _read_config_logo(self):
        if not self.config.logo:
            return None
        try:
            with open(self.config.logo, "rb") as handle:
                return handle.read()
        except OSError as exc:
            _logger.warning(
                "printer %s: cannot read logo %s: %s", self.config.name, self.config.logo, exc
            )
            return None
