"""Line-break repair shared by the text mode and the image pipeline.

Two jobs, one implementation for both modes:
- `decide_breaks`: for each line of a block, does the paragraph end after it? The evidence is
  what both modes can measure: the line's text, how far it reaches toward the column's right edge
  (`relative_length`), its indent, and, from page geometry only, the gap above it and its size.
- `join_lines`: join a paragraph's wrapped lines. Chinese lines join with no space, Latin words
  with one; an English word hyphenated at a line end is rejoined while real hyphens stay
  (well-known, COVID-19, self-, e-mail; the kept prefixes/compounds are data in patterns.json).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pipeline import patterns

# Paragraph boundary weights. A break is decided when the summed evidence reaches BREAK_THRESHOLD.
BREAK_THRESHOLD = 2.0
FIRST_LINE_INDENT = 2.0  # characters: the indent a Chinese paragraph's first line gets
SHORT_LINE_SHORTFALL = 1.5  # characters missing at the right before a line counts as short


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


def _needs_no_space(left: str, right: str) -> bool:
    """No space across the break: either side CJK, a quote or bracket hugging its word, or a dash
    or ellipsis written closed up (Chinese style; an English spaced dash keeps its spaces)."""
    a, b = left[-1], right[0]
    if is_cjk(a) or is_cjk(b) or a in "“‘(/" or b in "”’)":
        return True
    spaced_dash = len(left) >= 2 and left[-2] == " "
    return (a in "—–…⋯" and not spaced_dash) or (b in "—–…⋯" and not right[1:2] == " ")


_PROSE_MARK_AFTER_CJK = re.compile(r"(?<=[^\x00-\x7f])[,;:!?()]")


def display_width(text: str) -> float:
    """Width in Chinese character cells: ASCII (digits, Latin, spaces) takes half a cell, except
    a comma, colon, bracket … right after Chinese, which OCR (or a web copy) often writes for the
    full-width mark that was printed."""
    half = len(text.encode("ascii", "ignore")) - len(_PROSE_MARK_AFTER_CJK.findall(text))
    return len(text) - 0.5 * half


@dataclass(frozen=True, slots=True)
class LineEvidence:
    """What is known about one line when deciding whether its paragraph ends after it.

    relative_length: how far the line reaches toward the block's right edge, as a fraction of a full
        line (1.0 = full; the indent is included when it is known, so an indented full first line is ~1.0).
    indent: leading indent in characters; None when unknown (text mode without a leading space).
    gap_before: vertical gap above the line in line heights (page geometry; the text mode gives 1.0 after
        a blank line when blank lines mark paragraphs, else None).
    size: the line's height relative to the block's typical line (page geometry only).
    """

    text: str
    relative_length: float
    indent: float | None = None
    gap_before: float | None = None
    size: float | None = None


class _Measured(NamedTuple):
    """A line's evidence with the text features the decision asks for, computed once."""

    evidence: LineEvidence
    full_chars: float  # characters in a full line, estimated from this line
    ends_sentence: bool
    ends_clause: bool
    hanging: float  # width of a final punctuation mark that may hang past the column's edge
    first_token: float  # width of what must start this line (an unbreakable word, with marks)
    cannot_start: bool  # begins with a closing quote, comma or full stop

    @classmethod
    def of(cls, line: LineEvidence) -> _Measured:
        text = line.text.strip()
        extent = display_width(text) + (line.indent or 0.0)
        end = patterns.line_end(text)
        return cls(
            line,
            max(extent / max(line.relative_length, 0.05), 1.0),
            end == patterns.SENTENCE_END,
            end == patterns.CLAUSE_END,
            1.0 if text and text[-1] in _wide_punctuation() else 0.0,
            first_token_width(text),
            _cannot_start_line(text),
        )


@lru_cache(maxsize=1)
def _wide_punctuation() -> frozenset[str]:
    """Full-width marks that may hang past a column's edge."""
    data = patterns.load()
    marks = data.sentence_final | data.weak_final | data.closing_marks | data.internal_punctuation
    return frozenset(ch for ch in marks if not ch.isascii())


def _shortfall(line: LineEvidence, full: float) -> float:
    """Characters missing at the right end compared with a full line."""
    return max(0.0, (1.0 - line.relative_length) * full)


def _looks_like_unindented_first_line(line: _Measured, full: float) -> bool:
    """A line about one indent shorter than full that does not itself end a sentence:
    the first line of a paragraph whose indent was lost. Punctuation may hang past the
    column's edge, so the line is also measured without a final mark."""
    if line.evidence.indent is not None or line.ends_sentence:
        return False
    shortfall = _shortfall(line.evidence, full)
    low, high = FIRST_LINE_INDENT - 0.75, FIRST_LINE_INDENT + 1.25  # an opening mark carried down makes it a cell shorter
    return low <= shortfall <= high or low <= shortfall + line.hanging <= high


@lru_cache(maxsize=1)
def _no_line_start() -> frozenset[str]:
    """Marks that never begin a line: closing quotes and brackets, commas, stops (patterns.json)."""
    data = patterns.load()
    return frozenset(data.closing_marks | data.sentence_final | data.weak_final | data.internal_punctuation)


@lru_cache(maxsize=1)
def _first_token_pattern() -> re.Pattern:
    """Opening marks, then a Latin word or number (kept whole by typesetters) or one character."""
    opening = re.escape("".join(sorted(patterns.load().opening_marks)))
    return re.compile(rf"^(?:[{opening}]\s*)*(?:[0-9A-Za-z%.,:/@_+\-]+|.)")


def first_token_width(text: str) -> float:
    """Width of what must start the line: a whole Latin word or number, or one character,
    with the opening marks before it and the marks that may not begin a line after it."""
    wide_marks = _wide_punctuation()
    if len(text) > 1 and not text[0].isascii() and not text[1].isascii() and text[0] not in wide_marks and text[1] not in wide_marks and text[0] not in patterns.load().opening_marks:
        return 1.0  # the common case: one Chinese character followed by another
    match = _first_token_pattern().match(text)
    if match is None:
        return 0.0
    end = match.end()
    trailing = _no_line_start()
    while end < len(text) and text[end] in trailing:
        end += 1
    return display_width(text[:end])


def _cannot_start_line(text: str) -> bool:
    """Closing quotes and brackets, commas and full stops never begin a paragraph."""
    return bool(text) and text[0] in _no_line_start() and not text.startswith("...")


def _score(line: _Measured, following: _Measured, starts_paragraph: bool, typical_gap: float | None) -> float:
    """Evidence that the paragraph ends after `line` (positive) or goes on (negative).

    A justified column line stops short of the right edge only where its paragraph ends, unless
    it is a first line whose indent was lost, or the next line's first word would not have fitted.
    So a short line ends the paragraph whatever its punctuation; for a full line, sentence-final
    punctuation plus evidence from the next line (an indent, a first line one indent short, a wider
    gap, a change of type size) decide.
    """
    this, that = line.evidence, following.evidence
    measurable = [m.full_chars for m in (line, following) if m.evidence.relative_length >= 0.5]
    full = max(measurable) if measurable else max(line.full_chars, following.full_chars)
    shortfall = _shortfall(this, full)
    allowance = FIRST_LINE_INDENT if starts_paragraph and this.indent is None else 0.0
    # A first line that lost its indent had `allowance` less room: measure the gap against that.
    explained = shortfall - allowance <= following.first_token + 0.25
    if shortfall >= SHORT_LINE_SHORTFALL + allowance and not explained:
        score = 2.5 + (0.5 if line.ends_sentence or line.ends_clause else 0.0)
    elif line.ends_sentence:
        score = 0.0
    elif line.ends_clause:
        score = -0.5
    else:
        score = -2.5
    if following.cannot_start:
        score -= 3.0
    if that.indent is not None:
        score += 4.5 if that.indent >= 1.0 else -0.5
    elif line.ends_sentence and _looks_like_unindented_first_line(following, full):
        score += 2.0
    if that.gap_before is not None and typical_gap is not None and that.gap_before > typical_gap * 1.5 + 0.3:
        score += 2.5
    if this.size is not None and that.size is not None and max(this.size, that.size) > 1.2 * min(this.size, that.size):
        score += 2.0
    return score


def decide_breaks(evidence: list[LineEvidence]) -> list[bool]:
    """For each line of one block, True when its paragraph ends after it (the last line always ends one)."""
    n = len(evidence)
    breaks = [False] * n
    if not n:
        return breaks
    gaps = [e.gap_before for e in evidence[1:] if e.gap_before is not None]
    # Most gaps are between lines of one paragraph: the lower quartile is the ordinary line gap.
    typical_gap = sorted(gaps)[len(gaps) // 4] if gaps else None
    measured = [_Measured.of(e) for e in evidence]
    starts_paragraph = True
    for i in range(n - 1):
        breaks[i] = _score(measured[i], measured[i + 1], starts_paragraph, typical_gap) >= BREAK_THRESHOLD
        starts_paragraph = breaks[i]
    breaks[-1] = True
    return breaks


_WORD_BEFORE_HYPHEN = re.compile(r"([A-Za-z]+)-$")
_WORD_AFTER = re.compile(r"^([A-Za-z]+)")


def _keeps_hyphen(left: str, right: str) -> bool:
    """Is the hyphen at the end of `left` a real one (well-known, self-, e-mail)?"""
    before = _WORD_BEFORE_HYPHEN.search(left)
    after = _WORD_AFTER.match(right)
    if before is None or after is None:
        return True
    data = patterns.load()
    first, second = before.group(1), after.group(1)
    if first.lower() in data.hyphen_keep_prefixes:
        return True
    if f"{first}-{second}".lower() in data.hyphen_keep_compounds:
        return True
    # Only a lower-case word fragment broken before a lower-case continuation is line-end hyphenation.
    return not (first.islower() and second.islower())


def join_texts(left: str, right: str) -> str:
    """Join the text before a line break with the text after it."""
    left = left.rstrip()
    right = right.lstrip()
    if not left:
        return right
    if not right:
        return left
    a = left[-1]
    if a in "-‐" and len(left) >= 2 and left[-2].isalnum():
        return left + right if _keeps_hyphen(left, right) else left[:-1] + right
    if _needs_no_space(left, right):
        return left + right
    return left + " " + right


def join_lines(texts: list[str]) -> str:
    """Join a paragraph's wrapped lines into one string."""
    result = ""
    for text in texts:
        result = join_texts(result, text)
    return result.strip()
