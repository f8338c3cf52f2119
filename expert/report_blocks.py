"""The report as blocks (headings, paragraphs, quotes, lists, figures), rendered to HTML or Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    new_page: bool = False  # in print, the section it opens starts on a new page


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = ""  # "lead", "callout", "note", "wave" or ""


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
    numbered: bool = False
    columns: bool = False  # short items, set in two columns where the page allows


@dataclass(frozen=True)
class Figure:
    """A picture: SVG for HTML and PDF, a table for Markdown; its heading and caption are kept with it."""

    svg: str
    table: tuple[tuple[str, ...], ...]  # for Markdown: the header row, then the rows (our own text, ** and ` kept)
    caption: str
    heading: str = ""
    markdown_caption: str = ""  # when the table needs other words than the picture (Markdown has no tints)
    split: bool = False  # several pictures in a row (one per group): in print a page may end between two of them


Block = Heading | Para | Quote | Items | Figure


_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks around text that came from a file
_LITERAL = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.S)
_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ue000\ue001]")


def literal(text: str) -> str:
    """Text from a file (an organisation's name…) marked to be shown as written: one line, never markup.

    Renderers escape it whole: no code span, emphasis, heading, HTML or control character can come out of it.
    """
    return _OPEN + _CONTROLS.sub("", _BREAKS.sub(" ", text)) + _CLOSE


def segments(text: str) -> Iterator[tuple[bool, str]]:
    """`text` split into (is_literal, piece): our own template text, and the literal text marked inside it."""
    at = 0
    for m in _LITERAL.finditer(text):
        if m.start() > at:
            yield False, text[at:m.start()]
        yield True, m.group(1)
        at = m.end()
    if at < len(text):
        yield False, text[at:]


def plain(text: str) -> str:
    """`text` with the literal marks removed (for a page title, which has no markup at all)."""
    return text.replace(_OPEN, "").replace(_CLOSE, "")


_MARKS = "„“”\""
_INNER = re.compile(r'"([^"]+)"')


def quote_body(text: str, lang: str) -> str:
    """An article sentence ready for the language's outer quotation marks: its own outer marks dropped (only
    as a pair, or a lone one that is unbalanced), and in English straight inner quotes made ‘single’."""
    t = " ".join(text.split())
    if len(t) > 1 and t[0] in _MARKS and t[-1] in _MARKS and sum(t.count(m) for m in _MARKS) % 2 == 0:
        t = t[1:-1].strip()
    elif t and sum(t.count(m) for m in _MARKS) % 2 == 1:
        t = t[1:] if t[0] in _MARKS else t[:-1] if t[-1] in _MARKS else t
    return _INNER.sub("‘\\1’", t) if lang == "en" else t
