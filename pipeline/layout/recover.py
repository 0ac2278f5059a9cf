"""Text the OCR read nowhere: ink that no line accounts for, cut into columns (or rows) by
projection profiles, and read on its own.

Page detection, and even the re-read of a whole vertical block, can pass over a column (on an old
classical page, a column opening with small double-column notes was missed twice). Such a column
shows as ink left over once every read line is blanked out. Each leftover column is read from a
copy of the page with the read lines painted out, in a crop widened to a modest aspect: the
detector upscales a crop's short side, so a bare one-column crop costs many times a page tile,
and the blanked neighbours cannot be read a second time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from pipeline.document import Box, Direction, Line
from pipeline.layout.blocks import length_and_thickness, text_units
from pipeline.layout.regions import Regions, ink_mask, ink_runs, to_gray

if TYPE_CHECKING:
    from pipeline.ocr.base import OcrEngine

# The search for missed lines runs at this character size in pixels.
WORK_SIZE = 24.0
# Other sizes are in body character sizes.
# The coarse grid of the search has this many cells to a character.
GRID_CELLS = 4
# Read lines are blanked with this margin (detector boxes are tight on some characters).
LINE_MARGIN = 0.1
# Ink specks smaller than this area (squared sizes) are dirt, not strokes.
SPECK_AREA = 0.02
# A missed line is at least this long, and across it between these widths.
MIN_LENGTH = 3.0
MIN_WIDTH, MAX_WIDTH = 0.4, 1.8
# Along a missed line, its ink falls into at least this many separate characters.
MIN_CHARACTERS = 3
# The median piece of ink along a missed line is at most this long (characters may touch).
MAX_CHARACTER = 1.5
# Share of a missed line's box that is ink: text, not a solid bar or a faint smudge.
MIN_INK, MAX_INK = 0.08, 0.7
# Leftover ink within this many sizes of a read line's edge, and thinner than this share of its
# type, is a sliver of that line's characters.
EDGE_GAP = 0.5
SLIVER = 0.7
# A missed line is read in a crop this many times longer than wide (blank paper around it).
# The first crop is the cheaper, wider one; the second, narrower one is read only when the first
# found nothing in the missed line.
READ_ASPECTS = (3.0, 6.0)


def missed_lines(image: np.ndarray, lines: list[Line], size: float, regions: Regions) -> list[tuple[Box, Direction]]:
    """Boxes of text lines (columns or rows) with ink that no OCR line, rule or picture covers.

    On a page of large type the search runs on a copy reduced so characters are about WORK_SIZE
    pixels (a 9000 px scan costs seconds at full size); the boxes come back in the image's pixels."""
    factor = WORK_SIZE / size if size > 2 * WORK_SIZE else 1.0  # reducing costs more than it saves below
    if factor < 1.0:
        ink = ink_mask(cv2.resize(to_gray(image), None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA), size * factor)
    elif regions.ink is not None and regions.ink.shape == image.shape[:2]:
        ink = regions.ink.copy()  # the region finder's mask, at the same size
    else:
        ink = ink_mask(to_gray(image), size)
    def scaled(boxes: list[Box]) -> list[Box]:
        return [Box(b.x0 * factor, b.y0 * factor, b.x1 * factor, b.y1 * factor) for b in boxes]

    blank = scaled([l.box for l in lines if l.box is not None] + regions.pictures)
    rules = scaled(regions.horizontal_rules + regions.vertical_rules)
    found = _missed_lines(ink, blank, rules, size * factor)
    boxes = [(Box(b.x0 / factor, b.y0 / factor, b.x1 / factor, b.y1 / factor), direction) for b, direction in found]
    return [(box, direction) for box, direction in boxes if not _sliver(box, direction, lines, size)]


def _missed_lines(ink: np.ndarray, blank: list[Box], rules: list[Box], size: float) -> list[tuple[Box, Direction]]:
    """Candidates are found on a coarse grid of the leftover ink (cells a quarter character wide:
    cheap on a whole page), then cut into lines and checked on the full-resolution ink."""
    leftover = _leftover_ink(ink, blank, rules, size)
    cell = max(1, int(size / GRID_CELLS))
    rows, columns = max(1, leftover.shape[0] // cell), max(1, leftover.shape[1] // cell)
    # a whole number of cells makes the area reduction a fast integer one (the margin is blank paper)
    grid = cv2.resize(leftover[: rows * cell, : columns * cell], (columns, rows), interpolation=cv2.INTER_AREA)
    grid = np.where(grid > 0, 255, 0).astype(np.uint8)
    found: list[tuple[Box, Direction]] = []
    for direction in (Direction.VERTICAL, Direction.HORIZONTAL):
        along = (1, GRID_CELLS) if direction is Direction.VERTICAL else (GRID_CELLS, 1)
        joined = cv2.morphologyEx(grid, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        for gx, gy, gw, gh, _area in stats[1:count]:
            if (gh if direction is Direction.VERTICAL else gw) * cell < MIN_LENGTH * size - 2 * cell:
                continue
            x, y = max(0, (gx - 1) * cell), max(0, (gy - 1) * cell)
            crop = _without_specks(leftover[y : (gy + gh + 1) * cell, x : (gx + gw + 1) * cell], size)
            for box in _cut_lines(crop, x, y, direction, size):
                inside = crop[int(box.y0) - y : int(box.y1) - y, int(box.x0) - x : int(box.x1) - x]
                if _looks_like_text(inside, direction, size) and not any(box.intersection_area(b) > 0 for b, _ in found):
                    found.append((box, direction))
    return found


def read_missed(
    image: np.ndarray, lines: list[Line], size: float, regions: Regions, engine: OcrEngine
) -> list[Line]:
    """Lines read from the missed columns and rows (page coordinates of `image`), in no order."""
    missed = missed_lines(image, lines, size, regions)
    if not missed:
        return []
    blanked = _blank_lines(image, lines, size)
    height, width = image.shape[:2]
    pending = sorted(missed, key=lambda m: (m[1].value, -m[0].x1, m[0].y0))  # vertical first, right to left
    read: list[Line] = []
    while pending:
        box, direction = pending.pop(0)
        targets = [box] + [b for b, _ in pending]
        for aspect in READ_ASPECTS:  # the detector's finding a lone column depends on the crop's shape
            region = _widened(box, direction, aspect, width, height)
            new = [l for l in engine.read_region(blanked, region, direction) if l.text.strip() and l.box is not None]
            kept = [l for l in new if any(_centre_in(l.box, t, size) for t in targets)]
            if any(_centre_in(l.box, box, size) for l in kept):
                break
        read.extend(kept)
        # missed lines the widened crop read as well need no read of their own
        pending = [(b, d) for b, d in pending if not any(_centre_in(l.box, b, size) for l in kept)]
    return read


def _sliver(box: Box, direction: Direction, lines: list[Line], size: float) -> bool:
    """Leftover ink along the edge of a read line and thinner than that line's type: the part of
    its characters that a tight or turned detection box left out, not a line of its own."""
    length, width = (box.height, box.width) if direction is Direction.VERTICAL else (box.width, box.height)
    for line in lines:
        other = line.box
        if other is None:
            continue
        if direction is Direction.VERTICAL:
            shared, gap = box.y_overlap(other), max(other.x0 - box.x1, box.x0 - other.x1)
        else:
            shared, gap = box.x_overlap(other), max(other.y0 - box.y1, box.y0 - other.y1)
        if shared >= 0.5 * length and gap <= EDGE_GAP * size and width < SLIVER * _pitch(line):
            return True
    return False


def _pitch(line: Line) -> float:
    """The line's character pitch along it: its type size, whatever its box's thickness."""
    return length_and_thickness(line)[0] / max(1.0, text_units(line.text))


def _leftover_ink(ink: np.ndarray, blank: list[Box], rules: list[Box], size: float) -> np.ndarray:
    """The ink (changed in place) outside the read lines and pictures (`blank`) and the rules."""
    margin = LINE_MARGIN * size
    for box in blank:
        ink[max(0, int(box.y0 - margin)) : int(box.y1 + margin) + 1, max(0, int(box.x0 - margin)) : int(box.x1 + margin) + 1] = 0
    for rule in rules:
        ink[max(0, int(rule.y0) - 2) : int(rule.y1) + 3, max(0, int(rule.x0) - 2) : int(rule.x1) + 3] = 0
    return ink


def _without_specks(ink: np.ndarray, size: float) -> np.ndarray:
    """The ink as booleans, without components too small to be a stroke."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= SPECK_AREA * size * size
    keep[0] = False
    return keep[labels]


def _cut_lines(crop: np.ndarray, x: int, y: int, direction: Direction, size: float) -> list[Box]:
    """Split a leftover ink region into lines at the blank runs of its profile across the lines."""
    profile = crop.any(axis=0) if direction is Direction.VERTICAL else crop.any(axis=1)
    boxes = []
    for start, stop in ink_runs(profile):
        if not MIN_WIDTH * size <= stop - start <= MAX_WIDTH * size:
            continue
        part = crop[:, start:stop] if direction is Direction.VERTICAL else crop[start:stop, :]
        along = np.flatnonzero(part.any(axis=1) if direction is Direction.VERTICAL else part.any(axis=0))
        if along.size == 0 or along[-1] + 1 - along[0] < MIN_LENGTH * size:
            continue
        if direction is Direction.VERTICAL:
            boxes.append(Box(float(x + start), float(y + along[0]), float(x + stop), float(y + along[-1] + 1)))
        else:
            boxes.append(Box(float(x + along[0]), float(y + start), float(x + along[-1] + 1), float(y + stop)))
    return boxes


def _looks_like_text(crop: np.ndarray, direction: Direction, size: float) -> bool:
    """Ink (booleans, the line's box) of a text density, falling into separate characters along the line."""
    if crop.size == 0 or not MIN_INK <= float(crop.mean()) <= MAX_INK:
        return False
    profile = crop.any(axis=1) if direction is Direction.VERTICAL else crop.any(axis=0)
    characters = ink_runs(profile)
    if len(characters) < MIN_CHARACTERS:
        return False
    # a broken rule or a frame's edge also falls into pieces, but longer than characters, or thin
    lengths, widths = [], []
    for a, b in characters:
        piece = crop[a:b] if direction is Direction.VERTICAL else crop[:, a:b].T
        across = np.flatnonzero(piece.any(axis=0))
        lengths.append(b - a)
        widths.append(across[-1] + 1 - across[0])
    return float(np.median(lengths)) <= MAX_CHARACTER * size and float(np.median(widths)) >= MIN_WIDTH * size


def _blank_lines(image: np.ndarray, lines: list[Line], size: float) -> np.ndarray:
    """A copy of the page with every read line painted over in the paper's colour."""
    blanked = image.copy()
    paper = np.percentile(to_gray(image), 90)
    margin = LINE_MARGIN * size
    for line in lines:
        if line.box is not None:
            box = line.box
            blanked[max(0, int(box.y0 - margin)) : int(box.y1 + margin) + 1, max(0, int(box.x0 - margin)) : int(box.x1 + margin) + 1] = paper
    return blanked


def _widened(box: Box, direction: Direction, aspect: float, width: int, height: int) -> Box:
    """The line's box widened across the line to `aspect`, centred, inside the page."""
    if direction is Direction.VERTICAL:
        extra = max(0.0, box.height / aspect - box.width) / 2
        return Box(max(0.0, box.x0 - extra), box.y0, min(float(width), box.x1 + extra), box.y1)
    extra = max(0.0, box.width / aspect - box.height) / 2
    return Box(box.x0, max(0.0, box.y0 - extra), box.x1, min(float(height), box.y1 + extra))


def _centre_in(line: Box, target: Box, margin: float) -> bool:
    x, y = line.center
    return target.x0 - margin <= x <= target.x1 + margin and target.y0 - margin <= y <= target.y1 + margin

