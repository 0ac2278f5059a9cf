"""Line joining and the paragraph-boundary decision (pipeline/repair.py), from tests/cases/repair.json."""

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.repair import LineEvidence, decide_breaks, display_width, join_lines, join_texts

CASES = json.loads((Path(__file__).parent / "cases" / "repair.json").read_text(encoding="utf-8"))


def _param(case, *values):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
    return pytest.param(*values, id=case["why"][:60], marks=marks)


@pytest.mark.parametrize("lines, expected", [_param(c, c["lines"], c["expected"]) for c in CASES["join"]])
def test_join_cases(lines, expected):
    assert join_lines(lines) == expected


def _evidence(row):
    text, relative, indent, *rest = row
    return LineEvidence(text, relative, indent, rest[0] if rest else None)


@pytest.mark.parametrize("rows, expected", [_param(c, c["lines"], c["expected"]) for c in CASES["breaks"]])
def test_break_cases(rows, expected):
    assert decide_breaks([_evidence(r) for r in rows]) == expected


def test_decide_breaks_handles_empty_and_single_line():
    assert decide_breaks([]) == []
    assert decide_breaks([LineEvidence("一行。", 0.2)]) == [True]


def test_display_width_counts_ascii_as_half():
    assert display_width("2023年") == 3.0


# What joining may change: whitespace at the break, and a hyphen at the end of a line.
_ALPHABET = st.sampled_from(list("的一是在不了有和人这中大为上个国我以要他时来用们") + list("，。、；：！？“”（）—…") + list("abcXYZ019 -.,"))
_LINE = st.text(_ALPHABET, min_size=0, max_size=12)


def _skeleton(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace() and ch != "-")


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=6))
def test_joining_loses_or_invents_nothing_but_whitespace_and_line_end_hyphens(lines):
    joined = join_lines(lines)
    assert _skeleton(joined) == _skeleton("".join(lines))
    hyphens_at_breaks = sum(1 for line in lines[:-1] if line.rstrip().endswith("-"))
    assert joined.count("-") >= "".join(lines).count("-") - hyphens_at_breaks


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=6))
def test_joining_its_own_output_changes_nothing(lines):
    joined = join_lines(lines)
    assert join_lines([joined]) == joined
    assert join_texts(joined, "") == joined


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_LINE, st.floats(0.0, 1.2), st.one_of(st.none(), st.floats(0, 4))), min_size=1, max_size=10))
def test_decide_breaks_returns_one_decision_per_line_ending_with_a_break(rows):
    breaks = decide_breaks([LineEvidence(t, r, i) for t, r, i in rows])
    assert len(breaks) == len(rows) and breaks[-1] is True


def test_known_indents_and_widths_recover_real_paragraphs():
    """What the layout stage gives: every line's indent and how far it reaches. Real articles
    typeset at several column widths must come back with (almost) every boundary right."""
    from pipeline.bench import textbench

    decisions = wrong = 0
    for width in (8, 12, 17):
        for article in textbench.load_articles():
            evidence, truth = [], []
            for paragraph in article["paragraphs"]:
                lines = textbench.wrap(paragraph.strip(), width, 2.0)
                for k, line in enumerate(lines):
                    indent = 2.0 if k == 0 else 0.0
                    evidence.append(LineEvidence(line, (display_width(line) + indent) / width, indent))
                    truth.append(k == len(lines) - 1)
            decided = decide_breaks(evidence)
            decisions += len(truth)
            wrong += sum(d != t for d, t in zip(decided, truth))
    assert wrong <= decisions * 0.002
