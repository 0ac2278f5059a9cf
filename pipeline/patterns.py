"""Text patterns that mark lines which are not body text: bylines, captions, jump lines,
editor credits, decorative keywords; and the punctuation classes the boundary decision uses.

The patterns live in pipeline/data/patterns.json so they can be extended without touching code;
the text mode and the layout stage both ask these functions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "patterns.json"


@dataclass(frozen=True)
class Patterns:
    sentence_final: frozenset[str]
    weak_final: frozenset[str]
    closing_marks: frozenset[str]
    opening_marks: frozenset[str]
    internal_punctuation: frozenset[str]
    byline: tuple[re.Pattern, ...]
    caption: tuple[re.Pattern, ...]
    jump: tuple[re.Pattern, ...]
    editor_credit: tuple[re.Pattern, ...]
    keywords: frozenset[str]
    hyphen_keep_prefixes: frozenset[str]
    hyphen_keep_compounds: frozenset[str]


@lru_cache(maxsize=1)
def load() -> Patterns:
    """Read and compile the pattern file once per process."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))

    def compiled(name: str) -> tuple[re.Pattern, ...]:
        """One pattern per category: the category's expressions as alternatives."""
        return (re.compile("|".join(f"(?:{expression})" for expression in raw[name])),)

    return Patterns(
        sentence_final=frozenset(raw["sentence_final"]),
        weak_final=frozenset(raw["weak_final"]),
        closing_marks=frozenset(raw["closing_marks"]),
        opening_marks=frozenset(raw["opening_marks"]),
        internal_punctuation=frozenset(raw["internal_punctuation"]),
        byline=compiled("byline"),
        caption=compiled("caption"),
        jump=compiled("jump"),
        editor_credit=compiled("editor_credit"),
        keywords=frozenset(raw["keywords"]),
        hyphen_keep_prefixes=frozenset(raw["hyphen_keep_prefixes"]),
        hyphen_keep_compounds=frozenset(word.lower() for word in raw["hyphen_keep_compounds"]),
    )


def _matches(patterns: tuple[re.Pattern, ...], text: str) -> bool:
    text = text.strip()
    return any(p.search(text) for p in patterns)


_CATEGORIES = ("byline", "caption", "jump", "editor_credit")
MAX_BYLINE_LENGTH = 40


@lru_cache(maxsize=1)
def _classifier() -> re.Pattern:
    """All categories as one expression with a named group each, in order of priority."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return re.compile("|".join(f"(?P<{name}>" + "|".join(f"(?:{e})" for e in raw[name]) + ")" for name in _CATEGORIES))


def classify(text: str) -> str | None:
    """The first of 'byline', 'caption', 'jump', 'editor_credit', 'keyword' that the line is, or None.
    One regular-expression search per line: the text mode asks this of every line."""
    stripped = text.strip()
    if stripped in load().keywords:
        return "keyword"
    match = _classifier().search(stripped)
    if match is None:
        return None
    if match.lastgroup == "byline" and len(stripped) > MAX_BYLINE_LENGTH:
        return next((name for name, test in (("caption", is_caption), ("jump", is_jump_line), ("editor_credit", is_editor_credit)) if test(stripped)), None)
    return match.lastgroup


def is_byline(text: str) -> bool:
    """'融媒记者 潘燕佳', '本报记者 张三 通讯员 李四', '文/图 王五'."""
    return len(text.strip()) <= MAX_BYLINE_LENGTH and _matches(load().byline, text)


def is_caption(text: str) -> bool:
    """A caption line: ends in '（资料图片）' or '（XXX 摄）', or starts with '图为'."""
    return _matches(load().caption, text)


def is_jump_line(text: str) -> bool:
    """'（下转第3版）', '上接第一版'."""
    return _matches(load().jump, text)


def is_editor_credit(text: str) -> bool:
    """'责任编辑：张三  校对：李四'."""
    return _matches(load().editor_credit, text)


def is_keyword(text: str) -> bool:
    """A decorative keyword set large beside a section ('攻坚', '实干')."""
    return text.strip() in load().keywords


@lru_cache(maxsize=1)
def _keyword_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(k) for k in load().keywords}, reverse=True))


def trailing_keyword(text: str) -> str | None:
    """The decorative keyword glued to the end of a heading ('…新引擎实干' -> '实干'), if any."""
    stripped = text.strip()
    keywords = load().keywords
    for length in _keyword_lengths():
        if len(stripped) > length + 1 and stripped[-length:] in keywords:
            return stripped[-length:]
    return None


@lru_cache(maxsize=1)
def _closing_and_space() -> str:
    return "".join(load().closing_marks) + " \t\u3000"


def _strip_closing(text: str) -> str:
    return text.rstrip(_closing_and_space())


def ends_sentence(text: str) -> bool:
    """True when the line ends with sentence-final punctuation, possibly inside a closing quote."""
    core = _strip_closing(text)
    return bool(core) and core[-1] in load().sentence_final


def ends_clause(text: str) -> bool:
    """True for a weaker end (；：) or a bare closing quote/bracket."""
    stripped = text.rstrip()
    if not stripped:
        return False
    core = _strip_closing(stripped)
    return (bool(core) and core[-1] in load().weak_final) or (core != stripped and not ends_sentence(text))


def has_internal_punctuation(text: str) -> bool:
    """Commas, full stops and the like: headings and keywords rarely have them."""
    return _internal_punctuation().search(text) is not None


@lru_cache(maxsize=1)
def _internal_punctuation() -> re.Pattern:
    return re.compile("[" + re.escape("".join(sorted(load().internal_punctuation))) + "]")


def is_bracket_fragment(text: str) -> bool:
    """A line that is only quotation marks or brackets: a piece of a vertical headline."""
    p = load()
    stripped = text.strip()
    return bool(stripped) and all(ch in p.opening_marks or ch in p.closing_marks for ch in stripped)
