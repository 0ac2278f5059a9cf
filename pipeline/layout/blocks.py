"""Lines into column blocks: splitting lines merged across a gutter, then grouping by alignment.

A block is a run of lines of one size and direction that follow each other in one column with
ordinary line spacing, with no rule or frame edge between them. Blocks are the units the
reading order and the roles work on; paragraphs are rebuilt inside them later.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
import unicodedata
from functools import lru_cache
from statistics import median

import numpy as np

from pipeline import patterns
from pipeline.document import Block, Box, Direction, Line

# Lines of one block differ in size by at most this fraction, horizontal or vertical.
SIZE_TOLERANCE = 0.12
# A vertical column of at most this many characters may be a paragraph's last, short column.
VERTICAL_TAIL_CHARS = 3
# A block's usual line thickness is measured once it has this many lines.
USUAL_THICKNESS_LINES = 3
# Box thickness across the line (padded by the detector) may differ by this fraction in one block;
# by this much where the lines' positions in the column, not their pitch, tell they are one type.
THICKNESS_TOLERANCE = 0.2
COLUMN_THICKNESS_TOLERANCE = 0.12
# A Latin line's box runs from its ascenders to its descenders: a line without descenders (or
# without capitals and ascenders) is up to a third thinner than its neighbours in the same type.
LATIN_THICKNESS_TOLERANCE = 0.35
# A justified Latin line's word spaces stretch up to this many line heights (about an em).
LATIN_WORD_SPACE = 1.2
# A line of at most this many characters is a paragraph's tail: its box says little about its type.
TAIL_CHARS = 4
# The gap between two lines of one block is at most this many line sizes.
MAX_LINE_GAP = 1.0
# A first-line indent or a centred line may stand this many characters in from the block's edge.
MAX_ALIGN_OFFSET = 2.6
# Lines up to this many body sizes high, set in body type (the gutter adds a little to the pitch),
# are checked for a merge across a gutter.
MERGED_MAX_SIZE = 1.6
MERGED_PITCH_TOLERANCE = 0.12
# Lines within this many line heights are the evidence for a gutter; without a clean gap, at least
# GUTTER_VOTES of them must end together before it and start together after it.
GUTTER_WINDOW = 12
GUTTER_VOTES = 3
# A gutter seen between padded boxes of neighbouring lines is at least this many characters wide.
MIN_GUTTER_CHARS = 0.5
# A gutter's middle on a merged line's row is white; this much ink there is a character.
GUTTER_INK = 0.05
# A gap between neighbouring characters wider than this many character sizes is a gutter.
GUTTER_CHARS = 1.2
# Full-width punctuation inks only part of its cell (，。、 the left corner, （ the right half): at
# a line's end the box may stop this many cells short of the type's cells.
EDGE_PUNCTUATION_CELLS = 0.6
# Justified Chinese lines set up to this many cells of space between a Latin letter or digit and a
# Chinese character.
MIXED_SCRIPT_SPACE_CELLS = 0.5
# Pieces of one row this many characters apart are one line where a line of the row above or
# below (at most NEXT_ROW_LINES line heights away) runs across the gap.
COVERED_GAP_CHARS = 2.5
NEXT_ROW_LINES = 1.8
# How many of the lines placed last are checked for standing between a block and its next line.
RECENT_LINES = 30
# A vertical line more than this many column widths wide is display type (a masthead or headline
# character); see _display_type.
DISPLAY_WIDTH = 2.0


@lru_cache(maxsize=65536)
def text_units(text: str) -> float:
    """The text's length in full-width character cells: Latin letters and digits count half;
    ambiguous-width marks (“”—…) are set full width in Chinese type."""
    return sum(0.5 if _half_width(ch) else 1.0 for ch in text if not ch.isspace())


def _half_width(char: str) -> bool:
    """Latin letters, digits and half-width forms: half a Chinese character's cell."""
    return unicodedata.east_asian_width(char) in ("Na", "H")


def _mostly_latin(text: str) -> bool:
    """Most of the text's letters are Latin (an English line, not Chinese with a few digits)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isascii() for ch in letters) >= 0.8 * len(letters)


def length_and_thickness(line: Line) -> tuple[float, float]:
    """The line's box along its text and across it (a vertical line's text runs down the page)."""
    assert line.box is not None
    if line.direction is Direction.VERTICAL:
        return line.box.height, line.box.width
    return line.box.width, line.box.height


def size_range(line: Line) -> tuple[float, float]:
    """Bounds of the type size of a line from its character pitch along the line.

    Detection boxes are padded across the line, which squeezes the difference between body and
    subtitle type; the pitch keeps it. Half-width letters and digits may be set half wide or
    spread to a full cell by justification, so a line holding them gives a range.
    """
    length, thickness = length_and_thickness(line)
    text = line.text.strip()
    count = len(text)  # a space inside the line stands for a gap of up to a cell
    if count < 2:
        return thickness, thickness
    low, high = length / count, length / text_units(text)
    return min(low, thickness), min(high, thickness)


@lru_cache(maxsize=65536)
def _edge_marks(text: str) -> int:
    """How many of the text's two ends are partly inked marks (a one-character text has none)."""
    return sum(_partly_inked(ch) for ch in (text[0], text[-1])) if len(text) >= 2 else 0


def _partly_inked(char: str) -> bool:
    """Full-width punctuation, and Chinese quotes (“”, ambiguous width): a mark in one corner or
    half of its cell (dashes and ellipses fill theirs)."""
    category, width = unicodedata.category(char), unicodedata.east_asian_width(char)
    return category.startswith("P") and (width in ("W", "F") or category in ("Pi", "Pf")) and category != "Pd"


def line_size(line: Line) -> float:
    """The type size of a line (middle of its size range)."""
    low, high = size_range(line)
    return (low + high) / 2


def similar_size(a: Line, b: Line, tolerance: float) -> bool:
    """Whether two lines can be set in the same type, allowing `tolerance` between their sizes."""
    low_a, high_a = _possible_sizes(a)
    low_b, high_b = _possible_sizes(b)
    return max(low_a, low_b) <= min(high_a, high_b) * (1 + tolerance)


def _possible_sizes(line: Line) -> tuple[float, float]:
    """The size range, widened upwards where full-width punctuation ends the line: its box stops
    short of the punctuation's cell, so the pitch reads small ("撤出占领区。" under a full line)."""
    low, high = size_range(line)
    text = line.text.strip()
    edges = _edge_marks(text)
    if edges:
        length, thickness = length_and_thickness(line)
        high = max(high, min(thickness, length / max(text_units(text) - EDGE_PUNCTUATION_CELLS * edges, 1.0)))
    return low, high


def join_fragments(lines: list[Line], separators: list[Box]) -> list[Line]:
    """Join pieces of one column line that the engine returned separately.

    Vertical: pieces standing in the same column slot one below the other (a column cut in two,
    or small double-column notes set inside a column, read right note first). Horizontal: pieces
    of one row separated by less than a character's width (wider gaps may be gutters).
    """
    vertical = [l for l in lines if l.direction is Direction.VERTICAL]
    horizontal = [l for l in lines if l.direction is Direction.HORIZONTAL]
    return _join_rows(horizontal, separators) + _join_slots(vertical, separators)


def _join_rows(lines: list[Line], separators: list[Box]) -> list[Line]:
    if not lines:
        return []
    band = max(1.0, median(l.box.height for l in lines))
    rows: list[list[Line]] = []
    by_band: dict[int, list[int]] = {}  # rows indexed by the band of their first piece's centre
    for line in sorted(lines, key=lambda l: l.box.x0):
        box = line.box
        key = int(box.center[1] // band)
        target = None
        for index in (i for k in (key - 1, key, key + 1) for i in by_band.get(k, ())):
            last = rows[index][-1].box
            overlap = last.y_overlap(box)
            small, large = min(last.height, box.height), max(last.height, box.height)
            # a mark read as its own little box (a closing quote, a stop) is as tall as its ink
            mark = _marks_only(rows[index][-1].text) or _marks_only(line.text)
            reach = (0.6 + _seam_white(rows[index][-1], line)) * (large if mark else small)
            # Latin words: a word of x-height letters has a thin box, and justification spreads
            # the word spaces of a line up to about an em
            latin = _mostly_latin(rows[index][-1].text) and _mostly_latin(line.text)
            if latin:
                reach = max(reach, LATIN_WORD_SPACE * large)
            gap = box.x0 - last.x1
            if (
                overlap >= 0.6 * small
                and (mark or large - small <= 0.25 * large or (latin and small >= 0.4 * large))
                and -0.6 * small <= gap <= max(reach, COVERED_GAP_CHARS * small)
                and (gap <= reach or _covered_by_next_row(rows[index][-1], line, lines))
                and not _separated(last, box, separators)
                and not _at_column_edges(rows[index][-1], line, lines, separators)
            ):
                target = index
                break
        if target is None:
            rows.append([line])
            by_band.setdefault(key, []).append(len(rows) - 1)
        else:
            rows[target].append(line)
    return [_joined(row, Direction.HORIZONTAL) for row in rows]


def _covered_by_next_row(left: Line, right: Line, lines: list[Line]) -> bool:
    """Whether a line of the same type right above or below runs across the gap between two
    pieces of a row, with text on both sides of it: the gap lies inside a column, not between two.
    (The engine drops marks that ink little of their cell, "、" of "「誰來種」、「種什麼」", and
    cuts the line there; a letter-spaced byline leaves such gaps between its words.)"""
    height = max(left.box.height, right.box.height)
    size = line_size(right)
    for other in lines:
        if other is left or other is right:
            continue
        distance = abs(other.box.center[1] - right.box.center[1])
        if not 0.6 * height <= distance <= NEXT_ROW_LINES * height:
            continue
        if other.box.x0 <= left.box.x1 - size and other.box.x1 >= right.box.x0 + size and similar_size(other, right, SIZE_TOLERANCE):
            return True
    return False


def _marks_only(text: str) -> bool:
    """Punctuation alone (",,", "”"): a mark the engine read apart from its line."""
    text = text.strip()
    return bool(text) and all(unicodedata.category(ch).startswith("P") for ch in text)


def _seam_white(left: Line, right: Line) -> float:
    """Cells of white a line itself may hold at the seam between two of its pieces: the unused part
    of a full-width mark's cell, and the space a justified line sets between a half-width letter
    or digit and a Chinese character ("诞辰100 周年")."""
    before, after = left.text.rstrip()[-1:], right.text.lstrip()[:1]
    if not before or not after:
        return 0.0
    white = EDGE_PUNCTUATION_CELLS * sum(1 for ch in (before, after) if _partly_inked(ch))
    if _half_width(before) != _half_width(after) and (before.isalnum() or after.isalnum()):
        white += MIXED_SCRIPT_SPACE_CELLS
    return white


def _at_column_edges(left: Line, right: Line, lines: list[Line], separators: list[Box] = ()) -> bool:
    """Whether the gap between two side-by-side pieces is a column gutter: other lines of their
    type size nearby end where the left piece ends and start where the right piece starts.

    Detection boxes are padded, so between two columns of body text the padded boxes may stand
    less than a character apart and overlap in height (more so on a turned scan); the columns'
    shared edges tell a gutter from a gap inside one line. Lines beyond a rule or frame edge set
    across both pieces are no evidence: a framed lead set across two columns stands over the
    columns' gutter.
    """
    size = line_size(right)
    tolerance = 0.6 * size
    window = GUTTER_WINDOW * max(left.box.height, right.box.height)
    pair = left.box.union(right.box)
    spanning = [s for s in separators if s.width > s.height and s.x0 <= pair.x0 + size and s.x1 >= pair.x1 - size]
    ends = starts = 0
    for other in lines:
        if other is left or other is right or abs(other.box.center[1] - right.box.center[1]) > window:
            continue
        if not (similar_size(other, left, SIZE_TOLERANCE) or similar_size(other, right, SIZE_TOLERANCE)):
            continue
        if spanning and _separated(other.box, pair, spanning):
            continue
        ends += abs(other.box.x1 - left.box.x1) <= tolerance
        starts += abs(other.box.x0 - right.box.x0) <= tolerance
        if ends >= GUTTER_VOTES - 1 and starts >= GUTTER_VOTES - 1:
            return True
    return False


def _join_slots(lines: list[Line], separators: list[Box]) -> list[Line]:
    """Assign vertical pieces to column slots by x-overlap (wide columns first, notes join them),
    then cut each slot into runs at wide vertical gaps or separators."""
    if not lines:
        return []
    size = median(l.box.width for l in lines)
    slots: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: -l.box.width):
        best, best_overlap = None, 0.0
        for slot in slots:
            extent = Box(min(m.box.x0 for m in slot), 0, max(m.box.x1 for m in slot), 1)
            overlap = extent.x_overlap(line.box)
            clash = any(  # two full columns side by side: not one slot (pieces of one column overlap a little)
                m.box.y_overlap(line.box) > max(size, 0.3 * min(m.box.height, line.box.height)) and min(m.box.width, line.box.width) > 0.7 * size
                or _display_type(m, size) != _display_type(line, size)
                for m in slot
            )
            if overlap >= 0.5 * min(extent.width, line.box.width) and not clash and overlap > best_overlap:
                best, best_overlap = slot, overlap
        if best is None:
            slots.append([line])
        else:
            best.append(line)
    joined = []
    for slot in slots:
        slot.sort(key=lambda l: (round(l.box.y0 / size), -l.box.x1))
        run = [slot[0]]
        for line in slot[1:]:
            reach = max(m.box.y1 for m in run)
            if (
                line.box.y0 - reach > 1.5 * size
                or any(_separated(m.box, line.box, separators) for m in run)
                or _at_row_edges(reach, line, lines, size)
            ):
                joined.append(_joined(run, Direction.VERTICAL))
                run = []
            run.append(line)
        joined.append(_joined(run, Direction.VERTICAL))
    return joined


def _display_type(line: Line, column_width: float) -> bool:
    """Whether a vertical piece is display type (a masthead or headline character), measured
    against the page's column width, not against the slot it might join.

    A slot holds a column's pieces and the notes set inside it at half its width, so a width ratio
    inside the slot cannot tell a note under its column from a column under a character twice
    its width; the page's column width can. Display type and body type never share a slot.
    """
    return line.box.width > DISPLAY_WIDTH * column_width


def _at_row_edges(reach: float, line: Line, lines: list[Line], size: float) -> bool:
    """Whether the gap above a vertical piece, ending a run at `reach`, is the gutter between two
    stacked blocks of vertical columns: neighbouring columns end at the run's foot and start where
    the piece starts (that gap may be under a character, as between padded boxes of two columns)."""
    tolerance = 0.6 * size
    window = GUTTER_WINDOW * size
    ends = starts = 0
    for other in lines:
        if other is line or abs(other.box.center[0] - line.box.center[0]) > window:
            continue
        ends += abs(other.box.y1 - reach) <= tolerance
        starts += abs(other.box.y0 - line.box.y0) <= tolerance
        if ends >= GUTTER_VOTES - 1 and starts >= GUTTER_VOTES - 1:
            return True
    return False


def _separated(a: Box, b: Box, separators: list[Box]) -> bool:
    """A rule or frame edge runs between the two boxes (between one's end and the other's start)."""
    upper, lower = (a, b) if a.center[1] <= b.center[1] else (b, a)
    left, right = (a, b) if a.center[0] <= b.center[0] else (b, a)
    for s in separators:
        cx, cy = s.center
        across_x = s.x0 < min(a.x1, b.x1) and s.x1 > max(a.x0, b.x0)
        across_y = s.y0 < min(a.y1, b.y1) and s.y1 > max(a.y0, b.y0)
        if across_x and upper.y1 - 2 <= cy <= lower.y0 + 2:
            return True
        if across_y and left.x1 - 2 <= cx <= right.x0 + 2:
            return True
    return False


def _joined(pieces: list[Line], direction: Direction) -> Line:
    if len(pieces) == 1:
        return pieces[0]
    text = "".join(p.text for p in pieces) if direction is Direction.VERTICAL else " ".join(p.text for p in pieces)
    confidences = [p.confidence for p in pieces if p.confidence is not None]
    chars = [c for p in pieces for c in (p.char_boxes or [])] if all(p.char_boxes for p in pieces) else None
    return Line(text, Box.enclosing([p.box for p in pieces]), min(confidences) if confidences else None, direction, None, chars)


def split_merged_lines(lines: list[Line], body_size: float, pictures: list[Box] = (), separators: list[Box] = (), ink: np.ndarray | None = None) -> list[Line]:
    """Split body-size horizontal lines that the engine read straight across a column gutter.

    With per-character boxes the gutter is the wide gap between two characters. Without them, a
    line is split where the body lines just above or below it all leave the same x-range empty
    with text on both sides; lines beyond a rule or frame edge are no evidence (a framed lead set
    across two columns stands over the columns' gutter), and the columns' lines on the far side
    of a picture are (the gutters of a picture's columns go on under it). Merged boxes come out
    taller than the type, hence the loose size test. Where the page's `ink` mask shows characters
    inside the gutter on the line's own row, the line runs across it: a subtitle set over the
    columns ("——活动详情可浏览专题网站…"), not two columns' lines.
    """
    body_lines = sorted(
        (l for l in lines if l.direction is Direction.HORIZONTAL and l.box is not None and abs(line_size(l) - body_size) <= SIZE_TOLERANCE * body_size),
        key=lambda l: l.box.center[1],
    )
    if not body_lines:
        return lines
    body_height = median(l.box.height for l in body_lines)
    centres = [l.box.center[1] for l in body_lines]
    result: list[Line] = []
    for line in lines:
        if (
            line.direction is Direction.VERTICAL
            or line.box is None
            or not (0.8 * body_height <= line.box.height <= MERGED_MAX_SIZE * body_height)
            or size_range(line)[0] > (1 + MERGED_PITCH_TOLERANCE) * body_size  # larger type: a heading spanning columns
            or _at_picture(line.box, pictures, body_height)  # a caption set across the picture's columns
        ):
            result.append(line)
            continue
        if line.char_boxes and len(line.char_boxes) == len(line.text):
            cuts = _cuts_from_char_boxes(line, body_size)
        else:
            middle = line.box.center[1]
            window = body_lines[bisect_left(centres, middle - GUTTER_WINDOW * body_height) : bisect_right(centres, middle + GUTTER_WINDOW * body_height)]
            reach = GUTTER_WINDOW * body_height
            across = [s for s in separators if s.x1 > line.box.x0 and s.x0 < line.box.x1 and s.y1 > middle - reach and s.y0 < middle + reach]
            if across:
                window = [other for other in window if not _separated(other.box, line.box, across)]
            window += _beyond_picture(line.box, pictures, body_lines, centres, body_height)
            cuts = _cuts_from_neighbours(line, window, body_height, body_size)
            if ink is not None:
                cuts = [cut for cut in cuts if not _inked_gutter(ink, line.box, cut[1], cut[2], separators)]
        if not cuts:
            result.append(line)
            continue
        result.extend(_split_at(line, cuts, body_height))
    return result


def _inked_gutter(ink: np.ndarray, box: Box, start: float, end: float, separators: list[Box]) -> bool:
    """Whether the middle of the gap (start, end) on the line's row holds ink that is no rule: a
    character standing where the columns under or over the line keep their gutter."""
    margin = 0.2 * (end - start)
    x0, x1 = max(0, int(start + margin)), int(end - margin + 0.5)
    middle, half = box.center[1], 0.3 * box.height
    y0, y1 = max(0, int(middle - half)), int(middle + half + 0.5)
    if x1 <= x0 or y1 <= y0:
        return False
    crop = ink[y0:y1, x0:x1].copy()
    for rule in separators:  # a rule in the gutter is no character
        if rule.height > rule.width and rule.x1 >= x0 and rule.x0 <= x1:
            crop[:, max(0, int(rule.x0) - 1 - x0) : max(0, int(rule.x1) + 2 - x0)] = 0
    return crop.size > 0 and float(crop.mean()) / 255.0 >= GUTTER_INK


def _beyond_picture(box: Box, pictures: list[Box], body_lines: list[Line], centres: list[float], size: float) -> list[Line]:
    """Body lines of the columns on the far side of a picture the line stands next to (under it
    or over it, within GUTTER_WINDOW lines), as far as GUTTER_WINDOW lines from the picture."""
    found: list[Line] = []
    for p in pictures:
        if box.x_overlap(p) < 0.5 * box.width:
            continue
        if 0 <= box.y0 - p.y1 <= GUTTER_WINDOW * size:  # under the picture: its columns above it
            low, high = p.y0 - GUTTER_WINDOW * size, p.y0
        elif 0 <= p.y0 - box.y1 <= GUTTER_WINDOW * size:  # over it: its columns below it
            low, high = p.y1, p.y1 + GUTTER_WINDOW * size
        else:
            continue
        found += [l for l in body_lines[bisect_left(centres, low) : bisect_right(centres, high)] if p.x0 - size <= l.box.center[0] <= p.x1 + size]
    return found


def _at_picture(box: Box, pictures: list[Box], size: float) -> bool:
    for picture in pictures:
        overlap = box.x_overlap(picture)
        if overlap >= 0.5 * box.width and (-0.5 * size <= box.y0 - picture.y1 <= 1.5 * size or -0.5 * size <= picture.y0 - box.y1 <= 1.0 * size):
            return True
    return False


def _cuts_from_char_boxes(line: Line, size: float) -> list[tuple[int, float, float]]:
    boxes = line.char_boxes or []
    cuts = []
    for index in range(1, len(boxes)):
        gap = boxes[index].x0 - boxes[index - 1].x1
        if gap > GUTTER_CHARS * size:
            cuts.append((index, boxes[index - 1].x1, boxes[index].x0))
    return cuts


def _cuts_from_neighbours(line: Line, lines: list[Line], size: float, pitch: float) -> list[tuple[int, float, float]]:
    """Character cut positions where nearby body lines leave a shared gutter with text on both sides."""
    box = line.box
    assert box is not None
    near = [
        other.box
        for other in lines
        if other is not line
        and other.box is not None
        and other.box.x1 > box.x0
        and other.box.x0 < box.x1
        and 0.5 * size <= abs(other.box.center[1] - box.center[1])  # the caller chose the window
    ]
    if len(near) < 4:
        return []
    gaps = _common_gaps(near, box.x0, box.x1, MIN_GUTTER_CHARS * pitch) or _voted_gutters(near, box.x0, box.x1, pitch)
    # the line must hold a character on each side: a line running into the gutter but not past
    # it (a padded box, a hanging comma) is one column's line
    gaps = [(g0, g1) for g0, g1 in gaps if g0 - pitch >= box.x0 and g1 + pitch <= box.x1]
    text = line.text
    if not gaps or len(text) < 2:
        return []
    # a merged line starts where its first column starts (or one indent in); a heading set across
    # the columns starts anywhere
    column_start = min(b.x0 for b in near if b.x1 <= gaps[0][0] + 1)
    if not column_start - 0.5 * pitch <= box.x0 <= column_start + MAX_ALIGN_OFFSET * pitch:
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


def _common_gaps(boxes: list[Box], x0: float, x1: float, min_width: float) -> list[tuple[float, float]]:
    """x-ranges inside (x0, x1) that no box covers, each with at least two boxes ending on its left
    and two starting on its right (so it is a gutter between columns, not a short line's end)."""
    covered = sorted((b.x0, b.x1) for b in boxes)
    gaps, cursor = [], None
    for b0, b1 in covered:
        if cursor is not None and b0 - cursor >= min_width and x0 < cursor and b0 < x1:
            gaps.append((max(cursor, x0), min(b0, x1)))
        cursor = b1 if cursor is None else max(cursor, b1)
    return [
        (g0, g1)
        for g0, g1 in gaps
        if sum(1 for b in boxes if abs(b.x1 - g0) <= 1) >= 1
        and sum(1 for b in boxes if b.x1 <= g0 + 1) >= 2
        and sum(1 for b in boxes if b.x0 >= g1 - 1) >= 2
    ]


def _voted_gutters(boxes: list[Box], x0: float, x1: float, pitch: float) -> list[tuple[float, float]]:
    """Gutters where several nearby lines end together and several start together just after,
    crossed by fewer lines than end there (the engine merged some rows, not most)."""
    tolerance = 0.5 * pitch
    gutters = []
    ends = sorted(b.x1 for b in boxes)
    for end in ends:
        if not x0 + pitch < end < x1 - pitch or (gutters and end <= gutters[-1][1]):
            continue
        ending = [e for e in ends if end - tolerance <= e <= end + tolerance]
        starts = sorted(b.x0 for b in boxes if end + MIN_GUTTER_CHARS * pitch <= b.x0 <= end + 4 * pitch)
        if len(ending) < GUTTER_VOTES or not starts:
            continue
        starting = [s for s in starts if s <= starts[0] + tolerance]
        left, right = max(ending), starts[0]
        crossing = sum(1 for b in boxes if b.x0 < left - pitch and b.x1 > right + pitch)
        if len(starting) >= GUTTER_VOTES and crossing < len(ending) and left < right:
            gutters.append((left, right))
    return gutters


def _split_at(line: Line, cuts: list[tuple[int, float, float]], size: float) -> list[Line]:
    """The pieces of a merged line; a merged box taller than the type is trimmed to the body size."""
    assert line.box is not None
    y0, y1 = line.box.y0, line.box.y1
    if line.box.height > 1.2 * size:
        middle = line.box.center[1]
        y0, y1 = middle - size / 2, middle + size / 2
    pieces, start, left = [], 0, line.box.x0
    for index, gap_start, gap_end in cuts + [(len(line.text), line.box.x1, line.box.x1)]:
        text = line.text[start:index].strip()
        if text:
            chars = line.char_boxes[start:index] if line.char_boxes else None
            pieces.append(Line(text, Box(left, y0, gap_start, y1), line.confidence, line.direction, None, chars))
        start, left = index, gap_end
    return pieces


def group_lines(lines: list[Line], separators: list[Box], pictures: list[Box] = ()) -> list[Block]:
    """Group lines into blocks of one column; `separators` (rules, frame edges) are never crossed,
    and a caption under one of `pictures` ends its block."""
    horizontal = sorted((l for l in lines if l.direction is Direction.HORIZONTAL), key=lambda l: (l.box.y0, l.box.x0))
    vertical = sorted((l for l in lines if l.direction is Direction.VERTICAL), key=lambda l: (-l.box.x1, l.box.y0))
    blocks = _group(horizontal, separators, Direction.HORIZONTAL, pictures) + _group(vertical, separators, Direction.VERTICAL)
    for block in blocks:
        block.box = Box.enclosing([l.box for l in block.lines])
    return blocks


def _group(lines: list[Line], separators: list[Box], direction: Direction, pictures: list[Box] = ()) -> list[Block]:
    """Greedy: attach each line to the open block it continues best, else open a new block.

    Lines come sorted along the reading axis, so a block whose last line lies farther behind than
    any allowed gap is closed and no longer searched (keeps dense pages near-linear). A block
    starting just under a picture closes at the line that ends a caption ("（本报记者 XXX 摄）"):
    the text under a caption is the column going on, often at body spacing in similar type.
    A block is one column: a line does not join a block whose width would then take in a line
    standing beside it (a subtitle over two columns is not the head of the right-hand one; lines
    narrowed by a picture beside them have no text there and do join).
    """
    blocks: list[Block] = []
    extents: list[Box] = []
    open_blocks: list[int] = []
    beside = _lines_beside(lines) if direction is Direction.HORIZONTAL else {}
    placed: list[Line] = []
    for line in lines:
        start = _oriented(line.box, direction).y0
        still_open = []
        for index in open_blocks:
            last = _oriented(blocks[index].lines[-1].box, direction)
            if start - last.y1 <= 2 * MAX_LINE_GAP * (last.y1 - last.y0):
                still_open.append(index)
        open_blocks = still_open
        best, best_gap = None, None
        for index in open_blocks:
            gap = _continuation_gap(blocks[index].lines[-1], line, extents[index], separators, direction, _usual_thickness(blocks[index].lines, direction))
            if gap is not None and _takes_in(extents[index].union(line.box), beside.get(id(line), ())):
                gap = None
            if gap is not None and (best_gap is None or gap < best_gap) and not _line_between(blocks[index].lines[-1], line, placed[-RECENT_LINES:], direction):
                best, best_gap = index, gap
        placed.append(line)
        if best is None:
            blocks.append(Block(direction=direction, lines=[line]))
            extents.append(line.box)
            best = len(blocks) - 1
            open_blocks.append(best)
        else:
            blocks[best].lines.append(line)
            extents[best] = extents[best].union(line.box)
        block_lines = blocks[best].lines
        if _ends_caption("".join(l.text.strip() for l in block_lines[-2:])) and _under_picture(block_lines[0].box, pictures):
            open_blocks.remove(best)  # the credit may start a line up
    return blocks


def _lines_beside(lines: list[Line]) -> dict[int, list[Box]]:
    """For each horizontal line (by id), the boxes of the lines standing beside it: most of the
    lower one's height shared, no width shared."""
    ordered = sorted(lines, key=lambda l: l.box.y0)
    beside: dict[int, list[Box]] = {}
    for index, line in enumerate(ordered):
        box = line.box
        for other in ordered[index + 1 :]:
            o = other.box
            if o.y0 >= box.y1:
                break
            shared = box.y_overlap(o)
            if shared > 0.5 * min(box.height, o.height) and (o.x0 >= box.x1 or o.x1 <= box.x0):
                beside.setdefault(id(line), []).append(o)
                beside.setdefault(id(other), []).append(box)
    return beside


def _takes_in(extent: Box, boxes) -> bool:
    """Whether most of one of the boxes lies within the extent's width."""
    return any(extent.x_overlap(b) > 0.5 * b.width for b in boxes)


def _ends_caption(text: str) -> bool:
    """Text closing a picture caption: the credit in brackets at its end ("（资料图片）", "（XXX 摄）")."""
    text = text.strip()
    return text.endswith(("）", ")")) and patterns.is_caption(text)


def _under_picture(box: Box, pictures: list[Box]) -> bool:
    """A line starting at most a line and a half under a picture's foot, within its width."""
    size = box.height
    return any(
        -0.5 * size <= box.y0 - p.y1 <= 1.5 * size and box.x_overlap(p) >= 0.5 * box.width for p in pictures
    )


def _line_between(previous: Line, line: Line, others: list[Line], direction: Direction) -> bool:
    """Whether another line fills the gap between `previous` and `line`: a block never jumps over
    a line of another block (a column read late must not join the column beyond its neighbour)."""
    p, b = _oriented(previous.box, direction), _oriented(line.box, direction)
    if b.y0 <= p.y1 or min(p.x1, b.x1) <= max(p.x0, b.x0):
        return False
    gap = Box(max(p.x0, b.x0), p.y1, min(p.x1, b.x1), b.y0)
    for other in others:
        if other is previous or other is line:
            continue
        o = _oriented(other.box, direction)
        if o.y0 <= gap.y0 and o.y1 >= gap.y1 and o.intersection_area(gap) >= 0.5 * gap.area:
            return True
    return False


def _usual_thickness(lines: list[Line], direction: Direction) -> float | None:
    """The median box thickness of a block's horizontal lines, once it has enough of them to tell.
    (Vertical columns of one block differ in width with their small double-column notes.)"""
    if direction is not Direction.HORIZONTAL or len(lines) < USUAL_THICKNESS_LINES:
        return None
    return float(median(l.box.height for l in lines))


def _continuation_gap(previous: Line, line: Line, extent: Box, separators: list[Box], direction: Direction, usual: float | None = None) -> float | None:
    """The gap if `line` can follow `previous` in the block spanning `extent`, else None. `usual`
    is the block's usual line thickness: a line as thick as the block's lines may follow one whose
    box came out thicker (the engine pads some lines holding quotation marks)."""
    p, b = _oriented(previous.box, direction), _oriented(line.box, direction)
    e = _oriented(extent, direction)
    # a line of a few characters (a paragraph's tail, a lone digit) may have a smaller or, padded
    # by the detector, a thicker box; it is not set in larger type, nor in a far smaller one (a date
    # set beside a masthead character)
    thickness_p, thickness_l = p.y1 - p.y0, b.y1 - b.y0
    tail_chars = TAIL_CHARS if direction is Direction.HORIZONTAL else 2  # short vertical columns are headline pieces
    tail = (
        len(line.text.strip()) <= tail_chars
        and _possible_sizes(line)[0] <= _possible_sizes(previous)[1] * (1 + SIZE_TOLERANCE)
        and thickness_l >= 0.5 * thickness_p
    )
    if direction is Direction.VERTICAL:
        # a paragraph's last column of a few characters: its pitch is swamped by the box's padding
        # at both ends, but its box is as thick as the column before it, and it starts at the head
        # of the column
        tail = tail or (
            len(line.text.strip()) <= VERTICAL_TAIL_CHARS
            and abs(thickness_l - thickness_p) <= THICKNESS_TOLERANCE * thickness_p
            and abs(b.x0 - e.x0) <= thickness_p
        )
    latin = _mostly_latin(previous.text) and _mostly_latin(line.text)
    tolerance = LATIN_THICKNESS_TOLERANCE if latin else THICKNESS_TOLERANCE
    column_tolerance = LATIN_THICKNESS_TOLERANCE if latin else COLUMN_THICKNESS_TOLERANCE
    same_thickness = any(
        abs(reference - thickness_l) <= tolerance * max(reference, thickness_l) for reference in (thickness_p, usual) if reference is not None
    )
    # two full lines of one column (both edges on the column's) are one type whatever their pitch
    # says (justification spreads lines holding half-width characters or middle dots); so are a
    # paragraph's indented first line and the full line under it (justification spreads a first
    # line of few characters, or squeezes its punctuation). Where the block is one full line, its
    # edges are no column's: the boxes must be as thick as each other (a byline under a centred
    # last line of a headline is as wide, in smaller type).
    slack_full = 0.6 * (p.y1 - p.y0)
    full_lines = all(abs(a.x0 - e.x0) <= slack_full and abs(a.x1 - e.x1) <= slack_full for a in (p, b))
    measured_column = e != p
    close_thickness = abs(thickness_p - thickness_l) <= column_tolerance * max(thickness_p, thickness_l)
    column_lines = (full_lines and (same_thickness if measured_column else close_thickness)) or (
        same_thickness and _first_line_over_full(previous, line, e, slack_full)
    )
    if not tail and not (similar_size(previous, line, SIZE_TOLERANCE) and same_thickness) and not column_lines:
        return None
    size = max(p.y1 - p.y0, b.y1 - b.y0)
    gap = b.y0 - p.y1
    if gap < -0.3 * size or gap > MAX_LINE_GAP * size:
        return None
    overlap = b.x_overlap(e)
    if overlap < 0.5 * min(b.x1 - b.x0, e.x1 - e.x0):
        return None
    slack = MAX_ALIGN_OFFSET * size
    starts_aligned = abs(b.x0 - e.x0) <= slack
    if not (starts_aligned or abs(b.x1 - e.x1) <= slack) or b.x0 < e.x0 - slack:
        return None
    if b.x1 > e.x1 + slack and not starts_aligned:  # a longer line may follow short ones only from the same start
        return None
    between = Box(min(p.x0, b.x0), p.y1, max(p.x1, b.x1), max(p.y1, b.y0))
    for separator in separators:
        s = _oriented(separator, direction)
        if s.x1 > between.x0 and s.x0 < between.x1 and p.y1 - 1 <= (s.y0 + s.y1) / 2 <= b.y0 + 1:
            return None
    return gap


def _first_line_over_full(previous: Line, line: Line, extent: Box, slack: float) -> bool:
    """`previous` starts one indent in from the column's start edge and `line` on it, and both end
    on the column's end edge (a final mark's part-inked cell may stop a box short of it)."""
    direction = line.direction
    p, b = _oriented(previous.box, direction), _oriented(line.box, direction)
    size = p.y1 - p.y0
    start, end = min(extent.x0, b.x0), max(extent.x1, b.x1)
    end_slack = slack + EDGE_PUNCTUATION_CELLS * size * max(_edge_marks(previous.text.strip()), _edge_marks(line.text.strip()))
    indented = 0.5 * size <= p.x0 - start <= MAX_ALIGN_OFFSET * size
    return indented and b.x0 - start <= slack and end - p.x1 <= end_slack and end - b.x1 <= end_slack


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
