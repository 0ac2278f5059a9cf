"""Synthetic page geometry for the layout and paragraph tests: lines with boxes as a typesetter sets them.

Each builder returns the lines it set and the paragraphs a reader would take from them, so a test
can shuffle the lines into engine order (top to bottom across the page) and compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pipeline.document import Box, Direction, Line, Page

SENTENCES = [
    "今年以来全市经济运行稳中有进，重点项目建设持续加快。",
    "记者从市发展改革委获悉，一季度完成投资同比增长百分之八点五。",
    "街道组织干部深入社区走访群众，收集意见建议三百余条。",
    "在产业园区，一批新签约企业正在抓紧施工，力争年内投产。",
    "据介绍，该项目总投资约十二亿元，建成后可提供就业岗位两千个。",
    "下一步，有关部门将继续优化营商环境，为企业发展提供更好服务。",
    "专家认为，消费市场回暖为经济增长注入了新的动力。",
    "社区工作人员表示，将把群众的急难愁盼问题放在心上、抓在手上。",
]


def paragraph(seed: int, sentences: int = 3) -> str:
    return "".join(SENTENCES[(seed + k) % len(SENTENCES)] for k in range(sentences))


@dataclass
class Sheet:
    """Lines set so far, the expected reading paragraphs, and the page size."""

    width: int
    height: int
    lines: list[Line] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    cut: bool = False  # the last column set ended inside a paragraph

    def text_line(self, text: str, x: float, y: float, size: float) -> Line:
        line = Line(text, Box(x, y, x + len(text) * size, y + size), 0.99)
        self.lines.append(line)
        return line

    def heading(self, text: str, x: float, y: float, size: float) -> float:
        self.text_line(text, x, y, size)
        self.expected.append(text)
        return y + size * 1.6

    def column_text(self, paragraphs: list[str], x: float, y: float, chars: int, size: float, rows: int, continued: bool = False) -> tuple[list[str], float]:
        """Set paragraphs into a column of `chars` per line, at most `rows` lines; return the rest and end y.

        A paragraph cut at the foot of the column carries on in the next column without indent
        (`self.cut` tells the next column whether it continues one).
        """
        pending = list(paragraphs)
        first_piece = continued
        row = 0
        while pending and row < rows:
            text = pending[0]
            indent = 0 if first_piece else 2
            take = chars - indent
            piece, rest = text[:take], text[take:]
            self.text_line(piece, x + indent * size, y + row * size * 1.5, size)
            row += 1
            if rest:
                pending[0] = rest
                first_piece = True
            else:
                pending.pop(0)
                first_piece = False
        self.cut = first_piece
        return pending, y + row * size * 1.5

    def vertical_column(self, text: str, x: float, y: float, size: float) -> Line:
        line = Line(text, Box(x, y, x + size, y + len(text) * size), 0.99, Direction.VERTICAL)
        self.lines.append(line)
        return line

    def page(self) -> Page:
        """The page with its lines in engine order: top to bottom, then left to right."""
        ordered = sorted(self.lines, key=lambda l: (round(l.box.y0 / 10), l.box.x0))
        return Page(number=1, width=self.width, height=self.height, lines=ordered)


def flow(sheet: Sheet, paragraphs: list[str], columns: list[float], top: float, chars: int, size: float, rows: int) -> None:
    """Flow paragraphs through columns left to right; record them as expected reading paragraphs."""
    sheet.expected.extend(paragraphs)
    pending = list(paragraphs)
    for x in columns:
        pending, _ = sheet.column_text(pending, x, top, chars, size, rows, sheet.cut)
    assert not pending, "test page too small for its text"


def three_columns_with_partial_headline() -> Sheet:
    """A headline spanning two of three columns; the third column starts beside it (same article)."""
    sheet = Sheet(1000, 900)
    size = 20.0
    sheet.heading("全市重点项目建设跑出加速度", 40, 40, 44)
    body = [paragraph(i, 3) for i in range(5)]
    sheet.expected.extend(body)
    pending, _ = sheet.column_text(body, 40, 130, 14, size, 13)
    pending, _ = sheet.column_text(pending, 340, 130, 14, size, 13, sheet.cut)
    pending, _ = sheet.column_text(pending, 640, 40, 14, size, 30, sheet.cut)
    assert not pending
    return sheet


def two_articles_with_rule() -> tuple[Sheet, Box]:
    """Two articles stacked, each with a full-width headline and two columns; a rule between them."""
    sheet = Sheet(800, 1000)
    size = 20.0
    y = sheet.heading("第一篇文章的标题", 40, 40, 40)
    flow(sheet, [paragraph(0, 2), paragraph(3, 2)], [40, 420], y + 10, 16, size, 5)
    rule = Box(30, 470, 770, 472)
    y = sheet.heading("第二篇文章的标题", 40, 500, 40)
    flow(sheet, [paragraph(5, 2), paragraph(1, 2)], [40, 420], y + 10, 16, size, 5)
    return sheet, rule


def vertical_page() -> Sheet:
    """Vertical text read top to bottom, columns right to left, with a vertical headline at the right."""
    sheet = Sheet(700, 800)
    size = 24.0
    headline = "春风吹绿万顷田"
    sheet.vertical_column(headline, 620, 40, 40)
    sheet.expected.append(headline)
    text = paragraph(2, 2) + paragraph(4, 1)
    rows = 20
    x = 560.0
    for start in range(0, len(text), rows):
        sheet.vertical_column(text[start : start + rows], x, 60, size)
        x -= size * 1.6
    sheet.expected.append(text)
    return sheet


def turn_sheet(sheet: Sheet, degrees: float) -> Sheet:
    """The sheet's lines turned by `degrees` about its centre, reported as turned polygons."""
    angle = math.radians(degrees)
    cx, cy = sheet.width / 2, sheet.height / 2

    def turn(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        return cx + dx * math.cos(angle) - dy * math.sin(angle), cy + dx * math.sin(angle) + dy * math.cos(angle)

    for line in sheet.lines:
        b = line.box
        line.polygon = [turn(b.x0, b.y0), turn(b.x1, b.y0), turn(b.x1, b.y1), turn(b.x0, b.y1)]
        line.box = Box.from_points(line.polygon)
    return sheet
