"""Paragraphs from geometry: indents, short last lines, and paragraphs running on into the next column."""

from __future__ import annotations

from pipeline import paragraphs
from pipeline.document import Block, Box, Direction, Line, Page, Role, reading_paragraphs


def horizontal_block(rows: list[tuple[int, str]], x: float = 0, y: float = 0, size: float = 10, role: Role = Role.BODY, article: int = 1) -> Block:
    """rows: (indent in characters, text)."""
    lines = [Line(text, Box(x + indent * size, y + i * 15, x + (indent + len(text)) * size, y + i * 15 + size)) for i, (indent, text) in enumerate(rows)]
    return Block(role=role, box=Box.enclosing([l.box for l in lines]), lines=lines, article=article)


def test_indent_and_short_last_line_end_paragraphs():
    block = horizontal_block([(2, "一二三四五六七八"), (0, "一二三四五六七八九十"), (0, "一二三。"), (2, "一二三四五六七八"), (0, "一二三四五六七八九十")])
    paragraphs.build(Page(blocks=[block]))
    assert [(p.first_line, p.line_count) for p in block.paragraphs] == [(0, 3), (3, 2)]
    assert block.paragraphs[0].text == "一二三四五六七八一二三四五六七八九十一二三。"


def test_a_paragraph_running_into_the_next_column_is_one_paragraph():
    left = horizontal_block([(2, "一二三四五六七八"), (0, "一二三四五六七八九十")])
    right = horizontal_block([(0, "甲乙丙丁戊己庚辛壬癸"), (0, "甲乙。")], x=120)
    page = paragraphs.build(Page(blocks=[left, right]))
    assert right.paragraphs[0].continues
    assert [p.text for p in reading_paragraphs(page)] == ["一二三四五六七八一二三四五六七八九十甲乙丙丁戊己庚辛壬癸甲乙。"]


def test_an_indented_column_head_starts_a_new_paragraph():
    left = horizontal_block([(2, "一二三四五六七八"), (0, "一二三四五六七八九。")])
    right = horizontal_block([(2, "甲乙丙丁戊己庚辛"), (0, "甲乙。")], x=120)
    paragraphs.build(Page(blocks=[left, right]))
    assert not right.paragraphs[0].continues


def test_other_articles_and_headings_do_not_continue():
    left = horizontal_block([(2, "一二三四五六七八"), (0, "一二三四五六七八九十")])
    other = horizontal_block([(0, "甲乙丙丁戊己庚辛壬癸"), (0, "甲乙。")], x=120, article=2)
    paragraphs.build(Page(blocks=[left, other]))
    assert not other.paragraphs[0].continues
    heading = horizontal_block([(0, "标题文字"), (0, "第二行")], role=Role.HEADLINE)
    paragraphs.build(Page(blocks=[heading]))
    assert [p.text for p in heading.paragraphs] == ["标题文字第二行"]


def test_vertical_block_uses_top_indent_and_short_columns():
    size = 10
    columns = [(2, "一二三四五六七八"), (0, "一二三。"), (2, "甲乙丙丁戊己庚辛"), (0, "甲乙丙丁戊己庚辛壬癸")]
    lines = [Line(text, Box(300 - i * 15, indent * size, 310 - i * 15, (indent + len(text)) * size), direction=Direction.VERTICAL) for i, (indent, text) in enumerate(columns)]
    block = Block(role=Role.BODY, direction=Direction.VERTICAL, box=Box.enclosing([l.box for l in lines]), lines=lines, article=1)
    paragraphs.build(Page(blocks=[block]))
    assert [p.text for p in block.paragraphs] == ["一二三四五六七八一二三。", "甲乙丙丁戊己庚辛甲乙丙丁戊己庚辛壬癸"]


def test_lines_wrapped_around_a_picture_are_not_short():
    rows = [(2, "一二三四五六七八"), (0, "一二三四五六七八九十"), (0, "一二三四五六"), (0, "一二三四五六"), (0, "一二三四五六七八九十"), (0, "一二。")]
    block = horizontal_block(rows)
    page = Page(blocks=[block], meta={"layout": {"pictures": [[70, 28, 100, 62]]}})  # beside rows 2 and 3
    paragraphs.build(page)
    assert len(block.paragraphs) == 1
    paragraphs.build(Page(blocks=[block]))  # without the picture the wrapped rows look short
    assert len(block.paragraphs) > 1


def vertical_block(columns: list[tuple[int, str]], x: float, size: float = 10) -> Block:
    """columns: (indent in characters from the top, text), right to left from x."""
    lines = [Line(text, Box(x - i * 15, indent * size, x - i * 15 + size, (indent + len(text)) * size), direction=Direction.VERTICAL) for i, (indent, text) in enumerate(columns)]
    return Block(role=Role.BODY, direction=Direction.VERTICAL, box=Box.enclosing([l.box for l in lines]), lines=lines, article=1)


def test_a_one_column_title_set_lower_than_its_neighbours_does_not_continue_them():
    """Without punctuation (an 1872 page), a short column set four characters down after full
    columns is a title (本館條例), not the tail of the paragraph beside it."""
    full = vertical_block([(0, "一二三四五六七八九十"), (0, "甲乙丙丁戊己庚辛壬癸")], x=300)
    title = vertical_block([(4, "本館條例")], x=270)
    foot = vertical_block([(0, "子丑寅卯")], x=270)
    page = paragraphs.build(Page(blocks=[full, title]))
    assert not title.paragraphs[0].continues and len(list(reading_paragraphs(page))) == 2
    paragraphs.build(Page(blocks=[full, foot]))
    assert foot.paragraphs[0].continues  # a column starting at the top does carry on
