"""Text mode (pipeline/textmode.py): the seed article against its expected output, roles, and invariants."""

import unicodedata
from pathlib import Path

from hypothesis import given, settings, strategies as st

from pipeline import run, textmode
from pipeline.config import Config
from pipeline.document import Role, reading_paragraphs
from pipeline.output import render

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEED = (SAMPLES / "seed-article.txt").read_text(encoding="utf-8")
EXPECTED = (SAMPLES / "seed-article.expected.txt").read_text(encoding="utf-8")


def paragraphs_of(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def reflow(text: str) -> list[tuple[Role, str]]:
    document = run.process_text(text, Config())
    return [(p.role, p.text) for p in reading_paragraphs(document.pages[0])]


def fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def test_seed_article_matches_expected_output():
    output = render(run.process_text(SEED, Config()), "text")
    assert paragraphs_of(output) == paragraphs_of(EXPECTED)


def test_seed_headings_byline_and_captions_stand_alone_with_roles():
    roles = dict((text, role) for role, text in reflow(SEED))
    for heading in ("项目为王 再创高质量发展新局面", "“稳”“韧”前行 激活高质量发展新引擎", "凝心聚力 描绘乡村振兴新画卷", "增进福祉 奏响民生与发展新乐章"):
        assert roles[heading] is Role.SUBHEAD
    assert roles["融媒记者 潘燕佳"] is Role.BYLINE
    assert roles["市一医城西院区开工奠基（资料图片）"] is Role.CAPTION
    assert roles["西城街道禁毒办荣获浙江省一级乡镇（街道）禁毒办荣誉称号（资料图片）"] is Role.CAPTION
    assert roles["西城街道亮出实干『成绩单"] is Role.HEADLINE
    assert {roles[k] for k in ("攻坚", "实干", "合力", "幸福")} == {Role.KEYWORD}
    lead = [text for role, text in reflow(SEED) if role is Role.LEAD]
    assert len(lead) == 2 and lead[0].startswith("岁序常易") and lead[1].endswith("蓝图。")


def test_seed_loses_no_character():
    def canonical(text):
        return fold(text).replace("⋯", "...").replace("﹃", "『")

    output = "".join(text for _, text in reflow(SEED))
    assert canonical(output) == canonical(SEED)


def test_reflowing_its_own_output_changes_nothing():
    once = render(run.process_text(SEED, Config()), "text")
    assert render(run.process_text(once, Config()), "text") == once


def test_blank_lines_mark_paragraphs_when_they_follow_sentence_ends():
    text = "第一段的第一行文字很长很长，\n第一段的第二行结束了。\n\n第二段的第一行文字很长很长，\n第二段的第二行文字也很长，\n结束。\n"
    assert [t for _, t in reflow(text)] == ["第一段的第一行文字很长很长，第一段的第二行结束了。", "第二段的第一行文字很长很长，第二段的第二行文字也很长，结束。"]


def test_english_paragraphs_separated_by_blank_lines_are_kept_and_joined_with_spaces():
    first = "The council met on Monday and agreed to build a well-\nknown bridge over the river near the old town hall.\n"
    expected = ["The council met on Monday and agreed to build a well-known bridge over the river near the old town hall.", "It will open in 2026, officials said."]
    assert [t for _, t in reflow(first + "\nIt will open in 2026, officials said.\n")] == expected


def test_ragged_english_without_blank_lines_breaks_where_the_next_word_would_have_fitted():
    text = (
        "The council met on Monday and agreed to build a new bridge\nover the river.\n"
        "It will open in 2026, officials said, after three years of\nwork by the city.\n"
    )
    assert [t for _, t in reflow(text)] == [
        "The council met on Monday and agreed to build a new bridge over the river.",
        "It will open in 2026, officials said, after three years of work by the city.",
    ]


def test_lines_far_wider_than_a_column_are_paragraphs():
    long_line = "这是一段很长的文字，" * 8
    text = f"{long_line}结束。\n{long_line}也结束。\n"
    assert len(reflow(text)) == 2


def test_keyword_glued_to_a_heading_is_split_only_beside_other_keywords():
    body = ["这是正文的一行文字，很长很长", "的一行文字，这是正文的一行文", "字，这是正文的一行文字，结束", "了这一段。"]
    lines = body + ["激活高质量发展新引擎实干", "合力"]
    document = textmode.segment(lines)
    texts = [p.text for b in document.pages[0].blocks for p in b.paragraphs]
    assert texts[-3:] == ["激活高质量发展新引擎", "实干", "合力"]
    assert any(r.kind == "split" for r in document.repairs)
    alone = textmode.segment(body + ["西城街道亮出实干", "﹃", "成绩单"])
    assert [p.text for b in alone.pages[0].blocks for p in b.paragraphs][-1] == "西城街道亮出实干﹃成绩单"


_HAN = st.sampled_from(list("的一是在不了有和人这中大为上个国我以要他时来用们年月日元家"))
_PUNCT = st.sampled_from(list("，。、；：！？“”（）"))
_LINE = st.text(st.one_of(_HAN, _HAN, _HAN, _PUNCT, st.sampled_from(list("0123 abcXY"))), min_size=1, max_size=24)
_SPECIAL = st.sampled_from(["融媒记者 潘燕佳", "攻坚", "（资料图片）", "﹃", "激活高质量发展新引擎实干", "项目为王 再创高质量发展新局面"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINE, _LINE.map(lambda line: "  " + line), st.just(""), _SPECIAL), min_size=1, max_size=30))
def test_segmenting_loses_and_invents_no_character(lines):
    if not any(line.strip() for line in lines):
        return
    document = textmode.segment(lines)
    paragraphs = [p.text for b in document.pages[0].blocks for p in b.paragraphs]
    assert fold("".join(paragraphs)) == fold("".join(lines))
    assert all(p.strip() for p in paragraphs)


def test_reflowing_benchmark_outputs_again_changes_nothing():
    """Idempotence on many real articles, not only the seed: the text output read back gives itself."""
    import random

    from pipeline.bench import textbench

    rng = random.Random(5)
    for article in textbench.load_articles()[:20]:
        for regime in textbench.REGIMES.values():
            text, _, _ = textbench.make_case(article, regime, rng)
            once = render(run.process_text(text, Config()), "text")
            assert render(run.process_text(once, Config()), "text") == once


def test_leading_space_on_every_line_is_a_margin_not_indents():
    margined = "\n".join(" " + line for line in SEED.splitlines())
    assert [t for _, t in reflow(margined)] == [t for _, t in reflow(SEED)]
