"""Vertical columns re-read character by character, upright, to recover their punctuation.

The OCR stage reads a vertical column by turning it on its side. The characters still come out
right, but the punctuation does not: a full-width mark sits in one corner of its character cell,
and on its side the recogniser reads a comma as ’ and drops 。、「」 altogether. In a vertical
column every character, mark or digit stands upright in its own square cell on a steady pitch, so
the column can be cut into its cells, the cells set side by side as one horizontal line, and that
line read the way the recogniser reads best. All columns of a page go to the engine as one image.

Only the marks are taken from the upright reading, and only where its characters (marks aside)
line up with the turned reading's: a column whose cells cannot be cut cleanly (touching characters
of a historic scan, a badly skewed column) keeps what it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from statistics import median
from typing import TYPE_CHECKING

import numpy as np

from pipeline.document import Box, Direction, Line
from pipeline.layout.regions import ink_runs, to_gray
from pipeline.repair import is_cjk

if TYPE_CHECKING:  # the OCR package is only needed when an engine is given
    from pipeline.ocr.base import OcrEngine

# Columns with fewer characters than this are left alone (a cell pitch needs neighbours).
MIN_CHARS = 4
# A run of ink at least this fraction of the character size is a whole character: it anchors
# the cell grid. Pitches between neighbouring anchors within these bounds measure the grid.
ANCHOR_EXTENT = 0.6
PITCH_RANGE = (0.85, 1.6)
# Ink specks smaller than this fraction of a character's area are dirt, not marks.
SPECK_AREA = 0.006
# Marks (see horizontal_mark), in character sizes: a small mark fits in this square; a turned mark
# is at most this wide and this high; a bar at least this solid is a hyphen or dash, not turned.
SMALL_MARK = 0.45
WIDE_MARK = 1.0
LOW_MARK = 0.4
SOLID_FILL = 0.6
THIN_MARK = 0.15  # a stroke this thin is a bar (一, a dash) whatever its serifs
# A digit or letter is at most this wide.
HALF_WIDTH = 0.6
# Paper left on each side of a cell's ink, in character sizes.
CELL_PADDING = 0.08
# Every cell is set this many pixels high in the composed line (the recogniser's own input height).
CELL_HEIGHT = 48
# This many of a page's longest columns are read first; the others only if those show marks.
PROBE_COLUMNS = 8
# The upright reading's marks are taken when its characters, marks left out, match the turned
# reading's at least this well.
MIN_AGREEMENT = 0.9
# What the recogniser makes of a comma in a column turned on its side.
TURNED_COMMAS = "’'"


@dataclass(frozen=True)
class Cells:
    """One column's character cells: upright crops, None for an empty cell (a space)."""

    crops: list[np.ndarray | None]


def reread(lines: list[Line], image: np.ndarray, engine: OcrEngine) -> list[Line]:
    """The lines with every vertical column's marks taken from its upright reading where that
    reading lines up with the column's own (see the module docstring).

    The longest columns are read first: where they show no mark at all (old papers set without
    punctuation), the rest are not read.
    """
    gray = to_gray(image)
    columns: list[tuple[int, Cells]] = []
    for index, line in enumerate(lines):
        if line.direction is Direction.VERTICAL and line.box is not None and len(_letters(line.text)) >= MIN_CHARS:
            cells = cut_cells(_stretch_to_white(_column_crop(gray, line)))
            if cells is not None:
                columns.append((index, cells))
    by_length = sorted(columns, key=lambda c: -len(c[1].crops))
    probe, rest = by_length[:PROBE_COLUMNS], by_length[PROBE_COLUMNS:]
    texts = _read_upright(probe, engine)
    if rest and any(_marks(text) for text in texts):
        texts += _read_upright(rest, engine)
    result = list(lines)
    for (index, _), text in zip(probe + rest, texts):
        line = lines[index]
        merged = merge_marks(text, line.text)
        if merged is not None:
            result[index] = Line(merged, line.box, line.confidence, line.direction, line.polygon, None)
    return result


def turned_commas(lines: list[Line]) -> list[Line]:
    """Vertical columns with the commas their upright re-read could not give back: a ’ (or ')
    after a Chinese character, before another or at the column's foot, is a turned comma (vertical
    text quotes with 「」, and a Latin apostrophe stands between letters)."""
    result = []
    for line in lines:
        text = line.text
        if line.direction is Direction.VERTICAL and any(mark in text for mark in TURNED_COMMAS):
            chars = list(text)
            for i, ch in enumerate(chars):
                after = text[i + 1 : i + 2]
                if ch in TURNED_COMMAS and i > 0 and _chinese(text[i - 1]) and (not after or _chinese(after)):
                    chars[i] = "，"
            if "".join(chars) != text:
                line = Line("".join(chars), line.box, line.confidence, line.direction, line.polygon, line.char_boxes)
        result.append(line)
    return result


def _chinese(char: str) -> bool:
    """A Chinese character (not a mark)."""
    return is_cjk(char) and char.isalpha()


def _read_upright(columns: list[tuple[int, Cells]], engine: OcrEngine) -> list[str]:
    """The text the engine reads on each column's cells set upright in one composed image."""
    if not columns:
        return []
    composed, rows = compose([cells for _, cells in columns])
    read = engine.read_region(composed, Box(0, 0, float(composed.shape[1]), float(composed.shape[0])), Direction.HORIZONTAL)
    return _row_texts(read, rows)


def _marks(text: str) -> str:
    return "".join(ch for ch in text if not ch.isalnum() and not ch.isspace())


def merge_marks(upright: str, turned: str) -> str | None:
    """The turned reading's characters with the upright reading's marks, or None when the two
    readings' characters (marks left out) do not agree well enough to line them up.

    Characters are kept from the turned reading; where the two agree character for character,
    the marks after a character come from the upright reading when it saw any there (elsewhere
    the turned reading is kept as it is, marks and all).
    """
    upright_lead, upright_units = _units(upright)
    turned_lead, turned_units = _units(turned)
    if not upright_units or not turned_units:
        return None
    matcher = SequenceMatcher(None, [c for c, _ in upright_units], [c for c, _ in turned_units], autojunk=False)
    if matcher.ratio() < MIN_AGREEMENT:
        return None
    opcodes = matcher.get_opcodes()
    merged = upright_lead if opcodes[0][0] == "equal" and opcodes[0][1] == opcodes[0][3] == 0 else turned_lead
    for tag, a0, _a1, b0, b1 in opcodes:
        for offset, position in enumerate(range(b0, b1)):
            char, marks = turned_units[position]
            seen_upright = upright_units[a0 + offset][1] if tag == "equal" else ""
            merged += char + (seen_upright if seen_upright.strip() else marks)
    return merged.strip()


def _units(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(marks before the first character, [(character, the marks after it)])."""
    lead, units = "", []
    for ch in text:
        if ch.isalnum():
            units.append((ch, ""))
        elif units:
            units[-1] = (units[-1][0], units[-1][1] + ch)
        else:
            lead += ch
    return lead, units


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _column_crop(gray: np.ndarray, line: Line) -> np.ndarray:
    """The column's pixels, straightened along its polygon when it has one."""
    import cv2

    if line.polygon is not None and len(line.polygon) == 4:
        quad = np.asarray(line.polygon, dtype=np.float32)
        width = int(round(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2]))))
        height = int(round(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
        if width >= 2 and height >= 2:
            target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
            matrix = cv2.getPerspectiveTransform(quad, target)
            return cv2.warpPerspective(gray, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_LINEAR)
    box = line.box
    assert box is not None
    height, width = gray.shape[:2]
    x0, y0 = max(0, int(box.x0)), max(0, int(box.y0))
    x1, y1 = min(width, int(np.ceil(box.x1))), min(height, int(np.ceil(box.y1)))
    return gray[y0:y1, x0:x1]


def _ink(crop: np.ndarray) -> np.ndarray:
    """The crop's dark ink as a boolean mask, specks removed."""
    import cv2

    _, mask = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= max(3.0, SPECK_AREA * crop.shape[1] ** 2)
    keep[0] = False
    return keep[labels]


def cut_cells(crop: np.ndarray) -> Cells | None:
    """Cut a straightened column (top to bottom) into its character cells.

    Runs of ink along the column that are about a character long anchor a grid; its pitch is the
    usual distance between neighbouring anchors, so marks and broken characters between anchors
    fall into the cells the grid gives them, with the mark's place in its cell kept. None when no
    grid can be found.
    """
    if crop.size == 0 or crop.shape[0] < 2 * crop.shape[1] // 3:
        return None
    ink = _ink(crop)
    across = np.flatnonzero(ink.any(axis=0))
    runs = ink_runs(ink.any(axis=1))
    if across.size == 0 or not runs:
        return None
    size = float(across[-1] - across[0] + 1)  # a character's width across the column
    anchors: list[float] = []
    for start, stop in runs:
        extent = stop - start
        if extent >= ANCHOR_EXTENT * size:
            count = max(1, round(extent / size))  # touching characters: one anchor each
            anchors += [start + (k + 0.5) * extent / count for k in range(count)]
    if len(anchors) < 2:
        return None
    steps = [b - a for a, b in zip(anchors, anchors[1:]) if PITCH_RANGE[0] * size <= b - a <= PITCH_RANGE[1] * size]
    if not steps:
        return None
    pitch = median(steps)
    centres = _grid(anchors, pitch, runs[0][0], runs[-1][1])
    # cells are cut as wide as the ink across the column plus a little paper, so the composed
    # line is spaced like ordinary horizontal text (the detector keeps it one line)
    pad = int(round(CELL_PADDING * size))
    left, right = max(0, int(across[0]) - pad), min(crop.shape[1], int(across[-1]) + 1 + pad)
    crop, ink = crop[:, left:right], ink[:, left:right]
    band = (int(across[0]) - left, int(across[-1]) + 1 - left)
    crops: list[np.ndarray | None] = []
    for centre in centres:
        top, bottom = int(round(centre - pitch / 2)), int(round(centre + pitch / 2))
        cell = _square(crop[max(0, top) : max(0, bottom)], top, bottom, crop)
        cell_ink = _square(ink[max(0, top) : max(0, bottom)].astype(np.uint8), top, bottom, ink.astype(np.uint8), paper=0)
        if cell.shape[0] < 2:
            continue
        inked = cell_ink.sum() >= max(3.0, SPECK_AREA * size**2)  # not just a neighbour's edge
        crops.append(horizontal_mark(cell, cell_ink.astype(bool), band, size) if inked else None)
    while crops and crops[0] is None:
        crops.pop(0)
    while crops and crops[-1] is None:
        crops.pop()
    return Cells(crops) if crops else None


def _grid(anchors: list[float], pitch: float, ink_top: int, ink_bottom: int) -> list[float]:
    """Cell centres: the anchors, cells filled in between them at the local pitch, and cells
    added above the first and below the last while ink remains there."""
    merged: list[float] = []
    for anchor in anchors:
        if merged and anchor - merged[-1] < 0.5 * pitch:
            merged[-1] = (merged[-1] + anchor) / 2
        else:
            merged.append(anchor)
    centres = [merged[0]]
    for a, b in zip(merged, merged[1:]):
        count = max(1, round((b - a) / pitch))
        centres += [a + k * (b - a) / count for k in range(1, count + 1)]
    while centres[0] - pitch / 2 > ink_top + 0.15 * pitch:
        centres.insert(0, centres[0] - pitch)
    while centres[-1] + pitch / 2 < ink_bottom - 0.15 * pitch:
        centres.append(centres[-1] + pitch)
    return centres


def _square(cell: np.ndarray, top: int, bottom: int, crop: np.ndarray, paper: int | None = None) -> np.ndarray:
    """The cell padded with paper where it runs past the column's ends."""
    missing_top, missing_bottom = max(0, -top), max(0, bottom - crop.shape[0])
    if not missing_top and not missing_bottom:
        return cell
    fill = int(np.median(crop)) if paper is None else paper
    return np.pad(cell, ((missing_top, missing_bottom), (0, 0)), constant_values=fill)


def horizontal_mark(cell: np.ndarray, ink: np.ndarray, band: tuple[int, int], size: float) -> np.ndarray:
    """The cell as horizontal text would show it. Characters, digits and letters stand upright in
    both directions; punctuation has vertical forms. A small mark in the cell's upper right corner
    (︐︑︒) is the comma, enumeration comma or full stop moved from the lower left: it is moved
    back. A low, wide mark of one stroke (﹁﹂ ︵︶ ︽︾) is the horizontal mark turned a quarter
    clockwise: the cell is turned back. A solid or thin bar (a hyphen, 一) is left as it is, and
    so are marks of two strokes (quotes “” set upright, a colon). A tall narrow digit or
    letter, set one to a cell in vertical text, is cut to its own width, as horizontal text sets
    it (the recogniser would read the rest of the cell as spaces: "1 8", "B D Q")."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    width, height = x1 - x0, y1 - y0
    middle_x, middle_y = (x0 + x1) / 2, (y0 + y1) / 2
    if max(width, height) <= SMALL_MARK * size and middle_x > (band[0] + band[1]) / 2 and middle_y < cell.shape[0] / 2:
        moved = np.full_like(cell, int(np.median(cell)))
        to_x, to_y = band[0] + band[1] - x1, cell.shape[0] - y1
        to_x, to_y = min(max(0, to_x), cell.shape[1] - width), min(max(0, to_y), cell.shape[0] - height)
        moved[to_y : to_y + height, to_x : to_x + width] = cell[y0:y1, x0:x1]
        return moved
    import cv2

    mark = ink[y0:y1, x0:x1]
    one_stroke = cv2.connectedComponents(mark.astype(np.uint8), connectivity=8)[0] == 2
    solid_bar = mark.mean() >= SOLID_FILL or height < THIN_MARK * size
    if one_stroke and width <= WIDE_MARK * size and height <= LOW_MARK * size and width >= 1.2 * height and not solid_bar:
        return np.ascontiguousarray(np.rot90(cell))
    if width <= HALF_WIDTH * size and height >= 0.5 * size:  # a digit or letter: set close to the next
        pad = int(round(CELL_PADDING * size))
        return cell[:, max(0, x0 - pad) : x1 + pad]
    return cell


def compose(columns: list[Cells]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """One image with each column's cells set upright side by side as a line, lines stacked one
    line apart; returns the image and each line's vertical extent in it."""
    import cv2

    rows = []
    for cells in columns:
        pieces = []
        for crop in cells.crops:
            if crop is None:
                pieces.append(np.full((CELL_HEIGHT, CELL_HEIGHT // 2), 255, dtype=np.uint8))
                continue
            scale = CELL_HEIGHT / crop.shape[0]
            width = max(1, int(round(crop.shape[1] * scale)))
            pieces.append(cv2.resize(crop, (width, CELL_HEIGHT), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC))
        rows.append(np.hstack(pieces))
    margin = CELL_HEIGHT
    width = max(r.shape[1] for r in rows) + 2 * margin
    height = margin + len(rows) * 2 * CELL_HEIGHT
    image = np.full((height, width), 255, dtype=np.uint8)
    extents = []
    for index, row in enumerate(rows):
        top = margin + index * 2 * CELL_HEIGHT
        image[top : top + CELL_HEIGHT, margin : margin + row.shape[1]] = row
        extents.append((float(top), float(top + CELL_HEIGHT)))
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), extents


def _stretch_to_white(column: np.ndarray) -> np.ndarray:
    """Paper set to white and ink to black, so columns from shaded and clean parts of a page (and
    the white between composed lines) look alike to the detector."""
    if column.size == 0:
        return column
    low, high = float(np.percentile(column, 1)), float(np.percentile(column, 80))
    if high - low < 20:
        return column
    stretched = (column.astype(np.float32) - low) * 255.0 / (high - low)
    return np.clip(stretched, 0, 255).astype(np.uint8)


def _row_texts(read: list[Line], rows: list[tuple[float, float]]) -> list[str]:
    """The text read on each composed line: pieces whose centre lies in its extent, left to right."""
    pieces: list[list[Line]] = [[] for _ in rows]
    for line in read:
        if line.box is None:
            continue
        middle = line.box.center[1]
        for index, (top, bottom) in enumerate(rows):
            if top - 0.5 * CELL_HEIGHT <= middle <= bottom + 0.5 * CELL_HEIGHT:
                pieces[index].append(line)
                break
    return ["".join(p.text.strip() for p in sorted(row, key=lambda l: l.box.x0)) for row in pieces]
