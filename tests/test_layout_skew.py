"""Paragraphs on a turned page are measured in its upright frame (synthetic geometry, no models)."""

from __future__ import annotations

from pipeline import layout, paragraphs
from pipeline.config import LayoutConfig
from pipeline.document import reading_paragraphs
from pipeline.layout import skew
from tests.layout_pages import Sheet, flow, paragraph, turn_sheet


def turned_column(degrees: float) -> Sheet:
    """Two tall columns of short paragraphs turned by `degrees`, reported as turned polygons."""
    sheet = Sheet(1000, 2000)
    flow(sheet, [paragraph(i, 1) for i in range(16)], [60, 400], 60, 14, 20.0, 60)
    return turn_sheet(sheet, degrees)


def test_indents_down_a_tall_turned_column_are_measured_upright():
    # over 1800 px a 2.4° turn shifts the column's edge by 75 px: nearly four characters
    sheet = turned_column(2.4)
    page = paragraphs.build(layout.analyze(sheet.page(), None, LayoutConfig()))
    assert abs(page.meta["layout"]["skew_degrees"] - 2.4) < 0.2
    assert [p.text for p in reading_paragraphs(page)] == sheet.expected


def test_upright_block_keeps_texts_and_turns_boxes_back():
    sheet = turned_column(2.4)
    page = layout.analyze(sheet.page(), None, LayoutConfig())
    rotation = skew.page_rotation(page)
    assert rotation is not None
    block = max(page.blocks, key=lambda b: len(b.lines))
    upright = skew.upright_block(block, rotation)
    assert [l.text for l in upright.lines] == [l.text for l in block.lines]
    starts = sorted(l.box.x0 for l in upright.lines)
    assert starts[len(starts) // 2] - starts[0] < 5  # flush lines start together again
