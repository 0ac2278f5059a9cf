"""The text-mode benchmark's generator and scoring (pipeline/bench/textbench.py), on a few articles."""

import random

from pipeline.bench import textbench
from pipeline.bench.score import fold
from pipeline.repair import display_width


def test_wrap_keeps_every_character_and_the_column_width():
    paragraph = "2023年，西城街道经济综合实力稳中有进，经济活力不断增强，完成率达112.5%；访问www.example.com了解。"
    for width in (8, 12, 17):
        lines = textbench.wrap(paragraph, width, 2.0)
        assert "".join(lines) == paragraph
        assert display_width(lines[0]) <= width - 2 + 1  # one hanging mark at most
        assert all(not line.startswith(("，", "。", "；", "%")) for line in lines)
        assert "112.5%" in "\n".join(lines) and "www.example.com" in "\n".join(lines)


def test_cases_are_deterministic_and_truth_holds_all_text():
    article = textbench.load_articles()[0]
    regime = textbench.REGIMES["body+lead box"]
    first = textbench.make_case(article, regime, random.Random(7))
    second = textbench.make_case(article, regime, random.Random(7))
    assert first == second
    text, truth, mixed_in = first
    assert fold(text) == fold("".join(truth))
    assert {"byline", "lead 0", "lead 1"} <= set(mixed_in) and all(line in truth for line in mixed_in.values())


def test_run_text_benchmark_reports_each_regime_and_speed():
    articles = textbench.load_articles()[:3]
    result = textbench.run_text_benchmark(articles, seed=1, speed_bytes=20_000)
    assert set(result["regimes"]) == set(textbench.REGIMES)
    for scores in result["regimes"].values():
        assert scores["articles"] == 3 and 0.0 <= scores["f1"] <= 1.0
        assert scores["chars_lost"] == 0 and scores["chars_invented"] == 0
    assert result["speed"]["bytes"] >= 20_000
    assert "MB/s" in textbench.format_table(result)


def test_char_differences_counts_a_dropped_character():
    assert textbench.char_differences(["一二三。"], ["一二。"]) == (1, 0)
