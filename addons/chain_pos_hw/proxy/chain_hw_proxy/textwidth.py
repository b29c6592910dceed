"""Column arithmetic for fixed-pitch devices where a Chinese character takes two columns."""

import unicodedata


def char_width(char):
    """Columns taken by ``char``: 2 for wide and full-width characters, 0 for combining."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text):
    return sum(char_width(char) for char in text)


def clip(text, width):
    """The longest prefix of ``text`` that fits in ``width`` columns."""
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[:index]
    return text


def wrap(text, width):
    """Split ``text`` into lines of at most ``width`` columns (breaking at spaces if it can)."""
    lines = []
    for paragraph in str(text).splitlines() or [""]:
        rest = paragraph.rstrip()
        while text_width(rest) > width:
            head = clip(rest, width) or rest[0]
            space = head.rfind(" ")
            if space > 0 and head.isascii():
                head = head[:space]
            lines.append(head.rstrip())
            rest = rest[len(head) :].lstrip()
        lines.append(rest)
    return lines


def pad_right(text, width):
    return text + " " * max(0, width - text_width(text))


def two_columns(left, right, width):
    """``left`` and ``right`` on one line of ``width`` columns; ``left`` wraps above if needed.

    Returns a list of lines: the right part always ends the last line, right-aligned.
    """
    right_width = text_width(right)
    if right_width >= width:
        return [*wrap(left, width), clip(right, width)]
    lines = wrap(left, width) if left else [""]
    last = lines[-1]
    gap = width - text_width(last) - right_width
    if gap < 1:
        lines.append(" " * (width - right_width) + right)
    else:
        lines[-1] = last + " " * gap + right
    return lines
