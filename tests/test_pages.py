"""Page loading: every format, page numbers and selection, and bad input with clear errors."""

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from pipeline.config import InputConfig
from pipeline.errors import BadInputError, ResourceLimitError, UsageError
from pipeline.pages import load_pages, page_problem, parse_page_selection, pdf_text_lines


def sample_image(colour=(20, 40, 200)):
    image = Image.new("RGB", (120, 80), "white")
    image.paste(colour, (10, 10, 60, 40))
    return image


def make_pdf(content: bytes = b"", encrypt: bool = False, pages: int = 1) -> bytes:
    """A minimal hand-written PDF (optionally with a text line, or a standard-security
    dictionary whose password is unknown)."""
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages]
    font = 3 + 2 * pages
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    if encrypt:
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if encrypt:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), b"33" * 16, b"33" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def png_header_only(width, height) -> bytes:
    """A PNG whose header claims width x height (the pixel data is a few bytes)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".bmp", ".webp", ".tif"])
def test_image_formats_load_as_bgr(tmp_path, suffix):
    path = tmp_path / f"page{suffix}"
    sample_image().save(path, quality=95) if suffix in (".jpg", ".webp") else sample_image().save(path)
    ((number, image),) = list(load_pages(path, InputConfig()))
    assert number == 1 and image.shape == (80, 120, 3) and image.dtype == np.uint8
    assert image[25, 30, 0] > 150 and image[25, 30, 2] < 80  # blue in BGR order


def test_gray_images_stay_gray(tmp_path):
    path = tmp_path / "gray.png"
    sample_image().convert("L").save(path)
    ((_, image),) = list(load_pages(path, InputConfig()))
    assert image.ndim == 2


def test_multi_page_tiff_keeps_page_numbers_and_selection(tmp_path):
    path = tmp_path / "issue.tiff"
    frames = [sample_image((i * 60, 0, 0)) for i in range(4)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert [n for n, _ in load_pages(path, InputConfig())] == [1, 2, 3, 4]
    selected = list(load_pages(path, InputConfig(pages="2-3")))
    assert [n for n, _ in selected] == [2, 3]
    assert selected[1][1][25, 30, 2] == 120  # page 3's red (BGR)


def test_page_selection_syntax():
    assert parse_page_selection("2-4,7,9-") == [(2, 4), (7, 7), (9, None)]
    for bad in ("0", "4-2", "a", "1,,2"):
        with pytest.raises(UsageError):
            parse_page_selection(bad)


def test_selection_beyond_the_file_is_a_usage_error(tmp_path):
    path = tmp_path / "one.png"
    sample_image().save(path)
    with pytest.raises(UsageError, match="selects none"):
        list(load_pages(path, InputConfig(pages="5")))


def test_pdf_pages_render_at_the_chosen_dpi(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(make_pdf(b"BT /F1 24 Tf 30 120 Td (Hello) Tj ET", pages=3))
    pages = list(load_pages(path, InputConfig(dpi=144, pages="2-")))
    assert [n for n, _ in pages] == [2, 3]
    assert pages[0][1].shape == (400, 600, 3)
    assert pages[0][1].min() < 50  # the text was drawn


def test_pdf_text_layer_lines_in_pixels(tmp_path):
    path = tmp_path / "text.pdf"
    path.write_bytes(make_pdf(b"BT /F1 24 Tf 30 120 Td (Hello newsreflow) Tj ET"))
    (line,) = pdf_text_lines(path, 1, 144)
    assert line.text == "Hello newsreflow"
    assert line.box.x0 == pytest.approx(60, abs=6) and 120 < line.box.y0 < 170  # y flipped to top-down
    empty = tmp_path / "scan.pdf"
    empty.write_bytes(make_pdf())
    assert pdf_text_lines(empty, 1, 144) == []


@pytest.mark.parametrize(
    "name, data, error, words",
    [
        ("zero.png", b"", BadInputError, "empty"),
        ("text.png", b"this is not an image at all" * 10, BadInputError, "not a readable image"),
        ("broken.pdf", b"%PDF-1.4\n garbage", BadInputError, "not a readable PDF"),
        ("locked.pdf", make_pdf(encrypt=True), BadInputError, "encrypted"),
        ("huge.png", png_header_only(30000, 30000), ResourceLimitError, "megapixels"),
    ],
)
def test_bad_inputs_raise_clear_errors(tmp_path, name, data, error, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error, match=words):
        list(load_pages(path, InputConfig()))


def test_truncated_image_is_bad_input(tmp_path):
    path = tmp_path / "cut.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300), dtype=np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(BadInputError, match="truncated or corrupt"):
        list(load_pages(path, InputConfig()))


def test_pdf_page_too_large_at_the_dpi_is_refused(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(make_pdf())
    with pytest.raises(ResourceLimitError, match="lower --dpi"):
        list(load_pages(path, InputConfig(dpi=1200, max_pixels=1_000_000)))


def test_tiny_and_blank_pages_are_reported_not_read():
    assert "too small" in page_problem(np.zeros((1, 1), np.uint8))
    assert "blank" in page_problem(np.full((500, 400, 3), 240, np.uint8))
    page = np.full((500, 400), 240, np.uint8)
    page[100:120, 50:300] = 20
    assert page_problem(page) is None
