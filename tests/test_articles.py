"""Schema checks for the real-article benchmark corpus in samples/articles/."""

import json
from pathlib import Path

import pytest

ARTICLES_DIR = Path(__file__).resolve().parent.parent / "samples" / "articles"
ARTICLE_FILES = sorted(ARTICLES_DIR.glob("*.json"))
SCRIPTS_BY_LANGUAGE = {"zh": {"simplified", "traditional"}, "en": {"latin"}}
SOURCE_FIELDS = {"repository", "path", "url", "licence"}


def _load(path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=lambda p: p.name)
def test_article_schema(path):
    article = _load(path)
    assert article["id"] == path.stem
    assert article["language"] in SCRIPTS_BY_LANGUAGE
    assert article["script"] in SCRIPTS_BY_LANGUAGE[article["language"]]
    assert path.stem.startswith(article["language"] + "-")
    assert article["title"] is None or (isinstance(article["title"], str) and article["title"].strip())
    assert article["byline"] is None or isinstance(article["byline"], str)
    paragraphs = article["paragraphs"]
    assert isinstance(paragraphs, list) and len(paragraphs) >= 3
    for paragraph in paragraphs:
        assert isinstance(paragraph, str) and paragraph.strip() == paragraph and paragraph
    source = article["source"]
    assert SOURCE_FIELDS <= set(source)
    assert source["licence"].strip()
    assert source["repository"] or source["url"], "each article must say where it came from"


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=lambda p: p.name)
def test_chinese_article_length(path):
    article = _load(path)
    if article["language"] != "zh":
        pytest.skip("length bound applies to Chinese articles")
    assert 400 <= sum(len(p) for p in article["paragraphs"]) <= 3000


def test_ids_unique_and_enough_articles():
    articles = [_load(path) for path in ARTICLE_FILES]
    ids = [article["id"] for article in articles]
    assert len(ids) == len(set(ids))
    chinese = [a for a in articles if a["language"] == "zh"]
    assert len(chinese) >= 40
    assert sum(a["language"] == "en" for a in articles) >= 5
