"""Preprocessing: each step switchable and recorded; skew found; boxes mapped back exactly."""

import numpy as np
import pytest

from pipeline.config import PreprocessConfig
from pipeline.document import Box, Line
from pipeline.preprocess import estimate_skew, flatten_illumination, lines_to_original, run

ALL_OFF = PreprocessConfig(grayscale=False, flatten_illumination=False, denoise=False, deskew=False, crop_borders=False, binarize=False)


def text_like_page(width=1000, height=800, angle=0.0):
    """Rows of dark 'characters' (small squares), rotated by `angle` degrees counter-clockwise."""
    import cv2

    page = np.full((height, width), 250, np.uint8)
    for y in range(80, height - 80, 40):
        for x in range(80, width - 80, 26):
            page[y:y + 22, x:x + 22] = 30
    if angle:
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        page = cv2.warpAffine(page, matrix, (width, height), borderValue=250)
    return page


@pytest.mark.parametrize("angle", [-2.5, -1.0, 0.0, 0.7, 2.5])
def test_skew_is_estimated_from_text_lines(angle):
    assert estimate_skew(text_like_page(angle=angle)) == pytest.approx(angle, abs=0.15)


def test_deskew_records_angle_and_boxes_map_back_to_the_original():
    import cv2

    page = text_like_page(angle=2.0)
    result = run(page, PreprocessConfig(flatten_illumination=False, crop_borders=False, deskew=True))
    assert result.steps == ["deskew"] and result.skew_degrees == pytest.approx(2.0, abs=0.15)
    assert estimate_skew(result.image) == pytest.approx(0.0, abs=0.15)
    # A point in the processed image maps back to where the same ink is in the original.
    x, y = 500.0, 400.0
    inverse = cv2.invertAffineTransform(result.transform)
    ox, oy = inverse @ [x, y, 1]
    (line,) = lines_to_original([Line("字", box=Box(x, y, x + 10, y + 10), polygon=[(x, y), (x + 10, y), (x + 10, y + 10), (x, y + 10)])], result.transform)
    assert line.polygon[0] == pytest.approx((ox, oy))
    assert line.box.x0 <= ox + 1e-6


def test_dark_scanner_borders_are_cropped_and_offset_recorded():
    page = text_like_page()
    framed = np.full((1000, 1200), 15, np.uint8)
    framed[120:920, 90:1090] = page
    result = run(framed, PreprocessConfig(flatten_illumination=False, deskew=False))
    assert result.steps == ["crop_borders"]
    assert result.crop == [90, 120, 1090, 920]
    (line,) = lines_to_original([Line("字", box=Box(10, 20, 30, 40))], result.transform)
    assert line.box == Box(100, 140, 120, 160)


def test_flattening_removes_a_light_gradient_but_keeps_ink():
    page = text_like_page().astype(np.float32)
    gradient = np.linspace(0.45, 1.0, page.shape[1])[None, :]
    uneven = (page * gradient).astype(np.uint8)
    flat = flatten_illumination(uneven)
    paper = flat[40:60, :]  # a band without ink
    assert paper[:, :100].mean() == pytest.approx(paper[:, -100:].mean(), abs=12)
    assert flat[80:102, 80:102].mean() < 80  # a character stays dark


def test_every_step_is_switchable_and_recorded():
    colour = np.dstack([text_like_page(angle=1.5)] * 3)
    assert run(colour, ALL_OFF).steps == []
    assert run(colour, ALL_OFF).image is colour
    full = run(colour, PreprocessConfig(flatten_illumination=True, denoise=True, deskew=True, binarize=True))
    assert full.steps == ["grayscale", "flatten_illumination", "denoise", "deskew", "binarize"]
    assert set(np.unique(full.image)) <= {0, 255}
    assert full.record()["skew_degrees"] == pytest.approx(1.5, abs=0.15)


def test_defaults_are_grayscale_and_border_crop():
    assert run(np.dstack([text_like_page()] * 3), PreprocessConfig()).steps == ["grayscale"]


def test_blank_page_has_no_skew():
    assert estimate_skew(np.full((300, 300), 255, np.uint8)) == 0.0
