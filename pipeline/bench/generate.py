"""Generates the benchmark set: synthetic newspaper pages with exact ground truth.

    python -m pipeline.bench.generate [--out samples/bench] [--only PAGE_ID ...]

The pages are listed in pipeline/bench/data/pages.json; each is fully decided by its entry (seed
included), the article corpus in samples/articles/ and the installed fonts, so running this again
gives the same files. Each page is written as <id>.png or <id>.jpg (whichever is smaller for a clean
page; degraded pages keep their JPEG compression) and <id>.truth.json, the document model of the page
in reading order (loads with Document.from_dict).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from pipeline.bench.compose import Composer, PageSpec
from pipeline.bench.corpus import REPO, SourceArticle, load_articles
from pipeline.bench.degrade import degrade
from pipeline.document import Document

GENERATOR_VERSION = 2  # 2: a paragraph ending at a column foot no longer marks the next one as continuing
PAGES_FILE = Path(__file__).parent / "data" / "pages.json"
DEFAULT_OUT = REPO / "samples" / "bench"
CLEAN_JPEG_QUALITY = 90


def page_specs(path: Path = PAGES_FILE) -> list[PageSpec]:
    return [PageSpec(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))["pages"]]


def generate_page(spec: PageSpec, articles: list[SourceArticle]) -> tuple[np.ndarray, Document, int | None]:
    """The page image (degraded as the spec says), its truth, and the JPEG quality to store it with."""
    composer = Composer(spec, articles)
    image, document = composer.compose()
    degraded = degrade(np.asarray(image), spec.degradation, spec.seed + 1, document)
    page = document.pages[0]
    page.meta = {
        "generator": "pipeline.bench.generate",
        "generator_version": GENERATOR_VERSION,
        "spec": asdict(spec),
        "dpi": 150 if degraded.applied.get("scale") == 0.5 else 300,
        "degradations": degraded.applied,
        "layout_plan": spec.plan,
        "features": sorted({f for note in composer.article_notes for f in note["features"]}),
        "articles": [{"id": i, **note} for i, note in enumerate(composer.article_notes)],
    }
    document.meta = {"ground_truth": True}
    return degraded.image, document, degraded.jpeg_quality


def encode(image: np.ndarray, jpeg_quality: int | None) -> tuple[str, bytes]:
    """JPEG at the degradation's quality; a clean page as PNG or JPEG, whichever is smaller."""
    if jpeg_quality is not None:
        return ".jpg", cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])[1].tobytes()
    png = grey_png(image)
    jpg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, CLEAN_JPEG_QUALITY])[1].tobytes()
    return (".png", png) if len(png) <= len(jpg) else (".jpg", jpg)


def grey_png(image: np.ndarray, levels: int = 16) -> bytes:
    """A 4-bit grey PNG: 16 grey levels keep anti-aliased glyph edges at a third of the 8-bit size."""
    index = np.rint(image.astype(np.float32) * (levels - 1) / 255).astype(np.uint8)
    picture = Image.fromarray(index, mode="P")
    step = 255 // (levels - 1)
    picture.putpalette([v for i in range(levels) for v in (i * step,) * 3])
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True, bits=4)
    return buffer.getvalue()


def write_page(spec: PageSpec, articles: list[SourceArticle], out: Path) -> Path:
    image, document, quality = generate_page(spec, articles)
    suffix, data = encode(image, quality)
    for old in out.glob(f"{spec.id}.*"):
        if old.suffix in (".png", ".jpg"):
            old.unlink()
    image_path = out / f"{spec.id}{suffix}"
    image_path.write_bytes(data)
    document.source = image_path.name
    (out / f"{spec.id}.truth.json").write_text(json.dumps(document.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return image_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default samples/bench)")
    parser.add_argument("--only", nargs="*", help="page ids to generate (default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    articles = load_articles()
    specs = [s for s in page_specs() if not args.only or s.id in args.only]
    for spec in specs:
        path = write_page(spec, articles, args.out)
        print(f"{path.name}\t{path.stat().st_size // 1024} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
