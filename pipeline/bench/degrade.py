"""Scan degradations for synthetic pages, seeded: uneven light, yellowed paper, bleed-through,
rotation, blur, noise, low resolution and JPEG compression. Truth boxes follow the geometry."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.document import Box, Document

# Ranges per profile; each page draws its own values from them.
PROFILES = {
    "clean": {},
    "light": {"rotate": (0.3, 1.2), "blur": (0.3, 0.7), "noise": (1.5, 3.5), "jpeg": (65, 78), "light": (0.05, 0.15)},
    "heavy": {"rotate": (1.2, 2.5), "blur": (0.7, 1.1), "noise": (5, 9), "jpeg": (50, 60), "light": (0.15, 0.3),
              "yellow": True, "bleed": (0.06, 0.12)},
    "lowres": {"rotate": (0.2, 1.0), "blur": (0.3, 0.6), "noise": (2, 4), "jpeg": (70, 80), "light": (0.05, 0.15), "scale": 0.5},
}


@dataclass
class Degraded:
    image: np.ndarray  # gray (H, W) or BGR (H, W, 3)
    jpeg_quality: int | None
    applied: dict = field(default_factory=dict)


def degrade(image: np.ndarray, profile: str, seed: int, document: Document) -> Degraded:
    """Degrade a gray page image and move the document's boxes with it (in place)."""
    settings = PROFILES[profile]
    rng = random.Random(seed)
    gen = np.random.default_rng(seed)
    applied: dict = {"profile": profile}
    page = image.astype(np.float32)
    h, w = page.shape
    if "bleed" in settings:
        alpha = rng.uniform(*settings["bleed"])
        back = cv2.GaussianBlur(255 - page[:, ::-1], (0, 0), 2.5)
        shift = np.roll(back, (rng.randrange(-40, 40), rng.randrange(-40, 40)), axis=(0, 1))
        page = page - alpha * shift
        applied["bleed_through"] = round(alpha, 3)
    if "light" in settings:
        strength = rng.uniform(*settings["light"])
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        distance = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / np.hypot(w, h)
        page = page * (1 - strength * distance / distance.max())
        applied["uneven_light"] = round(strength, 3)
    if "rotate" in settings:
        angle = rng.uniform(*settings["rotate"]) * rng.choice((-1, 1))
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        page = cv2.warpAffine(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        _move_boxes(document, matrix, w, h)
        applied["rotation_degrees"] = round(angle, 3)
    if "blur" in settings:
        sigma = rng.uniform(*settings["blur"])
        page = cv2.GaussianBlur(page, (0, 0), sigma)
        applied["blur_sigma"] = round(sigma, 3)
    if "noise" in settings:
        sigma = rng.uniform(*settings["noise"])
        page = page + gen.normal(0, sigma, page.shape).astype(np.float32)
        applied["noise_sigma"] = round(sigma, 2)
    if "scale" in settings:
        scale = settings["scale"]
        page = cv2.resize(page, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        _scale_boxes(document, scale, page.shape[1], page.shape[0])
        applied["scale"] = scale
    page = np.clip(page, 0, 255)
    if settings.get("yellow"):
        tint = np.array([rng.uniform(0.72, 0.82), rng.uniform(0.9, 0.95), 1.0], dtype=np.float32)  # B, G, R
        page = np.clip(page[:, :, None] * tint[None, None, :] + 8, 0, 255)
        applied["yellowed"] = True
    quality = rng.randrange(*settings["jpeg"]) if "jpeg" in settings else None
    if quality:
        applied["jpeg_quality"] = quality
    return Degraded(page.astype(np.uint8), quality, applied)


def _map_box(box: Box, transform) -> tuple[Box, list[tuple[float, float]]]:
    corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
    moved = [transform(x, y) for x, y in corners]
    return Box.from_points(moved), moved


def _apply(document: Document, transform, width: int, height: int, keep_polygon: bool) -> None:
    def clip(box: Box) -> Box:
        return Box(max(0.0, box.x0), max(0.0, box.y0), min(float(width), box.x1), min(float(height), box.y1))

    for page in document.pages:
        page.width, page.height = width, height
        for block in page.blocks:
            if block.box is not None:
                block.box = clip(_map_box(block.box, transform)[0])
            for line in block.lines:
                if line.box is None:
                    continue
                if line.polygon is not None:
                    moved = [transform(x, y) for x, y in line.polygon]
                    line.box, line.polygon = clip(Box.from_points(moved)), moved
                else:
                    box, polygon = _map_box(line.box, transform)
                    line.box = clip(box)
                    if keep_polygon:
                        line.polygon = polygon


def _move_boxes(document: Document, matrix: np.ndarray, width: int, height: int) -> None:
    def transform(x: float, y: float) -> tuple[float, float]:
        return (float(matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]), float(matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]))

    _apply(document, transform, width, height, keep_polygon=True)


def _scale_boxes(document: Document, scale: float, width: int, height: int) -> None:
    _apply(document, lambda x, y: (x * scale, y * scale), width, height, keep_polygon=False)
