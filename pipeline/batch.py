"""Batch mode: folders of scans through worker processes, with progress, resume and failure isolation.

Why a small supervisor rather than concurrent.futures.ProcessPoolExecutor: when one worker of an
executor dies, the executor breaks the whole pool and fails every file in flight, and it cannot stop
one task that runs over time. Here each worker gets one file at a time over its own pipe, so the
supervisor always knows which file a dead or overdue worker was on: that file is reported as failed
(never retried within the run), the worker is replaced, and the batch goes on.

Workers are forked from the supervisor, which loads no models and starts no threads of its own
(tqdm's monitor thread is switched off; numpy's idle OpenBLAS pool re-creates itself across fork), so
forking is safe; each worker calls run.prepare once before its first file, which loads the OCR
models when the batch holds images or PDFs.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import multiprocessing
import os
import platform
import signal
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterator

from pipeline import __version__, inputs, run
from pipeline.config import OUTPUT_FORMATS, Config
from pipeline.document import Document
from pipeline.errors import EXIT_INTERRUPTED, BatchFailedError, NewsreflowError, OutputError, ResourceLimitError, UsageError
from pipeline.output import render, write_atomic

OUTPUT_SUFFIXES = {"text": ".txt", "markdown": ".md", "json": ".json"}
SUPPORTED_SUFFIXES = inputs.TEXT_SUFFIXES | inputs.IMAGE_SUFFIXES | inputs.PDF_SUFFIXES
ERRORS_FILE = "errors.jsonl"
LOCK_FILE = ".newsreflow.lock"
SETTINGS_FILE = ".newsreflow-settings"  # what the outputs were made with, to warn when a rerun differs
STOP_GRACE_SECONDS = 3.0  # how long a worker told to stop may take to remove its temporary files
PROGRESS_LEVELS = ("quiet", "normal", "verbose")
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}

ProcessFunction = Callable[[Path, Config], Document]


def process_without_page_bar(path: Path, config: Config) -> Document:
    """The real per-file pipeline; the batch shows its own progress, so no page bar per file."""
    return run.process_file(path, config, progress=False)


class WorkerCrashedError(NewsreflowError):
    """A worker process died on a file: a crash in native code, or killed (often for memory)."""

    exit_code = 1


class FileTimeoutError(ResourceLimitError):
    """A file took longer than --page-timeout."""


class WorkerStartError(NewsreflowError):
    """Workers die before their first file, so no file could be processed."""

    exit_code = 1


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs; the processing settings themselves live in Config."""

    formats: tuple[str, ...] = ("text",)
    jobs: int | None = None  # worker processes; None: one per core this process may use
    recursive: bool = False
    glob: str | None = None  # e.g. "*.png", matched against paths relative to a given folder
    force: bool = False  # process inputs whose outputs are already up to date
    report: Path | None = None
    progress: str = "normal"
    page_timeout: float | None = None  # seconds one input file may take
    max_memory_mb: int | None = None  # address-space limit (RLIMIT_AS) of each worker

    def __post_init__(self) -> None:
        if not self.formats or len(set(self.formats)) != len(self.formats):
            raise UsageError(f"batch formats {','.join(self.formats)!r}: give each of {', '.join(OUTPUT_FORMATS)} at most once")
        for fmt in self.formats:
            if fmt not in OUTPUT_FORMATS:
                raise UsageError(f"output format {fmt!r} is not valid; choose from: {', '.join(OUTPUT_FORMATS)}")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"--jobs {self.jobs}: give at least 1 worker")
        if self.page_timeout is not None and self.page_timeout <= 0:
            raise UsageError(f"--page-timeout {self.page_timeout}: give a positive number of seconds")
        if self.max_memory_mb is not None and self.max_memory_mb < 64:
            raise UsageError(f"--max-memory-mb {self.max_memory_mb}: give at least 64 (a Python worker needs that much to start)")
        if self.progress not in PROGRESS_LEVELS:
            raise UsageError(f"progress {self.progress!r}: choose one of {', '.join(PROGRESS_LEVELS)}")


@dataclass(frozen=True)
class Task:
    """One input file and the output file of each format it will produce."""

    source: Path
    outputs: dict[str, Path]


@dataclass
class FileResult:
    path: str
    status: str  # done | skipped | failed | ignored | interrupted | not started
    outputs: list[str] = field(default_factory=list)
    pages: int = 0
    seconds: float = 0.0
    engine: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    exit_code: int | None = None
    message: str | None = None


@dataclass
class BatchReport:
    files: list[FileResult]
    seconds: float
    cpu_seconds: float  # used by the workers (user + system): the work itself, whatever else runs on the machine
    interrupted: bool
    versions: dict[str, str]
    settings: dict
    options: dict

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def pages_done(self) -> int:
        return sum(f.pages for f in self.files if f.status == "done")

    @property
    def pages_per_minute(self) -> float:
        return 60.0 * self.pages_done / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """0 every file done or up to date, 8 some failed, 130 interrupted (documented in the README)."""
        if self.interrupted:
            return EXIT_INTERRUPTED
        return BatchFailedError.exit_code if self.count("failed") else 0

    def to_dict(self) -> dict:
        statuses = ("done", "skipped", "failed", "ignored", "interrupted", "not started")
        return {
            "newsreflow": __version__,
            "exit_code": self.exit_code,
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "summary": {**{s.replace(" ", "_"): self.count(s) for s in statuses},
                        "pages": self.pages_done, "pages_per_minute": round(self.pages_per_minute, 1)},
            "versions": self.versions,
            "settings": self.settings,
            "options": self.options,
            "files": [asdict(f) for f in self.files],
        }


def run_batch(
    sources: list[Path],
    outdir: Path,
    config: Config,
    options: BatchOptions,
    process: ProcessFunction = process_without_page_bar,
) -> BatchReport:
    """Process every input into OUTDIR (mirroring the input tree), `options.jobs` files at a time.

    Inputs whose outputs are all newer than the input are skipped unless options.force. Failed files
    go to OUTDIR/errors.jsonl and the batch goes on. Ctrl-C or SIGTERM stops the workers, removes
    their temporary files and returns a report marked interrupted. `process` is the per-file function
    (tests inject one that crashes).
    """
    outdir = Path(outdir)
    if config.ocr.save_replay is not None:
        raise UsageError("--save-replay records the OCR of one input; use it without a batch")
    tasks, ignored = plan_tasks(sources, outdir, options)
    if not tasks and not ignored:
        raise UsageError(f"no input files found in {', '.join(map(str, sources))}; "
                         "use --recursive for subfolders or --glob to choose files")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot create the output folder ({exc.strerror})") from None
    started, cpu_started = time.monotonic(), _children_cpu_seconds()
    with _exclusive_lock(outdir), _stop_on_sigterm():
        remove_temporaries(tasks)  # left by an earlier run that was killed outright
        results = {task.source: None for task in tasks}
        todo = []
        for task in tasks:
            if not options.force and is_up_to_date(task):
                results[task.source] = FileResult(str(task.source), "skipped", _names(task))
            else:
                todo.append(task)
        settings = {"settings": config.to_dict(), "formats": list(options.formats)}
        skipped = len(tasks) - len(todo)
        made_with_other_settings = skipped > 0 and _recorded_settings(outdir) not in (None, settings)
        progress = _Progress(options.progress, len(todo), skipped)
        jobs = min(options.jobs or default_jobs(), max(1, len(todo)))
        config = share_cores(config, jobs)
        if made_with_other_settings:
            progress.warn(f"the {skipped} up-to-date file(s) were made with other settings "
                          f"(see {outdir / SETTINGS_FILE}); add --force to redo them with these")
        supervisor = _Supervisor(todo, jobs, config, options, process, outdir / ERRORS_FILE, progress)
        interrupted = False
        try:
            supervisor.run()
        except KeyboardInterrupt:
            interrupted = True
        finally:
            with _signals_ignored():
                supervisor.stop_all()
                remove_temporaries(tasks)
                progress.close()
        if not made_with_other_settings:  # the record describes every output in OUTDIR
            write_atomic(outdir / SETTINGS_FILE, json.dumps(settings, ensure_ascii=False, indent=1) + "\n")
        results.update(supervisor.results)
        for task in todo:
            if results[task.source] is None:
                results[task.source] = FileResult(str(task.source), "not started", _names(task))
    report = BatchReport(
        files=ignored + [results[task.source] for task in tasks],
        seconds=time.monotonic() - started,
        cpu_seconds=_children_cpu_seconds() - cpu_started,
        interrupted=interrupted,
        versions={"newsreflow": __version__, "python": platform.python_version(), **supervisor.versions},
        settings=config.to_dict(),
        options={k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()}
        | {"jobs": supervisor.jobs},
    )
    if options.report is not None:
        write_atomic(options.report, json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    progress.summary(report, outdir / ERRORS_FILE)
    return report


# ---------------------------------------------------------------- planning


def plan_tasks(sources: list[Path], outdir: Path, options: BatchOptions) -> tuple[list[Task], list[FileResult]]:
    """Inputs -> tasks with their output paths, plus files in folders skipped for their type.

    A file found in a given folder keeps its path relative to that folder under OUTDIR; a file given
    by name goes to OUTDIR directly. Output names replace the input suffix (page.png -> page.txt);
    when two inputs share a stem (page.png, page.jpg) both keep their suffix (page.png.txt).
    """
    found: list[tuple[Path, Path]] = []  # (source, path relative to OUTDIR without output suffix)
    ignored: list[FileResult] = []
    for source in map(Path, sources):
        if source.is_dir():
            for path in _walk(source, options.recursive, outdir):
                relative = path.relative_to(source)
                if options.glob is not None:
                    if relative.match(options.glob):
                        found.append((path, relative))
                elif path.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append((path, relative))
                else:
                    ignored.append(FileResult(str(path), "ignored", message="unsupported file type; choose files with --glob"))
        else:
            found.append((source, Path(source.name)))
    stems: dict[Path, int] = {}
    for _, relative in found:
        stems[relative.with_suffix("")] = stems.get(relative.with_suffix(""), 0) + 1
    tasks, claimed = [], {}
    for source, relative in sorted(found, key=lambda item: str(item[1])):
        base = relative.with_suffix("") if stems[relative.with_suffix("")] == 1 else relative
        outputs = {fmt: outdir / base.parent / (base.name + OUTPUT_SUFFIXES[fmt]) for fmt in options.formats}
        for path in outputs.values():
            if path in claimed:
                raise UsageError(f"{source} and {claimed[path]} would both write {path}; process them in separate runs")
            claimed[path] = source
        tasks.append(Task(source, outputs))
    _refuse_overwriting_inputs(tasks)
    return tasks, ignored


def _walk(root: Path, recursive: bool, outdir: Path) -> Iterator[Path]:
    """Regular files under root in a stable order, without hidden files and without OUTDIR itself."""
    outdir_resolved = outdir.resolve()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if recursive and not d.startswith(".")
                               and Path(folder, d).resolve() != outdir_resolved)
        for name in sorted(files):
            path = Path(folder, name)
            if not name.startswith(".") and path.is_file():
                yield path


def _refuse_overwriting_inputs(tasks: list[Task]) -> None:
    sources = {task.source.resolve() for task in tasks}
    for task in tasks:
        for path in task.outputs.values():
            if path.resolve() in sources:
                raise UsageError(f"output {path} would overwrite an input; choose another output folder with -o")


def _children_cpu_seconds() -> float:
    """CPU time of this process's finished children (the workers, once joined)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _recorded_settings(outdir: Path) -> dict | None:
    """The settings the outputs in OUTDIR were made with, as the last run recorded them."""
    try:
        return json.loads((outdir / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_up_to_date(task: Task) -> bool:
    """Every output exists and is at least as new as the input (outputs only appear complete)."""
    try:
        source_time = task.source.stat().st_mtime_ns
        return all(path.stat().st_mtime_ns >= source_time for path in task.outputs.values())
    except OSError:
        return False


def remove_temporaries(tasks: list[Task]) -> None:
    """Remove write_atomic's temporary files (".NAME.XXXX.part") of these tasks' outputs."""
    names_by_folder: dict[Path, set[str]] = {}
    for task in tasks:
        for path in task.outputs.values():
            names_by_folder.setdefault(path.parent, set()).add(path.name)
    for folder, names in names_by_folder.items():
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name.endswith(".part"):
                    if entry.name[1:-len(".part")].rpartition(".")[0] in names:
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)


def _names(task: Task) -> list[str]:
    return [str(path) for path in task.outputs.values()]


def _needed_kinds(tasks: list[Task]) -> set[str]:
    kinds = set()
    for task in tasks:
        suffix = task.source.suffix.lower()
        kinds.add("image" if suffix in inputs.IMAGE_SUFFIXES else "pdf" if suffix in inputs.PDF_SUFFIXES else "text")
    return kinds


def default_jobs() -> int:
    """One worker per core this process may run on (respects taskset and container CPU sets)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def share_cores(config: Config, jobs: int) -> Config:
    """Divide the cores among the workers' OCR threads (never more than configured): `--jobs 2` on
    two cores runs two single-threaded engines rather than four threads fighting for two cores."""
    threads = max(1, min(config.ocr.threads, default_jobs() // jobs))
    return replace(config, ocr=replace(config.ocr, threads=threads))


@contextlib.contextmanager
def _exclusive_lock(outdir: Path) -> Iterator[None]:
    """One batch per output folder: a second one would delete the first one's temporary files."""
    handle = open(outdir / LOCK_FILE, "a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(f"another newsreflow batch is writing to {outdir}; wait for it to finish or choose another -o") from None
        yield
    finally:
        handle.close()


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM stops the batch like Ctrl-C: in-flight files are abandoned cleanly, the report is written."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """A second Ctrl-C during clean-up must not leave workers or temporary files behind."""
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


# ---------------------------------------------------------------- workers


def _worker_main(conn, config: Config, options: BatchOptions, process: ProcessFunction, kinds: set[str], parent: int) -> None:
    """A worker: prepare once (models), then process one file per message until told to stop."""
    _set_up_worker(options.max_memory_mb, parent)
    try:
        versions = run.prepare(config, kinds)
    except NewsreflowError as exc:
        conn.send(("fatal", exc))
        return
    except MemoryError:
        conn.send(("fatal", ResourceLimitError("a worker ran out of memory loading the models; raise --max-memory-mb")))
        return
    except Exception as exc:  # a bug while loading: no file could be processed
        conn.send(("fatal", WorkerStartError(f"internal error {type(exc).__name__} while preparing a worker: {exc} (please report it)")))
        return
    conn.send(("ready", versions))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        conn.send(("result", process_task(task, config, options.formats, process)))


def _set_up_worker(max_memory_mb: int | None, parent: int) -> None:
    # Ctrl-C reaches the whole process group; the supervisor alone decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM unwinds Python code, so write_atomic removes the temporary file it is writing.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    _die_with_parent(parent)
    if max_memory_mb is not None:
        import resource

        limit = max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _die_with_parent(parent: int) -> None:
    """Linux: a worker whose supervisor was killed outright (SIGKILL) gets SIGTERM instead of lingering."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        raise SystemExit(0)


def process_task(task: Task, config: Config, formats: tuple[str, ...], process: ProcessFunction) -> FileResult:
    """One input -> every format rendered, then written atomically; errors become a failed result."""
    started = time.monotonic()
    outputs = _names(task)
    try:
        document = process(task.source, config)
        texts = {fmt: render(document, fmt, config.layout.keep_furniture) for fmt in formats}
        for fmt, text in texts.items():
            write_atomic(task.outputs[fmt], text)
    except NewsreflowError as exc:
        return _failed(task, exc, started)
    except MemoryError:
        return _failed(task, ResourceLimitError("ran out of memory; raise --max-memory-mb or lower --dpi / max_pixels"), started)
    except Exception as exc:  # a bug, reported for this file only; the batch goes on
        error = NewsreflowError(f"internal error {type(exc).__name__}: {exc} (please report it)")
        return _failed(task, error, started)
    return FileResult(str(task.source), "done", outputs, pages=len(document.pages),
                      seconds=round(time.monotonic() - started, 3), engine=document.meta.get("ocr", {}).get("engine", "text"),
                      warnings=[warning for page in document.pages for warning in page.warnings])


def _failed(task: Task, exc: NewsreflowError, started: float) -> FileResult:
    return FileResult(str(task.source), "failed", _names(task), seconds=round(time.monotonic() - started, 3),
                      error=type(exc).__name__, exit_code=exc.exit_code, message=str(exc))


# ---------------------------------------------------------------- supervisor


class _Worker:
    def __init__(self, context, config: Config, options: BatchOptions, process: ProcessFunction, kinds: set[str]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, config, options, process, kinds, os.getpid()), daemon=True)
        # A Ctrl-C during the fork is held back until the worker has its own handlers, then delivered.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        self.ready = False
        self.task: Task | None = None
        self.started = 0.0

    def stop(self) -> None:
        """Ask to stop (SIGTERM lets write_atomic remove its temporary file), then kill if need be."""
        if self.process.is_alive():
            with contextlib.suppress(OSError):
                self.process.terminate()
            self.process.join(STOP_GRACE_SECONDS)
            if self.process.is_alive():
                self.process.kill()
        self.process.join()
        self.conn.close()


class _Supervisor:
    def __init__(self, tasks: list[Task], jobs: int, config: Config, options: BatchOptions, process: ProcessFunction,
                 errors_path: Path, progress: _Progress) -> None:
        self.pending = list(reversed(tasks))
        self.config, self.options, self.process = config, options, process
        self.kinds = _needed_kinds(tasks)
        self.jobs = jobs
        self.errors_path = errors_path
        self.progress = progress
        self.workers: list[_Worker] = []
        self.results: dict[Path, FileResult] = {}
        self.versions: dict[str, str] = {}
        self.context = multiprocessing.get_context("fork")

    def run(self) -> None:
        while self.pending or any(w.task for w in self.workers):
            self._fill_pool()
            self._assign()
            waitables = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
            wait(waitables, timeout=self._next_deadline())
            for worker in list(self.workers):
                self._collect(worker)
            self._enforce_timeout()

    def _fill_pool(self) -> None:
        wanted = min(self.jobs, len(self.pending) + sum(1 for w in self.workers if w.task))
        while len(self.workers) < wanted:
            self.workers.append(_Worker(self.context, self.config, self.options, self.process, self.kinds))

    def _assign(self) -> None:
        for worker in self.workers:
            if worker.ready and worker.task is None and self.pending:
                worker.task = self.pending.pop()
                worker.started = time.monotonic()
                worker.conn.send(worker.task)

    def _next_deadline(self) -> float | None:
        if self.options.page_timeout is None:
            return None
        busy = [w.started + self.options.page_timeout for w in self.workers if w.task]
        return max(0.0, min(busy) - time.monotonic()) if busy else None

    def _collect(self, worker: _Worker) -> None:
        """Read what a worker sent; a worker that died is reported with its file and replaced."""
        try:
            while worker.conn.poll():
                kind, payload = worker.conn.recv()
                if kind == "fatal":
                    raise payload
                if kind == "ready":
                    worker.ready = True
                    self.versions = self.versions or payload
                elif kind == "result":
                    self._record(payload)
                    worker.task = None
        except (EOFError, OSError):
            pass  # the worker died mid-message; its sentinel tells the rest
        if not worker.process.is_alive():
            worker.process.join()
            if not worker.ready:
                raise WorkerStartError(f"a worker process died while starting ({_exit_description(worker.process.exitcode)}); "
                                       "try --jobs 1 or raise --max-memory-mb")
            if worker.task is not None:
                self._record(_failed(worker.task, WorkerCrashedError(
                    f"the worker process died on this file ({_exit_description(worker.process.exitcode)})"), worker.started))
            self._discard(worker)

    def _enforce_timeout(self) -> None:
        if self.options.page_timeout is None:
            return
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.task is not None and now - worker.started > self.options.page_timeout:
                task = worker.task
                worker.stop()
                remove_temporaries([task])
                self._record(_failed(task, FileTimeoutError(
                    f"took longer than --page-timeout {self.options.page_timeout:g} s; the worker was stopped"), worker.started))
                self._discard(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.task = None
        worker.stop()
        self.workers.remove(worker)

    def _record(self, result: FileResult) -> None:
        self.results[Path(result.path)] = result
        if result.status == "failed":
            _append_error(self.errors_path, result)
        self.progress.file_finished(result)

    def stop_all(self) -> None:
        """Stop every worker (its file in flight is marked interrupted) and wait for them."""
        for worker in self.workers:
            if worker.task is not None:
                self.results[worker.task.source] = FileResult(str(worker.task.source), "interrupted", _names(worker.task))
            with contextlib.suppress(OSError):
                if worker.process.is_alive():
                    worker.process.terminate()
        for worker in self.workers:
            worker.stop()
        self.workers = []


def _exit_description(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        hint = "; the system may have run out of memory" if -code == signal.SIGKILL else ""
        return f"killed by signal {name}{hint}"
    return f"exit status {code}"


def _append_error(path: Path, result: FileResult) -> None:
    record = {"path": result.path, "error": result.error, "exit_code": result.exit_code, "message": result.message,
              "time": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    line = json.dumps(record, ensure_ascii=False) + "\n"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as exc:
        raise OutputError(f"{path}: cannot record a failed file ({exc.strerror}); check free disk space") from None


# ---------------------------------------------------------------- progress


class _Progress:
    """A tqdm bar on stderr (only on a terminal), per-file lines, and the closing summary."""

    def __init__(self, level: str, total: int, skipped: int) -> None:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: workers are forked from this process
        self.level = level
        self.pages = 0
        self.failed = 0
        self.started = time.monotonic()
        self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True,
                        disable=level == "quiet" or not sys.stderr.isatty())
        if skipped and level != "quiet":
            self._write(f"newsreflow: {skipped} file(s) already up to date, skipped (--force redoes them)")

    def file_finished(self, result: FileResult) -> None:
        self.pages += result.pages
        if result.status == "failed":
            self.failed += 1
            if self.level != "quiet":
                where = "" if (result.message or "").startswith(result.path) else f"{result.path}: "
                self._write(f"newsreflow: failed: {where}{result.message}")
        elif self.level == "verbose":
            self._write(f"newsreflow: done: {result.path} ({result.pages} page(s), {result.seconds:.2f} s)")
            for warning in result.warnings:
                self._write(f"newsreflow: warning: {result.path}: {warning}")
        minutes = (time.monotonic() - self.started) / 60
        self.bar.set_postfix(pages=self.pages, pages_per_min=f"{self.pages / minutes:.0f}" if minutes else "-",
                             failed=self.failed, refresh=False)
        self.bar.update(1)

    def warn(self, message: str) -> None:
        if self.level != "quiet":
            self._write(f"newsreflow: warning: {message}")

    def _write(self, message: str) -> None:
        self.bar.write(message, file=sys.stderr)

    def close(self) -> None:
        self.bar.close()

    def summary(self, report: BatchReport, errors_path: Path) -> None:
        if self.level == "quiet":
            return
        failed = report.count("failed")
        text = (f"newsreflow: {report.count('done')} file(s) done ({report.pages_done} page(s)), "
                f"{report.count('skipped')} skipped, {failed} failed"
                + (f" (see {errors_path})" if failed else "")
                + (f", {report.count('ignored')} ignored (unsupported type)" if report.count("ignored") else "")
                + f" in {report.seconds:.1f} s, {report.pages_per_minute:.0f} pages/min")
        if report.interrupted:
            lost = report.count("interrupted") + report.count("not started")
            text += f"; interrupted with {lost} file(s) not done: run the same command again to continue"
        print(text, file=sys.stderr)
