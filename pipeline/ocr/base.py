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

# Gutter splitting (see split_at_gutters). The detector often joins rows of neighbouring columns
# across a gutter about one character wide; those rows do not share a baseline, so the joined crop
# cuts through two rows and recognition garbles it. Sizes are in page character heights.
# A blank run this wide inside a horizontal line may be a gutter: Latin word spaces and
# justification spaces are 0.3-0.5 character, CJK punctuation leaves up to about one character
# blank, so width alone is not enough and every split is confirmed by the page (below).
GUTTER_MIN_WIDTH = 0.6
# Confirmation: a strip this wide, running this far above and below the line (about two lines of
# body text each way) along the line's own vertical direction, is blank in a gutter; beside a punctuation
# or word gap the lines above and below put ink in it.
GUTTER_STRIP_WIDTH = 0.3
GUTTER_STRIP_REACH = 3.0
# Share of the strip allowed to be ink: specks of a degraded scan, not a character stroke.
GUTTER_STRIP_MAX_INK = 0.02
# The next column's left edge: in a band this wide right after the blank run, the lines above
# and below put at least this share of ink (characters are about a third ink; a few of the
# lines may be indented or missing).
COLUMN_EDGE_WIDTH = 0.5
COLUMN_EDGE_MIN_INK = 0.05
# Ink components smaller than this (area, in squared character heights) are scan noise; they
# neither fill a blank run nor count as a piece.
NOISE_AREA = 0.015
# Margin kept around a piece's own ink, like the detector's unclip margin around a line.
PIECE_MARGIN = 0.25
# Blank rows narrower than this inside a piece are gaps within characters or between a row and
# its punctuation; wider ones separate the piece's row from a sliver of the row above or below.
ROW_GAP = 0.2


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
        quads, outlines = split_at_gutters(image, self._detect_tiled(image, plan), plan.char_height)
        return self._read_quads(image, quads, force_vertical=False, outlines=outlines)

    def _recognize_region_crop(self, crop: np.ndarray, direction: Direction) -> list[Line]:
        crop = as_bgr(crop)
        plan = plan_detection(crop, self.target_char_height, self.tile_size)
        quads = self._detect_tiled(crop, plan)
        if direction is Direction.VERTICAL:
            return self._read_quads(crop, quads, force_vertical=True)
        quads, outlines = split_at_gutters(crop, quads, plan.char_height)
        return self._read_quads(crop, quads, force_vertical=False, outlines=outlines)

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

    def _read_quads(self, image: np.ndarray, quads: list[np.ndarray], force_vertical: bool, outlines: list[np.ndarray | None] | None = None) -> list[Line]:
        """Recognise each quad's crop. A piece cut from a horizontal line at a gutter (with an
        ink outline in `outlines`) stays horizontal even when it is a single character, taller
        than wide, and its line is given the outline: tight like the ink, so the gap between
        columns stays as wide as the gutter for the layout stage."""
        outlines = outlines or [None] * len(quads)
        crops, kept, vertical = [], [], []
        for quad, outline in zip(quads, outlines):
            crop = crop_quad(image, quad)
            if crop.shape[0] < 2 or crop.shape[1] < 2:
                continue
            is_vertical = outline is None and (
                crop.shape[0] >= VERTICAL_ASPECT * crop.shape[1] or (force_vertical and crop.shape[0] > crop.shape[1])
            )
            if is_vertical:
                crop = np.ascontiguousarray(np.rot90(crop))
            crops.append(crop)
            kept.append(quad if outline is None else outline)
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

    width, height = quad_size(quad)
    if width < 1 or height < 1:
        return np.zeros((0, 0, *image.shape[2:]), dtype=np.uint8)
    matrix = cv2.getPerspectiveTransform(np.asarray(quad, dtype=np.float32), _rectangle(width, height))
    return cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


def quad_size(quad: np.ndarray) -> tuple[int, int]:
    """Width and height of the quadrilateral's straightened crop."""
    quad = np.asarray(quad, dtype=np.float32)
    width = int(round(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2]))))
    height = int(round(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    return width, height


def _rectangle(*corners: float) -> np.ndarray:
    """TL, TR, BR, BL of (width, height) from the origin, or of (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = corners if len(corners) == 4 else (0, 0, *corners)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def page_ink(image: np.ndarray, char_height: float) -> np.ndarray:
    """Dark ink as a 0/1 mask, thresholded against the local background (a window a few
    characters wide) so the shading and uneven light of degraded scans do not read as ink."""
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(as_bgr(image), cv2.COLOR_BGR2GRAY)
    block = int(3 * max(char_height, 8)) | 1
    return (cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)).astype(np.uint8)


def split_at_gutters(image: np.ndarray, quads: list[np.ndarray], char_height: float) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """Cut horizontal line quads that run across a column gutter into one quad per column.

    A cut is made at a blank run of the line's straightened crop at least GUTTER_MIN_WIDTH
    characters wide, and only where the page confirms a gutter: a narrow strip inside the run,
    reaching about two lines above and below along the line's own (possibly skewed) vertical,
    holds no ink, and the next column's edge follows the run. Each piece's height is then
    tightened to its own ink, since the two columns' rows sit at different heights; a piece
    lying mostly inside another detected line is dropped. Vertical quads and pages without a measured character height
    are left alone. Returns the quads to read (pieces with a margin around their ink) and, for
    each piece, the outline of its ink (None for a quad left whole).
    """
    if char_height <= 0 or not quads:
        return list(quads), [None] * len(quads)
    ink = page_ink(image, char_height)
    boxes = [Box.from_points(np.asarray(q).tolist()) for q in quads]
    result: list[np.ndarray] = []
    outlines: list[np.ndarray | None] = []
    for index, quad in enumerate(quads):
        width, height = quad_size(quad)
        pieces = [] if width < 1 or height < 1 or height >= width else _split_quad(ink, np.asarray(quad, dtype=np.float32), width, height, char_height)
        if len(pieces) < 2:
            result.append(quad)
            outlines.append(None)
            continue
        for read, outline in pieces:
            # a quad often reaches a few pixels over the gutter into the next column's line,
            # which has its own quad: that sliver piece would be read twice, and misread
            if not _covered_by_other(Box.from_points(read.tolist()), boxes, index):
                result.append(read)
                outlines.append(outline)
    return result, outlines


def _covered_by_other(piece: Box, boxes: list[Box], own: int) -> bool:
    """Whether most of the piece lies inside another detected line."""
    return any(index != own and piece.intersection_area(box) >= 0.5 * piece.area for index, box in enumerate(boxes))


def _split_quad(ink: np.ndarray, quad: np.ndarray, width: int, height: int, char_height: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """(quad to read, ink outline) of each piece of a line cut at confirmed gutters; fewer than
    two when there is no gutter."""
    import cv2

    to_crop = cv2.getPerspectiveTransform(quad, _rectangle(width, height))
    crop = cv2.warpPerspective(ink, to_crop, (width, height), flags=cv2.INTER_NEAREST)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= NOISE_AREA * char_height**2
    keep[0] = False
    crop = keep[labels]
    columns = crop.any(axis=0)
    inked = np.flatnonzero(columns)
    if inked.size == 0:
        return []
    cuts = []
    for start, stop in _blank_runs(columns[inked[0]:inked[-1] + 1]):
        start, stop = start + inked[0], stop + inked[0]
        if stop - start >= GUTTER_MIN_WIDTH * char_height:
            cut = _confirmed_gutter(ink, to_crop, start, stop, height, char_height)
            if cut is not None:
                cuts.append(int(round(cut)))
    if not cuts:
        return []
    to_page = np.linalg.inv(to_crop)
    pieces = []
    for left, right in zip([0, *cuts], [*cuts, width]):
        piece = crop[:, left:right]
        if not piece.any():
            continue
        top, bottom = _main_row(piece.sum(axis=1), ROW_GAP * char_height)
        cols = np.flatnonzero(piece[top:bottom].any(axis=0))
        ink_x0, ink_x1 = left + cols[0], left + cols[-1] + 1
        margin = PIECE_MARGIN * char_height
        read = _rectangle(max(left, ink_x0 - margin), top - margin, min(right, ink_x1 + margin), bottom + margin)
        outline = _rectangle(ink_x0, top, ink_x1, bottom)
        pieces.append((cv2.perspectiveTransform(read[None], to_page)[0], cv2.perspectiveTransform(outline[None], to_page)[0]))
    return pieces


def _main_row(row_ink: np.ndarray, max_gap: float) -> tuple[int, int]:
    """(top, bottom) of the piece's own text row: the inked rows, joined across gaps narrower
    than `max_gap`, with the most ink; a sliver of the next row in the same column is dropped."""
    runs = [(start, stop) for start, stop in _blank_runs(row_ink == 0)]  # runs of inked rows
    joined = [list(runs[0])]
    for start, stop in runs[1:]:
        if start - joined[-1][1] < max_gap:
            joined[-1][1] = stop
        else:
            joined.append([start, stop])
    top, bottom = max(joined, key=lambda run: row_ink[run[0]:run[1]].sum())
    return int(top), int(bottom)


def _blank_runs(columns: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of False in a boolean row."""
    padded = np.concatenate(([True], columns, [True])).astype(np.int8)
    edges = np.diff(padded)
    return list(zip(np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)))


def _confirmed_gutter(ink: np.ndarray, to_crop: np.ndarray, start: int, stop: int, height: int, char_height: float) -> float | None:
    """Crop x of a blank page strip inside the blank run [start, stop), or None.

    The strip follows the line's straightened vertical direction, so a skewed page's gutter is
    followed rather than cut across. It must be blank through the line and GUTTER_STRIP_REACH
    both above and below it: CJK text sits on a character grid, so punctuation gaps of
    neighbouring lines often line up into a short white channel one or two lines long. Positions
    across the run are tried, because the blank run of a short last line includes the rest of
    its own column, where the lines around have ink. The next column's left edge must show too:
    the lines above and below start right after the run, as the lines of a column do; a ragged
    line end that overhangs the lines below it (a bracket, a hanging mark) has no such edge.
    """
    half = GUTTER_STRIP_WIDTH * char_height / 2
    reach = GUTTER_STRIP_REACH * char_height
    to_page = np.linalg.inv(to_crop)
    around = np.concatenate([np.arange(-reach, 0.0, 1.0), np.arange(float(height), height + reach, 1.0)])
    edge = _strip_ink(ink, to_page, stop + np.arange(0.0, COLUMN_EDGE_WIDTH * char_height, 1.0), around)
    if edge < COLUMN_EDGE_MIN_INK:
        return None
    offsets_y = np.arange(-reach, height + reach, 1.0)
    offsets_x = np.arange(-half, half + 0.5, 1.0)
    for centre in np.arange(start + half, stop - half + 0.01, max(1.0, half)):
        if _strip_ink(ink, to_page, centre + offsets_x, offsets_y) <= GUTTER_STRIP_MAX_INK:
            return float(centre)
    return None


def _strip_ink(ink: np.ndarray, to_page: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> float:
    """Share of ink among the page pixels at crop coordinates xs x ys (0 when all are off the page)."""
    import cv2

    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1).astype(np.float32)[None]
    page = np.rint(cv2.perspectiveTransform(points, to_page)[0]).astype(int)
    inside = (page[:, 0] >= 0) & (page[:, 0] < ink.shape[1]) & (page[:, 1] >= 0) & (page[:, 1] < ink.shape[0])
    values = ink[page[inside, 1], page[inside, 0]]
    return float(values.mean()) if values.size else 0.0


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
