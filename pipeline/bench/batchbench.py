"""Acceptance measurement for batch mode (issue 6): `python -m pipeline.bench.batchbench`.

Builds a folder of 200 inputs (mixed sizes, 10% broken), then through the real CLI:
1. a clean batch: exit code 8, every broken file in errors.jsonl, every good output byte-identical to
   a single-file run (`newsreflow FILE -o OUT --format F`, called in-process);
2. kill trials: the same batch killed at a random point, once a random number of outputs (10-90%)
   is visible (SIGKILL of the supervisor, or SIGTERM),
   the output folder polled all the while for visible files that differ from the clean run's, then
   rerun: the final outputs must equal the clean run's byte for byte and no temporary file remain;
3. throughput: pages per minute with --jobs 1 and --jobs 2 (--force, median of a few runs), with the
   workers' CPU seconds, which tell the work itself from the cores other programs took.

Inputs (`--kind`): `text` pages (variants of samples/seed-article.txt), or `scans`: pieces of the
benchmark pages in samples/bench/ cut at mixed sizes (PNG, JPEG, two-page TIFF), read either with
`--engine replay` (stored OCR lines from one page's ground truth: the image path and the batch
machinery at full speed, no model) or `--engine rapidocr` (the real models; slow, so use a smaller
--count on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import struct
import zlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import cli

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "samples" / "seed-article.txt"
BENCH_PAGES = REPO / "samples" / "bench"
FORMATS = ("text", "json")
SUFFIX = {"text": ".txt", "json": ".json"}


def make_inputs(folder: Path, count: int, broken_share: float, seed: int, kind: str) -> tuple[list[Path], list[Path]]:
    """`count` inputs in nested folders: good pages of mixed sizes and broken files of every kind."""
    rng = random.Random(seed)
    lines = SEED.read_text(encoding="utf-8").splitlines()
    scans = sorted(BENCH_PAGES.glob("*.png")) + sorted(BENCH_PAGES.glob("*.jpg"))
    broken_kinds = {
        "empty.txt": lambda: b"",
        "blank.txt": lambda: b" \n \n\t\n",
        "binary.txt": lambda: bytes(rng.randrange(256) for _ in range(4096)),
        "undecodable.txt": lambda: "新闻".encode("utf-8") * 50 + b"\xff\xfe\xff" + b"\x81" * 7,
        "truncated.png": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "zero.png": lambda: b"",
        "broken.pdf": lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
        "scan.docx": lambda: b"PK\x03\x04" + bytes(100),
        "gigantic.txt": None,  # sparse file over the text size limit
        "gigantic.png": lambda: _png_header(30000, 30000),  # 900 megapixels claimed, a few bytes stored
        "cut.png": lambda: (scans[0].read_bytes()[: scans[0].stat().st_size // 2]),  # truncated half way
    }
    broken_count = round(count * broken_share)
    good, broken = [], []
    for number in range(count):
        folder_path = folder / f"vol{number % 4}" / f"issue{number % 7:02d}"
        folder_path.mkdir(parents=True, exist_ok=True)
        if number % (count // broken_count) == 0 and len(broken) < broken_count:
            name, content = list(broken_kinds.items())[len(broken) % len(broken_kinds)]
            path = folder_path / f"p{number:03d}-{name}"
            if content is None:
                with open(path, "wb") as handle:
                    handle.truncate(101 * 2**20)
            else:
                path.write_bytes(content())
            broken.append(path)
            continue
        if kind == "scans":
            good.append(_scan_piece(folder_path / f"p{number:03d}", rng.choice(scans), rng))
            continue
        start = rng.randrange(0, len(lines) - 30)
        window = lines[start:start + rng.randrange(10, len(lines) - start)]
        repeats = rng.choice((1, 1, 2, 4, 8))  # mixed sizes: about 1 KB to 60 KB of text
        path = folder_path / f"p{number:03d}.txt"
        path.write_text("\n\n".join(["\n".join(window)] * repeats) + "\n", encoding="utf-8")
        good.append(path)
    return good, broken


def _scan_piece(stem: Path, page: Path, rng: random.Random) -> Path:
    """A piece of a benchmark page, 300 to 1200 px wide (a few lines to a few columns), as PNG, JPEG
    or a TIFF of two such pieces."""
    from PIL import Image

    with Image.open(page) as image:
        gray = image.convert("L")
    width = min(rng.randrange(300, 1200), gray.width - 1)
    height = min(int(width * rng.uniform(0.5, 1.3)), gray.height - 1)
    piece, second = ([gray.crop((x, y, x + width, y + height))
                      for x, y in [(rng.randrange(0, gray.width - width), rng.randrange(0, gray.height - height))
                                   for _ in range(2)]])
    suffix = rng.choice((".png", ".png", ".jpg", ".tiff"))
    path = stem.with_suffix(suffix)
    if suffix == ".tiff":
        piece.save(path, save_all=True, append_images=[second])
    else:
        piece.save(path, quality=85) if suffix == ".jpg" else piece.save(path)
    return path


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims width x height but holds almost no data (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def replay_file(path: Path) -> Path:
    """Stored OCR for --engine replay: the ground-truth lines of one benchmark page as page 1."""
    truth = json.loads(sorted(BENCH_PAGES.glob("*.truth.json"))[0].read_text(encoding="utf-8"))
    lines = [line for block in truth["pages"][0]["blocks"] for line in block["lines"]]
    path.write_text(json.dumps({"engine": "truth", "pages": {"1": lines}}, ensure_ascii=False), encoding="utf-8")
    return path


def batch_command(source: Path, outdir: Path, jobs: int, engine: list[str], *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", str(source), "-o", str(outdir), "--recursive", "--glob", "*",
            "--format", ",".join(FORMATS), "--jobs", str(jobs), "--quiet", *engine, *extra]


def outputs(folder: Path) -> dict[str, bytes]:
    """Visible output files (not errors.jsonl, reports or hidden files) with their bytes."""
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if not name.startswith(".") and name not in ("errors.jsonl", "run.json"):
                path = Path(root, name)
                try:
                    found[str(path.relative_to(folder))] = path.read_bytes()
                except FileNotFoundError:  # renamed away between listing and reading
                    continue
    return found


def temporaries(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob(".*.part")]


def processes_writing(outdir: Path) -> list[int]:
    """Processes of a batch writing to outdir, found by their command line (workers share it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(outdir).encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def run_polling(command: list[str], outdir: Path, reference: dict[str, bytes], kill_at: int | None,
                kill_signal: int) -> dict:
    """Run a batch, polling its output folder; every visible file must equal the reference at all times.
    With kill_at, send kill_signal once that many outputs are visible (a random point of the run)."""
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.monotonic()
    polls = bad = 0
    while process.poll() is None:
        visible = outputs(outdir)
        for name, data in visible.items():
            polls += 1
            bad += reference.get(name) != data
        if kill_at is not None and len(visible) >= kill_at:
            process.send_signal(kill_signal)
            kill_at = None
        time.sleep(0.002)
    code = process.wait()
    deadline = time.monotonic() + 15
    while processes_writing(outdir) and time.monotonic() < deadline:  # workers of a killed supervisor
        time.sleep(0.05)
    return {"exit_code": code, "seconds": round(time.monotonic() - started, 3), "files_checked_while_running": polls,
            "visible_files_that_differed": bad, "leftover_processes": len(processes_writing(outdir)),
            "temporary_files_left": len(temporaries(outdir)), "stderr": process.stderr.read().decode()[-500:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench.batchbench", description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("text", "scans"), default="text", help="text pages or pieces of scanned pages")
    parser.add_argument("--engine", choices=("replay", "rapidocr"), default="replay", help="OCR for --kind scans (default replay)")
    parser.add_argument("--count", type=int, default=200, help="inputs in the folder (default 200)")
    parser.add_argument("--broken", type=float, default=0.10, help="share of broken files (default 0.10)")
    parser.add_argument("--trials", type=int, default=4, help="kill-and-rerun trials (default 4)")
    parser.add_argument("--repeats", type=int, default=3, help="throughput runs per --jobs value (default 3)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="batchbench-") as scratch:
        work = Path(scratch)
        source = work / "in"
        good, broken = make_inputs(source, args.count, args.broken, args.seed, args.kind)
        if args.kind == "text":  # the broken images among them are read through the replay engine: no models
            engine, what = ["--replay", str(replay_file(work / "replay.json"))], "text pages (variants of samples/seed-article.txt)"
        elif args.engine == "replay":
            engine, what = ["--replay", str(replay_file(work / "replay.json"))], "pieces of samples/bench pages, OCR replayed"
        else:
            engine, what = ["--engine", "rapidocr"], "pieces of samples/bench pages, RapidOCR"
        results: dict = {"inputs": what, "count": args.count, "good": len(good), "broken": len(broken),
                         "machine_cores": len(os.sched_getaffinity(0)), "load_average_at_start": os.getloadavg()}

        # 1. clean run against single-file runs
        clean = work / "clean"
        started = time.monotonic()
        code = subprocess.run(batch_command(source, clean, 2, engine, "--report", str(clean / "run.json")), cwd=REPO).returncode
        results["clean_run"] = {"exit_code": code, "seconds": round(time.monotonic() - started, 2)}
        reference = outputs(clean)
        mismatched = []
        single = work / "single"
        for path in good:
            relative = path.relative_to(source).with_suffix("")
            for fmt in FORMATS:
                target = single / relative.with_suffix(SUFFIX[fmt])
                if cli.main([str(path), "-o", str(target), "--format", fmt, *engine]) != 0 or \
                        reference.get(str(relative.with_suffix(SUFFIX[fmt]))) != target.read_bytes():
                    mismatched.append(str(relative) + SUFFIX[fmt])
        listed = {json.loads(line)["path"] for line in (clean / "errors.jsonl").read_text(encoding="utf-8").splitlines()}
        results["clean_run"].update(
            good_outputs_identical_to_single_file_runs=f"{2 * len(good) - len(mismatched)}/{2 * len(good)}",
            broken_files_in_errors_jsonl=f"{len(listed & set(map(str, broken)))}/{len(broken)}",
            other_entries_in_errors_jsonl=len(listed - set(map(str, broken))),
        )

        # 2. killed at a random moment, then rerun
        trials = []
        for trial in range(args.trials):
            outdir = work / f"killed{trial}"
            kill_signal = (signal.SIGKILL, signal.SIGTERM)[trial % 2]
            kill_at = rng.randrange(len(reference) // 10, len(reference) * 9 // 10)
            first = run_polling(batch_command(source, outdir, 2, engine), outdir, reference, kill_at, kill_signal)
            outputs_after_kill = len(outputs(outdir))
            second = run_polling(batch_command(source, outdir, 2, engine), outdir, reference, None, 0)
            trials.append({"signal": signal.Signals(kill_signal).name, "killed_when_outputs_visible": kill_at,
                           "killed_run": first, "outputs_after_kill": outputs_after_kill, "rerun": second,
                           "final_outputs_identical_to_clean_run": outputs(outdir) == reference})
        results["kill_trials"] = trials

        # 3. throughput
        throughput = {}
        for jobs in (1, 2):
            minutes = []
            for _ in range(args.repeats):
                report = work / f"jobs{jobs}.json"
                subprocess.run(batch_command(source, work / "speed", jobs, engine, "--force", "--report", str(report)), cwd=REPO)
                data = json.loads(report.read_text(encoding="utf-8"))
                minutes.append(data["summary"]["pages_per_minute"])
                pages, seconds, cpu = data["summary"]["pages"], data["seconds"], data["cpu_seconds"]
            throughput[f"jobs_{jobs}"] = {"pages_per_minute_median": statistics.median(minutes), "runs": minutes,
                                          "pages": pages, "seconds_last_run": seconds, "worker_cpu_seconds_last_run": cpu}
        results["throughput"] = throughput
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
