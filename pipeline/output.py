"""Rendering a document as text, Markdown or JSON, and writing files atomically."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

from pipeline.document import Document, Role, reading_paragraphs
from pipeline.errors import OutputError

MARKDOWN_PREFIX = {Role.HEADLINE: "# ", Role.KICKER: "### ", Role.SUBTITLE: "## ", Role.SUBHEAD: "## "}


def render(document: Document, fmt: str, keep_furniture: bool = False) -> str:
    """The document as text (one paragraph a line, blank line between), Markdown or JSON."""
    if fmt == "json":
        return json.dumps(document.to_dict(), ensure_ascii=False, indent=1) + "\n"
    pieces: list[str] = []
    for page in document.pages:
        for paragraph in reading_paragraphs(page, keep_furniture):
            if fmt == "markdown":
                pieces.append(_markdown(paragraph.role, paragraph.text))
            else:
                pieces.append(paragraph.text)
    return "\n\n".join(pieces) + ("\n" if pieces else "")


def _markdown(role: Role, text: str) -> str:
    if role in MARKDOWN_PREFIX:
        return MARKDOWN_PREFIX[role] + text
    if role in (Role.BYLINE, Role.CAPTION, Role.HEADER, Role.FOOTER, Role.JUMP):
        return f"*{text}*"
    return text


def _file_mode(path: Path) -> int:
    """The mode the file would get from a plain open(): an existing file's own, else 0o666 less the
    umask (mkstemp makes its file readable by its owner only)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write output ({exc.strerror}); check the folder exists and is writable") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write output ({exc.strerror}); check free disk space and permissions") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
