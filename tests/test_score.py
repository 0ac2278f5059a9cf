from pipeline.bench.score import fold, paragraph_boundary_scores

TRUTH = ["第一段。很长的内容。", "第二段，ABC 123。", "第三段"]


def test_truth_scores_perfect():
    scores = paragraph_boundary_scores(TRUTH, TRUTH)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_joined_paragraphs_lower_recall_not_precision():
    scores = paragraph_boundary_scores(TRUTH, [TRUTH[0] + TRUTH[1], TRUTH[2]])
    assert scores.recall == 0.5 and scores.precision == 1.0


def test_extra_break_lowers_precision():
    scores = paragraph_boundary_scores(TRUTH, ["第一段。", "很长的内容。", *TRUTH[1:]])
    assert scores.precision < 1.0 and scores.recall == 1.0


def test_width_variants_and_spaces_are_folded():
    assert fold("ＡＢＣ　１２３ x") == "ABC123x"
    assert paragraph_boundary_scores(TRUTH, ["第一段。很长的 内容。", "第二段，ＡＢＣ１２３。", "第三段"]).f1 == 1.0



QUOTED = ["他说：“第一段。”", "“第二段。”他说。", "第三段"]


def test_boundary_beside_a_dropped_quote_still_counts():
    dropped_closing = ["他说：“第一段。", "“第二段。”他说。", "第三段"]
    dropped_opening = ["他说：“第一段。”", "第二段。”他说。", "第三段"]
    assert paragraph_boundary_scores(QUOTED, dropped_closing).f1 == 1.0
    assert paragraph_boundary_scores(QUOTED, dropped_opening).f1 == 1.0


def test_boundary_beside_a_long_gap_is_not_excused():
    truth = ["甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉"]
    output = ["甲乙丙丁戊", "子丑寅卯辰巳午未申酉"]  # five characters lost before the break
    assert paragraph_boundary_scores(truth, output).precision == 0.0

# ---- page scores against a committed benchmark truth ---------------------------------------------
import json  # noqa: E402
import random  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from pipeline.bench.score import kendall_tau, score_page  # noqa: E402
from pipeline.document import Block, Document, Line, Page, Paragraph, Role, reading_paragraphs  # noqa: E402

TRUTH_FILE = Path(__file__).parent.parent / "samples" / "bench" / "p01-h5-hans-clean.truth.json"


@pytest.fixture(scope="module")
def truth() -> Document:
    return Document.from_dict(json.loads(TRUTH_FILE.read_text(encoding="utf-8")))


def as_output(paragraphs: list[tuple[Role, str]]) -> Document:
    """An output document with one block per paragraph (and the paragraph as its one line)."""
    blocks = [Block(role=role, lines=[Line(text)], paragraphs=[Paragraph(text, 0, 1)]) for role, text in paragraphs]
    return Document(pages=[Page(blocks=blocks)])


def reading(truth: Document) -> list[tuple[Role, str]]:
    return [(p.role, p.text) for p in reading_paragraphs(truth.pages[0], keep_furniture=True)]


def test_truth_against_itself_is_perfect(truth):
    scores = score_page(truth, truth)
    assert scores["ordered_cer"] == 0 and scores["order_free_cer"] == 0
    assert scores["boundary_f1"] == 1 and scores["kendall_tau"] == 1 and scores["role_accuracy"] == 1
    assert score_page(truth, as_output(reading(truth))) == scores | {"roles_right": scores["roles_right"]}


def test_shuffled_paragraphs_lower_tau_not_recognition(truth):
    paragraphs = reading(truth)
    random.Random(3).shuffle(paragraphs)
    scores = score_page(truth, as_output(paragraphs))
    assert scores["kendall_tau"] < 0.5
    assert scores["ordered_cer"] > 0.3
    # Recognition is untouched; only a clause printed twice (subtitle and body) may land in the wrong copy.
    assert scores["order_free_cer"] < 0.01 and scores["role_accuracy"] > 0.95


def test_joined_paragraphs_lower_boundary_f1(truth):
    furniture = [p for p in reading(truth) if p[0].is_furniture]
    body = [p for p in reading(truth) if not p[0].is_furniture]
    joined = [(body[i][0], body[i][1] + (body[i + 1][1] if i + 1 < len(body) else "")) for i in range(0, len(body), 2)]
    scores = score_page(truth, as_output(furniture + joined))
    assert scores["boundary_f1"] < 0.8 and scores["boundary_precision"] == 1
    assert scores["ordered_cer"] == 0 and scores["kendall_tau"] == 1


def test_dropped_paragraph_lowers_recall_and_raises_ordered_error(truth):
    paragraphs = reading(truth)
    longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i][1]) if not paragraphs[i][0].is_furniture else 0)
    scores = score_page(truth, as_output(paragraphs[:longest] + paragraphs[longest + 1:]))
    assert scores["boundary_recall"] < 1
    assert scores["ordered_cer"] > 0.02 and scores["order_free_cer"] > 0.02


def test_engine_order_lines_are_read_but_not_ordered(truth):
    lines = [line for block in truth.pages[0].blocks for line in block.lines]
    lines.sort(key=lambda line: (round(line.box.y0 / 40), line.box.x0))  # what an OCR engine returns
    output = Document(pages=[Page(lines=lines)])
    scores = score_page(truth, output)
    # Near-duplicate captions of this article are the only text whose place is ambiguous without order.
    assert scores["order_free_cer"] < 0.03
    assert scores["ordered_cer"] > 0.5 and scores["kendall_tau"] < 0.9
    assert scores["role_accuracy"] is None  # no roles to judge


def test_wrong_roles_lower_role_accuracy(truth):
    paragraphs = [(Role.BODY, text) for _, text in reading(truth)]
    scores = score_page(truth, as_output(paragraphs))
    assert 0.3 < scores["role_accuracy"] < 1


def test_kendall_tau():
    assert kendall_tau([0, 1, 2, 3]) == 1
    assert kendall_tau([3, 2, 1, 0]) == -1
    assert kendall_tau([0, 0, 1, 2]) == 1  # joined paragraphs are not misordered
    assert kendall_tau([0]) is None and kendall_tau([1, 1]) is None
