"""Normalisation steps (pipeline/normalize.py), from tests/cases/normalize.json, plus invariants."""

import json
import unicodedata
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline import normalize
from pipeline.config import NormalizeConfig
from pipeline.document import Block, Document, Page, Paragraph

CASES = json.loads((Path(__file__).parent / "cases" / "normalize.json").read_text(encoding="utf-8"))
TABLES = json.loads(normalize.DATA_FILE.read_text(encoding="utf-8"))


def _param(case):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
    return pytest.param(case["input"], case["expected"], case.get("config", {}), id=case["why"][:60], marks=marks)


@pytest.mark.parametrize("text, expected, overrides", [_param(c) for c in CASES])
def test_normalize_cases(text, expected, overrides):
    result, repairs = normalize.normalize_text(text, NormalizeConfig(**overrides))
    assert result == expected
    assert bool(repairs) == (result != text)


def test_every_config_field_names_a_step():
    assert set(normalize.STEP_NAMES) == {f.name for f in fields(NormalizeConfig)}


@pytest.mark.parametrize("vertical, horizontal", sorted(TABLES["vertical_forms"].items()))
def test_vertical_table_follows_unicode_decomposition(vertical, horizontal):
    """Each entry is the character Unicode's <vertical> decomposition names (ASCII widened)."""
    tag, code = unicodedata.decomposition(vertical).split()
    assert tag == "<vertical>"
    assert unicodedata.normalize("NFKC", horizontal) == unicodedata.normalize("NFKC", chr(int(code, 16)))


def test_run_records_repairs_per_paragraph():
    document = Document(pages=[Page(blocks=[Block(paragraphs=[Paragraph("认定 6 家⋯⋯", 0, 1)])])])
    normalize.run(document, NormalizeConfig())
    assert document.pages[0].blocks[0].paragraphs[0].text == "认定6家……"
    assert [r.kind for r in document.repairs] == ["ellipsis", "justification_spaces"]


# The documented normalisations, as an equivalence: NFKC folds full/half-width and vertical forms,
# the midline ellipsis counts as the ellipsis, the ideographic full stop as a full stop, and
# whitespace may be removed (never added).
def canonical(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).replace("⋯", "...").replace("。", ".")
    return "".join(ch for ch in folded if not ch.isspace())


_ALPHABET = st.sampled_from(
    list("的一是在不了有和人这中大为上个国我以要他时来用们年月日元家")
    + list("，。、；：！？“”（）《》—…⋯﹁﹂﹃﹄︵︶︙")
    + list("abcXYZ0123456789 %.,;:!?()/@-")
)
_TEXT = st.text(_ALPHABET, max_size=40)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_normalizing_changes_only_what_is_documented(text):
    result, _ = normalize.normalize_text(text, NormalizeConfig())
    assert canonical(result) == canonical(text)
    assert sum(ch.isspace() for ch in result) <= sum(ch.isspace() for ch in text)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_normalizing_its_own_output_changes_nothing(text):
    once, _ = normalize.normalize_text(text, NormalizeConfig())
    twice, repairs = normalize.normalize_text(once, NormalizeConfig())
    assert twice == once and repairs == []


@given(_TEXT)
@settings(max_examples=100, deadline=None)
def test_all_steps_off_is_the_identity(text):
    config = NormalizeConfig(justification_spaces=False, ellipsis=False, vertical_forms=False, fullwidth_punctuation=False)
    assert normalize.normalize_text(text, config) == (text, [])
