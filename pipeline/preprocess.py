"""Page clean-up with OpenCV before OCR; every step switchable (PreprocessConfig) and recorded.

Steps, in order: grayscale, crop dark scanner borders, illumination flattening (background
estimate by grey-level closing, then division), denoise, deskew (angle from the text lines'
projection profile), binarisation. The result records the 2x3 affine transform from original
to processed pixels; `lines_to_original` maps OCR boxes back, so every box the pipeline emits is
in the coordinates of the input image.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipeline.config import PreprocessConfig
from pipeline.document import Box, Line

MAX_SKEW_DEGREES = 5.0
MIN_SKEW_DEGREES = 0.1  # smaller angles are not worth a resampling pass
BORDER_DARKNESS = 0.5  # a border row/column darker than this fraction of the paper is scanner background


@dataclass
class Preprocessed:
    image: np.ndarray
    steps: list[str] = field(default_factory=list)
    skew_degrees: float = 0.0
    transform: np.ndarray = field(default_factory=lambda: np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))  # original -> processed
    crop: list[int] | None = None  # [x0, y0, x1, y1] of the kept area, original pixels

    def record(self) -> dict:
        """What was done, for Page.meta["preprocess"]."""
        return {"steps": list(self.steps), "skew_degrees": round(self.skew_degrees, 3), **({"crop": self.crop} if self.crop else {})}


def run(image: np.ndarray, config: PreprocessConfig) -> Preprocessed:
    import cv2

    result = Preprocessed(image=image)
    if config.grayscale and image.ndim == 3:
        result.image = cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
        result.steps.append("grayscale")
    if config.crop_borders:
        _crop_borders(result)
    if config.flatten_illumination:
        result.image = flatten_illumination(result.image)
        result.steps.append("flatten_illumination")
    if config.denoise:
        result.image = cv2.fastNlMeansDenoising(result.image, None, h=12) if result.image.ndim == 2 else cv2.fastNlMeansDenoisingColored(result.image, None, 12, 12)
        result.steps.append("denoise")
    if config.deskew:
        _deskew(result)
    if config.binarize:
        gray = result.image if result.image.ndim == 2 else cv2.cvtColor(result.image, cv2.COLOR_BGR2GRAY)
        block = max(15, (_text_scale(gray) * 2) | 1)
        result.image = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15)
        result.steps.append("binarize")
    return result


def _text_scale(gray: np.ndarray) -> int:
    from pipeline.ocr.base import estimate_char_height

    height = estimate_char_height(gray)
    return int(height) if height > 0 else max(8, min(gray.shape[:2]) // 60)


def _crop_borders(result: Preprocessed) -> None:
    """Trim dark bands at the page edges (scanner lid, book gutter shadow)."""
    gray = result.image if result.image.ndim == 2 else result.image.mean(axis=2)
    paper = float(np.percentile(gray, 90))
    if paper < 80:  # a dark page overall (negative, photo): nothing to tell borders by
        return
    dark_rows = gray.mean(axis=1) < BORDER_DARKNESS * paper
    dark_cols = gray.mean(axis=0) < BORDER_DARKNESS * paper

    def inner_span(dark: np.ndarray) -> tuple[int, int]:
        start, end = 0, len(dark)
        while start < end and dark[start]:
            start += 1
        while end > start and dark[end - 1]:
            end -= 1
        return start, end

    y0, y1 = inner_span(dark_rows)
    x0, x1 = inner_span(dark_cols)
    height, width = gray.shape[:2]
    if (x0, y0, x1, y1) == (0, 0, width, height) or x1 - x0 < width // 4 or y1 - y0 < height // 4:
        return
    result.image = np.ascontiguousarray(result.image[y0:y1, x0:x1])
    result.transform = result.transform.copy()
    result.transform[:, 2] -= (x0, y0)
    result.crop = [int(x0), int(y0), int(x1), int(y1)]
    result.steps.append("crop_borders")


def flatten_illumination(image: np.ndarray) -> np.ndarray:
    """Divide by an estimate of the paper's brightness: shadows, yellowing and uneven light go,
    ink stays. The background is a grey closing (ink removed) on a reduced copy, smoothed."""
    import cv2

    if image.ndim == 3:
        return cv2.merge([flatten_illumination(channel) for channel in cv2.split(image)])
    height, width = image.shape
    factor = min(1.0, 800 / max(height, width))
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else image
    kernel_side = max(5, int(3 * _text_scale(image) * factor) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel_side, kernel_side))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.GaussianBlur(background, (0, 0), kernel_side / 2)
    background = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(image, np.maximum(background, 1), scale=255)


def estimate_skew(image: np.ndarray) -> float:
    """Skew of the text in degrees (positive = counter-clockwise), from the angle at which the
    ink's row (or column, for vertical text) projection is sharpest. 0 when no text is found."""
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    factor = min(1.0, 1200 / max(gray.shape))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if np.count_nonzero(ink) < 0.001 * ink.size:
        return 0.0
    ink = ink.astype(np.float32)
    height, width = ink.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        rotated = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, angle, 1.0), (width, height), flags=cv2.INTER_LINEAR)
        return max(float(np.var(rotated.sum(axis=1))), float(np.var(rotated.sum(axis=0))))

    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    best = max(fine, key=sharpness)
    # warpAffine with a positive angle turns the image counter-clockwise; undoing skew `s` needs
    # angle -s, so the skew is the negative of the best correcting angle.
    return float(-best)


def _deskew(result: Preprocessed) -> None:
    import cv2

    skew = estimate_skew(result.image)
    result.skew_degrees = skew
    result.steps.append("deskew")
    if abs(skew) < MIN_SKEW_DEGREES:
        return
    height, width = result.image.shape[:2]
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), -skew, 1.0)
    border = 255 if result.image.ndim == 2 else (255, 255, 255)
    result.image = cv2.warpAffine(result.image, rotation, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    result.transform = _compose(rotation, result.transform)


def _compose(second: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The 2x3 affine `second` applied after `first`."""
    full = lambda m: np.vstack([m, [0.0, 0.0, 1.0]])  # noqa: E731
    return (full(second) @ full(first))[:2]


def lines_to_original(lines: list[Line], transform: np.ndarray) -> list[Line]:
    """OCR lines from the processed image with boxes and polygons mapped back to the original."""
    if np.allclose(transform, [[1, 0, 0], [0, 1, 0]]):
        return lines
    import cv2

    inverse = cv2.invertAffineTransform(np.asarray(transform, dtype=np.float64))

    def points(values: list[tuple[float, float]]) -> list[tuple[float, float]]:
        array = np.hstack([np.asarray(values, dtype=np.float64), np.ones((len(values), 1))]) @ inverse.T
        return [(float(x), float(y)) for x, y in array]

    def box(value: Box) -> Box:
        return Box.from_points(points([(value.x0, value.y0), (value.x1, value.y0), (value.x1, value.y1), (value.x0, value.y1)]))

    mapped = []
    for line in lines:
        polygon = points(line.polygon) if line.polygon else None
        mapped.append(
            Line(
                text=line.text,
                box=Box.from_points(polygon) if polygon else (box(line.box) if line.box else None),
                confidence=line.confidence,
                direction=line.direction,
                polygon=polygon,
                char_boxes=[box(b) for b in line.char_boxes] if line.char_boxes else None,
            )
        )
    return mapped
