"""Page images from input files: PNG, JPEG, TIFF (every page), BMP, WebP, and PDF via pypdfium2.

Image sizes are read from the file header before any pixel is decoded, so an image above
InputConfig.max_pixels is refused (ResourceLimitError, exit 7) instead of exhausting memory.
Broken, truncated, empty and encrypted inputs raise BadInputError (exit 4) with what to do.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Iterator

import numpy as np

from pipeline.config import InputConfig
from pipeline.document import Box, Line
from pipeline.errors import BadInputError, ResourceLimitError, UsageError
from pipeline.inputs import input_kind

MIN_TEXT_SIDE = 16  # px: a smaller image cannot hold a readable character
BLANK_INK_FRACTION = 0.0005  # fewer dark pixels than this: the page is blank


def parse_page_selection(selection: str | None) -> list[tuple[int, int | None]]:
    """'2-4,7,9-' -> [(2, 4), (7, 7), (9, None)]; None selects every page."""
    if selection is None:
        return [(1, None)]
    ranges = []
    for part in selection.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(?:(-)(\d*))?", part)
        if not match or int(match.group(1)) < 1:
            raise UsageError(f"--pages {selection!r}: use page numbers from 1 and ranges like 2-4,7,9-")
        first = int(match.group(1))
        last = first if match.group(2) is None else (int(match.group(3)) if match.group(3) else None)
        if last is not None and last < first:
            raise UsageError(f"--pages {selection!r}: range {part} runs backwards")
        ranges.append((first, last))
    return ranges


def selected_numbers(selection: str | None, page_count: int, source: str) -> list[int]:
    ranges = parse_page_selection(selection)
    numbers = [n for n in range(1, page_count + 1) if any(first <= n and (last is None or n <= last) for first, last in ranges)]
    if not numbers:
        raise UsageError(f"{source}: --pages {selection} selects none of its {page_count} page(s)")
    return numbers


def load_pages(path: Path, config: InputConfig) -> Iterator[tuple[int, np.ndarray]]:
    """(page number from 1, image as 8-bit gray or BGR) for each selected page of the file."""
    path = Path(path)
    kind = input_kind(path)
    if path.stat().st_size == 0:
        raise BadInputError(f"{path}: the file is empty (0 bytes); give a scanned page image or a PDF")
    if kind == "pdf":
        yield from _pdf_pages(path, config)
    elif kind == "image":
        yield from _image_pages(path, config)
    else:
        raise UsageError(f"{path}: not an image or PDF")


def page_count(path: Path) -> int:
    """Number of pages in an image or PDF file (for progress bars); 1 when it cannot be told cheaply."""
    try:
        if input_kind(Path(path)) == "pdf":
            import pypdfium2

            document = pypdfium2.PdfDocument(str(path))
            try:
                return len(document)
            finally:
                document.close()
        from PIL import Image

        with Image.open(path) as image:
            return getattr(image, "n_frames", 1)
    except Exception:  # the real error is reported by load_pages with its own message
        return 1


def _image_pages(path: Path, config: InputConfig) -> Iterator[tuple[int, np.ndarray]]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # our own limit below applies, before decoding
    try:
        image = Image.open(path)
    except UnidentifiedImageError:
        raise BadInputError(f"{path}: not a readable image (unknown or damaged format); give a PNG, JPEG, TIFF, BMP or WebP page, or a PDF") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read the image ({exc}); check the file is complete") from None
    with image:
        frames = getattr(image, "n_frames", 1)
        for number in selected_numbers(config.pages, frames, str(path)):
            image.seek(number - 1)
            width, height = image.size
            if width * height > config.max_pixels:
                raise ResourceLimitError(
                    f"{path}: page {number} is {width}x{height} = {width * height / 1e6:.0f} megapixels, above the limit of "
                    f"{config.max_pixels / 1e6:.0f}; downscale the scan (300 dpi is enough) or raise input.max_pixels"
                )
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    frame = ImageOps.exif_transpose(image) if number == 1 else image.copy()
                    yield number, _to_array(frame)
            except (OSError, SyntaxError, ValueError) as exc:
                raise BadInputError(f"{path}: page {number} is truncated or corrupt ({exc}); re-scan or re-export the file") from None


def _to_array(image) -> np.ndarray:
    """8-bit gray for gray images, BGR for colour ones (OpenCV's order)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        data = np.asarray(image, dtype=np.float64)
        span = data.max() - data.min()
        return ((data - data.min()) * (255.0 / span)).astype(np.uint8) if span else np.zeros(data.shape, np.uint8)
    if image.mode in ("1", "L", "LA", "P") and (image.mode != "P" or _palette_is_gray(image)):
        return np.asarray(image.convert("L"))
    rgb = np.asarray(image.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _palette_is_gray(image) -> bool:
    palette = image.getpalette() or []
    triples = [palette[i:i + 3] for i in range(0, len(palette), 3)]
    return all(r == g == b for r, g, b in triples)


def _open_pdf(path: Path):
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason:
            raise BadInputError(f"{path}: the PDF is encrypted (password protected); remove the password (e.g. `qpdf --decrypt`) and try again") from None
        raise BadInputError(f"{path}: not a readable PDF ({exc}); check the file is complete or re-export it") from None


def _pdf_pages(path: Path, config: InputConfig) -> Iterator[tuple[int, np.ndarray]]:
    document = _open_pdf(path)
    try:
        scale = config.dpi / 72
        for number in selected_numbers(config.pages, len(document), str(path)):
            page = document[number - 1]
            width_pt, height_pt = page.get_size()
            pixels = (width_pt * scale) * (height_pt * scale)
            if pixels > config.max_pixels:
                raise ResourceLimitError(
                    f"{path}: page {number} at {config.dpi} dpi would be {pixels / 1e6:.0f} megapixels, above the limit of "
                    f"{config.max_pixels / 1e6:.0f}; use a lower --dpi"
                )
            bitmap = page.render(scale=scale, grayscale=False)
            pixels = bitmap.to_numpy()  # pdfium renders BGR unless asked for reversed byte order
            yield number, np.ascontiguousarray(pixels[:, :, 2::-1] if bitmap.rev_byteorder else pixels[:, :, :3])
    finally:
        document.close()


def pdf_text_lines(path: Path, number: int, dpi: int) -> list[Line]:
    """The text layer of PDF page `number` as lines with boxes in pixels at `dpi`; empty when the
    page has no text layer (a plain scan), so the caller OCRs it instead."""
    document = _open_pdf(path)
    try:
        page = document[number - 1]
        _, height_pt = page.get_size()
        scale = dpi / 72
        textpage = page.get_textpage()
        lines = []
        for index in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(index)
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            if text:
                box = Box(left * scale, (height_pt - top) * scale, right * scale, (height_pt - bottom) * scale)
                lines.append(Line(text=text, box=box, confidence=1.0))
        return lines
    finally:
        document.close()


def page_problem(image: np.ndarray) -> str | None:
    """Why a page has no text to read (too small, blank), or None when it may hold text."""
    height, width = image.shape[:2]
    if min(height, width) < MIN_TEXT_SIDE:
        return f"the page is only {width}x{height} pixels, too small to hold text; it is left empty"
    gray = image if image.ndim == 2 else image.mean(axis=2)
    small = gray[:: max(1, height // 1000), :: max(1, width // 1000)]
    background = float(np.median(small))
    ink = np.count_nonzero(np.abs(small.astype(np.float32) - background) > 60) / small.size
    if ink < BLANK_INK_FRACTION:
        return "the page looks blank (no ink found); it is left empty"
    return None
