"""The report as one self-contained HTML page: inline style and SVG, nothing to fetch."""

from __future__ import annotations

import html
import re

from branda.expert.render import quoted
from branda.expert.report_blocks import Block, Heading, Items, Para, Quote, plain, segments
from branda.knowledge.model import Model

CSS = """
body{margin:0;background:#fff;color:#1d2a31;font-family:"DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;
 line-height:1.55;font-size:16px}
main{max-width:820px;margin:0 auto;padding:36px 28px 56px}
h1{font-size:1.9em;margin:0;color:#123f50}
h2{font-size:1.35em;margin:2.2em 0 .6em;padding-bottom:.25em;border-bottom:2px solid #d7e8ee;color:#123f50}
h3{font-size:1.08em;margin:1.5em 0 .4em}
p{margin:.5em 0}
.subtitle{color:#5b6b74;margin:.3em 0 1.6em}
.lead{font-size:1.08em}
.note{color:#5b6b74;font-size:.92em}
.wave{font-weight:bold;color:#5b6b74;margin-top:.9em}
section.summary{background:#f3f8fa;border:1px solid #d7e8ee;border-radius:10px;padding:4px 24px 16px}
section.summary h2{border:none;margin-top:.8em}
ul{padding-left:1.3em}
li{margin:.35em 0}
li ul{margin:.15em 0;padding-left:1.1em;list-style:circle}
blockquote{margin:.35em 0 .7em;padding:.35em .9em;border-left:4px solid #b9dbe5;background:#f6f9fa;color:#33444d;
 font-style:italic}
blockquote .label{font-style:normal;font-weight:bold;font-size:.82em;color:#5b6b74;margin-right:.45em}
code{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.88em;background:#eef3f5;
 padding:.05em .3em;border-radius:3px}
figure{margin:1.2em 0}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#5b6b74;font-size:.88em;margin-top:.4em}
@media print{main{padding:0}section{break-inside:auto}figure,blockquote{break-inside:avoid}}
""".strip()


def _inline_html(text: str) -> str:
    """Escape `text`; in our own text `…` becomes <code> and **…** <strong>; literal text is only escaped."""
    out = []
    for is_literal, piece in segments(text):
        if is_literal:
            out.append(html.escape(piece))
            continue
        for i, part in enumerate(piece.split("`")):
            if i % 2:
                out.append(f"<code>{html.escape(part)}</code>")
            else:
                out.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(part)))
    return "".join(out)


def _html_block(kb: Model, b: Block, lang: str) -> str:
    if isinstance(b, Heading):
        return f"<h{b.level}>{_inline_html(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        cls = f' class="{b.kind}"' if b.kind else ""
        return f"<p{cls}>{_inline_html(b.text)}</p>"
    if isinstance(b, Quote):
        return (f'<blockquote><span class="label">{html.escape(kb.text("report_article", lang))}</span>'
                f"{html.escape(quoted(kb, b.text, lang, 'report_quote'))}</blockquote>")
    if isinstance(b, Items):
        lis = []
        for item in b.items:
            inner = _inline_html(item.text)
            if item.details:
                inner += "<ul>" + "".join(f"<li>{_inline_html(d)}</li>" for d in item.details) + "</ul>"
            if item.quote:
                inner += _html_block(kb, Quote(item.quote), lang)
            lis.append(f"<li>{inner}</li>")
        return "<ul>" + "".join(lis) + "</ul>"
    return f"<figure>{b.svg}<figcaption>{html.escape(b.caption)}</figcaption></figure>"


def render_html(kb: Model, title: str, blocks: list[Block], lang: str) -> str:
    """A self-contained page: inline style and SVG, no script, font, stylesheet or image to fetch."""
    sections: list[list[str]] = [[]]
    for b in blocks:
        if isinstance(b, Heading) and b.level == 2:
            sections.append([])
        sections[-1].append(_html_block(kb, b, lang))
    head, *rest = sections
    opening = ['<section class="summary">', *["<section>"] * len(rest)]
    body = "\n".join([*head, *(f"{opening[i]}\n" + "\n".join(s) + "\n</section>" for i, s in enumerate(rest))])
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(plain(title))}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")
