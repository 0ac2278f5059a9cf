"""Paragraphs rebuilt from the page's geometry: indents, short last lines, punctuation, columns.

Inside a body block every line end is decided from where the line ends (a short last line), where
the next line starts (a first-line indent of about two characters) and its final punctuation.
A paragraph that runs from the foot of one column into the head of the next is one paragraph:
the piece in the next block is marked `continues`. Lines are joined with repair.join_lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document import Block, Box, Direction, Page, Paragraph, Role
from pipeline.layout.blocks import line_size
from pipeline.repair import join_lines

FLOWING_ROLES = (Role.BODY, Role.LEAD)
SENTENCE_END = tuple("。！？!?；…”」』）)")
# A line ending this many characters short of the column's edge is a paragraph's last line; one
# ending a little short only if it also ends a sentence (engines often drop a final comma's box).
SHORT_LINE_CHARS = 1.5
SLIGHTLY_SHORT_CHARS = 0.8
# A line starting this many characters in (up to INDENT_MAX) opens a paragraph; the indent is two
# characters, and a dropped leading punctuation mark shifts a box by about one.
INDENT_MIN_CHARS = 1.3
INDENT_MAX_CHARS = 4.5


@dataclass(frozen=True)
class LineGeometry:
    """Where a line starts and ends inside its block, in characters from the block's edges."""

    indent: float  # characters in from the block's starting edge
    shortfall: float  # characters short of the block's ending edge
    relative_length: float  # 0..1: how far along the block's full line the line ends


def build(page: Page) -> Page:
    """Fill every block's paragraphs; mark pieces that continue a paragraph from the previous block."""
    previous: Block | None = None
    for block in page.blocks:
        if not block.lines:
            block.paragraphs = []
            continue
        if block.role in FLOWING_ROLES:
            block.paragraphs = _flowing_paragraphs(block)
            if previous is not None and _continues(previous, block):
                block.paragraphs[0].continues = True
        else:
            block.paragraphs = [Paragraph(join_lines([l.text for l in block.lines]), 0, len(block.lines))]
        previous = block if not block.role.is_furniture else previous
    return page


def geometry(block: Block) -> list[LineGeometry]:
    """Each line's indent and shortfall in characters, measured along the writing direction.

    Lines without boxes (text input) are measured by their character counts instead.
    """
    if block.box is None or any(l.box is None for l in block.lines):
        longest = max(len(l.text.strip()) for l in block.lines) or 1
        return [LineGeometry(0.0, float(longest - len(l.text.strip())), len(l.text.strip()) / longest) for l in block.lines]
    extent = _column_extent(block)
    full = max(extent[1] - extent[0], 1.0)
    sizes = sorted(line_size(l) for l in block.lines)
    size = max(sizes[len(sizes) // 2], 1.0)
    result = []
    for line in block.lines:
        start, end = _along(line.box, block.direction)
        result.append(LineGeometry((start - extent[0]) / size, (extent[1] - end) / size, min(1.0, max(0.0, (end - extent[0]) / full))))
    return result


def _column_extent(block: Block) -> tuple[float, float]:
    """Where the block's full lines start and end: most lines of a column are full, so the lower
    quartile of starts and upper quartile of ends (a wider stray line does not shift them)."""
    spans = [_along(l.box, block.direction) for l in block.lines]
    if len(spans) <= 3:
        return min(s for s, _ in spans), max(e for _, e in spans)
    starts = sorted(s for s, _ in spans)
    ends = sorted(e for _, e in spans)
    return starts[len(starts) // 4], ends[(3 * len(ends)) // 4]


def _along(box: Box, direction: Direction) -> tuple[float, float]:
    return (box.y0, box.y1) if direction is Direction.VERTICAL else (box.x0, box.x1)


def _flowing_paragraphs(block: Block) -> list[Paragraph]:
    breaks = decide_breaks(block)
    paragraphs, start = [], 0
    for index, ends in enumerate(breaks):
        if ends or index == len(breaks) - 1:
            texts = [l.text for l in block.lines[start : index + 1]]
            paragraphs.append(Paragraph(join_lines(texts), start, index + 1 - start))
            start = index + 1
    return paragraphs


def decide_breaks(block: Block) -> list[bool]:
    """True where a paragraph ends after the line: a short line, or an indented line after it."""
    lines = geometry(block)
    breaks = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        ends_sentence = block.lines[index].text.rstrip().endswith(SENTENCE_END)
        short = line.shortfall >= SHORT_LINE_CHARS or (line.shortfall >= SLIGHTLY_SHORT_CHARS and ends_sentence)
        next_indented = following is not None and INDENT_MIN_CHARS <= following.indent <= INDENT_MAX_CHARS
        breaks.append(short or next_indented)
    return breaks


def _last_line_shortfall(previous: Block, block: Block) -> float:
    """How short the previous block's last line ends, against the longer of the two blocks' lines
    (a one-line block cannot tell from itself whether its line is full)."""
    if previous.box is None or block.box is None or previous.lines[-1].box is None:
        return geometry(previous)[-1].shortfall
    start, end = _column_extent(previous)
    other_start, other_end = _column_extent(block)
    full = max(end - start, other_end - other_start)
    last_end = _along(previous.lines[-1].box, previous.direction)[1]
    size = max(line_size(previous.lines[-1]), 1.0)
    return (start + full - last_end) / size


def _continues(previous: Block, block: Block) -> bool:
    """The block's first line carries on the previous block's last paragraph (next column)."""
    if previous.role not in FLOWING_ROLES or previous.article != block.article or previous.direction is not block.direction:
        return False
    first = geometry(block)[0]
    shortfall = _last_line_shortfall(previous, block)
    ends_sentence = previous.lines[-1].text.rstrip().endswith(SENTENCE_END)
    if shortfall >= SHORT_LINE_CHARS or (shortfall >= SLIGHTLY_SHORT_CHARS and ends_sentence):
        return False
    if len(block.lines) == 1:
        return not previous.lines[-1].text.rstrip().endswith(SENTENCE_END)
    return first.indent < INDENT_MIN_CHARS
