"""Text-mode benchmark: real articles wrapped like newspaper OCR text, then reflowed and scored.

Each Chinese article in samples/articles/ is typeset as column text (seeded, deterministic), in three
regimes: body columns of 12-18 cells; narrow columns of 8-10 cells; body columns of 15-17 cells with the
first two paragraphs set as a lead box of 8-10 cells and mixed in after the next two (as in the seed):
- wrapped at the column width in character cells (CJK one cell, ASCII half), with
  punctuation that may not start a line hung at the end of the previous one and Latin words kept whole;
- the two-cell first-line indent either dropped or kept as leading spaces;
- blank lines after every line, at random, or none; justification spaces beside digits/Latin where a
  line's text falls short of the column (the stretched gaps OCR reads as spaces);
- a heading line (the title, at the top or before a middle paragraph) and a byline (top or end),
  in traditional characters for traditional articles.
The text mode then rebuilds paragraphs, which are scored against the article's own paragraphs with
`score.paragraph_boundary_scores`; characters lost or invented are counted after folding
(NFKC, whitespace removed: the documented normalisations are all folds); and the mixed-in heading
and byline are checked to come out as paragraphs of their own with a heading/byline role. Speed is measured on
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

import opencc

from pipeline import run
from pipeline.bench.score import fold, paragraph_boundary_scores
from pipeline.config import Config
from pipeline.document import Role, reading_paragraphs
from pipeline.repair import display_width

ARTICLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
REGIMES = {
    "body 12-18": {"body": (12, 18)},
    "narrow 8-10": {"body": (8, 10)},
    "body+lead box": {"body": (15, 17), "lead": (8, 10)},
}
SEED = 20261125
SPEED_BYTES = 2_000_000
NO_LINE_START = set("，。、；：！？”’）》」』〕】…—·%,.;:!?)")
NO_LINE_END = set("“‘（《「『〔【(")
BYLINE_FORMS = ("本报记者 {a}", "融媒记者 {a}", "记者 {a} 通讯员 {b}", "本报记者 {a} {b}", "文/图 {a}")
NAMES = ("潘燕佳", "张曦", "朱浩", "陈凯", "黄培强", "刘霞", "方耀星", "王玉西", "李梓瑜", "周萱")
ROLE_TESTS = {"heading": lambda role: role.is_heading, "byline": lambda role: role is Role.BYLINE, "lead": lambda role: role is Role.LEAD}
_HALF_RUN = re.compile(r"[0-9A-Za-z%.]+")
_TOKEN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z.,:/%+@_-]*[0-9A-Za-z%/])?|.", re.S)


def load_articles(directory: Path = ARTICLES) -> list[dict]:
    """The Chinese articles of the corpus (the text mode's target), in file order."""
    articles = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))]
    return [a for a in articles if a.get("language") == "zh" and a.get("paragraphs")]


def _tokens(text: str) -> list[str]:
    """Characters, with Latin words, numbers (10.7%, 1,200) and addresses kept whole, as a typesetter does."""
    return _TOKEN.findall(text)


def wrap(paragraph: str, width: int, indent: float) -> list[str]:
    """Break a paragraph into column lines of `width` cells, the first `indent` cells shorter."""
    lines: list[str] = []
    current, used, limit = "", 0.0, width - indent
    hanging = False
    previous = ""
    for token in _tokens(paragraph):
        # Cells as the text mode measures them (a comma written after Chinese is full-width).
        size = display_width(previous + token) - display_width(previous)
        previous = token[-1]
        if hanging and token in NO_LINE_START:  # hanging punctuation: it stays on the full line
            current += token
            continue
        if hanging or (used + size > limit and current):
            if token in NO_LINE_START and not hanging:
                current += token
                hanging = True
                continue
            carried = ""
            while current and current[-1] in NO_LINE_END and len(current) > 1:  # an opening mark goes down
                carried, current = current[-1] + carried, current[:-1]
            lines.append(current)
            current, used, limit = carried, display_width(carried), width
        hanging = False
        current += token
        used += size
    if current:
        lines.append(current)
    return [line.strip() for line in lines if line.strip()]


def _justify(line: str, slack: float, rng: random.Random) -> str:
    """Spaces that OCR reads into the stretched gaps of a justified line: only where the line's
    text falls short of the column (`slack` cells), beside half-width runs next to Chinese,
    at most one half-cell space per half cell of slack."""
    budget = int(slack / 0.5)

    def pad(match: re.Match) -> str:
        nonlocal budget
        start, end = match.start(), match.end()
        left = right = ""
        if budget > 0 and start > 0 and not line[start - 1].isascii() and rng.random() < 0.8:
            left, budget = " ", budget - 1
        if budget > 0 and end < len(line) and not line[end].isascii() and rng.random() < 0.8:
            right, budget = " ", budget - 1
        return left + match.group(0) + right

    return _HALF_RUN.sub(pad, line)


def make_case(article: dict, regime: dict[str, tuple[int, int]], rng: random.Random) -> tuple[str, list[str], dict[str, str]]:
    """One synthetic OCR text, its true paragraphs in input order, and the lines mixed in
    ({'heading': …, 'byline': …}). `regime` gives the body's column widths and, optionally, a lead
    box's: then the article's first two paragraphs are set as a narrow lead box and come out of
    "OCR" after the next two body paragraphs, as in the seed article."""
    width = rng.randint(*regime["body"])
    lead_width = rng.randint(*regime["lead"]) if "lead" in regime else None
    keep_indent = rng.random() < 0.5
    blank_mode = rng.choice(("none", "every", "random"))
    justify = rng.random() < 0.6
    paragraphs = [p.strip() for p in article["paragraphs"] if p.strip()]
    byline = rng.choice(BYLINE_FORMS).format(a=rng.choice(NAMES), b=rng.choice(NAMES))
    if article.get("script") == "traditional":
        byline = opencc.OpenCC("s2t.json").convert(byline)
    title = (article.get("title") or "").strip()
    units: list[tuple[str, str]] = [("body", p) for p in paragraphs]
    if lead_width is not None and len(units) >= 4:
        lead = [("lead", text) for _, text in units[:2]]
        units = units[2:4] + lead + units[4:]
    if title:
        position = 0 if rng.random() < 0.7 or len(units) < 3 else rng.randint(1, len(units) - 1)
        units.insert(position, ("heading", title))
    if rng.random() < 0.5:
        units.insert(1 if title and units[0] == ("heading", title) else 0, ("byline", byline))
    else:
        units.append(("byline", byline))
    lines: list[str] = []
    for kind, text in units:
        if kind in ("body", "lead"):
            column = width if kind == "body" else lead_width
            wrapped = wrap(text, column, 2.0)
            if justify:
                wrapped = [
                    _justify(line, column - (2.0 if k == 0 else 0.0) - display_width(line), rng) if k < len(wrapped) - 1 else line
                    for k, line in enumerate(wrapped)
                ]
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
    mixed_in = {"byline": byline, **({"heading": title} if title else {})}
    mixed_in.update({f"lead {k}": text for k, (kind, text) in enumerate(u for u in units if u[0] == "lead")})
    return "\n".join(out) + "\n", [text for _, text in units], mixed_in


def reflow(text: str) -> list[tuple[Role, str]]:
    document = run.process_text(text, Config(), "textbench")
    return [(p.role, p.text) for page in document.pages for p in reading_paragraphs(page)]


def _stands_alone(line: str, role_test, output: list[tuple[Role, str]]) -> bool:
    """The mixed-in line came out as a paragraph of its own with the right kind of role."""
    return any(fold(text) == fold(line) and role_test(role) for role, text in output)


def _canonical(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).replace("⋯", "...")
    return "".join(ch for ch in folded if not ch.isspace())


def char_differences(truth: list[str], output: list[str]) -> tuple[int, int]:
    """(characters lost, characters invented) after folding, from an alignment of the two texts."""
    a, b = _canonical("".join(truth)), _canonical("".join(output))
    matched = sum(size for _, _, size in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return len(a) - matched, len(b) - matched


def _regime_scores(articles: list[dict], regime: dict[str, tuple[int, int]], rng: random.Random) -> tuple[dict, list[str]]:
    hits = predicted = expected = lost = invented = 0
    alone = {"heading": [0, 0], "byline": [0, 0], "lead": [0, 0]}
    inputs = []
    for article in articles:
        text, truth, mixed_in = make_case(article, regime, rng)
        inputs.append(text)
        with_roles = reflow(text)
        output = [paragraph for _, paragraph in with_roles]
        for name, line in mixed_in.items():
            kind = name.split()[0]
            alone[kind][1] += 1
            alone[kind][0] += _stands_alone(line, ROLE_TESTS[kind], with_roles)
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
        "headings_alone": f"{alone['heading'][0]}/{alone['heading'][1]}",
        "bylines_alone": f"{alone['byline'][0]}/{alone['byline'][1]}",
        **({"lead_paragraphs_as_lead": f"{alone['lead'][0]}/{alone['lead'][1]}"} if alone["lead"][1] else {}),
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
    for name, regime in REGIMES.items():
        regimes[name], texts = _regime_scores(articles, regime, rng)
        inputs.extend(texts)
    return {"seed": seed, "regimes": regimes, "speed": measure_speed(inputs, speed_bytes)}


def format_table(result: dict) -> str:
    rows = ["regime        articles  boundaries  precision  recall  F1     chars lost/invented  heading alone  byline alone"]
    for name, r in result["regimes"].items():
        rows.append(
            f"{name:<13} {r['articles']:>8}  {r['boundaries']:>10}  {r['precision']:>9.3f}  {r['recall']:>6.3f}  {r['f1']:.3f}"
            f"  {r['chars_lost']:>9}/{r['chars_invented']:<9}  {r['headings_alone']:>13}  {r['bylines_alone']:>12}"
        )
    leads = [f"{name}: {r['lead_paragraphs_as_lead']}" for name, r in result["regimes"].items() if "lead_paragraphs_as_lead" in r]
    if leads:
        rows.append("lead-box paragraphs that came out whole with role lead: " + "; ".join(leads))
    speed = result["speed"]
    rows.append(f"speed: {speed['mb_per_s']} MB/s ({speed['bytes'] / 1e6:.1f} MB in {speed['cpu_seconds']} s CPU, one core)")
    return "\n".join(rows)


def main() -> None:
    print(format_table(run_text_benchmark()))


if __name__ == "__main__":
    main()
