"""`branda report`: a client-ready report (HTML or Markdown) built once as blocks and written whole or not at all.

The report says what the level is and means, why (the chain with the article's sentences), what stands before
the next level, the diagnostics with the article's advice, the roadmap (expert.plan), and three pictures: the
level ladder, the fact profile and the transition diagram (inline SVG in HTML, a Mermaid block in Markdown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from expert import svg
from expert.assess import Assessment
from expert.atomic import check_writable, write_atomic
from expert.errors import InputError
from expert.explain import Explanation, explain, rule_title
from expert.profile import Profile
from expert.render import answers_text
from expert.report_blocks import Block, Figure, Heading, Item, Items, Para, Quote, literal, report_text
from expert.report_html import render_html
from expert.report_markdown import md_escape, render_markdown
from knowledge.loader import knowledge
from rules.model import IndicatorRule, rulebase

__all__ = ["KINDS", "Figure", "Heading", "Item", "Items", "Para", "Quote", "build", "render_html",
           "render_markdown", "report_kind", "write_report"]

KINDS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


_t = report_text


def _code(text: object) -> str:
    """Inline code in the blocks' text: `fact`, `>= 4` (rendered as <code> in HTML, kept in Markdown)."""
    return f"`{text}`"



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
    here = f"**◀ {md_escape(_t('report_ladder_here', lang))}**"
    rungs = "\n".join(f"| {n} | {md_escape(names[n - 1])} | {here if n == a.level else ''} |" for n in range(5, 0, -1))
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
                       Items(tuple(Item(f"{_code(f)}: {_t('report_values', lang, values=answers_text(v, lang))}")
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
        rows.append(f"| **{md_escape(heading)}** | | | |")
        for b in bars:
            shown = f"`{'■' * b.value}{'□' * (5 - b.value)}` {b.value}" if b.value is not None else f"*{unknown}*"
            sign = "−" if b.polarity == "-" else "+"
            rows.append(f"| `{b.fact}` | {sign} | {shown} | {md_escape(b.note)} |")
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
    organisation = a.profile.organisation
    subtitle = literal(organisation) if organisation else _t("unnamed_organisation", lang)
    if a.profile.assessed_on:
        subtitle += " · " + _t("report_assessed_on", lang, date=literal(a.profile.assessed_on))
    blocks: list[Block] = [Heading(1, title), Para(subtitle, "subtitle")]
    blocks += _summary(a, lang) + _why(e, lang) + _next(a, lang) + _diagnostics(a, lang)
    blocks += _roadmap(_plan(profile, lang), lang) + _profile(a, lang) + _graph(a, lang)
    if a.unknown_facts:
        blocks += [Heading(2, _t("report_unknown_heading", lang)),
                   Para(_t("report_unknown_list", lang, count=len(a.unknown_facts),
                           facts=", ".join(_code(f) for f in a.unknown_facts)))]
    blocks.append(Para(_t("report_footer", lang), "note"))
    return f"{title}: {subtitle}", blocks


# --- the file -----------------------------------------------------------------------------------------

def report_kind(out: str, lang: str = "en") -> str:
    """'html' or 'md' from the file's extension; an InputError for anything else or a missing folder."""
    path = Path(out)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise InputError(out, _t("report_bad_extension", lang, suffix=repr(path.suffix or "(none)")))
    check_writable(path)
    return kind


def write_report(profile: Profile, out: str | Path, kind: str, lang: str = "en") -> None:
    """Render the whole report in memory, then write it atomically: a failure leaves any old file untouched."""
    title, blocks = build(profile, lang)
    text = render_html(title, blocks, lang) if kind == "html" else render_markdown(title, blocks, lang)
    write_atomic(out, text)
