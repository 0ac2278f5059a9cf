"""OCR accuracy and speed on rendered pages with known text (`python -m pipeline.bench.ocr_accuracy`).

Measures, for each engine, the recognition character error rate of body lines (each truth line
matched to its best OCR line among those overlapping it), clean and degraded (rotation up to
2.5 degrees, blur, noise, JPEG 50), seconds per page and peak memory; a 3500x5000 page at 300 dpi
with 9.5 pt text against a cropped piece of it; and vertical columns cropped from a page.
The pages are rendered here with PIL and Noto CJK from real article text; the benchmark
branch's page generator (pipeline/bench/generate.py) is the full-layout instrument.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.document import Box, Direction, Line

FONTS = {
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),  # index 2 = SC
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
}
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
PUNCTUATION = set("，。、；：？！“”‘’（）《》〈〉【】「」『』﹁﹂﹃﹄︵︶—…·,.;:?!\"'()[]-")


@dataclass
class TruthLine:
    text: str
    box: Box


def corpus_texts(script: str | None = None) -> list[tuple[str, str]]:
    """(article id, text) of the Chinese articles in samples/articles, whitespace removed."""
    texts = []
    for path in sorted((SAMPLES / "articles").glob("zh-*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        if script is None or article.get("script") == script:
            texts.append((article["id"], "".join("".join(article["paragraphs"]).split())))
    return texts


def _font(kind: str, size: int):
    from PIL import ImageFont

    path, index = FONTS[kind]
    return ImageFont.truetype(path, size, index=index)


def render_columns(text: str, width: int, height: int, font_px: int, columns: int = 1, font: str = "serif", margin: int | None = None, line_spacing: float = 1.5, gutter: int | None = None) -> tuple[np.ndarray, list[TruthLine]]:
    """A gray page of horizontal justified-width columns filled with `text` (repeated as needed)."""
    from PIL import Image, ImageDraw

    margin = margin if margin is not None else max(20, width // 30)
    gutter = gutter if gutter is not None else max(2 * font_px, 20)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face = _font(font, font_px)
    column_width = (width - 2 * margin - (columns - 1) * gutter) // columns
    per_line = max(1, column_width // font_px)
    step = int(font_px * line_spacing)
    truth: list[TruthLine] = []
    position = 0
    for column in range(columns):
        x = margin + column * (column_width + gutter)
        y = margin
        while y + font_px <= height - margin:
            piece = "".join(text[(position + i) % len(text)] for i in range(per_line))
            position += per_line
            draw.text((x, y), piece, font=face, fill=0)
            left, top, right, bottom = draw.textbbox((x, y), piece, font=face)
            truth.append(TruthLine(piece, Box(left, top, right, bottom)))
            y += step
    return np.array(image), truth


def render_vertical(text: str, columns: int, chars_per_column: int, font_px: int, font: str = "serif", spacing: float = 1.6) -> tuple[np.ndarray, list[TruthLine]]:
    """A block of vertical columns read top to bottom, right to left."""
    from PIL import Image, ImageDraw

    margin = font_px
    step = int(font_px * spacing)
    width = 2 * margin + (columns - 1) * step + font_px
    height = 2 * margin + chars_per_column * int(font_px * 1.05)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    face = _font(font, font_px)
    truth = []
    for column in range(columns):
        x = width - margin - font_px - column * step
        piece = text[column * chars_per_column:(column + 1) * chars_per_column]
        for row, char in enumerate(piece):
            draw.text((x, margin + row * int(font_px * 1.05)), char, font=face, fill=0)
        truth.append(TruthLine(piece, Box(x, margin, x + font_px, margin + len(piece) * int(font_px * 1.05))))
    return np.array(image), truth


def degrade(image: np.ndarray, seed: int, rotation: float = 2.0, blur: float = 0.8, noise: float = 8.0, jpeg_quality: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """A scan-like copy: rotated, blurred, noisy, JPEG-compressed. Returns it and the 2x3 rotation
    matrix (page -> degraded coordinates) so truth boxes can be mapped."""
    import cv2

    rng = np.random.default_rng(seed)
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rotation, 1.0)
    out = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    if noise > 0:
        out = np.clip(out.astype(np.float32) + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    return cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED), matrix


def map_box(box: Box, matrix: np.ndarray) -> Box:
    corners = np.array([[box.x0, box.y0, 1], [box.x1, box.y0, 1], [box.x1, box.y1, 1], [box.x0, box.y1, 1]])
    return Box.from_points((corners @ matrix.T).tolist())


def _fold(text: str, ignore_punctuation: bool = False) -> str:
    text = unicodedata.normalize("NFKC", "".join(text.split()))
    if ignore_punctuation:
        text = "".join(ch for ch in text if ch not in PUNCTUATION and not unicodedata.category(ch).startswith("P"))
    return text


def line_cer(truth: list[TruthLine], lines: list[Line], ignore_punctuation: bool = False) -> tuple[float, int, int]:
    """Recognition character error rate of truth lines. Each truth line is compared with its best
    OCR line among those whose box overlaps it; when an OCR line holds several truth lines (an
    engine that merges columns), with its best-matching part. No overlapping line: all missed.
    Returns (cer, errors, characters)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    errors = characters = 0
    for item in truth:
        expected = _fold(item.text, ignore_punctuation)
        best = len(expected)
        for line in lines:
            if line.box is None or line.box.intersection_area(item.box) <= 0.2 * min(item.box.area, line.box.area):
                continue
            candidate = _fold(line.text, ignore_punctuation)
            if len(candidate) > 1.3 * len(expected):
                part = fuzz.partial_ratio_alignment(expected, candidate)
                candidate = candidate[part.dest_start:part.dest_end]
            best = min(best, Levenshtein.distance(expected, candidate))
        errors += best
        characters += len(expected)
    return (errors / characters if characters else 0.0), errors, characters


def peak_rss_mb() -> float:
    """Peak resident memory of this process or of its largest child (Tesseract runs as one)."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: less disturbed than wall time by
    other work on a shared machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


# ---------------------------------------------------------------------------------------------
# Test pages

@dataclass
class TestPage:
    name: str
    image: np.ndarray
    truth: list[TruthLine]
    script: str


def add_uneven_light(image: np.ndarray, seed: int, strength: float = 0.45) -> np.ndarray:
    """Light falling off towards one corner, and yellowed (darker) paper, as on a phone or book scan."""
    rng = np.random.default_rng(seed)
    height, width = image.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    distance = np.hypot(xx - cx, yy - cy) / np.hypot(width, height)
    light = 0.95 - strength * distance
    return np.clip(image.astype(np.float32) * light, 0, 255).astype(np.uint8)


def add_dark_borders(image: np.ndarray, seed: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Scanner-lid borders on the left and top; returns the image and the content's offset."""
    rng = np.random.default_rng(seed)
    left, top = int(rng.integers(30, 80)), int(rng.integers(20, 60))
    framed = np.full((image.shape[0] + top + 25, image.shape[1] + left + 30), 25, np.uint8)
    framed[top:top + image.shape[0], left:left + image.shape[1]] = image
    return framed, (left, top)


def accuracy_pages(count: int, light_strength: float = 0.45) -> list[tuple[TestPage, TestPage]]:
    """(clean, degraded) pairs: 3-column pages of real article text, 24-32 px characters,
    serif and sans; degraded = rotated up to 2.5 degrees, blurred, noisy, uneven light, JPEG 50."""
    simplified, traditional = corpus_texts("simplified"), corpus_texts("traditional")
    pairs = []
    for index in range(count):
        script = "traditional" if index % 3 == 2 else "simplified"
        article_id, text = (traditional if script == "traditional" else simplified)[index % 7]
        font_px = (24, 28, 32)[index % 3]
        image, truth = render_columns(text, 1500, 1100, font_px, columns=3, font=("serif", "sans")[index % 2])
        rotation = float(np.random.default_rng(index).uniform(-2.5, 2.5))
        lit = add_uneven_light(image, index, light_strength) if index % 2 == 0 or light_strength > 0.45 else image
        degraded, matrix = degrade(lit, seed=index, rotation=rotation, blur=0.7 + 0.1 * (index % 4), noise=8.0, jpeg_quality=50)
        clean = TestPage(f"{article_id}-{font_px}px", image, truth, script)
        pairs.append((clean, TestPage(f"{article_id}-{font_px}px-degraded-{rotation:+.1f}deg", degraded, [TruthLine(t.text, map_box(t.box, matrix)) for t in truth], script)))
    return pairs


def vertical_pages(count: int) -> list[tuple[TestPage, Box]]:
    """Pages with a block of vertical columns among horizontal text; returns page and block box."""
    pages = []
    for index, (article_id, text) in enumerate(corpus_texts("traditional")[:count]):
        block, truth = render_vertical(text, columns=8, chars_per_column=18, font_px=32, font=("serif", "sans")[index % 2])
        page, _ = render_columns(corpus_texts("simplified")[index][1], 1400, 1400, 26, columns=2)
        x, y = 420, 300
        page[y - 40:y + block.shape[0] + 40, x - 40:x + block.shape[1] + 40] = 255
        page[y:y + block.shape[0], x:x + block.shape[1]] = block
        shifted = [TruthLine(t.text, Box(t.box.x0 + x, t.box.y0 + y, t.box.x1 + x, t.box.y1 + y)) for t in truth]
        pages.append((TestPage(f"{article_id}-vertical", page, shifted, "traditional"), Box(x, y, x + block.shape[1], y + block.shape[0])))
    return pages


def big_page(points: float = 9.5) -> TestPage:
    """3500x5000 px at 300 dpi, six columns of body text at `points` (9.5 pt = 40 px em)."""
    text = "".join(t for _, t in corpus_texts("simplified")[:12])
    font_px = round(points / 72 * 300)
    image, truth = render_columns(text, 3500, 5000, font_px, columns=6, margin=150, line_spacing=1.45)
    return TestPage(f"3500x5000-{points}pt", image, truth, "simplified")


# ---------------------------------------------------------------------------------------------
# Measuring one engine (run in its own process so peak memory is the engine's own)

def make_engine(name: str, script: str = "simplified"):
    from pipeline.config import OcrConfig
    from pipeline.ocr import get_engine

    if name == "tesseract":
        return get_engine(OcrConfig(engine="tesseract", tesseract_languages="chi_tra" if script == "traditional" else "chi_sim"))
    return get_engine(OcrConfig(engine=name))


def read(engine, image: np.ndarray, preprocess_config=None) -> list[Line]:
    """What run.py does for one page: preprocess, recognise, map boxes back to the original."""
    from pipeline import preprocess
    from pipeline.config import PreprocessConfig

    prepared = preprocess.run(image, preprocess_config or PreprocessConfig())
    return preprocess.lines_to_original(engine.recognize(prepared.image), prepared.transform)


def measure_engine(name: str, pages: int, vertical: int) -> dict:
    started = time.perf_counter()
    engines = {script: make_engine(name, script) for script in ("simplified", "traditional")} if name == "tesseract" else None
    engine = engines["simplified"] if engines else make_engine(name)
    load_seconds = time.perf_counter() - started
    totals = {"clean": [0, 0, 0.0, 0], "degraded": [0, 0, 0.0, 0]}
    cpu_total = 0.0
    per_page = []
    for clean, degraded in accuracy_pages(pages):
        for kind, page in (("clean", clean), ("degraded", degraded)):
            chosen = engines[page.script] if engines else engine
            begin, cpu = time.perf_counter(), cpu_seconds()
            lines = read(chosen, page.image)
            seconds = time.perf_counter() - begin
            cpu_total += cpu_seconds() - cpu
            cer, errors, characters = line_cer(page.truth, lines)
            totals[kind][0] += errors
            totals[kind][1] += characters
            totals[kind][2] += seconds
            totals[kind][3] += 1
            per_page.append({"page": page.name, "cer": round(cer, 4), "seconds": round(seconds, 2)})
    vertical_errors = vertical_chars = 0
    for page, block in vertical_pages(vertical):
        chosen = engines["traditional"] if engines else engine
        lines = chosen.read_region(page.image, block, Direction.VERTICAL)
        cer, errors, characters = line_cer(page.truth, lines, ignore_punctuation=True)
        vertical_errors += errors
        vertical_chars += characters
        per_page.append({"page": page.name, "cer_ignoring_punctuation": round(cer, 4)})
    return {
        "engine": name,
        "versions": engine.versions(),
        "load_seconds": round(load_seconds, 2),
        "cer_clean": totals["clean"][0] / max(1, totals["clean"][1]),
        "cer_degraded": totals["degraded"][0] / max(1, totals["degraded"][1]),
        "seconds_per_page": (totals["clean"][2] + totals["degraded"][2]) / max(1, totals["clean"][3] + totals["degraded"][3]),
        "cpu_seconds_per_page": cpu_total / max(1, totals["clean"][3] + totals["degraded"][3]),
        "vertical_cer_ignoring_punctuation": vertical_errors / max(1, vertical_chars),
        "characters": totals["clean"][1],
        "pages": totals["clean"][3] + totals["degraded"][3],
        "peak_rss_mb": round(peak_rss_mb()),
        "per_page": per_page,
    }


def measure_preprocessing(pages: int) -> dict:
    """Each preprocessing step alone, the defaults and all useful steps together, against no
    preprocessing, on degraded pages with strong light fall-off and dark scanner borders (RapidOCR)."""
    from dataclasses import replace

    from pipeline.config import PreprocessConfig

    engine = make_engine("rapidocr")
    steps = ("grayscale", "crop_borders", "flatten_illumination", "denoise", "deskew", "binarize")
    nothing = PreprocessConfig(**{step: False for step in steps})
    variants = {"all off": nothing}
    variants.update({f"only {step}": replace(nothing, **{step: True}) for step in steps})
    variants["defaults"] = PreprocessConfig()
    variants["all but denoise, binarize"] = replace(nothing, grayscale=True, crop_borders=True, flatten_illumination=True, deskew=True)
    test_pages = []
    for _, degraded in accuracy_pages(pages, light_strength=0.75):
        framed, (dx, dy) = add_dark_borders(degraded.image, len(test_pages))
        truth = [TruthLine(t.text, Box(t.box.x0 + dx, t.box.y0 + dy, t.box.x1 + dx, t.box.y1 + dy)) for t in degraded.truth]
        test_pages.append(TestPage(degraded.name, np.dstack([framed] * 3), truth, degraded.script))
    results = {}
    for label, config in variants.items():
        errors = characters = 0
        seconds = 0.0
        for page in test_pages:
            begin = cpu_seconds()
            lines = read(engine, page.image, config)
            seconds += cpu_seconds() - begin
            _, e, c = line_cer(page.truth, lines)
            errors, characters = errors + e, characters + c
        results[label] = {"cer": errors / characters, "cpu_seconds_per_page": seconds / len(test_pages)}
    return results


def measure_big_page(engine_name: str) -> dict:
    """Big pages read whole against a 1200x1200 piece of the same page read alone, and against the
    stock RapidOCR pipeline (which shrinks the page to 2000 px); then seconds per page size."""
    import cv2

    from pipeline import models

    engine = make_engine(engine_name)
    from rapidocr import RapidOCR

    det, rec = str(models.model_file("PP-OCRv6_small_det")), str(models.model_file("PP-OCRv6_small_rec"))
    stock = RapidOCR(params={"Det.model_path": det, "Rec.model_path": rec, "Cls.model_path": det, "Global.use_cls": False, "Global.log_level": "error", "EngineConfig.onnxruntime.intra_op_num_threads": 2})
    results = []
    for points in (9.5, 7.0):
        page = big_page(points)
        wall, cpu = time.perf_counter(), cpu_seconds()
        lines = read(engine, page.image)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        x0, y0, x1, y1 = 1100, 1800, 2300, 3000
        inside = [t for t in page.truth if t.box.x0 >= x0 and t.box.x1 <= x1 and t.box.y0 >= y0 and t.box.y1 <= y1]
        piece_truth = [TruthLine(t.text, Box(t.box.x0 - x0, t.box.y0 - y0, t.box.x1 - x0, t.box.y1 - y0)) for t in inside]
        piece_lines = read(engine, np.ascontiguousarray(page.image[y0:y1, x0:x1]))
        stock_wall = time.perf_counter()
        output = stock(cv2.cvtColor(page.image, cv2.COLOR_GRAY2BGR))
        stock_wall = time.perf_counter() - stock_wall
        stock_lines = [Line(text, Box.from_points(box.tolist())) for box, text in zip(output.boxes, output.txts)] if output.boxes is not None else []
        results.append({
            "page": page.name,
            "lines": len(page.truth),
            "characters": sum(len(t.text) for t in page.truth),
            "whole_page_cer": line_cer(page.truth, lines)[0],
            "whole_page_seconds": wall,
            "whole_page_cpu_seconds": cpu,
            "detection_plan": vars(engine.last_plan),
            "piece_cer_read_alone": line_cer(piece_truth, piece_lines)[0],
            "piece_cer_from_whole_page": line_cer(inside, lines)[0],
            "piece_lines": len(inside),
            "stock_rapidocr_cer": line_cer(page.truth, stock_lines)[0],
            "stock_rapidocr_seconds": stock_wall,
        })
    sizes = []
    text = "".join(t for _, t in corpus_texts("simplified")[:12])
    for width, height, dpi in ((1240, 1754, 150), (2480, 3508, 300), (3500, 5000, 300)):
        font_px = round(9.5 / 72 * dpi)
        image, truth = render_columns(text, width, height, font_px, columns=max(3, width // 600), margin=width // 25, line_spacing=1.45)
        wall, cpu = time.perf_counter(), cpu_seconds()
        lines = read(engine, image)
        sizes.append({"size": f"{width}x{height}", "dpi": dpi, "font_px": font_px, "lines": len(truth), "characters": sum(len(t.text) for t in truth),
                      "seconds": round(time.perf_counter() - wall, 1), "cpu_seconds": round(cpu_seconds() - cpu, 1), "cer": round(line_cer(truth, lines)[0], 4)})
    return {"pages": results, "seconds_by_size": sizes, "peak_rss_mb": round(peak_rss_mb())}


BENCH_SUBSET = ("p01-h5-hans-clean", "p05-h5-hant-clean", "p13-h5-hans-light", "p22-h5-hant-heavy", "p26-h5-hans-heavy",
                "p27-h5-hans-lowres", "p09-v-hant-clean", "p25-v-hk-heavy")


def measure_bench_pages(engine_name: str, ids: tuple[str, ...]) -> dict:
    """Recognition on the benchmark branch's newspaper pages (samples/bench): the body lines of
    horizontal pages read from the whole page; on vertical pages each vertical body block is
    re-read with read_region (as the layout stage does) and scored ignoring punctuation."""
    import cv2

    from pipeline.document import Document, Role

    engine = make_engine(engine_name)
    rows = []
    for page_id in ids:
        image_path = next((p for p in (SAMPLES / "bench" / f"{page_id}.png", SAMPLES / "bench" / f"{page_id}.jpg") if p.is_file()), None)
        if image_path is None:
            continue
        image = cv2.imread(str(image_path), cv2.IMREAD_UNCHANGED)
        truth = Document.from_dict(json.loads((SAMPLES / "bench" / f"{page_id}.truth.json").read_text(encoding="utf-8"))).pages[0]
        body = [b for b in truth.blocks if b.role is Role.BODY]
        wall, cpu = time.perf_counter(), cpu_seconds()
        if all(b.direction is Direction.VERTICAL for b in body):
            errors = characters = 0
            for block in body:
                lines = engine.read_region(image, block.box, Direction.VERTICAL)
                _, e, c = line_cer([TruthLine(l.text, l.box) for l in block.lines], lines, ignore_punctuation=True)
                errors, characters = errors + e, characters + c
            kind = "vertical blocks (no punct.)"
        else:
            lines = read(engine, image)
            _, errors, characters = line_cer([TruthLine(l.text, l.box) for b in body for l in b.lines], lines)
            kind = "horizontal body lines"
        rows.append({"page": page_id, "kind": kind, "cer": errors / max(1, characters), "characters": characters,
                     "seconds": round(time.perf_counter() - wall, 1), "cpu_seconds": round(cpu_seconds() - cpu, 1)})
    return {"engine": engine_name, "pages": rows, "peak_rss_mb": round(peak_rss_mb())}


ENGINE_DISTRIBUTIONS = {
    # what each engine imports: rapidocr is installed --no-deps, so its runtime and OpenCV are named
    "rapidocr": ("rapidocr", "onnxruntime", "opencv-contrib-python", "omegaconf", "pyclipper", "shapely"),
    "paddleocr": ("paddleocr", "onnxruntime"),
}


def install_size_mb(distributions: tuple[str, ...]) -> float:
    """Installed size of the distributions and everything they require (as installed here)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    total = 0
    pending = [(name, frozenset()) for name in distributions]
    while pending:
        name, extras = pending.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(key)
        total += sum((f.locate().stat().st_size for f in dist.files or [] if f.locate().is_file()), 0)
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": e}) for e in (extras or {""})):
                pending.append((requirement.name, frozenset(requirement.extras)))
    return total / 1e6


# ---------------------------------------------------------------------------------------------

def _child(task: str, engine: str, pages: int, vertical: int, bench_pages: str = "") -> dict:
    """Run one measurement in a fresh process (its own peak memory, models loaded once)."""
    import subprocess

    command = [sys.executable, "-m", "pipeline.bench.ocr_accuracy", "--child", task, "--engine", engine, "--pages", str(pages), "--vertical", str(vertical), "--bench-pages", bench_pages]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench.ocr_accuracy", description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="paddleocr,rapidocr,tesseract")
    parser.add_argument("--pages", type=int, default=6, help="clean+degraded page pairs per engine")
    parser.add_argument("--vertical", type=int, default=3, help="vertical blocks per engine")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: engines,preprocess,bigpage,benchpages")
    parser.add_argument("--bench-pages", default=",".join(BENCH_SUBSET), help="samples/bench page ids to read (default: a subset of each condition)")
    parser.add_argument("--output", type=Path, default=Path(".bench/ocr_accuracy.json"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        tasks = {"engine": lambda: measure_engine(args.engine, args.pages, args.vertical), "preprocess": lambda: measure_preprocessing(args.pages), "bigpage": lambda: measure_big_page(args.engine),
                 "benchpages": lambda: measure_bench_pages(args.engine, tuple(filter(None, args.bench_pages.split(","))))}
        json.dump(tasks[args.child](), sys.stdout)
        return 0
    skip = set(filter(None, args.skip.split(",")))
    report: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "note": "2-core shared machine: timings are noisy"}
    if "engines" not in skip:
        report["engines"] = []
        for name in args.engines.split(","):
            result = _child("engine", name, args.pages, args.vertical)
            result["install_mb"] = round(install_size_mb(ENGINE_DISTRIBUTIONS[name])) if name != "tesseract" else None
            report["engines"].append(result)
            print(f"{name}: CER clean {result['cer_clean']:.4f} degraded {result['cer_degraded']:.4f} vertical {result['vertical_cer_ignoring_punctuation']:.4f} "
                  f"{result['seconds_per_page']:.1f} s/page peak {result['peak_rss_mb']} MB", file=sys.stderr)
    if "preprocess" not in skip:
        report["preprocessing"] = _child("preprocess", "rapidocr", args.pages, 0)
    if "bigpage" not in skip:
        report["big_page"] = _child("bigpage", "rapidocr", 0, 0)
    if "benchpages" not in skip:
        report["bench_pages"] = [_child("benchpages", name, 0, 0, args.bench_pages) for name in args.engines.split(",") if name != "tesseract"]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(format_report(report))
    return 0


def format_report(report: dict) -> str:
    out = [f"OCR accuracy, {report['date']} ({report['note']})", ""]
    if "engines" in report:
        out += ["| engine | CER clean | CER degraded | vertical CER (no punct.) | s/page | cpu s/page | load s | peak MB | install MB |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in report["engines"]:
            out.append(f"| {r['engine']} | {r['cer_clean']:.2%} | {r['cer_degraded']:.2%} | {r['vertical_cer_ignoring_punctuation']:.2%} | {r['seconds_per_page']:.1f} | {r['cpu_seconds_per_page']:.1f} | {r['load_seconds']:.1f} | {r['peak_rss_mb']} | {r['install_mb'] or 'apt'} |")
        out.append(f"({report['engines'][0]['pages']} pages each, {report['engines'][0]['characters']} characters per clean set)")
    if "preprocessing" in report:
        out += ["", "| preprocessing (degraded pages with dark borders, rapidocr) | CER | cpu s/page |", "| --- | --- | --- |"]
        out += [f"| {label} | {r['cer']:.2%} | {r['cpu_seconds_per_page']:.1f} |" for label, r in report["preprocessing"].items()]
    if "big_page" in report:
        out += ["", "| big page (rapidocr) | lines | CER whole page | s (cpu s) | 1200x1200 piece read alone | same lines from whole page | stock RapidOCR (2000 px cap) CER | stock s |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for b in report["big_page"]["pages"]:
            out.append(f"| {b['page']} | {b['lines']} | {b['whole_page_cer']:.2%} | {b['whole_page_seconds']:.0f} ({b['whole_page_cpu_seconds']:.0f}) | {b['piece_cer_read_alone']:.2%} | {b['piece_cer_from_whole_page']:.2%} | {b['stock_rapidocr_cer']:.2%} | {b['stock_rapidocr_seconds']:.0f} |")
        out += ["", "| page size (9.5 pt text) | dpi | lines | characters | seconds | cpu seconds | CER |", "| --- | --- | --- | --- | --- | --- | --- |"]
        out += [f"| {s['size']} | {s['dpi']} | {s['lines']} | {s['characters']} | {s['seconds']} | {s['cpu_seconds']} | {s['cer']:.2%} |" for s in report["big_page"]["seconds_by_size"]]
    if report.get("bench_pages"):
        engines = [r["engine"] for r in report["bench_pages"]]
        out += ["", "| samples/bench page | scored | " + " | ".join(f"{e} CER" for e in engines) + " | " + " | ".join(f"{e} s (cpu s)" for e in engines) + " |",
                "| --- | --- | " + " | ".join("---" for _ in engines * 2) + " |"]
        for index, row in enumerate(report["bench_pages"][0]["pages"]):
            cells = [r["pages"][index] for r in report["bench_pages"]]
            out.append(f"| {row['page']} | {row['kind']} | " + " | ".join(f"{c['cer']:.2%}" for c in cells) + " | " + " | ".join(f"{c['seconds']} ({c['cpu_seconds']})" for c in cells) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
