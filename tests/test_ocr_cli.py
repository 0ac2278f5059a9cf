"""Image and PDF input through the CLI without models (replay engine): output, warnings, exit codes."""

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from tests.test_pages import make_pdf, png_header_only

REPO = Path(__file__).resolve().parents[1]
REPLAY = str(REPO / "tests/data/replay/two-pages.json")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, cwd=REPO, timeout=120, text=True)


def inked_page(path, pages=1):
    frames = []
    for _ in range(pages):
        array = np.full((200, 500), 250, np.uint8)
        array[20:40, 20:300] = 10
        frames.append(Image.fromarray(array))
    frames[0].save(path, save_all=pages > 1, append_images=frames[1:])


def test_image_lines_come_out_through_layout(tmp_path):
    inked_page(tmp_path / "scan.tiff", pages=2)
    result = run_cli(str(tmp_path / "scan.tiff"), "--replay", REPLAY)
    assert result.returncode == 0, result.stderr
    # the layout stage joins the wrapped first line (no final punctuation, nearly full) to the next
    assert result.stdout.split() == ["第一页第一行第一页第二行。", "第二页的一行文字。"]
    assert "Traceback" not in result.stderr


def test_pages_option_keeps_page_numbers(tmp_path):
    inked_page(tmp_path / "scan.tiff", pages=2)
    result = run_cli(str(tmp_path / "scan.tiff"), "--replay", REPLAY, "--pages", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert '"number": 2' in result.stdout and "第一页" not in result.stdout


def test_blank_page_gives_empty_output_and_a_warning(tmp_path):
    Image.new("L", (400, 300), 255).save(tmp_path / "blank.png")
    result = run_cli(str(tmp_path / "blank.png"), "--replay", REPLAY)
    assert result.returncode == 0
    assert result.stdout == ""
    assert "warning: page 1: the page looks blank" in result.stderr


def test_bad_scans_exit_with_documented_codes_and_one_line(tmp_path):
    (tmp_path / "huge.png").write_bytes(png_header_only(30000, 30000))
    (tmp_path / "locked.pdf").write_bytes(make_pdf(encrypt=True))
    (tmp_path / "fake.jpg").write_bytes(b"not a jpeg")
    (tmp_path / "one.png").write_bytes(b"")
    for name, code in [("huge.png", 7), ("locked.pdf", 4), ("fake.jpg", 4), ("one.png", 4)]:
        result = run_cli(str(tmp_path / name), "--replay", REPLAY, "-o", str(tmp_path / f"{name}.txt"))
        assert result.returncode == code, (name, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert not (tmp_path / f"{name}.txt").exists()


def test_pdf_text_layer_is_used_when_asked(tmp_path):
    (tmp_path / "text.pdf").write_bytes(make_pdf(b"BT /F1 24 Tf 30 120 Td (Hello newsreflow) Tj ET"))
    result = run_cli(str(tmp_path / "text.pdf"), "--use-pdf-text", "--replay", REPLAY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello newsreflow"
