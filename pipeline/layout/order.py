"""Reading order by a recursive XY-cut over blocks and pictures, guided by rules; articles from the cut tree.

At each level the cut is chosen in this order: horizontal rules across the region, vertical
rules (first, when a rule runs down the whole region and the rules across it stop at it), wide
horizontal whitespace (between stacked articles), column gutters (left to right for horizontal
text, right to left for vertical text), then the widest horizontal gap. Vertical text stands in
bands, so there any horizontal whitespace comes before the gutters. Column blocks are whole column
segments, so a headline spanning two of three columns leaves the third column's gutter free and a
picture across columns is one more item in the cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from pipeline.document import Block, Box, Direction, Role

# The next line of a heading set in several lines starts at most this many of its heights under the
# last (here for grouping a headline's blocks into one article, in paragraphs for joining them).
HEADLINE_LINE_GAP = 0.8
# Horizontal whitespace at least this many body character sizes high separates stacked articles.
WIDE_GAP = 1.5
# Items may overlap by up to twice this many characters and still leave a gap between them (the
# detector pads line boxes by up to half a character on each side).
OVERLAP_ALLOWANCE = 0.5
# A rule separates a region when it spans at least this fraction of it.
RULE_SPAN = 0.5
# A frame's edge separates a region when the frame spans at least this fraction of it.
FRAME_SPAN = 0.9
# A rule running down a region is cut first when it spans this much more of it than any rule across.
RULE_LEAD = 0.15
# Text below a headline is within its span when it reaches past either end by at most this fraction
# of the headline's width.
UNDER_HEADLINE = 0.25
# A headline is centred over a region when its middle is this many body characters from the region's.
CENTRED = 2.0


class Gap(NamedTuple):
    """White between boxes along one axis: from `low` to `high` (the untrimmed boxes' edges, so the
    width is negative where padded boxes overlap a little), cut at `at`, between the trimmed boxes."""

    low: float
    high: float
    at: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class Item:
    """A block to order, or a picture (block None) that takes space in the cut."""

    box: Box
    block: Block | None = None


@dataclass
class Node:
    """One level of the cut: children in reading order; ruled[i] says a rule stands before child i."""

    children: list[Node | Item] = field(default_factory=list)
    ruled: list[bool] = field(default_factory=list)
    side_by_side: bool = False  # children stand next to each other (a cut at a gutter)


@dataclass(frozen=True)
class Separators:
    """Rules separate articles; frame edges (lead boxes, sidebars) guide cuts but keep articles whole."""

    horizontal: list[Box]
    vertical: list[Box]
    frame_horizontal: list[Box] = field(default_factory=list)
    frame_vertical: list[Box] = field(default_factory=list)


def xy_cut(items: list[Item], separators: Separators, size: float) -> Node | Item:
    """The cut tree of `items`: leaves in reading order."""
    if len(items) == 1:
        return items[0]
    extent = Box.enclosing([i.box for i in items])
    vertical_text = _mostly_vertical(items)
    h_gaps = _gaps(items, axis=1, size=size)
    # text runs down a column past a picture set across columns, so pictures and their captions
    # do not close a gutter (they still keep stacked articles apart)
    flowing = [i for i in items if i.block is not None and i.block.role is not Role.CAPTION]
    v_gaps = [g for g in _gaps(flowing, axis=0, size=size) if _stand_beside(g, flowing)] if flowing else []
    h_cover = {g: _separator_cover(g, separators.horizontal, separators.frame_horizontal, extent, axis=1) for g in h_gaps}
    v_cover = {g: _separator_cover(g, separators.vertical, separators.frame_vertical, extent, axis=0) for g in v_gaps}
    h_ruled = _longest_ruled(h_cover)
    v_ruled = _longest_ruled(v_cover)
    wide = [g for g in h_gaps if g.width >= WIDE_GAP * size]
    # vertical text stands in bands one above the other, and its columns run down to the band's foot:
    # any whitespace across the region lies between bands and comes before rules between columns
    # (a scan's border lines run down the whole page)
    if vertical_text:
        priority = ((h_ruled, 1), (h_gaps, 1), (v_ruled, 0))
    elif v_ruled and max(v_cover.values()) > max(h_cover.values(), default=0.0) + RULE_LEAD:
        # a rule across part of the region that ends at a rule running down all of it (a T) only
        # parts the articles on its own side: the longer rule is the first cut
        priority = ((v_ruled, 0), (h_ruled, 1), (wide, 1))
    else:
        priority = ((h_ruled, 1), (v_ruled, 0), (wide, 1))
    # with no gutter, rule or wide space left, something spans the columns: cut beside it, at the
    # widest gap that a heading borders (the space under the headline, not a line that happens to
    # end level in every column), else at the widest gap
    by_heading = [g for g in h_gaps if _borders_heading(g, items)]
    widest = [max(by_heading or h_gaps, key=lambda g: g.width)] if h_gaps else []
    for gaps, axis in priority + ((v_gaps, 0), (widest, 1)):
        if gaps:
            return _split(items, gaps, axis, separators, size, right_to_left=axis == 0 and vertical_text)
    ordered = sorted(items, key=(lambda i: (-i.box.x1, i.box.y0)) if vertical_text else (lambda i: (i.box.y0, i.box.x0)))
    return Node(children=list(ordered), ruled=[False] * len(ordered))


def _split(items: list[Item], gaps: list[Gap], axis: int, separators: Separators, size: float, right_to_left: bool) -> Node:
    cuts = sorted(gaps, key=lambda g: g.at)
    bands: list[list[Item]] = [[] for _ in range(len(cuts) + 1)]
    for item in items:
        low = item.box.x0 if axis == 0 else item.box.y0
        high = item.box.x1 if axis == 0 else item.box.y1
        middle = (low + high) / 2
        index = sum(1 for g in cuts if middle >= g.at)
        bands[index].append(item)
    extent = Box.enclosing([i.box for i in items])
    rules = separators.vertical if axis == 0 else separators.horizontal
    ruled_after = [_ruled(g, rules, extent, axis) for g in cuts]
    order = list(range(len(bands)))
    if right_to_left:
        order.reverse()
    node = Node(side_by_side=axis == 0)
    for position, index in enumerate(order):
        if not bands[index]:
            continue
        if position == 0 or not node.children:
            ruled = False
        else:
            between = index if right_to_left else index - 1
            ruled = ruled_after[between]
        node.children.append(xy_cut(bands[index], separators, size))
        node.ruled.append(ruled)
    return node


def _mostly_vertical(items: list[Item]) -> bool:
    vertical = sum(len(i.block.lines) for i in items if i.block is not None and i.block.direction is Direction.VERTICAL)
    horizontal = sum(len(i.block.lines) for i in items if i.block is not None and i.block.direction is Direction.HORIZONTAL)
    return vertical > horizontal


def _gaps(items: list[Item], axis: int, size: float) -> list[Gap]:
    """Empty bands across all items along `axis` (0: x, vertical gaps; 1: y, horizontal gaps).

    Items are trimmed by OVERLAP_ALLOWANCE characters at each end first, so a headline that runs
    a little into the next column, or a skewed box, does not close a gutter; the gaps returned
    are the untrimmed ones (possibly of negative width)."""
    margin = OVERLAP_ALLOWANCE * size
    spans = []
    for item in items:
        low, high = (item.box.x0, item.box.x1) if axis == 0 else (item.box.y0, item.box.y1)
        shrink = min(margin, (high - low) / 4)
        spans.append((low + shrink, high - shrink, shrink))
    spans.sort()
    gaps, reach = [], spans[0]
    for span in spans[1:]:
        if span[0] > reach[1]:
            gaps.append(Gap(reach[1] + reach[2], span[0] - span[2], (reach[1] + span[0]) / 2))
        if span[1] > reach[1]:
            reach = span
    return gaps


def _stand_beside(gap: Gap, items: list[Item]) -> bool:
    """Something on each side of a vertical gap at the same height: a gutter, not the white beside
    the short or indented line of a heading that stands above another one."""
    left = [i.box for i in items if i.box.center[0] < gap.at]
    right = [i.box for i in items if i.box.center[0] >= gap.at]
    return any(min(a.y1, b.y1) > max(a.y0, b.y0) for a in left for b in right)


HEADINGS = (Role.KICKER, Role.HEADLINE, Role.SUBTITLE, Role.BYLINE)


def _borders_heading(gap: Gap, items: list[Item]) -> bool:
    """The last item above the gap, or the first below it, is a heading."""
    above = [i for i in items if i.box.center[1] < gap.at]
    below = [i for i in items if i.box.center[1] >= gap.at]
    nearest = ([max(above, key=lambda i: i.box.y1)] if above else []) + ([min(below, key=lambda i: i.box.y0)] if below else [])
    return any(i.block is not None and i.block.role in HEADINGS for i in nearest)


def _longest_ruled(cover: dict[Gap, float]) -> list[Gap]:
    """Gaps holding a rule that spans the region, leaving out those whose rule is much shorter than
    the longest: a rule under part of the region is cut inside the part it bounds, after the rules
    across all of it."""
    best = max(cover.values(), default=0.0)
    return [g for g, c in cover.items() if c >= RULE_SPAN and c >= best - RULE_LEAD]


def _ruled(gap: Gap, rules: list[Box], extent: Box, axis: int) -> bool:
    """A rule inside the gap that spans enough of the region across the gap."""
    return _rule_cover(gap, rules, extent, axis) >= RULE_SPAN


def _separator_cover(gap: Gap, rules: list[Box], frame_edges: list[Box], extent: Box, axis: int) -> float:
    """How much of the region a rule in the gap spans. A frame's edge counts only where the frame
    spans nearly all the region: text may run on beside a framed lead box set into some columns."""
    framed = _rule_cover(gap, frame_edges, extent, axis)
    return max(_rule_cover(gap, rules, extent, axis), framed if framed >= FRAME_SPAN else 0.0)


def _rule_cover(gap: Gap, rules: list[Box], extent: Box, axis: int) -> float:
    """The largest fraction of the region, across the gap, that one rule inside the gap spans."""
    g0, g1 = min(gap.low, gap.high), max(gap.low, gap.high)  # padded boxes may overlap a little
    best = 0.0
    for rule in rules:
        if axis == 1:
            position, low, high, region_low, region_high = rule.center[1], rule.x0, rule.x1, extent.x0, extent.x1
        else:
            position, low, high, region_low, region_high = rule.center[0], rule.y0, rule.y1, extent.y0, extent.y1
        covered = min(high, region_high) - max(low, region_low)
        if g0 - 2 <= position <= g1 + 2 and region_high > region_low:
            best = max(best, covered / (region_high - region_low))
    return best


def article_groups(items: list[Item], separators: Separators, size: float) -> list[list[Block]]:
    """Articles in reading order. Articles boxed in by an L-shaped article (a rule across under its
    short columns meeting a rule down beside its long ones) are read apart, right after it."""
    corners = [] if _mostly_vertical(items) else _nested_regions(separators, size)  # vertical pages read in bands
    for inner, rules in corners:
        inside = [i for i in items if inner.x0 <= i.box.center[0] <= inner.x1 and inner.y0 <= i.box.center[1] <= inner.y1]
        outside = [i for i in items if not any(i is j for j in inside)]
        if not any(i.block is not None for i in inside) or not any(i.block is not None for i in outside):
            continue
        rest = Separators(
            [r for r in separators.horizontal if r not in rules],
            [r for r in separators.vertical if r not in rules],
            separators.frame_horizontal,
            separators.frame_vertical,
        )
        outer_groups = article_groups(outside, rest, size)
        inner_groups = article_groups(inside, rest, size)
        above = [i.block for i in outside if i.block is not None and i.box.y1 <= inner.y0 + size and i.box.x_overlap(inner) > 0]
        host = max(above, key=lambda b: b.box.y1) if above else None
        at = next((n + 1 for n, g in enumerate(outer_groups) if any(b is host for b in g)), len(outer_groups))
        return outer_groups[:at] + inner_groups + outer_groups[at:]
    return articles(xy_cut(items, separators, size), size)


def _nested_regions(separators: Separators, size: float) -> list[tuple[Box, tuple[Box, Box]]]:
    """Corners where a horizontal rule meets the top of a vertical rule at one of its ends: the
    region below the horizontal rule on the vertical rule's inner side, down to its foot (with
    the two rules that bound it)."""
    regions = []
    for rule in separators.horizontal:
        y = rule.center[1]
        for post in separators.vertical:
            if abs(post.y0 - y) > 2 * size or post.height < 4 * size:
                continue
            x = post.center[0]
            if abs(x - rule.x0) <= 2 * size and rule.x1 - x > 4 * size:
                regions.append((Box(x, y, rule.x1, post.y1), (rule, post)))
            elif abs(x - rule.x1) <= 2 * size and x - rule.x0 > 4 * size:
                regions.append((Box(rule.x0, y, x, post.y1), (rule, post)))
    return regions


def leaves(tree: Node | Item) -> list[Item]:
    if isinstance(tree, Item):
        return [tree]
    return [leaf for child in tree.children for leaf in leaves(child)]


def articles(tree: Node | Item, size: float) -> list[list[Block]]:
    """Blocks grouped into articles, each opened by a headline, in reading order.

    Blocks read before any headline of their part of the tree belong to the article before them
    (the rest of an L-shaped article), unless a rule divides them; kickers belong to the headline
    after them; a body standing beside a vertical headline belongs to it.
    """
    prefix, groups = _groups(tree, size)
    return ([prefix] if prefix else []) + [g for g in groups if g]


def _groups(tree: Node | Item, size: float) -> tuple[list[Block], list[list[Block]]]:
    """(blocks before the first headline of this part, groups each opened by a headline)."""
    if isinstance(tree, Item):
        if tree.block is None:
            return [], []
        return ([], [[tree.block]]) if tree.block.role is Role.HEADLINE else ([tree.block], [])
    prefix: list[Block] = []
    groups: list[list[Block]] = []
    carry: list[Block] = []  # headless blocks that belong to the next headline
    results = [_groups(child, size) for child in tree.children]
    for index, ((head, opened), ruled) in enumerate(zip(results, tree.ruled)):
        if head:
            following = _next_opened(results, tree, index, _mostly_vertical([Item(b.box, b) for b in head])) if tree.side_by_side and not groups else None
            leading_kickers = _trailing_kickers(head)
            rest = head[: len(head) - len(leading_kickers)]
            beside_vertical_headline = following is not None and following[0].direction is Direction.VERTICAL
            if rest and following is not None and (beside_vertical_headline or _under_centred_headline(rest, following, tree, size)):
                carry.extend(rest)
            elif rest and groups and (not ruled or _only_headings(groups[-1]) or _under_headline(rest, groups[-1], size)):  # a headline has its text
                groups[-1].extend(rest)
            elif rest and groups:
                groups.append(rest)  # ruled off from what came before: a piece of its own
            elif rest:
                prefix.extend(rest)
            carry.extend(leading_kickers)
        for group in opened:
            group[:0] = carry
            carry = []
            if groups and not ruled and _headline_goes_on(groups[-1], group):
                groups[-1].extend(group)
            else:
                groups.append(group)
    if carry:
        if groups:
            groups[-1].extend(carry)
        else:
            prefix.extend(carry)
    return prefix, groups


def _next_opened(results: list[tuple[list[Block], list[list[Block]]]], tree: Node, index: int, vertical_text: bool) -> list[Block] | None:
    """The first group opened by a part after part `index` of a side-by-side region, if no rule
    stands between them. Horizontal columns left of a headline standing at an article's right may
    lie several parts before it; vertical text reads from the headline on, so there only the part
    right beside it is looked at (parts further right end the article before)."""
    last = index + 2 if vertical_text else len(results)
    for later in range(index + 1, min(last, len(results))):
        if tree.ruled[later]:
            return None
        if results[later][1]:
            return results[later][1][0]
    return None


def _under_centred_headline(blocks: list[Block], group: list[Block], tree: Node, size: float) -> bool:
    """A headline centred over all the columns of a side-by-side region, but too short to reach the
    outer ones, opens the article of every column there: headless columns before it that start
    below the headline's top are its first columns, not the tail of the article before."""
    headline = next((b for b in group if b.role is Role.HEADLINE), None)
    if headline is None or headline.direction is Direction.VERTICAL:
        return False
    extent = Box.enclosing([leaf.box for leaf in leaves(tree)])
    centred = abs(headline.box.center[0] - extent.center[0]) <= CENTRED * size
    return centred and all(b.box.y0 > headline.box.y0 for b in blocks)


def _under_headline(blocks: list[Block], group: list[Block], size: float) -> bool:
    """Blocks within the span of the headline of the group above them: a rule between them sets off
    a lead or the headings from the body, it does not end the article (its headline spans its
    columns, and the next article brings its own)."""
    headline = next((b for b in group if b.role is Role.HEADLINE and b.direction is Direction.HORIZONTAL), None)
    if headline is None:
        return False
    text = [b.box for b in blocks if b.role is not Role.CAPTION] or [b.box for b in blocks]  # pictures may reach further
    extent = Box.enclosing(text)
    reach = UNDER_HEADLINE * headline.box.width  # a headline shorter than its columns is centred over them
    within = headline.box.x0 - reach <= extent.x0 and extent.x1 <= headline.box.x1 + reach
    return within and extent.y0 >= headline.box.y1 - size


def _headline_goes_on(before: list[Block], group: list[Block]) -> bool:
    """A headline in several pieces that a group of headings only ends with: the engine splits a
    line at the space between its parts (the next piece stands level with it, in the same type,
    less than two of its characters to the right), and a headline set in several lines goes on in
    the line right under it (the boxes of lines with quotation marks stand taller). Line is
    measured against line: a block may already hold two of the headline's lines."""
    if not _only_headings(before) or group[0].role is not Role.HEADLINE or before[-1].role is not Role.HEADLINE:
        return False
    upper, lower = before[-1].lines[-1].box, group[0].lines[0].box
    low = min(upper.height, lower.height)
    level = upper.y_overlap(lower) >= 0.6 * low
    same_type = abs(upper.height - lower.height) <= 0.25 * max(upper.height, lower.height)
    if level:
        return same_type and 0 <= lower.x0 - upper.x1 <= 2 * low
    under = -0.5 * low <= lower.y0 - upper.y1 <= HEADLINE_LINE_GAP * low
    across = upper.x_overlap(lower) >= 0.5 * min(upper.width, lower.width)
    similar_type = abs(upper.height - lower.height) <= 0.4 * max(upper.height, lower.height)
    return under and across and similar_type


def _only_headings(blocks: list[Block]) -> bool:
    return all(b.role in (Role.KICKER, Role.HEADLINE, Role.SUBTITLE) for b in blocks)


def _trailing_kickers(blocks: list[Block]) -> list[Block]:
    count = 0
    for block in reversed(blocks):
        if block.role is not Role.KICKER:
            break
        count += 1
    return blocks[len(blocks) - count :] if count else []
