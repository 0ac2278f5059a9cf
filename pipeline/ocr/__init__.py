"""The OCR stage: page image in, a Page with OCR lines (boxes in page pixels) out.

Engines load their libraries and models lazily, inside the engine, so text mode never pays
for onnxruntime or PaddleOCR; `get_engine` builds one engine per process and configuration.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from pipeline.config import OcrConfig
from pipeline.document import Page
from pipeline.ocr.base import OcrEngine


def get_engine(config: OcrConfig) -> OcrEngine:
    """The engine the configuration names, loaded once per process (models load in seconds)."""
    return _cached_engine(config)


@lru_cache(maxsize=4)
def _cached_engine(config: OcrConfig) -> OcrEngine:
    plan = {"target_char_height": config.target_char_height, "tile_size": config.tile_size}
    if config.engine == "rapidocr":
        from pipeline.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(threads=config.threads, **plan)
    if config.engine == "paddleocr":
        from pipeline.ocr.paddle import PaddleOcrEngine

        return PaddleOcrEngine(threads=config.threads, **plan)
    if config.engine == "tesseract":
        from pipeline.ocr.tesseract import TesseractEngine

        return TesseractEngine(languages=config.tesseract_languages)
    from pipeline.ocr.replay import ReplayEngine

    return ReplayEngine.load(config.replay_file)


def recognize_page(image: np.ndarray, engine: OcrEngine, number: int) -> Page:
    """OCR one page: its lines go into Page.lines (in engine order); the engine is recorded."""
    height, width = image.shape[:2]
    page = Page(number=number, width=width, height=height)
    page.lines = engine.recognize_page(image, number)
    page.meta["ocr"] = {"engine": engine.name}
    plan = getattr(engine, "last_plan", None)
    if plan is not None:
        page.meta["ocr"]["detection"] = {"char_height": round(plan.char_height, 1), "scale": round(plan.scale, 3), "tile_size": plan.tile_size, "overlap": plan.overlap}
    return page
