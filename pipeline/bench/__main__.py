"""`python -m pipeline.bench` (= `make bench`): every peer on the benchmark pages, one table.

    python -m pipeline.bench                    all pages, all peers
    python -m pipeline.bench --subset ci        the CI pages (samples/bench/ci.txt)
    python -m pipeline.bench --pages p01-h5-hans-clean --peers tesseract layout-perfect-ocr
    python -m pipeline.bench --fresh            OCR again instead of using .bench/cache
    python -m pipeline.bench --update-readme    rewrite the README's table from .bench/results.json

Each group of peers runs in its own worker process (models load once per group, and memory is
measured per peer); outputs land in .bench/outputs/<peer>/<page>.json, the scores and the table in
.bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
import traceback
from pathlib import Path

from pipeline.bench import peers as peerlib
from pipeline.bench import report
from pipeline.bench.generate import DEFAULT_OUT
from pipeline.bench.score import score_page
from pipeline.document import Document

RESULTS = peerlib.BENCH_DIR / "results.json"
OUTPUTS = peerlib.BENCH_DIR / "outputs"
README = Path("README.md")
GROUPS = {  # worker group -> the peers it produces
    "rapidocr": ["raw-rapidocr", "newsreflow-rapidocr"],
    "paddleocr": ["raw-paddleocr", "newsreflow-paddleocr"],
    "tesseract": ["tesseract"],
    "perfect": ["layout-perfect-ocr"],
}
PEER_ORDER = ["raw-rapidocr", "raw-paddleocr", "tesseract", "newsreflow-rapidocr", "newsreflow-paddleocr", "layout-perfect-ocr"]
WORKER_TIMEOUT = 25 * 60


def load_pages(subset: str, ids: list[str] | None, directory: Path = DEFAULT_OUT) -> list[peerlib.BenchPage]:
    if ids:
        wanted = ids
    elif subset == "ci":
        wanted = (directory / "ci.txt").read_text(encoding="utf-8").split()
    else:
        wanted = sorted(p.name[: -len(".truth.json")] for p in directory.glob("*.truth.json"))
    pages = []
    for page_id in wanted:
        truth_path = directory / f"{page_id}.truth.json"
        images = [p for p in directory.glob(f"{page_id}.*") if p.suffix in (".png", ".jpg")]
        if not truth_path.exists() or not images:
            raise SystemExit(f"benchmark page {page_id} not found in {directory}; run `make bench-pages`")
        truth = Document.from_dict(json.loads(truth_path.read_text(encoding="utf-8")))
        pages.append(peerlib.BenchPage(page_id, images[0], truth))
    return pages


def unavailable(group: str, pages: list[peerlib.BenchPage]) -> str | None:
    if group in peerlib.ENGINES:
        return peerlib.engine_unavailable(group)
    if group == "tesseract":
        return peerlib.tesseract_unavailable(pages)
    return peerlib.replay_unavailable()


# ---- worker: runs one group's peers, writes outputs and costs ------------------------------------
def worker(group: str, pages: list[peerlib.BenchPage], result_path: Path, use_cache: bool) -> None:
    records: list[dict] = []

    def on_page(peer: str, page: peerlib.BenchPage, run) -> None:
        record = {"peer": peer, "page": page.id}
        if isinstance(run, Exception):
            record["error"] = f"{type(run).__name__}: {run}"
            print(f"  {peer} {page.id}: {record['error']}", file=sys.stderr)
        else:
            path = OUTPUTS / peer / f"{page.id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(run.output.to_dict(), ensure_ascii=False), encoding="utf-8")
            record.update(output=str(path), seconds=run.seconds, peak_mb=run.peak_mb, notes=run.notes, ocr_seconds=run.ocr_seconds)
            print(f"  {peer} {page.id}: {run.seconds:.1f} s", file=sys.stderr)
        records.append(record)
        result_path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    if group in peerlib.ENGINES:
        peerlib.run_newsreflow_and_raw(group, pages, use_cache, on_page)
    for page in pages if group in ("tesseract", "perfect") else []:
        try:
            run = peerlib.run_tesseract(page, use_cache) if group == "tesseract" else peerlib.run_layout_on_perfect_ocr(page)
        except Exception as exc:  # one bad page must not stop the others
            traceback.print_exc(limit=3)
            run = exc
        on_page(GROUPS[group][0], page, run)
    result_path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def run_group(group: str, pages: list[peerlib.BenchPage], fresh: bool) -> tuple[list[dict], str | None]:
    result_path = peerlib.BENCH_DIR / "runs" / f"{group}.json"
    result_path.parent.mkdir(parents=True, exist_ok=True)
    result_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pipeline.bench", "--worker", group, "--result", str(result_path), "--pages", *[p.id for p in pages]]
    if fresh:
        command.append("--fresh")
    print(f"[{group}] {len(pages)} pages", file=sys.stderr)
    try:
        done = subprocess.run(command, timeout=WORKER_TIMEOUT)
        problem = None if done.returncode == 0 else f"worker exited with code {done.returncode}"
    except subprocess.TimeoutExpired:
        problem = f"worker ran past {WORKER_TIMEOUT} s"
    records = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else []
    return records, problem


def score_records(records: list[dict], pages: dict[str, peerlib.BenchPage]) -> list[dict]:
    scored = []
    for record in records:
        page = pages[record["page"]]
        entry = {"page": page.id, "spec": page.spec, **{k: record.get(k) for k in ("seconds", "ocr_seconds", "peak_mb", "error")}}
        if "output" in record:
            output = Document.from_dict(json.loads(Path(record["output"]).read_text(encoding="utf-8")))
            entry["scores"] = score_page(page.truth, output)
        scored.append(entry)
    return scored


def text_mode_row() -> dict:
    problem = peerlib._missing_function("pipeline.bench.textbench", "run_text_benchmark")
    if problem:
        return {"unavailable": problem}
    from pipeline.bench.textbench import run_text_benchmark

    return run_text_benchmark()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--subset", choices=("all", "ci"), default="all")
    parser.add_argument("--pages", nargs="*", help="page ids (default: the subset)")
    parser.add_argument("--peers", nargs="*", choices=PEER_ORDER, help="peers to run (default: all)")
    parser.add_argument("--fresh", action="store_true", help="OCR again instead of using .bench/cache")
    parser.add_argument("--no-text-mode", action="store_true", help="leave out the text-mode benchmark row")
    parser.add_argument("--update-readme", action="store_true", help="rewrite the README's table from .bench/results.json and exit")
    parser.add_argument("--worker", choices=tuple(GROUPS), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.update_readme:
        if not RESULTS.exists():
            raise SystemExit(f"{RESULTS} not found: run `make bench` first")
        report.update_readme(json.loads(RESULTS.read_text(encoding="utf-8")), README)
        print(f"README.md benchmark section rewritten from {RESULTS}", file=sys.stderr)
        return 0
    pages = load_pages(args.subset, args.pages)
    if args.worker:
        worker(args.worker, pages, args.result, use_cache=not args.fresh)
        return 0

    started = time.perf_counter()
    wanted = args.peers or PEER_ORDER
    by_id = {p.id: p for p in pages}
    results: dict = {"date": report.stamp(), "machine": report.machine(), "subset": "pages " + " ".join(args.pages) if args.pages else args.subset,
                     "pages": len(pages), "command": "python -m pipeline.bench " + shlex.join(argv if argv is not None else sys.argv[1:]), "peers": {}}
    collected: dict[str, dict] = {}
    for group, members in GROUPS.items():
        members = [m for m in members if m in wanted]
        if not members:
            continue
        problem = unavailable(group, pages)
        if problem:
            for peer in members:
                collected[peer] = {"unavailable": problem}
            continue
        records, worker_problem = run_group(group, pages, args.fresh)
        for peer in members:
            mine = [r for r in records if r["peer"] == peer]
            entry = {"pages": score_records(mine, by_id), "notes": sorted({n for r in mine for n in r.get("notes") or []})}
            errors = sorted({r["error"] for r in mine if r.get("error")})
            if worker_problem or errors:
                entry["error"] = "; ".join(([worker_problem] if worker_problem else []) + errors[:3])
            collected[peer] = entry
    for peer in PEER_ORDER:
        if peer in collected:
            entry = collected[peer]
            if "pages" in entry:
                entry["summary"] = report.summarize({peer: entry["pages"]})[peer]
            results["peers"][peer] = entry
    if not args.no_text_mode and not args.pages and args.peers is None:
        results["text_mode"] = text_mode_row()
    results["seconds"] = time.perf_counter() - started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"Benchmark {results['date']} on {results['machine']}: {len(pages)} pages, {results['seconds']:.0f} s\n")
    print(report.format_tables(results))
    print(f"\nscores per page: {RESULTS}; outputs: {OUTPUTS}/<peer>/<page>.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
