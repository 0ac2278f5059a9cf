"""Reading inputs: what kind of file it is, and text files in the encodings archives use."""

from __future__ import annotations

import codecs
from pathlib import Path

from pipeline.errors import BadInputError, InputNotFoundError, UsageError

TEXT_SUFFIXES = {".txt", ".text"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_SUFFIXES = {".pdf"}
MAX_TEXT_BYTES = 100 * 1024 * 1024


def input_kind(path: Path) -> str:
    """'text', 'image' or 'pdf', from the file's suffix; checks the path exists and is a file."""
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give an output folder with -o to process it as a batch")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    raise BadInputError(
        f"{path}: unsupported file type {suffix or '(no suffix)'!r}; newsreflow reads "
        f"{', '.join(sorted(TEXT_SUFFIXES | IMAGE_SUFFIXES | PDF_SUFFIXES))}"
    )


def decode_text(data: bytes, encoding: str = "auto", source: str = "input") -> str:
    """Decode text bytes: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK/GB2312)."""
    if len(data) > MAX_TEXT_BYTES:
        raise BadInputError(f"{source}: {len(data) // 2**20} MB of text is more than the {MAX_TEXT_BYTES // 2**20} MB limit; split the file")
    if encoding != "auto":
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise BadInputError(f"{source}: not valid {encoding} (byte {exc.start}); try --encoding auto or the file's real encoding") from None
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", source)
    if b"\x00" in data:
        raise BadInputError(f"{source}: looks like binary data, not text (it contains NUL bytes); give a text file, or an image or PDF with its proper suffix")
    for candidate in ("utf-8", "gb18030"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise BadInputError(f"{source}: the text is neither UTF-8 nor GB18030; give its encoding with --encoding (e.g. big5)")


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{source}: not valid {encoding} despite its byte-order mark (byte {exc.start}); repair or re-export the file") from None


def text_lines(text: str, source: str = "input") -> list[str]:
    """Split decoded text into lines; refuse input with no text at all."""
    if not text.strip():
        raise BadInputError(f"{source}: the input is empty (no text); give a file with OCR text in it")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if control > max(8, len(text) // 100):
        raise BadInputError(f"{source}: looks like binary data, not text ({control} control characters); give a text file")
    return text.splitlines()
