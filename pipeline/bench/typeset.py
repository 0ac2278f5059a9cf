"""Typesetting for synthetic newspaper pages: line breaking, justification, and text flowing
through column frames, horizontal or vertical, recording every rendered line as ground truth.

Nothing is drawn here: the functions return glyph placements (`Glyph`) and document-model blocks
whose lines carry the exact text and ink box of what will be drawn, so truth and pixels cannot
disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PIL import ImageFont

from pipeline.bench import fonts
from pipeline.document import Block, Box, Direction, Line, Paragraph, Role

# Line-start and line-end prohibitions (kinsoku) of Chinese typesetting.
NO_LINE_START = set("，。、；：？！）》」』”’〉】…—·%,.;:?!)")
NO_LINE_END = set("（《「『“‘〈【(")
# Glyphs drawn in vertical columns for characters that have a vertical presentation form. The truth
# keeps the horizontal character; NFKC folding maps the vertical forms back onto it for scoring.
VERTICAL_FORMS = dict(zip("，、。：；！？「」『』（）《》〈〉【】…—", "︐︑︒︓︔︕︖﹁﹂﹃﹄︵︶︽︾︿﹀︻︼︙︱"))
_TOKEN = re.compile(r"——|……|[A-Za-z0-9][A-Za-z0-9.%\-/:]{0,11}(?<![.:/\-])|\s+|.", re.S)


@dataclass(frozen=True)
class Style:
    """How one kind of text is set: face, size in px, line pitch as a multiple of size, indent in ems."""

    face: str
    size: int
    pitch: float = 1.5
    indent: int = 0
    align: str = "justify"  # justify | left | center | right

    def font(self, script: str) -> ImageFont.FreeTypeFont:
        return fonts.font(self.face, self.size, script)


@dataclass(frozen=True)
class Glyph:
    """One draw call: text at (x, y) with PIL's anchor."""

    x: float
    y: float
    text: str
    face: str
    size: int
    anchor: str


@dataclass
class Token:
    text: str
    start: int
    end: int

    @property
    def is_space(self) -> bool:
        return self.text.isspace()


def tokenize(text: str, vertical: bool) -> list[Token]:
    """Unbreakable pieces: a CJK character, a Latin word or number, an ellipsis or dash pair, a space.
    Vertical columns stack characters one by one, except the paired ellipsis and dash."""
    tokens = []
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if vertical and len(piece) > 1 and not piece.isspace() and piece not in ("——", "……"):
            tokens.extend(Token(ch, match.start() + i, match.start() + i + 1) for i, ch in enumerate(piece))
        else:
            tokens.append(Token(piece, match.start(), match.end()))
    return tokens


@dataclass
class SetLine:
    tokens: list[Token]
    widths: list[float]
    indent: float
    last: bool  # last line of its paragraph: set flush, not justified

    @property
    def natural(self) -> float:
        return sum(self.widths)


class LineBreaker:
    """Breaks one paragraph into lines on demand, so each line may get a different length
    (the paragraph may run from a tall column into a shorter one)."""

    def __init__(self, text: str, style: Style, script: str, vertical: bool):
        self.text = text
        self.style = style
        self.vertical = vertical
        self.font = style.font(script)
        self.tokens = [t for t in tokenize(text, vertical)]
        while self.tokens and self.tokens[0].is_space:
            self.tokens.pop(0)
        self.position = 0
        self.first = True

    def measure(self, token: Token) -> float:
        if token.is_space:
            return self.style.size * 0.5
        if self.vertical:
            return self.style.size * len(token.text) if token.text in ("——", "……") else self.style.size
        return self.font.getlength(token.text)

    @property
    def done(self) -> bool:
        return self.position >= len(self.tokens)

    def next_line(self, length: float) -> SetLine:
        indent = self.style.size * self.style.indent if self.first else 0.0
        self.first = False
        tokens, widths = [], []
        used = indent
        i = self.position
        while i < len(self.tokens):
            token = self.tokens[i]
            width = self.measure(token)
            if used + width > length + 0.01 and tokens:
                break
            tokens.append(token)
            widths.append(width)
            used += width
            i += 1
        # Kinsoku: pull closing punctuation up (squeezing the line), push an opening bracket down.
        pulled = 0
        while i < len(self.tokens) and self.tokens[i].text[0] in NO_LINE_START and pulled < 2:
            tokens.append(self.tokens[i])
            widths.append(self.measure(self.tokens[i]))
            i += 1
            pulled += 1
        while len(tokens) > 1 and tokens[-1].text[-1] in NO_LINE_END and i < len(self.tokens):
            tokens.pop()
            widths.pop()
            i -= 1
        self.position = i
        while self.position < len(self.tokens) and self.tokens[self.position].is_space:
            self.position += 1
        while tokens and tokens[-1].is_space:
            tokens.pop()
            widths.pop()
        return SetLine(tokens, widths, indent, last=self.done)


def _gaps(line: SetLine, length: float, align: str) -> tuple[float, float]:
    """(offset of the first token, extra space after each token) for the alignment."""
    free = length - line.indent - line.natural
    n = len(line.tokens)
    if align == "justify" and n > 1 and (not line.last or free < 0):
        return line.indent, free / (n - 1)
    if align == "center":
        return line.indent + max(free, 0) / 2, 0.0
    if align == "right":
        return line.indent + max(free, 0), 0.0
    return line.indent, min(free / (n - 1), 0.0) if n > 1 else 0.0


def place_line(line: SetLine, style: Style, script: str, vertical: bool,
               origin: tuple[float, float], length: float, source: str) -> tuple[Line, list[Glyph]]:
    """Position a broken line. Horizontal: origin is the line's top-left; vertical: the column's
    top-right corner, characters stacked downwards in em cells. Returns the truth line and glyphs."""
    face = style.font(script)
    offset, extra = _gaps(line, length, style.align)
    glyphs: list[Glyph] = []
    ink: list[Box] = []
    x0, y0 = origin
    for token, width in zip(line.tokens, line.widths):
        if not token.is_space:
            if vertical:
                cx = x0 - style.size / 2
                cells = [token.text] if len(token.text) == 1 else list(token.text)
                for k, ch in enumerate(cells):
                    cy = y0 + offset + style.size * (k + 0.5)
                    drawn = VERTICAL_FORMS.get(ch, ch)
                    glyphs.append(Glyph(cx, cy, drawn, style.face, style.size, "mm"))
                    l, t, r, b = face.getbbox(drawn, anchor="mm")
                    ink.append(Box(cx + l, cy + t, cx + r, cy + b))
            else:
                baseline = y0 + style.size * 0.88
                x = x0 + offset
                glyphs.append(Glyph(x, baseline, token.text, style.face, style.size, "ls"))
                l, t, r, b = face.getbbox(token.text, anchor="ls")
                ink.append(Box(x + l, baseline + t, x + r, baseline + b))
        offset += width + extra
    text = source[line.tokens[0].start:line.tokens[-1].end] if line.tokens else ""
    box = Box.enclosing(ink) if ink else Box(x0, y0, x0, y0)
    direction = Direction.VERTICAL if vertical else Direction.HORIZONTAL
    return Line(text=text, box=box, direction=direction), glyphs


@dataclass
class FlowItem:
    """A paragraph to set: body text, a section subhead, a lead paragraph, a caption..."""

    role: Role
    text: str
    style: Style


@dataclass
class Frame:
    """A rectangle text flows into: a column (or column piece) of an article, in reading order."""

    box: Box
    vertical: bool = False

    @property
    def length(self) -> float:
        return self.box.height if self.vertical else self.box.width

    @property
    def depth(self) -> float:
        return self.box.width if self.vertical else self.box.height


@dataclass
class FlowResult:
    blocks: list[Block] = field(default_factory=list)
    glyphs: list[Glyph] = field(default_factory=list)
    overflow: bool = False
    end_cursor: float = 0.0  # depth used in the last frame that received text
    last_frame: int = -1


def flow(items: list[FlowItem], frames: list[Frame], script: str, article: int | None,
         space_around_subhead: float = 0.5) -> FlowResult:
    """Flow items through frames in order. Each frame gets its own block (a paragraph cut at a frame's
    foot continues in the next block with continues=True); a subhead is a block of its own."""
    result = FlowResult()
    if not frames:
        result.overflow = bool(items)
        return result
    frame_index = 0
    cursor = 0.0
    block: Block | None = None

    def start_block(role: Role) -> Block:
        nonlocal block
        close_block()
        frame = frames[frame_index]
        block = Block(role=role, direction=Direction.VERTICAL if frame.vertical else Direction.HORIZONTAL, article=article)
        return block

    def close_block() -> None:
        nonlocal block
        if block is not None and block.lines:
            block.box = Box.enclosing([line.box for line in block.lines])
            result.blocks.append(block)
        block = None

    def origin(frame: Frame) -> tuple[float, float]:
        if frame.vertical:
            return frame.box.x1 - cursor, frame.box.y0
        return frame.box.x0, frame.box.y0 + cursor

    for item in items:
        vertical = frames[frame_index].vertical
        pitch = item.style.size * item.style.pitch
        is_heading = item.role is not Role.BODY
        if is_heading:
            gap = space_around_subhead * pitch if cursor > 0 else 0.0
            breaker = LineBreaker(item.text, item.style, script, vertical)
            # Keep a short heading in one frame: move on when it would not fit whole.
            lines_needed = max(1, round(breaker.font.getlength(item.text) / max(frames[frame_index].length, 1) + 0.5))
            if cursor + gap + pitch * lines_needed + pitch > frames[frame_index].depth and cursor > 0:
                frame_index += 1
                cursor = 0.0
                gap = 0.0
                if frame_index >= len(frames):
                    result.overflow = True
                    break
            cursor += gap
        else:
            breaker = LineBreaker(item.text, item.style, script, vertical)
        if block is None or block.role is not item.role or is_heading:
            start_block(item.role)
        paragraph: Paragraph | None = None
        while not breaker.done:
            frame = frames[frame_index]
            if cursor + item.style.size > frame.depth + 0.01:
                frame_index += 1
                cursor = 0.0
                if frame_index >= len(frames):
                    result.overflow = True
                    break
                start_block(item.role)
                paragraph = None
                frame = frames[frame_index]
            # A piece continues only when lines of its paragraph were set before it: a paragraph
            # that ended exactly at the previous frame's foot leaves the next one to start afresh.
            continues = not breaker.first
            set_line = breaker.next_line(frame.length)
            line, glyphs = place_line(set_line, item.style, script, frame.vertical, origin(frame), frame.length, item.text)
            result.glyphs.extend(glyphs)
            assert block is not None
            if paragraph is None:
                paragraph = Paragraph(text="", first_line=len(block.lines), line_count=0, continues=continues)
                block.paragraphs.append(paragraph)
                paragraph_start = set_line.tokens[0].start if set_line.tokens else 0
            block.lines.append(line)
            paragraph.line_count += 1
            paragraph.text = item.text[paragraph_start:set_line.tokens[-1].end].strip() if set_line.tokens else paragraph.text
            cursor += pitch
            result.last_frame = frame_index
            result.end_cursor = cursor
        if result.overflow:
            break
        if is_heading:
            cursor += space_around_subhead * pitch
            close_block()
    close_block()
    return result
