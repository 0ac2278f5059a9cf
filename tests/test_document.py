import json

import pytest

from pipeline.document import Article, Block, Box, Direction, Document, Line, Page, Paragraph, Role, reading_paragraphs


def sample_document() -> Document:
    body = Block(
        role=Role.BODY,
        box=Box(10, 20, 200, 400),
        lines=[Line("第一行", Box(10, 20, 200, 40), 0.98), Line("第二行。", Box(10, 45, 120, 65), 0.91)],
        paragraphs=[Paragraph("第一行第二行。", 0, 2)],
        article=0,
    )
    tail = Block(role=Role.BODY, lines=[Line("续行。")], paragraphs=[Paragraph("续行。", 0, 1, continues=True)], article=0)
    vertical = Block(role=Role.HEADLINE, direction=Direction.VERTICAL, lines=[Line("标题", direction=Direction.VERTICAL)], paragraphs=[Paragraph("标题", 0, 1)])
    header = Block(role=Role.HEADER, lines=[Line("某某日报")], paragraphs=[Paragraph("某某日报", 0, 1)])
    page = Page(number=3, width=800, height=1200, blocks=[header, vertical, body, tail], articles=[Article(0, "标题", [1, 2, 3])], meta={"engine": "replay"})
    return Document(source="x.png", pages=[page])


def test_round_trip_through_json_is_lossless():
    document = sample_document()
    data = json.loads(json.dumps(document.to_dict(), ensure_ascii=False))
    assert Document.from_dict(data).to_dict() == document.to_dict()


def test_unknown_schema_version_is_refused():
    data = sample_document().to_dict()
    data["schema_version"] = 99
    with pytest.raises(ValueError, match="schema_version"):
        Document.from_dict(data)


def test_reading_paragraphs_merges_continued_pieces_and_skips_furniture():
    page = sample_document().pages[0]
    texts = [p.text for p in reading_paragraphs(page)]
    assert texts == ["标题", "第一行第二行。续行。"]
    assert [p.text for p in reading_paragraphs(page, keep_furniture=True)][0] == "某某日报"


def test_box_rejects_negative_size():
    with pytest.raises(ValueError):
        Box(10, 10, 5, 20)


def test_box_overlaps_are_shared_lengths_and_gaps_are_negative():
    a, b = Box(0, 0, 10, 10), Box(6, 14, 20, 30)
    assert (a.x_overlap(b), b.x_overlap(a)) == (4, 4)
    assert (a.y_overlap(b), b.y_overlap(a)) == (-4, -4)
    assert a.intersection_area(b) == 0.0 and a.intersection_area(Box(6, 5, 20, 30)) == 20
