"""Debug output: the page with blocks coloured by role and the reading order drawn as numbered arrows,
plus the intermediate results (OCR lines, layout) under predictable names.

For page N in DIR: page-000N.overlay.png, page-000N.ocr.json (the OCR stage's lines),
page-000N.layout.json (the page after layout and paragraphs).
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from pipeline.document import Line, Page, Role
from pipeline.output import write_atomic

# BGR colours per role.
ROLE_COLOURS = {
    Role.HEADLINE: (0, 0, 220),
    Role.KICKER: (0, 120, 255),
    Role.SUBTITLE: (0, 180, 255),
    Role.SUBHEAD: (200, 0, 200),
    Role.BYLINE: (140, 70, 0),
    Role.LEAD: (0, 160, 0),
    Role.BODY: (200, 120, 0),
    Role.CAPTION: (130, 0, 130),
    Role.HEADER: (120, 120, 120),
    Role.FOOTER: (120, 120, 120),
    Role.JUMP: (0, 90, 160),
    Role.KEYWORD: (60, 60, 200),
    Role.UNKNOWN: (0, 0, 0),
}
PICTURE_COLOUR = (0, 200, 200)
RULE_COLOUR = (0, 220, 0)


def page_stem(number: int) -> str:
    return f"page-{number:04d}"


def write_ocr_lines(lines: list[Line], number: int, directory: Path) -> Path:
    path = Path(directory) / f"{page_stem(number)}.ocr.json"
    write_atomic(path, json.dumps({"page": number, "lines": [l.to_dict() for l in lines]}, ensure_ascii=False, indent=1))
    return path


def write_layout(page: Page, directory: Path) -> Path:
    path = Path(directory) / f"{page_stem(page.number)}.layout.json"
    write_atomic(path, json.dumps(page.to_dict(), ensure_ascii=False, indent=1))
    return path


def write_overlay(page: Page, image: np.ndarray, path: Path) -> Path:
    """Draw the layout on a copy of the page image and write it as PNG."""
    canvas = image.copy() if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    canvas = (canvas.astype(np.float32) * 0.55 + 255 * 0.45).astype(np.uint8)  # fade the scan so drawings stand out
    scale = max(1, round(max(canvas.shape[:2]) / 1500))
    layout = page.meta.get("layout", {})
    for x0, y0, x1, y1 in layout.get("pictures", []):
        cv2.rectangle(canvas, (int(x0), int(y0)), (int(x1), int(y1)), PICTURE_COLOUR, 2 * scale)
    for x0, y0, x1, y1 in layout.get("rules", []):
        cv2.rectangle(canvas, (int(x0), int(y0)), (int(x1), int(y1)), RULE_COLOUR, scale)
    centres = []
    for block in page.blocks:
        colour = ROLE_COLOURS[block.role]
        previous = None
        for line in block.lines:
            if line.box is None:
                continue
            cv2.rectangle(canvas, _point(line.box.x0, line.box.y0), _point(line.box.x1, line.box.y1), colour, 1)
            start = _point(line.box.x0, line.box.y0) if line.direction.value == "horizontal" else _point(line.box.x1, line.box.y0)
            if previous is not None:  # the order of lines inside the block, thin
                cv2.line(canvas, previous, start, colour, 1)
            previous = _point(line.box.x1, line.box.y1) if line.direction.value == "horizontal" else _point(line.box.x0, line.box.y1)
        if block.box is None:
            continue
        cv2.rectangle(canvas, _point(block.box.x0, block.box.y0), _point(block.box.x1, block.box.y1), colour, 2 * scale)
        label = f"{block.role.value}" + (f" a{block.article}" if block.article is not None else "")
        cv2.putText(canvas, label, _point(block.box.x0, block.box.y0 - 3 * scale), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * scale, colour, scale)
        centres.append(_point(*block.box.center))
    for index in range(1, len(centres)):
        cv2.arrowedLine(canvas, centres[index - 1], centres[index], (0, 0, 255), scale, tipLength=0.02)
    for number, centre in enumerate(centres, start=1):
        cv2.circle(canvas, centre, 9 * scale, (255, 255, 255), -1)
        cv2.circle(canvas, centre, 9 * scale, (0, 0, 255), scale)
        text = str(number)
        (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.4 * scale, scale)
        cv2.putText(canvas, text, (centre[0] - w // 2, centre[1] + h // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * scale, (0, 0, 180), scale)
    ok, encoded = cv2.imencode(".png", canvas)
    if not ok:
        raise ValueError("could not encode the debug overlay as PNG")
    write_atomic(Path(path), encoded.tobytes())
    return Path(path)


def _point(x: float, y: float) -> tuple[int, int]:
    return int(round(x)), int(round(y))
