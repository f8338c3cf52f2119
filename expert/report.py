"""`branda report`: a client-ready report (HTML or Markdown) built once as blocks and written whole or not at all.

The report says what the level is and means, why (the chain with the article's sentences), what stands before
the next level, the diagnostics with the article's advice, the roadmap (expert.plan), and three pictures: the
level ladder, the fact profile and the transition diagram (inline SVG in HTML, a Mermaid block in Markdown).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expert import svg
from expert.assess import Assessment
from expert.errors import InputError
from expert.explain import Explanation, explain, rule_title
from expert.interview import write_atomic
from expert.profile import Profile
from knowledge.loader import knowledge
from rules.model import IndicatorRule, rulebase

__all__ = ["KINDS", "Figure", "Heading", "Item", "Items", "Para", "Quote", "build", "render_html",
           "render_markdown", "report_kind", "write_report"]

KINDS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


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


def _t(key: str, lang: str, **values: object) -> str:
    return knowledge().texts[key](lang).format(**values)


def _code(text: object) -> str:
    """Inline code in the blocks' text: `fact`, `>= 4` (rendered as <code> in HTML, kept in Markdown)."""
    return f"`{text}`"


def _or(values: Iterable[int], lang: str) -> str:
    shown = [str(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {_t('or', lang)} {shown[-1]}"


def _value(value: int | None, lang: str) -> str:
    return _t("report_next_unknown", lang) if value is None else _code(value)


def _fact_value(fact: str, value: int | None, needed: str, lang: str) -> str:
    if value is None:
        return _t("report_fact_unknown", lang, fact=_code(fact), needed=_code(needed))
    return _t("report_fact_value", lang, fact=_code(fact), value=_code(value), needed=_code(needed))


# --- the sections ---------------------------------------------------------------------------------------

def _summary(a: Assessment, lang: str) -> list[Block]:
    kb = knowledge()
    names = [lv.name(lang) for lv in kb.levels]
    ladder = svg.ladder_svg(names, a.level, _t("report_level_word", lang, level="{level}"),
                            _t("report_ladder_here", lang), _t("report_ladder_caption", lang))
    here = f"**◀ {_md(_t('report_ladder_here', lang))}**"
    rungs = "\n".join(f"| {n} | {_md(names[n - 1])} | {here if n == a.level else ''} |" for n in range(5, 0, -1))
    ready = _t("answer_yes" if a.cx_system_ready else "answer_no", lang)
    return [Heading(2, _t("report_level_heading", lang, level=a.level, name=kb.level(a.level).name(lang))),
            Para(kb.level(a.level).description(lang), "lead"),
            Figure(ladder, "| | | |\n|---|---|---|\n" + rungs, _t("report_ladder_caption", lang)),
            Para(_t("report_cx_ready", lang, answer=ready)),
            Para(_t("report_tone", lang), "note")]


def _why(e: Explanation, lang: str) -> list[Block]:
    kb, rules, a = knowledge(), rulebase(), e.assessment
    blocks: list[Block] = [Heading(2, _t("report_why_heading", lang, level=a.level)),
                           Para(_t("report_step_by_step", lang)), Quote(rules.steps[0].cites(lang))]
    if a.level == 1:
        blocks += [Para(_t("report_only_floor", lang)), Quote(kb.level(1).source(lang))]
    fired = [f for f in e.chain if isinstance(rules.rule(f.rule), IndicatorRule)]
    for n in range(2, a.level + 1):
        items = []
        for f in fired:
            rule = rules.rule(f.rule)
            assert isinstance(rule, IndicatorRule)
            if rule.level == n:
                details = tuple(_fact_value(c.fact, f.because.get(c.fact), c.needed, lang) for c in rule.when)
                items.append(Item(rule_title(f.rule, lang), details, rule.cites(lang)))
        blocks += [Heading(3, _t("level_met", lang, level=n, name=kb.level(n).name(lang), count=len(items))),
                   Items(tuple(items))]
    towards = [r.level for r in map(rules.rule, (f.rule for f in e.towards)) if isinstance(r, IndicatorRule)]
    for n in sorted(set(towards)):
        met = towards.count(n)
        blocks.append(Para(_t("report_towards", lang, level=n, met=met, count=len(rules.indicators_of(n)))))
    return blocks


def _next(a: Assessment, lang: str) -> list[Block]:
    kb, rules = knowledge(), rulebase()
    if a.level == 5:
        return []  # the roadmap section says how to keep the top level
    n = a.level + 1
    unmet = list(dict.fromkeys(g.rule for g in a.why_not_next))
    items = []
    for name in unmet:
        details = tuple(_fact_value(g.fact, g.value, g.needed, lang) for g in a.why_not_next if g.rule == name)
        items.append(Item(rule_title(name, lang), details, rules.rule(name).cites(lang)))
    count = len(rules.indicators_of(n))
    return [Heading(2, _t("report_next_heading", lang, level=n, name=kb.level(n).name(lang))),
            Para(_t("report_next_count", lang, met=count - len(unmet), count=count, level=n)),
            Items(tuple(items))]


def _diagnostics(a: Assessment, lang: str) -> list[Block]:
    kb = knowledge()
    blocks: list[Block] = [Heading(2, _t("report_diagnostics_heading", lang))]
    if not a.diagnostics:
        blocks.append(Para(_t("report_no_diagnostics", lang)))
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        blocks += [Heading(3, info.title(lang)), Para(info.message(lang))]
        if d.code == "incomplete_profile":
            blocks += [Para(_t("report_could_change", lang) + ":"),
                       Items(tuple(Item(f"{_code(f)}: {_t('report_values', lang, values=_or(v, lang))}")
                                   for f, v in a.decisive_unknowns.items()))]
        elif d.facts:
            shown = ", ".join(f"{_code(k)} = {_value(v, lang)}" for k, v in d.facts.items())
            blocks.append(Para(f"{_t('report_based_on', lang)}: {shown}"))
        blocks += [Para(f"**{_t('report_advice', lang)}:** {info.advice(lang)}"), Quote(info.source(lang))]
    return blocks


def _plan(profile: Profile, lang: str) -> dict[str, Any] | None:
    try:
        from expert.plan import make_plan, plan_json
    except ImportError:  # the roadmap is optional: a build without expert.plan still reports
        return None
    return plan_json(make_plan(profile), lang)


def _change(c: dict[str, Any], lang: str) -> str:
    if c["from"] is None:
        return _t("report_change_unknown", lang, fact=_code(c["fact"]), new=_code(c["to"]), needed=_code(c["needed"]))
    return _t("report_change", lang, fact=_code(c["fact"]), old=_code(c["from"]), new=_code(c["to"]),
              needed=_code(c["needed"]))


def _roadmap(p: dict[str, Any] | None, lang: str) -> list[Block]:
    kb = knowledge()
    if p is None:
        return [Para(_t("report_plan_missing", lang), "note")]
    blocks: list[Block] = []
    if not p["already_reached"]:
        blocks.append(Heading(2, _t("report_roadmap_heading", lang, level=p["to"], name=kb.level(p["to"]).name(lang))))
        sets = p["change_details"]
        if len(sets) == 1:
            blocks += [Para(_t("report_changes_one", lang, level=p["to"])),
                       Items(tuple(Item(_change(c, lang)) for c in sets[0]))]
        else:
            blocks += [Para(_t("report_changes_many", lang, level=p["to"], count=len(sets))),
                       Items(tuple(Item(_t("report_alternative", lang, number=i), tuple(_change(c, lang) for c in s))
                                   for i, s in enumerate(sets, 1)))]
    for i, step in enumerate(p["steps"], 1):
        blocks += [Heading(3, _t("report_step", lang, number=i, start=step["from"], end=step["to"], name=step["name"])),
                   Para(f"**{_t('report_actions', lang)}**")]
        waves = sorted({a["wave"] for a in step["actions"]})
        for w in waves:
            blocks += [Para(_t("report_wave", lang, wave=w), "wave"),
                       Items(tuple(Item(a["text"], quote=a["cites"]) for a in step["actions"] if a["wave"] == w))]
        for r in step["risks"]:
            value = _t("report_next_unknown", lang) if r["value"] is None else r["value"]
            risk = _t("report_risk", lang, title=kb.diagnostics["regression_risk"].title(lang),
                      condition=_code(r["when"]), value=value)
            blocks.append(Para(risk + (" " + _t("report_risk_active", lang) if r["active"] else "")))
        if step["milestone"]:
            blocks.append(Para(f"**{_t('report_milestone', lang)}:** {step['milestone']}"))
    if p["already_reached"]:
        blocks += [Heading(2, _t("report_roadmap_keep", lang)), Para(_t("top_level", lang))]
    blocks += [Para(p["keep"]["advice"]), Quote(p["keep"]["cites"])]
    return blocks


def _bars(a: Assessment, lang: str) -> list[tuple[str, list[svg.Bar]]]:
    """Each fact with the condition that matters next: the lowest one it fails, else the highest it meets."""
    kb, rules = knowledge(), rulebase()
    groups: dict[int, list[svg.Bar]] = {}
    for name, fact in kb.facts.items():
        value = a.profile.facts.get(name)
        conds = sorted(((r.level, c) for r in rules.indicators for c in r.when if c.fact == name), key=lambda x: x[0])
        if conds:
            failing = [(n, c) for n, c in conds if not c.holds(value)]
            level, cond = failing[0] if failing else conds[-1]
            status = "unknown" if value is None else "open" if failing else "holds"
            key = "report_profile_holds" if status == "holds" else "report_profile_needs"
            note = _t(key, lang, level=level, needed=cond.needed)
            group = conds[0][0]
        else:
            signal = [(r, c) for r in rules.diagnostics for c in r.when if c.fact == name]
            if not signal:
                continue
            rule, trigger = signal[0]
            raised = trigger.holds(value)
            status, group = "unknown" if value is None else "open" if raised else "holds", min(rule.at_levels)
            note = _t("report_profile_signal", lang, needed=trigger.needed, title=kb.diagnostics[rule.code].title(lang))
            zone = tuple(v for v in range(1, 6) if not trigger.holds(v))  # the values that raise nothing
            groups.setdefault(group, []).append(svg.Bar(name, fact.polarity, value, zone, status, note))
            continue
        zone = tuple(v for v in range(1, 6) if cond.holds(v))
        groups.setdefault(group, []).append(svg.Bar(name, fact.polarity, value, zone, status, note))
    return [(_t("report_profile_group", lang, level=n, name=kb.level(n).name(lang)), groups[n]) for n in sorted(groups)]


def _profile(a: Assessment, lang: str) -> list[Block]:
    groups = _bars(a, lang)
    unknown = _t("report_profile_unknown", lang)
    rows = ["| | | 1-5 | |", "|---|---|---|---|"]
    for heading, bars in groups:
        rows.append(f"| **{_md(heading)}** | | | |")
        for b in bars:
            shown = f"`{'■' * b.value}{'□' * (5 - b.value)}` {b.value}" if b.value is not None else f"*{unknown}*"
            sign = "−" if b.polarity == "-" else "+"
            rows.append(f"| `{b.fact}` | {sign} | {shown} | {_md(b.note)} |")
    picture = svg.profile_svg(groups, unknown, _t("report_profile_heading", lang))
    return [Heading(2, _t("report_profile_heading", lang)),
            Figure(picture, "\n".join(rows), _t("report_profile_caption", lang))]


def _graph(a: Assessment, lang: str) -> list[Block]:
    from expert.transitions import graph_mermaid, transition_graph
    from knowledge.transitions import transitions

    g = transition_graph(lang)
    names = [g.nodes[n]["name"] for n in range(1, 6)]
    forward = {n: _t("report_graph_conditions", lang, count=len(g.edges[n, n + 1]["requires"])) for n in range(1, 5)}
    fallback = {n: ", ".join(t["condition"] for t in g.edges[n, n - 1]["triggers"] if t["kind"] == "complacency")
                for n in range(2, 6)}
    picture = svg.transition_svg(names, a.level, forward, fallback, transitions().complacency.stressed_at,
                                 _t("report_graph_heading", lang))
    mermaid = f"```mermaid\n{graph_mermaid(lang)}\n  style L{a.level} fill:{svg.ACCENT},color:#ffffff\n```"
    return [Heading(2, _t("report_graph_heading", lang)), Figure(picture, mermaid, _t("report_graph_caption", lang))]


def build(profile: Profile, lang: str = "en") -> tuple[str, list[Block]]:
    """The report's title and blocks, every text in `lang`."""
    e = explain(profile)
    a = e.assessment
    title = _t("report_title", lang)
    subtitle = a.profile.organisation or _t("unnamed_organisation", lang)
    if a.profile.assessed_on:
        subtitle += " · " + _t("report_assessed_on", lang, date=a.profile.assessed_on)
    blocks: list[Block] = [Heading(1, title), Para(subtitle, "subtitle")]
    blocks += _summary(a, lang) + _why(e, lang) + _next(a, lang) + _diagnostics(a, lang)
    blocks += _roadmap(_plan(profile, lang), lang) + _profile(a, lang) + _graph(a, lang)
    if a.unknown_facts:
        blocks += [Heading(2, _t("report_unknown_heading", lang)),
                   Para(_t("report_unknown_list", lang, count=len(a.unknown_facts),
                           facts=", ".join(_code(f) for f in a.unknown_facts)))]
    blocks.append(Para(_t("report_footer", lang), "note"))
    return f"{title}: {subtitle}", blocks


# --- HTML ---------------------------------------------------------------------------------------------

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
    """Escape `text`; `…` becomes <code>, **…** becomes <strong>."""
    parts = text.split("`")
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{html.escape(part)}</code>")
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(part)))
    return "".join(out)


def _quote_text(text: str, lang: str) -> str:
    inner = text.strip().strip("„“”\"").strip()
    return f"„{inner}“" if lang == "lt" else f"“{inner}”"


def _html_block(b: Block, lang: str) -> str:
    if isinstance(b, Heading):
        return f"<h{b.level}>{_inline_html(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        cls = f' class="{b.kind}"' if b.kind else ""
        return f"<p{cls}>{_inline_html(b.text)}</p>"
    if isinstance(b, Quote):
        return (f'<blockquote><span class="label">{html.escape(_t("report_article", lang))}</span>'
                f"{html.escape(_quote_text(b.text, lang))}</blockquote>")
    if isinstance(b, Items):
        lis = []
        for item in b.items:
            inner = _inline_html(item.text)
            if item.details:
                inner += "<ul>" + "".join(f"<li>{_inline_html(d)}</li>" for d in item.details) + "</ul>"
            if item.quote:
                inner += _html_block(Quote(item.quote), lang)
            lis.append(f"<li>{inner}</li>")
        return "<ul>" + "".join(lis) + "</ul>"
    return f"<figure>{b.svg}<figcaption>{html.escape(b.caption)}</figcaption></figure>"


def render_html(title: str, blocks: list[Block], lang: str) -> str:
    """A self-contained page: inline style and SVG, no script, font, stylesheet or image to fetch."""
    sections: list[list[str]] = [[]]
    for b in blocks:
        if isinstance(b, Heading) and b.level == 2:
            sections.append([])
        sections[-1].append(_html_block(b, lang))
    head, *rest = sections
    opening = ['<section class="summary">', *["<section>"] * len(rest)]
    body = "\n".join([*head, *(f"{opening[i]}\n" + "\n".join(s) + "\n</section>" for i, s in enumerate(rest))])
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")


# --- Markdown -----------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"[\\*_\[\]|]|^[#>+-]")
_MD_ENTITY = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")  # what could start raw HTML or an entity


def _md_plain(text: str) -> str:
    text = _MD_ENTITY.sub(lambda m: "&lt;" if m.group(0) == "<" else "&amp;", text)
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _md(text: str) -> str:
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
        return f"{'#' * b.level} {_md(b.text)}"
    if isinstance(b, Para):
        return f"*{_md(b.text)}*" if b.kind in ("note", "wave") else _md(b.text)
    if isinstance(b, Quote):
        return f"> *{_md(_t('report_article', lang))}:* {_md(_quote_text(b.text, lang))}"
    if isinstance(b, Items):
        lines = []
        for item in b.items:
            lines.append(f"- {_md(item.text)}")
            lines += [f"  - {_md(d)}" for d in item.details]
            if item.quote:
                lines.append("  " + _md_block(Quote(item.quote), lang))
        return "\n".join(lines)
    return f"{b.markdown}\n\n*{_md(b.caption)}*"


def render_markdown(title: str, blocks: list[Block], lang: str) -> str:
    """The same report as Markdown; the transition diagram as a Mermaid block."""
    return "\n\n".join(_md_block(b, lang) for b in blocks) + "\n"


# --- the file -----------------------------------------------------------------------------------------

def report_kind(out: str, lang: str = "en") -> str:
    """'html' or 'md' from the file's extension; an InputError for anything else or a missing folder."""
    path = Path(out)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise InputError(out, _t("report_bad_extension", lang, suffix=repr(path.suffix or "(none)")))
    if path.is_dir():
        raise InputError(out, "is a directory; give a file name ending in .html or .md")
    if not path.parent.is_dir():
        raise InputError(out, f"the folder {str(path.parent)!r} does not exist")
    return kind


def write_report(profile: Profile, out: str | Path, kind: str, lang: str = "en") -> None:
    """Render the whole report in memory, then write it atomically: a failure leaves any old file untouched."""
    title, blocks = build(profile, lang)
    text = render_html(title, blocks, lang) if kind == "html" else render_markdown(title, blocks, lang)
    write_atomic(out, text)
