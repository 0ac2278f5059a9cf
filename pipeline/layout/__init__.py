"""Layout stage: OCR lines with boxes -> blocks with roles, in reading order, grouped into articles.

Steps: writing direction (vertical columns, and stacks of strips re-read as columns), regions from
the image (rules, frames, pictures), lines split at gutters and grouped into column blocks, roles,
then a recursive XY-cut over blocks and pictures for the reading order and the articles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pipeline.config import LayoutConfig
from pipeline.document import Article, Block, Box, Direction, Line, Page, Role
from pipeline.layout import blocks as blocking
from pipeline.layout import direction, order, recover, roles, skew, upright
from pipeline.layout.regions import Regions, find_regions

if TYPE_CHECKING:  # the OCR package is only needed when an engine is given
    from pipeline.ocr.base import OcrEngine

# Inside an article: kicker, headline, subtitle, byline, lead, then the body columns with their
# subheads in reading order, then picture captions, then the jump line.
ARTICLE_ORDER = {Role.KICKER: 0, Role.HEADLINE: 1, Role.SUBTITLE: 2, Role.BYLINE: 3, Role.LEAD: 4, Role.CAPTION: 6, Role.JUMP: 7}
BODY_RANK = 5
# Marks smaller than this fraction of the body size are dirt, not characters (kept in the JSON meta).
SPECK_SIZE = 0.35
# One or two "characters" more than this many body sizes high, read with less than this
# confidence, are a photo's texture read as text.
PHOTO_READ_SIZE = 4.0
PHOTO_READ_CONFIDENCE = 0.85


def analyze(page: Page, image: np.ndarray | None, config: LayoutConfig, engine: OcrEngine | None = None) -> Page:
    """Move page.lines into blocks in reading order, with roles, directions, articles."""
    lines = [line for line in page.lines if line.text.strip()]
    if not lines:
        page.lines = []
        return page
    if any(line.box is None for line in lines):
        page.blocks.append(Block(role=Role.BODY, lines=lines))  # no geometry: keep the engine's order
        page.warnings.append("layout: some lines have no box; kept in the engine's order")
        page.lines = []
        return page

    direction.mark_vertical(lines)
    size = blocking.body_size(lines)
    lines, specks = _drop_specks(lines, size)
    lines, cross_reads = _drop_cross_reads(lines)
    specks += cross_reads
    lines = _reread_vertical_regions(lines, size, image, engine)
    size = blocking.body_size(lines) or size
    page_box = _page_box(page, image, lines)
    degrees = skew.estimate_degrees(lines)
    rotation = skew.Rotation(degrees, page_box.center) if degrees else None
    originals: dict[int, tuple[Line, Line]] = {}
    if rotation is not None:
        lines, originals = _upright_lines(lines, rotation)
    regions = Regions()
    upright_image = rotation.upright_image(image) if rotation is not None and image is not None else image
    if upright_image is not None and config.find_regions:
        regions = find_regions(upright_image, [l.box for l in lines], size)
    if engine is not None and image is not None and regions.unread_text:
        lines = _read_missed_text(lines, regions.unread_text, image, engine, rotation, originals)
        size = blocking.body_size(lines) or size
    if engine is not None and upright_image is not None and config.read_missed_lines:
        lines = _add_new_lines(lines, recover.read_missed(upright_image, lines, size, regions, engine))

    separators = regions.horizontal_rules + regions.vertical_rules + _frame_edges(regions.frames)
    lines = blocking.split_merged_lines(blocking.join_fragments(lines, separators), size, regions.pictures, separators, regions.ink)
    if engine is not None and upright_image is not None and config.upright_columns:
        lines = upright.reread(lines, upright_image, engine)
    lines = upright.turned_commas(lines)
    found = blocking.group_lines(lines, separators, regions.pictures)
    roles.assign(found, size, page_box, regions.horizontal_rules, regions.frames, regions.pictures)
    found = [piece for block in found for piece in roles.split_special_lines(block)]
    found = roles.take_subhead_tails(found)
    regions.pictures = roles.pictures_over_captions(regions.pictures, found, size)

    page.blocks, page.articles = _reading_order(found, regions, size)
    if rotation is not None:
        _restore_original_boxes(page.blocks, originals, rotation)
        regions = _original_regions(regions, rotation)
    page.lines = []
    page.meta.setdefault("layout", {}).update(
        {
            "body_size": round(size, 1),
            "skew_degrees": round(degrees, 2),
            "pictures": [p.to_list() for p in regions.pictures],
            "rules": [r.to_list() for r in regions.horizontal_rules + regions.vertical_rules],
            "frames": [f.to_list() for f in regions.frames],
            "specks": [l.to_dict() for l in specks],
        }
    )
    return page


def _upright_lines(lines: list[Line], rotation: skew.Rotation) -> tuple[list[Line], dict[int, tuple[Line, Line]]]:
    """Copies of the lines with boxes in the deskewed frame, and the way back to each original
    (by the copy's id, with the copy itself: a copy dropped later frees its id for a new line)."""
    upright, originals = [], {}
    for line in lines:
        chars = [rotation.upright(b) for b in line.char_boxes] if line.char_boxes else None
        copy = Line(line.text, rotation.upright_line(line), line.confidence, line.direction, None, chars)
        originals[id(copy)] = (copy, line)
        upright.append(copy)
    return upright, originals


def _original_regions(regions: Regions, rotation: skew.Rotation) -> Regions:
    """Regions found in the upright frame, turned back into the image's coordinates."""
    turn = rotation.original
    return Regions(
        [turn(b) for b in regions.horizontal_rules],
        [turn(b) for b in regions.vertical_rules],
        [turn(b) for b in regions.frames],
        [turn(b) for b in regions.pictures],
    )


def _restore_original_boxes(blocks: list[Block], originals: dict[int, tuple[Line, Line]], rotation: skew.Rotation) -> None:
    """Lines get their original boxes back (pieces made by layout get theirs turned back)."""
    for block in blocks:
        restored = []
        for line in block.lines:
            copy, original = originals.get(id(line), (None, None))
            if copy is not line or original is None:
                chars = [rotation.original(b) for b in line.char_boxes] if line.char_boxes else None
                original = Line(line.text, rotation.original(line.box), line.confidence, line.direction, None, chars)
            restored.append(original)
        block.lines = restored
        block.box = Box.enclosing([l.box for l in restored])


def _drop_specks(lines: list[Line], size: float) -> tuple[list[Line], list[Line]]:
    """Tiny one- or two-character "lines" far smaller than the type are specks of dirt read as text;
    one or two "characters" many times the body size, read with little confidence, are the texture
    of a photo read as text (their box would hide part of the picture from the picture finder; a
    masthead's big characters are read with confidence)."""
    keep, specks = [], []
    for line in lines:
        short = len(line.text.strip()) <= 2
        tiny = max(line.box.width, line.box.height) < SPECK_SIZE * size
        giant = min(line.box.width, line.box.height) > PHOTO_READ_SIZE * size and (line.confidence or 0.0) < PHOTO_READ_CONFIDENCE
        (specks if short and (tiny or giant) else keep).append(line)
    return keep, specks


def _drop_cross_reads(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """A short vertical "column" lying across the ends of two or more horizontal lines, whose
    characters those lines already hold, is the detector reading their last characters downwards
    a second time (it would open a spurious vertical headline)."""
    horizontal = [l for l in lines if l.box is not None and l.direction is Direction.HORIZONTAL]
    keep, dropped = [], []
    for line in lines:
        if line.direction is Direction.VERTICAL and line.box is not None:
            box = line.box
            crossing = [
                h for h in horizontal
                if h.box.x_overlap(box) >= 0.6 * box.width and h.box.y_overlap(box) > 0
            ]
            held = "".join(h.text for h in crossing)
            if len(crossing) >= 2 and all(ch in held for ch in line.text if not ch.isspace()):
                dropped.append(line)
                continue
        keep.append(line)
    return keep, dropped


def _page_box(page: Page, image: np.ndarray | None, lines: list[Line]) -> Box:
    if image is not None:
        return Box(0, 0, float(image.shape[1]), float(image.shape[0]))
    if page.width and page.height:
        return Box(0, 0, float(page.width), float(page.height))
    extent = Box.enclosing([l.box for l in lines])
    return Box(0, 0, extent.x1 + extent.x0, extent.y1 + extent.y0)


def _reread_vertical_regions(lines: list[Line], size: float, image: np.ndarray | None, engine: OcrEngine | None) -> list[Line]:
    """Replace stacks of strips (vertical columns cut across by page detection) with columns."""
    for region in direction.strip_regions(lines, size):
        inside = [l for l in lines if direction.inside(l, region)]
        if engine is not None and image is not None:
            columns = [c for c in engine.read_region(image, region, Direction.VERTICAL) if c.text.strip() and c.box is not None]
            direction.mark_vertical(columns)
        else:
            columns = direction.columns_from_strips([l for l in inside if direction.is_strip(l)])
            columns += [l for l in inside if not direction.is_strip(l)]
        if columns:
            kept = [l for l in lines if not any(l is i for i in inside)]
            lines = kept + columns
    return lines


def _read_missed_text(
    lines: list[Line], unread: list[tuple[Box, Direction]], image: np.ndarray, engine: OcrEngine, rotation: skew.Rotation | None, originals: dict[int, tuple[Line, Line]]
) -> list[Line]:
    """Have the engine read regions holding text the page OCR did not find.

    A vertical region grows over the vertical columns the page OCR did find beside it: the whole
    block is re-read and its columns replace the page OCR's (cropped vertical blocks read far
    better than the page). Re-read lines the page OCR already had are otherwise dropped, also
    those standing over lines outside the region: a region along the ends of skewed lines holds
    the few characters their boxes left out, and reads them a second time.
    """
    for box, writing in unread:
        region = _grow_vertical(box, lines) if writing is Direction.VERTICAL else box
        inside = [l for l in lines if direction.inside(l, region)]
        outside = [l for l in lines if not any(l is i for i in inside)]
        read = [l for l in engine.read_region(image, rotation.original(region) if rotation is not None else region, writing) if l.text.strip() and l.box is not None]
        direction.mark_vertical(read)
        if rotation is not None:
            read, more = _upright_lines(read, rotation)
            originals.update(more)
        read = [l for l in read if not _already_read(l, outside) and not _repeats_page_line(l, lines)]
        if writing is Direction.VERTICAL and inside and sum(len(l.text) for l in read) >= 0.8 * sum(len(l.text) for l in inside):
            lines = outside + read
        else:
            lines = lines + [l for l in read if not _already_read(l, inside)]
    return lines


def _repeats_page_line(read: Line, lines: list[Line]) -> bool:
    """A piece re-read from a region that overlaps a page line on the same row and holds only its
    characters: the end of that line read again.

    Where such regions come from (a page turned 2.4°): the turned image's uncovered corners are
    filled white beside tinted paper, the ink mask takes the slanted seam along the page edge for
    strokes, and the region finder reports it, merged with the line ends beside it, as text the
    page OCR missed. Keeping the seam out of the ink (a paper-coloured fill, or no ink where the
    turn uncovered the corners) also removes the page-edge "rules" the seam makes, and measured
    worse on two turned pages (p22, p23), so the re-read is filtered instead.
    `_already_read` drops pieces lying on a page line's box; this also drops those reaching past
    the box's end."""
    box = read.box
    for line in lines:
        if line.direction is not Direction.HORIZONTAL or read.direction is not Direction.HORIZONTAL:
            continue
        level = line.box.y_overlap(box) >= 0.5 * min(line.box.height, box.height)
        touching = line.box.x_overlap(box) > 0
        if level and touching and all(ch in line.text for ch in read.text if not ch.isspace()):
            return True
    return False


def _already_read(line: Line, lines: list[Line]) -> bool:
    """Whether most of the line's box lies on the box of one of `lines`."""
    return any(line.box.intersection_area(k.box) > 0.5 * min(line.box.area, k.box.area) for k in lines)


def _add_new_lines(lines: list[Line], read: list[Line]) -> list[Line]:
    """`lines` plus the read lines that no line there already holds (most of either box shared)."""
    direction.mark_vertical(read)
    return lines + [l for l in read if not _already_read(l, lines)]


def _grow_vertical(region: Box, lines: list[Line]) -> Box:
    """The region with the vertical columns standing beside it, repeatedly, up to the block's edges."""
    columns = [l for l in lines if l.direction is Direction.VERTICAL]
    grown = True
    while grown:
        grown = False
        for line in columns:
            box = line.box
            if region.x0 <= box.x0 and box.x1 <= region.x1 and region.y0 <= box.y0 and box.y1 <= region.y1:
                continue
            beside = box.x1 >= region.x0 - box.width and box.x0 <= region.x1 + box.width
            overlap = box.y_overlap(region)
            if beside and overlap > 0.5 * min(box.height, region.height):
                region, grown = region.union(box), True
    return region


def _on_edge(rule: Box, frame: Box, tolerance: float) -> bool:
    """A rule that is one side of a frame."""
    inside = frame.x0 - tolerance <= rule.x0 and rule.x1 <= frame.x1 + tolerance and frame.y0 - tolerance <= rule.y0 and rule.y1 <= frame.y1 + tolerance
    on_side = min(abs(rule.y0 - frame.y0), abs(rule.y1 - frame.y1), abs(rule.x0 - frame.x0), abs(rule.x1 - frame.x1)) <= tolerance
    return inside and on_side


def _frame_edges(frames: list[Box]) -> list[Box]:
    edges = []
    for f in frames:
        edges += [Box(f.x0, f.y0, f.x1, f.y0 + 1), Box(f.x0, f.y1 - 1, f.x1, f.y1), Box(f.x0, f.y0, f.x0 + 1, f.y1), Box(f.x1 - 1, f.y0, f.x1, f.y1)]
    return edges


def _reading_order(found: list[Block], regions: Regions, size: float) -> tuple[list[Block], list[Article]]:
    """Header furniture first, then articles in page order (headings first inside each), then footer."""
    def furniture(role: Role) -> list[Block]:
        blocks = [b for b in found if b.role is role]
        if len(blocks) < 2:
            return blocks
        return [i.block for i in order.leaves(order.xy_cut([order.Item(b.box, b) for b in blocks], order.Separators([], []), size))]

    header, footer = furniture(Role.HEADER), furniture(Role.FOOTER)
    content = [b for b in found if not b.role.is_furniture]
    ordered: list[Block] = list(header)
    articles: list[Article] = []
    if content:
        items = [order.Item(b.box, b) for b in content] + [order.Item(p) for p in regions.pictures]
        frames = _frame_edges(regions.frames)
        on_frame = [r for r in regions.horizontal_rules + regions.vertical_rules if any(_on_edge(r, f, size) for f in regions.frames)]
        separators = order.Separators(
            horizontal=[r for r in regions.horizontal_rules if r not in on_frame],
            vertical=[r for r in regions.vertical_rules if r not in on_frame],
            frame_horizontal=[e for e in frames if e.width > e.height],
            frame_vertical=[e for e in frames if e.height >= e.width],
        )
        for group in order.article_groups(items, separators, size):
            group = sorted(group, key=lambda b: ARTICLE_ORDER.get(b.role, BODY_RANK))  # stable: XY order within a rank
            article_id = len(articles) + 1
            start = len(ordered)
            for block in group:
                block.article = article_id
            ordered.extend(group)
            headline = next((b for b in group if b.role is Role.HEADLINE), None)
            text = roles.block_text(headline) if headline is not None else ""
            articles.append(Article(article_id, text, list(range(start, len(ordered)))))
    ordered.extend(footer)
    return ordered, articles
