"""Line-break repair shared by the text mode and the image pipeline: joining wrapped lines.

Chinese lines join with no space, Latin words with one; an English word hyphenated at a line
end is rejoined while real hyphens stay.
"""

from __future__ import annotations

import unicodedata


def is_cjk(ch: str) -> bool:
    """Han characters, kana, hangul and full-width punctuation: scripts written without spaces."""
    if not ch:
        return False
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK symbols and punctuation, kana, Han
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFE10 <= code <= 0xFE4F  # vertical forms, CJK compatibility forms
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF  # Han extensions
        or unicodedata.east_asian_width(ch) in ("W", "F")
        and not ch.isascii()
    )


def join_texts(left: str, right: str) -> str:
    """Join the text before a line break with the text after it."""
    left = left.rstrip()
    right = right.lstrip()
    if not left:
        return right
    if not right:
        return left
    a, b = left[-1], right[0]
    if is_cjk(a) or is_cjk(b):
        return left + right
    if a == "-" and len(left) >= 2 and left[-2].isalpha() and left[-2].islower() and b.islower():
        return left[:-1] + right
    return left + " " + right


def join_lines(texts: list[str]) -> str:
    """Join a paragraph's wrapped lines into one string."""
    result = ""
    for text in texts:
        result = join_texts(result, text)
    return result
