"""Reading order and articles (pipeline/layout/order.py) on small synthetic block layouts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Block, Box, Direction, Line, Role
from pipeline.layout import order

SIZE = 20.0  # body character size of every layout here


def block(name: str, x0: float, y0: float, x1: float, y1: float, role: Role = Role.BODY) -> order.Item:
    box = Box(x0, y0, x1, y1)
    return order.Item(box, Block(role=role, box=box, lines=[Line(name, box, 0.99)]))


def picture(x0: float, y0: float, x1: float, y1: float) -> order.Item:
    return order.Item(Box(x0, y0, x1, y1))


def names(groups: list[list[Block]]) -> list[list[str]]:
    return [[b.lines[0].text for b in group] for group in groups]


def hrule(x0: float, x1: float, y: float) -> Box:
    return Box(x0, y - 1, x1, y + 1)


def vrule(x: float, y0: float, y1: float) -> Box:
    return Box(x - 1, y0, x + 1, y1)


def test_rule_across_part_of_the_page_ending_at_a_rule_down_it_parts_only_its_side():
    """A lead article across the top; below it a rule down the page between a left stack of two
    articles (a rule between them) and a right article whose subhead gap happens to line up with
    that rule. The rule down the page is cut first, so the right article is read whole."""
    items = [
        block("lead-head", 20, 0, 980, 60, Role.HEADLINE),
        block("lead-body", 20, 80, 980, 200),
        block("a-head", 20, 240, 580, 280, Role.HEADLINE),
        block("a-1", 20, 300, 290, 600),
        block("a-2", 310, 300, 580, 600),
        block("b-head", 20, 640, 580, 680, Role.HEADLINE),
        block("b-1", 20, 700, 290, 1000),
        block("b-2", 310, 700, 580, 1000),
        block("c-head", 620, 240, 980, 280, Role.HEADLINE),
        block("c-1", 620, 300, 790, 610),
        block("c-sub", 640, 640, 770, 660, Role.SUBHEAD),
        block("c-1b", 620, 680, 790, 1000),
        block("c-2", 810, 300, 980, 610),
        picture(810, 630, 980, 1000),
    ]
    separators = order.Separators(horizontal=[hrule(0, 1000, 220), hrule(0, 600, 620)], vertical=[vrule(600, 230, 1000)])
    assert names(order.article_groups(items, separators, SIZE)) == [
        ["lead-head", "lead-body"],
        ["a-head", "a-1", "a-2"],
        ["b-head", "b-1", "b-2"],
        ["c-head", "c-1", "c-sub", "c-1b", "c-2"],
    ]


def test_space_under_a_headline_is_cut_before_block_ends_that_happen_to_stand_level():
    """Column blocks of three columns all end at about the same height: the narrow strip of white
    across the page there is no article boundary; the wider space under the headline comes first."""
    items = [block("head", 0, 0, 600, 40, Role.HEADLINE)]
    for column, x in enumerate((0, 205, 410)):
        items.append(block(f"{column + 1}a", x, 52, x + 190, 298 + column))
        items.append(block(f"{column + 1}b", x, 304 + column, x + 190, 500))
    assert names(order.article_groups(items, order.Separators([], []), SIZE)) == [["head", "1a", "1b", "2a", "2b", "3a", "3b"]]


def test_vertical_bands_are_read_one_after_the_other_even_when_their_columns_line_up():
    """Two bands of vertical columns on one grid, a little white between them: each band is read
    right to left before the band below it."""
    items = []
    for band, (y0, y1) in enumerate(((0, 300), (316, 600))):
        for column, x in enumerate((480, 450, 420, 390)):
            role = Role.HEADLINE if column == 0 else Role.BODY
            box = Box(x, y0, x + SIZE, y1)
            items.append(order.Item(box, Block(role=role, direction=Direction.VERTICAL, box=box, lines=[Line(f"{band}{column}", box, 0.99, Direction.VERTICAL)])))
    assert names(order.article_groups(items, order.Separators([], []), SIZE)) == [["00", "01", "02", "03"], ["10", "11", "12", "13"]]


def test_short_headline_centred_over_five_columns_opens_the_article_of_all_five():
    """The headline and kicker are centred over the article but reach over the middle three
    columns only: the first column (with the byline) is the article's start, not a piece of its own."""
    items = [
        block("kicker", 400, 0, 600, 30, Role.KICKER),
        block("head", 300, 40, 700, 90, Role.HEADLINE),
        block("byline", 0, 100, 150, 120, Role.BYLINE),
        block("1", 0, 130, 190, 500),
    ]
    items += [block(str(n), x, 100, x + 190, 500) for n, x in ((2, 205), (3, 410), (4, 615), (5, 820))]
    groups = names(order.article_groups(items, order.Separators([], []), SIZE))
    assert [sorted(g) for g in groups] == [sorted(["kicker", "head", "byline", "1", "2", "3", "4", "5"])]
    assert [n for n in groups[0] if n.isdigit()] == ["1", "2", "3", "4", "5"]


def test_column_beside_an_off_centre_headline_stays_with_the_article_before():
    """The long first column of an article, standing beside the next article's headline (set over
    the other columns), is the rest of the article above, not the start of the next one."""
    items = [
        block("a-head", 0, 0, 600, 50, Role.HEADLINE),
        block("a-1", 0, 70, 190, 600),
        block("a-2", 205, 70, 395, 300),
        block("a-3", 410, 70, 600, 300),
        block("b-head", 205, 320, 600, 370, Role.HEADLINE),
        block("b-1", 205, 380, 395, 600),
        block("b-2", 410, 380, 600, 600),
    ]
    assert names(order.article_groups(items, order.Separators([], []), SIZE)) == [
        ["a-head", "a-1", "a-2", "a-3"],
        ["b-head", "b-1", "b-2"],
    ]


def test_lead_box_framed_in_two_of_three_columns_is_read_before_them_and_the_third_runs_beside_it():
    """A framed lead box over the first two columns, the third column beside it, a picture across
    the second and third columns below: lead, then column by column, the third from its top."""
    items = [
        block("head", 0, 0, 600, 50, Role.HEADLINE),
        block("lead", 10, 80, 385, 390, Role.LEAD),
        block("3-top", 410, 70, 600, 400),
        picture(205, 400, 600, 550),
        block("caption", 205, 560, 500, 580, Role.CAPTION),
        block("1", 0, 424, 190, 800),
        block("2", 205, 600, 395, 800),
        block("3-foot", 410, 600, 600, 800),
    ]
    frame = Box(0, 70, 395, 400)
    separators = order.Separators(
        [],
        [],
        frame_horizontal=[Box(frame.x0, frame.y0, frame.x1, frame.y0 + 1), Box(frame.x0, frame.y1 - 1, frame.x1, frame.y1)],
        frame_vertical=[Box(frame.x0, frame.y0, frame.x0 + 1, frame.y1), Box(frame.x1 - 1, frame.y0, frame.x1, frame.y1)],
    )
    groups = names(order.article_groups(items, separators, SIZE))
    assert [n for n in groups[0] if n != "caption"] == ["head", "lead", "1", "2", "3-top", "3-foot"]


def test_space_under_the_headings_is_cut_before_a_wider_space_lower_down():
    """Headline and byline over a lead in two columns with the third column beside it: the space
    under the lead is wider than the one under the byline, but the headings are cut off first."""
    items = [
        block("head", 0, 0, 600, 50, Role.HEADLINE),
        block("byline", 200, 58, 400, 78, Role.BYLINE),
        block("lead", 0, 90, 395, 400, Role.LEAD),
        block("3-top", 410, 90, 600, 400),
        block("1", 0, 424, 190, 800),
        block("2", 205, 424, 395, 800),
        block("3-foot", 410, 424, 600, 800),
    ]
    assert names(order.article_groups(items, order.Separators([], []), SIZE)) == [["head", "byline", "lead", "1", "2", "3-top", "3-foot"]]


def test_padded_boxes_reaching_into_a_narrow_gutter_from_both_sides_still_leave_it():
    """The detector pads line boxes by up to half a character, so across a one-character gutter the
    blocks of two columns overlap a little; the columns are still read one after the other."""
    items = []
    for row in range(4):
        y = 100 * row
        items.append(block(f"1{row}", 0, y, 208, y + 80))
        items.append(block(f"2{row}", 192, y, 400, y + 80))
    groups = names(order.article_groups(items, order.Separators([], []), SIZE))
    assert [n for g in groups for n in g] == ["10", "11", "12", "13", "20", "21", "22", "23"]


def test_indented_heading_line_over_a_short_one_is_not_two_columns():
    """The white left of an indented line above a short one that starts at the margin is no gutter."""
    items = [block("first", 100, 0, 400, 20, Role.SUBHEAD), block("second", 0, 26, 110, 46, Role.SUBHEAD)]
    assert [n for g in names(order.article_groups(items, order.Separators([], []), SIZE)) for n in g] == ["first", "second"]


def test_vertical_headline_at_the_right_of_an_article_opens_all_the_columns_left_of_it():
    """A vertical headline stands at the top right of a four-column article, the fourth column set
    below it: the headline opens the article, and the three columns before it belong to it."""
    items = [
        block("1", 0, 0, 190, 800),
        block("2", 205, 0, 395, 800),
        block("3", 410, 0, 600, 800),
        order.Item(Box(700, 0, 740, 400), Block(role=Role.HEADLINE, direction=Direction.VERTICAL, box=Box(700, 0, 740, 400), lines=[Line("head", Box(700, 0, 740, 400), 0.99, Direction.VERTICAL)])),
        block("4", 615, 420, 805, 800),
    ]
    groups = names(order.article_groups(items, order.Separators([], []), SIZE))
    assert len(groups) == 1 and sorted(groups[0]) == ["1", "2", "3", "4", "head"]


def test_rules_around_a_lead_under_the_headline_do_not_end_the_article():
    """A lead set between two rules under the headline; the columns below the second rule are the
    article's body, not a headless article of their own."""
    items = [
        block("head", 0, 0, 600, 50, Role.HEADLINE),
        block("lead", 100, 80, 500, 110),
        block("1", 0, 140, 290, 500),
        block("2", 310, 140, 600, 500),
    ]
    separators = order.Separators([hrule(0, 600, 65), hrule(0, 600, 125)], [])
    assert names(order.article_groups(items, separators, SIZE)) == [["head", "lead", "1", "2"]]


def test_article_below_a_rule_with_its_own_headline_stays_apart():
    items = [
        block("a-head", 0, 0, 600, 50, Role.HEADLINE),
        block("a-1", 0, 70, 290, 300),
        block("a-2", 310, 70, 600, 300),
        block("b-head", 0, 340, 600, 390, Role.HEADLINE),
        block("b-1", 0, 410, 600, 600),
    ]
    assert names(order.article_groups(items, order.Separators([hrule(0, 600, 320)], []), SIZE)) == [
        ["a-head", "a-1", "a-2"],
        ["b-head", "b-1"],
    ]


def test_headline_read_in_two_pieces_opens_one_article():
    """The engine returns a two-part headline as two pieces at the space between the parts."""
    items = [
        block("head-1", 0, 0, 280, 50, Role.HEADLINE),
        block("head-2", 320, 0, 600, 50, Role.HEADLINE),
        block("1", 0, 70, 190, 400),
        block("2", 205, 70, 395, 400),
        block("3", 410, 70, 600, 400),
    ]
    assert names(order.article_groups(items, order.Separators([], []), SIZE)) == [["head-1", "head-2", "1", "2", "3"]]



def test_headline_set_in_three_lines_opens_one_article_but_a_headline_under_body_text_opens_another():
    """The middle line carries quotation marks, so its box stands taller and overlaps the first."""
    items = [
        block("head-1", 50, 0, 550, 90, Role.HEADLINE),
        block("head-2", 30, 70, 600, 190, Role.HEADLINE),
        block("head-3", 250, 170, 350, 260, Role.HEADLINE),
        block("1", 0, 290, 290, 700),
        block("2", 310, 290, 600, 700),
        block("next-head", 0, 740, 600, 830, Role.HEADLINE),
        block("3", 0, 850, 600, 1000),
    ]
    groups = names(order.article_groups(items, order.Separators([], []), SIZE))
    assert groups == [["head-1", "head-2", "head-3", "1", "2"], ["next-head", "3"]]

def test_a_headline_line_under_a_block_holding_two_headline_lines_goes_on_with_it():
    """p23: layout put the first two lines in one block; the third, centred under them, is as
    thick as one of them, not as the block."""
    lines = [Line("“高质量强化基层治理和民生保障”", Box(135, 0, 760, 75), 0.99), Line("专场新闻发布会在宁举行 市领导参加", Box(105, 50, 804, 110), 0.99)]
    two = Block(role=Role.HEADLINE, box=Box.enclosing([l.box for l in lines]), lines=lines)
    items = [order.Item(two.box, two), block("head-3", 304, 110, 604, 168, Role.HEADLINE), block("1", 100, 200, 440, 700), block("2", 460, 200, 800, 700)]
    assert len(order.article_groups(items, order.Separators([], []), SIZE)) == 1


def test_headlines_of_two_articles_side_by_side_stay_apart():
    """Two articles side by side with their headlines on one level, a gutter wider than two headline
    characters apart."""
    items = [
        block("a-head", 0, 0, 400, 50, Role.HEADLINE),
        block("a-1", 0, 70, 400, 400),
        block("b-head", 600, 0, 1000, 50, Role.HEADLINE),
        block("b-1", 600, 70, 1000, 400),
    ]
    assert names(order.article_groups(items, order.Separators([], []), SIZE)) == [["a-head", "a-1"], ["b-head", "b-1"]]


def test_thin_box_inside_the_padded_edge_of_another_is_cut_off_cleanly():
    """A speck-thin box lying inside the edge of a taller box: the cut between them puts each on
    its own side (cutting in the middle of the untrimmed gap would put both on one side, forever)."""
    items = [block("thin", 0, 10, 100, 14), block("tall", 0, 9, 100, 100)]
    assert sorted(leaf.block.lines[0].text for leaf in order.leaves(order.xy_cut(items, order.Separators([], []), SIZE))) == ["tall", "thin"]


boxes = st.tuples(st.integers(0, 900), st.integers(0, 900), st.integers(1, 300), st.integers(1, 300))


@given(st.lists(boxes, min_size=1, max_size=25), st.booleans())
@settings(max_examples=200, deadline=None)
def test_every_block_is_read_exactly_once(rectangles, vertical):
    """Whatever the geometry, the cut ends and every block comes out once, in one article or another."""
    direction = Direction.VERTICAL if vertical else Direction.HORIZONTAL
    items = []
    for n, (x, y, w, h) in enumerate(rectangles):
        box = Box(x, y, x + w, y + h)
        role = Role.HEADLINE if n % 5 == 0 else Role.BODY
        items.append(order.Item(box, Block(role=role, direction=direction, box=box, lines=[Line(str(n), box, 0.9, direction)])))
    separators = order.Separators([hrule(0, 1200, 450)], [vrule(450, 0, 1200)])
    read = [n for group in names(order.article_groups(items, separators, SIZE)) for n in group]
    assert sorted(read, key=int) == [str(n) for n in range(len(rectangles))]


def vertical(name: str, x0: float, y0: float, x1: float, y1: float, role: Role = Role.BODY) -> order.Item:
    box = Box(x0, y0, x1, y1)
    return order.Item(box, Block(role=role, direction=Direction.VERTICAL, box=box, lines=[Line(name, box, 0.99, Direction.VERTICAL)]))


def test_vertical_columns_right_of_the_next_articles_headline_end_the_article_before():
    """Vertical text, read right to left, in two bands: the first article runs on into the lower
    band, right of the second article's headline; its column farther right is not taken into the
    second article."""
    items = [
        vertical("a-head", 560, 0, 600, 300, Role.HEADLINE),
        vertical("a-1", 520, 0, 540, 300),
        vertical("a-2", 490, 0, 510, 300),
        vertical("a-3", 520, 330, 540, 600),
        vertical("a-4", 490, 330, 510, 600),
        vertical("b-head", 440, 330, 470, 600, Role.HEADLINE),
        vertical("b-1", 400, 330, 420, 600),
    ]
    groups = names(order.article_groups(items, order.Separators([], []), SIZE))
    assert groups[0][:4] == ["a-head", "a-1", "a-2", "a-3"]
