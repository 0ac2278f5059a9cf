"""Writing direction: which lines are vertical columns, and which regions need re-reading.

Full-page detection cuts vertical columns into horizontal strips, one character from each column:
short "lines" whose characters stand much farther apart than their height, stacked one above the
other with the same left and right edges. Such a stack is a vertical region; the OCR engine
re-reads it as vertical columns (engine.read_region).
"""

from __future__ import annotations

from pipeline.document import Box, Direction, Line

# A box this much taller than wide, holding two or more characters, is a vertical column.
VERTICAL_ASPECT = 1.5
# A strip's characters stand at least this many heights apart (horizontal text: about 1.0).
STRIP_PITCH = 1.4
# A stack needs at least this many strips to count as a vertical region.
MIN_STRIPS = 3


def mark_vertical(lines: list[Line]) -> list[Line]:
    """Set direction=VERTICAL on lines whose box is a tall narrow column of characters."""
    for line in lines:
        box = line.box
        if box is None or line.direction is Direction.VERTICAL:
            continue
        if len(line.text.strip()) >= 2 and box.height > VERTICAL_ASPECT * box.width:
            line.direction = Direction.VERTICAL
    vertical_chars = sum(len(l.text) for l in lines if l.direction is Direction.VERTICAL)
    if vertical_chars * 2 > sum(len(l.text) for l in lines):  # single characters on a vertical page
        for line in lines:
            if line.box is not None and len(line.text.strip()) == 1 and line.box.width <= 1.5 * line.box.height:
                line.direction = Direction.VERTICAL
    return lines


def is_strip(line: Line) -> bool:
    """A horizontal cut through vertical columns: few characters set far apart (or one alone)."""
    box, count = line.box, len(line.text.strip())
    if box is None or line.direction is Direction.VERTICAL or count == 0:
        return False
    return box.width / count >= STRIP_PITCH * box.height or (count == 1 and box.width <= 1.6 * box.height)


def strip_regions(lines: list[Line], char_size: float) -> list[Box]:
    """Boxes of stacks of strips (horizontal cuts through vertical columns), widest first."""
    strips = sorted((l for l in lines if is_strip(l)), key=lambda l: l.box.y0)
    stacks: list[list[Box]] = []
    for line in strips:
        box = line.box
        for stack in stacks:
            last = stack[-1]
            overlap = box.x_overlap(last)
            if overlap > 0.5 * min(box.width, last.width) and box.y0 - last.y1 <= 1.5 * max(char_size, box.height):
                stack.append(box)
                break
        else:
            stacks.append([box])
    regions = [Box.enclosing(stack) for stack in stacks if len(stack) >= MIN_STRIPS]
    return _merge_overlapping(regions)


def _merge_overlapping(boxes: list[Box]) -> list[Box]:
    merged: list[Box] = []
    for box in sorted(boxes, key=lambda b: -b.area):
        for index, other in enumerate(merged):
            if box.intersection_area(other) > 0:
                merged[index] = other.union(box)
                break
        else:
            merged.append(box)
    return merged


def inside(line: Line, region: Box, fraction: float = 0.6) -> bool:
    return line.box is not None and line.box.area > 0 and line.box.intersection_area(region) >= fraction * line.box.area


def columns_from_strips(strips: list[Line]) -> list[Line]:
    """Rebuild vertical columns from the strips of one region when no engine can re-read it.

    Each strip's characters are placed evenly across its box; characters whose centres line up
    form one column, read top to bottom. Cruder than re-reading, but keeps the order right.
    """
    placed: list[tuple[float, float, str, Line]] = []
    for line in strips:
        chars = [c for c in line.text if not c.isspace()]
        step = line.box.width / len(chars)
        for index, char in enumerate(chars):
            placed.append((line.box.x0 + (index + 0.5) * step, line.box.center[1], char, line))
    size = sorted(l.box.height for l in strips)[len(strips) // 2]
    columns: list[list[tuple[float, float, str, Line]]] = []
    for item in sorted(placed, key=lambda p: p[0]):
        if columns and item[0] - columns[-1][-1][0] <= 0.6 * size:
            columns[-1].append(item)
        else:
            columns.append([item])
    result = []
    for column in columns:
        column.sort(key=lambda p: p[1])
        xs = [p[0] for p in column]
        box = Box(min(xs) - size / 2, min(p[3].box.y0 for p in column), max(xs) + size / 2, max(p[3].box.y1 for p in column))
        confidences = [p[3].confidence for p in column if p[3].confidence is not None]
        confidence = min(confidences) if confidences else None
        result.append(Line("".join(p[2] for p in column), box, confidence, Direction.VERTICAL))
    return result
