"""The one place that writes the order of the stages."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import numpy as np

from pipeline import __version__, debug, inputs, layout, normalize, paragraphs, textmode
from pipeline.config import Config
from pipeline.document import Document, Page
from pipeline.errors import BadInputError


def prepare(config: Config, kinds: set[str]) -> dict[str, str]:
    """Load once per process what inputs of these kinds ('text', 'image', 'pdf') need (the OCR
    engine and its models; text mode loads nothing), so each batch worker pays for it before its
    first file, not on it; returns the versions in use for run reports."""
    versions = {"newsreflow": __version__, "python": platform.python_version()}
    if kinds & {"image", "pdf"}:
        from pipeline import ocr

        versions.update(ocr.get_engine(config.ocr).versions())
    return versions


def process_text(text: str, config: Config, source: str = "-") -> Document:
    """Text mode: lines OCR'd elsewhere -> paragraphs -> normalised text."""
    lines = inputs.text_lines(text, source)
    document = textmode.segment(lines, source=source)
    return normalize.run(document, config.normalize)


def process_file(path: Path, config: Config, progress: bool = True) -> Document:
    """Any supported input file -> a finished document (`progress`: a page bar for multi-page files)."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        return process_text(inputs.decode_text(data, config.input.encoding, "standard input"), config, "-")
    kind = inputs.input_kind(path)
    if kind == "text":
        if path.stat().st_size > inputs.MAX_TEXT_BYTES:  # refuse before reading a gigantic file into memory
            raise BadInputError(f"{path}: {path.stat().st_size // 2**20} MB of text is more than the {inputs.MAX_TEXT_BYTES // 2**20} MB limit; split the file")
        data = path.read_bytes()
        return process_text(inputs.decode_text(data, config.input.encoding, str(path)), config, str(path))
    return process_scan(path, config, kind, progress)


def process_scan(path: Path, config: Config, kind: str, progress: bool = True) -> Document:
    """Image or PDF: pages -> preprocess -> OCR -> layout -> normalise. The engine loads on the
    first page that needs OCR (not at all for blank pages or PDF text layers)."""
    from tqdm import tqdm

    from pipeline import ocr, pages

    document = Document(source=str(path))
    engine = None
    recorder = None

    def engine_for_ocr():
        """The OCR engine, loaded when the first page needs it."""
        nonlocal engine, recorder
        if engine is None:
            engine = ocr.get_engine(config.ocr)
            if config.ocr.save_replay is not None:
                from pipeline.ocr.replay import RecordingEngine

                engine = recorder = RecordingEngine(engine)
            document.meta["ocr"] = engine.versions()
        return engine

    count = pages.page_count(path) if progress else 1
    bar = tqdm(total=count, unit="page", file=sys.stderr, disable=not progress or count < 2 or not sys.stderr.isatty(), leave=False)
    try:
        for number, image in pages.load_pages(path, config.input):
            document.pages.append(read_page(path, kind, number, image, engine_for_ocr, config))
            bar.update(1)
    finally:
        bar.close()
    if recorder is not None:
        recorder.save(config.ocr.save_replay)
    return normalize.run(document, config.normalize)


def read_page(path: Path, kind: str, number: int, image: np.ndarray, engine_for_ocr, config: Config) -> Page:
    """One page image -> a Page with blocks; boxes in the page image's own pixels.

    `engine_for_ocr()` gives the OCR engine; it is called only for a page that needs OCR."""
    from pipeline import ocr, pages, preprocess

    height, width = image.shape[:2]
    problem = pages.page_problem(image)
    if problem is not None:
        return Page(number=number, width=width, height=height, warnings=[f"page {number}: {problem}"])
    if kind == "pdf" and config.input.use_pdf_text:
        text_lines = pages.pdf_text_lines(path, number, config.input.dpi)
        if text_lines:
            page = Page(number=number, width=width, height=height, lines=text_lines, meta={"text_source": "pdf text layer"})
            return layout_page(page, image, config)
    engine = engine_for_ocr()
    if engine.name == "replay":  # stored lines are already in the original page's pixels
        page = ocr.recognize_page(image, engine, number)
    else:
        prepared = preprocess.run(image, config.preprocess)
        page = ocr.recognize_page(prepared.image, engine, number)
        page.width, page.height = width, height
        page.lines = preprocess.lines_to_original(page.lines, prepared.transform)
        page.meta["preprocess"] = prepared.record()
        if hasattr(engine, "record_page"):  # --save-replay keeps the lines in original pixels
            engine.record_page(number, page.lines)
    if not page.lines:
        page.warnings.append(f"page {number}: no text was found")
    return layout_page(page, image, config, engine)


def layout_page(page: Page, image: np.ndarray | None, config: Config, engine=None) -> Page:
    """After OCR: blocks, roles and reading order, then paragraphs; debug files when asked.

    `image` is the page in the pixels of the lines' boxes; `engine` re-reads vertical regions.
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
