"""The real engines on small rendered pages (marked `models`; the longer ones also `slow`)."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.bench.ocr_accuracy import TruthLine, degrade, line_cer, map_box, render_columns, render_vertical
from pipeline.config import OcrConfig
from pipeline.document import Box, Direction

pytestmark = pytest.mark.models

REPO = Path(__file__).resolve().parents[1]
TEXT = "中新网北京电记者今日获悉，本市将在年内新建和改建社区食堂一百二十家，方便老年人就近用餐。据介绍，这些食堂将优先布局在老年人口较多的街道。"


@pytest.fixture(scope="module")
def rapid():
    from pipeline.ocr import get_engine

    return get_engine(OcrConfig(engine="rapidocr"))


def test_models_are_installed_and_verified():
    from pipeline import models

    assert len(models.check()) == 2


def test_rapidocr_reads_a_small_page_with_page_boxes(rapid):
    image, truth = render_columns(TEXT, 900, 300, 26, columns=2)
    lines = rapid.recognize(image)
    assert line_cer(truth, lines)[0] <= 0.01
    assert all(0 <= l.box.x0 < l.box.x1 <= 900 and 0 <= l.box.y0 < l.box.y1 <= 300 for l in lines)
    assert all(l.confidence > 0.5 and l.polygon and l.direction is Direction.HORIZONTAL for l in lines)


def test_rapidocr_reads_a_degraded_page(rapid):
    from pipeline import preprocess
    from pipeline.config import PreprocessConfig

    image, truth = render_columns(TEXT * 2, 900, 400, 26, columns=2)
    scan, matrix = degrade(image, seed=5, rotation=2.5, blur=0.9, noise=8, jpeg_quality=50)
    prepared = preprocess.run(scan, PreprocessConfig(deskew=True))
    lines = preprocess.lines_to_original(rapid.recognize(prepared.image), prepared.transform)
    assert prepared.skew_degrees == pytest.approx(2.5, abs=0.3)
    assert line_cer([TruthLine(t.text, map_box(t.box, matrix)) for t in truth], lines)[0] <= 0.025


def test_vertical_region_is_read_as_vertical_columns(rapid):
    block, truth = render_vertical(TEXT, columns=5, chars_per_column=14, font_px=30)
    page = np.full((block.shape[0] + 200, block.shape[1] + 300), 255, np.uint8)
    page[100:100 + block.shape[0], 150:150 + block.shape[1]] = block
    region = Box(150, 100, 150 + block.shape[1], 100 + block.shape[0])
    lines = rapid.read_region(page, region, Direction.VERTICAL)
    shifted = [TruthLine(t.text, Box(t.box.x0 + 150, t.box.y0 + 100, t.box.x1 + 150, t.box.y1 + 100)) for t in truth]
    assert line_cer(shifted, lines, ignore_punctuation=True)[0] <= 0.03
    assert all(l.direction is Direction.VERTICAL for l in lines)
    assert [l.box.x0 for l in lines] == sorted((l.box.x0 for l in lines), reverse=True)


@pytest.mark.slow
def test_paddleocr_reads_the_same_page():
    from pipeline.ocr import get_engine

    engine = get_engine(OcrConfig(engine="paddleocr"))
    image, truth = render_columns(TEXT, 900, 300, 26, columns=2)
    assert line_cer(truth, engine.recognize(image))[0] <= 0.01
    assert engine.versions()["paddleocr"].startswith("3.")


@pytest.mark.slow
def test_tiling_loses_and_duplicates_nothing(rapid):
    from pipeline.ocr.rapid import RapidOcrEngine

    image, truth = render_columns(TEXT * 12, 1800, 1400, 30, columns=3)
    tiled = RapidOcrEngine(tile_size=700)
    lines = tiled.recognize(image)
    assert tiled.last_plan.tile_size == 700
    assert line_cer(truth, lines)[0] <= 0.01
    assert len(lines) == len(truth)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_tesseract_reads_a_single_column():
    from pipeline.ocr.tesseract import TesseractEngine

    image, truth = render_columns(TEXT * 3, 900, 500, 30, columns=1, margin=80)
    assert line_cer(truth, TesseractEngine("chi_sim").recognize(image))[0] <= 0.15


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["rapidocr", "paddleocr"])
def test_runs_without_any_network(tmp_path, engine):
    """The whole image path in a network namespace with no interfaces: nothing may be fetched."""
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("unshare -rn is not permitted here")
    from PIL import Image

    image, _ = render_columns(TEXT, 900, 300, 26, columns=2)
    Image.fromarray(image).save(tmp_path / "page.png")
    done = subprocess.run(["unshare", "-rn", sys.executable, "-m", "pipeline", str(tmp_path / "page.png"), "--engine", engine],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "社区食堂" in done.stdout.replace("\n", "")
