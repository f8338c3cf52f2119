"""`branda report`: a client-ready report (HTML or Markdown) built once as blocks and written whole or not at all.

The report says what the level is and means, why (the chain with the article's sentences), what stands before
the next level, the diagnostics with the article's advice, the roadmap (expert.plan), and three pictures: the
level ladder, the fact profile and the transition diagram (inline SVG in HTML, a Mermaid block in Markdown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from branda.expert import svg
from branda.expert.assess import Assessment
from branda.expert.atomic import check_writable, write_atomic
from branda.expert.errors import InputError
from branda.expert.explain import Explanation, explain, rule_title
from branda.expert.profile import Profile
from branda.expert.render import answers_text
from branda.expert.report_blocks import Block, Figure, Heading, Item, Items, Para, Quote, literal
from branda.expert.report_html import render_html
from branda.expert.report_markdown import md_escape, render_markdown
from branda.knowledge.model import Model
from branda.rules.model import IndicatorRule

__all__ = ["KINDS", "Figure", "Heading", "Item", "Items", "Para", "Quote", "build", "render_html",
           "render_markdown", "report_kind", "write_report"]

KINDS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def _code(text: object) -> str:
    """Inline code in the blocks' text: `fact`, `>= 4` (rendered as <code> in HTML, kept in Markdown)."""
    return f"`{text}`"



def _value(kb: Model, value: int | None, lang: str) -> str:
    return kb.text("report_next_unknown", lang) if value is None else _code(value)


def _fact_value(kb: Model, fact: str, value: int | None, needed: str, lang: str) -> str:
    if value is None:
        return kb.text("report_fact_unknown", lang, fact=_code(fact), needed=_code(needed))
    return kb.text("report_fact_value", lang, fact=_code(fact), value=_code(value), needed=_code(needed))


# --- the sections ---------------------------------------------------------------------------------------

def _summary(a: Assessment, lang: str) -> list[Block]:
    kb = a.model
    names = [lv.name(lang) for lv in kb.levels]
    ladder = svg.ladder_svg(names, a.level, kb.text("report_level_word", lang, level="{level}"),
                            kb.text("report_ladder_here", lang), kb.text("report_ladder_caption", lang))
    here = f"**◀ {md_escape(kb.text('report_ladder_here', lang))}**"
    rungs = "\n".join(f"| {n} | {md_escape(names[n - 1])} | {here if n == a.level else ''} |" for n in range(kb.top, 0, -1))
    blocks: list[Block] = [
        Heading(2, kb.text("report_level_heading", lang, level=a.level, name=kb.level(a.level).name(lang))),
        Para(kb.level(a.level).description(lang), "lead"),
        Figure(ladder, "| | | |\n|---|---|---|\n" + rungs, kb.text("report_ladder_caption", lang))]
    if a.ready is not None:
        blocks.append(Para(kb.text("report_cx_ready", lang, answer=kb.text("answer_yes" if a.ready else "answer_no", lang))))
    return [*blocks, Para(kb.text("report_tone", lang), "note")]


def _why(e: Explanation, lang: str) -> list[Block]:
    a = e.assessment
    kb, rules = a.model, a.model.rules
    blocks: list[Block] = [Heading(2, kb.text("report_why_heading", lang, level=a.level)),
                           Para(kb.text("report_step_by_step", lang)), Quote(rules.steps[0].cites(lang))]
    if a.level == 1:
        blocks += [Para(kb.text("report_only_floor", lang)), Quote(kb.level(1).source(lang))]
    fired = [f for f in e.chain if isinstance(rules.rule(f.rule), IndicatorRule)]
    for n in range(2, a.level + 1):
        items = []
        for f in fired:
            rule = rules.rule(f.rule)
            assert isinstance(rule, IndicatorRule)
            if rule.level == n:
                details = tuple(_fact_value(kb, c.fact, f.because.get(c.fact), c.needed, lang) for c in rule.when)
                items.append(Item(rule_title(kb, f.rule, lang), details, rule.cites(lang)))
        blocks += [Heading(3, kb.text("level_met", lang, level=n, name=kb.level(n).name(lang), count=len(items))),
                   Items(tuple(items))]
    towards = [r.level for r in map(rules.rule, (f.rule for f in e.towards)) if isinstance(r, IndicatorRule)]
    for n in sorted(set(towards)):
        met = towards.count(n)
        blocks.append(Para(kb.text("report_towards", lang, level=n, met=met, count=len(rules.indicators_of(n)))))
    return blocks


def _next(a: Assessment, lang: str) -> list[Block]:
    kb, rules = a.model, a.model.rules
    if a.level == kb.top:
        return []  # the roadmap section says how to keep the top level
    n = a.level + 1
    unmet = list(dict.fromkeys(g.rule for g in a.why_not_next))
    items = []
    for name in unmet:
        details = tuple(_fact_value(kb, g.fact, g.value, g.needed, lang) for g in a.why_not_next if g.rule == name)
        items.append(Item(rule_title(kb, name, lang), details, rules.rule(name).cites(lang)))
    count = len(rules.indicators_of(n))
    return [Heading(2, kb.text("report_next_heading", lang, level=n, name=kb.level(n).name(lang))),
            Para(kb.text("report_next_count", lang, met=count - len(unmet), count=count, level=n)),
            Items(tuple(items))]


def _diagnostics(a: Assessment, lang: str) -> list[Block]:
    kb = a.model
    blocks: list[Block] = [Heading(2, kb.text("report_diagnostics_heading", lang))]
    if not a.diagnostics:
        blocks.append(Para(kb.text("report_no_diagnostics", lang)))
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        blocks += [Heading(3, info.title(lang)), Para(info.message(lang))]
        if d.code == kb.incomplete:
            blocks += [Para(kb.text("report_could_change", lang) + ":"),
                       Items(tuple(Item(f"{_code(f)}: {kb.text('report_values', lang, values=answers_text(kb, v, lang))}")
                                   for f, v in a.decisive_unknowns.items()))]
        elif d.facts:
            shown = ", ".join(f"{_code(k)} = {_value(kb, v, lang)}" for k, v in d.facts.items())
            blocks.append(Para(f"{kb.text('report_based_on', lang)}: {shown}"))
        blocks += [Para(f"**{kb.text('report_advice', lang)}:** {info.advice(lang)}"), Quote(info.source(lang))]
    return blocks


def _plan(model: Model, profile: Profile, lang: str) -> dict[str, Any]:
    from branda.expert.plan import make_plan, plan_json

    return plan_json(make_plan(model, profile), lang)


def _change(kb: Model, c: dict[str, Any], lang: str) -> str:
    if c["from"] is None:
        return kb.text("report_change_unknown", lang, fact=_code(c["fact"]), new=_code(c["to"]), needed=_code(c["needed"]))
    return kb.text("report_change", lang, fact=_code(c["fact"]), old=_code(c["from"]), new=_code(c["to"]),
              needed=_code(c["needed"]))


def _roadmap(kb: Model, p: dict[str, Any], lang: str) -> list[Block]:
    blocks: list[Block] = []
    if not p["already_reached"]:
        blocks.append(Heading(2, kb.text("report_roadmap_heading", lang, level=p["to"], name=kb.level(p["to"]).name(lang))))
        sets = p["change_details"]
        if len(sets) == 1:
            blocks += [Para(kb.text("report_changes_one", lang, level=p["to"])),
                       Items(tuple(Item(_change(kb, c, lang)) for c in sets[0]))]
        else:
            blocks += [Para(kb.text("report_changes_many", lang, level=p["to"], count=len(sets))),
                       Items(tuple(Item(kb.text("report_alternative", lang, number=i), tuple(_change(kb, c, lang) for c in s))
                                   for i, s in enumerate(sets, 1)))]
    for i, step in enumerate(p["steps"], 1):
        blocks += [Heading(3, kb.text("report_step", lang, number=i, start=step["from"], end=step["to"], name=step["name"])),
                   Para(f"**{kb.text('report_actions', lang)}**")]
        waves = sorted({a["wave"] for a in step["actions"]})
        for w in waves:
            blocks += [Para(kb.text("report_wave", lang, wave=w), "wave"),
                       Items(tuple(Item(a["text"], quote=a["cites"]) for a in step["actions"] if a["wave"] == w))]
        for r in step["risks"]:
            value = kb.text("report_next_unknown", lang) if r["value"] is None else r["value"]
            risk = kb.text("report_risk", lang, title=kb.diagnostics[kb.transitions.risk.diagnostic or ""].title(lang),
                      condition=_code(r["when"]), value=value)
            blocks.append(Para(risk + (" " + kb.text("report_risk_active", lang) if r["active"] else "")))
        if step["milestone"]:
            blocks.append(Para(f"**{kb.text('report_milestone', lang)}:** {step['milestone']}"))
    if p["already_reached"]:
        blocks += [Heading(2, kb.text("report_roadmap_keep", lang)), Para(kb.text("top_level", lang))]
    blocks += [Para(p["keep"]["advice"]), Quote(p["keep"]["cites"])]
    return blocks


def _bars(a: Assessment, lang: str) -> list[tuple[str, list[svg.Bar]]]:
    """Each fact with the condition that matters next: the lowest one it fails, else the highest it meets."""
    kb, rules = a.model, a.model.rules
    groups: dict[int, list[svg.Bar]] = {}
    for name, fact in kb.facts.items():
        value = a.profile.facts.get(name)
        conds = sorted(((r.level, c) for r in rules.indicators for c in r.when if c.fact == name), key=lambda x: x[0])
        if conds:
            failing = [(n, c) for n, c in conds if not c.holds(value)]
            level, cond = failing[0] if failing else conds[-1]
            status = "unknown" if value is None else "open" if failing else "holds"
            key = "report_profile_holds" if status == "holds" else "report_profile_needs"
            note = kb.text(key, lang, level=level, needed=cond.needed)
            group = conds[0][0]
        else:
            signal = [(r, c) for r in rules.diagnostics for c in r.when if c.fact == name]
            if not signal:
                continue
            rule, trigger = signal[0]
            raised = trigger.holds(value)
            status, group = "unknown" if value is None else "open" if raised else "holds", min(rule.at_levels)
            note = kb.text("report_profile_signal", lang, needed=trigger.needed, title=kb.diagnostics[rule.code].title(lang))
            zone = tuple(v for v in rules.scale if not trigger.holds(v))  # the values that raise nothing
            groups.setdefault(group, []).append(svg.Bar(name, fact.polarity, value, zone, status, note))
            continue
        zone = tuple(v for v in rules.scale if cond.holds(v))
        groups.setdefault(group, []).append(svg.Bar(name, fact.polarity, value, zone, status, note))
    return [(kb.text("report_profile_group", lang, level=n, name=kb.level(n).name(lang)), groups[n]) for n in sorted(groups)]


def _profile(a: Assessment, lang: str) -> list[Block]:
    kb, scale = a.model, a.model.rules.scale
    groups = _bars(a, lang)
    unknown = kb.text("report_profile_unknown", lang)
    rows = [f"| | | {kb.low}-{kb.high} | |", "|---|---|---|---|"]
    for heading, bars in groups:
        rows.append(f"| **{md_escape(heading)}** | | | |")
        for b in bars:
            filled = 0 if b.value is None else b.value - kb.low + 1
            shown = f"`{'■' * filled}{'□' * (len(scale) - filled)}` {b.value}" if b.value is not None else f"*{unknown}*"
            sign = "−" if b.polarity == "-" else "+"
            rows.append(f"| `{b.fact}` | {sign} | {shown} | {md_escape(b.note)} |")
    picture = svg.profile_svg(groups, unknown, kb.text("report_profile_heading", lang), tuple(scale))
    return [Heading(2, kb.text("report_profile_heading", lang)),
            Figure(picture, "\n".join(rows), kb.text("report_profile_caption", lang))]


def _graph(a: Assessment, lang: str) -> list[Block]:
    from branda.expert.transitions import graph_mermaid, transition_graph

    kb = a.model
    g = transition_graph(kb, lang)
    names = [g.nodes[n]["name"] for n in kb.rules.levels]
    forward = {n: kb.text("report_graph_conditions", lang, count=len(g.edges[n, n + 1]["requires"]))
               for n in range(1, kb.top)}
    fallback = {n: ", ".join(t["condition"] for t in g.edges[n, n - 1]["triggers"] if t["kind"] == "complacency")
                for n in range(2, kb.top + 1)}
    picture = svg.transition_svg(names, a.level, forward, fallback, kb.transitions.risk.stressed_at,
                                 kb.text("report_graph_heading", lang))
    mermaid = f"```mermaid\n{graph_mermaid(kb, lang)}\n  style L{a.level} fill:{svg.ACCENT},color:#ffffff\n```"
    return [Heading(2, kb.text("report_graph_heading", lang)), Figure(picture, mermaid, kb.text("report_graph_caption", lang))]


def build(kb: Model, profile: Profile, lang: str = "en") -> tuple[str, list[Block]]:
    """The report's title and blocks, every text in `lang`."""
    e = explain(kb, profile)
    a = e.assessment
    title = kb.text("report_title", lang)
    organisation = a.profile.organisation
    subtitle = literal(organisation) if organisation else kb.text("unnamed_organisation", lang)
    if a.profile.assessed_on:
        subtitle += " · " + kb.text("report_assessed_on", lang, date=literal(a.profile.assessed_on))
    blocks: list[Block] = [Heading(1, title), Para(subtitle, "subtitle")]
    blocks += _summary(a, lang) + _why(e, lang) + _next(a, lang) + _diagnostics(a, lang)
    blocks += _roadmap(kb, _plan(kb, profile, lang), lang) + _profile(a, lang) + _graph(a, lang)
    if a.unknown_facts:
        blocks += [Heading(2, kb.text("report_unknown_heading", lang)),
                   Para(kb.text("report_unknown_list", lang, count=len(a.unknown_facts),
                           facts=", ".join(_code(f) for f in a.unknown_facts)))]
    blocks.append(Para(kb.text("report_footer", lang), "note"))
    return f"{title}: {subtitle}", blocks


# --- the file -----------------------------------------------------------------------------------------

def report_kind(kb: Model, out: str, lang: str = "en") -> str:
    """'html' or 'md' from the file's extension; an InputError for anything else or a missing folder."""
    path = Path(out)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise InputError(out, kb.text("report_bad_extension", lang, suffix=repr(path.suffix or "(none)")))
    check_writable(path)
    return kind


def write_report(kb: Model, profile: Profile, out: str | Path, kind: str, lang: str = "en") -> None:
    """Render the whole report in memory, then write it atomically: a failure leaves any old file untouched."""
    title, blocks = build(kb, profile, lang)
    text = render_html(kb, title, blocks, lang) if kind == "html" else render_markdown(kb, title, blocks, lang)
    write_atomic(out, text)
