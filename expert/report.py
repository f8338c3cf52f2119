"""`branda report`: a client-ready report (HTML, Markdown or PDF) built once as blocks and written whole or not at all.

Page 1 is the executive summary: the level and what it means for this client, "provisional" when answers are
missing, every diagnostic in one plain sentence and the first priorities of the plan. Then why (level by level,
one line per criterion with the client's answer in words), what stands before the next level, the findings with
the article's advice, the roadmap and the pictures; the consultant's full detail only in an appendix. Nothing a
person reads carries a fact code, a rule name or an operator; each article sentence is quoted at most once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from branda.expert import summary, svg, words
from branda.expert.assess import Assessment, Gap
from branda.expert.atomic import check_writable, write_atomic
from branda.expert.compare import SENTENCE_FACTS, Comparison, compare, risk_moved, step_sentence, with_current
from branda.expert.errors import InputError
from branda.expert.explain import Explanation, explain
from branda.expert.peers import Benchmark, benchmark, benchmark_text, percent
from branda.expert.plan import Plan, make_plan
from branda.expert.profile import Profile
from branda.expert.report_blocks import Block, Figure, Heading, Item, Items, Para, Quote, literal
from branda.expert.report_html import render_html
from branda.expert.report_markdown import render_markdown
from branda.knowledge.model import Model
from branda.rules.model import Condition, DiagnosticRule, IndicatorRule, StepRule

__all__ = ["KINDS", "Figure", "Heading", "Item", "Items", "Para", "Quote", "Report", "build",
           "render_html", "render_markdown", "report_kind", "write_report"]

KINDS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}
PRIORITIES = 3  # the first priorities on page 1


@dataclass
class Report:
    """What the report is built from, and the article sentences already quoted (each at most once)."""

    explanation: Explanation
    plan: Plan
    lang: str
    quoted: set[str] = field(default_factory=set)
    history: Comparison | None = None  # with --previous: the earlier assessments, this one last
    peers: Benchmark | None = None  # with --peers: the client among the survey's organisations

    @property
    def a(self) -> Assessment:
        return self.explanation.assessment

    @property
    def kb(self) -> Model:
        return self.a.model

    def t(self, key: str, **values: object) -> str:
        return self.kb.text(key, self.lang, **values)

    def quote(self, text: str) -> list[Quote]:
        """The article's sentence as a block, unless it is empty or already quoted in this report."""
        key = " ".join(text.strip().strip("„“”\"").split()).rstrip(".")
        if not key or key in self.quoted:
            return []
        self.quoted.add(key)
        return [Quote(text)]

    def level_name(self, n: int) -> str:
        return self.kb.level(n).name(self.lang)


def _need_line(r: Report, fact: str, value: int | None, needed: str) -> str:
    kb, lang = r.kb, r.lang
    return r.t("report_need_unknown" if value is None else "report_need_line", label=words.label(kb, fact, lang),
               value=words.value_words(kb, value, lang), needed=words.needs_words(kb, needed, lang))


def _notes(r: Report, facts: Sequence[str]) -> tuple[str, ...]:
    """The evidence the profile gives for `facts`, one line per note, the consultant's text marked as literal."""
    profile = r.a.profile
    several = profile.panel is not None
    return tuple(words.evidence_said(r.kb, note, r.lang, several, wrap=literal)
                 for fact in facts for note in profile.evidence.get(fact, ()))


def _criterion(r: Report, rule: IndicatorRule) -> Item:
    """A criterion that holds, with the client's answers in words (and the evidence behind them)."""
    facts = {c.fact: r.a.profile.facts.get(c.fact) for c in rule.when}
    return Item(r.t("report_criterion", title=rule.title(r.lang), facts=summary.facts_said(r.kb, facts, r.lang)),
                _notes(r, list(facts)))


def _risk_rule(kb: Model) -> DiagnosticRule | None:
    """The diagnostic rule of the fall-back risk (the article: complacency), read from the model."""
    code = kb.transitions.risk.diagnostic
    return next((d for d in kb.rules.diagnostics if d.code == code), None)


def _when_words(r: Report, conditions: Sequence[Condition]) -> str:
    """A rule's conditions in words: "complacency is at least “mostly true”"."""
    return summary.joined(r.kb, (r.t("report_condition", label=summary.inline(words.label(r.kb, c.fact, r.lang)),
                                     needed=words.needs_words(r.kb, c.needed, r.lang)) for c in conditions), r.lang)


# --- page 1: the executive summary ----------------------------------------------------------------------

def _open_next(r: Report) -> list[str]:
    """The unanswered facts a criterion of the next level needs (said under "what stands before" it)."""
    if r.a.level >= r.kb.top:
        return []
    return list(dict.fromkeys(g.fact for g in r.a.why_not_next if g.value is None))


def _answer_first(r: Report, facts: Sequence[str]) -> str:
    """Priority 1 when the next level waits on unanswered questions: answer them, they may already hold."""
    kb, lang, n = r.kb, r.lang, len(facts)
    labels = summary.labels_said(kb, facts, lang)
    if n == 1:
        return r.t("report_answer_first_one", level=r.a.level + 1, labels=labels)
    return r.t("report_answer_first", count=n, level=r.a.level + 1, labels=labels,
               open=words.noun(kb, n, "report_open_adjective_acc", lang),
               questions=words.noun(kb, n, "noun_question_acc", lang))


def _priorities(r: Report) -> list[str]:
    """The plan's first actions (the first wave, then the next); at the top level, keeping it. When the next
    level waits on unanswered questions, answering them comes first, and no action is given for a fact that
    nobody has answered yet (it may already hold)."""
    kb, a = r.kb, r.a
    risk = kb.transitions.risk
    tr = kb.transitions
    unanswered = _open_next(r)
    found: list[str] = [_answer_first(r, unanswered)] if unanswered else []
    if risk.diagnostic in a.codes and risk.diagnostic in kb.diagnostics:
        found.append(kb.diagnostics[risk.diagnostic].advice(r.lang))
    if r.plan.already:
        rule = _risk_rule(kb)
        if rule is not None and a.level in rule.at_levels:
            found.append(risk.advice(r.lang))
        found.append(kb.transitions.lapse.advice(r.lang))
    for step in r.plan.steps:
        known = {g.fact for g in step.requires if g.value is not None}
        for wave in step.waves:
            found += [action.text(r.lang) for action in wave
                      if not unanswered or known & set(tr.capabilities[action.capability].facts)]
    return list(dict.fromkeys(found))[:PRIORITIES]


def _summary(r: Report) -> list[Block]:
    kb, a, lang = r.kb, r.a, r.lang
    names = [lv.name(lang) for lv in kb.levels]
    progress = summary.next_progress(a)
    progress_text = "" if progress is None else r.t(
        "report_ladder_progress", held=progress[0], total=words.counted(kb, progress[1], "noun_criterion_gen", lang))
    ladder = _ladder(r, names, progress, progress_text)
    blocks: list[Block] = [
        Heading(2, r.t("report_level_heading", level=a.level, top=kb.top, name=r.level_name(a.level))),
        Para(summary.meaning(a, lang), "lead")]
    provisional = summary.provisional(a, lang)
    if provisional and kb.incomplete:
        blocks.append(Para(f"**{kb.diagnostics[kb.incomplete].title(lang)}.** {provisional}", "callout"))
    blocks += [ladder, *_standing(r)]
    shown = [d for d in a.diagnostics if not (provisional and d.code == kb.incomplete)]
    blocks.append(Heading(3, r.t("report_findings_heading")))
    if shown:
        blocks.append(Items(tuple(Item(f"**{kb.diagnostics[d.code].title(lang)}.** {summary.diagnostic_sentence(a, d, lang)}")
                                  for d in shown)))
    elif not provisional:
        blocks.append(Para(r.t("report_no_diagnostics")))
    if a.ready:
        blocks.append(Para(r.t("report_cx_ready")))
    priorities = _priorities(r)
    if priorities:
        key = "report_keep_priorities_heading" if r.plan.already else "report_priorities_heading"
        blocks += [Heading(3, r.t(key)), Items(tuple(Item(p) for p in priorities), numbered=True)]
    return [*blocks, Para(r.t("report_tone"), "note")]


def _since(r: Report) -> str:
    """The previous assessment as "nuo …" / "since …" takes it: its date, else "the previous assessment"."""
    assert r.history is not None
    before = r.history.steps[-1].before
    return before.assessed_on or r.t("report_since_previous")  # an ISO date, as compare wrote it


def _standing(r: Report) -> list[Block]:
    """Page 1's lines on the progress since the previous assessment and the place among the peers."""
    blocks: list[Block] = []
    if r.history is not None:
        step = r.history.steps[-1]
        old, new = step.before.level, step.after.level
        blocks.append(Para(r.t("report_since", since=_since(r), old=old, new=new) if old != new else
                           r.t("report_since_kept", since=_since(r), level=new)))
    if r.peers is not None and r.peers.peers:
        b = r.peers
        blocks.append(Para(r.t("peers_since", count=words.counted(r.kb, b.peers, "noun_peer_gen", r.lang),
                               below=percent(b.below, r.lang))))
    return blocks


# --- progress over time, and the peers -------------------------------------------------------------------

def _trend(r: Report) -> Figure:
    assert r.history is not None
    kb, lang = r.kb, r.lang
    moments = r.history.timeline
    whens = [m.assessed_on or r.t("report_trend_undated") for m in moments]
    heading = r.t("report_trend_heading")
    picture = svg.trend_svg(list(zip(whens, (m.level for m in moments), strict=True)), kb.top,
                            r.t("report_level_word", level="{level}"), heading)
    rows = [(r.t("report_trend_col_date"), r.t("report_trend_col_level"), r.t("report_trend_col_note"))]
    for i, (when, m) in enumerate(zip(whens, moments, strict=True)):
        level = r.t("report_graph_row_level", level=m.level, name=r.level_name(m.level))
        who = words.counted(kb, len(m.files), "noun_respondent", lang)
        if i == len(moments) - 1:
            rows.append((f"**{when}**", f"**{level}**", f"{who} · **◀ {r.t('report_trend_now')}**"))
        else:
            rows.append((when, level, who))
    return Figure(picture, tuple(rows), r.t("report_trend_caption"), heading, r.t("report_trend_caption_md"))


def _change_items(r: Report, changes: Mapping[str, tuple[int | None, int | None]], facts: Sequence[str]) -> Items:
    kb, lang = r.kb, r.lang
    return Items(tuple(Item(r.t("report_change_line", label=words.label(kb, f, lang),
                                old=words.value_words(kb, changes[f][0], lang),
                                new=words.value_words(kb, changes[f][1], lang))) for f in facts))


def _progress(r: Report) -> list[Block]:
    """The level at each assessment (a picture), what moved it at each step (compare's sentences), and every
    answer that changed since the previous assessment."""
    if r.history is None:
        return []
    kb, lang = r.kb, r.lang
    *earlier, last = r.history.steps
    blocks: list[Block] = [Heading(2, r.t("report_progress_heading"), new_page=True), _trend(r)]
    for step in earlier:  # what moved the level before: compare's sentence for each step
        sentence, named = step_sentence(kb, step, lang)
        blocks.append(Para(sentence))
        if len(named) > SENTENCE_FACTS:
            blocks.append(_change_items(r, step.changes, named))
    blocks.append(Heading(3, r.t("report_changes_heading", since=_since(r))))
    sentence, named = step_sentence(kb, last, lang)
    blocks.append(Para(sentence))
    said = list(named)
    if len(named) > SENTENCE_FACTS:
        blocks.append(_change_items(r, last.changes, named))
    moved, risk = risk_moved(kb, last, said, lang)
    if risk:
        blocks.append(Para(r.t("report_progress_risk", moved=moved)))
        said += risk
    rest = [f for f in last.changes if f not in said]
    if not last.changes:
        blocks.append(Para(kb.text("compare_no_change", lang)))
    elif rest:
        blocks += [Para(r.t("report_other_changes" if said else "report_changes")),
                   _change_items(r, last.changes, rest)]
    return blocks


def _peers(r: Report) -> list[Block]:
    """The share of the peers at each level (a picture, the client's level marked) and one paragraph."""
    b = r.peers
    if b is None:
        return []
    new_page = r.history is None
    blocks: list[Block] = [Heading(2, r.t("peers_heading"), new_page=new_page)]
    if b.peers:
        heading = r.t("peers_picture")
        columns = [(r.t("report_level_word", level=n), c / b.peers, percent(c / b.peers, r.lang))
                   for n, c in b.levels.items()]
        picture = svg.peers_svg(columns, b.level, r.t("peers_client"), heading)
        rows = [(r.t("peers_col_level"), r.t("peers_col_count"), r.t("peers_col_share"))]
        for (words_, _, said), count, n in zip(columns, b.levels.values(), b.levels, strict=True):
            mark = n == b.level
            rows.append((f"**{words_} ◀ {r.t('peers_client')}**" if mark else words_, str(count), said))
        blocks.append(Figure(picture, tuple(rows), r.t("peers_caption"), heading, r.t("peers_caption_md")))
    blocks.append(Para(benchmark_text(b, r.lang)))
    return blocks


# --- why, and what stands before the next level ----------------------------------------------------------

def _why(r: Report) -> list[Block]:
    kb, a, lang = r.kb, r.a, r.lang
    opened = r.history is not None or r.peers is not None  # the progress or the peers opened page 2 already
    blocks: list[Block] = [Heading(2, r.t("report_why_heading", level=a.level), new_page=not opened),
                           Para(r.t("report_step_by_step")), *r.quote(kb.rules.steps[0].cites(lang))]
    if a.level == 1:
        blocks.append(Para(r.t("report_only_floor", level=a.level + 1)))
    for n in range(2, a.level + 1):
        criteria = kb.rules.indicators_of(n)
        blocks += [Heading(3, r.t("report_level_met", level=n, name=r.level_name(n))),
                   *r.quote(kb.level(n).source(lang)), Items(tuple(_criterion(r, rule) for rule in criteria))]
    return blocks


def _gap_item(r: Report, rule: IndicatorRule, gaps: Sequence[Gap]) -> Item:
    return Item(f"**{rule.title(r.lang)}**", tuple(line for g in gaps for line in (
        _need_line(r, g.fact, g.value, g.needed), *_notes(r, [g.fact]))))


def _next(r: Report) -> list[Block]:
    kb, a, lang = r.kb, r.a, r.lang
    if a.level == kb.top:
        return []  # the roadmap section says how to keep the top level
    n = a.level + 1
    held, missing = summary.criteria_of(kb, a.profile.facts, n)
    blocks: list[Block] = [Heading(2, r.t("report_next_heading", level=n, name=r.level_name(n))),
                           *r.quote(kb.level(n).source(lang))]
    blocks += [Para(r.t("report_next_missing", level=n)),
               Items(tuple(_gap_item(r, rule, [g for g in a.why_not_next if g.rule == rule.name]) for rule in missing))]
    if held:
        blocks += [Para(r.t("report_next_held", level=n)), Items(tuple(_criterion(r, rule) for rule in held))]
    return blocks


# --- the findings with the article's advice ------------------------------------------------------------

def _cautious(r: Report, answers: Sequence[int | None], combined: int | None) -> str:
    """What the combined value is: the middle answer, or the cautious middle of an even number of answers."""
    known = sorted((v for v in answers if v is not None), reverse=True)
    listed = summary.joined(r.kb, (str(v) for v in known), r.lang)
    key = "report_middle_odd" if len(known) % 2 else "report_middle_even"
    return r.t(key, values=listed, value=combined, label=words.value_words(r.kb, combined, r.lang))


def _disputed(r: Report) -> list[Block]:
    kb, a, lang = r.kb, r.a, r.lang
    items = []
    for fact, answers in a.answers.items():
        who = tuple(r.t("report_answer_by", name=literal(name), value=words.value_words(kb, v, lang, numbers=v is not None))
                    for name, v in zip(a.respondents, answers, strict=False))
        items.append(Item(f"**{words.label(kb, fact, lang)}**", (*who, _cautious(r, answers, a.profile.facts.get(fact)))))
    return [Para(r.t("report_disputed")), Items(tuple(items))]


def _open_questions(r: Report) -> list[Block]:
    kb, a, lang = r.kb, r.a, r.lang
    before = _open_next(r)  # listed under what stands before the next level already
    decisive = [f for f in a.decisive_unknowns if f not in before]
    rest = [f for f in a.unknown_facts if f not in a.decisive_unknowns and f not in before]
    blocks: list[Block] = []
    if decisive:
        blocks += [Para(r.t("report_open_questions_other" if before else "report_open_questions")),
                   Items(tuple(Item(words.label(kb, f, lang)) for f in decisive), columns=True)]
    if rest:
        blocks.append(Para(r.t("report_unknown_rest" if decisive else "report_unknown_only",
                               labels=summary.labels_said(kb, rest, lang),
                               count=words.counted(kb, len(rest), "noun_question_gen", lang))))
    return blocks


def _waves_for(r: Report, code: str) -> list[int]:
    """The roadmap's waves whose actions move every fact the diagnostic `code` reads ([] when some fact is moved by
    no action, or the roadmap has several steps and a wave number would not say which)."""
    kb, plan = r.kb, r.plan
    facts = {c.fact for d in kb.rules.diagnostics if d.code == code for c in d.when}
    if not facts or len(plan.steps) != 1:
        return []
    moved: dict[str, int] = {}
    for i, wave in enumerate(plan.steps[0].waves, 1):
        for action in wave:
            for fact in kb.transitions.capabilities[action.capability].facts:
                moved.setdefault(fact, i)
    return sorted({moved[f] for f in facts}) if facts <= set(moved) else []


def _see_waves(r: Report, waves: Sequence[int]) -> str:
    if len(waves) == 1:
        return r.t("report_see_wave", wave=waves[0])
    return r.t("report_see_waves", waves=summary.joined(r.kb, map(str, waves), r.lang))


def _findings(r: Report) -> list[Block]:
    kb, a, lang = r.kb, r.a, r.lang
    blocks: list[Block] = []
    said = set(_priorities(r))  # advice already given on page 1 is not given again
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        waves = _waves_for(r, d.code)
        advice = ([] if info.advice(lang) in said else
                  [Para(_see_waves(r, waves))] if waves else [Para(info.advice(lang))])
        detail = _open_questions(r) if d.code == kb.incomplete else _disputed(r) if d.code == kb.disagree and a.answers \
            else []
        # the incomplete profile's source speaks of readiness for the CX system, not of missing answers
        quote = [] if d.code == kb.incomplete else r.quote(info.source(lang))
        blocks += [Heading(3, info.title(lang)), *advice, *detail, *quote]
    if a.unknown_facts and kb.incomplete not in a.codes:
        blocks += [Heading(3, r.t("report_unknown_heading")), *_open_questions(r)]
    return [Heading(2, r.t("report_findings_detail_heading")), *blocks] if blocks else []


# --- the roadmap ---------------------------------------------------------------------------------------

def _risk_watch(r: Report, level: int) -> list[Block]:
    """The fall-back risk to watch at `level` (from the rule itself), unless it is already raised."""
    kb, a = r.kb, r.a
    rule, risk = _risk_rule(kb), kb.transitions.risk
    if rule is None or level not in rule.at_levels or risk.diagnostic in a.codes:
        return []
    now = summary.joined(kb, (words.value_words(kb, a.profile.facts.get(c.fact), r.lang) for c in rule.when), r.lang)
    key = "report_risk_top" if r.plan.already else "report_risk"
    text = r.t(key, level=level, title=kb.diagnostics[rule.code].title(r.lang), condition=_when_words(r, rule.when),
               now=now)
    if level == risk.stressed_at:
        text += " " + r.t("report_risk_stressed", level=level)
    return [Para(text), *r.quote(rule.cites(r.lang))]


def _roadmap(r: Report) -> list[Block]:
    kb, lang, plan = r.kb, r.lang, r.plan
    lapse = kb.transitions.lapse
    if plan.already:
        return [Heading(2, r.t("report_keep_heading")), *_risk_watch(r, plan.start),
                *r.quote(lapse.cites(lang)), *r.quote(kb.transitions.risk.cites(lang))]
    blocks: list[Block] = [Heading(2, r.t("report_roadmap_heading", level=plan.target,
                                          name=r.level_name(plan.target)))]
    for step in plan.steps:
        if len(plan.steps) > 1:
            blocks.append(Heading(3, r.t("report_step", start=step.start, end=step.end, name=r.level_name(step.end))))
        if step.waves:
            blocks.append(Para(r.t("report_actions")))
        for i, wave in enumerate(step.waves, 1):
            blocks += [Para(r.t("report_wave_first" if i == 1 else "report_wave_next", wave=i), "wave"),
                       Items(tuple(Item(action.text(lang)) for action in wave))]
        blocks += _risk_watch(r, step.end)
        if step.milestone and r.a.ready is not False:  # not-ready said on page 1 and in the findings already
            blocks += [Para(step.milestone.text(lang))]
    blocks += [Heading(3, r.t("report_keep_heading")), Para(lapse.advice(lang)), *r.quote(lapse.cites(lang))]
    return blocks


# --- the pictures --------------------------------------------------------------------------------------

def _ladder(r: Report, names: list[str], progress: tuple[int, int] | None, progress_text: str) -> Figure:
    kb, a = r.kb, r.a
    here = r.t("report_ladder_here")
    picture = svg.ladder_svg(names, a.level, r.t("report_level_word", level="{level}"), here,
                             r.t("report_ladder_caption"), progress, progress_text)
    rows = tuple((r.t("report_level_word", level=n), names[n - 1],
                  f"**◀ {here}**" if n == a.level else progress_text if n == a.level + 1 else "")
                 for n in range(kb.top, 0, -1))
    header = (r.t("report_ladder_col_level"), r.t("report_ladder_col_name"), r.t("report_ladder_col_progress"))
    return Figure(picture, (header, *rows), r.t("report_ladder_caption"),
                  markdown_caption=r.t("report_ladder_caption_md"))


def _bars(r: Report) -> list[tuple[str, list[svg.Bar]]]:
    """Each fact with the condition that matters next: the lowest one it fails, else the highest it meets."""
    kb, a, lang = r.kb, r.a, r.lang
    rules = kb.rules
    groups: dict[int, list[svg.Bar]] = {}
    for name, fact in kb.facts.items():
        value = a.profile.facts.get(name)
        label = words.label(kb, name, lang)
        if fact.polarity == "-":  # a higher answer is more of a symptom
            label = r.t("report_profile_label", label=label, sign="\u2212")
        conds = sorted(((rl.level, c) for rl in rules.indicators for c in rl.when if c.fact == name), key=lambda x: x[0])
        if conds:
            failing = [(n, c) for n, c in conds if not c.holds(value)]
            level, cond = failing[0] if failing else conds[-1]
            status = "unknown" if value is None else "open" if failing else "holds"
            key = "report_profile_holds" if status == "holds" else "report_profile_needs"
            note = r.t(key, level=level, needed=words.needs_words(kb, cond.needed, lang))
            zone = tuple(v for v in rules.scale if cond.holds(v))
            groups.setdefault(conds[0][0], []).append(svg.Bar(label, value, zone, status, note))
            continue
        signal = [(d, c) for d in rules.diagnostics for c in d.when if c.fact == name]
        if not signal:
            continue
        rule, trigger = signal[0]
        status = "unknown" if value is None else "open" if trigger.holds(value) else "holds"
        note = r.t("report_profile_signal", title=kb.diagnostics[rule.code].title(lang),
                   needed=words.needs_words(kb, trigger.needed, lang))
        zone = tuple(v for v in rules.scale if not trigger.holds(v))  # the values that raise nothing
        groups.setdefault(min(rule.at_levels), []).append(svg.Bar(label, value, zone, status, note))
    return [(r.t("report_profile_group", level=n, name=r.level_name(n)), groups[n]) for n in sorted(groups)]


def _profile(r: Report) -> Figure:
    kb = r.kb
    scale = kb.rules.scale
    groups = _bars(r)
    unknown = r.t("report_profile_unknown")
    rows = [(r.t("report_profile_col_fact"), r.t("report_profile_col_answer"), r.t("report_profile_col_needs"))]
    for group, bars in groups:
        rows.append((f"**{group}**", "", ""))
        for b in bars:
            filled = 0 if b.value is None else b.value - kb.low + 1
            shown = f"`{'■' * filled}{'□' * (len(scale) - filled)}` {b.value}" if b.value is not None else unknown
            rows.append((b.label, shown, b.note))
    heading = r.t("report_profile_heading")
    picture = svg.profile_svg(groups, unknown, heading, tuple(scale))
    return Figure(picture, tuple(rows), r.t("report_profile_caption", low=kb.low, high=kb.high, signals=_signals(r)),
                  heading, r.t("report_profile_caption_md", low=kb.low, high=kb.high), split=True)


def _signals(r: Report) -> str:
    """The caption's words for the statements only a diagnostic reads (resting on laurels): their shaded cells
    are the answers that raise nothing ("" when there are none)."""
    kb, lang = r.kb, r.lang
    read = {c.fact for rule in kb.rules.indicators for c in rule.when}
    risky: dict[str, bool] = {}
    for d in kb.rules.diagnostics:
        for c in d.when:
            if c.fact not in read:
                risky[c.fact] = risky.get(c.fact, True) and d.code == kb.transitions.risk.diagnostic
    if not risky:
        return ""
    labels = summary.joined(kb, (r.t("report_profile_signal_label", label=words.label(kb, f, lang),
                                              inline=summary.inline(words.label(kb, f, lang))) for f in risky),
                            lang)
    key = "report_profile_caption_risk" if all(risky.values()) else "report_profile_caption_finding"
    return r.t(key + ("_one" if len(risky) == 1 else ""), labels=labels)


def _transitions(r: Report) -> Figure:
    """The moves between levels as the engine makes them: up when a level's criteria all hold; down one level
    when a condition of the level lapses; the fall-back risk as a marker where its rule can be raised."""
    kb, lang = r.kb, r.lang
    rule, risk = _risk_rule(kb), kb.transitions.risk
    risky = set(rule.at_levels) if rule is not None else set()
    condition = _when_words(r, rule.when) if rule is not None else ""
    moves = {}
    for n in kb.rules.levels:
        up = r.t("report_move_up", level=n + 1, count=len(kb.rules.indicators_of(n + 1))) if n < kb.top else ""
        down = r.t("report_move_down", level=n, below=n - 1) if n > 1 else ""
        stressed = n == risk.stressed_at
        marker = r.t("report_move_risk_stressed" if stressed else "report_move_risk", condition=condition) \
            if n in risky else ""
        moves[n] = svg.Move(up, down, marker, stressed)
    names = [lv.name(lang) for lv in kb.levels]
    heading = r.t("report_graph_heading")
    picture = svg.transition_svg(names, r.a.level, r.t("report_level_word", level="{level}"), moves, heading)
    rows = [(r.t("report_graph_col_level"), r.t("report_graph_col_up"), r.t("report_graph_col_down"),
             r.t("report_graph_col_risk"))]
    for n in range(kb.top, 0, -1):
        m = moves[n]
        level = r.t("report_graph_row_level", level=n, name=names[n - 1])
        rows.append((f"**{level}**" if n == r.a.level else level, m.up, m.down, m.risk))
    return Figure(picture, tuple(rows), r.t("report_graph_caption", stressed=risk.stressed_at or ""), heading,
                  r.t("report_graph_caption_md", stressed=risk.stressed_at or ""))


def _pictures(r: Report) -> list[Block]:
    return [Heading(2, r.t("report_pictures_heading")),
            _transitions(r), _profile(r)]


# --- the appendix: every firing, every condition --------------------------------------------------------

def _firing_line(r: Report, name: str, because: dict[str, int]) -> str:
    kb, lang = r.kb, r.lang
    rule = kb.rules.rule(name)
    facts = summary.joined(kb, (r.t("report_fact_said", label=summary.inline(words.label(kb, f, lang)),
                                    value=words.value_words(kb, v, lang, numbers=True)) for f, v in because.items()),
                           lang)
    if isinstance(rule, IndicatorRule):
        return r.t("report_fired_criterion", title=rule.title(lang), level=rule.level, facts=facts)
    if isinstance(rule, DiagnosticRule):
        title = kb.diagnostics[rule.code].title(lang)
        return r.t("report_fired_diagnostic_facts" if because else "report_fired_diagnostic", title=title, facts=facts)
    assert isinstance(rule, StepRule)
    n = rule.level
    return r.t(f"report_fired_{rule.kind}", level=n, name=r.level_name(n), below=n - 1, above=n + 1)


def _appendix(r: Report) -> list[Block]:
    kb, a, lang = r.kb, r.a, r.lang
    blocks: list[Block] = [Heading(2, r.t("report_appendix_heading"), new_page=True), Para(r.t("report_appendix_intro")),
                           Heading(3, r.t("report_appendix_criteria"))]
    for n in range(2, kb.top + 1):
        held, missing = summary.criteria_of(kb, a.profile.facts, n)
        total = len(held) + len(missing)
        blocks.append(Para(r.t("report_appendix_level", level=n, name=r.level_name(n), held=len(held),
                               total=words.counted(kb, total, "noun_criterion_gen", lang), total_n=total), "wave"))
        items = []
        for rule in kb.rules.indicators_of(n):
            state = r.t("report_holds" if rule in held else "report_holds_not")
            details = tuple(r.t("report_condition_detail", label=words.label(kb, c.fact, lang),
                                value=words.value_words(kb, a.profile.facts.get(c.fact), lang, numbers=True),
                                needed=words.needs_words(kb, c.needed, lang, numbers=True),
                                state=r.t("report_condition_met" if c.holds(a.profile.facts.get(c.fact))
                                          else "report_condition_not_met"))
                            for c in rule.when)
            # the article's sentence only where the criterion does not hold: for one that holds it may be the
            # level-1 symptom the criterion is the absence of, which would read as a reproach
            quote = r.quote(rule.cites(lang)) if rule in missing else []
            items.append(Item(f"**{rule.title(lang)}** – {state}", details, quote[0].text if quote else ""))
        blocks.append(Items(tuple(items)))
    blocks += [Heading(3, r.t("report_appendix_chain")),
               Items(tuple(Item(_firing_line(r, f.rule, dict(f.because))) for f in a.firings), numbered=True)]
    return blocks


# --- the whole report ----------------------------------------------------------------------------------

def build(kb: Model, profile: Profile, lang: str = "en", appendix: bool = False, previous: Sequence[Profile] = (),
          peers: Iterable[tuple[str | None, Mapping[str, int]]] | None = None) -> tuple[str, list[Block]]:
    """The report's title and blocks, every text in `lang`.

    `profile` is the profile to report on: one file's, or several respondents' consensus (expert.consensus; it
    carries their names and answers, and assessing it reports where they disagree). `previous`: the profiles of
    earlier assessments (several on one date are its respondents), for the progress section; `peers`: the
    organisations of a survey (name, facts), for the place among them. Either adds a line to page 1.
    """
    r = Report(explain(kb, profile), make_plan(kb, profile), lang)
    a = r.a
    if previous:
        files = list(profile.panel.files) if profile.panel else [profile.source]
        history = with_current(kb, previous, a, files)
        shown = [replace(m, files=tuple(literal(f) for f in m.files)) for m in history.timeline]  # names from files
        r.history = compare(kb, shown, history.organisation)
    if peers is not None:
        b = benchmark(kb, a, peers)
        r.peers = replace(b, organisation=literal(b.organisation)) if b.organisation else b
    title = r.t("report_title")
    organisation = a.profile.organisation
    subtitle = literal(organisation) if organisation else r.t("unnamed_organisation")
    if a.profile.assessed_on:
        subtitle += " · " + r.t("report_assessed_on", date=literal(str(a.profile.assessed_on)))
    if a.respondents:
        subtitle += " · " + r.t("report_respondents", count=len(a.respondents),
                                names=", ".join(literal(name) for name in a.respondents))
    blocks: list[Block] = [Heading(1, title), Para(subtitle, "subtitle")]
    blocks += _summary(r) + _progress(r) + _peers(r) + _why(r) + _next(r) + _findings(r) + _roadmap(r) + _pictures(r)
    if appendix:
        blocks += _appendix(r)
    blocks.append(Para(r.t("report_footer"), "note"))
    return f"{title}: {subtitle}", blocks


# --- the file -----------------------------------------------------------------------------------------

def report_kind(kb: Model, out: str, lang: str = "en") -> str:
    """'html', 'md' or 'pdf' from the file's extension; an InputError for anything else or a missing folder."""
    path = Path(out)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise InputError(out, kb.text("report_bad_extension", lang, suffix=repr(path.suffix or "(none)")))
    check_writable(path)
    return kind


def write_report(kb: Model, profile: Profile, out: str | Path, kind: str, lang: str = "en", appendix: bool = False,
                 previous: Sequence[Profile] = (), peers: Iterable[tuple[str | None, Mapping[str, int]]] | None = None
                 ) -> None:
    """Render the whole report in memory, then write it atomically: a failure leaves any old file untouched."""
    title, blocks = build(kb, profile, lang, appendix, previous, peers)
    if kind == "md":
        write_atomic(out, render_markdown(kb, title, blocks, lang))
        return
    page = render_html(kb, title, blocks, lang)
    if kind == "pdf":
        from branda.expert.pdf import write_pdf

        write_pdf(kb, page, out, lang)
        return
    write_atomic(out, page)
