"""The report as Markdown: escaped text, and each picture as a table (Markdown has no pictures of its own)."""

from __future__ import annotations

import re

from branda.expert.report_blocks import Block, Figure, Heading, Items, Para, Quote, quote_body, segments
from branda.knowledge.model import Model

_MD_SPECIAL = re.compile(r"[\\*_\[\]|]|^[#>+-]")
_MD_ENTITY = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")  # what could start raw HTML or an entity


def _md_plain(text: str) -> str:
    text = _MD_ENTITY.sub(lambda m: "&lt;" if m.group(0) == "<" else "&amp;", text)
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


_ASCII_PUNCTUATION = re.compile(r"([!-%'-/:;=?@\[-`{-~])")  # CommonMark's backslash escapes, but & < >
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}  # as entities, so that no renderer reads a tag in them


def md_escape(text: str) -> str:
    """Escape Markdown outside `code` spans (and keep **bold** as written by the blocks); literal text whole."""
    out = []
    for is_literal, piece in segments(text):
        if is_literal:
            escaped = _ASCII_PUNCTUATION.sub(r"\\\1", piece)
            out.append(re.sub("[&<>]", lambda m: _ENTITIES[m.group(0)], escaped))
            continue
        for i, part in enumerate(piece.split("`")):
            if i % 2:
                out.append(f"`{part}`")
            else:
                out.append("**".join(_md_plain(bit) for bit in part.split("**")))
    return "".join(out)


def _md_block(kb: Model, b: Block, lang: str) -> str:
    if isinstance(b, Heading):
        return f"{'#' * b.level} {md_escape(b.text)}"
    if isinstance(b, Para):
        if b.kind == "callout":
            return f"> {md_escape(b.text)}"
        return f"*{md_escape(b.text)}*" if b.kind in ("note", "wave") else md_escape(b.text)
    if isinstance(b, Quote):
        quote = kb.text("report_quote", lang, text=quote_body(b.text, lang))
        return f"> *{md_escape(kb.text('report_article', lang))}:* {md_escape(quote)}"
    if isinstance(b, Items):
        lines = []
        for i, item in enumerate(b.items, 1):
            lines.append(f"{f'{i}.' if b.numbered else '-'} {md_escape(item.text)}")
            lines += [f"  - {md_escape(d)}" for d in item.details]
            if item.quote:
                lines.append("  " + _md_block(kb, Quote(item.quote), lang))
        return "\n".join(lines)
    assert isinstance(b, Figure)
    header, *rows = b.table
    table = ["| " + " | ".join(md_escape(c) for c in header) + " |", "|" + "---|" * len(header)]
    table += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    heading = f"### {md_escape(b.heading)}\n\n" if b.heading else ""
    return f"{heading}" + "\n".join(table) + f"\n\n*{md_escape(b.markdown_caption or b.caption)}*"


def render_markdown(kb: Model, title: str, blocks: list[Block], lang: str) -> str:
    """The same report as Markdown; the pictures as tables."""
    return "\n\n".join(_md_block(kb, b, lang) for b in blocks) + "\n"
