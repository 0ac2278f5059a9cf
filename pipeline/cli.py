"""Command line: parse arguments into a Config, run the pipeline, map errors to exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import __version__, batch, run
from pipeline.config import ENGINES, OPENCC_CONFIGS, OUTPUT_FORMATS, TEXT_ENCODINGS, Config, NormalizeConfig, InputConfig, LayoutConfig, OcrConfig, OutputConfig
from pipeline.errors import EXIT_INTERRUPTED, NewsreflowError, UsageError
from pipeline.normalize import STEP_NAMES
from pipeline.output import render, write_atomic

NORMALIZE_STEPS = tuple(step for step in STEP_NAMES if step != "convert")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreflow",
        description="Turn scanned newspaper pages and newspaper OCR text into clean paragraphs in reading order.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="input file: a page image (PNG, JPEG, TIFF, BMP, WebP), a PDF, or OCR text (.txt); "
                             "'-' reads text from standard input; several files or a folder run a batch (needs -o)")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: standard output); in a batch, the output folder")
    parser.add_argument("--format", type=_formats, default=("text",), metavar="FORMAT",
                        help=f"output format: {', '.join(OUTPUT_FORMATS)} (default: text); a batch takes several, comma-separated")
    parser.add_argument("--convert", choices=OPENCC_CONFIGS, metavar="CONFIG", help="OpenCC conversion, e.g. t2s, s2t, s2hk, s2tw (default: none)")
    parser.add_argument("--encoding", choices=TEXT_ENCODINGS, default="auto", help="text input encoding (default: detect UTF-8/UTF-16 BOM/GB18030)")
    parser.add_argument("--keep-furniture", action="store_true", help="keep page header/footer (paper name, date, page, editors) in text output")
    parser.add_argument("--debug", type=Path, metavar="DIR", help="write per-page debug files to DIR: overlay PNG, OCR lines and layout JSON")
    parser.add_argument("--engine", choices=[e for e in ENGINES if e != "replay"], help=f"OCR engine (default: {OcrConfig.engine})")
    parser.add_argument("--dpi", type=int, default=InputConfig.dpi, help="resolution to render PDF pages at (default: %(default)s)")
    parser.add_argument("--pages", metavar="LIST", help="pages to read, e.g. 2-4,7 (default: all)")
    parser.add_argument("--use-pdf-text", action="store_true", help="use a PDF page's text layer when it has one instead of OCR")
    parser.add_argument("--replay", type=Path, metavar="FILE", help="serve stored OCR results from FILE instead of running an engine")
    parser.add_argument("--save-replay", type=Path, metavar="FILE", help="store the OCR engine's results in FILE (for --replay)")
    parser.add_argument("--explain", action="store_true", help="list the repairs made on standard error")
    parser.add_argument(
        "--no-normalize", action="append", default=[], metavar="STEP", choices=NORMALIZE_STEPS,
        help=f"switch a normalisation step off (repeatable): {', '.join(NORMALIZE_STEPS)}",
    )
    parser.add_argument("--version", action="version", version=f"newsreflow {__version__}")
    group = parser.add_argument_group("batch (several inputs or a folder, with -o OUTDIR)")
    group.add_argument("--jobs", type=int, help="worker processes (default: one per available core)")
    group.add_argument("--recursive", action="store_true", help="also process the subfolders of a folder")
    group.add_argument("--glob", metavar="PATTERN", help="only files matching PATTERN, e.g. '*.png' (default: every supported type)")
    group.add_argument("--force", action="store_true", help="redo inputs whose outputs are already up to date")
    group.add_argument("--report", type=Path, metavar="FILE", help="write a JSON run report (per-file status, pages, seconds, settings)")
    group.add_argument("--page-timeout", type=float, metavar="S", help="stop a file that takes longer than S seconds and report it")
    group.add_argument("--max-memory-mb", type=int, metavar="MB", help="limit each worker's address space (RLIMIT_AS)")
    verbosity = group.add_mutually_exclusive_group()
    verbosity.add_argument("--quiet", action="store_true", help="no progress bar, per-file messages or summary")
    verbosity.add_argument("--verbose", action="store_true", help="a line for every file")
    return parser


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(part.strip() for part in value.split(",") if part.strip())
    for fmt in formats:
        if fmt not in OUTPUT_FORMATS:
            raise argparse.ArgumentTypeError(f"{fmt!r} is not a format; choose from {', '.join(OUTPUT_FORMATS)}")
    if not formats:
        raise argparse.ArgumentTypeError(f"give a format: {', '.join(OUTPUT_FORMATS)}")
    return formats


def config_from_args(args: argparse.Namespace) -> Config:
    return Config(
        input=InputConfig(encoding=args.encoding, pages=args.pages, dpi=args.dpi, use_pdf_text=args.use_pdf_text),
        ocr=OcrConfig(
            engine="replay" if args.replay else (args.engine or OcrConfig.engine),
            replay_file=args.replay,
            save_replay=args.save_replay,
        ),
        layout=LayoutConfig(keep_furniture=args.keep_furniture),
        normalize=NormalizeConfig(convert=args.convert, **{step: False for step in args.no_normalize}),
        output=OutputConfig(format=args.format[0], explain=args.explain, debug_dir=args.debug),
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
        if is_batch(args):
            return run_batch(args, config)
        if len(args.format) > 1:
            raise UsageError("several formats need a batch: give an output folder with -o and a folder or several files")
        document = run.process_file(Path(args.inputs[0]), config)
        text = render(document, config.output.format, config.layout.keep_furniture)
        if args.output is None:
            sys.stdout.write(text)
        else:
            write_atomic(args.output, text)
        for page in document.pages:
            for warning in page.warnings:
                print(f"newsreflow: warning: {warning}", file=sys.stderr)
        if config.output.explain:
            for repair in document.repairs:
                print(f"[{repair.kind}] page {repair.page}: {repair.detail}", file=sys.stderr)
        return 0
    except NewsreflowError as exc:
        print(f"newsreflow: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("newsreflow: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def is_batch(args: argparse.Namespace) -> bool:
    """Several inputs, or a folder with an output folder; a folder without -o stays a usage error."""
    if len(args.inputs) > 1:
        if args.output is None:
            raise UsageError("several inputs need an output folder: add -o OUTDIR")
        if "-" in args.inputs:
            raise UsageError("standard input ('-') cannot be part of a batch; give it alone")
        return True
    return args.output is not None and Path(args.inputs[0]).is_dir()


def run_batch(args: argparse.Namespace, config: Config) -> int:
    options = batch.BatchOptions(
        formats=args.format,
        jobs=args.jobs,
        recursive=args.recursive,
        glob=args.glob,
        force=args.force,
        report=args.report,
        progress="quiet" if args.quiet else "verbose" if args.verbose else "normal",
        page_timeout=args.page_timeout,
        max_memory_mb=args.max_memory_mb,
    )
    report = batch.run_batch([Path(p) for p in args.inputs], args.output, config, options)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
