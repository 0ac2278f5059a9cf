"""Normalisation: each step is a named `str -> str` function, switchable in NormalizeConfig.

The steps, in order (each field of NormalizeConfig switches the step of the same name):
- ellipsis: "⋯⋯" (U+22EF, math midline ellipsis) -> "……".
- vertical_forms: presentation forms for vertical text (﹁﹂﹃﹄︵︶ …) -> their horizontal forms.
- fullwidth_punctuation: half-width , ; : ! ? . ( ) written right after Chinese -> full-width, where it
  is clearly prose: never between digits (98.6%, 21.15, 1:2) or inside Latin text and URLs.
- justification_spaces: spaces that justified setting left between Chinese and half-width digits or
  Latin are removed ("2023年 6月 30日" -> "2023年6月30日"); spaces between two Chinese phrases stay
  ("办实事 做好事"), and text with no Chinese beside the space (English) is untouched.
- convert: OpenCC conversion (t2s, s2t, s2hk, …), off unless a configuration is named.
The tables are data in pipeline/data/punctuation.json.

What may change, precisely (tests/test_normalize.py checks it on generated text): with `convert` off,
the text folded by NFKC, with whitespace removed, U+22EF read as "..." and 。 as ".", is the same
before and after; whitespace is only removed, never added; and a second run changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pipeline.config import NormalizeConfig
from pipeline.document import Document, Repair
from pipeline.errors import MissingModelError

DATA_FILE = Path(__file__).resolve().parent / "data" / "punctuation.json"

# Characters of scripts written without spaces, plus the full-width punctuation set among them.
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uff60\U00020000-\U0003ffff“”‘’"
_HALF = "0-9A-Za-z%‰℃°"
_JUSTIFICATION_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u00a0\u2002-\u200a]+(?=[{_HALF}])|(?<=[{_HALF}])[ \u00a0\u2002-\u200a]+(?=[{_CJK}])")
_HAN = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
CONTEXT = 4  # characters shown around a change by --explain
MAX_SHOWN = 40


@lru_cache(maxsize=1)
def _tables() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+$|\S+@\S+\.\S+$", re.IGNORECASE)


def _drop_unless_after_url(match: re.Match) -> str:
    """A space that ends a URL or e-mail address is what delimits it: keep it."""
    before = match.string[: match.start()]
    token = before[before.rfind(" ") + 1 :]
    return match.group(0) if _URL_OR_EMAIL.search(token) else ""


def remove_justification_spaces(text: str) -> str:
    return _JUSTIFICATION_SPACE.sub(_drop_unless_after_url, text)


def fix_ellipsis(text: str) -> str:
    for variant, standard in _tables()["ellipsis"].items():
        text = text.replace(variant, standard)
    return text


@lru_cache(maxsize=1)
def _vertical_table() -> dict[int, str]:
    return str.maketrans(_tables()["vertical_forms"])


def horizontal_forms(text: str) -> str:
    return text.translate(_vertical_table())


@lru_cache(maxsize=1)
def _fullwidth_patterns() -> list[tuple[re.Pattern, str]]:
    table = _tables()["halfwidth_to_fullwidth"]
    cjk_or_converted = f"[{_CJK}]"
    rules: list[tuple[re.Pattern, str]] = []
    for half in ",;!?":
        rules.append((re.compile(rf"(?<={cjk_or_converted}){re.escape(half)}"), table[half]))
        # After a number and before Chinese ("98.6%,比例"): still prose, and not a thousands separator.
        rules.append((re.compile(rf"(?<=[0-9%]){re.escape(half)}(?=[{_HAN}])"), table[half]))
    rules.append((re.compile(rf"(?<={cjk_or_converted}):(?!//)"), table[":"]))
    # A full stop after Chinese, followed by the end, a space, Chinese or a closing quote: not a decimal point or a domain.
    rules.append((re.compile(rf"(?<={cjk_or_converted})\.(?=$|\s|[{_CJK}])"), table["."]))
    return rules


_PARENTHESES = re.compile(r"\(([^()]*)\)")
_HAN_CHAR = re.compile(f"[{_HAN}]")


def _widen_parentheses(match: re.Match) -> str:
    inner = match.group(1)
    text = match.string
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if _HAN_CHAR.search(inner) or _HAN_CHAR.match(before or " ") or _HAN_CHAR.match(after or " "):
        table = _tables()["halfwidth_to_fullwidth"]
        return f"{table['(']}{inner}{table[')']}"
    return match.group(0)


def fullwidth_punctuation(text: str) -> str:
    """Half-width punctuation after Chinese -> full-width, repeated until nothing changes
    (a converted mark counts as Chinese for the next one: '好,,' becomes '好，，')."""
    while True:
        changed = text
        for pattern, full in _fullwidth_patterns():
            changed = pattern.sub(full, changed)
        changed = _PARENTHESES.sub(_widen_parentheses, changed)
        if changed == text:
            return text
        text = changed


# Spaces go last: the earlier steps turn marks full-width, which can put a space between Chinese and a digit.
STEPS: list[tuple[str, Callable[[str], str]]] = [
    ("ellipsis", fix_ellipsis),
    ("vertical_forms", horizontal_forms),
    ("fullwidth_punctuation", fullwidth_punctuation),
    ("justification_spaces", remove_justification_spaces),
]
STEP_NAMES = tuple(name for name, _ in STEPS) + ("convert",)  # the NormalizeConfig field names


@lru_cache(maxsize=None)
def _converter(config_name: str):
    try:
        import opencc
    except ImportError:
        raise MissingModelError("traditional/simplified conversion needs the 'opencc' package: pip install opencc") from None
    return opencc.OpenCC(f"{config_name}.json")


def _changes(before: str, after: str) -> str:
    """Where the text changed: the span from the first to the last difference, with context."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    lo = max(0, prefix - CONTEXT)
    old, new = before[lo : len(before) - suffix + CONTEXT], after[lo : len(after) - suffix + CONTEXT]
    if len(old) > MAX_SHOWN:
        old, new = old[:MAX_SHOWN] + "…", new[:MAX_SHOWN] + "…"
    return f"“{old}” → “{new}”"


def normalize_text(text: str, config: NormalizeConfig, page: int = 1) -> tuple[str, list[Repair]]:
    """Apply every enabled step to one text; return the new text and one Repair per step that changed it."""
    repairs: list[Repair] = []
    for name, step in STEPS:
        if getattr(config, name):
            changed = step(text)
            if changed != text:
                repairs.append(Repair(name, _changes(text, changed), page))
                text = changed
    if config.convert is not None:
        changed = _converter(config.convert).convert(text)
        if changed != text:
            repairs.append(Repair(f"convert {config.convert}", _changes(text, changed), page))
            text = changed
    return text, repairs


def run(document: Document, config: NormalizeConfig) -> Document:
    """Apply every enabled step to every paragraph, recording what changed."""
    for page in document.pages:
        for block in page.blocks:
            for i, paragraph in enumerate(block.paragraphs):
                text, repairs = normalize_text(paragraph.text, config, page.number)
                if repairs:
                    document.repairs.extend(repairs)
                    block.paragraphs[i] = replace(paragraph, text=text)
    return document
