import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.bench.compose import PageSpec
from pipeline.bench.corpus import load_articles, newspaper_punctuation
from pipeline.bench.generate import DEFAULT_OUT, generate_page, page_specs
from pipeline.bench.score import fold
from pipeline.bench.typeset import FlowItem, Frame, LineBreaker, Style, flow
from pipeline.document import Block, Box, Direction, Document, Role, reading_paragraphs
from pipeline.repair import join_lines

ARTICLES = load_articles()
SMALL = PageSpec(id="t-h3", seed=7, columns=3, width=1300, body_size=28, plan="stack")


@pytest.fixture(scope="module")
def small_page():
    return generate_page(SMALL, ARTICLES)


def opens_indented(block: Block) -> bool | None:
    """Whether the block's first line starts an em or more inside its other lines (None: one line)."""
    if len(block.lines) < 2:
        return None
    vertical = block.direction is Direction.VERTICAL
    starts = [line.box.y0 if vertical else line.box.x0 for line in block.lines]
    em = float(np.median([line.box.width if vertical else line.box.height for line in block.lines]))
    return starts[0] - min(starts[1:]) > em


def check_continuation(page) -> None:
    """A body block opens flush with its column exactly when its first paragraph runs on from the
    previous column (every new body paragraph is set with an indent), and only a paragraph cut at a
    column foot runs on."""
    for index, block in enumerate(page.blocks):
        if block.role is not Role.BODY:
            continue
        continues = block.paragraphs[0].continues
        assert not any(p.continues for p in block.paragraphs[1:])
        indented = opens_indented(block)
        if indented is not None and block.paragraphs[0].line_count > 1:
            assert indented != continues, f"block {index}: continues={continues} but first line indented={indented}"
        if continues:
            previous = page.blocks[index - 1]
            assert previous.role is Role.BODY and previous.article == block.article


def check_truth(document: Document, image: np.ndarray) -> None:
    page = document.pages[0]
    assert (page.height, page.width) == image.shape[:2]
    assert Document.from_dict(json.loads(json.dumps(document.to_dict()))).to_dict() == document.to_dict()
    for block in page.blocks:
        assert block.lines and block.paragraphs
        for line in block.lines:
            assert line.text.strip()
            assert 0 <= line.box.x0 <= line.box.x1 <= page.width and 0 <= line.box.y0 <= line.box.y1 <= page.height
        for paragraph in block.paragraphs:
            lines = block.lines[paragraph.first_line:paragraph.first_line + paragraph.line_count]
            assert lines, "paragraph without lines"
            assert fold(join_lines([line.text for line in lines])) == fold(paragraph.text)
    check_continuation(page)
    article_blocks = [i for article in page.articles for i in article.blocks]
    assert article_blocks == sorted(article_blocks)
    assert all(page.blocks[i].article is not None for i in article_blocks)


def test_page_truth_is_consistent_with_its_lines(small_page):
    image, document, _ = small_page
    check_truth(document, image)
    roles = {block.role for block in document.pages[0].blocks}
    assert {Role.HEADER, Role.FOOTER, Role.HEADLINE, Role.BODY} <= roles
    assert any(p.continues for block in document.pages[0].blocks for p in block.paragraphs), "no paragraph runs on into the next column"


def test_generation_is_deterministic(small_page):
    image, document, _ = generate_page(SMALL, ARTICLES)
    assert np.array_equal(image, small_page[0])
    assert document.to_dict() == small_page[1].to_dict()


@pytest.mark.parametrize("vertical", [False, True])
def test_paragraph_ending_at_a_column_foot_does_not_run_on(vertical):
    style = Style("serif", 30, pitch=1.5, indent=2)
    first, second = "运河两岸的风景变美了，市民们在傍晚沿着步道散步。" * 3, "新的一段从下一栏开头起排，首行缩进两格。" * 2
    breaker = LineBreaker(first, style, "hans", vertical)
    lines = 0
    while not breaker.done:
        breaker.next_line(300)
        lines += 1
    depth = lines * style.size * style.pitch  # the first paragraph fills the first column exactly
    boxes = [Box(400, 0, 400 + depth, 300), Box(0, 0, depth, 300)] if vertical else [Box(0, 0, 300, depth), Box(400, 0, 700, depth)]
    result = flow([FlowItem(Role.BODY, first, style), FlowItem(Role.BODY, second, style)], [Frame(box, vertical) for box in boxes], "hans", 0)
    assert [len(block.paragraphs) for block in result.blocks] == [1, 1]
    assert result.blocks[0].paragraphs[0].line_count == lines
    assert not result.blocks[1].paragraphs[0].continues
    assert opens_indented(result.blocks[1])


def test_committed_truth_marks_only_cut_paragraphs_as_running_on():
    for path in sorted(Path(DEFAULT_OUT).glob("*.truth.json")):
        check_continuation(Document.from_dict(json.loads(path.read_text(encoding="utf-8"))).pages[0])


def test_vertical_degraded_page_keeps_truth_on_the_image():
    spec = PageSpec(id="t-v", seed=11, kind="vertical", width=1300, body_size=30, plan="bands", degradation="heavy", script="hk")
    image, document, quality = generate_page(spec, ARTICLES)
    check_truth(document, image)
    assert image.ndim == 3 and 50 <= quality <= 60  # yellowed, JPEG compressed
    body = [b for b in document.pages[0].blocks if b.role is Role.BODY]
    assert body and all(b.direction is Direction.VERTICAL for b in body)
    assert all(line.polygon for b in body for line in b.lines)  # rotated: the polygons carry the slant


def test_ascii_punctuation_beside_chinese_is_set_full_width():
    assert newspaper_punctuation("据悉,比分1:2(上半场)!") == "据悉，比分1:2（上半场）！"
    assert newspaper_punctuation("COVID-19, 3,000 people") == "COVID-19, 3,000 people"


def test_committed_set_matches_the_page_list():
    ids = [spec.id for spec in page_specs()]
    assert len(ids) >= 30
    for page_id in ids:
        assert (DEFAULT_OUT / f"{page_id}.truth.json").exists()
        assert [p for p in DEFAULT_OUT.glob(f"{page_id}.*") if p.suffix in (".png", ".jpg")]
    ci = (DEFAULT_OUT / "ci.txt").read_text().split()
    assert ci and set(ci) <= set(ids)
    kinds = [spec.kind for spec in page_specs()]
    assert kinds.count("vertical") >= 3
    assert any(spec.degradation == "lowres" for spec in page_specs())


def test_committed_truth_loads():
    for path in sorted(Path(DEFAULT_OUT).glob("*.truth.json"))[:3]:
        document = Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
        assert list(reading_paragraphs(document.pages[0]))
