"""Text mode: rebuild paragraphs from newspaper text OCR'd elsewhere (one input line per column line).

What the input looks like (samples/seed-article.txt): every column line is a hard break, often with
blank lines between; a narrow lead box and a vertical headline in pieces are mixed into the body;
headings, byline and captions may sit at the end. Nothing tells where those stood on the page, so
they stay where they are, as their own paragraphs with their roles.

The steps:
1. Read the lines: blank lines and leading spaces are kept as evidence, not as text.
2. Lines that patterns identify (byline, caption, jump line, editor credit, decorative keyword, a
   keyword glued to a heading) become blocks of their own.
3. Runs of lines much narrower than the text around them (a lead box) form a block of their own.
4. In each run of lines: heading clusters (lines with no punctuation that do not fill the column,
   standing between paragraph ends; bracket-only pieces of a vertical headline glued back) become
   headings; the rest go to `repair.decide_breaks`, the boundary decision the layout stage shares.
Lines far wider than any column mean the input already has one paragraph per line (e.g. this
tool's own output), and each line is kept as a paragraph.

The text mode changes no character: it removes line breaks, blank lines and whitespace at line
ends, may drop a line-final hyphen between lower-case Latin word fragments (repair.join_texts), and
adds one space when it joins Latin words or the two halves of a two-line headline. Splitting a
keyword off a heading keeps both parts. (Normalisation, a later stage, makes the documented changes.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline import patterns
from pipeline.document import Block, Document, Line, Page, Paragraph, Repair, Role
from pipeline.repair import FIRST_LINE_INDENT, LineEvidence, decide_breaks, display_width, first_token_width, join_lines

NARROW_REGIME = 0.72  # a run of lines at most this fraction of the body's width is another column (lead box)
MIN_NARROW_RUN = 4  # lines a narrow run needs before it counts as a box of its own
WIDE_HEADING = 1.2  # a line this much wider than its column, with no final punctuation, is a heading
FULL_TOLERANCE = 1.5  # characters a line may fall short of the column and still be full
OVERFULL = 1.0  # characters beyond the column (more than a hanging mark) that no column line has
BODY_QUANTILE = 0.75  # of all plain lines: the width of the main (widest common) column
COLUMN_QUANTILE = 0.6  # most lines are full, so this quantile of nearby extents is the column width
RUNNING_QUANTILE = 0.4  # of running lines: below the lines that hang punctuation or carry justification spaces
WINDOW = 12  # lines on each side used to estimate the local column width
LATIN_COLUMN_QUANTILE = 0.9  # ragged-right Latin text is measured against its longest lines
MAX_HEADING_LINES = 3  # an unpunctuated piece longer than this is running text that lost its punctuation
MOSTLY_INDENTED = 0.5  # above this share of lines with leading space, the space is a margin, not indents
PARAGRAPH_PER_LINE = 40.0  # main-column width (characters) above which lines are paragraphs, not column lines
PATTERN_ROLES = {"byline": Role.BYLINE, "caption": Role.CAPTION, "jump": Role.JUMP, "editor_credit": Role.FOOTER, "keyword": Role.KEYWORD}
_CJK_SPACE = re.compile(r"[^\x00-\x7f]\s+[^\x00-\x7f]")
_HALF_WIDTH_TEXT = re.compile(r"[!-~]")


@dataclass(slots=True)
class TextLine:
    """One non-blank input line with the evidence around it."""

    text: str
    number: int  # 1-based line number in the input
    indented: bool = False  # had leading whitespace (read as a first-line indent)
    blank_before: bool = False
    role: Role | None = None  # set for lines a pattern identifies
    width: float = 0.0

    # Text features asked many times per line, computed once.
    ends_sentence: bool = False
    ends_clause: bool = False
    punctuated: bool = False  # commas, full stops and the like inside: running text, not a heading
    latin: bool = False

    extent: float = 0.0  # how far the line reaches, counting a known indent

    def __post_init__(self) -> None:
        self.width = display_width(self.text)
        self.extent = self.width + (FIRST_LINE_INDENT if self.indented else 0.0)
        end = patterns.line_end(self.text)
        self.ends_sentence = end == patterns.SENTENCE_END
        self.ends_clause = end == patterns.CLAUSE_END
        self.punctuated = patterns.has_internal_punctuation(self.text)
        self.latin = _is_latin(self.text)


@dataclass
class Piece:
    """A paragraph in the making: its lines, its role and how its lines are joined."""

    role: Role
    lines: list[TextLine]
    text: str = ""
    notes: list[str] = field(default_factory=list)


def _read_lines(raw_lines: list[str]) -> tuple[list[TextLine], int]:
    lines: list[TextLine] = []
    blank = False
    blank_count = 0
    for number, raw in enumerate(raw_lines, 1):
        text = raw.strip()
        if not text:
            blank = True
            blank_count += 1
            continue
        indented = raw[:1].isspace()
        lines.append(TextLine(text, number, indented=indented, blank_before=blank and bool(lines)))
        blank = False
    return lines, blank_count


_LATIN_LETTER = re.compile(r"[A-Za-z]")
_HAN_OR_KANA = re.compile(r"[\u3040-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003ffff]")


def _is_latin(text: str) -> bool:
    """More Latin letters than CJK characters: English (or similar) text."""
    return len(_LATIN_LETTER.findall(text)) > len(_HAN_OR_KANA.findall(text))


def _mark_patterns(lines: list[TextLine], repairs: list[Repair]) -> list[TextLine]:
    """Give roles to lines that patterns identify; split a keyword glued to the end of a heading."""
    for line in lines:
        kind = patterns.classify(line.text)
        if kind is not None:
            line.role = PATTERN_ROLES[kind]
    result: list[TextLine] = []
    for i, line in enumerate(lines):
        keyword = patterns.trailing_keyword(line.text) if line.role is None else None
        beside_keyword = any(0 <= j < len(lines) and lines[j].role is Role.KEYWORD for j in (i - 1, i + 1))
        if keyword and beside_keyword and not line.punctuated and not line.ends_sentence:
            head = line.text[: -len(keyword)].rstrip()
            repairs.append(Repair("split", f"line {line.number}: keyword “{keyword}” split off the heading “{head}”"))
            result.append(TextLine(head, line.number, line.indented, line.blank_before))
            result.append(TextLine(keyword, line.number, role=Role.KEYWORD))
        else:
            result.append(line)
    return result


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _runs(lines: list[TextLine], body_width: float) -> list[tuple[list[TextLine], bool]]:
    """Split the lines into runs (the text between pattern-identified lines), and narrow runs
    (a lead box among wider body lines) out of them. Returns (run, is_narrow) pairs; a pattern
    line is a run of its own."""
    runs: list[tuple[list[TextLine], bool]] = []
    current: list[TextLine] = []

    def flush() -> None:
        if current:
            runs.extend(_split_narrow(list(current), body_width))
            current.clear()

    for line in lines:
        if line.role is not None:
            flush()
            runs.append(([line], False))
        else:
            current.append(line)
    flush()
    return runs


def _split_narrow(run: list[TextLine], body_width: float) -> list[tuple[list[TextLine], bool]]:
    """Cut out maximal stretches of narrow lines that read as running text of their own column."""
    limit = body_width * NARROW_REGIME
    pieces: list[tuple[list[TextLine], bool]] = []
    start = 0
    i = 0
    while i < len(run):
        if run[i].extent <= limit:
            j = i
            while j < len(run) and (run[j].extent <= limit or _hangs_inside(run, j, limit)):
                j += 1
            # A wide paragraph's short last line is narrow too: it belongs to the text before.
            while i < j and i > 0 and not (run[i - 1].ends_sentence or run[i - 1].ends_clause) and run[i - 1].extent > limit:
                i += 1
            stretch = run[i:j]
            running = sum(1 for x in stretch if x.punctuated and not x.ends_sentence)
            if len(stretch) >= MIN_NARROW_RUN and running >= 2:
                if start < i:
                    pieces.append((run[start:i], False))
                pieces.append((stretch, True))
                start = j
            i = j
        else:
            i += 1
    if start < len(run):
        pieces.append((run[start:], False))
    return pieces


def _hangs_inside(run: list[TextLine], j: int, limit: float) -> bool:
    """A narrow column's line made a little wider by hanging punctuation, with narrow lines after it."""
    return run[j].extent <= limit + FIRST_LINE_INDENT and j + 1 < len(run) and run[j + 1].extent <= limit


def _column_widths(run: list[TextLine], fallback: float) -> list[float]:
    """The full-line width around each line.

    Measured on running lines (with punctuation inside, no sentence end at the right), which are
    nearly always full; heading pieces and short last lines would drag a plain quantile down.
    A run too short to measure (a few heading lines between pattern lines) uses the width of the
    text around it (`fallback`)."""
    extents = [line.extent for line in run]
    # Running lines, less those right after a sentence end (likely first lines, an indent short).
    running = [
        line.extent if line.punctuated and not line.ends_sentence and not (k and run[k - 1].ends_sentence) else None
        for k, line in enumerate(run)
    ]
    if len(run) < MIN_NARROW_RUN:
        return [fallback or _percentile(extents, COLUMN_QUANTILE)] * len(run)
    widths = []
    for i in range(len(run)):
        lo, hi = max(0, i - WINDOW), i + WINDOW + 1
        window = [x for x in running[lo:hi] if x is not None]
        widths.append(_percentile(window, RUNNING_QUANTILE) if len(window) >= 3 else _percentile(extents[lo:hi], COLUMN_QUANTILE))
    return widths


def _heading_candidate(line: TextLine, width: float) -> bool:
    """No punctuation at all, and not a full column line (unless two-part or wider than the column)."""
    text = line.text
    if patterns.is_bracket_fragment(text):
        return True
    if line.latin or line.ends_sentence:
        return False
    if _is_wide(line, width):
        return True
    if line.punctuated or line.ends_clause:
        return False
    # Not a column line: shorter than a full line, or longer than one (beyond a hanging mark),
    # or a two-part heading ("项目为王 再创…"): a space between Chinese phrases in a line with no
    # half-width text (body lines get spaces beside digits and Latin from justification).
    return _two_part(text) or line.extent <= width - FULL_TOLERANCE or line.extent >= width + OVERFULL


def _two_part(text: str) -> bool:
    return bool(_CJK_SPACE.search(text)) and not _HALF_WIDTH_TEXT.search(text)


def _is_wide(line: TextLine, width: float) -> bool:
    """Wider than its column by far: set apart from the column (a headline across columns)."""
    return line.extent >= width * WIDE_HEADING and not line.ends_sentence


def _starts_paragraph(line: TextLine, width: float, strict: bool = False, next_line: TextLine | None = None) -> bool:
    """An indented line, or one about an indent shorter than the column that does not end a sentence
    (and is not short only because `next_line` begins with a word too long to fit). Unless `strict`,
    a final mark may hang past the column's edge (so the line is measured without it)."""
    if line.indented:
        return True
    if line.ends_sentence:
        return False
    shortfall = width - line.extent
    if next_line is not None and shortfall <= first_token_width(next_line.text) + 0.25:
        return False
    hanging = 1.0 if not strict and line.text[-1] in patterns.load().internal_punctuation else 0.0
    return any(FULL_TOLERANCE <= s <= FIRST_LINE_INDENT + 1.5 for s in (shortfall, shortfall + hanging))


def _first_line_like(line: TextLine, width: float) -> bool:
    """About one indent shorter than the column: it could be a paragraph's first line."""
    return FIRST_LINE_INDENT - FULL_TOLERANCE <= width - line.extent <= FIRST_LINE_INDENT + 1.0


def _heading_cluster(run: list[TextLine], widths: list[float], start: int) -> int:
    """End (exclusive) of the heading cluster starting at `start`, or `start` when there is none."""
    end = start
    while end < len(run) and _heading_candidate(run[end], widths[end]):
        end += 1
    if end == start:
        return start
    if end < len(run):
        follower = run[end]
        # A lone candidate that could itself be a first line needs a clear paragraph start after it.
        strict = end - start == 1 and _first_line_like(run[start], widths[start])
        after = run[end + 1] if end + 1 < len(run) else None
        continues = not _starts_paragraph(follower, widths[end], strict, after)
        if continues and not _is_wide(run[end - 1], widths[end - 1]):
            # The line before running text is that paragraph's first line, not a heading.
            end -= 1
            while end > start and patterns.is_bracket_fragment(run[end - 1].text):
                end -= 1
    return end


def _split_headings(cluster: list[TextLine], widths: list[float]) -> list[list[TextLine]]:
    """Headings within a cluster: bracket-only pieces glue their neighbours (a vertical headline);
    two consecutive lines of equal length are the halves of a two-line headline; a line that
    fills its column (less a possible indent) wraps into a shorter next line; otherwise each line
    is a heading of its own."""
    headings: list[list[TextLine]] = []
    glue = False
    previous: TextLine | None = None
    for line, width in zip(cluster, widths):
        fragment = patterns.is_bracket_fragment(line.text)
        opens = line.text[-1] in patterns.load().opening_marks
        closes = line.text[0] in patterns.load().closing_marks
        fills = width - (FULL_TOLERANCE if previous is not None and _two_part(previous.text) else FIRST_LINE_INDENT + FULL_TOLERANCE)
        wraps = previous is not None and previous.extent >= fills and line.extent < previous.extent
        if headings and not line.indented and (glue or fragment or closes or wraps or _couplet(headings[-1], line)):
            headings[-1].append(line)
        else:
            headings.append([line])
        glue = fragment or opens
        previous = line
    return headings


def _couplet(heading: list[TextLine], line: TextLine) -> bool:
    only = heading[0]
    return len(heading) == 1 and len(only.text) == len(line.text) >= 4 and " " not in only.text + line.text and not line.indented


def _heading_text(lines: list[TextLine]) -> tuple[str, bool]:
    """Join a heading's lines; the halves of a two-line headline are joined with a space, as
    two-part headlines are printed on one line ("项目为王 再创高质量发展新局面")."""
    texts = [line.text for line in lines]
    if len(lines) == 2 and _couplet(lines[:1], lines[1]):
        return f"{texts[0]} {texts[1]}", True
    return join_lines(texts), False


def _blank_lines_mark_paragraphs(lines: list[TextLine]) -> bool:
    """Blank lines are evidence only when they are not everywhere and nearly all follow a sentence end."""
    gaps = len(lines) - 1
    blanks = [i for i in range(1, len(lines)) if lines[i].blank_before]
    if not blanks or gaps <= 0 or len(blanks) > gaps * 0.5:
        return False
    after_sentence = sum(1 for i in blanks if lines[i - 1].ends_sentence or lines[i - 1].role is not None)
    return after_sentence >= 0.8 * len(blanks)


def _body_pieces(run: list[TextLine], widths: list[float], role: Role, blank_marks: bool) -> list[Piece]:
    """Paragraphs of running text through the shared boundary decision."""
    if run and sum(line.latin for line in run) * 2 > len(run):
        # Ragged-right Latin text: measured against its longest lines, so that a line counts as
        # short only where the next word would have fitted on it (decide_breaks checks that).
        widths = [_percentile([line.extent for line in run], LATIN_COLUMN_QUANTILE)] * len(run)
    evidence = [
        LineEvidence(
            text=line.text,
            relative_length=line.extent / max(width, 1.0),
            indent=FIRST_LINE_INDENT if line.indented else None,
            gap_before=(1.0 if line.blank_before else 0.0) if blank_marks else None,
        )
        for line, width in zip(run, widths)
    ]
    breaks = decide_breaks(evidence)
    pieces: list[Piece] = []
    current: list[TextLine] = []
    for line, ends in zip(run, breaks):
        current.append(line)
        if ends:
            pieces.append(Piece(role, current))
            current = []
    return pieces


def _unpunctuated_as_headings(piece: Piece, previous: Role | None) -> list[Piece]:
    """Running text has punctuation; a short 'paragraph' with none at all is heading lines
    (e.g. the two halves of a headline that came out as an indented line and its neighbour)."""
    if (
        len(piece.lines) > MAX_HEADING_LINES
        or any(line.punctuated or line.ends_sentence or line.ends_clause or line.latin for line in piece.lines)
    ):
        return [piece]
    role = Role.SUBTITLE if previous in (Role.HEADLINE, Role.SUBTITLE) else Role.SUBHEAD
    text, spaced = _heading_text(piece.lines)
    return [Piece(role, piece.lines, text, ["two-line heading joined with a space"] if spaced else [])]


def _run_pieces(run: list[TextLine], narrow: bool, has_wider_text: bool, fallback: float, blank_marks: bool, text_before: bool) -> list[Piece]:
    widths = _column_widths(run, fallback)
    body_role = Role.LEAD if narrow and has_wider_text else Role.BODY
    pieces: list[Piece] = []
    pending: list[int] = []

    def flush() -> None:
        if pending:
            for piece in _body_pieces([run[k] for k in pending], [widths[k] for k in pending], body_role, blank_marks):
                pieces.extend(_unpunctuated_as_headings(piece, pieces[-1].role if pieces else None))
            pending.clear()

    i = 0
    while i < len(run):
        at_boundary = i == 0 or run[i - 1].ends_sentence or run[i - 1].ends_clause
        end = _heading_cluster(run, widths, i) if at_boundary else i
        if end > i:
            flush()
            cluster = run[i:end]
            vertical = any(patterns.is_bracket_fragment(x.text) for x in cluster)
            for k, heading in enumerate(_split_headings(cluster, widths[i:end])):
                text, spaced = _heading_text(heading)
                if vertical or (not text_before and i == 0 and not pieces):
                    heading_role = Role.HEADLINE if k == 0 else Role.SUBTITLE
                else:
                    heading_role = Role.SUBHEAD
                piece = Piece(heading_role, heading, text)
                if spaced:
                    piece.notes.append("two-line heading joined with a space")
                pieces.append(piece)
            i = end
            continue
        pending.append(i)
        i += 1
    flush()
    return pieces


def _attach_caption_starts(pieces: list[Piece]) -> list[Piece]:
    """A caption's first lines come before the line that carries its marker ('…（资料图片）'):
    a short unfinished paragraph right before a caption line belongs to it."""
    result: list[Piece] = []
    for piece in pieces:
        previous = result[-1] if result else None
        if (
            piece.role is Role.CAPTION
            and previous is not None
            and previous.role in (Role.BODY, Role.SUBHEAD, Role.LEAD)
            and len(previous.lines) <= 2
            and not previous.lines[-1].ends_sentence
            and not patterns.is_caption(previous.lines[-1].text)
        ):
            result[-1] = Piece(Role.CAPTION, previous.lines + piece.lines, notes=["caption lines joined"])
        else:
            result.append(piece)
    return result


def segment(lines: list[str], source: str = "") -> Document:
    """Decide for each line whether its paragraph ends after it and which lines are not body text."""
    repairs: list[Repair] = []
    text_lines, blank_count = _read_lines(lines)
    indented = sum(line.indented for line in text_lines)
    if indented > len(text_lines) * MOSTLY_INDENTED:
        # Leading space on most lines is the exporter's margin, not paragraph indents.
        text_lines = [TextLine(line.text, line.number, blank_before=line.blank_before) for line in text_lines]
        repairs.append(Repair("indent", f"leading space on {indented} of {len(text_lines)} lines read as a margin, not as indents"))
    for line in text_lines:
        if line.indented:
            repairs.append(Repair("indent", f"line {line.number}: leading space read as a first-line indent"))
    text_lines = _mark_patterns(text_lines, repairs)
    blank_marks = _blank_lines_mark_paragraphs(text_lines)
    if blank_count:
        meaning = "paragraph ends (they follow sentence ends)" if blank_marks else "line-break artifacts, not paragraph ends"
        repairs.append(Repair("blank-lines", f"{blank_count} blank lines read as {meaning}"))
    plain = [line.extent for line in text_lines if line.role is None]
    body_width = _percentile(plain, BODY_QUANTILE) if plain else 0.0
    runs = _runs(text_lines, body_width)
    has_wide = any(not narrow for run, narrow in runs if run[0].role is None)
    lines_are_paragraphs = body_width > PARAGRAPH_PER_LINE
    if lines_are_paragraphs:
        repairs.append(Repair("lines", "lines are far wider than a newspaper column: each line read as one paragraph"))
    pieces: list[Piece] = []
    for run, narrow in runs:
        if run[0].role is not None:
            pieces.append(Piece(run[0].role, run))
            continue
        if lines_are_paragraphs:
            for line in run:
                pieces.extend(_unpunctuated_as_headings(Piece(Role.BODY, [line]), pieces[-1].role if pieces else None))
            continue
        fallback = body_width * (NARROW_REGIME if narrow else 1.0)
        pieces.extend(_run_pieces(run, narrow, has_wide, fallback, blank_marks, text_before=bool(pieces)))
    if not lines_are_paragraphs:
        pieces = _attach_caption_starts(pieces)
    return Document(source=source, pages=[_page(pieces, repairs)], repairs=repairs)


def _page(pieces: list[Piece], repairs: list[Repair]) -> Page:
    """One block per run of same-role paragraphs; each paragraph names its span of the block's lines."""
    page = Page(number=1)
    for piece in pieces:
        text = piece.text or join_lines([line.text for line in piece.lines])
        block = page.blocks[-1] if page.blocks and page.blocks[-1].role is piece.role and piece.role in (Role.BODY, Role.LEAD) else None
        if block is None:
            block = Block(role=piece.role)
            page.blocks.append(block)
        first = len(block.lines)
        block.lines.extend(Line(line.text) for line in piece.lines)
        block.paragraphs.append(Paragraph(text, first, len(piece.lines)))
        span = f"lines {piece.lines[0].number}-{piece.lines[-1].number}" if len(piece.lines) > 1 else f"line {piece.lines[0].number}"
        if piece.role not in (Role.BODY, Role.LEAD):
            repairs.append(Repair("role", f"{span}: {piece.role.value} “{text[:24]}”"))
        if len(piece.lines) > 1:
            repairs.append(Repair("join", f"{span}: {len(piece.lines)} lines joined into one paragraph ({text[:12]}…)"))
        for note in piece.notes:
            repairs.append(Repair("join", f"{span}: {note}"))
    return page
