"""Paragraphs rebuilt from the page's geometry, with the boundary decision shared with the text mode.

Each line of a body block is measured on the page: how far it reaches toward the column's edge
(relative_length), its first-line indent in characters, the gap above it and its type size. That
geometric evidence goes to repair.decide_breaks, the same decision the text mode feeds with
character counts, and the lines are joined with repair.join_lines. A paragraph that runs from the
foot of one column into the head of the next is one paragraph: the piece in the next block is
marked `continues`.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from pipeline import patterns
from pipeline.document import Block, Box, Direction, Line, Page, Paragraph, Role
from pipeline.layout import skew
from pipeline.layout.blocks import line_size
from pipeline.layout.order import HEADLINE_LINE_GAP
from pipeline.repair import FIRST_LINE_INDENT, LineEvidence, decide_breaks, join_lines

FLOWING_ROLES = (Role.BODY, Role.LEAD)
# Headings that may be set in several lines (a section subhead too long for its column wraps).
HEADING_PARTS = (Role.HEADLINE, Role.KICKER, Role.SUBTITLE, Role.SUBHEAD)
# Offsets below this many characters are measurement noise (padded boxes, a dropped leading mark),
# not an indent; Chinese first lines are indented two characters.
INDENT_MIN_CHARS = 1.3
INDENT_MAX_CHARS = 4.5
# The previous column's last line ends a paragraph when it stops this many characters short
# (a little short only when it also ends a sentence: engines often drop a final mark's box).
SHORT_LINE_CHARS = 1.5
SLIGHTLY_SHORT_CHARS = 0.8
# ... unless the next column's head is not indented: then only a line this short ends the paragraph.
UNINDENTED_SHORT_CHARS = 2.0
# Two pieces on one line with at most this gap (characters) between them are one line of text.
SAME_LINE_GAP_CHARS = 1.5
# A lone line this close to one indent shorter than the column (in characters) is indented and full.
INDENTED_LINE_TOLERANCE = 0.6
# Blocks of one column this many line heights apart or closer may hold one paragraph between them.
STACKED_GAP_LINES = 1.5


@dataclass(frozen=True)
class LineGeometry:
    """Where a line starts and ends inside its column, in characters from the column's edges."""

    indent: float  # characters in from the column's starting edge
    shortfall: float  # characters short of the column's ending edge
    relative_length: float  # 0..1: how far along the column's full line the line ends
    gap_before: float | None  # gap above the line, in line thicknesses
    size: float  # type size relative to the block's typical line


def build(page: Page) -> Page:
    """Fill every block's paragraphs; mark pieces that continue a paragraph from the previous block."""
    layout = page.meta.get("layout", {})
    pictures = [Box.from_list(b) for b in layout.get("pictures", [])]
    rotation = skew.page_rotation(page)  # measure a turned page's lines in its upright frame
    if rotation is not None:
        pictures = [rotation.upright(p) for p in pictures]
    previous: Block | None = None
    for block in page.blocks:
        if not block.lines:
            block.paragraphs = []
            continue
        if block.role in FLOWING_ROLES:
            measured = skew.upright_block(block, rotation) if rotation is not None else block
            block.paragraphs = _flowing_paragraphs(measured, pictures)
            if previous is not None and _continues(previous, measured, pictures):
                block.paragraphs[0].continues = True
            block = _with_line_rejoined(previous, measured) if previous is not None else measured
        elif block.role.is_furniture:  # paper name, date, page, section: each line stands alone
            block.paragraphs = [Paragraph(line.text.strip(), index, 1) for index, line in enumerate(block.lines)]
        else:
            block.paragraphs = [Paragraph(join_lines([l.text for l in block.lines]), 0, len(block.lines))]
            if previous is not None and (_heading_goes_on(previous, block) or _same_caption(previous, block, pictures)):
                block.paragraphs[0].continues = True
        if not block.role.is_furniture:
            previous = block  # a flowing block as measured upright, with a cut last line rejoined
    return page


def evidence(block: Block, pictures: list[Box] = ()) -> list[LineEvidence]:
    """The block's lines as evidence for repair.decide_breaks."""
    measured = geometry(block, pictures)
    return [
        LineEvidence(
            text=line.text,
            relative_length=g.relative_length,
            indent=_indent(g.indent) if g.indent is not None else None,
            gap_before=g.gap_before,
            size=g.size,
        )
        for line, g in zip(block.lines, measured)
    ]


def _indent(characters: float) -> float:
    return characters if INDENT_MIN_CHARS <= characters <= INDENT_MAX_CHARS else 0.0


def geometry(block: Block, pictures: list[Box] = ()) -> list[LineGeometry]:
    """Each line's indent and shortfall in characters, measured along the writing direction.

    Lines beside a picture that stands inside the column (text wrapped around it) are measured
    against the longest line beside the same picture. Lines without boxes (text input) are
    measured by their character counts instead.
    """
    if block.box is None or any(l.box is None for l in block.lines):
        longest = max(len(l.text.strip()) for l in block.lines) or 1
        return [LineGeometry(None, float(longest - len(l.text.strip())), len(l.text.strip()) / longest, None, 1.0) for l in block.lines]
    start, end = _column_extent(block)
    ends = _wrapped_ends(block, pictures, start, end)
    sizes = [line_size(l) for l in block.lines]
    size = max(median(sizes), 1.0)
    result = []
    previous_end = None
    for line, line_size_, end in zip(block.lines, sizes, ends):
        full = max(end - start, 1.0)
        line_start, line_end = _along(line.box, block.direction)
        across = _across(line.box, block.direction)
        thickness = max(across[1] - across[0], 1.0)
        gap = (across[0] - previous_end) / thickness if previous_end is not None else None
        previous_end = across[1]
        result.append(
            LineGeometry(
                indent=(line_start - start) / size,
                shortfall=(end - line_end) / size,
                relative_length=min(1.0, max(0.0, (line_end - start) / full)),
                gap_before=max(0.0, gap) if gap is not None else None,
                size=line_size_ / size,
            )
        )
    return result


def _wrapped_ends(block: Block, pictures: list[Box], start: float, end: float) -> list[float]:
    """Where each line could reach: the column's end, or for lines beside a picture standing in
    the column's far part (right of horizontal lines, below vertical columns), the farthest any
    line beside that picture reaches."""
    if not pictures:
        return [end] * len(block.lines)
    beside: list[Box | None] = []
    for line in block.lines:
        low, high = _across(line.box, block.direction)
        picture = next(
            (p for p in pictures if start < _along(p, block.direction)[0] < end and min(_across(p, block.direction)[1], high) - max(_across(p, block.direction)[0], low) > 0.5 * (high - low)),
            None,
        )
        beside.append(picture)
    reach = {}
    for line, picture in zip(block.lines, beside):
        if picture is not None:
            reach[id(picture)] = max(reach.get(id(picture), start), _along(line.box, block.direction)[1])
    return [reach[id(p)] if p is not None else end for p in beside]


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
    """The box's extent along the lines: top to bottom for vertical text, left to right otherwise."""
    return (box.y0, box.y1) if direction is Direction.VERTICAL else (box.x0, box.x1)


def _across(box: Box, direction: Direction) -> tuple[float, float]:
    """The box's extent across the lines, in reading order (vertical columns run right to left)."""
    return (-box.x1, -box.x0) if direction is Direction.VERTICAL else (box.y0, box.y1)


def _flowing_paragraphs(block: Block, pictures: list[Box]) -> list[Paragraph]:
    breaks = decide_breaks(evidence(block, pictures))
    paragraphs, start = [], 0
    for index, ends in enumerate(breaks):
        if ends or index == len(breaks) - 1:
            texts = [l.text for l in block.lines[start : index + 1]]
            paragraphs.append(Paragraph(join_lines(texts), start, index + 1 - start))
            start = index + 1
    return paragraphs


def _last_line_shortfall(previous: Block, block: Block) -> float:
    """How short the previous block's last line ends, against the longer of the two blocks' lines
    (a one-line block cannot tell from itself whether its line is full)."""
    if previous.box is None or block.box is None or previous.lines[-1].box is None:
        return geometry(previous)[-1].shortfall
    start, end = _column_extent(previous)
    other_start, other_end = _column_extent(block)
    last_end = _along(previous.lines[-1].box, previous.direction)[1]
    size = max(line_size(previous.lines[-1]), 1.0)
    if len(previous.lines) == 1 and len(block.lines) >= 2:
        # a lone line's pitch misleads (an opening mark inks half its cell, justification spreads
        # the rest); the next column's lines are set in the same type
        size = max(median(line_size(l) for l in block.lines), 1.0)
    if _stacked_in_column(previous, block, size):
        return (max(end, other_end) - last_end) / size  # one column: both reach the same edge
    full = max(end - start, other_end - other_start)
    shortfall = (start + full - last_end) / size
    if len(previous.lines) == 1 and abs(shortfall - FIRST_LINE_INDENT) <= INDENTED_LINE_TOLERANCE:
        return 0.0  # a lone line one indent shorter than the next column: a full, indented first line
    return shortfall


def _stacked_in_column(previous: Block, block: Block, size: float) -> bool:
    """The block stands right under (vertical text: left of) the previous one in the same column:
    a paragraph's indented first line set apart from its other lines, or text on past a break."""
    a, b = previous.box, block.box
    if previous.direction is Direction.VERTICAL:
        overlap, gap = a.y_overlap(b), a.x0 - b.x1
    else:
        overlap, gap = a.x_overlap(b), b.y0 - a.y1
    narrower = min(_along(a, previous.direction)[1] - _along(a, previous.direction)[0], _along(b, block.direction)[1] - _along(b, block.direction)[0])
    return overlap >= 0.8 * narrower and -0.5 * size <= gap <= STACKED_GAP_LINES * size


def _heading_goes_on(previous: Block, block: Block) -> bool:
    """A headline, kicker, subtitle or subhead set in several lines that layout cut into blocks:
    the same role, the next line right under the last one (or the rest of the same line)."""
    if block.role not in HEADING_PARTS or previous.role is not block.role or previous.article != block.article:
        return False
    if previous.box is None or block.box is None or previous.direction is not block.direction:
        return False
    last, first = previous.lines[-1], block.lines[0]
    if last.box is None or first.box is None:
        return False
    if _one_line_read_on(last, first, block.direction):
        return True
    (a0, a1), (b0, b1) = _along(last.box, block.direction), _along(first.box, block.direction)
    thickness = _across(last.box, block.direction)[1] - _across(last.box, block.direction)[0]
    gap = _across(first.box, block.direction)[0] - _across(last.box, block.direction)[1]
    return min(a1, b1) - max(a0, b0) > 0 and -0.5 * thickness <= gap <= HEADLINE_LINE_GAP * thickness


def _same_caption(previous: Block, block: Block, pictures: list[Box]) -> bool:
    """Two caption pieces set under (or over) the same picture: a picture has one caption, which
    the engine read in pieces (a row cut in two, or its characters read across the rows)."""
    if block.role is not Role.CAPTION or previous.role is not Role.CAPTION or previous.article != block.article:
        return False
    if previous.box is None or block.box is None:
        return False
    return any(_captions_picture(previous.box, picture) and _captions_picture(block.box, picture) for picture in pictures)


def _captions_picture(box: Box, picture: Box) -> bool:
    """The box stands within the picture's width, right under or over it (within two of its
    thicknesses, the rows of a caption set in two lines)."""
    thickness = min(box.width, box.height)
    within = box.x_overlap(picture) >= 0.6 * box.width
    under = -0.5 * thickness <= box.y0 - picture.y1 <= 2 * thickness
    over = -0.5 * thickness <= picture.y0 - box.y1 <= 2 * thickness
    return within and (under or over)


def _with_line_rejoined(previous: Block, block: Block) -> Block:
    """A one-line block that is the second piece of the previous block's last line, measured as
    that whole line, so the next column can tell whether the line was full."""
    if len(block.lines) != 1 or previous.role not in FLOWING_ROLES or not _one_line_read_on(previous.lines[-1], block.lines[0], block.direction):
        return block
    last, piece = previous.lines[-1], block.lines[0]
    whole = Line(join_lines([last.text, piece.text]), last.box.union(piece.box), direction=last.direction)
    lines = previous.lines[:-1] + [whole]
    return Block(block.role, block.direction, Box.enclosing([l.box for l in lines]), lines, [], block.article)


def _one_line_read_on(last: Line, first: Line, direction: Direction) -> bool:
    """The engine cut one line in two (the pieces ended up in two blocks): the second piece stands
    on the same line, just after the first."""
    if last.box is None or first.box is None:
        return False
    (a0, a1), (b0, b1) = _across(last.box, direction), _across(first.box, direction)
    overlap = min(a1, b1) - max(a0, b0)
    size = max(line_size(last), 1.0)
    gap = _along(first.box, direction)[0] - _along(last.box, direction)[1]
    return overlap >= 0.5 * min(a1 - a0, b1 - b0) and -0.5 * size <= gap <= SAME_LINE_GAP_CHARS * size


def _continues(previous: Block, block: Block, pictures: list[Box] = ()) -> bool:
    """The block's first line carries on the previous block's last paragraph (next column)."""
    if previous.role not in FLOWING_ROLES or previous.article != block.article or previous.direction is not block.direction:
        return False
    if block.box is None or previous.box is None:
        return False
    if _one_line_read_on(previous.lines[-1], block.lines[0], previous.direction):
        return True
    shortfall = _last_line_shortfall(previous, block)
    if previous.direction is Direction.VERTICAL and pictures:
        # a last column wrapped above a picture reaches only as far as the picture lets it
        start = _column_extent(previous)[0]
        reach = _wrapped_ends(previous, pictures, start, float("inf"))[-1]  # infinite: not beside one
        if reach != float("inf"):
            last_end = _along(previous.lines[-1].box, previous.direction)[1]
            shortfall = (reach - last_end) / max(line_size(previous.lines[-1]), 1.0)
    ends_sentence = patterns.ends_sentence(previous.lines[-1].text)
    unindented_head = len(block.lines) > 1 and geometry(block)[0].indent < INDENT_MIN_CHARS
    if unindented_head and shortfall < UNINDENTED_SHORT_CHARS:
        return True  # a new paragraph would be indented: the last line only measures short (a mark's narrow ink)
    if shortfall >= SHORT_LINE_CHARS or (shortfall >= SLIGHTLY_SHORT_CHARS and ends_sentence):
        return False
    if len(block.lines) == 1:
        return not ends_sentence and _single_line_indent(previous, block) < INDENT_MIN_CHARS
    return geometry(block)[0].indent < INDENT_MIN_CHARS


def _single_line_indent(previous: Block, block: Block) -> float:
    """The indent of a one-line block against the previous block's lines, in characters, where
    the two stand in one band (vertical columns side by side under one top edge); 0 elsewhere.
    A one-line block cannot show an indent on its own: a title column set lower than the
    columns beside it (本館條例 on the 1872 申報 page) would otherwise run on from them."""
    start, end = _column_extent(previous)
    line_start, line_end = _along(block.lines[0].box, block.direction)
    size = max(line_size(previous.lines[-1]), 1.0)
    if line_start < start - size or line_end > end + size:
        return 0.0
    return (line_start - start) / size
