"""Composes a synthetic newspaper page: page furniture, articles in column grids (stacked, L-shaped,
side by side, text wrapped round pictures) or vertical columns read right to left, and the ground
truth in reading order as the project's document model.

Reading-order conventions of the truth (see samples/bench/README.md): page header blocks first,
then articles in page order, then the footer. Within an article: kicker, headline, subtitle, byline,
lead, body blocks column by column (subheads where they stand), then picture captions, then a jump
line. Horizontal articles read their columns left to right, vertical ones right to left.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import opencc
from PIL import Image, ImageDraw

from pipeline.bench import fonts
from pipeline.bench.corpus import SourceArticle
from pipeline.bench.typeset import FlowItem, FlowResult, Frame, Glyph, Style, flow
from pipeline.document import Article, Block, Box, Document, Page, Role

WORDS = json.loads((Path(__file__).parent / "data" / "newspaper.json").read_text(encoding="utf-8"))
OPENCC_CONFIG = {"hant": "s2t", "hk": "s2hk"}
INK = 25


@dataclass(frozen=True)
class PageSpec:
    """Everything that decides one page; the same spec always gives the same page."""

    id: str
    seed: int
    script: str = "hans"  # hans | hant (s2t) | hk (s2hk)
    kind: str = "horizontal"  # horizontal | vertical
    columns: int = 5
    width: int = 2200
    body_size: int = 32
    plan: str = "stack"  # stack | lshape | side | wrap (horizontal pages); bands (vertical pages)
    degradation: str = "clean"  # clean | light | heavy | lowres


@dataclass
class Composer:
    spec: PageSpec
    articles: list[SourceArticle]
    rng: random.Random = field(init=False)
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[tuple[float, float, float, float, int]] = field(default_factory=list)  # x0, y0, x1, y1, width
    frames_drawn: list[Box] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)
    header: list[Block] = field(default_factory=list)
    footer: list[Block] = field(default_factory=list)
    article_blocks: list[list[Block]] = field(default_factory=list)
    article_headlines: list[str] = field(default_factory=list)
    used_articles: set[int] = field(default_factory=set)
    article_notes: list[dict] = field(default_factory=list)  # per article: its source and layout features

    def __post_init__(self) -> None:
        self.rng = random.Random(self.spec.seed)
        self.converter = opencc.OpenCC(OPENCC_CONFIG[self.spec.script]) if self.spec.script in OPENCC_CONFIG else None
        self.to_simplified = opencc.OpenCC("t2s")
        self.width = self.spec.width
        self.height = int(round(self.spec.width * self.rng.uniform(1.36, 1.44)))
        self.margin = int(self.width * 0.045)
        self.body = Style("serif", self.spec.body_size, pitch=1.5, indent=2)
        self.gutter = int(self.spec.body_size * 1.1)

    # ---- text helpers -------------------------------------------------------------------------
    def text(self, value: str, source_script: str = "simplified") -> str:
        """Article or furniture text in the page's script; traditional pages use corner quotes."""
        if self.converter is None:
            return self.to_simplified.convert(value) if source_script == "traditional" else value
        if source_script != "traditional":
            value = self.converter.convert(value)
        return value.translate(str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"}))

    def name(self) -> str:
        given = "".join(self.rng.choice(WORDS["given"]) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(WORDS["surnames"]) + given

    def set_block(self, text: str, role: Role, style: Style, box: Box, vertical: bool = False,
                  article: int | None = None) -> tuple[list[Block], float]:
        """Set one piece of text into a box; returns its blocks and the depth it used."""
        result = flow([FlowItem(role, text, style)], [Frame(box, vertical)], self.spec.script, article, space_around_subhead=0)
        self.glyphs.extend(result.glyphs)
        used = result.end_cursor - style.size * (style.pitch - 1)
        return result.blocks, used

    # ---- page furniture -----------------------------------------------------------------------
    def compose_furniture(self) -> tuple[float, float]:
        """Header (paper name, date, page number, section) and footer (editor credits); returns the
        top and bottom of the content area."""
        m, w, size = self.margin, self.width, self.spec.body_size
        name_style = Style("serif-bold", int(size * 2.6), pitch=1.0, align="left")
        paper = self.text(self.rng.choice(WORDS["papers"]))
        top = m * 0.8
        blocks, used = self.set_block(paper, Role.HEADER, name_style, Box(m, top, w * 0.6, top + name_style.size * 1.3))
        self.header.extend(blocks)
        date = datetime.date(2023, 1, 1) + datetime.timedelta(days=self.rng.randrange(900))
        date_text = self.text(f"{date.year}年{date.month}月{date.day}日 {WORDS['weekdays'][date.weekday()]}")
        self.page_number = self.rng.randrange(2, 16)
        section = self.text(self.rng.choice(WORDS["sections"]))
        small = Style("sans", int(size * 0.9), pitch=1.0, align="right")
        info = Style("sans-bold", int(size * 1.2), pitch=1.0, align="right")
        blocks, _ = self.set_block(f"第{self.page_number}版  {section}", Role.HEADER, info, Box(w * 0.55, top, w - m, top + info.size * 1.2))
        self.header.extend(blocks)
        blocks, _ = self.set_block(date_text, Role.HEADER, small, Box(w * 0.55, top + info.size * 1.6, w - m, top + info.size * 1.6 + small.size * 1.2))
        self.header.extend(blocks)
        rule_y = top + name_style.size * 1.35
        self.rules.append((m, rule_y, w - m, rule_y, 5))
        self.rules.append((m, rule_y + 9, w - m, rule_y + 9, 2))
        credits = self.text("  ".join(f"{label}：{self.name()}" for label in self.rng.sample(WORDS["editor_credits"], 3)))
        foot_style = Style("sans", int(size * 0.8), pitch=1.0, align="left")
        foot_y = self.height - m * 0.8 - foot_style.size
        blocks, _ = self.set_block(credits, Role.FOOTER, foot_style, Box(m, foot_y, w - m, foot_y + foot_style.size * 1.2))
        self.footer.extend(blocks)
        self.rules.append((m, foot_y - size * 0.5, w - m, foot_y - size * 0.5, 2))
        return rule_y + size * 1.2, foot_y - size * 1.2

    # ---- article text -------------------------------------------------------------------------
    def pick_article(self, capacity_chars: float) -> SourceArticle:
        """A not yet used article: half the time one that fills a third to two thirds of the space (so
        another follows it), else one long enough to fill it, else the longest one left."""
        unused = [i for i in range(len(self.articles)) if i not in self.used_articles] or list(range(len(self.articles)))
        partial = [i for i in unused if capacity_chars * 0.3 <= self.articles[i].length <= capacity_chars * 0.65]
        long_enough = [i for i in unused if self.articles[i].length >= capacity_chars]
        if partial and self.rng.random() < 0.5:
            index = self.rng.choice(partial)
        elif long_enough:
            index = self.rng.choice(long_enough)
        else:
            index = max(unused, key=lambda i: self.articles[i].length)
        self.used_articles.add(index)
        return self.articles[index]

    def capacity(self, width: float, height: float) -> float:
        """Characters of body text that fit in an area, roughly (heads and pictures take their share)."""
        size = self.spec.body_size
        return width * height / (size * size * self.body.pitch) * 0.7

    def fitted(self, place, low: float, high: float) -> float:
        """Places an article with `place(extent)` at the smallest extent in [low, high] at which its
        text fits (balanced columns), or at `high` with its text cut; returns the extent used."""
        state = self.rng.getstate()
        marks = self.marks()
        if place(high) or high - low < self.spec.body_size * 2:
            return high
        best = high
        for _ in range(7):
            self.rng.setstate(state)
            self.rollback(marks)
            middle = (low + high) / 2
            if place(middle):
                low = middle
            else:
                high = best = middle
        self.rng.setstate(state)
        self.rollback(marks)
        place(best)
        return best

    def marks(self) -> tuple[int, ...]:
        return tuple(len(x) for x in self._drafts())

    def rollback(self, marks: tuple[int, ...]) -> None:
        for items, mark in zip(self._drafts(), marks):
            del items[mark:]

    def _drafts(self) -> tuple[list, ...]:
        return (self.glyphs, self.rules, self.frames_drawn, self.pictures, self.article_blocks, self.article_headlines, self.article_notes)

    def byline_text(self, source: SourceArticle) -> str:
        if source.byline:
            return self.text(source.byline, source.script)
        text = f"{self.rng.choice(WORDS['byline_roles'])} {self.name()}"
        if self.rng.random() < 0.3:
            text += f" 通讯员 {self.name()}"
        return self.text(text)

    def body_items(self, source: SourceArticle, paragraphs: list[str], style: Style, subheads: bool) -> list[FlowItem]:
        items = [FlowItem(Role.BODY, self.text(p, source.script), style) for p in paragraphs]
        if subheads and len(paragraphs) >= 5:
            names = [self.text(n, source.script) for n in source.subheads] or [self.text(n) for n in self.rng.sample(WORDS["subheads"], 3)]
            sub_style = Style("sans-bold", int(style.size * 1.05), pitch=1.4, align="center")
            positions = sorted(self.rng.sample(range(2, len(items)), min(len(names), max(1, len(items) // 4))), reverse=True)
            for name, position in zip(names, positions):
                items.insert(position, FlowItem(Role.SUBHEAD, name, sub_style))
        return items

    @staticmethod
    def subtitle_clause(source: SourceArticle) -> str:
        """A subtitle drawn from the article's last paragraph: its first clause, if it is one."""
        clause = source.paragraphs[-1].split("。")[0].split("，")[0]
        return clause if 6 <= len(clause) <= 24 and not any(q in clause for q in "“”「」《》（）()") else ""

    def caption_text(self, source: SourceArticle) -> str:
        sentence = self.rng.choice(source.paragraphs).split("。")[0]
        clause = sentence.split("，")[0][:22]
        credit = self.rng.choice(WORDS["photo_credits"]).format(name=self.name())
        return self.text(f"{clause}。", source.script) + self.text(credit)

    def flow_with_jump(self, items: list[FlowItem], frames: list[Frame], article: int, style: Style) -> FlowResult:
        """Flow the body; when it does not fit, cut it and end with a jump line to another page."""
        result = flow(items, frames, self.spec.script, article)
        if not result.overflow or not frames:
            return result
        last = frames[-1]
        pitch = style.size * style.pitch
        if last.vertical:
            jump_box = Box(last.box.x0, last.box.y0, last.box.x0 + pitch, last.box.y1)
            shortened = Frame(Box(last.box.x0 + pitch, last.box.y0, last.box.x1, last.box.y1), True)
        else:
            jump_box = Box(last.box.x0, last.box.y1 - style.size, last.box.x1, last.box.y1)
            shortened = Frame(Box(last.box.x0, last.box.y0, last.box.x1, last.box.y1 - pitch), False)
        result = flow(items, frames[:-1] + [shortened], self.spec.script, article)
        jump = self.text(WORDS["jump"].format(page=self.rng.randrange(self.page_number + 1, 20)))
        jump_style = Style("sans", style.size, pitch=1.0, align="right")
        tail = flow([FlowItem(Role.JUMP, jump, jump_style)], [Frame(jump_box, last.vertical)], self.spec.script, article)
        result.blocks.extend(tail.blocks)
        result.glyphs.extend(tail.glyphs)
        return result

    def picture(self, box: Box) -> None:
        self.pictures.append(box)

    # ---- horizontal articles ------------------------------------------------------------------
    def column_x(self, column: int, content: Box, columns: int) -> tuple[float, float]:
        width = (content.width - (columns - 1) * self.gutter) / columns
        x0 = content.x0 + column * (width + self.gutter)
        return x0, x0 + width

    def horizontal_article(self, source: SourceArticle, article_id: int, cols: list[int], top: float, bottoms: dict[int, float],
                           content: Box, columns: int, force_vertical_headline: bool = False) -> bool:
        """Sets one article into its columns; returns whether its text overflowed (and was cut)."""
        rng, size = self.rng, self.spec.body_size
        xs = {c: self.column_x(c, content, columns) for c in cols}
        col_width = xs[cols[0]][1] - xs[cols[0]][0]
        blocks: list[Block] = []
        features = {f"{len(cols)}-columns"}
        tops = {c: top for c in cols}
        headline = self.text(source.title, source.script)
        self.article_headlines.append(headline)
        many = len(cols) >= 3
        vertical_headline = force_vertical_headline or (many and rng.random() < 0.25)
        byline_in_column = rng.random() < 0.5
        side = cols[-1] if rng.random() < 0.5 else cols[0]
        hsize = int(min(col_width * 0.7, size * 2.4, (bottoms[side] - top) * 0.8 / max(len(headline), 1)))
        if vertical_headline and hsize >= size * 1.3:  # else the headline is set across the columns
            features.add("vertical-headline")
            style = Style("serif-bold", hsize, pitch=1.0, align="left")
            x0, x1 = xs[side]
            cx = (x0 + x1) / 2
            hb, used = self.set_block(headline, Role.HEADLINE, style, Box(cx - hsize / 2, top, cx + hsize / 2, bottoms[side]), vertical=True, article=article_id)
            blocks += hb
            tops[side] = top + len(headline) * hsize + size * 1.2
            self.rules.append((x0, tops[side] - size * 0.6, x1, tops[side] - size * 0.6, 2))
            byline_in_column = True
        else:
            span_count = len(cols) if not many or rng.random() < 0.6 else rng.randrange(2, len(cols))
            span = cols[:span_count]
            if span_count < len(cols):
                features.add("headline-over-some-columns")
            hx0, hx1 = xs[span[0]][0], xs[span[-1]][1]
            y = top
            align = rng.choice(("left", "center"))
            if source.kicker or rng.random() < 0.35:
                kicker = self.text(source.kicker, source.script) if source.kicker else self.text(rng.choice(WORDS["subheads"]))
                style = Style("sans", int(size * 1.15), pitch=1.3, align=align)
                features.add("kicker")
                kb, used = self.set_block(kicker, Role.KICKER, style, Box(hx0, y, hx1, y + size * 6), article=article_id)
                blocks += kb
                y += used + size * 0.5
            # One line when it fits at a headline size, else two balanced lines.
            hsize = int(min(size * 2.6, (hx1 - hx0) / max(len(headline), 1) * 0.98))
            if hsize < size * 1.5:
                hsize = int(max(size * 1.4, min(size * 2.6, (hx1 - hx0) / max(len(headline), 1) * 1.9)))
            style = Style(rng.choice(("serif-bold", "sans-bold")), hsize, pitch=1.2, align=align)
            hb, used = self.set_block(headline, Role.HEADLINE, style, Box(hx0, y, hx1, y + hsize * 5), article=article_id)
            blocks += hb
            y += used + size * 0.6
            wants_subtitle = bool(source.subtitle) or rng.random() < 0.4
            subtitle = self.text(source.subtitle or self.subtitle_clause(source), source.script) if wants_subtitle else ""
            if subtitle:
                features.add("subtitle")
                style = Style("serif", int(size * 1.2), pitch=1.3, align=align)
                sb, used = self.set_block("——" + subtitle if not source.subtitle else subtitle, Role.SUBTITLE, style, Box(hx0, y, hx1, y + size * 6), article=article_id)
                blocks += sb
                y += used + size * 0.5
            if not byline_in_column:
                style = Style("sans", int(size * 0.95), pitch=1.3, align=align)
                bb, used = self.set_block(self.byline_text(source), Role.BYLINE, style, Box(hx0, y, hx1, y + size * 3), article=article_id)
                blocks += bb
                y += used + size * 0.4
            y += size * 0.6
            for c in span:
                tops[c] = y
        body_cols = [c for c in cols if not (vertical_headline and tops[c] >= bottoms[c] - size * 3)]
        paragraphs = list(source.paragraphs)
        lead_text = source.lead
        if many and rng.random() < 0.4 and not lead_text and len(paragraphs) > 3:
            lead_text = paragraphs.pop(0)
        if byline_in_column:
            features.add("byline-in-column")
            c = body_cols[0]
            style = Style("sans-bold", int(size * 0.95), pitch=1.4, align="left")
            bb, used = self.set_block("■" + self.byline_text(source) if rng.random() < 0.4 else self.byline_text(source),
                                      Role.BYLINE, style, Box(xs[c][0], tops[c], xs[c][1], tops[c] + size * 4), article=article_id)
            blocks += bb
            tops[c] += used + size * 0.6
        lead_cols = body_cols[:2]
        if lead_text and many and min(bottoms[c] for c in lead_cols) - max(tops[c] for c in lead_cols) > size * 12:
            y = max(tops[c] for c in lead_cols)
            lx0, lx1 = xs[lead_cols[0]][0], xs[lead_cols[-1]][1]
            inset = size * 0.8
            style = Style(rng.choice(("kai", "sans")), int(size * 1.02), pitch=1.5, indent=2)
            features.add("framed-lead")
            lb, used = self.set_block(self.text(lead_text, source.script), Role.LEAD, style,
                                      Box(lx0 + inset, y + inset, lx1 - inset, min(bottoms[c] for c in lead_cols) - size * 3), article=article_id)
            blocks += lb
            frame_box = Box(lx0, y, lx1, y + used + 2 * inset)
            self.frames_drawn.append(frame_box)
            for c in lead_cols:
                tops[c] = frame_box.y1 + size * 0.8
        # A picture with its caption, carved out of some columns: at the top, the foot, or wrapped.
        carved: dict[int, tuple[float, float]] = {}
        captions: list[Block] = []
        if len(body_cols) >= 2 and rng.random() < 0.55:
            count = max(1, min(len(body_cols) - 1, rng.choice((1, 2, 2, 3))))
            start = rng.randrange(1, len(body_cols) - count + 1) if len(body_cols) > count else 0
            pcols = body_cols[start:start + count]
            px0, px1 = xs[pcols[0]][0], xs[pcols[-1]][1]
            ptop = max(tops[c] for c in pcols)
            pbottom = min(bottoms[c] for c in pcols)
            pheight = min((px1 - px0) * rng.uniform(0.55, 0.8), (pbottom - ptop) * 0.45)
            if pheight > size * 5:
                mode = rng.choice(("top", "wrap", "wrap", "bottom"))
                if mode == "top":
                    y0 = ptop
                elif mode == "bottom":
                    y0 = pbottom - pheight - size * 4.5
                else:
                    y0 = ptop + (pbottom - ptop - pheight) * rng.uniform(0.3, 0.6)
                y0 = round(y0 / (size * 1.5)) * size * 1.5 if mode == "wrap" else y0
                pbox = Box(px0, y0, px1, y0 + pheight)
                features.add(f"picture-{mode}" if mode != "wrap" else "text-wrapped-round-picture")
                self.picture(pbox)
                style = Style(rng.choice(("kai", "sans")), int(size * 0.85), pitch=1.35, align="justify")
                cb, used = self.set_block(self.caption_text(source), Role.CAPTION, style,
                                          Box(px0, pbox.y1 + size * 0.4, px1, pbox.y1 + size * 8), article=article_id)
                captions += cb
                for c in pcols:
                    carved[c] = (pbox.y0 - size * 0.7, pbox.y1 + size * 0.4 + used + size * 0.8)
        frames: list[Frame] = []
        for c in body_cols:
            x0, x1 = xs[c]
            pieces = [(tops[c], bottoms[c])]
            if c in carved:
                a, b = carved[c]
                pieces = [(tops[c], a), (b, bottoms[c])]
            frames += [Frame(Box(x0, y0, x1, y1)) for y0, y1 in pieces if y1 - y0 >= size * 1.5]
        items = self.body_items(source, paragraphs, self.body, subheads=rng.random() < 0.5)
        if any(item.role is Role.SUBHEAD for item in items):
            features.add("subheads")
        if len({bottoms[c] for c in cols}) > 1:
            features.add("L-shape")
        return self.finish_article(items, frames, article_id, blocks, captions, features, source)

    def finish_article(self, items, frames: list[Frame], article_id: int, blocks: list, captions: list,
                       features: set[str], source) -> bool:
        """Flows the article's body into its frames and records the article; True when it needed a jump line."""
        result = self.flow_with_jump(items, frames, article_id, self.body)
        self.glyphs.extend(result.glyphs)
        jump = [b for b in result.blocks if b.role is Role.JUMP]
        blocks += [b for b in result.blocks if b.role is not Role.JUMP] + captions + jump
        if jump:
            features.add("jump-line")
        self.article_blocks.append(blocks)
        self.article_notes.append({"source": source.source, "features": sorted(features)})
        return bool(jump)

    def fill_columns(self, cols: list[int], top: float, bottom: float, content: Box, columns: int,
                     force_vertical_headline: bool = False) -> None:
        """Stacks articles in a run of columns, each fitted to its text, until the space is used; the
        last one is cut with a jump line when it does not fit."""
        size, gap = self.spec.body_size, self.spec.body_size * 1.2
        x0, x1 = self.column_x(cols[0], content, columns)[0], self.column_x(cols[-1], content, columns)[1]
        y = top
        while bottom - y > size * 12:
            source = self.pick_article(self.capacity(x1 - x0, bottom - y))
            article_id = len(self.article_blocks)
            vertical = force_vertical_headline and y == top

            def place(extent: float) -> bool:
                return self.horizontal_article(source, article_id, cols, y, {c: y + extent for c in cols}, content, columns, vertical)

            y += self.fitted(place, size * 10, bottom - y) + gap
            if bottom - y > size * 12:
                self.rules.append((x0, y - gap / 2, x1, y - gap / 2, 2))

    def compose_horizontal(self, content: Box) -> None:
        n, rng, size = self.spec.columns, self.rng, self.spec.body_size
        cols = list(range(n))
        k = max(1, min(n - 1, round(n * rng.uniform(0.4, 0.6))))
        gap = size * 1.2
        bottom = content.y1
        split_x = self.column_x(k, content, n)[0] - self.gutter / 2
        if self.spec.plan == "lshape":
            # The first article's left columns run down past the articles under its right columns (an L).
            mid = content.y0 + content.height * rng.uniform(0.38, 0.5)
            source = self.pick_article(self.capacity(content.width, mid - content.y0) + self.capacity(split_x - content.x0, bottom - mid))
            self.horizontal_article(source, 0, cols, content.y0, {c: bottom if c < k else mid for c in cols}, content, n)
            self.rules.append((split_x + self.gutter / 2, mid + gap / 2, content.x1, mid + gap / 2, 2))
            self.rules.append((split_x, mid + gap / 2, split_x, bottom, 2))
            self.fill_columns(cols[k:], mid + gap, bottom, content, n)
        elif self.spec.plan == "side":
            self.fill_columns(cols[:k], content.y0, bottom, content, n, force_vertical_headline=k >= 2)
            self.rules.append((split_x, content.y0, split_x, bottom, 2))
            self.fill_columns(cols[k:], content.y0, bottom, content, n)
        else:  # stack: a lead article across the page, two stacks of articles below it
            source = self.pick_article(self.capacity(content.width, content.height * 0.35))

            def place(extent: float) -> bool:
                return self.horizontal_article(source, 0, cols, content.y0, {c: content.y0 + extent for c in cols}, content, n)

            mid = content.y0 + self.fitted(place, size * 10, content.height * 0.5)
            self.rules.append((content.x0, mid + gap / 2, content.x1, mid + gap / 2, 2))
            self.fill_columns(cols[:k], mid + gap, bottom, content, n)
            self.rules.append((split_x, mid + gap, split_x, bottom, 2))
            self.fill_columns(cols[k:], mid + gap, bottom, content, n)

    # ---- vertical pages -----------------------------------------------------------------------
    def vertical_article(self, source: SourceArticle, article_id: int, region: Box) -> bool:
        """Columns read top to bottom, right to left: headline column(s) at the right, then the body.
        Returns whether the text overflowed (and was cut)."""
        rng, size = self.rng, self.spec.body_size
        headline = self.text(source.title, source.script)
        self.article_headlines.append(headline)
        blocks: list[Block] = []
        features = {"vertical-text"}
        hsize = int(max(size * 1.4, min(size * 2.2, region.height * 0.95 / max(len(headline), 1))))
        hstyle = Style(rng.choice(("serif-bold", "sans-bold")), hsize, pitch=1.25, align="left")
        hb, used = self.set_block(headline, Role.HEADLINE, hstyle, Box(region.x1 - hsize * 3, region.y0, region.x1, region.y1), vertical=True, article=article_id)
        blocks += hb
        right = region.x1 - used - size * 0.8
        subtitle = self.text(source.subtitle or self.subtitle_clause(source), source.script) if rng.random() < 0.4 else ""
        if subtitle:
            style = Style("serif", int(size * 1.2), pitch=1.3, align="left")
            top = region.y0 + size * 2
            sb, used = self.set_block(subtitle, Role.SUBTITLE, style, Box(right - size * 4, top, right, region.y1), vertical=True, article=article_id)
            blocks += sb
            right -= used + size * 0.8
        style = Style("sans", int(size * 0.9), pitch=1.3, align="right")
        bb, used = self.set_block(self.byline_text(source), Role.BYLINE, style, Box(right - size * 3, region.y0, right, region.y1), vertical=True, article=article_id)
        blocks += bb
        right -= used + size * 0.8
        frames = [Frame(Box(region.x0, region.y0, right, region.y1), True)]
        captions: list[Block] = []
        body_width = right - region.x0
        if body_width > size * 14 and rng.random() < 0.5:
            pwidth = body_width * rng.uniform(0.35, 0.5)
            pheight = region.height * rng.uniform(0.35, 0.45)
            cap_style = Style("kai" if rng.random() < 0.5 else "sans", int(size * 0.85), pitch=1.35, align="justify")
            pbox = Box(region.x0, region.y1 - pheight, region.x0 + pwidth, region.y1 - size * 3)
            self.picture(pbox)
            features.add("picture")
            cb, _ = self.set_block(self.caption_text(source), Role.CAPTION, cap_style, Box(pbox.x0, pbox.y1 + size * 0.4, pbox.x1, region.y1 + size), article=article_id)
            captions += cb
            split = pbox.x1 + size * 0.8
            frames = [Frame(Box(split, region.y0, right, region.y1), True),
                      Frame(Box(region.x0, region.y0, split - size * 0.5, pbox.y0 - size * 0.8), True)]
        items = self.body_items(source, source.paragraphs, self.body, subheads=False)
        return self.finish_article(items, frames, article_id, blocks, captions, features, source)

    def compose_vertical(self, content: Box) -> None:
        """Bands of vertical articles, each band filled right to left with articles fitted to their text."""
        rng, size = self.rng, self.spec.body_size
        bands = rng.choice((2, 3, 3))
        gap = size * 1.5
        band_height = (content.height - gap * (bands - 1)) / bands
        for band in range(bands):
            y0 = content.y0 + band * (band_height + gap)
            y1 = y0 + band_height
            if band:
                self.rules.append((content.x0, y0 - gap / 2, content.x1, y0 - gap / 2, 2))
            right = content.x1
            while right - content.x0 > size * 10:
                source = self.pick_article(self.capacity(right - content.x0, band_height))
                article_id = len(self.article_blocks)

                def place(extent: float) -> bool:
                    return self.vertical_article(source, article_id, Box(right - extent, y0, right, y1))

                right -= self.fitted(place, size * 8, right - content.x0) + gap
                if right - content.x0 > size * 10:
                    self.rules.append((right + gap / 2, y0, right + gap / 2, y1, 2))

    # ---- rendering ----------------------------------------------------------------------------
    def render(self) -> Image.Image:
        image = Image.new("L", (self.width, self.height), 255)
        draw = ImageDraw.Draw(image)
        for box in self.pictures:
            image.paste(Image.fromarray(picture_texture(self.rng, int(box.width), int(box.height))), (int(box.x0), int(box.y0)))
        for box in self.frames_drawn:
            draw.rectangle([box.x0, box.y0, box.x1, box.y1], outline=INK, width=2)
        for x0, y0, x1, y1, width in self.rules:
            draw.line([(x0, y0), (x1, y1)], fill=INK + 30, width=width)
        for glyph in self.glyphs:
            draw.text((glyph.x, glyph.y), glyph.text, font=fonts.font(glyph.face, glyph.size, self.spec.script), fill=INK, anchor=glyph.anchor)
        return image

    def compose(self) -> tuple[Image.Image, Document]:
        top, bottom = self.compose_furniture()
        content = Box(self.margin, top, self.width - self.margin, bottom)
        if self.spec.kind == "vertical":
            self.compose_vertical(content)
        else:
            self.compose_horizontal(content)
        blocks = list(self.header)
        articles = []
        for article_id, (article_blocks, headline) in enumerate(zip(self.article_blocks, self.article_headlines)):
            start = len(blocks)
            blocks += article_blocks
            articles.append(Article(article_id, headline, list(range(start, len(blocks)))))
        blocks += self.footer
        page = Page(number=1, width=self.width, height=self.height, blocks=blocks, articles=articles)
        return self.render(), Document(source="", pages=[page])


def picture_texture(rng: random.Random, width: int, height: int) -> np.ndarray:
    """A grey photo stand-in: smooth shapes over low-frequency noise, so detectors see an image region."""
    seed = rng.randrange(2**31)
    gen = np.random.default_rng(seed)
    coarse = gen.uniform(70, 200, size=(max(2, height // 80), max(2, width // 80))).astype(np.float32)
    image = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(gen.integers(3, 8)):
        center = (int(gen.integers(0, width)), int(gen.integers(0, height)))
        axes = (int(gen.integers(width // 10, width // 3 + 1)), int(gen.integers(height // 10, height // 3 + 1)))
        cv2.ellipse(image, center, axes, float(gen.uniform(0, 180)), 0, 360, float(gen.uniform(40, 220)), -1)
    image = cv2.GaussianBlur(image, (0, 0), 3)
    return np.clip(image, 0, 255).astype(np.uint8)
