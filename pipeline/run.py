"""The one place that writes the order of the stages."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from pipeline import __version__, inputs, normalize, textmode
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import BadInputError, UsageError


def prepare(config: Config, kinds: set[str]) -> dict[str, str]:
    """Load once per process what inputs of these kinds ('text', 'image', 'pdf') need, so each batch
    worker pays for it before its first file, not on it; returns the versions in use for run reports.
    Text mode loads nothing."""
    return {"newsreflow": __version__, "python": platform.python_version()}


def process_text(text: str, config: Config, source: str = "-") -> Document:
    """Text mode: lines OCR'd elsewhere -> paragraphs -> normalised text."""
    lines = inputs.text_lines(text, source)
    document = textmode.segment(lines, source=source)
    return normalize.run(document, config.normalize)


def process_file(path: Path, config: Config) -> Document:
    """Any supported input file -> a finished document."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        return process_text(inputs.decode_text(data, config.input.encoding, "standard input"), config, "-")
    kind = inputs.input_kind(path)
    if kind == "text":
        if path.stat().st_size > inputs.MAX_TEXT_BYTES:  # refuse before reading a gigantic file into memory
            raise BadInputError(f"{path}: {path.stat().st_size // 2**20} MB of text is more than the {inputs.MAX_TEXT_BYTES // 2**20} MB limit; split the file")
        data = path.read_bytes()
        return process_text(inputs.decode_text(data, config.input.encoding, str(path)), config, str(path))
    raise UsageError(f"{path}: image and PDF input is not available in this version; give OCR text (.txt)")
