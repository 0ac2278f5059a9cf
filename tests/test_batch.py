"""Batch mode: mixed good and bad files, resume and --force, crashing and overdue workers, interruption.

The per-file function is injected (module-level, so a forked worker runs it) to make a worker crash,
hang or go slow on purpose; everything else is the real pipeline on small text inputs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import run
from pipeline.batch import BatchOptions, default_jobs, plan_tasks, run_batch, share_cores
from pipeline.config import Config, NormalizeConfig, OcrConfig
from pipeline.errors import MissingModelError, UsageError
from pipeline.output import render
from tests.test_ocr_cli import inked_page
from tests.test_pages import make_pdf, png_header_only

REPO = Path(__file__).resolve().parents[1]
SEED_LINES = (REPO / "samples" / "seed-article.txt").read_text(encoding="utf-8").splitlines()
QUIET = dict(progress="quiet")
# Scans are read through the replay engine (stored OCR lines): no models needed.
SCANS = Config(ocr=OcrConfig(engine="replay", replay_file=REPO / "tests" / "data" / "replay" / "two-pages.json"))


def article(number: int) -> str:
    """A different small article for each number: a window of the seed article's lines."""
    start = (number * 7) % (len(SEED_LINES) - 40)
    return "\n".join(SEED_LINES[start:start + 20 + number % 20]) + "\n"


def make_articles(folder: Path, count: int) -> list[Path]:
    paths = []
    for number in range(count):
        path = folder / f"part{number % 3}" / f"page{number:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(number), encoding="utf-8")
        paths.append(path)
    return paths


def single_file_output(path: Path, fmt: str, config: Config = SCANS) -> str:
    """What the single-file CLI writes for this input."""
    return render(run.process_file(path, config), fmt)


def tree(folder: Path) -> dict[str, bytes]:
    """Every output file (not errors.jsonl, not hidden) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and p.name != "errors.jsonl"}


def error_records(outdir: Path) -> list[dict]:
    path = outdir / "errors.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*.part")]


# ---- injected per-file functions (module level: workers are forked and call them)

def crash_on_marked(path: Path, config: Config):
    if "crash" in path.name:
        os._exit(3)
    if "killed" in path.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return run.process_file(path, config)


def hang_on_marked(path: Path, config: Config):
    if "hang" in path.name:
        time.sleep(60)
    return run.process_file(path, config)


def bug_on_marked(path: Path, config: Config):
    if "bug" in path.name:
        raise ZeroDivisionError("division by zero")
    return run.process_file(path, config)


def allocate_on_marked(path: Path, config: Config):
    if "huge" in path.name:
        bytearray(8 * 2**30)
    return run.process_file(path, config)


def stuck_while_writing(path: Path, config: Config):
    """Like native code that ignores SIGTERM, in the middle of writing an output."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    outdir = Path(os.environ["BATCH_TEST_OUTDIR"])
    (outdir / f".{path.stem}.txt.x1y2z3.part").write_text("half", encoding="utf-8")
    time.sleep(60)


def slow_process(path: Path, config: Config):
    time.sleep(0.02)
    return run.process_file(path, config)


# ---- tests

@pytest.fixture
def mixed(tmp_path):
    """A folder tree of good articles and scans, and the bad files an archive holds."""
    source = tmp_path / "in"
    good = make_articles(source, 9)
    inked_page(source / "part0" / "scan.png")
    inked_page(source / "part2" / "issue.tiff", pages=2)
    good += [source / "part0" / "scan.png", source / "part2" / "issue.tiff"]
    bad = {
        "empty.txt": b"",
        "blank.txt": b" \n\t\n",
        "binary.txt": b"\x00\x01\x02\x03PK\x00" * 40,
        "undecodable.txt": "中文".encode("utf-8") * 3 + b"\xff\xff\xff",
        "truncated.png": b"\x89PNG\r\n\x1a\n\x00\x00",
        "zero.png": b"",
        "fake.jpg": b"not a jpeg",
        "gigantic.png": png_header_only(30000, 30000),
        "locked.pdf": make_pdf(encrypt=True),
    }
    for name, data in bad.items():
        (source / "part1" / name).write_bytes(data)
    with open(source / "part2" / "gigantic.txt", "wb") as handle:  # sparse: costs no disk
        handle.truncate(101 * 2**20)
    (source / "notes.docx").write_bytes(b"PK\x03\x04")  # not a supported type: ignored in a folder
    bad_paths = [source / "part1" / name for name in bad] + [source / "part2" / "gigantic.txt"]
    return source, good, bad_paths


def test_mixed_folder_outputs_match_single_file_runs_and_bad_files_are_listed(tmp_path, mixed):
    source, good, bad = mixed
    outdir = tmp_path / "out"
    report = run_batch([source], outdir, SCANS, BatchOptions(formats=("text", "json"), jobs=2, recursive=True,
                                                             report=tmp_path / "run.json", **QUIET))
    assert report.exit_code == 8
    for path in good:
        relative = path.relative_to(source).with_suffix("")
        assert (outdir / relative.with_suffix(".txt")).read_text(encoding="utf-8") == single_file_output(path, "text")
        assert (outdir / relative.with_suffix(".json")).read_text(encoding="utf-8") == single_file_output(path, "json")
    records = error_records(outdir)
    assert sorted(r["path"] for r in records) == sorted(map(str, bad))
    for record in records:
        assert record["error"] and record["message"] and record["exit_code"] in (4, 7) and record["time"]
    for name in ("gigantic.txt", "gigantic.png"):
        assert next(r for r in records if r["path"].endswith(name))["exit_code"] in (4, 7)
    assert not any((outdir / p.relative_to(source)).with_suffix(".txt").exists() for p in bad)
    assert not temporaries(outdir)
    run_report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    statuses = {Path(f["path"]).name: f["status"] for f in run_report["files"]}
    assert statuses["notes.docx"] == "ignored" and statuses["empty.txt"] == "failed" and statuses["page000.txt"] == "done"
    assert run_report["summary"]["done"] == 11 and run_report["summary"]["failed"] == len(bad)
    assert run_report["summary"]["pages"] == 9 + 1 + 2 and run_report["cpu_seconds"] > 0
    assert run_report["settings"]["normalize"] == SCANS.to_dict()["normalize"] and run_report["exit_code"] == 8
    assert run_report["versions"]["newsreflow"] and run_report["versions"]["engine"] == "replay"
    engines = {Path(f["path"]).name: f["engine"] for f in run_report["files"] if f["status"] == "done"}
    assert engines["scan.png"] == "replay" and engines["page000.txt"] == "text"


def test_without_recursive_only_the_top_folder_is_read(tmp_path):
    make_articles(tmp_path / "in", 3)
    (tmp_path / "in" / "top.txt").write_text(article(5), encoding="utf-8")
    report = run_batch([tmp_path / "in"], tmp_path / "out", Config(), BatchOptions(**QUIET))
    assert [Path(f.path).name for f in report.files] == ["top.txt"]
    assert report.exit_code == 0 and (tmp_path / "out" / "top.txt").exists()


def test_rerun_skips_up_to_date_outputs_and_force_redoes_them(tmp_path):
    paths = make_articles(tmp_path / "in", 4)
    outdir = tmp_path / "out"
    options = BatchOptions(formats=("text", "markdown"), recursive=True, jobs=1, **QUIET)
    assert run_batch([tmp_path / "in"], outdir, Config(), options).count("done") == 4
    again = run_batch([tmp_path / "in"], outdir, Config(), options)
    assert again.count("skipped") == 4 and again.exit_code == 0
    newer = time.time() + 5
    os.utime(paths[0], (newer, newer))  # the input changed after its outputs were written
    (outdir / paths[1].relative_to(tmp_path / "in").with_suffix(".md")).unlink()  # one output missing
    partly = run_batch([tmp_path / "in"], outdir, Config(), options)
    assert {Path(f.path).name for f in partly.files if f.status == "done"} == {paths[0].name, paths[1].name}
    forced = run_batch([tmp_path / "in"], outdir, Config(), BatchOptions(**{**options.__dict__, "force": True}))
    assert forced.count("done") == 4


def test_rerun_with_other_settings_warns_that_skipped_outputs_are_stale(tmp_path, capsys):
    make_articles(tmp_path / "in", 2)
    outdir = tmp_path / "out"
    run_batch([tmp_path / "in"], outdir, Config(), BatchOptions(recursive=True))
    capsys.readouterr()
    run_batch([tmp_path / "in"], outdir, Config(), BatchOptions(recursive=True))
    assert "other settings" not in capsys.readouterr().err
    converted = Config(normalize=NormalizeConfig(convert="s2t"))
    report = run_batch([tmp_path / "in"], outdir, converted, BatchOptions(recursive=True))
    assert report.count("skipped") == 2 and "other settings" in capsys.readouterr().err
    run_batch([tmp_path / "in"], outdir, converted, BatchOptions(recursive=True, force=True))
    run_batch([tmp_path / "in"], outdir, converted, BatchOptions(recursive=True))
    assert "other settings" not in capsys.readouterr().err


def test_inputs_that_would_write_the_same_output_are_refused(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="both write"):
        plan_tasks([tmp_path / "a" / "page.txt", tmp_path / "b" / "page.txt"], tmp_path / "out", BatchOptions())


def test_crashing_worker_is_replaced_and_its_file_reported(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "crash.txt", "b.txt", "killed.txt", "c.txt", "d.txt"):
        (source / name).write_text(article(len(name)), encoding="utf-8")
    report = run_batch([source], tmp_path / "out", Config(), BatchOptions(jobs=2, **QUIET), process=crash_on_marked)
    status = {Path(f.path).name: f for f in report.files}
    assert [n for n, f in status.items() if f.status == "done"] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert status["crash.txt"].error == "WorkerCrashedError" and "exit status 3" in status["crash.txt"].message
    assert "SIGKILL" in status["killed.txt"].message
    assert report.exit_code == 8
    assert sorted(Path(r["path"]).name for r in error_records(tmp_path / "out")) == ["crash.txt", "killed.txt"]


def test_overdue_file_is_stopped_and_reported_as_timeout(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "hang.txt", "b.txt"):
        (source / name).write_text(article(len(name)), encoding="utf-8")
    started = time.monotonic()
    report = run_batch([source], tmp_path / "out", Config(), BatchOptions(jobs=2, page_timeout=1.0, **QUIET),
                       process=hang_on_marked)
    assert time.monotonic() - started < 20
    hung = next(f for f in report.files if f.path.endswith("hang.txt"))
    assert hung.status == "failed" and hung.error == "FileTimeoutError" and hung.exit_code == 7
    assert report.count("done") == 2


def test_worker_deaf_to_sigterm_is_killed_and_its_temporary_file_removed(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "stuck.txt").write_text(article(1), encoding="utf-8")
    monkeypatch.setenv("BATCH_TEST_OUTDIR", str(tmp_path / "out"))
    monkeypatch.setattr("pipeline.batch.STOP_GRACE_SECONDS", 0.5)
    report = run_batch([tmp_path / "in"], tmp_path / "out", Config(), BatchOptions(jobs=1, page_timeout=0.5, **QUIET),
                       process=stuck_while_writing)
    assert report.files[0].error == "FileTimeoutError"
    assert not temporaries(tmp_path / "out")


def test_worker_that_cannot_prepare_stops_the_batch_with_its_error(tmp_path, monkeypatch):
    make_articles(tmp_path / "in", 2)

    def missing_models(config, kinds):
        raise MissingModelError("model file det.onnx is missing; install the rapidocr wheel")

    monkeypatch.setattr(run, "prepare", missing_models)  # forked workers inherit the patch
    with pytest.raises(MissingModelError, match="rapidocr"):
        run_batch([tmp_path / "in"], tmp_path / "out", Config(), BatchOptions(recursive=True, **QUIET))
    assert not temporaries(tmp_path / "out")


def test_unexpected_exception_fails_only_its_file(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "bug.txt"):
        (source / name).write_text(article(3), encoding="utf-8")
    report = run_batch([source], tmp_path / "out", Config(), BatchOptions(jobs=1, **QUIET), process=bug_on_marked)
    bug = next(f for f in report.files if f.path.endswith("bug.txt"))
    assert bug.status == "failed" and bug.exit_code == 1 and "ZeroDivisionError" in bug.message
    assert report.count("done") == 1


def test_memory_limit_turns_a_huge_allocation_into_a_reported_failure(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    for name in ("a.txt", "huge.txt"):
        (source / name).write_text(article(4), encoding="utf-8")
    status = Path("/proc/self/status").read_text()
    current_mb = int(next(line for line in status.splitlines() if line.startswith("VmSize:")).split()[1]) // 1024
    options = BatchOptions(jobs=1, max_memory_mb=current_mb + 1024, **QUIET)
    report = run_batch([source], tmp_path / "out", Config(), options, process=allocate_on_marked)
    huge = next(f for f in report.files if f.path.endswith("huge.txt"))
    assert huge.status == "failed" and huge.exit_code == 7 and "memory" in huge.message
    assert next(f for f in report.files if f.path.endswith("a.txt")).status == "done"


def test_workers_share_the_cores_among_their_ocr_threads():
    cores = default_jobs()
    assert share_cores(Config(ocr=OcrConfig(threads=8)), 1).ocr.threads == min(8, cores)
    assert share_cores(Config(ocr=OcrConfig(threads=8)), cores).ocr.threads == 1
    assert share_cores(Config(ocr=OcrConfig(threads=1)), 1).ocr.threads == 1


def test_same_stem_inputs_keep_their_suffix_and_outputs_never_overwrite_inputs(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "page.txt").write_text("x", encoding="utf-8")
    (source / "page.png").write_bytes(b"x")
    tasks, _ = plan_tasks([source], tmp_path / "out", BatchOptions())
    assert sorted(t.outputs["text"].name for t in tasks) == ["page.png.txt", "page.txt.txt"]
    (source / "page.png").unlink()
    with pytest.raises(UsageError, match="overwrite an input"):
        plan_tasks([source], source, BatchOptions())


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, cwd=REPO, timeout=120, **kwargs)


def test_cli_exit_codes_and_summary(tmp_path):
    make_articles(tmp_path / "in", 3)
    good = run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--recursive", "--format", "text,json")
    assert good.returncode == 0, good.stderr
    assert b"3 file(s) done" in good.stderr and b"Traceback" not in good.stderr
    assert b"\r" not in good.stderr  # no progress bar when standard error is not a terminal
    assert len(list((tmp_path / "out").rglob("*.json"))) == 3
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    failed = run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--recursive", "--quiet")
    assert failed.returncode == 8 and failed.stderr == b""
    several = run_cli(str(tmp_path / "in" / "empty.txt"), str(tmp_path / "in" / "part0" / "page000.txt"))
    assert several.returncode == 2 and b"-o" in several.stderr
    nothing = run_cli(str(tmp_path / "out" / "part0"), "-o", str(tmp_path / "o2"), "--glob", "*.png")
    assert nothing.returncode == 2 and b"no input files" in nothing.stderr


def start_slow_batch(source: Path, outdir: Path) -> subprocess.Popen:
    """This module as a script: a batch whose files take a little time each, so it can be killed half way."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # as if started in a terminal's foreground: a shell starts background jobs (a CI runner's, say)
    # with SIGINT ignored, and Python then leaves it ignored in the batch too
    return subprocess.Popen([sys.executable, __file__, str(source), str(outdir)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def processes_writing(outdir: Path) -> list[int]:
    """Processes (supervisor or workers) of a batch writing to outdir, found by their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(outdir).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_for_outputs(outdir: Path, count: int, reference: dict[str, bytes], process: subprocess.Popen) -> None:
    """Poll the output folder until `count` outputs exist; every visible file must be complete at all times."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        seen = tree(outdir) if outdir.exists() else {}
        for name, data in seen.items():
            assert data == reference[name], f"{name} is visible but incomplete"
        if len(seen) >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"the batch did not write {count} outputs in time")


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory):
    """90 small inputs and the outputs of an uninterrupted run over them."""
    folder = tmp_path_factory.mktemp("many")
    make_articles(folder / "in", 90)
    options = BatchOptions(formats=("text", "json"), jobs=2, recursive=True, **QUIET)
    assert run_batch([folder / "in"], folder / "clean", Config(), options).exit_code == 0
    return folder / "in", tree(folder / "clean")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_interrupted_batch_leaves_no_partial_files_and_resumes_to_the_same_outputs(tmp_path, many_articles, stop_signal):
    source, reference = many_articles
    assert len(reference) == 180
    outdir = tmp_path / "out"
    batch = start_slow_batch(source, outdir)
    wait_for_outputs(outdir, 60, reference, batch)
    batch.send_signal(stop_signal)
    code = batch.wait(timeout=30)
    if stop_signal == signal.SIGKILL:
        # the workers get SIGTERM from the kernel when their supervisor dies, and clean up
        deadline = time.monotonic() + 10
        while (temporaries(outdir) or processes_writing(outdir)) and time.monotonic() < deadline:
            time.sleep(0.05)
        leftover = processes_writing(outdir)
        for pid in leftover:  # never leave them running, even when the test fails
            os.kill(pid, signal.SIGKILL)
        assert not leftover, "workers outlived their killed supervisor"
    else:
        assert code == 130, f"exit code {code} with {len(tree(outdir))} of {len(reference)} outputs written"
    assert not temporaries(outdir)
    interrupted = tree(outdir)
    assert 0 < len(interrupted) < len(reference)
    assert all(interrupted[name] == reference[name] for name in interrupted)

    rerun = start_slow_batch(source, outdir)
    assert rerun.wait(timeout=120) == 0
    assert tree(outdir) == reference


if __name__ == "__main__":
    sys.exit(run_batch([Path(sys.argv[1])], Path(sys.argv[2]), Config(),
                       BatchOptions(formats=("text", "json"), jobs=2, recursive=True, **QUIET),
                       process=slow_process).exit_code)
