"""The report as one self-contained HTML page: inline style and SVG, nothing to fetch; printed on A4."""

from __future__ import annotations

import html
import re

from branda.expert.report_blocks import Block, Figure, Heading, Items, Para, Quote, plain, quote_body, segments
from branda.knowledge.model import Model

# Screen first, then print: A4 with page numbers in the bottom margin (WeasyPrint; Chromium where it supports
# margin boxes), the executive summary alone on page 1, headings kept with what follows, no picture split (a chart
# of several pictures may end a page between two of them), a list in two columns kept whole.
CSS = """
body{margin:0;background:#fff;color:#1d2a31;font-family:"DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif;
 line-height:1.5;font-size:16px}
main{max-width:820px;margin:0 auto;padding:36px 28px 56px}
h1{font-size:1.75em;margin:0;color:#123f50}
h2{font-size:1.3em;margin:1.8em 0 .5em;padding-bottom:.2em;border-bottom:2px solid #d7e8ee;color:#123f50}
h3{font-size:1.05em;margin:1.2em 0 .35em;color:#123f50}
p{margin:.45em 0}
.subtitle{color:#5b6b74;margin:.25em 0 1.2em}
.lead{font-size:1.06em}
.callout{background:#fdf3e4;border-left:4px solid #b0701a;padding:.4em .8em}
.note{color:#5b6b74;font-size:.88em}
.wave{font-weight:bold;color:#5b6b74;margin-top:.8em}
section.summary{background:#f3f8fa;border:1px solid #d7e8ee;border-radius:10px;padding:2px 22px 12px}
section.summary h2{border:none;margin-top:.7em}
ul,ol{padding-left:1.3em;margin:.35em 0}
li{margin:.25em 0}
li ul{margin:.1em 0;padding-left:1.1em;list-style:circle}
ul.columns{columns:2;column-gap:2em}
blockquote{margin:.3em 0 .6em;padding:.3em .9em;border-left:4px solid #b9dbe5;background:#f6f9fa;color:#33444d;
 font-style:italic}
blockquote .label{font-style:normal;font-weight:bold;font-size:.85em;color:#5b6b74}
figure{margin:.9em 0}
figure h3{margin-top:.2em}
figure svg{width:100%;height:auto;display:block}
figcaption{color:#5b6b74;font-size:.85em;margin-top:.35em}
@page{size:A4;margin:16mm 15mm 18mm 15mm;
 @bottom-center{content:counter(page) " / " counter(pages);font-family:"DejaVu Sans",Arial,sans-serif;font-size:8pt;
 color:#5b6b74}}
@media print{
 body{font-size:9.5pt;line-height:1.4}
 main{max-width:none;padding:0}
 h1{font-size:17pt}
 h2{font-size:13pt;margin-top:1.2em}
 h3{font-size:10.5pt;margin-top:.9em}
 h1,h2,h3,.wave{break-after:avoid;page-break-after:avoid}
 section.summary{background:none;border:none;padding:0}
 section.newpage{break-before:page;page-break-before:always}
 figure,blockquote,li,.callout,ul.columns{break-inside:avoid;page-break-inside:avoid}
 figure.split{break-inside:auto;page-break-inside:auto}
 figure.split svg{break-inside:avoid;page-break-inside:avoid}
 figure.split h3{break-after:avoid;page-break-after:avoid}
 figcaption{break-before:avoid;page-break-before:avoid}
 figure{margin:.6em 0}
 figure.ladder svg{width:88%}
}
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
        return (f'<blockquote><span class="label">{html.escape(kb.text("report_article", lang))}:</span> '
                f"{html.escape(kb.text('report_quote', lang, text=quote_body(b.text, lang)))}</blockquote>")
    if isinstance(b, Items):
        lis = []
        for item in b.items:
            inner = _inline_html(item.text)
            if item.details:
                inner += "<ul>" + "".join(f"<li>{_inline_html(d)}</li>" for d in item.details) + "</ul>"
            if item.quote:
                inner += _html_block(kb, Quote(item.quote), lang)
            lis.append(f"<li>{inner}</li>")
        tag = "ol" if b.numbered else "ul"
        cls = ' class="columns"' if b.columns else ""
        return f"<{tag}{cls}>" + "".join(lis) + f"</{tag}>"
    assert isinstance(b, Figure)
    heading = f"<h3>{_inline_html(b.heading)}</h3>" if b.heading else ""
    cls = ("chart split" if b.split else "chart") if b.heading else "ladder"
    return f'<figure class="{cls}">{heading}{b.svg}<figcaption>{_inline_html(b.caption)}</figcaption></figure>'


def render_html(kb: Model, title: str, blocks: list[Block], lang: str) -> str:
    """A self-contained page: inline style and SVG, no script, font, stylesheet or image to fetch."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for b in blocks:
        if isinstance(b, Heading) and b.level == 2:
            cls = "summary" if len(sections) == 1 else "newpage" if b.new_page else ""
            sections.append((cls, []))
        sections[-1][1].append(_html_block(kb, b, lang))
    (_, head), *rest = sections
    body = "\n".join([*head, *((f'<section class="{cls}">' if cls else "<section>") + "\n" + "\n".join(parts)
                               + "\n</section>" for cls, parts in rest)])
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(plain(title))}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")
