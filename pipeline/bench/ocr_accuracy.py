"""OCR accuracy and speed on rendered pages with known text (`python -m pipeline.bench.ocr_accuracy`).

Measures, for each engine, the recognition character error rate of body lines (each truth line
matched to its best OCR line among those overlapping it), clean and degraded (rotation up to
2.5 degrees, blur, noise, JPEG 50), seconds per page and peak memory; a 3500x5000 page at 300 dpi
with 9.5 pt text against a cropped piece of it; and vertical columns cropped from a page.
The pages are rendered here with PIL and Noto CJK from real article text; the benchmark
branch's page generator (pipeline/bench/generate.py) is the full-layout instrument.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.document import Box, Direction, Line

FONTS = {
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),  # index 2 = SC
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
}
TEXT_SOURCE = Path(__file__).resolve().parents[2] / "samples" / "seed-article.txt"
PUNCTUATION = set("，。、；：？！“”‘’（）《》〈〉【】「」『』﹁﹂﹃﹄︵︶—…·,.;:?!\"'()[]-")


@dataclass
class TruthLine:
    text: str
    box: Box


def article_text(path: Path = TEXT_SOURCE) -> str:
    """Real article text with line breaks and spaces removed, to fill rendered columns. The seed
    article's ⋯⋯ and vertical quote forms are typing artefacts of its source, not newspaper text."""
    text = "".join(path.read_text(encoding="utf-8").split())
    return text.replace("⋯", "…").translate(str.maketrans("", "", "﹁﹂﹃﹄"))


def _font(kind: str, size: int):
    from PIL import ImageFont

    path, index = FONTS[kind]
    return ImageFont.truetype(path, size, index=index)


def render_columns(text: str, width: int, height: int, font_px: int, columns: int = 1, font: str = "serif", margin: int | None = None, line_spacing: float = 1.5, gutter: int | None = None) -> tuple[np.ndarray, list[TruthLine]]:
    """A gray page of horizontal justified-width columns filled with `text` (repeated as needed)."""
    from PIL import Image, ImageDraw

    margin = margin if margin is not None else max(20, width // 30)
    gutter = gutter if gutter is not None else max(2 * font_px, 20)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face = _font(font, font_px)
    column_width = (width - 2 * margin - (columns - 1) * gutter) // columns
    per_line = max(1, column_width // font_px)
    step = int(font_px * line_spacing)
    truth: list[TruthLine] = []
    position = 0
    for column in range(columns):
        x = margin + column * (column_width + gutter)
        y = margin
        while y + font_px <= height - margin:
            piece = "".join(text[(position + i) % len(text)] for i in range(per_line))
            position += per_line
            draw.text((x, y), piece, font=face, fill=0)
            left, top, right, bottom = draw.textbbox((x, y), piece, font=face)
            truth.append(TruthLine(piece, Box(left, top, right, bottom)))
            y += step
    return np.array(image), truth


def render_vertical(text: str, columns: int, chars_per_column: int, font_px: int, font: str = "serif", spacing: float = 1.6) -> tuple[np.ndarray, list[TruthLine]]:
    """A block of vertical columns read top to bottom, right to left."""
    from PIL import Image, ImageDraw

    margin = font_px
    step = int(font_px * spacing)
    width = 2 * margin + (columns - 1) * step + font_px
    height = 2 * margin + chars_per_column * int(font_px * 1.05)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face = _font(font, font_px)
    truth = []
    for column in range(columns):
        x = width - margin - font_px - column * step
        piece = text[column * chars_per_column:(column + 1) * chars_per_column]
        for row, char in enumerate(piece):
            draw.text((x, margin + row * int(font_px * 1.05)), char, font=face, fill=0)
        truth.append(TruthLine(piece, Box(x, margin, x + font_px, margin + len(piece) * int(font_px * 1.05))))
    return np.array(image), truth


def degrade(image: np.ndarray, seed: int, rotation: float = 2.0, blur: float = 0.8, noise: float = 8.0, jpeg_quality: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """A scan-like copy: rotated, blurred, noisy, JPEG-compressed. Returns it and the 2x3 rotation
    matrix (page -> degraded coordinates) so truth boxes can be mapped."""
    import cv2

    rng = np.random.default_rng(seed)
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rotation, 1.0)
    out = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise > 0:
        out = np.clip(out.astype(np.float32) + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    return cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED), matrix


def map_box(box: Box, matrix: np.ndarray) -> Box:
    corners = np.array([[box.x0, box.y0, 1], [box.x1, box.y0, 1], [box.x1, box.y1, 1], [box.x0, box.y1, 1]])
    return Box.from_points((corners @ matrix.T).tolist())


def _fold(text: str, ignore_punctuation: bool = False) -> str:
    text = unicodedata.normalize("NFKC", "".join(text.split()))
    if ignore_punctuation:
        text = "".join(ch for ch in text if ch not in PUNCTUATION and not unicodedata.category(ch).startswith("P"))
    return text


def line_cer(truth: list[TruthLine], lines: list[Line], ignore_punctuation: bool = False) -> tuple[float, int, int]:
    """Recognition character error rate of truth lines. Each truth line is compared with its best
    OCR line among those whose box overlaps it; when an OCR line holds several truth lines (an
    engine that merges columns), with its best-matching part. No overlapping line: all missed.
    Returns (cer, errors, characters)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    errors = characters = 0
    for item in truth:
        expected = _fold(item.text, ignore_punctuation)
        best = len(expected)
        for line in lines:
            if line.box is None or line.box.intersection_area(item.box) <= 0.2 * min(item.box.area, line.box.area):
                continue
            candidate = _fold(line.text, ignore_punctuation)
            if len(candidate) > 1.3 * len(expected):
                part = fuzz.partial_ratio_alignment(expected, candidate)
                candidate = candidate[part.dest_start:part.dest_end]
            best = min(best, Levenshtein.distance(expected, candidate))
        errors += best
        characters += len(expected)
    return (errors / characters if characters else 0.0), errors, characters


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
