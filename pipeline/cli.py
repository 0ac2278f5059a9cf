"""Command line: parse arguments into a Config, run the pipeline, map errors to exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import __version__, run
from pipeline.config import ENGINES, OPENCC_CONFIGS, OUTPUT_FORMATS, TEXT_ENCODINGS, Config, NormalizeConfig, InputConfig, LayoutConfig, OcrConfig, OutputConfig
from pipeline.errors import EXIT_INTERRUPTED, NewsreflowError
from pipeline.output import render, write_atomic


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreflow",
        description="Turn scanned newspaper pages and newspaper OCR text into clean paragraphs in reading order.",
    )
    parser.add_argument("input", help="input file: a page image (PNG, JPEG, TIFF, BMP, WebP), a PDF, or OCR text (.txt); '-' reads text from standard input")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="text", help="output format (default: text)")
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
    parser.add_argument("--version", action="version", version=f"newsreflow {__version__}")
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    return Config(
        input=InputConfig(encoding=args.encoding, pages=args.pages, dpi=args.dpi, use_pdf_text=args.use_pdf_text),
        ocr=OcrConfig(
            engine="replay" if args.replay else (args.engine or OcrConfig.engine),
            replay_file=args.replay,
            save_replay=args.save_replay,
        ),
        layout=LayoutConfig(keep_furniture=args.keep_furniture),
        normalize=NormalizeConfig(convert=args.convert),
        output=OutputConfig(format=args.format, explain=args.explain, debug_dir=args.debug),
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
        document = run.process_file(Path(args.input), config)
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


if __name__ == "__main__":
    sys.exit(main())
