import json

import numpy as np
import pytest

from pipeline.bench import peers, report
from pipeline.bench.__main__ import load_pages
from pipeline.bench.score import score_page
from pipeline.document import Box, Direction, Document, Line

TSV = "\n".join([
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
    "5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t90\t第一",
    "5\t1\t1\t1\t1\t2\t50\t10\t40\t20\t90\t段落",
    "5\t1\t1\t1\t2\t1\t10\t40\t40\t20\t90\t继续",
    "5\t1\t2\t1\t1\t1\t10\t80\t40\t20\t90\tNew",
    "5\t1\t2\t1\t1\t2\t55\t80\t40\t20\t90\tword",
    "4\t1\t2\t1\t1\t0\t10\t80\t85\t20\t-1\t",
])


def test_tesseract_tsv_keeps_its_paragraphs_and_lines():
    document = peers.tesseract_document(TSV, vertical=False)
    blocks = document.pages[0].blocks
    assert [b.paragraphs[0].text for b in blocks] == ["第一段落继续", "New word"]
    assert [line.text for line in blocks[0].lines] == ["第一段落", "继续"]
    assert blocks[0].lines[0].box == Box(10, 10, 90, 30)


def test_engine_order_interleaves_columns_row_by_row():
    left = [Line(f"L{i}", Box(0, i * 50, 100, i * 50 + 30)) for i in range(3)]
    right = [Line(f"R{i}", Box(200, i * 50 + 3, 300, i * 50 + 33)) for i in range(3)]
    assert [line.text for line in peers.engine_order(right + left)] == ["L0", "R0", "L1", "R1", "L2", "R2"]


class CountingEngine:
    name = "fake"

    def __init__(self):
        self.calls = 0

    def recognize(self, image):
        self.calls += 1
        return [Line("文字", Box(0, 0, 10, 10))]

    def read_region(self, image, box, direction):
        self.calls += 1
        return [Line("竖排", Box(0, 0, 10, 40), direction=Direction.VERTICAL)]


def test_caching_engine_runs_each_image_once(tmp_path, monkeypatch):
    monkeypatch.setattr(peers, "CACHE_DIR", tmp_path)
    fake = CountingEngine()
    wrapper = peers.CachingEngine("fake", lambda: fake)
    image = np.zeros((20, 20), np.uint8)
    assert [line.text for line in wrapper.recognize_page(image, 1)] == ["文字"]
    wrapper.begin_page()
    assert [line.text for line in wrapper.recognize(image)] == ["文字"] and wrapper.cached
    assert wrapper.read_region(image, Box(0, 0, 10, 40), Direction.VERTICAL)[0].direction is Direction.VERTICAL
    wrapper.read_region(image, Box(0, 0, 10, 40), Direction.VERTICAL)
    assert fake.calls == 2  # one page, one region; the repeats came from the cache
    assert peers.CachingEngine("fake", lambda: fake, use_cache=False).recognize(image) and fake.calls == 3


def test_perfect_ocr_replay_holds_every_truth_line(tmp_path, monkeypatch):
    monkeypatch.setattr(peers, "BENCH_DIR", tmp_path)
    page = load_pages("ci", None)[0]
    data = json.loads(peers.perfect_replay_file(page).read_text(encoding="utf-8"))
    truth_lines = [line.text for block in page.truth.pages[0].blocks for line in block.lines]
    assert sorted(line["text"] for line in data["pages"]["1"]) == sorted(truth_lines)
    assert [line["text"] for line in data["pages"]["1"]] != truth_lines  # engine order, not reading order


def test_report_aggregates_and_rewrites_the_readme_section(tmp_path):
    page = load_pages("ci", None)[0]
    scores = score_page(page.truth, page.truth)
    pages = [{"page": page.id, "spec": page.spec, "seconds": 2.0, "peak_mb": 100.0, "scores": scores},
             {"page": "broken", "spec": page.spec, "error": "RuntimeError: boom"}]
    summary = report.summarize({"perfect": pages})["perfect"]
    assert summary["all"]["ordered_cer"] == 0 and summary["all"]["failed"] == 1 and summary["clean"]["pages"] == 1
    results = {"date": "d", "machine": "m", "pages": 2, "subset": "ci", "command": "c", "seconds": 1.0,
               "peers": {"perfect": {"pages": pages, "summary": summary}, "tesseract": {"unavailable": "not installed"}}}
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{report.README_START}\nold\n{report.README_END}\n\n## After\n", encoding="utf-8")
    report.update_readme(results, readme)
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and "| perfect | 1 (+1 failed) | 0.0% |" in text and "unavailable: not installed" in text
    assert text.endswith("## After\n")


@pytest.mark.slow
def test_tesseract_peer_on_a_ci_page(tmp_path, monkeypatch):
    if peers.tesseract_unavailable(load_pages("ci", None)):
        pytest.skip("tesseract is not installed")
    monkeypatch.setattr(peers, "CACHE_DIR", tmp_path)
    page = load_pages("ci", None)[0]
    run = peers.run_tesseract(page, use_cache=False)
    scores = score_page(page.truth, run.output)
    assert scores["order_free_cer"] < 0.2 and run.peak_mb > 10
    assert isinstance(run.output, Document)


def test_ocr_cache_key_depends_on_the_ocr_code(monkeypatch):
    """A cached OCR result must not outlive a change to the OCR stage."""
    import numpy as np

    from pipeline.bench import peers

    image = np.zeros((4, 4), np.uint8)
    before = peers.image_digest(image, "page")
    monkeypatch.setattr(peers, "ocr_code_digest", lambda: "changed")
    assert peers.image_digest(image, "page") != before
