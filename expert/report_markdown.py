"""The report as Markdown: escaped text, tables for the pictures, a Mermaid block for the transitions."""

from __future__ import annotations

import re

from expert.report_blocks import Block, Heading, Items, Para, Quote, quote_text, report_text

_MD_SPECIAL = re.compile(r"[\\*_\[\]|]|^[#>+-]")
_MD_ENTITY = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")  # what could start raw HTML or an entity


def _md_plain(text: str) -> str:
    text = _MD_ENTITY.sub(lambda m: "&lt;" if m.group(0) == "<" else "&amp;", text)
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def md_escape(text: str) -> str:
    """Escape Markdown outside `code` spans (and keep **bold** as written by the blocks)."""
    parts = text.split("`")
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"`{part}`")
        else:
            bold = part.split("**")
            out.append("**".join(_md_plain(piece) for piece in bold))
    return "".join(out)


def _md_block(b: Block, lang: str) -> str:
    if isinstance(b, Heading):
        return f"{'#' * b.level} {md_escape(b.text)}"
    if isinstance(b, Para):
        return f"*{md_escape(b.text)}*" if b.kind in ("note", "wave") else md_escape(b.text)
    if isinstance(b, Quote):
        return f"> *{md_escape(report_text('report_article', lang))}:* {md_escape(quote_text(b.text, lang))}"
    if isinstance(b, Items):
        lines = []
        for item in b.items:
            lines.append(f"- {md_escape(item.text)}")
            lines += [f"  - {md_escape(d)}" for d in item.details]
            if item.quote:
                lines.append("  " + _md_block(Quote(item.quote), lang))
        return "\n".join(lines)
    return f"{b.markdown}\n\n*{md_escape(b.caption)}*"


def render_markdown(title: str, blocks: list[Block], lang: str) -> str:
    """The same report as Markdown; the transition diagram as a Mermaid block."""
    return "\n\n".join(_md_block(b, lang) for b in blocks) + "\n"
