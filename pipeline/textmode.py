"""Text mode: rebuild paragraphs from text that was OCR'd elsewhere (one input line per column line)."""

from __future__ import annotations

from pipeline.document import Block, Document, Line, Page, Paragraph, Repair, Role
from pipeline.repair import join_lines

SENTENCE_END = tuple("。！？!?；：…”」』）)")


def segment(lines: list[str], source: str = "") -> Document:
    """Decide for each line end whether the paragraph goes on; one block per paragraph."""
    texts = [line.strip() for line in lines if line.strip()]
    width = sorted(len(t) for t in texts)[len(texts) * 3 // 4] if texts else 0
    page = Page(number=1)
    repairs: list[Repair] = []
    current: list[str] = []

    def close() -> None:
        if current:
            block = Block(role=Role.BODY, lines=[Line(t) for t in current])
            block.paragraphs.append(Paragraph(join_lines(current), 0, len(current)))
            page.blocks.append(block)
            if len(current) > 1:
                repairs.append(Repair("join", f"joined {len(current)} lines: {current[0][:12]}…"))
            current.clear()

    for text in texts:
        current.append(text)
        if text.endswith(SENTENCE_END) and len(text) < width:
            close()
    close()
    return Document(source=source, pages=[page], repairs=repairs)
