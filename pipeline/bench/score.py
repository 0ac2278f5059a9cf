"""Scoring output text against ground truth. Measures are defined in the README."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass


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


def paragraph_boundary_scores(truth: list[str], output: list[str]) -> BoundaryScores:
    """Precision/recall/F1 of paragraph boundaries after aligning output characters to the truth's.

    A boundary in the output counts as correct when it falls at a truth boundary after alignment;
    boundaries inside unmatched text (recognition errors) map to the nearest aligned position.
    """
    truth_text, truth_starts = _boundaries(truth)
    out_text, out_starts = _boundaries(output)
    matcher = difflib.SequenceMatcher(None, out_text, truth_text, autojunk=False)
    mapping: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size + 1):
            mapping.setdefault(a + k, b + k)
    aligned_offsets = sorted(mapping)
    predicted = set()
    for start in out_starts:
        if start in mapping:
            predicted.add(mapping[start])
        elif aligned_offsets:
            nearest = min(aligned_offsets, key=lambda offset: abs(offset - start))
            predicted.add(mapping[nearest] + (start - nearest))
    hits = len(predicted & truth_starts)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth_starts) if truth_starts else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BoundaryScores(precision, recall, f1, hits, len(predicted), len(truth_starts))
