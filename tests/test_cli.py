"""The CLI's contract: exit codes, one-line errors, no partial output files."""

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, cwd=REPO, timeout=120)


def test_text_file_to_stdout(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("第一段的内容。\n第二段的开头\n和结尾。\n", encoding="utf-8")
    result = run_cli(str(source))
    assert result.returncode == 0, result.stderr
    assert "第二段的开头和结尾。" in result.stdout.decode()


def test_standard_input_is_read_with_dash():
    result = run_cli("-", stdin="一行文字。\n".encode("gb18030"))
    assert result.returncode == 0
    assert result.stdout.decode().strip() == "一行文字。"


@pytest.mark.parametrize(
    "content, code, words",
    [
        (None, 3, "no such file"),
        (b"", 4, "empty"),
        (b"   \n\n \t\n", 4, "empty"),
        (b"\x00\x01\x02PNG\x00" * 50, 4, "binary"),
        (b"\xff\xfe\x00\xd8", 4, "utf-16"),
    ],
)
def test_bad_input_gives_one_line_error_and_exit_code(tmp_path, content, code, words):
    source = tmp_path / "in.txt"
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out.txt"
    result = run_cli(str(source), "-o", str(out))
    stderr = result.stderr.decode()
    assert result.returncode == code
    assert words in stderr.lower()
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".out.txt.*"))


def test_folder_without_batch_output_is_a_usage_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "folder" in capsys.readouterr().err


def test_unsupported_suffix_names_supported_types(tmp_path, capsys):
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    assert main([str(source)]) == 4
    assert ".txt" in capsys.readouterr().err


def test_output_file_is_written(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("一行文字。\n", encoding="utf-8")
    out = tmp_path / "sub" / "out.json"
    assert main([str(source), "-o", str(out), "--format", "json"]) == 0
    assert '"schema_version": 1' in out.read_text(encoding="utf-8")


def test_output_files_get_the_usual_permissions_not_the_temporary_files(tmp_path):
    """Outputs are written to a private temporary file and renamed: the result must still be
    readable as a plain open() would have made it (0o666 less the umask), or keep its old mode."""
    import os
    import stat

    from pipeline.output import write_atomic

    fresh = tmp_path / "fresh.txt"
    write_atomic(fresh, "text")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "new"
