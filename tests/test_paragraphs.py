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


def test_vertical_columns_wrapped_above_a_picture_are_not_short():
    size = 10
    columns = [(2, "一二三四五六七八"), (0, "一二三四五六七八九十"), (0, "一二三四五六"), (0, "一二三四五六"), (0, "一二三四五六七八九十"), (0, "一二。")]
    lines = [Line(text, Box(300 - i * 15, indent * size, 310 - i * 15, (indent + len(text)) * size), direction=Direction.VERTICAL) for i, (indent, text) in enumerate(columns)]
    block = Block(role=Role.BODY, direction=Direction.VERTICAL, box=Box.enclosing([l.box for l in lines]), lines=lines, article=1)
    page = Page(blocks=[block], meta={"layout": {"pictures": [[252, 70, 282, 100]]}})  # below columns 2 and 3
    paragraphs.build(page)
    assert len(block.paragraphs) == 1
    paragraphs.build(Page(blocks=[block]))  # without the picture the wrapped columns look short
    assert len(block.paragraphs) > 1


def test_a_skewed_page_is_measured_upright():
    """On a scan turned by 2.5° a column's line starts drift by two characters over 30 lines; the
    drift is not an indent once the lines are measured in the frame layout deskewed."""
    from pipeline.layout.skew import Rotation

    size, degrees, centre = 20, 2.5, (300, 500)
    rotation = Rotation(degrees, centre)
    rows = [(2, "一二三四五六七八")] + [(0, "一二三四五六七八九十")] * 28 + [(0, "一二三。")]
    lines = []
    for i, (indent, text) in enumerate(rows):
        upright = Box(100 + indent * size, 50 + i * 30, 100 + (indent + len(text)) * size, 50 + i * 30 + size)
        lines.append(Line(text, rotation.original(upright)))
    block = Block(role=Role.BODY, box=Box.enclosing([l.box for l in lines]), lines=lines, article=1)
    paragraphs.build(Page(width=600, height=1000, blocks=[block], meta={"layout": {"skew_degrees": degrees}}))
    assert len(block.paragraphs) == 1
    paragraphs.build(Page(width=600, height=1000, blocks=[block]))  # measured in the scan's frame, the drift reads as indents
    assert len(block.paragraphs) > 1


def test_an_indented_first_line_set_apart_as_its_own_block_runs_on_into_the_block_under_it():
    first = horizontal_block([(2, "一二三四五六七八")])
    rest = horizontal_block([(0, "一二三四五六七八九十"), (0, "一二。")], y=15)
    page = paragraphs.build(Page(blocks=[first, rest]))
    assert [p.text for p in reading_paragraphs(page)] == ["一二三四五六七八一二三四五六七八九十一二。"]
    short = horizontal_block([(2, "一二三。")])  # a short line does end its paragraph
    rest = horizontal_block([(0, "一二三四五六七八九十"), (0, "一二。")], y=15)
    assert len(list(reading_paragraphs(paragraphs.build(Page(blocks=[short, rest]))))) == 2


def test_a_lone_indented_full_line_at_a_column_foot_runs_on_into_the_next_column():
    foot = horizontal_block([(2, "一二三四五六七八")], y=300)
    head = horizontal_block([(0, "甲乙丙丁戊己庚辛壬癸"), (0, "甲乙。")], x=120)
    paragraphs.build(Page(blocks=[foot, head]))
    assert head.paragraphs[0].continues
    foot = horizontal_block([(2, "一二三四五")], y=300)  # three characters short: its paragraph ends
    paragraphs.build(Page(blocks=[foot, head]))
    assert not head.paragraphs[0].continues


def test_a_lone_full_line_opening_with_a_half_inked_mark_runs_on_into_the_next_column():
    # p12: "《" inks the right half of its cell, so the line's box starts half a cell late and its
    # pitch reads small; measured in the next column's type the line is one indent short: full
    foot = Block(role=Role.BODY, lines=[Line("《金眺繪莒、燦光耀", Box(74, 300, 337, 333))], article=1)
    foot.box = foot.lines[0].box
    head = Block(role=Role.BODY, lines=[Line(t, Box(365, 45 * i, 705, 45 * i + 33)) for i, t in enumerate(["樓門》將於莒光樓持續", "點亮，誠摯邀請民眾漫"])], article=1)
    head.box = Box.enclosing([l.box for l in head.lines])
    paragraphs.build(Page(blocks=[foot, head]))
    assert head.paragraphs[0].continues


def test_a_line_cut_in_two_blocks_reads_on_and_the_whole_line_decides_the_next_column():
    column = horizontal_block([(2, "一二三四五六七八"), (0, "一二三四五六七八九十"), (0, "一二三")])
    piece = horizontal_block([(0, "四五六七八九十")], x=40, y=30)  # the rest of the column's last line
    head = horizontal_block([(0, "甲乙丙丁戊己庚辛壬癸"), (0, "甲乙。")], x=120)
    page = paragraphs.build(Page(blocks=[column, piece, head]))
    assert piece.paragraphs[0].continues and head.paragraphs[0].continues
    assert [p.text for p in reading_paragraphs(page)] == ["一二三四五六七八一二三四五六七八九十一二三四五六七八九十甲乙丙丁戊己庚辛壬癸甲乙。"]


def test_a_subtitle_cut_into_two_blocks_is_one_paragraph_but_the_byline_under_it_is_not():
    first = horizontal_block([(0, "——家运、水运、国运交")], role=Role.SUBTITLE)
    rest = horizontal_block([(0, "织")], y=15, role=Role.SUBTITLE)
    byline = horizontal_block([(0, "王玉西，刘亮")], y=30, role=Role.BYLINE)
    page = paragraphs.build(Page(blocks=[first, rest, byline]))
    assert [p.text for p in reading_paragraphs(page)] == ["——家运、水运、国运交织", "王玉西，刘亮"]
    far = horizontal_block([(0, "织")], y=60, role=Role.SUBTITLE)  # two line heights lower: another subtitle
    page = paragraphs.build(Page(blocks=[first, far]))
    assert len(list(reading_paragraphs(page))) == 2


def test_a_subhead_wrapped_onto_a_second_centred_line_is_one_paragraph():
    first = horizontal_block([(1, "抓实项目 稳住基本")], role=Role.SUBHEAD)
    rest = horizontal_block([(5, "盘")], y=15, role=Role.SUBHEAD)
    body = horizontal_block([(2, "拜登笑着回答，"), (0, "一二三四五六七八九十")], y=30)
    page = paragraphs.build(Page(blocks=[first, rest, body]))
    assert [p.text for p in reading_paragraphs(page)][:2] == ["抓实项目 稳住基本盘", "拜登笑着回答，一二三四五六七八九十"]


def test_a_column_head_without_indent_carries_on_a_last_line_that_only_measures_a_little_short():
    column = horizontal_block([(2, "一二三四五六七八"), (0, "一二三四五六七八。")])  # 1.0 short: the stop's narrow ink
    head = horizontal_block([(0, "甲乙丙丁戊己庚辛壬癸"), (0, "甲乙。")], x=120)
    paragraphs.build(Page(blocks=[column, head]))
    assert head.paragraphs[0].continues
    indented = horizontal_block([(2, "甲乙丙丁戊己庚辛"), (0, "甲乙。")], x=120)
    paragraphs.build(Page(blocks=[column, indented]))
    assert not indented.paragraphs[0].continues
    short = horizontal_block([(2, "一二三四五六七八"), (0, "一二三四五六。")])  # three characters short
    paragraphs.build(Page(blocks=[short, head]))
    assert not head.paragraphs[0].continues


def test_a_vertical_paragraph_wrapped_above_a_picture_goes_on_in_the_next_block():
    size = 10
    def column(i: int, indent: int, text: str) -> Line:
        return Line(text, Box(300 - i * 15, indent * size, 310 - i * 15, (indent + len(text)) * size), direction=Direction.VERTICAL)
    wrapped = [column(0, 2, "一二三四"), column(1, 0, "一二三四五六"), column(2, 0, "一二三四五六")]
    full = [column(3, 0, "甲乙丙丁戊己庚辛壬癸"), column(4, 0, "甲乙丙丁戊己庚辛壬癸"), column(5, 0, "甲乙。")]
    first = Block(role=Role.BODY, direction=Direction.VERTICAL, box=Box.enclosing([l.box for l in wrapped]), lines=wrapped, article=1)
    second = Block(role=Role.BODY, direction=Direction.VERTICAL, box=Box.enclosing([l.box for l in full]), lines=full, article=1)
    page = Page(blocks=[first, second], meta={"layout": {"pictures": [[260, 70, 312, 100]]}})  # under the first block
    paragraphs.build(page)
    assert second.paragraphs[0].continues
    paragraphs.build(Page(blocks=[first, second]))  # without the picture its last column looks short
    assert not second.paragraphs[0].continues


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


def test_caption_pieces_under_one_picture_are_one_caption_and_other_pictures_captions_are_not():
    """The engine read a caption under a photo in pieces; the caption under the next photo is its own."""
    picture, other = Box(90, 2300, 685, 2490), Box(90, 1500, 685, 1690)
    row = horizontal_block([(0, "內村鎮銀行主發起機構種類繁多的特")], x=235, y=2502, size=27, role=Role.CAPTION)
    piece = Line("根周", Box(87, 2497, 118, 2585), direction=Direction.VERTICAL)
    head = Block(role=Role.CAPTION, direction=Direction.VERTICAL, box=piece.box, lines=[piece], article=1)
    below_other = horizontal_block([(0, "其實我們站在這裏。（通訊員供圖）")], x=90, y=1700, size=27, role=Role.CAPTION)
    page = paragraphs.build(Page(blocks=[row, head, below_other], meta={"layout": {"pictures": [picture.to_list(), other.to_list()]}}))
    assert [p.text for p in reading_paragraphs(page)] == ["內村鎮銀行主發起機構種類繁多的特根周", "其實我們站在這裏。（通訊員供圖）"]
