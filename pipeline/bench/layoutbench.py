"""Layout benchmark on ground-truth lines: the truth's lines, shuffled into engine order, through
layout and paragraphs, scored against the truth. This measures layout and repair alone, with
perfect recognition; the OCR peers in `python -m pipeline.bench` measure the whole pipeline.

    python -m pipeline.bench.layoutbench [samples/bench] [--no-image] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import cv2

from pipeline import layout, paragraphs
from pipeline.bench import score
from pipeline.config import LayoutConfig
from pipeline.document import Document, Line, Page

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
SHOWN = ("ordered_cer", "order_free_cer", "boundary_f1", "kendall_tau", "role_accuracy", "layout_seconds")


def engine_order(truth_page: Page) -> Page:
    """The truth's lines as an engine returns them: top to bottom across the page, then left to right."""
    lines = [Line(l.text, l.box, 1.0, l.direction, l.polygon, l.char_boxes) for b in truth_page.blocks for l in b.lines if l.box is not None]
    rows = max(1.0, sorted(l.box.height for l in lines)[len(lines) // 2] / 2) if lines else 1.0
    lines.sort(key=lambda l: (round(l.box.y0 / rows), l.box.x0))
    return Page(number=truth_page.number, width=truth_page.width, height=truth_page.height, lines=lines)


def run_page(truth_path: Path, use_image: bool) -> dict:
    truth = Document.from_dict(json.loads(truth_path.read_text(encoding="utf-8")))
    image = None
    if use_image:
        stem = truth_path.name[: -len(".truth.json")]
        for suffix in IMAGE_SUFFIXES:
            candidate = truth_path.with_name(stem + suffix)
            if candidate.exists():
                image = cv2.imread(str(candidate), cv2.IMREAD_GRAYSCALE)
                break
    output = Document(source=str(truth_path))
    started = time.perf_counter()
    for truth_page in truth.pages:
        page = engine_order(truth_page)
        output.pages.append(paragraphs.build(layout.analyze(page, image, LayoutConfig(), None)))
    seconds = time.perf_counter() - started
    measures = dict(score.score_page(truth, output))
    measures["layout_seconds"] = round(seconds, 4)
    return measures


def page_class(name: str) -> str:
    """The page class from its id pNN-LAYOUT-SCRIPT-CONDITION: layout (h5, v) and condition."""
    parts = name.split("-")
    return "-".join(parts[1:2] + parts[3:4]) if len(parts) >= 4 else parts[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="samples/bench", type=Path)
    parser.add_argument("--no-image", action="store_true", help="do not give layout the page images (no rules, frames, pictures)")
    parser.add_argument("--json", type=Path, help="write per-page results here")
    args = parser.parse_args(argv)
    truths = sorted(args.folder.glob("*.truth.json"))
    if not truths:
        print(f"no *.truth.json in {args.folder}", file=sys.stderr)
        return 2
    results = {}
    for path in truths:
        results[path.name[: -len(".truth.json")]] = run_page(path, not args.no_image)
    numeric = [k for k in SHOWN if any(r.get(k) is not None for r in results.values())]
    print("page".ljust(28) + "".join(k[:12].rjust(13) for k in numeric))
    groups: dict[str, list[dict]] = defaultdict(list)
    for name, measures in results.items():
        groups[page_class(name)].append(measures)
        print(name[:28].ljust(28) + "".join(_cell(measures.get(k)) for k in numeric))
    print()
    for group, members in sorted(groups.items()) + [("ALL", list(results.values()))]:
        means = {k: _mean([m.get(k) for m in members]) for k in numeric}
        print(f"{group} ({len(members)})"[:28].ljust(28) + "".join(_cell(means[k]) for k in numeric))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _mean(values: list) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _cell(value: object) -> str:
    return (f"{value:.4f}" if isinstance(value, float) else str(value) if value is not None else "-").rjust(13)


if __name__ == "__main__":
    sys.exit(main())
