"""Roles of blocks from size, position, neighbouring regions and text patterns.

Sizes are measured against the body size (the size most characters are set in): headings are
larger, a heading cluster (kicker, headline, subtitle stacked together) has its largest block as
the headline. Furniture sits in the bands above the top rule or below the bottom rule, or matches
the furniture patterns in pipeline/data/furniture.json near the page edge. Bylines, captions, jump
lines, editor credits and keywords are recognised by the shared text patterns (pipeline/patterns.py).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from statistics import median

from pipeline import patterns
from pipeline.document import Block, Box, Direction, Role
from pipeline.layout.blocks import line_size
from pipeline.repair import is_cjk

# A block at least this many body sizes large is a heading.
HEADING_SIZE = 1.3
# Between body size and heading size: subtitles and subheads set a little larger.
LARGER_SIZE = 1.1
# Heading blocks whose lines are at least this thick against the headline's are set in its type.
SAME_TYPE_THICKNESS = 0.9
# Names alone at a column's head may be indented up to this many characters (like a first line).
BYLINE_MAX_INDENT = 2.5
# Fewer characters than this are too few to tell a slightly larger type from box padding.
HEADING_MIN_CHARS = 4
# Keywords are large blocks of at most this many characters standing alone.
KEYWORD_CHARS = 4
# A lead set across the body columns: at most this many lines, at least this many columns wide.
LEAD_MAX_LINES = 6
LEAD_SPAN = 1.5
# Header and footer bands: the top and bottom fractions of the page searched for furniture.
EDGE_BAND = 0.1
RULE_BAND = 0.16
SENTENCE_END = tuple("。！？!?；…”」』")
# A heading ends without punctuation (or a ！？ inside its quotes); a line ending in a comma is
# running text broken at the column's edge, however short or centred it looks. So is one ending in
# a full stop the OCR wrote as "." (or an ellipsis as "......").
NOT_HEADING_END = SENTENCE_END + tuple("，、,.")


@lru_cache(maxsize=1)
def furniture_patterns() -> dict[str, list[re.Pattern[str]]]:
    data = json.loads(resources.files("pipeline").joinpath("data/furniture.json").read_text(encoding="utf-8"))
    return {key: [re.compile(p) for p in values] for key, values in data.items() if not key.startswith("_")}


def block_text(block: Block) -> str:
    return "".join(line.text for line in block.lines)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def block_size(block: Block) -> float:
    return float(median(line_size(line) for line in block.lines))


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


def pattern_text(text: str) -> str:
    """The text as the shared patterns expect it: simplified characters, without the brackets or
    markers that enclose a byline ('■（代雅雯 記者 周萱）' -> '代雅雯 记者 周萱')."""
    return _to_simplified().convert(text.strip()).strip("■□◎●▲△ ").removeprefix("（").removeprefix("(").removeprefix("【").removesuffix("）").removesuffix(")").removesuffix("】").strip()


def is_byline(text: str) -> bool:
    return patterns.is_byline(pattern_text(text))


def matches(kind: str, text: str) -> bool:
    text = compact(text)
    return any(p.fullmatch(text) for p in furniture_patterns()[kind])


def assign(blocks: list[Block], body: float, page: Box, rules: list[Box], frames: list[Box], pictures: list[Box]) -> None:
    """Give every block a role. Article-level roles (kicker, subtitle) come from heading clusters."""
    top, bottom = _furniture_bands(page, rules)
    for block in blocks:
        block.role = _first_role(block, body, page, top, bottom, frames)
    _edge_furniture(blocks, body, page, ruled_top=top > page.y0, ruled_bottom=bottom < page.y1)
    _resolve_heading_clusters(blocks, body)
    _line_pieces_are_not_subheads(blocks, body)
    _lines_at_headlines(blocks, body)
    _captions(blocks, pictures, body)
    _lone_subheads(blocks)
    _wide_leads(blocks, body)
    _headlines_over_bylines(blocks, body)
    _vertical_headlines_before_bylines(blocks, body)


def _furniture_bands(page: Box, rules: list[Box]) -> tuple[float, float]:
    """y above which is header and below which is footer: the page-wide rules nearest the edges."""
    wide = [r for r in rules if r.width >= 0.6 * page.width]
    top = [r.center[1] for r in wide if r.center[1] <= page.y0 + RULE_BAND * page.height]
    bottom = [r.center[1] for r in wide if r.center[1] >= page.y1 - RULE_BAND * page.height]
    return (max(top) if top else page.y0), (min(bottom) if bottom else page.y1)


def _first_role(block: Block, body: float, page: Box, top: float, bottom: float, frames: list[Box]) -> Role:
    box = block.box
    text = block_text(block)
    size = block_size(block)
    if box.y1 <= top:
        return Role.HEADER
    if box.y0 >= bottom:
        return Role.FOOTER
    few_lines = len(block.lines) <= 2
    if few_lines and patterns.is_jump_line(pattern_text(text)):
        return Role.JUMP
    near_top = box.y1 <= page.y0 + EDGE_BAND * page.height
    near_bottom = box.y0 >= page.y1 - EDGE_BAND * page.height
    if few_lines and (near_top or near_bottom) and size < HEADING_SIZE * body and matches("header", text):
        return Role.HEADER if near_top else Role.FOOTER
    if few_lines and patterns.is_editor_credit(pattern_text(text)):
        return Role.HEADER if near_top else Role.FOOTER
    if size >= HEADING_SIZE * body:
        return Role.KEYWORD if patterns.is_keyword(pattern_text(text)) else Role.HEADLINE
    if few_lines and (is_byline(text) or (len(block.lines) == 1 and matches("short_byline", text))):
        return Role.BYLINE
    if len(block.lines) <= 4 and patterns.is_caption(_to_simplified().convert(text)):
        return Role.CAPTION
    if _is_dash_subtitle(block):
        return Role.SUBTITLE
    if size >= LARGER_SIZE * body and few_lines:
        return Role.SUBHEAD
    if size >= LARGER_SIZE * body:
        return Role.LEAD  # several lines set larger than the body: a lead (导语)
    if any(frame.intersection_area(box) >= 0.8 * box.area for frame in frames) and len(block.lines) >= 2:
        return Role.LEAD
    return Role.BODY


def _can_be_heading(text: str) -> bool:
    """Size alone may make a heading of a block only when it ends like one and has enough
    characters to measure: a detection box is padded at both ends, so a piece of a line of one to
    three characters (the engine cut it off its line) measures a size or more too large."""
    text = compact(text)
    return len(text) >= HEADING_MIN_CHARS and not text.endswith(NOT_HEADING_END)


def _line_pieces_are_not_subheads(blocks: list[Block], body: float) -> None:
    """A subhead by size alone that stands by itself (not one line of a heading set in several)
    and cannot be a heading by its text is a piece of a body line; so is a lone horizontal
    "keyword" of one character (decorative keywords are words, 攻坚, 实干)."""
    headings = [b for b in blocks if b.role.is_heading]
    for block in blocks:
        single = block.role is Role.KEYWORD and block.direction is Direction.HORIZONTAL and len(compact(block_text(block))) == 1
        if (block.role is Role.SUBHEAD and not _can_be_heading(block_text(block))) or single:
            if not any(other is not block and _stacked(block, other, body) for other in headings):
                block.role = Role.BODY


def _edge_furniture(blocks: list[Block], body: float, page: Box, ruled_top: bool, ruled_bottom: bool) -> None:
    """Small one- or two-line blocks in the top or bottom band, outside all running text: running
    heads, page numbers, dates. Where a page-wide rule marks off the band, the rule decides."""
    text_blocks = [b for b in blocks if len(b.lines) >= 3 and not b.role.is_furniture]
    if not text_blocks:
        return
    text_top = min(b.box.y0 for b in text_blocks)
    text_bottom = max(b.box.y1 for b in text_blocks)
    headings = [b for b in blocks if b.role.is_heading]
    for block in blocks:
        if block.role.is_furniture or len(block.lines) > 2 or block_size(block) >= LARGER_SIZE * body:
            continue
        # text under a headline is its article's, however near the page's edge
        under_heading = any(h.box.y1 <= block.box.y0 + 0.2 * body and h.box.x_overlap(block.box) > 0 for h in headings)
        if not ruled_top and not under_heading and block.box.y1 <= text_top + 0.2 * body and block.box.y0 <= page.y0 + EDGE_BAND * page.height:
            block.role = Role.HEADER
        elif not ruled_bottom and block.box.y0 >= text_bottom - 0.2 * body and block.box.y1 >= page.y1 - EDGE_BAND * page.height:
            block.role = Role.FOOTER


def _resolve_heading_clusters(blocks: list[Block], body: float) -> None:
    """Stacked heading blocks: the largest is the headline, those above kickers, those below subtitles.

    A large block of a few characters standing alone among body text is a decorative keyword.
    """
    headings = [b for b in blocks if b.role in (Role.HEADLINE, Role.SUBHEAD)]
    clusters: list[list[Block]] = []
    for block in sorted(headings, key=lambda b: (b.box.y0, b.box.x0)):
        for cluster in clusters:
            if any(_stacked(block, other, body) for other in cluster):
                cluster.append(block)
                break
        else:
            clusters.append([block])
    for cluster in clusters:
        # the largest type, measured on a line long enough to measure (a padded one-character piece looks larger)
        main = max(cluster, key=lambda b: (len(compact(block_text(b))) >= HEADING_MIN_CHARS, block_size(b), len(block_text(b))))
        if main.role is not Role.HEADLINE:
            continue  # a cluster of slightly larger lines only: subheads
        if len(cluster) == 1 and len(compact(block_text(main))) <= KEYWORD_CHARS and main.direction is Direction.HORIZONTAL:
            main.role = Role.KEYWORD
            continue
        for block in cluster:
            if block is main:
                continue
            horizontal = main.direction is Direction.HORIZONTAL and block.direction is Direction.HORIZONTAL
            if horizontal and _line_thickness(block) >= SAME_TYPE_THICKNESS * _line_thickness(main):
                block.role = Role.HEADLINE  # another line of the headline, in the same type
                continue
            before = block.box.y1 <= main.box.y0 + 0.5 * body if main.direction is Direction.HORIZONTAL else block.box.x0 >= main.box.x1 - 0.5 * body
            block.role = Role.KICKER if before else Role.SUBTITLE


def _lines_at_headlines(blocks: list[Block], body: float) -> None:
    """A lone short line set just over a headline and within its width is its kicker (kickers are
    often set at body size); one just under it, not a byline, is its subtitle."""
    for headline in [b for b in blocks if b.role is Role.HEADLINE and b.direction is Direction.HORIZONTAL]:
        for block in blocks:
            if block.role not in (Role.BODY, Role.SUBHEAD) or len(block.lines) != 1 or block.direction is not Direction.HORIZONTAL:
                continue
            box = block.box
            inside = box.x0 >= headline.box.x0 - body and box.x1 <= headline.box.x1 + body
            if not inside or block_text(block).rstrip().endswith(NOT_HEADING_END):
                continue
            if 0 <= headline.box.y0 - box.y1 <= 1.0 * body:
                block.role = Role.KICKER
            elif 0 <= box.y0 - headline.box.y1 <= 0.6 * body and box.width < 0.9 * headline.box.width:
                block.role = Role.BYLINE if matches("short_byline", block_text(block)) else Role.SUBTITLE


def _line_thickness(block: Block) -> float:
    """The median height of the block's (horizontal) line boxes. Unlike the
    character pitch it is padded alike on a short line and a long one, so it compares a one-character
    piece of a headline with the headline."""
    return float(median(l.box.height for l in block.lines))


def _stacked(a: Block, b: Block, body: float) -> bool:
    """Two heading blocks set one after the other (above/below, or side by side if vertical)."""
    if a.direction is Direction.VERTICAL and b.direction is Direction.VERTICAL:
        gap = max(a.box.x0, b.box.x0) - min(a.box.x1, b.box.x1)
        overlap = a.box.y_overlap(b.box)
        return gap <= 1.5 * body and overlap > 0
    gap = max(a.box.y0, b.box.y0) - min(a.box.y1, b.box.y1)
    overlap = a.box.x_overlap(b.box)
    return gap <= 1.5 * max(block_size(a), block_size(b)) and overlap > 0.3 * min(a.box.width, b.box.width)


def _captions(blocks: list[Block], pictures: list[Box], body: float) -> None:
    """Short blocks just under (or over) a picture and mostly within its width are its caption."""
    for picture in pictures:
        for block in blocks:
            if block.role not in (Role.BODY, Role.SUBHEAD, Role.UNKNOWN) or len(block.lines) > 2:
                continue
            box = block.box
            if box.x_overlap(picture) < 0.6 * box.width:
                continue
            below, above = _caption_sides(box, picture, body)
            # vertical columns ending just over a picture are body text set above it
            if below or (above and block.direction is not Direction.VERTICAL):
                block.role = Role.CAPTION


def _caption_sides(box: Box, picture: Box, body: float) -> tuple[bool, bool]:
    """Whether the box stands where a caption of the picture stands: (right under it, right over it)."""
    return 0 <= box.y0 - picture.y1 <= 1.5 * body, 0 <= picture.y0 - box.y1 <= 1.0 * body


def pictures_over_captions(pictures: list[Box], blocks: list[Block], body: float) -> list[Box]:
    """Pictures widened to the width of the caption set under (or over) them: a caption is set in
    its picture's width, so where it starts before the picture's found edge, a pale part of the
    photo merged with the paper (and text beside that part wraps around the picture too)."""
    captions = [b for b in blocks if b.role is Role.CAPTION and b.direction is Direction.HORIZONTAL]
    widened = []
    for picture in pictures:
        x0, x1 = picture.x0, picture.x1
        for caption in captions:
            box = caption.box
            if any(_caption_sides(box, picture, body)) and box.x_overlap(picture) >= 0.5 * box.width:
                x0, x1 = min(x0, box.x0), max(x1, box.x1)
        widened.append(Box(x0, picture.y0, x1, picture.y1))
    return widened


def _lone_subheads(blocks: list[Block]) -> None:
    """A one-line body block set apart over body text in a column, clearly shorter than the column,
    centred or with text above it, and without sentence-final punctuation, is a section subhead; so
    is one nearly as wide as a narrow column when it is centred, set apart by more than the
    line spacing, and has no punctuation at all."""
    body = [b for b in blocks if b.role is Role.BODY and b.direction is Direction.HORIZONTAL]
    for block in body:
        if len(block.lines) != 1 or block.lines[0].text.rstrip().endswith(NOT_HEADING_END):
            continue
        short = len(compact(block_text(block))) < HEADING_MIN_CHARS
        column = [
            other
            for other in body
            if other is not block and len(other.lines) >= 2 and other.box.x_overlap(block.box) >= 0.8 * block.box.width
        ]
        below = [o for o in column if o.box.y0 >= block.box.y1 and o.box.y0 - block.box.y1 <= 3 * block_size(block)]
        if not below:
            continue
        column_box = below[0].box
        left, right = block.box.x0 - column_box.x0, column_box.x1 - block.box.x1
        size = block_size(block)
        centred = left >= size and right >= size
        # nearly as wide as a narrow column, but centred in it and without a punctuation mark
        centred_heading = (
            min(left, right) >= 0.3 * size
            and abs(left - right) <= 0.6 * size
            and not patterns.has_internal_punctuation(block_text(block))
            and below[0].box.y0 - block.box.y1 >= _line_gap(below[0]) + 0.4 * size
        )
        text_above = any(o.box.y1 <= block.box.y0 for o in column) and not short
        if (block.box.width <= 0.8 * column_box.width and (centred or text_above)) or centred_heading:
            block.role = Role.SUBHEAD


def _wide_leads(blocks: list[Block], body: float) -> None:
    """A few body-size lines under an article's headline (or its subtitle or byline) set across
    more than one of the columns that follow: the lead (导语), spanning the body columns."""
    headings = [b for b in blocks if b.role in (Role.HEADLINE, Role.SUBTITLE, Role.BYLINE) and b.direction is Direction.HORIZONTAL]
    columns = [b for b in blocks if b.role is Role.BODY and len(b.lines) >= 3 and b.direction is Direction.HORIZONTAL]
    for block in blocks:
        if block.role is not Role.BODY or len(block.lines) > LEAD_MAX_LINES or block.direction is not Direction.HORIZONTAL:
            continue
        box = block.box
        under = [c for c in columns if 0 <= c.box.y0 - box.y1 <= 2 * body and c.box.x_overlap(box) > 0]
        over = [h for h in headings if -0.5 * body <= box.y0 - h.box.y1 <= 3 * body and h.box.x_overlap(box) > 0]
        full_lines = all(l.box.width >= 0.8 * box.width for l in block.lines[:-1])  # one paragraph set across, not a jumble
        if under and over and full_lines and box.width >= LEAD_SPAN * max(c.box.width for c in under):
            block.role = Role.LEAD


def _headlines_over_bylines(blocks: list[Block], body: float) -> None:
    """Lines set larger than the body right over a byline (its own block, or the first line of the
    column under them), with no heading over them, are the headline (set at a modest size; not a
    lead: the byline follows the headline)."""
    horizontal = [b for b in blocks if b.direction is Direction.HORIZONTAL]
    for block in horizontal:
        if block.role is not Role.LEAD or block_size(block) < LARGER_SIZE * body:
            continue
        box = block.box

        def across(other: Block) -> bool:
            return other.box.x_overlap(box) > 0

        def opens_with_byline(other: Block) -> bool:  # a byline block, or a column whose first line is one
            first = other.lines[0].text
            return other.role is Role.BYLINE or (other.role is Role.BODY and (is_byline(first) or matches("short_byline", first)))

        byline_under = any(opens_with_byline(b) and across(b) and -0.5 * body <= b.box.y0 - box.y1 <= 1.5 * body for b in horizontal)
        heading_over = any(b.role.is_heading and across(b) and -0.5 * body <= box.y0 - b.box.y1 <= 3 * body for b in horizontal)
        if byline_under and not heading_over:
            block.role = Role.HEADLINE


def _vertical_headlines_before_bylines(blocks: list[Block], body: float) -> None:
    """A vertical article opens at its right with the headline, the byline in the next column
    (often set low, beside the headline's foot): one or two columns set larger than the body,
    with a byline standing just left of them and no heading right of them, are the headline
    (set a little smaller than other headlines on the page, not a section subhead: a subhead
    comes inside the text, never right before the byline)."""
    vertical = [b for b in blocks if b.direction is Direction.VERTICAL]
    for block in vertical:
        if block.role not in (Role.SUBHEAD, Role.LEAD) or block_size(block) < LARGER_SIZE * body:
            continue
        box = block.box

        def level(other: Block) -> bool:
            return other.box.y_overlap(box) > 0

        byline_after = any(b.role is Role.BYLINE and level(b) and -0.5 * body <= box.x0 - b.box.x1 <= 1.5 * body for b in vertical)
        heading_before = any(b.role.is_heading and b is not block and level(b) and -0.5 * body <= b.box.x0 - box.x1 <= 3 * body for b in vertical)
        if byline_after and not heading_before:
            block.role = Role.HEADLINE


def _line_gap(block: Block) -> float:
    """The usual space between the lines of a block (median over its lines)."""
    gaps = [b.box.y0 - a.box.y1 for a, b in zip(block.lines, block.lines[1:])]
    return max(0.0, median(gaps)) if gaps else 0.0


def split_special_lines(block: Block) -> list[Block]:
    """Split a body block at lines that are not body text: jump lines ("下转第二版"), bylines, and
    centred lines without sentence-final punctuation (section subheads set in the line grid).
    A subtitle block gives up a byline set right under it in type of the same size."""
    if len(block.lines) < 2 or block.role not in (Role.BODY, Role.SUBTITLE):
        return [block]
    pieces: list[Block] = []
    current: list = []
    size = block_size(block)
    for line in block.lines:
        if pieces and not current and _completes_byline(pieces[-1], line):
            byline = pieces[-1]
            byline.lines.append(line)
            byline.box = byline.box.union(line.box)
            continue
        role = _special_line_role(line, block, size)
        if role is None:
            current.append(line)
            continue
        if current:
            pieces.append(Block(block.role, block.direction, Box.enclosing([l.box for l in current]), current))
        pieces.append(Block(role, block.direction, line.box, [line]))
        current = []
    if current:
        pieces.append(Block(block.role, block.direction, Box.enclosing([l.box for l in current]), current))
    if len(pieces) >= 2 and pieces[1].role is Role.BYLINE and pieces[0].role is Role.BODY and _heads_a_byline(pieces[0]):
        pieces[0].role = Role.SUBTITLE  # "——…", or a line that does not end like running text, over the byline
    return pieces


def _heads_a_byline(block: Block) -> bool:
    """The first piece of a column, standing over a byline: a subtitle when it opens with a dash
    or is one line that does not end like running text."""
    one_heading_line = len(block.lines) == 1 and _can_be_heading(block_text(block)) and not patterns.has_internal_punctuation(block_text(block))
    return _is_dash_subtitle(block) or one_heading_line


def _is_dash_subtitle(block: Block) -> bool:
    """A short block opening with a dash: the subtitle (副题) set as "——…"."""
    return len(block.lines) <= 2 and _starts_with_dash(block_text(block))


def _starts_with_dash(text: str) -> bool:
    """A dash opening the text; OCR often writes the subtitle's two-em dash as one hyphen, which
    never opens Chinese text ("-占地面积…"; "-5℃" is a number)."""
    text = compact(text)
    hyphen = text[:1] == "-" and is_cjk(text[1:2])
    return (text.startswith(("——", "—", "--")) or hyphen) and len(text) > 3


def _completes_byline(piece: Block, line) -> bool:
    """The line carries the name of a byline that ended in a title at the column's edge
    ("本报通讯员 罗晓浩 通讯员" / "邓晨")."""
    return piece.role is Role.BYLINE and len(piece.lines) == 1 and matches("byline_awaits_name", piece.lines[0].text) and matches("name_tail", line.text)


def _byline_across(line: str, following: str) -> bool:
    """A byline ending in a title whose name stands on the next line."""
    return matches("byline_awaits_name", line) and matches("name_tail", following) and is_byline(line.strip() + " " + following.strip())


def _special_line_role(line, block: Block, size: float) -> Role | None:
    if patterns.is_jump_line(pattern_text(line.text)):
        return Role.JUMP
    vertical = block.direction is Direction.VERTICAL
    reach = block.box.y1 - line.box.y1 if vertical else block.box.x1 - line.box.x1
    indent = line.box.y0 - block.box.y0 if vertical else line.box.x0 - block.box.x0
    if line is block.lines[0] and len(block.lines) > 1 and _byline_across(line.text, block.lines[1].text):
        return Role.BYLINE  # the name carried to the next line ("见习记者 张晨刚 通讯员" / "宋鹏文")
    # a full, indented line matching a byline is a dateline opening its paragraph ("新华社…电")
    if is_byline(line.text) and (reach >= 2 * size or (line is block.lines[0] and indent < size)):
        return Role.BYLINE
    at_head = line is block.lines[0] or (line is block.lines[1] and _starts_with_dash(block.lines[0].text))
    if at_head and indent < BYLINE_MAX_INDENT * size and reach >= 2 * size and matches("short_byline", line.text):
        return Role.BYLINE  # names alone, flush or indented, at the head of a column (under its subtitle)
    if vertical or len(block.lines) < 3:  # centring needs a column's worth of lines to measure against
        return None
    left, right = line.box.x0 - block.box.x0, block.box.x1 - line.box.x1
    centred = left >= 1.0 * size and right >= 1.0 * size and abs(left - right) <= 1.5 * size
    if centred and not line.text.rstrip().endswith(NOT_HEADING_END):
        return Role.SUBHEAD
    # nearly as wide as a narrow column, but centred, without punctuation, and set off by extra space
    nearly_full_heading = min(left, right) >= 0.3 * size and abs(left - right) <= 0.6 * size and _can_be_heading(line.text)
    if nearly_full_heading and not patterns.has_internal_punctuation(line.text) and _set_apart(line, block, size):
        return Role.SUBHEAD
    return None


def _set_apart(line, block: Block, size: float) -> bool:
    """More space above or below the line than between the block's other lines."""
    index = next(i for i, other in enumerate(block.lines) if other is line)
    above = line.box.y0 - block.lines[index - 1].box.y1 if index > 0 else 0.0
    below = block.lines[index + 1].box.y0 - line.box.y1 if index + 1 < len(block.lines) else 0.0
    return max(above, below) >= _line_gap(block) + 0.4 * size


def take_subhead_tails(blocks: list[Block]) -> list[Block]:
    """A section subhead too long for its column wraps: it runs to the column's right edge and its
    last character or few stand flush left on the next line, before the indented paragraph that
    follows. Move that short line from the body into the subhead, so the subhead is one paragraph."""
    horizontal = [b for b in blocks if b.direction is Direction.HORIZONTAL]
    for subhead in [b for b in horizontal if b.role is Role.SUBHEAD and len(b.lines) == 1]:
        size = block_size(subhead)
        if subhead.lines[0].text.rstrip().endswith(NOT_HEADING_END):
            continue
        below = [b for b in horizontal if b.role is Role.BODY and _under(subhead.box, b.box, size)]
        column = min((b for b in below if len(b.lines) >= 2 and _shares_width(subhead.box, b.box, 0.5)), key=lambda b: b.box.y0, default=None)
        if column is None:
            continue
        # the tail stands at the column's left edge, left of the subhead's indented start
        holder = min((b for b in below if _shares_width(column.box, b.box, 0.5) and b.box.y0 <= column.box.y0), key=lambda b: b.box.y0)
        tail = holder.lines[0]
        after = holder.lines[1] if holder is column else column.lines[0]
        wraps = (
            subhead.box.x1 >= column.box.x1 - size
            and tail.box.y0 - subhead.box.y1 <= 1.2 * size
            and tail.box.x0 <= column.box.x0 + 0.5 * size
            and tail.box.width <= 0.5 * column.box.width
            and after.box.x0 >= column.box.x0 + size  # the paragraph after it is indented
        )
        if not wraps:
            continue
        subhead.lines.append(tail)
        subhead.box = subhead.box.union(tail.box)
        holder.lines.remove(tail)
        if holder.lines:
            holder.box = Box.enclosing([line.box for line in holder.lines])
    return [b for b in blocks if b.lines]


def _under(upper: Box, lower: Box, size: float) -> bool:
    """`lower` starts under `upper`, within four lines of `size`."""
    return -0.3 * size <= lower.y0 - upper.y1 <= 4 * size


def _shares_width(wide: Box, narrow: Box, share: float) -> bool:
    """At least `share` of `narrow`'s width lies inside `wide`'s."""
    return wide.x_overlap(narrow) >= share * narrow.width
