"""Line patterns (pipeline/patterns.py) from tests/cases/patterns.json."""

import json
from pathlib import Path

import pytest

from pipeline import patterns

CASES = json.loads((Path(__file__).parent / "cases" / "patterns.json").read_text(encoding="utf-8"))
SINGLE_TESTS = {"byline": patterns.is_byline, "caption": patterns.is_caption, "jump": patterns.is_jump_line, "editor_credit": patterns.is_editor_credit, "keyword": patterns.is_keyword}


@pytest.mark.parametrize("case", CASES, ids=[c["why"][:50] for c in CASES])
def test_classify(case):
    assert patterns.classify(case["text"]) == case["kind"]


@pytest.mark.parametrize("case", CASES, ids=[c["why"][:50] for c in CASES])
def test_single_tests_agree_with_classify(case):
    matching = [name for name, test in SINGLE_TESTS.items() if test(case["text"])]
    assert case["kind"] in matching if case["kind"] else not matching


def test_trailing_keyword_and_sentence_ends():
    assert patterns.trailing_keyword("激活高质量发展新引擎实干") == "实干"
    assert patterns.trailing_keyword("实干") is None
    assert patterns.ends_sentence("为群众幸福“加码”。") and patterns.ends_sentence("“多彩西城”蓝图。”")
    assert not patterns.ends_sentence("以“办实事 做")
    assert patterns.ends_clause("胜利街区块完成拟拆迁房屋排摸和测绘工作；")
    assert patterns.is_bracket_fragment("﹃") and not patterns.is_bracket_fragment("成绩单")
