"""Text-mode benchmark: real articles wrapped like newspaper OCR text, then reflowed and scored.

Each Chinese article in samples/articles/ is typeset as column text (seeded, deterministic):
- wrapped at a column width of 12-18 or 8-10 character cells (CJK one cell, ASCII half), with
  punctuation that may not start a line hung at the end of the previous one and Latin words kept whole;
- the two-cell first-line indent either dropped or kept as leading spaces;
- blank lines after every line, at random, or none; justification spaces around digits/Latin;
- a heading line (the title, at the top or before a middle paragraph) and a byline (top or end).
The text mode then rebuilds paragraphs, which are scored against the article's own paragraphs with
`score.paragraph_boundary_scores`; characters lost or invented are counted after folding
(NFKC, whitespace removed: the documented normalisations are all folds). Speed is measured on
all generated inputs concatenated and repeated to at least 2 MB, in this one process (one core).

Run: python -m pipeline.bench.textbench
"""

from __future__ import annotations

import difflib
import json
import random
import re
import time
import unicodedata
from pathlib import Path

from pipeline import run
from pipeline.bench.score import paragraph_boundary_scores
from pipeline.config import Config
from pipeline.document import reading_paragraphs

ARTICLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
REGIMES = {"body 12-18": (12, 18), "lead 8-10": (8, 10)}
SEED = 20261125
SPEED_BYTES = 2_000_000
NO_LINE_START = set("，。、；：！？”’）》」』〕】…—·%,.;:!?)")
BYLINE_FORMS = ("本报记者 {a}", "融媒记者 {a}", "记者 {a} 通讯员 {b}", "本报记者 {a} {b}", "文/图 {a}")
NAMES = ("潘燕佳", "张曦", "朱浩", "陈凯", "黄培强", "刘霞", "方耀星", "王玉西", "李梓瑜", "周萱")
_HALF_RUN = re.compile(r"[0-9A-Za-z%.]+")
_TOKEN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z.,:/%+@_-]*[0-9A-Za-z%/])?|.", re.S)


def load_articles(directory: Path = ARTICLES) -> list[dict]:
    """The Chinese articles of the corpus (the text mode's target), in file order."""
    articles = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))]
    return [a for a in articles if a.get("language") == "zh" and a.get("paragraphs")]


def _cells(ch: str) -> float:
    return 0.5 if ch.isascii() else 1.0


def _tokens(text: str) -> list[str]:
    """Characters, with Latin words, numbers (10.7%, 1,200) and addresses kept whole, as a typesetter does."""
    return _TOKEN.findall(text)


def wrap(paragraph: str, width: int, indent: float) -> list[str]:
    """Break a paragraph into column lines of `width` cells, the first `indent` cells shorter."""
    lines: list[str] = []
    current, used, limit = "", 0.0, width - indent
    hanging = False
    for token in _tokens(paragraph):
        size = sum(_cells(ch) for ch in token)
        if hanging and token in NO_LINE_START:  # hanging punctuation: it stays on the full line
            current += token
            continue
        if hanging or (used + size > limit and current):
            if token in NO_LINE_START and not hanging:
                current += token
                hanging = True
                continue
            lines.append(current)
            current, used, limit = "", 0.0, width
        hanging = False
        current += token
        used += size
    if current:
        lines.append(current)
    return [line.strip() for line in lines if line.strip()]


def _justify(line: str, rng: random.Random) -> str:
    """Spaces that justified setting leaves around half-width runs next to Chinese."""

    def pad(match: re.Match) -> str:
        start, end = match.start(), match.end()
        left = " " if start > 0 and not line[start - 1].isascii() and rng.random() < 0.7 else ""
        right = " " if end < len(line) and not line[end].isascii() and rng.random() < 0.7 else ""
        return left + match.group(0) + right

    return _HALF_RUN.sub(pad, line)


def make_case(article: dict, widths: tuple[int, int], rng: random.Random) -> tuple[str, list[str]]:
    """One synthetic OCR text and its true paragraphs."""
    width = rng.randint(*widths)
    keep_indent = rng.random() < 0.5
    blank_mode = rng.choice(("none", "every", "random"))
    justify = rng.random() < 0.6
    paragraphs = [p.strip() for p in article["paragraphs"] if p.strip()]
    byline = rng.choice(BYLINE_FORMS).format(a=rng.choice(NAMES), b=rng.choice(NAMES))
    title = (article.get("title") or "").strip()
    truth = list(paragraphs)
    units: list[tuple[str, str]] = [("body", p) for p in paragraphs]
    if title:
        position = 0 if rng.random() < 0.7 or len(units) < 3 else rng.randint(1, len(units) - 1)
        units.insert(position, ("heading", title))
        truth.insert(position, title)
    if rng.random() < 0.5:
        at = 1 if title and truth[0] == title else 0
        units.insert(at, ("byline", byline))
        truth.insert(at, byline)
    else:
        units.append(("byline", byline))
        truth.append(byline)
    lines: list[str] = []
    for kind, text in units:
        if kind == "body":
            wrapped = wrap(text, width, 2.0)
            if justify:
                wrapped = [_justify(line, rng) for line in wrapped]
            if keep_indent:
                wrapped[0] = rng.choice(("  ", " ", "\u3000\u3000")) + wrapped[0]
            lines.extend(wrapped)
        else:
            lines.append(text)  # headings and bylines are set apart, not wrapped in the column
    out: list[str] = []
    for line in lines:
        out.append(line)
        if blank_mode == "every" or (blank_mode == "random" and rng.random() < 0.15):
            out.append("")
    return "\n".join(out) + "\n", truth


def reflow(text: str) -> list[str]:
    document = run.process_text(text, Config(), "textbench")
    return [p.text for page in document.pages for p in reading_paragraphs(page)]


def _canonical(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).replace("⋯", "...")
    return "".join(ch for ch in folded if not ch.isspace())


def char_differences(truth: list[str], output: list[str]) -> tuple[int, int]:
    """(characters lost, characters invented) after folding, from an alignment of the two texts."""
    a, b = _canonical("".join(truth)), _canonical("".join(output))
    matched = sum(size for _, _, size in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return len(a) - matched, len(b) - matched


def _regime_scores(articles: list[dict], widths: tuple[int, int], rng: random.Random) -> tuple[dict, list[str]]:
    hits = predicted = expected = lost = invented = 0
    inputs = []
    for article in articles:
        text, truth = make_case(article, widths, rng)
        inputs.append(text)
        output = reflow(text)
        scores = paragraph_boundary_scores(truth, output)
        hits += scores.true_positives
        predicted += scores.predicted
        expected += scores.expected
        gone, extra = char_differences(truth, output)
        lost += gone
        invented += extra
    precision = hits / predicted if predicted else 1.0
    recall = hits / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {
        "articles": len(articles),
        "boundaries": expected,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "chars_lost": lost,
        "chars_invented": invented,
    }
    return result, inputs


def measure_speed(texts: list[str], minimum_bytes: int = SPEED_BYTES) -> dict:
    """MB/s of the whole text mode (segmentation, repair, normalisation) on one large input."""
    unit = "\n".join(texts)
    repeats = max(1, -(-minimum_bytes // len(unit.encode("utf-8"))))
    big = "\n".join([unit] * repeats)
    size = len(big.encode("utf-8"))
    started = time.process_time()
    run.process_text(big, Config(), "textbench-speed")
    seconds = time.process_time() - started
    return {"bytes": size, "cpu_seconds": round(seconds, 3), "mb_per_s": round(size / 1e6 / seconds, 2) if seconds else None}


def run_text_benchmark(articles: list[dict] | None = None, seed: int = SEED, speed_bytes: int = SPEED_BYTES) -> dict:
    """Boundary precision/recall/F1 and character loss per width regime, and text-mode speed."""
    articles = load_articles() if articles is None else articles
    rng = random.Random(seed)
    regimes, inputs = {}, []
    for name, widths in REGIMES.items():
        regimes[name], texts = _regime_scores(articles, widths, rng)
        inputs.extend(texts)
    return {"seed": seed, "regimes": regimes, "speed": measure_speed(inputs, speed_bytes)}


def format_table(result: dict) -> str:
    rows = ["regime        articles  boundaries  precision  recall  F1     chars lost/invented"]
    for name, r in result["regimes"].items():
        rows.append(
            f"{name:<13} {r['articles']:>8}  {r['boundaries']:>10}  {r['precision']:>9.3f}  {r['recall']:>6.3f}  {r['f1']:.3f}  {r['chars_lost']}/{r['chars_invented']}"
        )
    speed = result["speed"]
    rows.append(f"speed: {speed['mb_per_s']} MB/s ({speed['bytes'] / 1e6:.1f} MB in {speed['cpu_seconds']} s CPU, one core)")
    return "\n".join(rows)


def main() -> None:
    print(format_table(run_text_benchmark()))


if __name__ == "__main__":
    main()
