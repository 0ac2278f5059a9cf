"""Vertical columns cut into upright character cells (pipeline/layout/upright.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.document import Box, Direction, Line
from pipeline.layout import upright

FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SIZE = 32

pytestmark = pytest.mark.skipif(not FONT.exists(), reason="needs fonts-noto-cjk")


def column_image(text: str, pitch: int = SIZE + 2, turned: str = "") -> np.ndarray:
    """A single vertical column: each character drawn upright in its own cell, top to bottom;
    characters in `turned` are drawn turned a quarter clockwise (as vertical forms of brackets are)."""
    font = ImageFont.truetype(str(FONT), SIZE, index=2)  # Noto Serif CJK TC
    column = np.full((pitch * len(text) + 16, SIZE + 16), 255, dtype=np.uint8)
    for index, char in enumerate(text):
        cell = Image.new("L", (pitch, pitch), 255)
        ImageDraw.Draw(cell).text((0, 0), char, font=font, fill=0)
        pixels = np.asarray(cell)
        if char in turned:
            pixels = np.rot90(pixels, k=-1)
        column[8 + index * pitch : 8 + (index + 1) * pitch, 8 : 8 + pitch] = pixels[:, : SIZE + 8]
    return column


def ink_box(cell: np.ndarray) -> tuple[float, float]:
    """Centre of the cell's ink, as fractions of its width and height."""
    ys, xs = np.nonzero(cell < 128)
    return xs.mean() / cell.shape[1], ys.mean() / cell.shape[0]


def test_every_character_and_mark_gets_its_own_cell():
    cells = upright.cut_cells(column_image("今天︐我縣召開會議︒"))
    assert cells is not None
    assert len(cells.crops) == 10


def test_vertical_comma_and_full_stop_move_to_the_lower_left_of_their_cells():
    cells = upright.cut_cells(column_image("今天︐我縣召開會議︒"))
    for index in (2, 9):
        x, y = ink_box(cells.crops[index])
        assert x < 0.5 and y > 0.5, index


def test_vertical_corner_brackets_are_turned_back():
    cells = upright.cut_cells(column_image("按照「森林屏障」建設", turned="「」"))
    assert cells is not None and len(cells.crops) == 10
    opening = cells.crops[2] < 128
    ys, xs = np.nonzero(opening)
    # turned back, 「 has its long stroke upright on the left and its short one along the top
    assert ys.max() - ys.min() > xs.max() - xs.min()
    bottom_row = xs[ys == ys.max()]
    assert bottom_row.mean() < xs.mean()  # the long stroke hangs down on the left: 「, not ┐


def test_characters_and_the_one_stroke_stay_as_they_are():
    cells = upright.cut_cells(column_image("一二三四五六七八"))
    assert len(cells.crops) == 8
    one = cells.crops[0]
    ys, xs = np.nonzero(one < 128)
    assert xs.max() - xs.min() > 2 * (ys.max() - ys.min())  # still lying flat: not turned


def test_blank_cells_inside_a_column_are_spaces_and_blank_ends_are_dropped():
    cells = upright.cut_cells(column_image("打造工程 共建家園  "))
    assert cells.crops[4] is None
    assert cells.crops[-1] is not None


def test_marks_come_from_the_upright_reading_and_characters_from_the_turned_one():
    assert upright.merge_marks("「今天，我縣召開會議。", "今天’我縣召開會議") == "「今天，我縣召開會議。"
    # the upright reading misread 的 as 时: the turned reading's character stays, and the mark
    # read beside the misread character is not trusted
    assert upright.merge_marks("经济增长将成为本届政府时“头号任务。", "经济增长将成为本届政府的头号任务") == "经济增长将成为本届政府的头号任务。"
    assert upright.merge_marks("明日他們不來了吧", "今天’我縣召開會議") is None


class ComposedReader:
    """Stands in for an engine: reads each composed line as the text it was told."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.images = []

    def read_region(self, image, box, direction):
        self.images.append(image)
        rows = upright.CELL_HEIGHT
        return [Line(text, Box(rows, rows + 2 * rows * i, rows + 100, 2 * rows + 2 * rows * i)) for i, text in enumerate(self.texts)]


def test_reread_takes_the_upright_text_only_where_it_agrees():
    text = "今天︐我縣召開會議︒"
    page = np.full((400, 200), 255, dtype=np.uint8)
    column = column_image(text)
    page[10 : 10 + column.shape[0], 100 : 100 + column.shape[1]] = column
    page[10 : 10 + column.shape[0], 20 : 20 + column.shape[1]] = column
    box_right = Box(100, 10, 100 + column.shape[1], 10 + column.shape[0])
    box_left = Box(20, 10, 20 + column.shape[1], 10 + column.shape[0])
    lines = [Line("今天’我縣召開會議", box_right, 0.9, Direction.VERTICAL), Line("今天’我縣召開會議", box_left, 0.9, Direction.VERTICAL)]
    engine = ComposedReader(["今天，我縣召開會議。", "全然不同的一行文字"])
    result = upright.reread(lines, page, engine)
    assert len(engine.images) == 1  # all columns of a page in one read
    assert [l.text for l in result] == ["今天，我縣召開會議。", "今天’我縣召開會議"]
    assert result[0].box == box_right and result[0].direction is Direction.VERTICAL


def test_an_upright_reading_that_lost_a_character_or_a_mark_loses_neither():
    assert upright.merge_marks("快步走進電梯未接媒體採訪", "快步走進電梯，未接受媒體採訪。") == "快步走進電梯，未接受媒體採訪。"


def test_digits_are_cut_to_their_own_width():
    cells = upright.cut_cells(column_image("下轉第18版"))
    assert len(cells.crops) == 6
    assert cells.crops[3].shape[1] < 0.7 * cells.crops[2].shape[1]


def test_columns_without_marks_in_the_longest_ones_are_not_read_again():
    text = "天下可傳之事甚多矣而"
    column = column_image(text)
    width = column.shape[1] + 4
    page = np.full((column.shape[0] + 20, width * 10 + 20), 255, dtype=np.uint8)
    lines = []
    for i in range(10):
        x = 10 + i * width
        page[10 : 10 + column.shape[0], x : x + column.shape[1]] = column
        lines.append(Line(text, Box(x, 10, x + column.shape[1], 10 + column.shape[0]), 0.9, Direction.VERTICAL))
    engine = ComposedReader([text] * upright.PROBE_COLUMNS)
    result = upright.reread(lines, page, engine)
    assert len(engine.images) == 1  # the probe only: no marks, so the other columns are not read
    assert [l.text for l in result] == [text] * 10
    engine = ComposedReader(["天下可傳之事，甚多矣而"] * 10)
    upright.reread(lines, page, engine)
    assert len(engine.images) == 2


def test_a_turned_comma_left_in_a_vertical_column_is_a_comma_but_an_apostrophe_in_a_name_is_not():
    column = Line("最新的數據’通車以來'截至目前’", Box(100, 0, 136, 500), 0.9, Direction.VERTICAL)
    name = Line("中國選手De’Mo今天奪冠。’", Box(40, 0, 76, 500), 0.9, Direction.VERTICAL)
    row = Line("他说：‘过境’很方便", Box(0, 600, 400, 636), 0.9)
    assert [l.text for l in upright.turned_commas([column, name, row])] == ["最新的數據，通車以來，截至目前，", "中國選手De’Mo今天奪冠。’", "他说：‘过境’很方便"]
