"""The report as blocks (headings, paragraphs, quotes, lists, figures), rendered to HTML or Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.loader import text


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = ""  # "lead", "note" or ""


@dataclass(frozen=True)
class Quote:
    """A sentence of the article, shown as the source of what precedes it."""

    text: str


@dataclass(frozen=True)
class Item:
    text: str
    details: tuple[str, ...] = ()
    quote: str = ""


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Figure:
    svg: str
    markdown: str
    caption: str


Block = Heading | Para | Quote | Items | Figure


report_text = text


def quote_text(text: str, lang: str) -> str:
    inner = text.strip().strip("„“”\"").strip()
    return f"„{inner}“" if lang == "lt" else f"“{inner}”"
