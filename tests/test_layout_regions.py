"""Regions found in page images: pictures next to frames (synthetic images, no models)."""

from __future__ import annotations

import numpy as np

from pipeline.document import Box
from pipeline.layout import regions


def test_picture_just_under_a_frame_is_not_merged_with_ink_left_inside_the_frame():
    # a framed lead box over two columns, a picture under its bottom edge; strokes of the lead's
    # last line stick out of the OCR box (a comma's tail, a descender) just above the edge
    image = np.full((900, 1000), 255, np.uint8)
    image[100:102, 40:600] = 0
    image[400:402, 40:600] = 0
    image[100:402, 40:42] = 0
    image[100:402, 598:600] = 0
    text_boxes = [Box(60, y, 580, y + 30) for y in range(120, 380, 45)]
    for box in text_boxes:
        image[int(box.y0) + 5 : int(box.y1) - 5, int(box.x0) : int(box.x1) : 12] = 0  # strokes
    image[378:396, 300:560:6] = 0  # ink below the last OCR box, inside the frame
    image[408:700, 300:900] = 90  # the picture, a few pixels under the frame's edge
    found = regions.find_regions(image, text_boxes, 30.0)
    assert any(abs(f.y1 - 402) < 5 for f in found.frames)
    assert any(p.intersection_area(Box(300, 408, 900, 700)) > 0.9 * 600 * 292 and p.y0 >= 400 for p in found.pictures)
