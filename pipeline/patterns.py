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
CATEGORIES = ("byline", "caption", "jump", "editor_credit")  # in order of priority
MAX_BYLINE_LENGTH = 40


@dataclass(frozen=True)
class Patterns:
    sentence_final: frozenset[str]
    weak_final: frozenset[str]
    closing_marks: frozenset[str]
    opening_marks: frozenset[str]
    internal_punctuation: frozenset[str]
    byline: re.Pattern
    caption: re.Pattern
    jump: re.Pattern
    editor_credit: re.Pattern
    classifier: re.Pattern  # all four categories, one named group each, in order of priority
    keywords: frozenset[str]
    hyphen_keep_prefixes: frozenset[str]
    hyphen_keep_compounds: frozenset[str]


@lru_cache(maxsize=1)
def load() -> Patterns:
    """Read and compile the pattern file once per process."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))

    def alternatives(name: str) -> str:
        return "|".join(f"(?:{expression})" for expression in raw[name])

    return Patterns(
        sentence_final=frozenset(raw["sentence_final"]),
        weak_final=frozenset(raw["weak_final"]),
        closing_marks=frozenset(raw["closing_marks"]),
        opening_marks=frozenset(raw["opening_marks"]),
        internal_punctuation=frozenset(raw["internal_punctuation"]),
        byline=re.compile(alternatives("byline")),
        caption=re.compile(alternatives("caption")),
        jump=re.compile(alternatives("jump")),
        editor_credit=re.compile(alternatives("editor_credit")),
        classifier=re.compile("|".join(f"(?P<{name}>{alternatives(name)})" for name in CATEGORIES)),
        keywords=frozenset(raw["keywords"]),
        hyphen_keep_prefixes=frozenset(raw["hyphen_keep_prefixes"]),
        hyphen_keep_compounds=frozenset(word.lower() for word in raw["hyphen_keep_compounds"]),
    )


def _matches(pattern: re.Pattern, text: str) -> bool:
    return pattern.search(text.strip()) is not None


def classify(text: str) -> str | None:
    """The first of 'byline', 'caption', 'jump', 'editor_credit', 'keyword' that the line is, or None.
    One regular-expression search per line: the text mode asks this of every line."""
    stripped = text.strip()
    if stripped in load().keywords:
        return "keyword"
    match = load().classifier.search(stripped)
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


NO_END, CLAUSE_END, SENTENCE_END = 0, 1, 2


def line_end(text: str) -> int:
    """How the line ends: SENTENCE_END (。！？… possibly inside closing quotes), CLAUSE_END (；：
    or a bare closing quote/bracket), or NO_END. One pass for the text mode's many lines."""
    stripped = text.rstrip()
    core = stripped.rstrip(_closing_and_space())
    if not core:
        return CLAUSE_END if stripped else NO_END
    data = load()
    if core[-1] in data.sentence_final:
        return SENTENCE_END
    return CLAUSE_END if core[-1] in data.weak_final or len(core) != len(stripped) else NO_END


def ends_sentence(text: str) -> bool:
    """True when the line ends with sentence-final punctuation, possibly inside a closing quote."""
    return line_end(text) == SENTENCE_END


def ends_clause(text: str) -> bool:
    """True for a weaker end (；：) or a bare closing quote/bracket."""
    return line_end(text) == CLAUSE_END


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
