"""Page skew from the lines' polygons, and boxes turned into the deskewed frame and back.

A scan turned by 2° shifts a 1000 px column by 35 px across its height: enough to close a gutter.
When the OCR stage hands over boxes in the original (skewed) image, layout works on boxes turned
upright about the page centre and gives every line its original box back at the end.
"""

from __future__ import annotations

import math
from statistics import median

import numpy as np

from pipeline.document import Block, Box, Direction, Line, Page

# Below this angle (degrees) the page is treated as straight.
MIN_SKEW_DEGREES = 0.3
MAX_SKEW_DEGREES = 10.0
# Column lines this many line heights apart still measure the drift of the column's edge.
DRIFT_SPAN = 12


def estimate_degrees(lines: list[Line]) -> float:
    """The page's skew in degrees (positive: text runs down to the right): from the long edges of
    line polygons when the engine turns them with the text, else from the drift of column edges."""
    angle = _polygon_degrees(lines)
    if angle is None:
        angle = _edge_drift_degrees(lines)
    return angle if MIN_SKEW_DEGREES <= abs(angle) <= MAX_SKEW_DEGREES else 0.0


def _is_upright_rectangle(polygon) -> bool:
    xs = sorted({round(x) for x, _ in polygon})
    ys = sorted({round(y) for _, y in polygon})
    return len(polygon) == 4 and len(xs) <= 2 and len(ys) <= 2


def _polygon_degrees(lines: list[Line]) -> float | None:
    """Median angle of the long edges of turned line polygons; None when the engine gave only
    upright rectangles (its boxes then say nothing about the slope)."""
    if all(not l.polygon or _is_upright_rectangle(l.polygon) for l in lines):
        return None
    angles = []
    for line in lines:
        polygon = line.polygon
        if not polygon or len(polygon) != 4 or line.box is None:
            continue
        (x0, y0), (x1, y1) = polygon[0], polygon[1]
        if line.direction is Direction.VERTICAL:
            (x0, y0), (x1, y1) = polygon[0], polygon[3]
            if abs(y1 - y0) > 3 * max(1.0, abs(x1 - x0)) and abs(y1 - y0) > 2 * line.box.width:
                angles.append(-math.degrees(math.atan2(x1 - x0, y1 - y0)))
        elif abs(x1 - x0) > 3 * line.box.height:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if len(angles) < 3:
        return 0.0
    return median(angles)


def _edge_drift_degrees(lines: list[Line]) -> float:
    """Skew from upright boxes: on a turned page the flush edges of a column's lines drift sideways
    line by line (a column's left and right edges, the same for every pair of full lines); on a
    vertical page the tops and feet of neighbouring full columns drift up or down the same way."""
    horizontal = [l.box.to_list() for l in lines if l.box is not None and l.direction is Direction.HORIZONTAL]
    vertical = [l.box.to_list() for l in lines if l.box is not None and l.direction is Direction.VERTICAL]
    # a vertical page seen with x and y swapped is a horizontal page turned the other way
    slopes = [-slope for slope in _full_line_end_slopes(horizontal)]
    slopes += _full_line_end_slopes([[y0, x0, y1, x1] for x0, y0, x1, y1 in vertical])
    if len(slopes) < 5:
        return 0.0
    return math.degrees(math.atan(median(slopes)))


def _full_line_end_slopes(boxes: list[list[float]]) -> list[float]:
    """Sideways drift of the line end per unit of height, over pairs of full lines of one column
    up to DRIFT_SPAN lines apart (a long base for a small drift)."""
    if len(boxes) < 2:
        return []
    x0, y0, x1, y1 = np.array(sorted(boxes, key=lambda b: b[1]), dtype=float).T
    width, height, middle = x1 - x0, y1 - y0, (y0 + y1) / 2
    slopes: list[float] = []
    for i in range(len(x0) - 1):
        below = slice(i + 1, int(np.searchsorted(y0, y1[i] + DRIFT_SPAN * height[i], side="right")))
        dy = middle[below] - middle[i]
        pair = (
            (dy >= 0.5 * height[i])
            & (np.abs(width[below] - width[i]) <= 0.05 * width[i])
            & (np.abs(height[below] - height[i]) <= 0.2 * height[i])
            & (np.minimum(x1[i], x1[below]) - np.maximum(x0[i], x0[below]) >= 0.8 * width[i])
        )
        slopes.extend(((x1[below] - x1[i]) / np.where(pair, dy, 1.0))[pair].tolist())
    return slopes


class Rotation:
    """Turns points by -degrees about a centre (into the upright frame) and back."""

    def __init__(self, degrees: float, centre: tuple[float, float]):
        self.degrees = degrees
        radians = math.radians(degrees)
        self.cos, self.sin = math.cos(radians), math.sin(radians)
        self.cx, self.cy = centre

    def _turn(self, x: float, y: float, sign: float) -> tuple[float, float]:
        dx, dy = x - self.cx, y - self.cy
        return (self.cx + dx * self.cos + sign * dy * self.sin, self.cy - sign * dx * self.sin + dy * self.cos)

    def upright_image(self, image):
        """The image turned into the upright frame (same turn as `upright` applies to points)."""
        import cv2

        matrix = cv2.getRotationMatrix2D((self.cx, self.cy), self.degrees, 1.0)
        border = 255 if image.ndim == 2 else (255, 255, 255)
        return cv2.warpAffine(image, matrix, (image.shape[1], image.shape[0]), flags=cv2.INTER_LINEAR, borderValue=border)

    def upright(self, box: Box) -> Box:
        return Box.from_points([self._turn(x, y, 1.0) for x, y in _corners(box)])

    def original(self, box: Box) -> Box:
        return Box.from_points([self._turn(x, y, -1.0) for x, y in _corners(box)])

    def upright_line(self, line: Line) -> Box:
        """The line's box in the upright frame, from its polygon when it has one (tighter)."""
        if line.polygon and len(line.polygon) >= 3 and not _is_upright_rectangle(line.polygon):
            return Box.from_points([self._turn(x, y, 1.0) for x, y in line.polygon])
        return self._upright_enclosed(line.box, line.direction)

    def _upright_enclosed(self, box: Box, direction: Direction) -> Box:
        """The upright box of a turned line from the upright rectangle enclosing it: a line of
        length L and thickness T turned by a encloses (L cos a + T sin a) by (L sin a + T cos a)."""
        cx, cy = self._turn(*box.center, 1.0)
        sin, cos = abs(self.sin), self.cos
        length, thickness = (box.height, box.width) if direction is Direction.VERTICAL else (box.width, box.height)
        upright_length = max(length - thickness * sin, 1.0) / cos
        upright_thickness = max(thickness - upright_length * sin, 0.5 * thickness) / cos
        w, h = (upright_thickness, upright_length) if direction is Direction.VERTICAL else (upright_length, upright_thickness)
        return Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _corners(box: Box) -> list[tuple[float, float]]:
    return [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]


def page_rotation(page: Page) -> Rotation | None:
    """The turn layout found on the page (recorded in its meta), about the page's centre."""
    degrees = page.meta.get("layout", {}).get("skew_degrees") or 0.0
    if not degrees or not page.width or not page.height:
        return None
    return Rotation(degrees, (page.width / 2, page.height / 2))


def upright_block(block: Block, rotation: Rotation) -> Block:
    """A copy of the block with its lines' boxes in the upright frame, for measuring indents and
    line ends (on a page turned by 2° a column's edge drifts by two characters over its height)."""
    if block.box is None or any(l.box is None for l in block.lines):
        return block
    lines = [Line(l.text, rotation.upright_line(l), l.confidence, l.direction) for l in block.lines]
    return Block(block.role, block.direction, Box.enclosing([l.box for l in lines]), lines, [], block.article)
