"""Missed columns: ink no OCR line covers is cut into columns and read column by column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline import layout, paragraphs
from pipeline.config import LayoutConfig
from pipeline.document import Box, Direction, Line, Page, reading_paragraphs
from pipeline.layout import recover
from pipeline.layout.regions import Regions
from pipeline.ocr.replay import ReplayEngine
from tests.layout_pages import paragraph

SIZE = 24
ROWS = 18


def column_page(count: int) -> tuple[np.ndarray, list[Line]]:
    """A page of `count` vertical columns, right to left, each character a 田-like square; returns the image and every column as the line a perfect engine would read."""
    image = np.full((700, 900), 255, np.uint8)
    text = paragraph(3, 6)
    columns = []
    for index in range(count):
        x = 820 - index * int(SIZE * 1.6)
        chars = text[index * ROWS : (index + 1) * ROWS]
        for row in range(len(chars)):
            y = 60 + row * SIZE
            image[y + 2 : y + SIZE - 2, x + 2 : x + SIZE - 2] = 0  # a 田-like character: a frame and a cross
            image[y + 5 : y + 10, x + 5 : x + 10] = 255
            image[y + 5 : y + 10, x + 13 : x + 19] = 255
            image[y + 13 : y + 19, x + 5 : x + 10] = 255
            image[y + 13 : y + 19, x + 13 : x + 19] = 255
        columns.append(Line(chars, Box(x, 60, x + SIZE, 60 + len(chars) * SIZE), 0.95, Direction.VERTICAL))
    return image, columns


class SeeingEngine(ReplayEngine):
    """Replays a page OCR that missed some columns; re-reading a region returns the columns whose
    ink shows in the image it is given (so a read of a blanked-out column returns nothing), except
    the `hard` ones when the region is a wide block (as a real detector missed a column twice)."""

    def __init__(self, page_lines: list[Line], columns: list[Line], hard: tuple[Line, ...] = (), hard_above: float = 8 * SIZE) -> None:
        super().__init__({1: page_lines})
        self.columns = columns
        self.hard = hard
        self.hard_above = hard_above  # crops wider than this miss the hard columns
        self.calls: list[Box] = []

    def read_region(self, image, box, direction):
        self.calls.append(box)
        seen = []
        for column in self.columns:
            x, y = column.box.center
            inked = image[int(column.box.y0) : int(column.box.y1), int(column.box.x0) : int(column.box.x1)].min() < 128
            missed = column in self.hard and box.width > self.hard_above
            if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1 and inked and not missed:
                seen.append(Line(column.text, column.box, 0.9, Direction.VERTICAL))
        return seen


def test_missed_columns_are_found_by_their_leftover_ink():
    image, columns = column_page(8)
    read = [c for i, c in enumerate(columns) if i not in (3, 7)]
    found = recover.missed_lines(image, read, float(SIZE), Regions())
    assert sorted(round(b.center[0]) for b, d in found if d is Direction.VERTICAL) == sorted(round(columns[i].box.center[0]) for i in (3, 7))


def test_missed_columns_are_read_one_by_one_without_reading_the_others_again():
    image, columns = column_page(8)
    read = [c for i, c in enumerate(columns) if i not in (3, 7)]
    engine = SeeingEngine(read, columns)
    recovered = recover.read_missed(image, read, float(SIZE), Regions(), engine)
    assert sorted(l.text for l in recovered) == sorted([columns[3].text, columns[7].text])
    assert len(engine.calls) == 2  # one read per missed column, none of the read ones again


def test_a_column_the_first_crop_misses_is_read_from_a_narrower_one():
    image, columns = column_page(8)
    read = [c for i, c in enumerate(columns) if i != 3]
    engine = SeeingEngine(read, columns, hard=(columns[3],), hard_above=4 * SIZE)
    recovered = recover.read_missed(image, read, float(SIZE), Regions(), engine)
    assert [l.text for l in recovered] == [columns[3].text]
    first, second = engine.calls  # aspect 3, then 6
    assert abs(first.width - first.height / 3) <= 1 and abs(second.width - second.height / 6) <= 1


def test_page_reads_right_to_left_with_the_recovered_columns():
    """The page OCR missed two columns; the re-read of their whole block misses one of them again,
    which is then read on its own."""
    image, columns = column_page(8)
    page_lines = [Line(c.text, c.box, c.confidence, c.direction) for i, c in enumerate(columns) if i not in (0, 4)]
    engine = SeeingEngine(page_lines, columns, hard=(columns[4],))
    page = Page(number=1, width=900, height=700, lines=engine.recognize_page(image, 1))
    page = paragraphs.build(layout.analyze(page, image, LayoutConfig(), engine))
    assert "".join(p.text for p in reading_paragraphs(page)) == "".join(c.text for c in columns)


def test_rules_and_blank_paper_are_not_read():
    image = np.full((700, 900), 255, np.uint8)
    image[100:600, 400:404] = 0  # a vertical rule the region finder missed
    image[650:654, 50:850] = 0
    assert recover.missed_lines(image, [], float(SIZE), Regions()) == []


def test_the_uncovered_part_of_a_read_line_is_not_a_missed_line():
    """A tight or turned detection box leaves the lower part of a row's characters outside it:
    that sliver lies along the line's edge and is thinner than its type."""
    image = np.full((300, 900), 255, np.uint8)
    for index in range(20):
        x = 60 + index * SIZE
        image[100 : 100 + SIZE - 2, x + 2 : x + SIZE - 2] = 0
        image[104 : 100 + SIZE - 6, x + 6 : x + SIZE - 6] = 255
    line = Line("一" * 20, Box(60, 98, 60 + 20 * SIZE, 108), 0.9)
    assert recover.missed_lines(image, [line], float(SIZE), Regions()) == []


@pytest.mark.models
@pytest.mark.slow
def test_classical_page_column_missed_by_the_page_ocr_is_read_in_its_place():
    """samples/real/classical-vertical.png: the column 華色者其榮也… (small notes at its head) is
    missed by the page OCR and by the re-read of its block; it must come out between its
    right-hand neighbour (素問…) and its left-hand one (下水所由生…)."""
    from pipeline import run
    from pipeline.config import Config

    document = run.process_file(Path(__file__).resolve().parents[1] / "samples/real/classical-vertical.png", Config(), progress=False)
    text = "".join(p.text for page in document.pages for p in reading_paragraphs(page))
    recovered = text.find("華色者其榮也是以人之有德也")
    assert recovered > 0
    assert text.find("不知水所從生") < recovered < text.find("下水所由生")
