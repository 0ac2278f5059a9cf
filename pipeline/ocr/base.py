"""The engine interface, and the page handling every detector+recogniser engine shares.

Why the shared part: both PP-OCR engines shrink big pages before detection *and* recognise
crops cut from the shrunken page, so 9 pt text on a 5000 px scan is lost. Here detection runs
at a scale chosen from the measured character height, on overlapping tiles when the page is
big, the tile results are merged without duplicates, and every line is recognised from a crop
of the full-resolution page.
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass

import numpy as np

from pipeline.document import Box, Direction, Line

# A detected box this much taller than wide is a vertical column: it is turned 90 degrees
# counter-clockwise (top of the column to the left) before recognition, as PP-OCR does.
VERTICAL_ASPECT = 1.5


@dataclass(frozen=True)
class DetectionPlan:
    """How a page is detected: the scale applied first, then the tile grid in scaled pixels."""

    char_height: float
    scale: float
    tile_size: int
    overlap: int


class OcrEngine(abc.ABC):
    """Image in, text lines with page-pixel boxes out. Subclasses name themselves in `name`."""

    name: str = "engine"

    @abc.abstractmethod
    def recognize(self, image: np.ndarray) -> list[Line]:
        """All text lines of a page image, boxes in the image's pixel coordinates."""

    @abc.abstractmethod
    def versions(self) -> dict[str, str]:
        """Library and model versions, recorded in the output so results can be traced."""

    def recognize_page(self, image: np.ndarray, number: int) -> list[Line]:
        """`recognize` for page `number` of the input (the replay engine serves stored pages by number)."""
        return self.recognize(image)

    def read_region(self, image: np.ndarray, box: Box, direction: Direction) -> list[Line]:
        """Re-read one region on its own (the layout stage calls this for vertical blocks).

        The region is cropped with a margin, recognised, and its boxes mapped back to page
        coordinates. Vertical columns come back as Line(direction=VERTICAL), right to left.
        """
        crop, (dx, dy) = crop_with_margin(image, box)
        if crop.size == 0:
            return []
        lines = self._recognize_region_crop(crop, direction)
        shifted = [shift_line(line, dx, dy) for line in lines]
        if direction is Direction.VERTICAL:
            shifted.sort(key=lambda line: -(line.box.center[0] if line.box else 0))
        return shifted

    def _recognize_region_crop(self, crop: np.ndarray, direction: Direction) -> list[Line]:
        return self.recognize(crop)


class DetectRecognizeEngine(OcrEngine):
    """An engine built from a text detector and a line recogniser (the PP-OCR engines).

    Subclasses provide `_detect` (quadrilaterals on an image given at the size to detect at)
    and `_recognize_crops` (text and score for line images that read left to right).
    """

    def __init__(self, target_char_height: int = 24, tile_size: int = 2048, min_score: float = 0.5) -> None:
        self.target_char_height = target_char_height
        self.tile_size = tile_size
        self.min_score = min_score
        self.last_plan: DetectionPlan | None = None

    @abc.abstractmethod
    def _detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text quadrilaterals, each (4, 2) float32 TL, TR, BR, BL in the given image's pixels."""

    @abc.abstractmethod
    def _recognize_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, score) for each horizontal line image."""

    def recognize(self, image: np.ndarray) -> list[Line]:
        image = as_bgr(image)
        plan = plan_detection(image, self.target_char_height, self.tile_size)
        self.last_plan = plan
        quads = self._detect_tiled(image, plan)
        return self._read_quads(image, quads, force_vertical=False)

    def _recognize_region_crop(self, crop: np.ndarray, direction: Direction) -> list[Line]:
        crop = as_bgr(crop)
        plan = plan_detection(crop, self.target_char_height, self.tile_size)
        quads = self._detect_tiled(crop, plan)
        return self._read_quads(crop, quads, force_vertical=direction is Direction.VERTICAL)

    def _detect_tiled(self, image: np.ndarray, plan: DetectionPlan) -> list[np.ndarray]:
        import cv2

        scaled = image
        if abs(plan.scale - 1.0) > 1e-3:
            interpolation = cv2.INTER_AREA if plan.scale < 1 else cv2.INTER_CUBIC
            scaled = cv2.resize(image, None, fx=plan.scale, fy=plan.scale, interpolation=interpolation)
        grid = tile_grid(scaled.shape[1], scaled.shape[0], plan.tile_size, plan.overlap)
        quads: list[np.ndarray] = []
        tiles: list[int] = []
        for tile, (x0, y0, x1, y1) in enumerate(grid):
            for quad in self._detect(np.ascontiguousarray(scaled[y0:y1, x0:x1])):
                quads.append((np.asarray(quad, dtype=np.float32) + (x0, y0)) / plan.scale)
                tiles.append(tile)
        return merge_tile_quads(quads, tiles) if len(grid) > 1 else quads

    def _read_quads(self, image: np.ndarray, quads: list[np.ndarray], force_vertical: bool) -> list[Line]:
        crops, kept, vertical = [], [], []
        for quad in quads:
            crop = crop_quad(image, quad)
            if crop.shape[0] < 2 or crop.shape[1] < 2:
                continue
            is_vertical = crop.shape[0] >= VERTICAL_ASPECT * crop.shape[1] or (force_vertical and crop.shape[0] > crop.shape[1])
            if is_vertical:
                crop = np.ascontiguousarray(np.rot90(crop))
            crops.append(crop)
            kept.append(quad)
            vertical.append(is_vertical)
        results = self._recognize_crops(crops) if crops else []
        lines = []
        for quad, is_vertical, (text, score) in zip(kept, vertical, results):
            text = text.strip()
            if not text or score < self.min_score:
                continue
            polygon = [(float(x), float(y)) for x, y in quad]
            lines.append(
                Line(
                    text=text,
                    box=Box.from_points(polygon),
                    confidence=float(score),
                    direction=Direction.VERTICAL if is_vertical else Direction.HORIZONTAL,
                    polygon=polygon,
                )
            )
        lines.sort(key=lambda line: (line.box.y0, line.box.x0))
        return lines


def as_bgr(image: np.ndarray) -> np.ndarray:
    """The detectors expect 3-channel 8-bit images; gray pages are expanded, alpha dropped."""
    import cv2

    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def estimate_char_height(image: np.ndarray) -> float:
    """Typical character height in pixels, from the connected components of the dark ink.

    CJK characters often fall apart into several components (radicals), so a high percentile of
    component heights is used rather than the median. Returns 0 for a page without ink.
    """
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(as_bgr(image), cv2.COLOR_BGR2GRAY)
    longest = max(gray.shape)
    factor = 1.0
    if longest > 2500:  # measure on a reduced copy: fast, and 9 pt text at 300 dpi stays > 15 px
        factor = 2500 / longest
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return 0.0
    heights = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    widths = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    plausible = (heights >= 4) & (heights < gray.shape[0] / 8) & (widths < gray.shape[1] / 4) & (widths >= 2)
    if plausible.sum() < 5:
        return 0.0
    return float(np.percentile(heights[plausible], 80)) / factor


def plan_detection(image: np.ndarray, target_char_height: int, tile_size: int) -> DetectionPlan:
    """Scale so characters are about `target_char_height` px for the detector (never below half
    size, at most double), then tile when the scaled page is larger than one tile. Characters
    within a factor 1.5 of the target are left alone: recognition, not detection, dominates the
    time, and every resampling blurs a little."""
    char_height = estimate_char_height(image)
    scale = 1.0
    if char_height > 0:
        wanted = target_char_height / char_height
        if not 1 / 1.5 < wanted < 1.5:
            scale = min(2.0, max(0.5, wanted))
    scaled_char = (char_height or target_char_height) * scale
    overlap = int(max(96, 4 * scaled_char))
    return DetectionPlan(char_height=char_height, scale=scale, tile_size=tile_size, overlap=overlap)


def tile_grid(width: int, height: int, tile_size: int, overlap: int) -> list[tuple[int, int, int, int]]:
    """Equal overlapping tiles covering the image: (x0, y0, x1, y1) each."""

    def spans(length: int) -> list[tuple[int, int]]:
        if length <= tile_size:
            return [(0, length)]
        count = math.ceil((length - overlap) / (tile_size - overlap))
        size = math.ceil((length + (count - 1) * overlap) / count)
        step = size - overlap
        return [(min(i * step, length - size), min(i * step, length - size) + size) for i in range(count)]

    return [(x0, y0, x1, y1) for y0, y1 in spans(height) for x0, x1 in spans(width)]


def merge_tile_quads(quads: list[np.ndarray], tiles: list[int]) -> list[np.ndarray]:
    """Merge boxes found twice in a tile overlap, or cut in two by a tile edge.

    Only boxes from different tiles are merged, when they overlap and share most of their height
    (horizontal lines) or width (vertical columns); the merged line is their enclosing box. Lines
    side by side in neighbouring columns do not overlap, so they stay apart.
    """
    boxes = [Box.from_points(q.tolist()) for q in quads]
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cell = 256
    buckets: dict[tuple[int, int], list[int]] = {}
    for index, box in enumerate(boxes):
        for cx in range(int(box.x0) // cell, int(box.x1) // cell + 1):
            for cy in range(int(box.y0) // cell, int(box.y1) // cell + 1):
                buckets.setdefault((cx, cy), []).append(index)
    for members in buckets.values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                if tiles[a] != tiles[b] and root(a) != root(b) and _same_line(boxes[a], boxes[b]):
                    parent[root(b)] = root(a)
    groups: dict[int, Box] = {}
    for index, box in enumerate(boxes):
        top = root(index)
        groups[top] = groups[top].union(box) if top in groups else box
    return [np.array([[b.x0, b.y0], [b.x1, b.y0], [b.x1, b.y1], [b.x0, b.y1]], dtype=np.float32) for b in groups.values()]


def _same_line(a: Box, b: Box) -> bool:
    """Two detections of one line: most of the smaller box lies in the other (a piece cut off at a
    tile edge, often a single square character), or both run the same way and share most of their
    height (horizontal) or width (vertical). Stacked lines barely touch, so they stay apart."""
    overlap = a.intersection_area(b)
    if overlap <= 0:
        return False
    if overlap >= 0.5 * min(a.area, b.area):
        return True
    if a.width >= a.height and b.width >= b.height:
        return min(a.y1, b.y1) - max(a.y0, b.y0) >= 0.6 * min(a.height, b.height)
    if a.height > a.width and b.height > b.width:
        return min(a.x1, b.x1) - max(a.x0, b.x0) >= 0.6 * min(a.width, b.width)
    return False


def crop_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The quadrilateral's pixels straightened into an upright rectangle."""
    import cv2

    quad = np.asarray(quad, dtype=np.float32)
    width = int(round(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2]))))
    height = int(round(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    if width < 1 or height < 1:
        return np.zeros((0, 0, 3), dtype=np.uint8)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


def crop_with_margin(image: np.ndarray, box: Box, margin_ratio: float = 0.03, min_margin: int = 8) -> tuple[np.ndarray, tuple[int, int]]:
    """The region plus a margin (so edge characters are whole), and its offset in the page."""
    margin = max(min_margin, int(margin_ratio * max(box.width, box.height)))
    height, width = image.shape[:2]
    x0, y0 = max(0, int(box.x0) - margin), max(0, int(box.y0) - margin)
    x1, y1 = min(width, int(math.ceil(box.x1)) + margin), min(height, int(math.ceil(box.y1)) + margin)
    return image[y0:y1, x0:x1], (x0, y0)


def shift_line(line: Line, dx: float, dy: float) -> Line:
    """The same line moved by (dx, dy): region results mapped back to page coordinates."""
    if dx == 0 and dy == 0:
        return line
    return Line(
        text=line.text,
        box=Box(line.box.x0 + dx, line.box.y0 + dy, line.box.x1 + dx, line.box.y1 + dy) if line.box else None,
        confidence=line.confidence,
        direction=line.direction,
        polygon=[(x + dx, y + dy) for x, y in line.polygon] if line.polygon else None,
        char_boxes=[Box(b.x0 + dx, b.y0 + dy, b.x1 + dx, b.y1 + dy) for b in line.char_boxes] if line.char_boxes else None,
    )
