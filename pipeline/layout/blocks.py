"""Lines into column blocks: splitting lines merged across a gutter, then grouping by alignment.

A block is a run of lines of one size and direction that follow each other in one column with
ordinary line spacing, with no rule or frame edge between them. Blocks are the units the
reading order and the roles work on; paragraphs are rebuilt inside them later.
"""

from __future__ import annotations

from statistics import median

from pipeline.document import Block, Box, Direction, Line

# Lines of one block differ in size by at most this fraction.
SIZE_TOLERANCE = 0.2
# The gap between two lines of one block is at most this many line sizes.
MAX_LINE_GAP = 1.0
# A first-line indent or a centred line may stand this many characters in from the block's edge.
MAX_ALIGN_OFFSET = 2.6
# A gap between neighbouring characters wider than this many character sizes is a gutter.
GUTTER_CHARS = 1.2


def line_size(line: Line) -> float:
    """The character size of a line: its height if horizontal, its width if vertical."""
    assert line.box is not None
    return line.box.width if line.direction is Direction.VERTICAL else line.box.height


def split_merged_lines(lines: list[Line], body_size: float) -> list[Line]:
    """Split body-size horizontal lines that the engine read straight across a column gutter.

    With per-character boxes the gutter is the wide gap between two characters. Without them, a
    line is split where its neighbours above and below all leave the same x-range empty.
    """
    result: list[Line] = []
    for line in lines:
        if line.direction is Direction.VERTICAL or line.box is None or abs(line.box.height - body_size) > SIZE_TOLERANCE * body_size:
            result.append(line)
            continue
        cuts = _cuts_from_char_boxes(line, body_size) if line.char_boxes and len(line.char_boxes) == len(line.text) else _cuts_from_neighbours(line, lines, body_size)
        result.extend(_split_at(line, cuts) if cuts else [line])
    return result


def _cuts_from_char_boxes(line: Line, size: float) -> list[tuple[int, float, float]]:
    boxes = line.char_boxes or []
    cuts = []
    for index in range(1, len(boxes)):
        gap = boxes[index].x0 - boxes[index - 1].x1
        if gap > GUTTER_CHARS * size:
            cuts.append((index, boxes[index - 1].x1, boxes[index].x0))
    return cuts


def _cuts_from_neighbours(line: Line, lines: list[Line], size: float) -> list[tuple[int, float, float]]:
    """Character cut positions where body lines just above and just below leave a shared gutter."""
    box = line.box
    assert box is not None
    near = [
        other.box
        for other in lines
        if other is not line
        and other.box is not None
        and other.direction is Direction.HORIZONTAL
        and abs(other.box.height - size) <= SIZE_TOLERANCE * size
        and other.box.x1 > box.x0
        and other.box.x0 < box.x1
        and abs(other.box.center[1] - box.center[1]) <= 4 * size
        and abs(other.box.center[1] - box.center[1]) >= 0.5 * size
    ]
    above = [b for b in near if b.center[1] < box.center[1]]
    below = [b for b in near if b.center[1] > box.center[1]]
    if len(above) < 2 or len(below) < 2:
        return []
    gaps = _common_gaps([above, below], box.x0, box.x1, GUTTER_CHARS * size * 0.6)
    text = line.text
    if not gaps or len(text) < 2:
        return []
    inked = box.width - sum(g1 - g0 for g0, g1 in gaps)
    pitch = inked / len(text)
    cuts = []
    for g0, g1 in gaps:
        left_ink = (g0 - box.x0) - sum(b1 - b0 for b0, b1 in gaps if b1 <= g0)
        index = round(left_ink / pitch)
        if 0 < index < len(text):
            cuts.append((index, g0, g1))
    return cuts


def _common_gaps(groups: list[list[Box]], x0: float, x1: float, min_width: float) -> list[tuple[float, float]]:
    """x-ranges inside (x0, x1) that no box of any group covers, each bordered by boxes on both sides."""
    covered = sorted((b.x0, b.x1) for group in groups for b in group)
    gaps, cursor = [], None
    for b0, b1 in covered:
        if cursor is not None and b0 - cursor >= min_width and x0 < cursor and b0 < x1:
            gaps.append((max(cursor, x0), min(b0, x1)))
        cursor = b1 if cursor is None else max(cursor, b1)
    for group in groups:  # a gutter must have text on both sides in every neighbouring row set
        gaps = [(g0, g1) for g0, g1 in gaps if any(b.x1 <= g0 + 1 for b in group) and any(b.x0 >= g1 - 1 for b in group)]
    return gaps


def _split_at(line: Line, cuts: list[tuple[int, float, float]]) -> list[Line]:
    assert line.box is not None
    pieces, start, left = [], 0, line.box.x0
    for index, gap_start, gap_end in cuts + [(len(line.text), line.box.x1, line.box.x1)]:
        text = line.text[start:index].strip()
        if text:
            chars = line.char_boxes[start:index] if line.char_boxes else None
            pieces.append(Line(text, Box(left, line.box.y0, gap_start, line.box.y1), line.confidence, line.direction, None, chars))
        start, left = index, gap_end
    return pieces


def group_lines(lines: list[Line], separators: list[Box]) -> list[Block]:
    """Group lines into blocks of one column; `separators` (rules, frame edges) are never crossed."""
    horizontal = sorted((l for l in lines if l.direction is Direction.HORIZONTAL), key=lambda l: (l.box.y0, l.box.x0))
    vertical = sorted((l for l in lines if l.direction is Direction.VERTICAL), key=lambda l: (-l.box.x1, l.box.y0))
    blocks = _group(horizontal, separators, Direction.HORIZONTAL) + _group(vertical, separators, Direction.VERTICAL)
    for block in blocks:
        block.box = Box.enclosing([l.box for l in block.lines])
    return blocks


def _group(lines: list[Line], separators: list[Box], direction: Direction) -> list[Block]:
    """Greedy: attach each line to the open block it continues best, else open a new block."""
    blocks: list[Block] = []
    extents: list[Box] = []
    for line in lines:
        best, best_gap = None, None
        for index, block in enumerate(blocks):
            gap = _continuation_gap(block.lines[-1], line, extents[index], separators, direction)
            if gap is not None and (best_gap is None or gap < best_gap):
                best, best_gap = index, gap
        if best is None:
            blocks.append(Block(direction=direction, lines=[line]))
            extents.append(line.box)
        else:
            blocks[best].lines.append(line)
            extents[best] = extents[best].union(line.box)
    return blocks


def _continuation_gap(previous: Line, line: Line, extent: Box, separators: list[Box], direction: Direction) -> float | None:
    """The gap if `line` can follow `previous` in the block spanning `extent`, else None."""
    p, b = _oriented(previous.box, direction), _oriented(line.box, direction)
    e = _oriented(extent, direction)
    size_p, size_l = p.y1 - p.y0, b.y1 - b.y0
    size = max(size_p, size_l)
    if abs(size_p - size_l) > SIZE_TOLERANCE * size:
        return None
    gap = b.y0 - p.y1
    if gap < -0.3 * size or gap > MAX_LINE_GAP * size:
        return None
    overlap = min(b.x1, e.x1) - max(b.x0, e.x0)
    if overlap < 0.5 * min(b.x1 - b.x0, e.x1 - e.x0):
        return None
    slack = MAX_ALIGN_OFFSET * size
    aligned = abs(b.x0 - e.x0) <= slack or abs(b.x1 - e.x1) <= slack
    if not aligned or b.x0 < e.x0 - slack or b.x1 > e.x1 + slack:
        return None
    between = Box(min(p.x0, b.x0), p.y1, max(p.x1, b.x1), max(p.y1, b.y0))
    for separator in separators:
        s = _oriented(separator, direction)
        if s.x1 > between.x0 and s.x0 < between.x1 and p.y1 - 1 <= (s.y0 + s.y1) / 2 <= b.y0 + 1:
            return None
    return gap


def _oriented(box: Box, direction: Direction) -> Box:
    """The box in reading coordinates: for vertical text, x and y swap and columns run right to left."""
    if direction is Direction.HORIZONTAL:
        return box
    return Box(box.y0, -box.x1, box.y1, -box.x0)


def body_size(lines: list[Line]) -> float:
    """The body text's character size: the size most characters on the page are set in."""
    weighted = sorted((round(line_size(l), 0), len(l.text)) for l in lines if l.box is not None and l.text.strip())
    if not weighted:
        return 0.0
    total = sum(w for _, w in weighted)
    running = 0
    for size, weight in weighted:
        running += weight
        if running * 2 >= total:
            return float(size)
    return float(median(s for s, _ in weighted))
