"""Ruling lines, frames and pictures found in the page image with OpenCV morphology.

Newspapers separate articles with rules and put lead boxes and sidebars in frames; pictures take
space that text flows around. These regions are the strongest separators the layout stage has,
and they cost a few morphological passes over the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.document import Box, Direction

# A rule is at least this many character heights long; shorter dark runs are strokes of text.
RULE_MIN_CHARS = 5.0
# A frame's four sides must each be at least this fully covered by rule pixels.
FRAME_SIDE_COVERAGE = 0.8
# Pictures: at least this many character heights on each side, and little of them covered by text.
PICTURE_MIN_CHARS = 3.0
PICTURE_MAX_TEXT_COVER = 0.25
PICTURE_MIN_DENSITY = 0.2
# A caption row read in the foot of a picture's blob starts at most this many characters above
# the blob's foot and runs at least this share of its width.
CAPTION_BAND_CHARS = 3.0
CAPTION_ROW_SHARE = 0.4
# Text the OCR missed shows at least this many regular columns (or rows) of ink in its profile.
TEXT_MIN_RUNS = 4


@dataclass
class Regions:
    horizontal_rules: list[Box] = field(default_factory=list)
    vertical_rules: list[Box] = field(default_factory=list)
    frames: list[Box] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)
    unread_text: list[tuple[Box, Direction]] = field(default_factory=list)  # text the page OCR missed
    ink: np.ndarray | None = field(default=None, repr=False)  # the ink mask they were found in (255 = ink)


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def ink_mask(gray: np.ndarray, char_size: float) -> np.ndarray:
    """Dark-on-light ink as 255: thin strokes by a local mean threshold (robust to uneven light),
    solid dark areas (photos) by their distance from the paper's brightness."""
    block = max(15, int(char_size * 2) | 1)
    strokes = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    paper = float(np.percentile(gray, 90))
    solid = np.where(gray < paper * 0.75, 255, 0).astype(np.uint8)
    return cv2.bitwise_or(strokes, solid)


def find_regions(image: np.ndarray, text_boxes: list[Box], char_size: float) -> Regions:
    """Rules (long thin dark runs), frames (rule rectangles) and pictures (ink blobs without text)."""
    gray = to_gray(image)
    ink = ink_mask(gray, char_size)
    height, width = gray.shape
    rule_length = int(max(RULE_MIN_CHARS * char_size, 0.03 * min(width, height)))
    thickness_limit = max(3.0, char_size * 0.4)

    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (rule_length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, rule_length)))
    regions = Regions(
        horizontal_rules=_thin_components(horizontal, rule_length, thickness_limit, axis=0),
        vertical_rules=_thin_components(vertical, rule_length, thickness_limit, axis=1),
        ink=ink,
    )
    rules = np.zeros_like(ink)
    for box, source in [(b, horizontal) for b in regions.horizontal_rules] + [(b, vertical) for b in regions.vertical_rules]:
        y0, y1, x0, x1 = int(box.y0), int(box.y1), int(box.x0), int(box.x1)
        rules[y0:y1, x0:x1] = source[y0:y1, x0:x1]
    pictures, regions.unread_text = _pictures(ink, rules, text_boxes, char_size)
    regions.pictures = [_above_caption_rows(p, text_boxes, char_size) for p in pictures]
    regions.frames = [f for f in _frames(rules, char_size) if not _on_picture(f, regions.pictures, char_size)]
    regions.horizontal_rules = [r for r in regions.horizontal_rules if not _on_picture(r, regions.pictures, char_size)]
    regions.vertical_rules = [r for r in regions.vertical_rules if not _on_picture(r, regions.pictures, char_size)]
    return regions


def _on_picture(box: Box, pictures: list[Box], margin: float) -> bool:
    """A rule or frame that is only a picture's edge."""
    return any(
        p.x0 - margin <= box.x0 and box.x1 <= p.x1 + margin and p.y0 - margin <= box.y0 and box.y1 <= p.y1 + margin for p in pictures
    )


def component_boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of each 8-connected component: the bounding boxes of the outer contours (a
    component inside another's hole has its own), which OpenCV traces an order of magnitude faster
    than it labels every pixel of a page."""
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    return [cv2.boundingRect(contour) for contour, link in zip(contours, hierarchy[0]) if link[3] < 0]


def _thin_components(mask: np.ndarray, min_length: int, max_thickness: float, axis: int) -> list[Box]:
    boxes = []
    for x, y, w, h in component_boxes(mask):
        length, thickness = (w, h) if axis == 0 else (h, w)
        if length >= min_length and thickness <= max_thickness:
            boxes.append(Box(float(x), float(y), float(x + w), float(y + h)))
    return boxes


def _frames(rules: np.ndarray, char_size: float) -> list[Box]:
    """Rectangles whose four sides are rules: lead boxes and sidebars."""
    contours, _ = cv2.findContours(rules, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    frames: list[Box] = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < 4 * char_size or h < 2 * char_size:
            continue
        band = max(2, int(char_size * 0.3))
        sides = (
            rules[y : y + band, x : x + w].max(axis=0),
            rules[y + h - band : y + h, x : x + w].max(axis=0),
            rules[y : y + h, x : x + band].max(axis=1),
            rules[y : y + h, x + w - band : x + w].max(axis=1),
        )
        if all(side.size and (side > 0).mean() >= FRAME_SIDE_COVERAGE for side in sides):
            box = Box(float(x), float(y), float(x + w), float(y + h))
            if not any(_same_box(box, other, char_size) for other in frames):
                frames.append(box)
    return frames


def _same_box(a: Box, b: Box, tolerance: float) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a.to_list(), b.to_list()))


def _pictures(ink: np.ndarray, rules: np.ndarray, text_boxes: list[Box], char_size: float) -> tuple[list[Box], list[tuple[Box, Direction]]]:
    """Large ink regions without OCR lines: pictures (photos, drawings, maps), or text the page
    OCR missed (dense vertical columns are often not detected on a full page), told apart by the
    regular columns or rows of ink and white that text leaves in its projection profiles."""
    mask = cv2.subtract(ink, rules)
    pad = int(char_size * 0.3)
    for box in text_boxes:
        cv2.rectangle(mask, (int(box.x0) - pad, int(box.y0) - pad), (int(box.x1) + pad, int(box.y1) + pad), 0, -1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(char_size)), max(3, int(char_size))))
    # closing bridges the gap a rule leaves; cut along the rules again so a frame's edge keeps a
    # picture apart from the ink left over inside the frame (a lead box over the picture)
    closed = cv2.bitwise_and(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel), cv2.bitwise_not(rules))
    minimum = PICTURE_MIN_CHARS * char_size
    pictures, unread = [], []
    for x, y, w, h in sorted(component_boxes(closed), key=lambda b: (b[1], b[0])):
        if max(w, h) < minimum or min(w, h) < 0.5 * char_size:
            continue
        box = Box(float(x), float(y), float(x + w), float(y + h))
        crop = mask[y : y + h, x : x + w] > 0  # the ink no OCR line accounts for
        if min(w, h) < minimum:  # one line's width: a line the OCR missed, or nothing
            if max(w, h) >= 3 * min(w, h) and 0.1 <= float(crop.mean()) <= 0.7:
                unread.append((box, Direction.VERTICAL if h > w else Direction.HORIZONTAL))
            continue
        direction = text_direction(crop)
        if direction is not None:
            unread.append((box, direction))
            continue
        covered = sum(box.intersection_area(t) for t in text_boxes) / box.area
        if covered <= PICTURE_MAX_TEXT_COVER and float(crop.mean()) >= PICTURE_MIN_DENSITY:
            pictures.append(box)
    return pictures, _merge_neighbours(unread, char_size)


def _above_caption_rows(picture: Box, text_boxes: list[Box], char_size: float) -> Box:
    """The picture without the caption set tight under it: the caption's unread characters close
    up with the picture's ink into one blob, and a row the OCR did read inside the blob's foot
    (across much of its width; text in a photo is short) shows where the picture ends."""
    rows = [
        t
        for t in text_boxes
        if t.width >= 2 * t.height
        and t.width >= CAPTION_ROW_SHARE * picture.width
        and picture.x0 - char_size <= t.x0 and t.x1 <= picture.x1 + char_size
        and picture.y1 - CAPTION_BAND_CHARS * char_size <= t.y0 and t.y1 <= picture.y1 + char_size
    ]
    if not rows:
        return picture
    foot = min(t.y0 for t in rows) - 0.3 * char_size
    return Box(picture.x0, picture.y0, picture.x1, foot) if foot - picture.y0 >= PICTURE_MIN_CHARS * char_size else picture


def _merge_neighbours(regions: list[tuple[Box, Direction]], char_size: float) -> list[tuple[Box, Direction]]:
    """Missed lines side by side (columns next to columns, rows over rows) are read as one region."""
    merged: list[tuple[Box, Direction]] = []
    for box, direction in sorted(regions, key=lambda r: (r[1].value, r[0].x0, r[0].y0)):
        for index, (other, other_direction) in enumerate(merged):
            if other_direction is not direction:
                continue
            if direction is Direction.VERTICAL:
                near = box.x0 - other.x1 <= 1.5 * char_size and box.y_overlap(other) > 0.5 * min(box.height, other.height)
            else:
                near = box.y0 - other.y1 <= 1.5 * char_size and box.x_overlap(other) > 0.5 * min(box.width, other.width)
            if near:
                merged[index] = (other.union(box), direction)
                break
        else:
            merged.append((box, direction))
    return merged


def text_direction(crop: np.ndarray) -> Direction | None:
    """VERTICAL if the region's ink stands in regular columns, HORIZONTAL if in regular rows, else None.

    Type set on a grid shows both; the lines are the runs with the wider white between them.
    """
    scores = {}
    for direction, axis in ((Direction.VERTICAL, 0), (Direction.HORIZONTAL, 1)):
        profile = crop.mean(axis=axis)
        inked = profile > max(0.02, 0.1 * float(profile.max()))
        runs = ink_runs(inked)
        if len(runs) < TEXT_MIN_RUNS:
            continue
        widths = np.array([b - a for a, b in runs], dtype=float)
        gaps = np.array([runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)], dtype=float)
        regular = widths.std() <= 0.5 * widths.mean() and gaps.mean() <= 1.5 * widths.mean()
        if regular and 0.1 <= 1 - inked.mean() <= 0.6:
            scores[direction] = gaps.mean() / widths.mean()
    # the white between lines is wider than the white between characters of one line
    return max(scores, key=scores.get) if scores else None


def ink_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist()))
