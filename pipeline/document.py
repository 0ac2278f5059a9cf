"""The engine-neutral document model that every stage after OCR reads and writes.

Document -> Page -> Block (role, writing direction, box) -> Paragraph -> lines.
A block owns its lines in reading order; a paragraph names the span of the block's lines it
was built from, so JSON consumers get paragraphs with their lines without duplicating them.
A paragraph that runs on from the foot of one column into the next block is marked `continues`;
`reading_paragraphs` merges such pieces for text output and scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterator

SCHEMA_VERSION = 1


class Role(str, Enum):
    HEADLINE = "headline"
    KICKER = "kicker"
    SUBTITLE = "subtitle"
    SUBHEAD = "subhead"
    BYLINE = "byline"
    LEAD = "lead"
    BODY = "body"
    CAPTION = "caption"
    HEADER = "header"
    FOOTER = "footer"
    JUMP = "jump"
    KEYWORD = "keyword"
    UNKNOWN = "unknown"

    @property
    def is_furniture(self) -> bool:
        """Page furniture is not part of any article and is left out of text output by default."""
        return self in (Role.HEADER, Role.FOOTER)

    @property
    def is_heading(self) -> bool:
        return self in (Role.HEADLINE, Role.KICKER, Role.SUBTITLE, Role.SUBHEAD)


class Direction(str, Enum):
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"


@dataclass(frozen=True)
class Box:
    """Axis-aligned box in the pixel coordinates of the original page image."""

    x0: float
    y0: float
    x1: float
    y1: float

    def __post_init__(self) -> None:
        if self.x1 < self.x0 or self.y1 < self.y0:
            raise ValueError(f"box has negative size: {self}")

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    @property
    def area(self) -> float:
        return self.width * self.height

    def x_overlap(self, other: Box) -> float:
        """The width the two boxes share along x (negative: the gap between them)."""
        return min(self.x1, other.x1) - max(self.x0, other.x0)

    def y_overlap(self, other: Box) -> float:
        """The height the two boxes share along y (negative: the gap between them)."""
        return min(self.y1, other.y1) - max(self.y0, other.y0)

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def intersection_area(self, other: Box) -> float:
        w, h = self.x_overlap(other), self.y_overlap(other)
        return w * h if w > 0 and h > 0 else 0.0

    @classmethod
    def enclosing(cls, boxes: list[Box]) -> Box:
        if not boxes:
            raise ValueError("no boxes to enclose")
        return cls(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))

    @classmethod
    def from_points(cls, points: list[tuple[float, float]] | list[list[float]]) -> Box:
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        return cls(min(xs), min(ys), max(xs), max(ys))

    def to_list(self) -> list[float]:
        return [round(v, 1) for v in (self.x0, self.y0, self.x1, self.y1)]

    @classmethod
    def from_list(cls, values: list[float]) -> Box:
        return cls(*map(float, values))


def _box_or_none(value: list[float] | None) -> Box | None:
    return Box.from_list(value) if value is not None else None


@dataclass
class Line:
    """One line of text as read (an OCR line, or one input line in text mode)."""

    text: str
    box: Box | None = None
    confidence: float | None = None
    direction: Direction = Direction.HORIZONTAL
    polygon: list[tuple[float, float]] | None = None
    char_boxes: list[Box] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text}
        if self.box is not None:
            d["box"] = self.box.to_list()
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 4)
        if self.direction is not Direction.HORIZONTAL:
            d["direction"] = self.direction.value
        if self.polygon is not None:
            d["polygon"] = [[round(x, 1), round(y, 1)] for x, y in self.polygon]
        if self.char_boxes is not None:
            d["char_boxes"] = [b.to_list() for b in self.char_boxes]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Line:
        return cls(
            text=d["text"],
            box=_box_or_none(d.get("box")),
            confidence=d.get("confidence"),
            direction=Direction(d.get("direction", "horizontal")),
            polygon=[(float(x), float(y)) for x, y in d["polygon"]] if d.get("polygon") is not None else None,
            char_boxes=[Box.from_list(b) for b in d["char_boxes"]] if d.get("char_boxes") is not None else None,
        )


@dataclass
class Paragraph:
    """Repaired text built from the block's lines [first_line, first_line + line_count)."""

    text: str
    first_line: int = 0
    line_count: int = 0
    continues: bool = False  # continues the last paragraph of the previous block in reading order

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "lines": list(range(self.first_line, self.first_line + self.line_count))}
        if self.continues:
            d["continues"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Paragraph:
        lines = d.get("lines", [])
        return cls(text=d["text"], first_line=lines[0] if lines else 0, line_count=len(lines), continues=d.get("continues", False))


@dataclass
class Block:
    role: Role = Role.BODY
    direction: Direction = Direction.HORIZONTAL
    box: Box | None = None
    lines: list[Line] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    article: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"role": self.role.value, "direction": self.direction.value}
        if self.box is not None:
            d["box"] = self.box.to_list()
        if self.article is not None:
            d["article"] = self.article
        d["paragraphs"] = [p.to_dict() for p in self.paragraphs]
        d["lines"] = [line.to_dict() for line in self.lines]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Block:
        return cls(
            role=Role(d["role"]),
            direction=Direction(d.get("direction", "horizontal")),
            box=_box_or_none(d.get("box")),
            lines=[Line.from_dict(x) for x in d.get("lines", [])],
            paragraphs=[Paragraph.from_dict(x) for x in d.get("paragraphs", [])],
            article=d.get("article"),
        )


@dataclass
class Article:
    id: int
    headline: str
    blocks: list[int]  # indices into Page.blocks

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "headline": self.headline, "blocks": list(self.blocks)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(id=d["id"], headline=d.get("headline", ""), blocks=list(d.get("blocks", [])))


@dataclass
class Page:
    """One page. `lines` holds lines not yet placed in a block (the OCR stage's output);
    the layout stage moves every line into a block, in reading order."""

    number: int = 1
    width: int | None = None
    height: int | None = None
    blocks: list[Block] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"number": self.number}
        if self.width is not None:
            d["width"], d["height"] = self.width, self.height
        d["blocks"] = [b.to_dict() for b in self.blocks]
        if self.lines:
            d["lines"] = [line.to_dict() for line in self.lines]
        if self.articles:
            d["articles"] = [a.to_dict() for a in self.articles]
        if self.meta:
            d["meta"] = self.meta
        if self.warnings:
            d["warnings"] = list(self.warnings)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Page:
        return cls(
            number=d.get("number", 1),
            width=d.get("width"),
            height=d.get("height"),
            blocks=[Block.from_dict(x) for x in d.get("blocks", [])],
            lines=[Line.from_dict(x) for x in d.get("lines", [])],
            articles=[Article.from_dict(x) for x in d.get("articles", [])],
            meta=dict(d.get("meta", {})),
            warnings=list(d.get("warnings", [])),
        )


@dataclass
class Repair:
    """One change a stage made to the text, shown by --explain."""

    kind: str
    detail: str
    page: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "page": self.page}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Repair:
        return cls(kind=d["kind"], detail=d["detail"], page=d.get("page", 1))


@dataclass
class Document:
    source: str = ""
    pages: list[Page] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "meta": self.meta,
            "pages": [p.to_dict() for p in self.pages],
            "repairs": [r.to_dict() for r in self.repairs],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        version = d.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"unsupported document schema_version {version!r}; this newsreflow reads {SCHEMA_VERSION}")
        return cls(
            source=d.get("source", ""),
            pages=[Page.from_dict(p) for p in d.get("pages", [])],
            repairs=[Repair.from_dict(r) for r in d.get("repairs", [])],
            meta=dict(d.get("meta", {})),
        )


@dataclass(frozen=True)
class ReadingParagraph:
    """A paragraph as a reader sees it: pieces split across column blocks merged into one."""

    role: Role
    text: str
    article: int | None


def reading_paragraphs(page: Page, keep_furniture: bool = False) -> Iterator[ReadingParagraph]:
    """Yield the page's paragraphs in reading order, merging `continues` pieces."""
    from pipeline.repair import join_texts  # local import: repair imports nothing from here at module level

    pending: ReadingParagraph | None = None
    for block in page.blocks:
        if block.role.is_furniture and not keep_furniture:
            continue
        for paragraph in block.paragraphs:
            if paragraph.continues and pending is not None:
                pending = ReadingParagraph(pending.role, join_texts(pending.text, paragraph.text), pending.article)
                continue
            if pending is not None:
                yield pending
            pending = ReadingParagraph(block.role, paragraph.text, block.article)
    if pending is not None:
        yield pending
