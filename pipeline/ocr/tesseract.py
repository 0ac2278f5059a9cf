"""Tesseract 5 engine (Debian's tesseract-ocr with chi_sim, chi_tra and their _vert models).

Run as a subprocess with OMP_THREAD_LIMIT=1: on two cores its OpenMP threads fight each other,
and one thread is 3-4x faster with identical output. TSV output gives word boxes, which are
grouped into lines. Vertical regions are read with the *_vert models and --psm 5.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from functools import lru_cache

import numpy as np

from pipeline.document import Box, Direction, Line
from pipeline.errors import BadInputError, MissingModelError
from pipeline.ocr.base import OcrEngine, crop_with_margin, shift_line

APT_HINT = "install it with `apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert tesseract-ocr-chi-tra tesseract-ocr-chi-tra-vert` (or `make system-packages`)"
TIMEOUT_SECONDS = 600


class TesseractEngine(OcrEngine):
    name = "tesseract"

    def __init__(self, languages: str = "chi_sim+chi_tra+eng", psm: int = 3) -> None:
        if shutil.which("tesseract") is None:
            raise MissingModelError(f"the tesseract engine needs the tesseract program; {APT_HINT}")
        missing = [lang for lang in languages.split("+") if lang not in installed_languages()]
        if missing:
            raise MissingModelError(f"tesseract has no language data for {', '.join(missing)}; {APT_HINT}")
        self.languages = languages
        self.psm = psm

    def recognize(self, image: np.ndarray) -> list[Line]:
        return self._run(image, self.languages, self.psm, Direction.HORIZONTAL)

    def read_region(self, image: np.ndarray, box: Box, direction: Direction) -> list[Line]:
        crop, (dx, dy) = crop_with_margin(image, box)
        if crop.size == 0:
            return []
        if direction is Direction.VERTICAL:
            vertical = "+".join(f"{lang}_vert" for lang in self.languages.split("+") if f"{lang}_vert" in installed_languages())
            lines = self._run(crop, vertical or self.languages, 5, Direction.VERTICAL)
            lines.sort(key=lambda line: -line.box.center[0])
        else:
            lines = self._run(crop, self.languages, 6, Direction.HORIZONTAL)
        return [shift_line(line, dx, dy) for line in lines]

    def _run(self, image: np.ndarray, languages: str, psm: int, direction: Direction) -> list[Line]:
        import cv2

        ok, png = cv2.imencode(".png", image)
        if not ok:
            raise BadInputError("the page image could not be encoded for tesseract")
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        command = ["tesseract", "stdin", "stdout", "-l", languages, "--psm", str(psm), "tsv"]
        done = subprocess.run(command, input=png.tobytes(), capture_output=True, env=env, timeout=TIMEOUT_SECONDS)
        if done.returncode != 0:
            raise BadInputError(f"tesseract failed: {done.stderr.decode(errors='replace').strip()[:300]}")
        return tsv_lines(done.stdout.decode("utf-8", errors="replace"), direction)

    def versions(self) -> dict[str, str]:
        first = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()
        return {"engine": self.name, "tesseract": first[0] if first else "unknown", "languages": self.languages}


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return frozenset(line.strip() for line in done.stdout.splitlines()[1:] if line.strip())


def tsv_lines(tsv: str, direction: Direction = Direction.HORIZONTAL) -> list[Line]:
    """Group Tesseract's TSV words (level 5) into lines by (block, paragraph, line)."""
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        grouped.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    lines = []
    for words in grouped.values():
        text = ""
        for word in words:
            piece = word["text"].strip()
            text = text + piece if not text or _is_cjk(text[-1]) or _is_cjk(piece[0]) else f"{text} {piece}"
        boxes = [Box(int(w["left"]), int(w["top"]), int(w["left"]) + int(w["width"]), int(w["top"]) + int(w["height"])) for w in words]
        confidences = [float(w["conf"]) for w in words if float(w["conf"]) >= 0]
        lines.append(
            Line(
                text=text,
                box=Box.enclosing(boxes),
                confidence=(sum(confidences) / len(confidences) / 100) if confidences else None,
                direction=direction,
            )
        )
    return lines


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF or 0x3000 <= code <= 0x303F
