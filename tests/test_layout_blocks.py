"""Column blocks on real-OCR geometry: the box quirks an engine's lines show around justified
text, pictures, captions and frames (synthetic line sets, no models)."""

from __future__ import annotations

import numpy as np

from pipeline import layout
from pipeline.document import Box, Direction, Line
from pipeline.layout import blocks

SIZE = 32.0


def line(text: str, x0: float, x1: float, y: float, size: float = SIZE) -> Line:
    return Line(text, Box(x0, y, x1, y + size * 1.2), 0.99)


def block_texts(lines: list[Line], separators: list[Box] = (), pictures: list[Box] = ()) -> list[list[str]]:
    return [[l.text for l in b.lines] for b in blocks.group_lines(lines, list(separators), list(pictures))]


def test_lines_ending_in_punctuation_stay_in_their_justified_column():
    # OCR boxes end at the ink: a closing "。" or "，" leaves most of its cell outside the box, and
    # justification spreads an indented first line, so the pitches of one column differ by ~15%
    column = [
        line("中国常驻联合国副代表耿爽在安理会表", 0, 522, 0),
        line("撤出占领区。", 0, 188, 52),
        line("耿爽强调，国际社会应推动刚", 64, 522, 104),
        line("果（金）武装团伙停火止暴。他说，", 0, 502, 156),
        line("仅仅最近3个月，就有500多名平民", 0, 522, 208),
    ]
    assert block_texts(column) == [[l.text for l in column]]


def test_larger_type_ending_in_punctuation_is_not_joined():
    column = [
        line("中国常驻联合国副代表耿爽在安理会表", 0, 522, 0),
        line("深海采矿迎来重器。", 0, 9 * 40 - 24, 52, size=40),
    ]
    assert len(block_texts(column)) == 2


def test_caption_credit_closes_its_block():
    # the caption under a picture (boxes as the engine gave them), then the column going on under
    # it at body spacing in type the pitch cannot tell from the caption's
    lines = [
        Line("耿爽说。(本报记者刘建超摄)", Box(636, 1157, 1043, 1193), 0.99),
        Line("安全稳定和改善人道主义状况提供", Box(640, 1217, 1160, 1249), 0.99),
        Line("建设性帮助，推动刚果（金）东部", Box(640, 1268, 1160, 1301), 0.99),
    ]
    picture = Box(639, 789, 1718, 1147)
    assert block_texts(lines, pictures=[picture]) == [["耿爽说。(本报记者刘建超摄)"], ["安全稳定和改善人道主义状况提供", "建设性帮助，推动刚果（金）东部"]]


def test_caption_text_in_the_column_flow_without_a_picture_stays_in_the_column():
    lines = [
        Line("研究成果。", Box(599, 664, 689, 682), 0.99),
        Line("结核分枝杆菌ATP合成酶结", Box(635, 691, 859, 710), 0.99),
        Line("合BDQ的冷冻电镜结构。（受访", Box(599, 718, 859, 739), 0.99),
        Line("单位供图）", Box(599, 745, 689, 764), 0.99),
        Line("贡红日介绍，结核病是由结", Box(635, 772, 859, 793), 0.99),
        Line("核分枝杆菌引发的重大传染性疾", Box(599, 799, 859, 818), 0.99),
    ]
    assert len(block_texts(lines)) == 1


class RegionReader:
    """Reads a region as the engine does: the given lines, whatever the region."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines

    def read_region(self, image, box, direction):
        return [Line(l.text, l.box, l.confidence) for l in self.lines]


def test_reread_line_ends_along_a_skewed_column_are_not_added_twice():
    # the page OCR's boxes left the last characters' ink outside; the region along the column's
    # edge reads those ends again
    page_lines = [line("70%至80%的酒精搓手液", 1724, 2105, 1458), line("潔淨雙手；*勤潔手，特", 1724, 2108, 1506)]
    ends = [line("手液", 2052, 2105, 1458), line("，特", 2052, 2108, 1506)]
    missed = line("市民可參閱專題網頁", 1724, 2012, 1600)
    image = np.full((2400, 2300), 255, np.uint8)
    region = Box(2040, 1450, 2260, 1700)
    result = layout._read_missed_text(list(page_lines), [(region, Direction.VERTICAL)], image, RegionReader(ends + [missed]), None, {})
    assert [l.text for l in result] == [l.text for l in page_lines] + [missed.text]


def test_caption_credit_broken_over_two_lines_closes_its_block():
    lines = [
        Line("斯塔默主持内阁会议时表示。（本报记者", Box(1193, 1258, 1721, 1299), 0.99),
        Line("黄明勇摄）", Box(1192, 1301, 1336, 1337), 0.99),
        Line("套新房开工数量的两倍。摩根大通认", Box(1193, 1349, 1722, 1394), 0.99),
        Line("为，“工党打算放宽规划监管并以相", Box(1193, 1394, 1725, 1445), 0.99),
    ]
    assert [len(b) for b in block_texts(lines, pictures=[Box(1193, 950, 1718, 1254)])] == [2, 2]


def two_columns_under_a_frame(frame_bottom: float) -> tuple[list[Line], Line]:
    """A framed lead line set across two columns, the columns' lines under the frame."""
    lead = line("全县上下一心，共建绿色优美的生活家园。县领导戴嘉宝", 0, 25 * SIZE, frame_bottom - 2 * SIZE)
    columns = [line("黄寿龙听取了我县绿化工作情况汇", x, x + 15 * SIZE, frame_bottom + SIZE + row * 1.5 * SIZE) for row in range(8) for x in (0, 16 * SIZE)]
    return columns + [lead], lead


def test_line_inside_a_frame_is_not_split_at_the_gutter_of_the_columns_under_it():
    lines, lead = two_columns_under_a_frame(400)
    frame_bottom_edge = Box(-10, 400, 31 * SIZE + 10, 401)
    result = blocks.split_merged_lines(lines, SIZE, separators=[frame_bottom_edge])
    assert lead in result
    # without the frame the same geometry is a line read across the gutter
    assert lead not in blocks.split_merged_lines(lines, SIZE)


def test_line_over_two_columns_does_not_head_the_right_hand_one():
    # a subtitle set across two columns; the right column starts beside the left column's byline
    subtitle = line("市民可參閱衞生防護中心以下專題網頁和最新消息", 0, 22 * SIZE, 0, size=36)
    byline = line("本報通訊員劉剛敏", 0, 8 * SIZE, 48)
    right = [line("以正確方法洗手；當雙手沒", 12 * SIZE, 24 * SIZE, 44 + row * 48) for row in range(4)]
    left = [line("衞生署衞生防護中心今日正", 0, 12 * SIZE - 16, 96 + row * 48) for row in range(3)]
    grouped = block_texts([subtitle, byline] + right + left)
    assert [l.text for l in right] in grouped


def test_lines_narrowed_by_a_picture_beside_them_stay_in_their_column():
    # a picture takes the left half of the column for three lines; the text wraps around it
    full = [line("国际社会应推动刚果武装团伙停", 0, 14 * SIZE, row * 48) for row in range(3)]
    narrow = [line("火止暴。他说，仅仅", 5 * SIZE, 14 * SIZE, 144 + row * 48) for row in range(3)]
    after = [line("最近3个月，就有500多名平民被", 0, 14 * SIZE, 288 + row * 48) for row in range(2)]
    column = full + narrow + after
    assert block_texts(column) == [[l.text for l in column]]


def test_short_tail_of_a_caption_with_a_padded_box_ends_the_caption():
    # the engine pads a three-character box: thicker than the caption's first line
    lines = [
        Line("在一月九日。（本报记者黄欣", Box(912, 468, 1294, 504), 0.99),
        Line("敏摄)", Box(906, 500, 997, 546), 0.99),
        Line("机组自动保护信号，反应", Box(912, 557, 1296, 599), 0.99),
        Line("堆安全停堆。运行人员采", Box(912, 608, 1291, 646), 0.99),
    ]
    assert [len(b) for b in block_texts(lines, pictures=[Box(914, 230, 1286, 459)])] == [2, 2]


def test_line_running_into_a_narrow_gutter_but_not_past_it_is_not_split():
    # two columns half a character apart, boxes as the engine gave them (p01): padded boxes run
    # into the gutter from both sides, and one left-column line ends inside it
    boxes = [
        (115, 1993, 516, 2032), (159, 2055, 451, 2095), (100, 2108, 470, 2138), (100, 2155, 470, 2186),
        (96, 2198, 466, 2240), (469, 2247, 885, 2286), (98, 2249, 490, 2285), (101, 2347, 470, 2378),
        (95, 2389, 502, 2432), (478, 2390, 884, 2432), (93, 2435, 471, 2480), (117, 2491, 470, 2526),
        (97, 2536, 491, 2575), (488, 2537, 880, 2573), (100, 2635, 468, 2670), (97, 2679, 501, 2718),
        (479, 2679, 885, 2718),
    ]
    text = "我县召开绿化造林工作重点乡镇部门汇报会"
    lines = [Line(text[: round((b[2] - b[0]) / 34)], Box(*b), 0.99) for b in boxes]
    into_gutter = Line("视绿化造林工作，进一步", Box(96, 2296, 491, 2335), 0.99)
    assert into_gutter in blocks.split_merged_lines(lines + [into_gutter], 34.0)


def test_pieces_of_a_row_split_after_a_comma_are_joined():
    # a justified line holding digits, cut by the engine where the comma's cell is half white
    lines = [
        Line("14.43亿元，", Box(1375, 1744, 1514, 1774), 0.99),
        Line("涉及民营", Box(1539, 1744, 1658, 1771), 0.99),
    ]
    assert [l.text for l in blocks.join_fragments(lines, [])] == ["14.43亿元， 涉及民营"]


def test_pieces_of_a_row_as_far_apart_without_punctuation_stay_apart():
    lines = [Line("民营企业资本为", Box(1300, 1744, 1514, 1774), 0.99), Line("涉及民营", Box(1539, 1744, 1658, 1771), 0.99)]
    assert len(blocks.join_fragments(lines, [])) == 2


def test_line_under_a_picture_is_split_at_the_gutter_of_the_columns_above_the_picture():
    # two columns above a picture that spans both; under the picture (and its caption) a single
    # row of text, which the engine read straight across the gutter
    columns = [line("研究团队创新性地获得了结核分枝杆", x, x + 15 * SIZE, row * 48) for row in range(8) for x in (0, 16 * SIZE)]
    picture = Box(0, 400, 31 * SIZE, 800)
    merged = Line("得了结核分枝杆菌合成酶分子机理中带来的潜在健康风险。正在", Box(0, 860, 31 * SIZE, 860 + 1.2 * SIZE), 0.99)
    result = blocks.split_merged_lines(columns + [merged], SIZE, pictures=[picture])
    assert merged not in result
    assert blocks.split_merged_lines(columns + [merged], SIZE) == columns + [merged]  # no picture: no evidence


def test_pieces_of_a_row_split_at_the_space_before_digits_are_joined():
    # justification sets extra space between Chinese and half-width digits; the engine cut there
    lines = [Line("今年是林夫诞辰100", Box(191, 1033, 469, 1063), 0.99), Line("周年。他不仅是我国新兴", Box(492, 1033, 851, 1063), 0.99)]
    assert len(blocks.join_fragments(lines, [])) == 1


def test_pieces_of_a_framed_lead_line_over_the_gutter_of_the_columns_under_the_frame_are_joined():
    # p01: the engine cut a lead line at its justification space, right over the gutter of the
    # two columns set under the lead's frame; those columns' edges are no evidence across the frame
    pieces = [Line("今年是林夫诞辰100", Box(191, 1033, 469, 1063), 0.99), Line("周年。他不仅是我国新兴", Box(492, 1033, 851, 1063), 0.99)]
    columns = [Line("林夫，原名林裕，字宽如", Box(x0, 1212 + row * 46, x1, 1245 + row * 46), 0.99) for row in range(6) for x0, x1 in ((99, 469), (496, 851))]
    frame_bottom = Box(110, 1170, 860, 1172)
    joined = blocks.join_fragments(pieces + columns, [frame_bottom])
    assert "今年是林夫诞辰100 周年。他不仅是我国新兴" in [l.text for l in joined]
    assert len(blocks.join_fragments(pieces + columns, [])) == len(pieces + columns)  # no frame: a gutter


def test_a_closing_mark_read_as_its_own_little_box_joins_its_line():
    # p11: the closing quote after a full stop came back as a separate box half the line's height
    lines = [Line("免签政策感到非常开心。", Box(1317, 2065, 1639, 2102), 0.99), Line("”", Box(1647, 2066, 1667, 2082), 0.99)]
    assert [l.text for l in blocks.join_fragments(lines, [])] == ["免签政策感到非常开心。 ”"]
    lines[1] = Line("心", Box(1647, 2066, 1667, 2082), 0.99)  # a small character is no mark of this line
    assert len(blocks.join_fragments(lines, [])) == 2


def test_a_spread_indented_first_line_heads_the_column_under_it():
    # p20: justification spreads a first line of eight characters across the column, so its pitch
    # reads a subhead's; it starts one indent in and ends on the column's edge, as thick as the rest
    lines = [
        Line("保安局发言人今日", Box(164, 1818, 479, 1864), 0.99),
        Line("（一月十一日）表示，大", Box(118, 1867, 482, 1912), 0.99),
        Line("亚湾核电运营管理有限责", Box(105, 1914, 481, 1960), 0.99),
    ]
    assert block_texts(lines) == [[l.text for l in lines]]
    lines[0] = Line("保安局发言人今日", Box(164, 1814, 479, 1876), 0.99)  # a far thicker box: larger type
    assert len(block_texts(lines)) == 2


def test_a_byline_under_a_centred_last_line_of_a_headline_is_not_its_column():
    # p23 (upright boxes): both lines centred, about as wide, the byline in smaller type
    lines = [Line("并接受媒体采访", Box(311, 1460, 608, 1510), 0.99), Line("本报讯（记者朱浩）", Box(323, 1517, 581, 1557), 0.99)]
    assert len(block_texts(lines)) == 2


def test_a_line_whose_characters_stand_in_the_gutter_of_the_columns_under_it_is_not_split():
    # p03: a subtitle set across two columns, right over their gutter; the page's ink shows its
    # characters there, where a line read across the gutter would have white
    lines, lead = two_columns_under_a_frame(400)
    ink = np.zeros((1000, 1200), dtype=np.uint8)
    row = slice(int(lead.box.y0), int(lead.box.y1))
    ink[row, : int(lead.box.x1)] = 255  # characters all along the line
    assert lead in blocks.split_merged_lines(lines, SIZE, ink=ink)
    ink[row, int(15 * SIZE) : int(16 * SIZE)] = 0  # white where the columns keep their gutter
    assert lead not in blocks.split_merged_lines(lines, SIZE, ink=ink)


def test_a_line_as_thick_as_its_column_follows_one_the_engine_padded():
    # p11: the engine padded the box of a line holding quotation marks; the next line, as thick as
    # the column's other lines, still follows it
    lines = [
        Line("说走就走，丝滑的入境体验", Box(911, 2089, 1289, 2127), 0.99),
        Line("让越来越多的外国游客热衷", Box(911, 2135, 1291, 2171), 0.99),
        Line("中国旅游。", Box(910, 2178, 1050, 2217), 0.99),
        Line("外籍旅客：“得益于免", Box(965, 2218, 1290, 2266), 0.99),
        Line("签政策，我们不用再受各种", Box(909, 2269, 1291, 2306), 0.99),
    ]
    assert block_texts(lines) == [[l.text for l in lines]]
    assert len(block_texts(lines[3:])) == 2  # the padded line alone tells nothing of the column


def test_an_indented_first_line_with_a_padded_box_heads_its_column():
    # p01: the first line's box came out 37 high, the column's 30; its pitch reads a size larger
    lines = [
        Line("黄寿龙听取了我县绿", Box(568, 2056, 885, 2093), 0.99),
        Line("化工作情况汇报和各重点", Box(507, 2108, 878, 2138), 0.99),
        Line("乡镇部门的讨论发言后，", Box(508, 2155, 855, 2190), 0.99),
    ]
    assert block_texts(lines) == [[l.text for l in lines]]


def test_pieces_of_a_row_two_characters_apart_join_where_the_next_row_runs_across_the_gap():
    # p12: the engine dropped the "、" between 「誰來種」 and 「種什麼」 and cut the lead's line there
    pieces = [Line("進一步明確「誰來種」", Box(134, 2548, 402, 2577), 0.99), Line("「種什麼」、「種哪裏」、", Box(463, 2548, 779, 2576), 0.99)]
    below = Line("「如何種」、「啥時種」、「如何管」，以及明", Box(141, 2590, 791, 2623), 0.99)
    assert len(blocks.join_fragments(pieces, [])) == 2  # nothing tells a gap inside a column from a gutter
    joined = blocks.join_fragments(pieces + [below], [])
    assert "進一步明確「誰來種」 「種什麼」、「種哪裏」、" in [l.text for l in joined]


def test_vertical_columns_are_held_to_their_neighbour_s_width_not_the_block_s():
    # the 申報 page: a block's columns differ in width where small double-column notes stand, so a
    # narrower column after three wide ones is measured against the column before it only
    columns = [Line("本館條例", Box(1000 - 40 * i, 0, 1030 - 40 * i, 300), 0.99, Direction.VERTICAL) for i in range(3)]
    assert blocks._usual_thickness(columns, Direction.VERTICAL) is None
    rows = [Line("本館條例", Box(0, 40 * i, 300, 30 + 40 * i), 0.99) for i in range(3)]
    assert blocks._usual_thickness(rows, Direction.HORIZONTAL) == 30
