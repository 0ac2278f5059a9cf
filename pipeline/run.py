"""The one place that writes the order of the stages."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import debug, inputs, layout, normalize, paragraphs, textmode
from pipeline.config import Config
from pipeline.document import Document, Page
from pipeline.errors import UsageError


def process_text(text: str, config: Config, source: str = "-") -> Document:
    """Text mode: lines OCR'd elsewhere -> paragraphs -> normalised text."""
    lines = inputs.text_lines(text, source)
    document = textmode.segment(lines, source=source)
    return normalize.run(document, config.normalize)


def layout_page(page: Page, image, config: Config, engine=None) -> Page:
    """After OCR: blocks, roles and reading order, then paragraphs; debug files when asked.

    `image` is the page as OCR saw it (numpy array) or None; `engine` re-reads vertical regions.
    """
    ocr_lines = list(page.lines)
    page = paragraphs.build(layout.analyze(page, image, config.layout, engine))
    directory = config.output.debug_dir
    if directory is not None:
        debug.write_ocr_lines(ocr_lines, page.number, directory)
        debug.write_layout(page, directory)
        if image is not None:
            debug.write_overlay(page, image, Path(directory) / f"{debug.page_stem(page.number)}.overlay.png")
    return page


def process_file(path: Path, config: Config) -> Document:
    """Any supported input file -> a finished document."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        return process_text(inputs.decode_text(data, config.input.encoding, "standard input"), config, "-")
    kind = inputs.input_kind(path)
    if kind == "text":
        data = path.read_bytes()
        return process_text(inputs.decode_text(data, config.input.encoding, str(path)), config, str(path))
    raise UsageError(f"{path}: image and PDF input is not available in this version; give OCR text (.txt)")
