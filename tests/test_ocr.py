"""The OCR stage without models: replay engine, recorder, tiling and merging, region re-reads."""

import json

import numpy as np
import pytest

from pipeline.config import OcrConfig
from pipeline.document import Box, Direction
from pipeline.errors import BadInputError, InputNotFoundError, MissingModelError
from pipeline.ocr import get_engine, recognize_page
from pipeline.ocr.base import DetectRecognizeEngine, estimate_char_height, merge_tile_quads, plan_detection, split_at_gutters, tile_grid
from pipeline.ocr.replay import RecordingEngine, ReplayEngine
from pipeline.ocr.tesseract import tsv_lines

REPLAY = "tests/data/replay/two-pages.json"


class BlobEngine(DetectRecognizeEngine):
    """A model-free stand-in: 'detects' each dark bar as a line and 'reads' its width in
    characters, so tiling, merging and coordinate mapping can be checked exactly."""

    name = "blobs"

    def __init__(self, **options):
        super().__init__(**options)
        self.detect_calls = 0

    def _detect(self, image):
        import cv2

        self.detect_calls += 1
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        count, _, stats, _ = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8))
        quads = []
        for x, y, w, h, _ in stats[1:]:
            quads.append(np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32))
        return quads

    def _recognize_crops(self, crops):
        return [("字" * max(1, round(c.shape[1] / c.shape[0])), 0.99) for c in crops]

    def versions(self):
        return {"engine": self.name}


def bars_page(width, height, bars):
    image = np.full((height, width), 255, np.uint8)
    for x0, y0, x1, y1 in bars:
        image[y0:y1, x0:x1] = 0
    return image


def test_tiles_cover_the_page_with_overlap():
    tiles = tile_grid(5000, 3500, 2048, 128)
    covered = np.zeros((3500, 5000), bool)
    for x0, y0, x1, y1 in tiles:
        assert x1 - x0 <= 2048 and y1 - y0 <= 2048
        covered[y0:y1, x0:x1] = True
    assert covered.all()
    assert len(tiles) == 6
    assert tile_grid(800, 600, 2048, 128) == [(0, 0, 800, 600)]


def test_tiled_detection_finds_each_line_once_with_page_coordinates():
    # Bars placed across the tile seams (tiles of 600 px on a 1500 x 1400 page).
    bars = [(40, 50, 1400, 80), (580, 300, 640, 900), (100, 590, 500, 615), (700, 1100, 1450, 1130), (40, 1300, 300, 1330)]
    engine = BlobEngine(target_char_height=30, tile_size=600)
    lines = engine.recognize(bars_page(1500, 1400, bars))
    assert engine.last_plan.scale == 1.0 and engine.detect_calls > 1
    assert len(lines) == len(bars)
    found = sorted((round(l.box.x0), round(l.box.y0), round(l.box.x1), round(l.box.y1)) for l in lines)
    assert found == sorted(bars)


def test_neighbouring_columns_are_not_merged_across_a_seam():
    bars = [(50, 290, 280, 318), (320, 290, 560, 318)]  # two columns, gutter of 40 px, on the seam
    lines = BlobEngine(target_char_height=28, tile_size=300).recognize(bars_page(600, 600, bars))
    assert len(lines) == 2


def test_vertical_column_is_marked_and_read_rotated():
    image = bars_page(400, 900, [(180, 50, 220, 850)])
    (line,) = BlobEngine().recognize(image)
    assert line.direction is Direction.VERTICAL
    assert len(line.text) == 20  # read along the column: 800 px tall / 40 px wide


def test_merge_keeps_lines_of_one_tile_apart():
    quads = [np.array([[0, 0], [100, 0], [100, 30], [0, 30]], np.float32), np.array([[0, 25], [100, 25], [100, 55], [0, 55]], np.float32)]
    assert len(merge_tile_quads(quads, [0, 0])) == 2
    assert len(merge_tile_quads(quads[:1] * 2, [0, 1])) == 1


def test_small_text_is_scaled_up_and_big_text_down():
    small = bars_page(800, 800, [(x, y, x + 8, y + 10) for y in range(50, 700, 30) for x in range(50, 700, 12)])
    big = bars_page(2000, 2000, [(x, y, x + 60, y + 64) for y in range(50, 1800, 100) for x in range(50, 1800, 70)])
    assert estimate_char_height(small) == pytest.approx(10, abs=1)
    assert plan_detection(small, 32, 2048).scale == 2.0
    assert plan_detection(big, 32, 2048).scale == pytest.approx(0.5, abs=0.01)
    assert plan_detection(small, 12, 2048).scale == 1.0  # close enough to the target: left alone


def test_read_region_maps_boxes_back_to_the_page():
    page = bars_page(1000, 1000, [(600, 100, 640, 700), (700, 100, 740, 500), (100, 800, 500, 830)])
    lines = BlobEngine().read_region(page, Box(580, 80, 760, 720), Direction.VERTICAL)
    assert [l.direction for l in lines] == [Direction.VERTICAL, Direction.VERTICAL]
    assert [round(l.box.x0) for l in lines] == [700, 600]  # right to left
    assert round(lines[1].box.y1) == 700


def test_replay_serves_pages_by_number_and_regions_by_box():
    engine = ReplayEngine.load(REPLAY)
    image = np.zeros((10, 10), np.uint8)
    page2 = recognize_page(image, engine, 2)
    assert [l.text for l in page2.lines] == ["第二页的一行文字。"]
    assert page2.number == 2 and page2.meta["ocr"]["engine"] == "replay"
    region = engine.read_region(image, Box(800.5, 100, 900, 700.8), Direction.VERTICAL)
    assert [l.direction for l in region] == [Direction.VERTICAL]
    assert region[0].text == "竖排标题文字"
    assert [l.text for l in recognize_page(image, engine, 7).lines] == []


def test_replay_region_not_stored_falls_back_to_page_lines_inside():
    engine = ReplayEngine.load(REPLAY)
    recognize_page(np.zeros((10, 10), np.uint8), engine, 1)
    lines = engine.read_region(None, Box(0, 0, 500, 60), Direction.HORIZONTAL)
    assert [l.text for l in lines] == ["第一页第一行"]


def test_replay_file_errors_are_clear(tmp_path):
    with pytest.raises(InputNotFoundError):
        ReplayEngine.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"pages": {"x": 1}}')
    with pytest.raises(BadInputError, match="replay"):
        ReplayEngine.load(bad)


def test_recorder_round_trips_through_a_replay_file(tmp_path):
    recorder = RecordingEngine(BlobEngine())
    image = bars_page(600, 400, [(20, 20, 300, 50), (500, 60, 540, 380)])
    recorded = recognize_page(image, recorder, 3).lines
    region = recorder.read_region(image, Box(480, 40, 560, 390), Direction.VERTICAL)
    recorder.save(tmp_path / "r.json")
    replay = ReplayEngine.load(tmp_path / "r.json")
    assert [l.to_dict() for l in recognize_page(image, replay, 3).lines] == [l.to_dict() for l in recorded]
    assert [l.to_dict() for l in replay.read_region(image, Box(480, 40, 560, 390), Direction.VERTICAL)] == [l.to_dict() for l in region]
    assert json.loads((tmp_path / "r.json").read_text())["engine"] == "blobs"


def test_get_engine_is_cached_per_configuration():
    config = OcrConfig(engine="replay", replay_file=REPLAY)
    assert get_engine(config) is get_engine(OcrConfig(engine="replay", replay_file=REPLAY))


def test_missing_model_names_the_package(tmp_path, monkeypatch):
    from pipeline import models

    monkeypatch.setenv("NEWSREFLOW_MODELS", str(tmp_path))
    (tmp_path / "PP-OCRv6_small_det").mkdir()
    (tmp_path / "PP-OCRv6_small_det" / "manifest.json").write_text(
        (models.Path(__file__).resolve().parents[1] / "models" / "PP-OCRv6_small_det" / "manifest.json").read_text()
    )
    models.manifest.cache_clear()
    try:
        with pytest.raises(MissingModelError, match="rapidocr==3.10.0"):
            models.model_file("PP-OCRv6_small_det")
    finally:
        models.manifest.cache_clear()


def test_tesseract_tsv_words_become_lines():
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t10\t30\t20\t91\t新闻",
        "5\t1\t1\t1\t1\t2\t42\t10\t30\t20\t89\t报道",
        "5\t1\t1\t1\t2\t1\t10\t40\t40\t20\t95\tNew",
        "5\t1\t1\t1\t2\t2\t55\t40\t40\t20\t93\tYork",
        "4\t1\t1\t1\t3\t0\t0\t0\t0\t0\t-1\t",
    ]
    lines = tsv_lines("\n".join([header, *rows]) + "\n")
    assert [l.text for l in lines] == ["新闻报道", "New York"]
    assert lines[0].box == Box(10, 10, 72, 30)
    assert lines[1].confidence == pytest.approx(0.94)


# ---- gutter splitting -------------------------------------------------------------------------
CHAR = 20  # character height of the synthetic pages, in pixels


def glyph_row(image, x, y, count, gaps=()):
    """`count` square 'characters' from x on the row at y; a gap index leaves that many blank
    character widths (floats allowed) before the character."""
    gaps = dict(gaps)
    for index in range(count):
        x += int(gaps.get(index, 0) * CHAR)
        image[y:y + CHAR, x + 2:x + CHAR - 2] = 0
        x += CHAR
    return x


def quad_around(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def two_column_page():
    """Two columns of 8 lines, one character of gutter, the right column's rows half a line lower."""
    image = np.full((400, 500), 255, np.uint8)
    for row in range(8):
        glyph_row(image, 20, 40 + row * 30, 10)  # left column: x 20..220
        glyph_row(image, 240, 55 + row * 30, 10)  # right column: x 240..440
    return image


def test_line_merged_across_a_gutter_is_split_per_column():
    image = two_column_page()
    merged = quad_around(16, 36, 444, 89)  # the detector's box over a row of each column
    pieces, outlines = split_at_gutters(image, [merged], CHAR)
    boxes = sorted((Box.from_points(p.tolist()) for p in pieces), key=lambda b: b.x0)
    assert len(boxes) == 2 and all(outline is not None for outline in outlines)
    assert boxes[0].x1 < 230 < boxes[1].x0
    # each piece is tightened to its own row, not the joint height of both
    assert boxes[0].height < 1.6 * CHAR and boxes[1].height < 1.6 * CHAR


def test_skewed_merged_line_is_split_along_its_own_vertical():
    import cv2

    image = two_column_page()
    matrix = cv2.getRotationMatrix2D((250, 200), 2.5, 1.0)
    rotated = cv2.warpAffine(image, matrix, (500, 400), borderValue=255)
    merged = cv2.transform(quad_around(16, 96, 444, 149)[None], matrix)[0].astype(np.float32)
    assert len(split_at_gutters(rotated, [merged], CHAR)[0]) == 2


def test_word_spaces_and_punctuation_gaps_inside_a_column_are_not_split():
    image = np.full((300, 500), 255, np.uint8)
    for row in range(7):
        glyph_row(image, 20, 30 + row * 30, 18)
    # the middle line has word spaces and a one-character blank (like '。' before '「'), but the
    # lines above and below have ink there: no gutter
    image[120:150] = 255
    glyph_row(image, 20, 120, 14, gaps=[(3, 0.4), (6, 0.5), (9, 1.0)])
    line = quad_around(16, 116, 380, 144)
    assert split_at_gutters(image, [line], CHAR)[1] == [None]


def test_vertical_quads_and_pages_without_a_measured_character_height_are_kept():
    image = two_column_page()
    column = quad_around(16, 36, 60, 300)
    merged = quad_around(16, 36, 444, 89)
    assert split_at_gutters(image, [column], CHAR)[1] == [None]
    assert split_at_gutters(image, [merged], 0.0)[1] == [None]


def test_a_one_character_piece_cut_from_a_line_is_read_horizontally():
    image = np.full((400, 500), 255, np.uint8)
    for row in range(8):
        glyph_row(image, 20, 40 + row * 30, 10)
        glyph_row(image, 240, 40 + row * 30, 10)
    image[100:120, 20:220] = 255  # a short last line: one narrow character left in the left column
    image[100:120, 207:217] = 0

    class OneQuad(BlobEngine):
        def _detect(self, scaled):
            return [quad_around(206, 96, 444, 124)]  # the detector joined it to the right column's row

    lines = OneQuad().recognize(image)
    assert [line.direction for line in lines] == [Direction.HORIZONTAL, Direction.HORIZONTAL]
    # the lines are given their ink outlines: the gutter between them stays a gutter
    assert lines[0].box.x1 == pytest.approx(217, abs=1) and lines[1].box.x0 == pytest.approx(242, abs=1)


def test_a_sliver_reaching_into_the_next_columns_line_is_dropped():
    image = two_column_page()
    merged = quad_around(16, 36, 262, 64)  # left row, plus the first character of the right row
    right = quad_around(236, 51, 444, 79)  # the right row's own detection
    pieces, outlines = split_at_gutters(image, [merged, right], CHAR)
    boxes = [Box.from_points(p.tolist()) for p in pieces]
    assert len(boxes) == 2 and outlines[0] is not None and outlines[1] is None
    assert boxes[0].x1 < 230


def test_a_ragged_line_end_overhanging_the_lines_below_is_not_split():
    image = np.full((300, 500), 255, np.uint8)
    glyph_row(image, 20, 30, 11, gaps=[(10, 0.8)])  # the last mark hangs out past the column
    for row in range(1, 7):
        glyph_row(image, 20, 30 + row * 30, 10)
    assert split_at_gutters(image, [quad_around(16, 26, 260, 54)], CHAR)[1] == [None]
