"""Reading order by a recursive XY-cut over blocks and pictures, guided by rules; articles from the cut tree.

At each level the cut is chosen in this order: horizontal rules across the region, vertical
rules, wide horizontal whitespace (between stacked articles), column gutters (left to right for
horizontal text, right to left for vertical text), then any horizontal gap. Column blocks are whole
column segments, so a headline spanning two of three columns leaves the third column's gutter free
and a picture across columns is one more item in the cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.document import Block, Box, Direction, Role

# Horizontal whitespace at least this many body character sizes high separates stacked articles.
WIDE_GAP = 1.5
# A rule separates a region when it spans at least this fraction of it.
RULE_SPAN = 0.5


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


@dataclass(frozen=True)
class Separators:
    horizontal: list[Box]
    vertical: list[Box]


def xy_cut(items: list[Item], separators: Separators, size: float) -> Node | Item:
    """The cut tree of `items`: leaves in reading order."""
    if len(items) == 1:
        return items[0]
    extent = Box.enclosing([i.box for i in items])
    vertical_text = _mostly_vertical(items)
    h_gaps = _gaps(items, axis=1, size=size)
    v_gaps = _gaps(items, axis=0, size=size)
    h_ruled = [g for g in h_gaps if _ruled(g, separators.horizontal, extent, axis=1)]
    v_ruled = [g for g in v_gaps if _ruled(g, separators.vertical, extent, axis=0)]
    wide = [g for g in h_gaps if g[1] - g[0] >= WIDE_GAP * size]
    for gaps, axis in ((h_ruled, 1), (v_ruled, 0), (wide, 1), (v_gaps, 0), (h_gaps, 1)):
        if gaps:
            return _split(items, gaps, axis, separators, size, right_to_left=axis == 0 and vertical_text)
    ordered = sorted(items, key=(lambda i: (-i.box.x1, i.box.y0)) if vertical_text else (lambda i: (i.box.y0, i.box.x0)))
    return Node(children=list(ordered), ruled=[False] * len(ordered))


def _split(items: list[Item], gaps: list[tuple[float, float]], axis: int, separators: Separators, size: float, right_to_left: bool) -> Node:
    cuts = sorted(gaps)
    bands: list[list[Item]] = [[] for _ in range(len(cuts) + 1)]
    for item in items:
        low = item.box.x0 if axis == 0 else item.box.y0
        high = item.box.x1 if axis == 0 else item.box.y1
        middle = (low + high) / 2
        index = sum(1 for g0, g1 in cuts if middle >= (g0 + g1) / 2)
        bands[index].append(item)
    extent = Box.enclosing([i.box for i in items])
    rules = separators.vertical if axis == 0 else separators.horizontal
    ruled_after = [_ruled(g, rules, extent, axis) for g in cuts]
    order = list(range(len(bands)))
    if right_to_left:
        order.reverse()
    node = Node()
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


def _gaps(items: list[Item], axis: int, size: float) -> list[tuple[float, float]]:
    """Empty bands across all items along `axis` (0: x, vertical gaps; 1: y, horizontal gaps)."""
    margin = 0.15 * size
    spans = []
    for item in items:
        low, high = (item.box.x0, item.box.x1) if axis == 0 else (item.box.y0, item.box.y1)
        shrink = min(margin, (high - low) / 4)
        spans.append((low + shrink, high - shrink))
    spans.sort()
    gaps, reach = [], spans[0][1]
    for low, high in spans[1:]:
        if low > reach:
            gaps.append((reach, low))
        reach = max(reach, high)
    return gaps


def _ruled(gap: tuple[float, float], rules: list[Box], extent: Box, axis: int) -> bool:
    """A rule inside the gap that spans enough of the region across the gap."""
    g0, g1 = gap
    for rule in rules:
        if axis == 1:
            position, low, high, region_low, region_high = rule.center[1], rule.x0, rule.x1, extent.x0, extent.x1
        else:
            position, low, high, region_low, region_high = rule.center[0], rule.y0, rule.y1, extent.y0, extent.y1
        covered = min(high, region_high) - max(low, region_low)
        if g0 - 2 <= position <= g1 + 2 and covered >= RULE_SPAN * (region_high - region_low):
            return True
    return False


def leaves(tree: Node | Item) -> list[Item]:
    if isinstance(tree, Item):
        return [tree]
    return [leaf for child in tree.children for leaf in leaves(child)]


def articles(tree: Node | Item) -> list[list[Block]]:
    """Blocks grouped into articles: each group holds at most one headline.

    A part of the tree without a headline joins the neighbouring part it is not ruled off from:
    a kicker joins the part after it, anything else the part before it (or after, if first).
    """
    return [group for group in _groups(tree) if group]


def _groups(tree: Node | Item) -> list[list[Block]]:
    if isinstance(tree, Item):
        return [[tree.block]] if tree.block is not None else [[]]
    parts = [_groups(child) for child in tree.children]
    flat: list[list[Block]] = []
    ruled_before: list[bool] = []
    for child_groups, ruled in zip(parts, tree.ruled):
        for position, group in enumerate(child_groups):
            flat.append(group)
            ruled_before.append(ruled if position == 0 else False)
    if sum(_headlines(g) for g in flat) <= 1:
        return [[b for g in flat for b in g]]
    return _merge_headless(flat, ruled_before)


def _headlines(group: list[Block]) -> int:
    return sum(1 for b in group if b.role is Role.HEADLINE)


def _merge_headless(groups: list[list[Block]], ruled_before: list[bool]) -> list[list[Block]]:
    merged: list[list[Block]] = []
    merged_ruled: list[bool] = []
    carry: list[Block] = []  # kickers waiting for the headline after them
    for group, ruled in zip(groups, ruled_before):
        if not group:
            continue
        if _headlines(group):
            merged.append(carry + group)
            merged_ruled.append(ruled)
            carry = []
        elif all(b.role is Role.KICKER for b in group):
            carry.extend(group)
        elif merged and not ruled:
            merged[-1].extend(carry + group)
            carry = []
        else:
            merged.append(carry + group)
            merged_ruled.append(ruled)
            carry = []
    if carry:
        merged.append(carry)
        merged_ruled.append(False)
    # a headless part that had to open its own group joins the next group when no rule divides them
    result: list[list[Block]] = []
    pending: list[Block] = []
    for index, group in enumerate(merged):
        if _headlines(group):
            result.append(pending + group)
            pending = []
        elif index + 1 < len(merged) and not merged_ruled[index + 1] and _headlines(merged[index + 1]):
            pending.extend(group)
        else:
            result.append(pending + group)
            pending = []
    if pending:
        result.append(pending)
    return result
