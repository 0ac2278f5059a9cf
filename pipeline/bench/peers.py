"""The peers measured side by side on the benchmark pages.

Each peer turns a page image into a Document the scorer reads:
  raw-<engine>         the OCR engine's own lines in its own order, one paragraph per line: what a
                       user gets without newsreflow (taken from newsreflow's OCR call, so both peers
                       share one OCR run; the engine sees newsreflow's preprocessed image)
  tesseract            Tesseract --psm 3 with chi_sim / chi_tra (the _vert models on vertical pages),
                       OMP_THREAD_LIMIT=1, its own blocks and paragraphs
  newsreflow-<engine>  pipeline.run.process_file with config.ocr.engine = <engine>
  layout-perfect-ocr   the truth's lines, put in an engine's top-to-bottom order, replayed through
                       newsreflow's stages after OCR (layout, paragraphs, normalisation): layout
                       quality without recognition errors
A peer whose code is not on this branch yet reports "unavailable: <reason>" instead of failing.

Every engine result is cached under .bench/cache/<engine>/ by a digest of the image it was given and
of the OCR stage's code and model manifests (a change to either OCRs again),
so reruns (and the raw and newsreflow peers) do not OCR a page twice; `--fresh` ignores the cache.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.document import Block, Box, Direction, Document, Line, Page, Paragraph, Role
from pipeline.repair import join_texts

BENCH_DIR = Path(".bench")
CACHE_DIR = BENCH_DIR / "cache"
ENGINES = ("rapidocr", "paddleocr")
TESSERACT_TIMEOUT = 300


@dataclass
class BenchPage:
    id: str
    image: Path
    truth: Document

    @property
    def spec(self) -> dict:
        return self.truth.pages[0].meta.get("spec", {})

    @property
    def vertical(self) -> bool:
        return self.spec.get("kind") == "vertical"

    @property
    def traditional(self) -> bool:
        return self.spec.get("script") in ("hant", "hk")

    @property
    def dpi(self) -> int:
        return int(self.truth.pages[0].meta.get("dpi", 300))


class PeerUnavailable(Exception):
    """The peer cannot run here at all (a missing model or program); the reason says what to install."""


@dataclass
class PeerRun:
    """One peer's output for one page, with what it cost."""

    output: Document
    seconds: float
    peak_mb: float | None
    notes: list[str] = field(default_factory=list)
    ocr_seconds: float | None = None  # of `seconds`, the part the OCR engine took


# ---- measuring ---------------------------------------------------------------------------------
class PeakMemory:
    """Peak resident memory of this process while the block runs (sampled every 10 ms)."""

    def __enter__(self) -> PeakMemory:
        self.peak = _rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss_bytes())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())

    @property
    def mb(self) -> float:
        return self.peak / 2**20


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def image_digest(image: np.ndarray, *extra: object) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(image).tobytes())
    digest.update(repr((image.shape, str(image.dtype), extra)).encode())
    digest.update(ocr_code_digest().encode())
    return digest.hexdigest()[:20]


@functools.lru_cache(maxsize=1)
def ocr_code_digest() -> str:
    """A digest of the OCR stage's source and model manifests: a change to either makes every cached
    OCR result stale, so a rerun OCRs again instead of scoring old lines against new code."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1()
    for path in sorted([*root.glob("ocr/*.py"), *root.parent.glob("models/*/manifest.json")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# ---- availability ------------------------------------------------------------------------------
def _missing_module(*modules: str) -> str | None:
    for module in modules:
        try:
            if importlib.util.find_spec(module) is None:
                return f"{module} is not on this branch yet"
        except ModuleNotFoundError:
            return f"{module} is not on this branch yet"
    return None


def _missing_function(module: str, name: str) -> str | None:
    problem = _missing_module(module)
    if problem:
        return problem
    try:
        loaded = __import__(module, fromlist=[name])
    except Exception as exc:  # a half-merged module that does not import is unavailable, with the reason
        return f"{module} does not import ({type(exc).__name__}: {exc})"
    return None if hasattr(loaded, name) else f"{module}.{name} is not on this branch yet"


def engine_unavailable(engine: str) -> str | None:
    return _missing_function("pipeline.ocr", "get_engine") or _engine_models_missing(engine)


def _engine_models_missing(engine: str) -> str | None:
    from pipeline.config import ENGINES as CONFIGURED

    if engine not in CONFIGURED:
        return f"ocr.engine {engine!r} is not configurable on this branch"
    return None


def tesseract_unavailable(pages: list[BenchPage]) -> str | None:
    if shutil.which("tesseract") is None:
        return "tesseract is not installed (make system-packages)"
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    needed = {tesseract_language(page) for page in pages}
    missing = sorted(needed - set(listed))
    return f"tesseract language data missing: {', '.join(missing)}" if missing else None


def replay_unavailable() -> str | None:
    return _missing_function("pipeline.ocr.replay", "ReplayEngine")


def layout_note() -> list[str]:
    problem = _missing_function("pipeline.layout", "analyze")
    return [f"layout stage: {problem}; newsreflow ran without it"] if problem else []


# ---- the engine wrapper that caches and times OCR ----------------------------------------------
class CachingEngine:
    """Stands in for newsreflow's OCR engine: serves cached results, runs the real engine (loaded on
    the first miss) otherwise, and keeps the page's lines and OCR seconds for the raw peer."""

    def __init__(self, name: str, load, use_cache: bool = True) -> None:
        self.name = name
        self._load = load
        self._engine = None
        self.use_cache = use_cache
        self.directory = CACHE_DIR / name
        self.begin_page()

    def begin_page(self) -> None:
        self.page_lines: list[Line] = []
        self.ocr_seconds = 0.0  # OCR time of this page, live or as recorded in the cache
        self.cached = False

    @property
    def engine(self):
        if self._engine is None:
            self._engine = self._load()
        return self._engine

    @property
    def last_plan(self):
        return getattr(self._engine, "last_plan", None) if self._engine is not None else None

    def _cached_call(self, key: str, call) -> list[Line]:
        path = self.directory / f"{key}.json"
        if self.use_cache and path.exists():
            stored = json.loads(path.read_text(encoding="utf-8"))
            self.ocr_seconds += stored["seconds"]
            self.cached = True
            return [Line.from_dict(d) for d in stored["lines"]]
        start = time.perf_counter()
        lines = call()
        seconds = time.perf_counter() - start
        self.ocr_seconds += seconds
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"seconds": round(seconds, 3), "lines": [line.to_dict() for line in lines]}, ensure_ascii=False), encoding="utf-8")
        return lines

    def recognize(self, image: np.ndarray) -> list[Line]:
        lines = self._cached_call(image_digest(image, "page"), lambda: self.engine.recognize(image))
        self.page_lines = lines
        return lines

    def recognize_page(self, image: np.ndarray, number: int) -> list[Line]:
        return self.recognize(image)

    def read_region(self, image: np.ndarray, box: Box, direction: Direction) -> list[Line]:
        key = image_digest(image, "region", [round(v) for v in box.to_list()], direction.value)
        return self._cached_call(key, lambda: self.engine.read_region(image, box, direction))

    def versions(self) -> dict[str, str]:
        return self.engine.versions()


def run_newsreflow_and_raw(engine: str, pages: list[BenchPage], use_cache: bool, on_page) -> None:
    """newsreflow-<engine> and raw-<engine> on every page: one OCR run serves both.
    `on_page(peer, page, PeerRun | Exception)` receives each result."""
    from pipeline import ocr, run
    from pipeline.config import Config, OcrConfig

    config = Config(ocr=OcrConfig(engine=engine))
    real_get_engine = ocr.get_engine
    wrapper = CachingEngine(engine, lambda: real_get_engine(config.ocr), use_cache)
    ocr.get_engine = lambda _config: wrapper  # newsreflow's own stages, our engine wrapper
    notes = layout_note()
    from pipeline.errors import NewsreflowError

    try:
        wrapper.engine  # load the models before the first page, so its time is the page's own
    except NewsreflowError as exc:
        ocr.get_engine = real_get_engine
        raise PeerUnavailable(str(exc)) from None
    try:
        for page in pages:
            wrapper.begin_page()
            try:
                with PeakMemory() as memory:
                    start = time.perf_counter()
                    output = run.process_file(page.image, config)
                    wall = time.perf_counter() - start
            except Exception as exc:  # reported per page; the other pages and peers go on
                on_page(f"newsreflow-{engine}", page, exc)
                on_page(f"raw-{engine}", page, exc)
                continue
            cached_note = ["OCR seconds as recorded in .bench/cache (run with --fresh to time it again)"] if wrapper.cached else []
            seconds = wall + (wrapper.ocr_seconds if wrapper.cached else 0.0)
            on_page(f"newsreflow-{engine}", page, PeerRun(output, seconds, memory.mb, notes + cached_note, wrapper.ocr_seconds))
            raw = engine_order_document(wrapper.page_lines)
            on_page(f"raw-{engine}", page, PeerRun(raw, wrapper.ocr_seconds, None, cached_note))
    finally:
        ocr.get_engine = real_get_engine


def engine_order_document(lines: list[Line]) -> Document:
    """The engine's lines as a user sees them: one paragraph per line, in the engine's order."""
    block = Block(role=Role.UNKNOWN, lines=list(lines), paragraphs=[Paragraph(line.text, i, 1) for i, line in enumerate(lines)])
    return Document(pages=[Page(blocks=[block] if lines else [])])


# ---- Tesseract -----------------------------------------------------------------------------------
def tesseract_language(page: BenchPage) -> str:
    return ("chi_tra" if page.traditional else "chi_sim") + ("_vert" if page.vertical else "")


def run_tesseract(page: BenchPage, use_cache: bool) -> PeerRun:
    language = tesseract_language(page)
    data = page.image.read_bytes()
    key = hashlib.sha1(data + language.encode()).hexdigest()[:20]
    path = CACHE_DIR / "tesseract" / f"{key}.json"
    if use_cache and path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return PeerRun(tesseract_document(stored["tsv"], page.vertical), stored["seconds"], stored["peak_mb"],
                       ["seconds as recorded in .bench/cache (run with --fresh to time it again)"])
    command = ["tesseract", str(page.image), "stdout", "-l", language, "--psm", "3", "--dpi", str(page.dpi), "tsv"]
    start = time.perf_counter()
    out, err, code, peak_mb = _run_measured(command, {**os.environ, "OMP_THREAD_LIMIT": "1"}, TESSERACT_TIMEOUT)
    seconds = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"tesseract failed ({code}): {err.decode(errors='replace').strip()[:200]}")
    tsv = out.decode("utf-8", errors="replace")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seconds": round(seconds, 3), "peak_mb": peak_mb, "tsv": tsv}, ensure_ascii=False), encoding="utf-8")
    return PeerRun(tesseract_document(tsv, page.vertical), seconds, peak_mb)


def _run_measured(command: list[str], env: dict, timeout: float) -> tuple[bytes, bytes, int, float]:
    """Run a command; (stdout, stderr, exit code, its own peak memory in MB from wait4's rusage)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    streams: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda name=name, pipe=pipe: streams.__setitem__(name, pipe.read()))
               for name, pipe in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    for reader in readers:
        reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return streams.get("out", b""), streams.get("err", b""), process.returncode, usage.ru_maxrss / 1024


def tesseract_document(tsv: str, vertical: bool) -> Document:
    """Tesseract's words grouped into its lines, and its lines into its paragraphs (one block each)."""
    paragraphs: dict[tuple[str, str, str], dict[str, list[dict]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (row["page_num"], row["block_num"], row["par_num"])
        paragraphs.setdefault(key, {}).setdefault(row["line_num"], []).append(row)
    direction = Direction.VERTICAL if vertical else Direction.HORIZONTAL
    blocks = []
    for lines_of_paragraph in paragraphs.values():
        lines = []
        for words in lines_of_paragraph.values():
            text = ""
            for word in words:
                text = join_texts(text, word["text"].strip())
            boxes = [Box(int(w["left"]), int(w["top"]), int(w["left"]) + int(w["width"]), int(w["top"]) + int(w["height"])) for w in words]
            lines.append(Line(text=text, box=Box.enclosing(boxes), direction=direction))
        text = ""
        for line in lines:
            text = join_texts(text, line.text)
        blocks.append(Block(role=Role.UNKNOWN, direction=direction, lines=lines, paragraphs=[Paragraph(text, 0, len(lines))]))
    return Document(pages=[Page(blocks=blocks)])


# ---- layout on perfect OCR -----------------------------------------------------------------------
def engine_order(lines: list[Line]) -> list[Line]:
    """Lines sorted as OCR engines return them: top to bottom, left to right within a row."""
    ordered = sorted(lines, key=lambda line: (line.box.y0, line.box.x0))
    heights = sorted(line.box.height for line in ordered if line.direction is Direction.HORIZONTAL) or [20.0]
    tolerance = heights[len(heights) // 2] * 0.5
    rows: list[list[Line]] = []
    for line in ordered:
        if rows and abs(line.box.y0 - rows[-1][0].box.y0) <= tolerance:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda line: line.box.x0)]


def perfect_replay_file(page: BenchPage) -> Path:
    """A replay file holding the truth's lines (texts, boxes, polygons) in engine order."""
    lines = [Line.from_dict(line.to_dict()) for block in page.truth.pages[0].blocks for line in block.lines]
    data = {"engine": "perfect-ocr", "versions": {"truth": page.id},
            "pages": {"1": [line.to_dict() for line in engine_order(lines)]}, "regions": []}
    path = BENCH_DIR / "perfect" / f"{page.id}.replay.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run_layout_on_perfect_ocr(page: BenchPage) -> PeerRun:
    from pipeline import run
    from pipeline.config import Config, OcrConfig

    config = Config(ocr=OcrConfig(engine="replay", replay_file=perfect_replay_file(page)))
    with PeakMemory() as memory:
        start = time.perf_counter()
        output = run.process_file(page.image, config)
        seconds = time.perf_counter() - start
    return PeerRun(output, seconds, memory.mb, layout_note())
