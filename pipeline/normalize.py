"""Normalisation: each step is a named `str -> str` function, switchable in NormalizeConfig."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from pipeline.config import NormalizeConfig
from pipeline.document import Document, Repair

ELLIPSIS_VARIANTS = {"⋯⋯": "……", "...": "……"}


def fix_ellipsis(text: str) -> str:
    return text.replace("⋯⋯", "……")


STEPS: list[tuple[str, Callable[[str], str]]] = [
    ("ellipsis", fix_ellipsis),
]


def run(document: Document, config: NormalizeConfig) -> Document:
    """Apply every enabled step to every paragraph, recording what changed."""
    for page in document.pages:
        for block in page.blocks:
            for i, paragraph in enumerate(block.paragraphs):
                text = paragraph.text
                for name, step in STEPS:
                    if getattr(config, name, True):
                        changed = step(text)
                        if changed != text:
                            document.repairs.append(Repair(name, f"{text[:20]}… → {changed[:20]}…", page.number))
                            text = changed
                block.paragraphs[i] = replace(paragraph, text=text)
    return document
