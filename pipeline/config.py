"""Typed, validated configuration, one section per stage. The CLI only fills it.

Every section validates itself and names the bad field and what it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from pipeline.errors import UsageError

OUTPUT_FORMATS = ("text", "markdown", "json")
ENGINES = ("paddleocr", "rapidocr", "tesseract", "replay")
OPENCC_CONFIGS = ("s2t", "t2s", "s2tw", "tw2s", "s2hk", "hk2s", "s2twp", "tw2sp", "t2tw", "tw2t", "t2hk", "hk2t", "t2jp", "jp2t")
TEXT_ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "gb2312", "big5")


def _check_choice(section: str, name: str, value: object, allowed: tuple) -> None:
    if value not in allowed:
        raise UsageError(f"{section}.{name} = {value!r} is not valid; choose one of: {', '.join(map(str, allowed))}")


def _check_range(section: str, name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise UsageError(f"{section}.{name} = {value!r} is out of range; use a value from {low} to {high}")


@dataclass(frozen=True)
class InputConfig:
    encoding: str = "auto"
    pages: str | None = None  # e.g. "2-4,7"; None means all
    dpi: int = 300
    use_pdf_text: bool = False
    max_pixels: int = 120_000_000  # larger images are refused (exit 7) instead of exhausting memory

    def __post_init__(self) -> None:
        _check_choice("input", "encoding", self.encoding, TEXT_ENCODINGS)
        _check_range("input", "dpi", self.dpi, 50, 1200)
        _check_range("input", "max_pixels", self.max_pixels, 1, 2_000_000_000)


@dataclass(frozen=True)
class OcrConfig:
    engine: str = "rapidocr"
    threads: int = 2
    replay_file: Path | None = None  # for the replay engine: stored OCR results (JSON)
    target_char_height: int = 24  # px: pages are scaled for detection so characters are about this tall
    tile_size: int = 2048  # px: larger (scaled) pages are detected in overlapping tiles of this size
    tesseract_languages: str = "chi_sim+chi_tra+eng"
    save_replay: Path | None = None  # record the engine's results here as a replay file

    def __post_init__(self) -> None:
        _check_choice("ocr", "engine", self.engine, ENGINES)
        _check_range("ocr", "threads", self.threads, 1, 256)
        _check_range("ocr", "target_char_height", self.target_char_height, 8, 128)
        _check_range("ocr", "tile_size", self.tile_size, 256, 8192)
        if self.engine == "replay" and self.replay_file is None:
            raise UsageError("ocr.engine = 'replay' needs ocr.replay_file (stored OCR results)")


@dataclass(frozen=True)
class PreprocessConfig:
    # Defaults from `python -m pipeline.bench.ocr_accuracy` (README, "OCR"): on degraded pages only
    # grayscale and border cropping did not hurt; flattening, deskew and denoise did not lower the
    # error (the detector returns rotated boxes), binarisation raised it.
    grayscale: bool = True
    flatten_illumination: bool = False
    denoise: bool = False
    deskew: bool = False
    crop_borders: bool = True
    binarize: bool = False


@dataclass(frozen=True)
class LayoutConfig:
    keep_furniture: bool = False  # page header/footer in the text output too (always kept in JSON)
    find_regions: bool = True  # rules, frames and pictures from the page image
    upright_columns: bool = True  # re-read vertical columns cell by cell, upright (recovers their punctuation)
    read_missed_lines: bool = True  # re-read ink no OCR line covers, column by column (layout/recover.py)


@dataclass(frozen=True)
class NormalizeConfig:
    justification_spaces: bool = True
    ellipsis: bool = True
    vertical_forms: bool = True
    fullwidth_punctuation: bool = True
    convert: str | None = None  # an OpenCC configuration name, e.g. "t2s"

    def __post_init__(self) -> None:
        if self.convert is not None:
            _check_choice("normalize", "convert", self.convert, OPENCC_CONFIGS)


@dataclass(frozen=True)
class OutputConfig:
    format: str = "text"
    explain: bool = False
    debug_dir: Path | None = None

    def __post_init__(self) -> None:
        _check_choice("output", "format", self.format, OUTPUT_FORMATS)


@dataclass(frozen=True)
class Config:
    input: InputConfig = field(default_factory=InputConfig)
    ocr: OcrConfig = field(default_factory=OcrConfig)
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    layout: LayoutConfig = field(default_factory=LayoutConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    def to_dict(self) -> dict:
        """Settings as plain data, recorded in JSON output and run reports."""
        result = {}
        for section in fields(self):
            values = getattr(self, section.name)
            result[section.name] = {f.name: _plain(getattr(values, f.name)) for f in fields(values)}
        return result


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Path) else value
