"""Scoring output against ground truth. The measures are defined in the README's Benchmark section.

Text measures (ordered CER, paragraph boundaries, reading order) compare the reading text: page
furniture is left out of both sides, as in newsreflow's default output (a peer that cannot tell
furniture from articles keeps it, and pays for it). Recognition (order-free CER) and role accuracy
compare everything on the page.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from pipeline.document import Document, Page, Role, reading_paragraphs

MATCH_THRESHOLD = 50.0  # partial-ratio score below which an output piece matches no truth paragraph
TIE_MARGIN = 2.0  # partial-ratio points within which two matches count as equally good


def fold(text: str) -> str:
    """Whitespace removed and full/half-width variants folded (NFKC), so only real differences count."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


@dataclass(frozen=True)
class BoundaryScores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    expected: int


def _boundaries(paragraphs: list[str]) -> tuple[str, set[int]]:
    """The folded text of all paragraphs, and the offsets at which a new paragraph starts."""
    stream, starts = [], set()
    length = 0
    for paragraph in paragraphs:
        folded = fold(paragraph)
        if not folded:
            continue
        if length:
            starts.add(length)
        stream.append(folded)
        length += len(folded)
    return "".join(stream), starts


MAX_BOUNDARY_GAP = 3  # truth characters the output lacks at a boundary (a dropped ” or 」) that may hide it


def _junctions(source: str, target: str) -> dict[int, tuple[int, int]]:
    """Each aligned offset of `source` mapped to the span of `target` offsets it may stand for.

    Offsets inside or at the ends of equal runs of a minimal edit alignment map to one offset. Where
    one equal run ends and the next begins at the same source offset, the target characters between
    them are missing from the source; a paragraph start there may stand anywhere in that gap (a dropped
    closing quote before it, or a dropped opening quote after it), so the span covers the whole gap.
    """
    spans: dict[int, tuple[int, int]] = {}
    for op in Levenshtein.opcodes(source, target):
        if op.tag != "equal":
            continue
        for k in range(op.src_end - op.src_start + 1):
            offset, dest = op.src_start + k, op.dest_start + k
            low, high = spans.get(offset, (dest, dest))
            spans[offset] = (min(low, dest), max(high, dest))
    return spans


def paragraph_boundary_scores(truth: list[str], output: list[str]) -> BoundaryScores:
    """Precision/recall/F1 of paragraph boundaries after aligning output characters to the truth's.

    A boundary in the output counts as correct when it falls at a truth boundary after alignment; where
    the output lacks up to MAX_BOUNDARY_GAP truth characters at the boundary, any place in that gap
    counts. Boundaries inside unmatched text (recognition errors) map to the nearest aligned position.
    """
    truth_text, truth_starts = _boundaries(truth)
    out_text, out_starts = _boundaries(output)
    spans = _junctions(out_text, truth_text)
    aligned_offsets = sorted(spans)
    predicted = set()
    for start in out_starts:
        if start in spans:
            low, high = spans[start]
            inside = [t for t in truth_starts if low <= t <= high] if high - low <= MAX_BOUNDARY_GAP else []
            predicted.add(inside[0] if inside else low)
        elif aligned_offsets:
            nearest = min(aligned_offsets, key=lambda offset: abs(offset - start))
            predicted.add(spans[nearest][0] + (start - nearest))
    hits = len(predicted & truth_starts)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth_starts) if truth_starts else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BoundaryScores(precision, recall, f1, hits, len(predicted), len(truth_starts))


def ordered_cer(truth: str, output: str) -> tuple[int, int]:
    """(edit distance, truth length) between the folded texts."""
    a, b = fold(truth), fold(output)
    return Levenshtein.distance(b, a), len(a)


@dataclass(frozen=True)
class Piece:
    """A unit of output text as the peer delivered it: an OCR line, or a paragraph where there are no lines."""

    text: str
    role: Role | None


@dataclass(frozen=True)
class TruthParagraph:
    text: str
    role: Role
    furniture: bool


def truth_paragraphs(page: Page) -> list[TruthParagraph]:
    return [TruthParagraph(fold(p.text), p.role, p.role.is_furniture) for p in reading_paragraphs(page, keep_furniture=True)]


_GAP_BESIDE_CHINESE = re.compile(r"(?<=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])\s+|\s+(?=[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])")


def output_pieces(page: Page) -> list[Piece]:
    """The output's lines in its reading order with the role of their block; unplaced lines last.
    An output without lines (text mode) gives its paragraphs. A line is cut where a space stands next
    to Chinese text: such a line is usually pieces of neighbouring columns set side by side (Tesseract's
    page-wide lines, a layout that joined lines across a gutter), an ordering fault, not a misreading."""
    units = [(line.text, block.role) for block in page.blocks for line in block.lines]
    units += [(line.text, None) for line in page.lines]
    if not any(text.strip() for text, _ in units):
        units = [(p.text, block.role) for block in page.blocks for p in block.paragraphs]
    pieces = [Piece(fold(part), role) for text, role in units for part in _cut_at_gaps(text)]
    return [p for p in pieces if p.text]


def _cut_at_gaps(text: str, shortest: int = 4) -> list[str]:
    """The text cut at spaces beside Chinese, keeping parts of fewer than `shortest` characters with
    their neighbour ("本报记者 叶强静" stays whole: its name alone would match anywhere)."""
    parts: list[str] = []
    for part in _GAP_BESIDE_CHINESE.split(text):
        if parts and (len(part.strip()) < shortest or len(parts[-1].strip()) < shortest):
            parts[-1] = parts[-1] + " " + part
        else:
            parts.append(part)
    return parts


@dataclass(frozen=True)
class Placement:
    paragraph: int  # index into the truth paragraphs; -1 when the piece matches none
    offset: int  # where in that paragraph the piece starts


def place_pieces(paragraphs: list[str], pieces: list[Piece]) -> list[Placement]:
    """Each output piece placed where it matches the truth best, whatever the output's order.

    Text can occur twice on a page (a byline repeated at the start of the body, a caption quoting
    the body, two identical jump lines, a line that is also a phrase of the next paragraph). Among
    near-equal matches the one that continues the previous piece wins (the same paragraph right after
    the previous piece's text, or the start of the next paragraph); then the one whose text no earlier
    piece took; then the closest whole match; then the nearest paragraph.
    """
    placements: list[Placement] = []
    taken = [bytearray(len(p)) for p in paragraphs]
    previous, previous_end = -1, 0
    for piece in pieces:
        size = len(piece.text)
        candidates = {index: score for _, score, index in
                      process.extract(piece.text, paragraphs, scorer=fuzz.partial_ratio, limit=8, score_cutoff=MATCH_THRESHOLD)}
        for index in (previous, previous + 1):  # a short piece ties with many paragraphs: keep these in view
            if 0 <= index < len(paragraphs) and index not in candidates:
                candidates[index] = fuzz.partial_ratio(piece.text, paragraphs[index])
        ranked = []
        for index, score in candidates.items():
            text = paragraphs[index]
            if size <= len(text):
                offset = _offset(piece.text, text, taken[index], previous_end if index == previous else None, score)
            else:  # the whole paragraph lies inside the piece: the piece carries more than this paragraph
                offset, score = 0, score * len(text) / size
            continues = (index == previous and abs(offset - previous_end) <= 2) or (index == previous + 1 and offset <= 1)
            overlap = sum(taken[index][offset:offset + size]) / max(1, min(size, len(text)))
            nearby = index in (previous, previous + 1)
            ranked.append((score, (continues, -overlap, nearby, fuzz.ratio(piece.text, text), -abs(index - previous)), index, offset))
        ranked = [r for r in ranked if r[0] >= MATCH_THRESHOLD]
        if not ranked:
            placements.append(Placement(-1, 0))
            continue
        best = max(r[0] for r in ranked)
        _, _, index, offset = max((r for r in ranked if r[0] >= best - TIE_MARGIN), key=lambda r: r[1])
        placements.append(Placement(index, offset))
        taken[index][offset:offset + size] = b"\x01" * len(taken[index][offset:offset + size])
        previous, previous_end = index, offset + size
    return placements


def _offset(piece: str, text: str, taken: bytearray, after: int | None, score: float) -> int:
    """Where in `text` the piece goes: right after the previous piece if it fits there, else the first
    place its text occurs that no other piece took, else where it aligns best."""
    if after is not None and fuzz.ratio(piece, text[after:after + len(piece)]) >= score - TIE_MARGIN:
        return after
    start = text.find(piece)
    while start >= 0:
        if not any(taken[start:start + len(piece)]):
            return start
        start = text.find(piece, start + 1)
    return fuzz.partial_ratio_alignment(piece, text).dest_start


def kendall_tau(ranks: list[float]) -> float | None:
    """Kendall's tau between truth positions 0..n-1 and output `ranks`, over the pairs the output
    orders: two truth paragraphs found in the same output piece (joined) are not an ordering error."""
    concordant = discordant = 0
    for i in range(len(ranks)):
        for j in range(i + 1, len(ranks)):
            if ranks[j] > ranks[i]:
                concordant += 1
            elif ranks[j] < ranks[i]:
                discordant += 1
    pairs = concordant + discordant
    return (concordant - discordant) / pairs if pairs else None


def score_page(truth: Document, output: Document) -> dict:
    """All measures for one page (the first page of each document)."""
    truth_page, output_page = truth.pages[0], output.pages[0] if output.pages else Page()
    reading_truth = [p.text for p in reading_paragraphs(truth_page)]
    reading_output = [p.text for p in reading_paragraphs(output_page)]
    if not output_page.blocks and output_page.lines:
        reading_output = [line.text for line in output_page.lines]
    errors, length = ordered_cer("".join(reading_truth), "".join(reading_output))
    boundaries = paragraph_boundary_scores(reading_truth, reading_output)

    paragraphs = truth_paragraphs(truth_page)
    pieces = output_pieces(output_page)
    placements = place_pieces([p.text for p in paragraphs], pieces)
    assigned: list[list[tuple[int, int]]] = [[] for _ in paragraphs]  # (offset, piece index)
    spurious = 0
    for index, (piece, placement) in enumerate(zip(pieces, placements)):
        if placement.paragraph < 0:
            spurious += len(piece.text)
        else:
            assigned[placement.paragraph].append((placement.offset, index))
    recognition_errors = spurious
    ranks, roles_right, roles_known = [], 0, any(p.role not in (None, Role.UNKNOWN) for p in pieces)
    for paragraph, found in zip(paragraphs, assigned):
        found.sort()
        assembled = "".join(pieces[i].text for _, i in found)
        recognition_errors += Levenshtein.distance(assembled, paragraph.text)
        if found and not paragraph.furniture:
            ranks.append(statistics.median(i for _, i in found))
        if found:
            weight: dict[Role | None, int] = {}
            for _, i in found:
                weight[pieces[i].role] = weight.get(pieces[i].role, 0) + len(pieces[i].text)
            roles_right += max(weight, key=weight.get) is paragraph.role
    all_chars = sum(len(p.text) for p in paragraphs)
    tau = kendall_tau(ranks)
    return {
        "truth_chars": length,
        "ordered_errors": errors,
        "ordered_cer": errors / length if length else 0.0,
        "page_chars": all_chars,
        "order_free_errors": recognition_errors,
        "order_free_cer": recognition_errors / all_chars if all_chars else 0.0,
        "boundary_precision": boundaries.precision,
        "boundary_recall": boundaries.recall,
        "boundary_f1": boundaries.f1,
        "boundary_hits": boundaries.true_positives,
        "boundary_predicted": boundaries.predicted,
        "boundary_expected": boundaries.expected,
        "kendall_tau": tau,
        "paragraphs": len(paragraphs),
        "roles_right": roles_right if roles_known else None,
        "role_accuracy": roles_right / len(paragraphs) if roles_known and paragraphs else None,
    }
