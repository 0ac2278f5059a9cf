"""Replay engine: serves OCR results stored earlier, so later stages are tested without models.

A replay file is JSON, boxes in the pixels of the original page image:
  {"engine": "rapidocr", "versions": {...},
   "pages": {"1": [Line dicts]},
   "regions": [{"page": 1, "box": [x0, y0, x1, y1], "direction": "vertical", "lines": [Line dicts]}]}
`RecordingEngine` wraps a real engine and writes such a file (`--save-replay FILE`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pipeline.document import Box, Direction, Line
from pipeline.errors import BadInputError, InputNotFoundError
from pipeline.ocr.base import OcrEngine

REGION_TOLERANCE = 2.0  # px: a region box matches a stored one when every side is this close


class ReplayEngine(OcrEngine):
    name = "replay"

    def __init__(self, pages: dict[int, list[Line]], regions: list[dict] | None = None, source_versions: dict | None = None) -> None:
        self.pages = pages
        self.regions = regions or []
        self.source_versions = source_versions or {}
        self._next_page = min(pages) if pages else 1

    @classmethod
    def load(cls, path: Path) -> ReplayEngine:
        path = Path(path)
        if not path.is_file():
            raise InputNotFoundError(f"{path}: replay file not found; record one with --save-replay")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pages = {int(number): [Line.from_dict(d) for d in lines] for number, lines in data.get("pages", {}).items()}
            regions = [
                {"page": int(r.get("page", 1)), "box": Box.from_list(r["box"]), "direction": Direction(r.get("direction", "horizontal")), "lines": [Line.from_dict(d) for d in r["lines"]]}
                for r in data.get("regions", [])
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadInputError(f"{path}: not a valid replay file ({exc}); record one with --save-replay") from None
        return cls(pages, regions, data.get("versions", {}))

    def recognize_page(self, image: np.ndarray, number: int) -> list[Line]:
        """The stored lines of page `number` (an empty list if none were stored)."""
        self._next_page = number + 1
        self.current_page = number
        return [Line.from_dict(line.to_dict()) for line in self.pages.get(number, [])]

    def recognize(self, image: np.ndarray) -> list[Line]:
        """Without a page number, pages are served in order."""
        return self.recognize_page(image, self._next_page)

    def read_region(self, image: np.ndarray, box: Box, direction: Direction) -> list[Line]:
        page = getattr(self, "current_page", None)
        for region in self.regions:
            if page is not None and region["page"] != page:
                continue
            stored = region["box"]
            if max(abs(stored.x0 - box.x0), abs(stored.y0 - box.y0), abs(stored.x1 - box.x1), abs(stored.y1 - box.y1)) <= REGION_TOLERANCE:
                return [Line.from_dict(line.to_dict()) for line in region["lines"]]
        # No stored re-read of this region: the page lines inside it are the best stored answer.
        inside = [line for line in self.pages.get(page or 1, []) if line.box is not None and _centre_inside(line.box, box)]
        return [Line.from_dict(line.to_dict()) for line in inside]

    def versions(self) -> dict[str, str]:
        return {"engine": self.name, **{f"recorded {k}": str(v) for k, v in self.source_versions.items()}}


def _centre_inside(line: Box, region: Box) -> bool:
    x, y = line.center
    return region.x0 <= x <= region.x1 and region.y0 <= y <= region.y1


class RecordingEngine(OcrEngine):
    """Wraps a real engine and keeps what it returns, for `save` as a replay file."""

    def __init__(self, engine: OcrEngine) -> None:
        self.engine = engine
        self.name = engine.name
        self.pages: dict[int, list[Line]] = {}
        self.regions: list[dict] = []
        self.current_page = 1

    @property
    def last_plan(self):
        return getattr(self.engine, "last_plan", None)

    def recognize_page(self, image: np.ndarray, number: int) -> list[Line]:
        self.current_page = number
        lines = self.engine.recognize(image)
        self.pages[number] = lines
        return lines

    def recognize(self, image: np.ndarray) -> list[Line]:
        return self.recognize_page(image, max(self.pages, default=0) + 1)

    def record_page(self, number: int, lines: list[Line]) -> None:
        """Replace what was recorded for page `number` (run.py stores lines mapped back to the
        original page's pixels, after preprocessing)."""
        self.pages[number] = list(lines)

    def read_region(self, image: np.ndarray, box: Box, direction: Direction) -> list[Line]:
        lines = self.engine.read_region(image, box, direction)
        self.regions.append({"page": self.current_page, "box": box, "direction": direction, "lines": lines})
        return lines

    def versions(self) -> dict[str, str]:
        return self.engine.versions()

    def to_dict(self) -> dict:
        return {
            "engine": self.engine.name,
            "versions": self.versions(),
            "pages": {str(n): [line.to_dict() for line in lines] for n, lines in sorted(self.pages.items())},
            "regions": [
                {"page": r["page"], "box": r["box"].to_list(), "direction": r["direction"].value, "lines": [line.to_dict() for line in r["lines"]]}
                for r in self.regions
            ],
        }

    def save(self, path: Path) -> None:
        from pipeline.output import write_atomic

        write_atomic(Path(path), json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n")
