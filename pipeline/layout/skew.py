"""Page skew from the lines' polygons, and boxes turned into the deskewed frame and back.

A scan turned by 2° shifts a 1000 px column by 35 px across its height: enough to close a gutter.
When the OCR stage hands over boxes in the original (skewed) image, layout works on boxes turned
upright about the page centre and gives every line its original box back at the end.
"""

from __future__ import annotations

import math
from statistics import median

from pipeline.document import Box, Direction, Line

# Below this angle (degrees) the page is treated as straight.
MIN_SKEW_DEGREES = 0.3
MAX_SKEW_DEGREES = 10.0


def estimate_degrees(lines: list[Line]) -> float:
    """Median angle of the long edges of line polygons (positive: text runs down to the right)."""
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
    angle = median(angles)
    return angle if MIN_SKEW_DEGREES <= abs(angle) <= MAX_SKEW_DEGREES else 0.0


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
        if line.polygon and len(line.polygon) >= 3:
            return Box.from_points([self._turn(x, y, 1.0) for x, y in line.polygon])
        return self.upright(line.box)


def _corners(box: Box) -> list[tuple[float, float]]:
    return [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
