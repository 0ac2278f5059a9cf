"""Layout: blocks, roles, reading order and articles on synthetic page geometry (no models)."""

from __future__ import annotations

import numpy as np

from pipeline import layout, paragraphs
from pipeline.config import LayoutConfig
from pipeline.document import Block, Box, Direction, Line, Page, Role, reading_paragraphs
from pipeline.layout import blocks, direction, regions, roles
from tests.layout_pages import Sheet, flow, turn_sheet, paragraph, three_columns_with_partial_headline, two_articles_with_rule, vertical_page


def run(page: Page, image: np.ndarray | None = None, engine=None) -> Page:
    return paragraphs.build(layout.analyze(page, image, LayoutConfig(), engine))


def texts(page: Page, keep_furniture: bool = False) -> list[str]:
    return [p.text for p in reading_paragraphs(page, keep_furniture)]


def blank(sheet: Sheet) -> np.ndarray:
    return np.full((sheet.height, sheet.width), 255, np.uint8)


def test_headline_spanning_two_of_three_columns_reads_column_by_column():
    sheet = three_columns_with_partial_headline()
    page = run(sheet.page())
    assert texts(page) == sheet.expected
    assert page.blocks[0].role is Role.HEADLINE
    assert [a.headline for a in page.articles] == ["全市重点项目建设跑出加速度"]


def test_two_articles_separated_by_a_rule():
    sheet, rule = two_articles_with_rule()
    image = blank(sheet)
    image[int(rule.y0) : int(rule.y1) + 1, int(rule.x0) : int(rule.x1)] = 0
    page = run(sheet.page(), image)
    assert texts(page) == sheet.expected
    assert [a.headline for a in page.articles] == ["第一篇文章的标题", "第二篇文章的标题"]
    assert {b.article for b in page.blocks[:3]} == {1}
    assert page.meta["layout"]["rules"], "the rule was not found in the image"


def test_vertical_page_reads_columns_right_to_left():
    sheet = vertical_page()
    page = run(sheet.page())
    assert texts(page) == sheet.expected
    assert page.blocks[0].role is Role.HEADLINE and page.blocks[0].direction is Direction.VERTICAL


def test_lines_merged_across_a_gutter_are_split():
    sheet = Sheet(800, 600)
    flow(sheet, [paragraph(0, 4), paragraph(4, 4)], [40, 400], 40, 15, 20.0, 12)
    by_row: dict[float, list[Line]] = {}
    for line in sheet.lines:
        by_row.setdefault(line.box.y0, []).append(line)
    merged = []
    for index, row in enumerate(by_row.values()):
        row.sort(key=lambda l: l.box.x0)
        if index % 3 == 1:  # the engine read every third row straight across the gutter
            merged.append(Line("".join(l.text for l in row), Box.enclosing([l.box for l in row]), 0.9))
        else:
            merged.extend(row)
    page = run(Page(number=1, width=800, height=600, lines=merged))
    assert texts(page) == sheet.expected


def test_padded_boxes_of_neighbouring_columns_are_not_joined_across_a_narrow_gutter():
    """Detector boxes are padded: across a gutter under a character wide, the boxes of two columns'
    lines stand a few pixels apart at the same height, like two pieces of one line."""
    sheet = Sheet(800, 600)
    size = 20.0
    flow(sheet, [paragraph(0, 4), paragraph(4, 4)], [40, 40 + 15 * size + 0.8 * size], 40, 15, size, 12)
    pad = 0.3 * size
    padded = [Line(l.text, Box(l.box.x0 - pad, l.box.y0 - pad, l.box.x1 + pad, l.box.y1 + pad), 0.95) for l in sheet.lines]
    page = run(Page(number=1, width=800, height=600, lines=sorted(padded, key=lambda l: (round(l.box.y0 / 10), l.box.x0))))
    assert texts(page) == sheet.expected


def test_vertical_columns_of_stacked_blocks_are_not_joined_across_a_narrow_gap():
    """Two blocks of vertical columns one above the other, the gap between them under a character
    (padded boxes): each column piece stays in its own block."""
    sheet = Sheet(700, 1100)
    size = 24.0
    text = paragraph(1, 4)
    top_foot = 40 + 20 * size
    for column in range(6):
        x = 560 - column * size * 1.6
        sheet.vertical_column(text[column * 20 : column * 20 + 20], x, 40, size)
        sheet.vertical_column(text[120 + column * 20 : 140 + column * 20] or "某", x, top_foot + 0.7 * size, size)
    page = run(sheet.page())
    lines = [l for b in page.blocks for l in b.lines]
    assert all(l.box.y1 <= top_foot + 1 or l.box.y0 >= top_foot for l in lines)


def test_vertical_read_across_line_ends_is_dropped():
    """The detector read the last characters of three body lines downwards as a short vertical
    column; kept, it would stand as a vertical headline."""
    sheet = Sheet(800, 600)
    size = 20.0
    flow(sheet, [paragraph(0, 4), paragraph(4, 4)], [40, 400], 40, 15, size, 12)
    ends = [l for l in sheet.lines if l.box.x0 < 400][3:6]
    cross = Line("".join(l.text[-1] for l in ends), Box(ends[0].box.x1 - size, ends[0].box.y0, ends[0].box.x1 + 2, ends[-1].box.y1), 0.99)
    page = run(Page(number=1, width=800, height=600, lines=sheet.page().lines + [cross]))
    assert texts(page) == sheet.expected
    assert page.meta["layout"]["specks"][0]["text"] == cross.text


def test_overlapping_padded_pieces_of_a_headline_are_one_line():
    """The engine returned a headline row as two pieces whose padded boxes overlap by half a
    character: they are one headline line, not a headline and a subtitle."""
    sheet = three_columns_with_partial_headline()
    headline = next(l for l in sheet.lines if l.text == "全市重点项目建设跑出加速度")
    size = headline.box.height
    cut = 6
    left_end = headline.box.x0 + cut * size
    sheet.lines.remove(headline)
    sheet.lines.append(Line(headline.text[:cut], Box(headline.box.x0, headline.box.y0, left_end + 0.3 * size, headline.box.y1), 0.99))
    sheet.lines.append(Line(headline.text[cut:], Box(left_end - 0.2 * size, headline.box.y0 - 2, headline.box.x1, headline.box.y1), 0.99))
    page = run(sheet.page())
    assert page.blocks[0].role is Role.HEADLINE
    assert [a.headline.replace(" ", "") for a in page.articles] == ["全市重点项目建设跑出加速度"]


def test_header_and_footer_are_furniture():
    sheet = three_columns_with_partial_headline()
    for line in sheet.lines:  # make room for the header
        line.box = Box(line.box.x0, line.box.y0 + 40, line.box.x1, line.box.y1 + 40)
    sheet.height = 1000
    sheet.text_line("2024年5月1日 星期三", 40, 10, 16)
    sheet.text_line("责任编辑：王小明", 700, 960, 16)
    page = run(sheet.page())
    assert texts(page) == sheet.expected
    assert page.blocks[0].role is Role.HEADER and page.blocks[-1].role is Role.FOOTER
    assert page.blocks[0].article is None
    kept = texts(page, keep_furniture=True)
    assert kept[0] == "2024年5月1日 星期三" and kept[-1] == "责任编辑：王小明"


def test_caption_under_a_picture():
    sheet = Sheet(800, 700)
    y = sheet.heading("新区建设掠影", 40, 40, 40)
    flow(sheet, [paragraph(1, 3)], [40], y, 15, 20.0, 30)
    image = blank(sheet)
    image[100:300, 420:760] = 90  # a photo
    sheet.text_line("新建成的产业园区（资料图片）", 430, 310, 16)
    page = run(sheet.page(), image)
    captions = [b for b in page.blocks if b.role is Role.CAPTION]
    assert [roles_text(b) for b in captions] == ["新建成的产业园区（资料图片）"]
    assert page.meta["layout"]["pictures"]


def roles_text(block) -> str:
    return "".join(l.text for l in block.lines)


def test_stacked_strips_become_vertical_columns_without_an_engine():
    # Three vertical columns cut into horizontal strips of one character per column.
    columns = ["一二三四五", "六七八九十", "甲乙丙丁戊"]  # read right to left: columns[0] is rightmost
    strips = []
    for row in range(5):
        text = "".join(columns[c][row] for c in (2, 1, 0))
        strips.append(Line(text, Box(100, 100 + row * 22, 100 + 3 * 40 - 20, 120 + row * 22), 0.8))
    page = run(Page(number=1, width=400, height=400, lines=strips))
    assert texts(page) == ["一二三四五六七八九十甲乙丙丁戊"]


class RegionEngine:
    """Stands in for an OCR engine: re-reading a vertical region returns its columns."""

    def __init__(self, columns: list[Line]):
        self.columns = columns
        self.calls: list[tuple[Box, Direction]] = []

    def read_region(self, image, box, direction):
        self.calls.append((box, direction))
        return list(self.columns)


def test_vertical_region_is_reread_by_the_engine():
    strips = [Line("春风", Box(100, 100 + r * 22, 180, 120 + r * 22), 0.5) for r in range(4)]
    columns = [Line("春风吹绿", Box(150, 100, 170, 186), 0.9, Direction.VERTICAL), Line("万顷良田", Box(105, 100, 125, 186), 0.9, Direction.VERTICAL)]
    engine = RegionEngine(columns)
    page = run(Page(number=1, width=400, height=400, lines=strips), np.full((400, 400), 255, np.uint8), engine)
    assert engine.calls and engine.calls[0][1] is Direction.VERTICAL
    assert texts(page) == ["春风吹绿万顷良田"]


def test_regions_finds_rules_frames_and_pictures():
    image = np.full((600, 800), 255, np.uint8)
    image[50:52, 20:780] = 0  # horizontal rule
    image[100:580, 400:402] = 0  # vertical rule
    image[120:122, 40:360] = 0  # frame
    image[300:302, 40:360] = 0
    image[120:302, 40:42] = 0
    image[120:302, 358:360] = 0
    image[350:550, 450:750] = 60  # picture
    found = regions.find_regions(image, [Box(60, 140, 340, 160)], 20.0)
    assert any(r.width > 700 for r in found.horizontal_rules)
    assert any(r.height > 400 for r in found.vertical_rules)
    assert any(abs(f.x0 - 40) < 5 and abs(f.y1 - 302) < 5 for f in found.frames)
    assert any(p.intersection_area(Box(450, 350, 750, 550)) > 0.8 * 300 * 200 for p in found.pictures)


def test_direction_marks_tall_boxes_vertical():
    tall = Line("春风吹绿", Box(0, 0, 20, 90))
    wide = Line("春风吹绿", Box(0, 0, 90, 20))
    direction.mark_vertical([tall, wide])
    assert tall.direction is Direction.VERTICAL and wide.direction is Direction.HORIZONTAL


def test_lines_without_boxes_keep_engine_order():
    page = run(Page(number=1, lines=[Line("第二行。"), Line("第一行。")]))
    assert "".join(texts(page)) == "第二行。第一行。"
    assert page.warnings


def column_with_subhead(extra_space: float) -> Sheet:
    sheet = Sheet(500, 900)
    size = 20.0
    first, second = paragraph(0, 2), paragraph(3, 2)
    sheet.expected += [first, "项目为王 再创新局面", second]
    _, y = sheet.column_text([first], 40, 40, 15, size, 20)
    sheet.text_line("项目为王 再创新局面", 40 + 2.5 * size, y + extra_space, size)
    sheet.column_text([second], 40, y + 1.5 * size + 2 * extra_space, 15, size, 20)
    return sheet


def test_section_subhead_inside_a_column_stands_alone():
    for extra_space in (0.0, 12.0):  # set in the line grid, or with extra space around it
        sheet = column_with_subhead(extra_space)
        page = run(sheet.page())
        assert texts(page) == sheet.expected, extra_space
        assert [b.role for b in page.blocks if "项目为王" in roles_text(b)] == [Role.SUBHEAD]


def test_large_short_block_among_body_is_a_keyword_and_jump_line_is_found():
    sheet = three_columns_with_partial_headline()
    sheet.text_line("攻坚", 340, 560, 48)
    sheet.text_line("（下转第二版）", 640, 230, 20)
    page = run(sheet.page())
    roles_by_text = {roles_text(b): b.role for b in page.blocks}
    assert roles_by_text["攻坚"] is Role.KEYWORD
    assert roles_by_text["（下转第二版）"] is Role.JUMP
    assert [a.headline for a in page.articles] == ["全市重点项目建设跑出加速度"]


def turned_sheet(degrees: float, upright_rectangles: bool, sheet: Sheet | None = None) -> Sheet:
    """The page (by default the three-column one) turned by `degrees`; with `upright_rectangles` the
    engine reports each line as the upright rectangle round it (as RapidOCR does), not a turned polygon."""
    sheet = turn_sheet(sheet or three_columns_with_partial_headline(), degrees)
    if upright_rectangles:
        for line in sheet.lines:
            line.box = Box(*(round(v) for v in line.box.to_list()))
            line.polygon = [[line.box.x0, line.box.y0], [line.box.x1, line.box.y0], [line.box.x1, line.box.y1], [line.box.x0, line.box.y1]]
    return sheet


def test_skewed_page_is_read_as_if_straight():
    sheet = turned_sheet(2.0, upright_rectangles=False)
    page = run(sheet.page())
    assert texts(page) == sheet.expected
    assert abs(page.meta["layout"]["skew_degrees"] - 2.0) < 0.2
    assert all(l.polygon is not None for b in page.blocks for l in b.lines)  # original lines kept


def test_skew_is_found_from_drifting_column_edges_when_boxes_are_upright_rectangles():
    sheet = turned_sheet(2.0, upright_rectangles=True)
    page = run(sheet.page())
    assert abs(page.meta["layout"]["skew_degrees"] - 2.0) < 0.3
    assert texts(page) == sheet.expected


def test_skew_of_a_vertical_page_is_found_from_the_drifting_ends_of_its_columns():
    for degrees in (-1.5, 1.5):
        sheet = turned_sheet(degrees, upright_rectangles=True, sheet=vertical_page())
        page = run(sheet.page())
        assert abs(page.meta["layout"]["skew_degrees"] - degrees) < 0.3, degrees
        assert texts(page) == sheet.expected


def test_l_shaped_article_keeps_its_short_third_column():
    """Article A: headline over three columns, body through columns 1-2 and the top of column 3;
    article B sits under it in column 3 with its own headline."""
    sheet = Sheet(1000, 1000)
    size = 20.0
    sheet.heading("第一篇文章的标题横跨整整三栏宽度", 40, 40, 44)
    body_a = [paragraph(i, 2) for i in range(8)]
    sheet.expected.extend(body_a)
    pending, _ = sheet.column_text(body_a, 40, 120, 14, size, 16)
    pending, _ = sheet.column_text(pending, 340, 120, 14, size, 16, sheet.cut)
    pending, _ = sheet.column_text(pending, 640, 120, 14, size, 16, sheet.cut)
    assert not pending
    y = sheet.heading("第二篇标题", 640, 640, 36)
    flow(sheet, [paragraph(5, 2)], [640], y, 14, size, 12)
    page = run(sheet.page())
    assert texts(page) == sheet.expected
    assert [a.headline for a in page.articles] == ["第一篇文章的标题横跨整整三栏宽度", "第二篇标题"]


def test_text_missed_by_the_page_ocr_is_reread_and_photos_are_not():
    image = np.full((600, 800), 255, np.uint8)
    for column in range(8):  # vertical columns of "characters" with no OCR line on them
        for row in range(10):
            x, y = 420 + column * 40, 60 + row * 28
            image[y : y + 24, x : x + 24] = 0
            image[y + 8 : y + 16, x + 4 : x + 20] = 255
    image[420:560, 60:300] = 80  # a photo
    found = regions.find_regions(image, [], 24.0)
    assert [d for _, d in found.unread_text] == [Direction.VERTICAL]
    assert len(found.pictures) == 1 and found.pictures[0].x0 < 100
    columns = [Line("春风吹绿", Box(700, 60, 724, 380), 0.9, Direction.VERTICAL), Line("万顷良田", Box(660, 60, 684, 380), 0.9, Direction.VERTICAL)]
    engine = RegionEngine(columns)
    page = run(Page(number=1, width=800, height=600, lines=[Line("标题", Box(40, 20, 88, 44), 0.9)]), image, engine)
    assert engine.calls and engine.calls[0][1] is Direction.VERTICAL
    assert "春风吹绿万顷良田" in texts(page)


def test_line_ends_read_again_from_a_region_are_dropped_and_missed_lines_kept():
    """On a skewed page the upright boxes of a column's lines stop short of their last characters;
    re-reading that strip returns the line ends again, which the page lines already hold."""
    lines = [Line("今年以来全市经济运行", Box(100, 100 + 40 * r, 400, 130 + 40 * r), 0.9) for r in range(3)]
    ends = [Line("运行", Box(380, 100 + 40 * r, 440, 130 + 40 * r), 0.9) for r in range(3)]
    missed = Line("稳中有进", Box(100, 300, 220, 330), 0.9)
    engine = RegionEngine(ends + [missed])
    image = np.full((400, 500), 255, np.uint8)
    read = layout._read_missed_text(list(lines), [(Box(380, 100, 440, 330), Direction.HORIZONTAL)], image, engine, None, {})
    assert [l.text for l in read] == [l.text for l in lines] + ["稳中有进"]


def test_article_inside_the_l_of_another_is_read_after_it():
    """Rules box article B into the lower right; article A reads its three columns first."""
    sheet = Sheet(1000, 1000)
    size = 20.0
    sheet.heading("第一篇文章的标题横跨整整三栏宽度", 40, 40, 44)
    body_a = [paragraph(i, 2) for i in range(10)]
    sheet.expected.extend(body_a)
    pending, _ = sheet.column_text(body_a, 40, 120, 14, size, 26)
    pending, _ = sheet.column_text(pending, 340, 120, 14, size, 26, sheet.cut)
    pending, _ = sheet.column_text(pending, 640, 120, 14, size, 9, sheet.cut)
    assert not pending
    y = sheet.heading("第二篇标题", 645, 460, 36)
    flow(sheet, [paragraph(5, 2)], [645], y, 14, size, 12)
    image = blank(sheet)
    image[430:432, 625:960] = 0  # rule across under column 3's top part
    image[430:930, 625:627] = 0  # rule down beside article B
    page = run(sheet.page(), image)
    assert texts(page) == sheet.expected
    assert [a.headline for a in page.articles] == ["第一篇文章的标题横跨整整三栏宽度", "第二篇标题"]


def test_lead_in_a_frame_stays_with_its_headline():
    sheet = Sheet(900, 1400)
    size = 20.0
    y = sheet.heading("框里的导语属于这篇文章", 40, 300, 44)
    lead = paragraph(2, 4)
    sheet.expected.append(lead)
    _, end = sheet.column_text([lead], 60, y + 20, 38, size, 8)
    flow(sheet, [paragraph(4, 2), paragraph(6, 2)], [40, 460], end + 40, 19, size, 8)
    image = blank(sheet)
    image[int(y) + 5 : int(y) + 7, 45:850] = 0  # the frame around the lead
    image[int(end) + 5 : int(end) + 7, 45:850] = 0
    image[int(y) + 5 : int(end) + 7, 45:47] = 0
    image[int(y) + 5 : int(end) + 7, 848:850] = 0
    page = run(sheet.page(), image)
    assert texts(page) == sheet.expected
    assert page.meta["layout"]["frames"]
    assert len(page.articles) == 1 and {b.role for b in page.blocks} >= {Role.HEADLINE, Role.LEAD, Role.BODY}


def test_a_short_last_vertical_column_stays_in_its_block():
    """A paragraph's last column of a few characters: its padded box makes its pitch look like
    larger type, but it is as thick as the column before it."""
    from pipeline.layout import blocks

    full = [Line("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅", Box(400 - i * 48, 100, 440 - i * 48, 865), 0.9, Direction.VERTICAL) for i in range(3)]
    tail = Line("息十足", Box(257, 99, 296, 221), 0.9, Direction.VERTICAL)
    found = blocks.group_lines(full + [tail], [])
    assert len(found) == 1 and found[0].lines[-1] is tail


def test_a_giant_letter_read_in_a_photo_is_dropped():
    body = [Line("一二三四五六七八九十甲乙丙丁", Box(900 - i * 40, 300, 936 - i * 40, 800), 0.9) for i in range(6)]
    photo_texture = Line("R", Box(100, 300, 284, 475), 0.6)
    masthead = Line("報", Box(100, 600, 284, 775), 0.95)
    page = run(Page(number=1, width=1000, height=1000, lines=body + [photo_texture, masthead]))
    assert "R" not in "".join(texts(page))
    assert [s["text"] for s in page.meta["layout"]["specks"]] == ["R"]


def test_a_column_under_a_giant_masthead_character_is_not_joined_to_it():
    from pipeline.layout import blocks

    giant = Line("報", Box(2532, 530, 3118, 1110), 0.94, Direction.VERTICAL)
    column = Line("作固大有益於天下也且夫天下至庶也", Box(2700, 1150, 2850, 4268), 0.9, Direction.VERTICAL)
    others = [Line("之語幾留心時務者於此可以得其機", Box(x, 1150, x + 150, 4268), 0.9, Direction.VERTICAL) for x in (2380, 2540, 2860, 3020)]
    joined = blocks.join_fragments([giant, column, *others], [])
    assert sorted(l.text for l in joined if "報" in l.text or "作固" in l.text) == ["作固大有益於天下也且夫天下至庶也", "報"]


def roles_block(rows: list[tuple[int, str]], size: float = 10) -> Block:
    """A body block of horizontal lines; rows: (indent in characters, text)."""
    lines = [Line(text, Box(indent * size, i * 15, (indent + len(text)) * size, i * 15 + size)) for i, (indent, text) in enumerate(rows)]
    return Block(Role.BODY, Direction.HORIZONTAL, Box.enclosing([l.box for l in lines]), lines)


def test_a_byline_whose_name_runs_onto_the_next_line_keeps_it():
    block = roles_block([(0, "本报通讯员 罗晓浩 通讯员"), (0, "邓晨"), (2, "食物环境卫生署食物安全中心"), (0, "今日公布第二季食物安全报告")])
    pieces = roles.split_special_lines(block)
    assert [(p.role, [l.text for l in p.lines]) for p in pieces][0] == (Role.BYLINE, ["本报通讯员 罗晓浩 通讯员", "邓晨"])
    assert pieces[1].lines[0].text.startswith("食物")
    block = roles_block([(0, "见习记者张晨刚通讯员"), (0, "宋鹏文"), (0, "台北市长郝龙斌上午"), (0, "出席颁奖典礼表示，台北")])
    assert [len(p.lines) for p in roles.split_special_lines(block)] == [2, 2]  # a title the byline pattern alone does not take


def test_names_alone_indented_at_a_column_head_are_the_byline():
    pieces = roles.split_special_lines(roles_block([(1.5, "（缪克梯）"), (2, "今年是林夫诞辰100周年。"), (0, "他不仅是我国新兴版画先驱之")]))
    assert [p.role for p in pieces] == [Role.BYLINE, Role.BODY]


def test_a_short_centred_line_ending_in_a_comma_is_running_text_not_a_subhead():
    rows = [(2, "一二三四五六七八九十一二"), (0, "一二三四五六七八九十一二三四"), (2, "中国大运河南起浙江，"), (0, "一二三四五六七八九十一二三四")]
    assert [p.role for p in roles.split_special_lines(roles_block(rows))] == [Role.BODY]
    rows[2] = (3, "项目为王再创新局")
    assert [p.role for p in roles.split_special_lines(roles_block(rows))] == [Role.BODY, Role.SUBHEAD, Role.BODY]


def test_a_dash_line_over_a_byline_at_a_column_head_is_the_subtitle():
    rows = [(0, "——活动详情可浏览专题网"), (0, "本报通讯员 孙浩"), (2, "庆祝香港特区回归20"), (0, "周年的巡回展览今日在荃")]
    assert [p.role for p in roles.split_special_lines(roles_block(rows))] == [Role.SUBTITLE, Role.BYLINE, Role.BODY]
    rows[1] = (0, "王玉西，刘亮")  # names alone under the subtitle
    assert [p.role for p in roles.split_special_lines(roles_block(rows))] == [Role.SUBTITLE, Role.BYLINE, Role.BODY]
    rows[0:2] = [(0, "温州银监分局还明确了监管"), (0, "记者宋军 通讯员宋涛")]  # the engine dropped the dash: still a heading line
    assert [p.role for p in roles.split_special_lines(roles_block(rows))] == [Role.SUBTITLE, Role.BYLINE, Role.BODY]
    rows[0] = (0, "会上，他还明确了监管底线。")
    assert [p.role for p in roles.split_special_lines(roles_block(rows))][0] is Role.BODY


def test_a_subtitle_opening_with_a_hyphen_for_its_dash_gives_up_the_byline_under_it():
    rows = [(0, "-占地面积达1600平方米的林夫纪念馆"), (0, "（缪克梯）")]  # OCR wrote the two-em dash as "-"
    block = roles_block(rows)
    roles.assign([block], 10, Box(0, 0, 1000, 1000), [], [], [])
    assert block.role is Role.SUBTITLE
    assert [p.role for p in roles.split_special_lines(block)] == [Role.SUBTITLE, Role.BYLINE]
    block = roles_block([(0, "——温州银监分局还明确了监管底线和定位要求"), (0, "记者宋军 通讯员宋涛")])
    block.role = Role.SUBTITLE
    assert [p.role for p in roles.split_special_lines(block)] == [Role.SUBTITLE, Role.BYLINE]
    assert not roles._starts_with_dash("-5℃的寒潮")


def test_a_short_line_ending_in_a_full_stop_read_as_a_period_is_not_a_subhead():
    def block(text: str, y: float, width: float) -> Block:
        line = Line(text, Box(0, y, width, y + 10))
        return Block(Role.BODY, Direction.HORIZONTAL, line.box, [line])

    above = roles_block([(2, "一二三四五六七八九十一二"), (0, "一二三四五六七八九十一二三四")])
    tail = block("多吨的铁船......", 30, 100)  # the engine's reading of "多吨的铁船……"
    below = roles_block([(2, "为减少航运货物对运河水"), (0, "一二三四五六七八九十一二三四")])
    below.box = Box(below.box.x0, 45, below.box.x1, 70)
    roles._lone_subheads([above, tail, below])
    assert tail.role is Role.BODY
    tail.lines[0].text = "多吨的铁船"
    roles._lone_subheads([above, tail, below])
    assert tail.role is Role.SUBHEAD


def test_a_centred_unpunctuated_line_set_apart_in_a_narrow_column_is_a_subhead():
    def block(rows, y):  # rows: (left offset in characters, text); lines 10 high at a 15 pitch
        lines = [Line(t, Box(x * 10, y + i * 15, x * 10 + len(t) * 10, y + i * 15 + 10)) for i, (x, t) in enumerate(rows)]
        return Block(Role.BODY, Direction.HORIZONTAL, Box.enclosing([l.box for l in lines]), lines)

    above = block([(2, "一二三四五六七"), (0, "一二三四五六七八九。")], 0)
    heading = block([(0.5, "守住底线惠及民生一")], 40)  # 9 of 10 characters wide, half a character in on each side
    below = block([(2, "一二三四五六七"), (0, "一二三四五六七八九十"), (0, "一二。")], 70)
    roles._lone_subheads([above, heading, below])
    assert heading.role is Role.SUBHEAD
    heading = block([(0.5, "守住底线惠及民生一")], 40)
    below = block([(2, "一二三四五六七"), (0, "一二三四五六七八九十"), (0, "一二。")], 55)  # in the line grid: running text
    roles._lone_subheads([above, heading, below])
    assert heading.role is Role.BODY


def test_body_size_lines_across_two_columns_under_the_headline_are_the_lead():
    def block(x, y, widths, role=Role.BODY, size=10):
        lines = [Line("字" * round(w / size), Box(x, y + i * 15, x + w, y + i * 15 + size)) for i, w in enumerate(widths)]
        return Block(role, Direction.HORIZONTAL, Box.enclosing([l.box for l in lines]), lines)

    headline = block(0, 0, [200], Role.HEADLINE, size=30)
    lead = block(0, 45, [210, 150])  # two columns wide
    left, right = block(0, 85, [100] * 6), block(110, 85, [100] * 6)
    roles._wide_leads([headline, lead, left, right], 10)
    assert lead.role is Role.LEAD and left.role is Role.BODY
    first_paragraph = block(0, 45, [100, 100])  # as wide as the column under it: the body's first paragraph
    roles._wide_leads([headline, first_paragraph, left, right], 10)
    assert first_paragraph.role is Role.BODY


def test_a_piece_cut_off_a_body_line_is_not_a_subhead_but_the_last_line_of_a_heading_is():
    def one_line(text, x, y, width, role=Role.SUBHEAD):
        line = Line(text, Box(x, y, x + width, y + 12))
        return Block(role, Direction.HORIZONTAL, line.box, [line])

    piece = one_line("心", 0, 100, 12)  # its padded box measures larger than the body type
    comma = one_line("薛鑫坤说，20年过去，", 0, 200, 100)
    subtitle = one_line("——家运、水运、国运", 300, 0, 100, Role.SUBTITLE)
    tail = one_line("交织", 300, 14, 24)
    lone_char = one_line("路", 0, 300, 14, Role.KEYWORD)  # measured large from its padded box
    word = one_line("攻坚", 0, 400, 40, Role.KEYWORD)
    roles._line_pieces_are_not_subheads([piece, comma, subtitle, tail, lone_char, word], 10)
    assert [b.role for b in (piece, comma, tail, lone_char, word)] == [Role.BODY, Role.BODY, Role.SUBHEAD, Role.BODY, Role.KEYWORD]


def test_a_centred_unpunctuated_line_set_off_by_space_inside_a_column_block_is_a_subhead():
    def column(heading_gap):
        rows = [(2, "一二三四五六七八"), (0, "一二三四五六七八九十"), (0, "神经科医生诊治。"), (0.5, "守住底线惠及民生一"), (2, "另据今日俄罗斯报"), (0, "道当地时间一二三四")]
        ys = [0, 15, 30, 45 + heading_gap, 60 + 2 * heading_gap, 75 + 2 * heading_gap]
        lines = [Line(t, Box(x * 10, y, x * 10 + len(t) * 10, y + 10)) for (x, t), y in zip(rows, ys)]
        return Block(Role.BODY, Direction.HORIZONTAL, Box.enclosing([l.box for l in lines]), lines)

    assert [p.role for p in roles.split_special_lines(column(8))] == [Role.BODY, Role.SUBHEAD, Role.BODY]
    assert [p.role for p in roles.split_special_lines(column(0))] == [Role.BODY]  # in the line grid: running text


def test_the_wrapped_tail_of_a_subhead_joins_it_but_a_flush_paragraph_line_does_not():
    def block(rows, y, role=Role.BODY):  # rows: (left offset in characters, text); a 10-character column
        lines = [Line(t, Box(x * 10, y + i * 15, x * 10 + len(t) * 10, y + i * 15 + 10)) for i, (x, t) in enumerate(rows)]
        return Block(role, Direction.HORIZONTAL, Box.enclosing([l.box for l in lines]), lines)

    def after_subhead(rows):
        subhead = block([(2, "水深道宽货运更高")], 0, Role.SUBHEAD)  # indented two, runs to the right edge
        column = block(rows, 15)
        return [b.role for b in roles.take_subhead_tails([subhead, column])], subhead

    found, subhead = after_subhead([(0, "效"), (2, "两千吨级的集装"), (0, "一二三四五六七八九十")])
    assert found == [Role.SUBHEAD, Role.BODY] and [l.text for l in subhead.lines] == ["水深道宽货运更高", "效"]
    _, subhead = after_subhead([(0, "效果"), (0, "一二三四五六七八九十")])  # the next line is not indented
    assert len(subhead.lines) == 1
    _, subhead = after_subhead([(0, "一二三四五六七八九十"), (2, "两千吨级的集装")])  # a full line: running text
    assert len(subhead.lines) == 1

def test_a_heading_block_in_the_headline_type_under_it_is_part_of_the_headline_not_its_subtitle():
    def heading(text, y, height, role=Role.HEADLINE):
        line = Line(text, Box(0, y, len(text) * height * 0.9, y + height))
        return Block(role, Direction.HORIZONTAL, line.box, [line])

    main = heading("温州创新监管护“最年轻银行”成", 0, 50)
    piece = heading("长", 55, 50, Role.SUBHEAD)  # the headline's last character, wrapped
    subtitle = heading("——温州银监分局还明确了监管底线", 110, 30, Role.SUBHEAD)
    roles._resolve_heading_clusters([main, piece, subtitle], 20)
    assert [b.role for b in (main, piece, subtitle)] == [Role.HEADLINE, Role.HEADLINE, Role.SUBTITLE]


def test_larger_lines_right_over_a_byline_are_the_headline_not_a_lead():
    def block(rows, y, size, role):
        lines = [Line(t, Box(0, y + i * size * 1.4, len(t) * size, y + i * size * 1.4 + size)) for i, t in enumerate(rows)]
        return Block(role, Direction.HORIZONTAL, Box.enclosing([l.box for l in lines]), lines)

    top = block(["4102.8米、5次、36度……", "我国深海采矿领域迎来自", "主研制“重器”"], 0, 12, Role.LEAD)
    column = block(["刘珊，刘亮", "央视网消息：深海大洋海底蕴藏", "着丰富的矿产资源。"], 52, 10, Role.BODY)
    roles._headlines_over_bylines([top, column], 10)
    assert top.role is Role.HEADLINE
    top.role = Role.LEAD
    headline = block(["深海采矿迎来重器"], -30, 20, Role.HEADLINE)  # under a headline it stays the lead
    roles._headlines_over_bylines([headline, top, column], 10)
    assert top.role is Role.LEAD


def test_vertical_columns_ending_just_over_a_picture_are_not_its_caption():
    lines = [Line("所以說深中通道也是大灣區", Box(300, 100, 336, 560), 0.9, Direction.VERTICAL), Line("多城生活變同城生活", Box(252, 100, 288, 440), 0.9, Direction.VERTICAL)]
    block = Block(role=Role.BODY, direction=Direction.VERTICAL, box=Box.enclosing([l.box for l in lines]), lines=lines)
    body_lines = [Line("一二三四五六七八九十甲乙丙", Box(800 - i * 48, 100, 836 - i * 48, 560), 0.9, Direction.VERTICAL) for i in range(8)]
    body = Block(role=Role.BODY, direction=Direction.VERTICAL, box=Box.enclosing([l.box for l in body_lines]), lines=body_lines)
    roles.assign([body, block], 36.0, Box(0, 0, 1000, 1400), [], [], [Box(100, 580, 350, 800)])
    assert block.role is Role.BODY


def test_a_small_character_after_a_giant_one_is_not_its_columns_tail():
    """Historic mastheads: the paper's name in giant type beside a date in small characters."""
    from pipeline.layout import blocks

    giant = Line("報", Box(2532, 530, 3118, 1110), 0.94, Direction.VERTICAL)
    small = Line("英", Box(2380, 560, 2510, 690), 0.9, Direction.VERTICAL)
    assert len(blocks.group_lines([giant, small], [])) == 2


def test_display_character_above_a_column_is_not_joined_to_it():
    """A masthead character four columns wide stands just above a body column (the 申報 page of
    1872): the column's x-range overlaps the character's only through a column of the page's other
    half, offset by half a column; it must stay a column of its own, not the character's tail."""
    masthead = Line("報", Box(253, 53, 312, 111), 0.9, Direction.VERTICAL)
    column = Line("作固大有益於天下也且夫天下至庶也", Box(311, 123, 324, 427), 0.9, Direction.VERTICAL)
    lower = Line("一本館之設新報原冀流傳廣遠故設法", Box(303, 478, 318, 839), 0.9, Direction.VERTICAL)
    others = [Line("之語幾留心時務者於此可以得其機", Box(x, 123, x + 13, 427), 0.9, Direction.VERTICAL) for x in (282, 296, 340, 354)]
    joined = blocks.join_fragments([masthead, column, lower, *others], [])
    assert sorted(l.text for l in joined if "報" in l.text or "作固" in l.text) == sorted([masthead.text, column.text, lower.text])


def test_a_date_set_beside_a_masthead_character_is_not_its_tail():
    """Single small characters of a date row (英 四 月) beside a masthead character five times
    their size: one- and two-character tails may be smaller than the line they follow, not of a
    far smaller type."""
    masthead = Line("報", Box(253, 53, 312, 111), 0.9, Direction.VERTICAL)
    date = [Line(ch, Box(x, 88, x + 12, 100), 0.9, Direction.VERTICAL) for ch, x in (("英", 229), ("四", 211), ("月", 193))]
    found = blocks.group_lines([masthead, *date], [])
    assert ["".join(l.text for l in b.lines) for b in found] == ["報", "英四月"]


def test_larger_vertical_columns_right_before_a_byline_are_the_headline_not_a_subhead():
    """A vertical article: two columns set a little larger than the body at its right, the byline
    low in the next column left of them, then the body."""
    def column(text, x, y, size):
        return Line(text, Box(x, y, x + size, y + len(text) * size), 0.9, Direction.VERTICAL)

    def block(lines, role):
        return Block(role, Direction.VERTICAL, Box.enclosing([l.box for l in lines]), lines)

    headline = block([column("我國科學家破解抗結核藥物", 1863, 100, 45), column("其衍生物作用機理", 1807, 100, 45)], Role.SUBHEAD)
    byline = block([column("(張建新、叢敏)", 1754, 400, 27)], Role.BYLINE)
    body = block([column("新華社天津7月8日電記者從南開大學瞭", 1700 - i * 48, 100, 35) for i in range(6)], Role.BODY)
    roles._vertical_headlines_before_bylines([headline, byline, body], 35)
    assert headline.role is Role.HEADLINE
    headline.role = Role.SUBHEAD  # a larger column after a headline, in the text, stays a subhead
    main = block([column("打造精品工程共建綠美家園", 1930, 100, 60)], Role.HEADLINE)
    roles._vertical_headlines_before_bylines([main, headline, byline, body], 35)
    assert headline.role is Role.SUBHEAD


def test_a_picture_is_as_wide_as_its_caption_so_columns_over_its_pale_edge_wrap_around_it():
    """Vertical columns end over a picture whose pale left part merged with the paper: the caption
    under it shows the picture's true width, and the column over that part is full, not short."""
    full = [Line("一二三四五六七八九十甲乙丙丁戊己", Box(1000 - i * 48, 200, 1036 - i * 48, 776), 0.9, Direction.VERTICAL) for i in range(4)]
    wrapped = [Line("一二三四五六七八九十甲乙丙", Box(1000 - i * 48, 200, 1036 - i * 48, 704), 0.9, Direction.VERTICAL) for i in range(4, 9)]
    last = Line("村建設。", Box(1000 - 9 * 48, 200, 1036 - 9 * 48, 344), 0.9, Direction.VERTICAL)
    lines = full + wrapped + [last]
    body = Block(Role.BODY, Direction.VERTICAL, Box.enclosing([l.box for l in lines]), lines)
    caption_line = Line("據瞭解。（通訊員供圖）", Box(560, 934, 850, 970), 0.9)  # under the wrapped columns
    caption = Block(Role.CAPTION, Direction.HORIZONTAL, caption_line.box, [caption_line])
    found = Box(660, 720, 850, 920)  # the pale left part (560..660) was not found
    pictures = roles.pictures_over_captions([found], [body, caption], 36.0)
    assert pictures == [Box(560, 720, 850, 920)]
    page = Page(number=1, width=1200, height=1200, blocks=[body], meta={"layout": {"pictures": [p.to_list() for p in pictures]}})
    assert len(paragraphs.build(page).blocks[0].paragraphs) == 1


def test_a_picture_ends_above_the_caption_row_read_in_its_blob():
    """The caption is set tight under the photo; the characters the OCR did not read close up with
    the photo's ink into one blob, but the row it did read there shows where the picture ends."""
    image = np.full((600, 800), 255, np.uint8)
    image[100:400, 100:600] = 90  # the photo
    for x in range(100, 580, 24):  # the caption's characters, a little under it
        image[412:430, x : x + 18] = 0
    read_row = Box(220, 408, 580, 434)  # the OCR read all but the caption's first characters
    found = regions.find_regions(image, [read_row], 24.0)
    assert len(found.pictures) == 1
    assert 395 <= found.pictures[0].y1 <= 408


def test_english_page_read_by_the_engine_comes_out_as_its_articles_paragraphs():
    """RapidOCR's lines (replayed) of samples/english-two-articles.png: samples/articles/en-001 and
    en-002 set in DejaVu Serif, each a headline over two justified columns. Justified word spaces cut lines into pieces, words of
    x-height letters have thin boxes, and lines without descenders are thinner than the rest."""
    from pathlib import Path

    from pipeline import run as pipeline_run
    from pipeline.config import Config, OcrConfig

    repo = Path(__file__).parent.parent
    config = Config(ocr=OcrConfig(engine="replay", replay_file=repo / "tests" / "data" / "replay" / "english-two-articles.json"))
    document = pipeline_run.process_file(repo / "samples" / "english-two-articles.png", config, progress=False)
    page = document.pages[0]
    got = texts(page)
    assert [p.split()[:3] for p in got] == [
        ["Ad", "sales", "boost"],
        ["Quarterly", "profits", "at"],
        ["The", "firm,", "which"],
        ["Time", "Warner", "said"],
        ["Time", "Warner's", "fourth"],
        ["TimeWarner", "is", "to"],
        ["Dollar", "gains", "on"],
        ["The", "dollar", "has"],
        ["And", "Alan", "Greenspan"],
        ["Worries", "about", "the"],
    ]
    assert not any(b.role.is_furniture for b in page.blocks)
    assert [a.headline for a in page.articles] == ["Ad sales boost Time Warner profit", "Dollar gains on Greenspan speech"]


def test_a_line_under_a_headline_near_the_page_top_is_the_article_s_not_a_running_head():
    def block(text, x, y, width, height, role=Role.BODY, lines=1):
        rows = [Line(text, Box(x, y + i * height * 1.4, x + width, y + i * height * 1.4 + height)) for i in range(lines)]
        return Block(role, Direction.HORIZONTAL, Box.enclosing([l.box for l in rows]), rows)

    page = Box(0, 0, 1000, 2000)
    headline = block("Ad sales boost profit", 50, 40, 700, 50, Role.HEADLINE)
    first_line = block("Quarterly profits at US media giant", 80, 110, 600, 25)  # its column broke up under it
    column = block("jumped 76% to $1.13bn for the three", 50, 150, 700, 25, lines=6)
    running_head = block("Business", 850, 60, 100, 25)  # beside the headline, nothing over it
    roles._edge_furniture([headline, first_line, column, running_head], 25, page, ruled_top=False, ruled_bottom=False)
    assert first_line.role is Role.BODY and running_head.role is Role.HEADER
