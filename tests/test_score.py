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
