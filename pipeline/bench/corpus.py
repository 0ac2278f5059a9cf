"""Real Chinese news articles for the synthetic pages, read from samples/articles/*.json.

Each file holds one article (see samples/articles/SOURCES.md): language, script (simplified or
traditional), title, byline, paragraphs; kicker, subtitle, lead and subheads are used when present.
Only Chinese articles are used. An article without a title gets a clause of its first paragraph as
headline, as papers often do. ASCII punctuation next to Chinese text (from web copies normalised by NFKC) is set
full-width, as a newspaper prints it. Without a corpus, the seed article serves: its OCR lines are
joined at lines that end a sentence and fall short of a full line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import BadInputError
from pipeline.repair import join_lines

REPO = Path(__file__).resolve().parents[2]
ARTICLES_DIR = REPO / "samples" / "articles"
SEED_ARTICLE = REPO / "samples" / "seed-article.txt"


@dataclass
class SourceArticle:
    title: str
    paragraphs: list[str]
    kicker: str = ""
    subtitle: str = ""
    byline: str = ""
    lead: str = ""
    subheads: list[str] = field(default_factory=list)
    source: str = ""
    script: str = "simplified"

    @property
    def length(self) -> int:
        return sum(len(p) for p in self.paragraphs)


def _text_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [p.strip() for p in value.splitlines() if p.strip()]
    if isinstance(value, list):
        return [str(p).strip() for p in value if str(p).strip()]
    return []


_HAN = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]"
_ASCII_PUNCTUATION = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_PUNCTUATION_NEAR_HAN = re.compile(rf"(?<={_HAN})[,:;!?()]|[,:;!?()](?={_HAN})")


def newspaper_punctuation(text: str) -> str:
    """ASCII , : ; ! ? ( ) beside a Chinese character become full-width; numbers like 1:2 or 3,000 stay."""
    while True:  # again, for marks next to a mark that just became full-width: "(上半场)!"
        changed = _PUNCTUATION_NEAR_HAN.sub(lambda m: _ASCII_PUNCTUATION[m.group()], text)
        if changed == text:
            return text
        text = changed


def _headline_clause(text: str) -> str:
    """The first clause of 8-20 characters without brackets (which would be a dateline or credit)."""
    for clause in re.split(r"[，。！？；：,.!?;:]", text):
        clause = clause.strip()
        if 8 <= len(clause) <= 20 and not re.search(r"[（）()【】]", clause):
            return clause
    return ""


def _from_dict(d: dict, source: str) -> SourceArticle | None:
    if d.get("language", "zh") != "zh":
        return None
    paragraphs = []
    for key in ("paragraphs", "body", "text", "content"):
        paragraphs = [newspaper_punctuation(p) for p in _text_list(d.get(key))]
        if paragraphs:
            break
    if not paragraphs:
        return None
    title = newspaper_punctuation(str(d.get("title") or d.get("headline") or "").strip())
    if not title:
        title = _headline_clause(paragraphs[0])
        if not title:
            return None
    byline = d.get("byline") or d.get("author") or ""
    return SourceArticle(
        title=title,
        paragraphs=paragraphs,
        kicker=newspaper_punctuation(str(d.get("kicker") or "").strip()),
        subtitle=newspaper_punctuation(str(d.get("subtitle") or "").strip()),
        byline=newspaper_punctuation(str(byline).strip()) if isinstance(byline, str) else "",
        lead=newspaper_punctuation(str(d.get("lead") or "").strip()),
        subheads=[newspaper_punctuation(t) for t in _text_list(d.get("subheads"))],
        source=source,
        script="traditional" if d.get("script") == "traditional" else "simplified",
    )


def load_articles(directory: Path = ARTICLES_DIR) -> list[SourceArticle]:
    """Every usable article, in file-name order (so page generation is deterministic)."""
    articles = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BadInputError(f"{path}: not a readable article JSON ({exc}); fix or remove it") from exc
        items = data if isinstance(data, list) else data.get("articles", [data]) if isinstance(data, dict) else []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                article = _from_dict(item, path.stem if len(items) == 1 else f"{path.stem}#{index}")
                if article is not None:
                    articles.append(article)
    if not articles:
        articles = [seed_article()]
    return articles


def seed_article(path: Path = SEED_ARTICLE) -> SourceArticle:
    """The seed article's body rebuilt approximately from its OCR lines (development fallback)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    full = max(len(line) for line in lines)
    paragraphs, current = [], []
    for line in lines:
        current.append(line)
        if line[-1] in "。！？”" and len(line) < full - 2:
            text = join_lines(current)
            if len(text) >= 40:
                paragraphs.append(text)
            current = []
    return SourceArticle(title="西城街道亮出实干成绩单", paragraphs=paragraphs, source=path.name)
