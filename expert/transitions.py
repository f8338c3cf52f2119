"""The transition graph: the model's levels, forward moves with what they require and the actions for them,
fall-backs when a level's own conditions lapse, and the risk of falling back that the engine only warns of.

What a move requires is read from the model's rule base (`conditions_of`); the risk from the rule of the
fall-back diagnostic (`model.transitions.risk.diagnostic`), which keeps the level and raises a warning, so the
graph draws it on the levels it applies to, never as a fall-back edge; the actions and their prerequisite order
from the model's transitions.yaml. networkx is imported inside the functions that need it, so assessing never
loads it.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from branda.expert import words
from branda.expert.nx_compat import node_link
from branda.expert.render import quoted
from branda.expert.summary import joined
from branda.knowledge.model import Model
from branda.knowledge.transitions import Action, Transitions
from branda.rules.model import Condition, DiagnosticRule, IndicatorRule

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["FORMATS", "Trigger", "action_waves", "complacency_triggers", "crossing_words", "lapse_of",
           "lapse_triggers", "prerequisite_dag", "render_graph", "risk_levels", "transition_graph", "wrapped"]

FORMATS = ("text", "dot", "mermaid", "json", "graphml")
WRAP = 40  # characters per line in the pictures' labels, so that dot renders them at A4 width
RISK_COLOUR = "#b35900"


@dataclass(frozen=True)
class Trigger:
    """A condition that bears on keeping `level`: one of its own that may lapse, or the fall-back risk."""

    kind: str  # "complacency" (the fall-back diagnostic's condition: a risk) or "lapse" (one of the level's own)
    level: int
    rule: str
    condition: Condition

    @property
    def when(self) -> str:
        """The fact's values that pull the trigger, as 'fact op N' (or 'fact unknown' when no value does)."""
        if self.kind == "complacency":
            return str(self.condition)
        return lapse_of(self.condition)


def lapse_of(cond: Condition) -> str:
    """The opposite of a condition on its scale: 'cx_ownership >= 4' lapses as 'cx_ownership <= 3'."""
    if cond.op == ">=":
        return f"{cond.fact} <= {cond.threshold - 1}" if cond.threshold > cond.low else f"{cond.fact} unknown"
    return f"{cond.fact} >= {cond.threshold + 1}" if cond.threshold < cond.high else f"{cond.fact} unknown"


def crossing_words(model: Model, cond: Condition, lang: str, lapse: bool = True) -> str:
    """The first answer that breaks `cond` (or, with `lapse=False`, that meets it), in words.

    'customer_focus >= 3' lapses as "Customer orientation in practice: the answer falls to “mostly not true”";
    'quick_wins_focus <= 3' as "Chasing quick results: the answer rises to “mostly true”"; a risk
    'complacency >= 4' is met when "Resting on laurels: the answer rises to “mostly true”". The label leads,
    so that no verb has to agree with it.
    """
    fact = words.label(model, cond.fact, lang)
    if lapse:
        rises, value = cond.op == "<=", cond.threshold + (1 if cond.op == "<=" else -1)
        if not cond.low <= value <= cond.high:  # the condition holds for every answer: only losing it lapses
            return model.text("graph_unanswered", lang, fact=fact)
    else:
        rises, value = cond.op == ">=", cond.threshold
        if value == (cond.low if rises else cond.high):  # every answer meets it
            return model.text("graph_answered", lang, fact=fact)
    return model.text("graph_rises" if rises else "graph_falls", lang, fact=fact,
                      value=words.scale_label(model, value, lang))


def _risk_rules(model: Model) -> tuple[DiagnosticRule, ...]:
    code = model.transitions.risk.diagnostic
    return tuple(r for r in model.rules.diagnostics if r.code == code)


def complacency_triggers(model: Model, level: int) -> tuple[Trigger, ...]:
    """The conditions of the fall-back diagnostic's rules (the article's regression_risk) that apply at `level`."""
    return tuple(Trigger("complacency", level, r.name, c) for r in _risk_rules(model)
                 if level in r.at_levels for c in r.when)


def risk_levels(model: Model) -> tuple[int, ...]:
    """The levels the fall-back risk is drawn on (the risk rule's `at_levels`)."""
    return tuple(n for n in model.rules.levels if complacency_triggers(model, n))


def _stressed(model: Model, level: int) -> bool:
    """Whether a picture stresses the risk at `level`: the model's `stressed_at`, when the risk is on several."""
    return level == model.transitions.risk.stressed_at and len(risk_levels(model)) > 1


def lapse_triggers(model: Model, level: int) -> tuple[Trigger, ...]:
    """Level `level`'s own conditions: if any lapses, the organisation is back at `level - 1`."""
    return tuple(Trigger("lapse", level, r.name, c) for r, c in model.rules.conditions_of(level))


def _in_languages(prefix: str, text: Any) -> dict[str, str]:
    """A text as one attribute per language: name_en, name_lt, …"""
    return {f"{prefix}_{lang}": value for lang, value in text.by_lang.items()}


def prerequisite_dag(model: Model) -> nx.DiGraph:
    """The capabilities as a DAG: an edge a -> b means a must be in place before b."""
    import networkx as nx

    dag = nx.DiGraph()
    for cap in model.transitions.capabilities.values():
        dag.add_node(cap.id, **_in_languages("name", cap.name), facts=", ".join(cap.facts))
    dag.add_edges_from(model.transitions.prerequisites())
    return dag


def action_waves(tr: Transitions, actions: Iterable[Action]) -> tuple[tuple[Action, ...], ...]:
    """The actions in waves: a wave's capabilities need only capabilities of earlier waves (indirectly too).

    These are networkx's topological generations of the prerequisite closure restricted to the capabilities
    present (a test proves it), computed directly so that planning does not import networkx.
    """
    actions = list(actions)
    present = {a.capability for a in actions}
    wave: dict[str, int] = {}

    def depth(cap: str) -> int:
        if cap not in wave:
            wave[cap] = 1 + max((depth(a) for a in tr.ancestors(cap) & present), default=0)
        return wave[cap]

    order = list(tr.capabilities)
    waves: dict[int, list[str]] = {}
    for cap in present:
        waves.setdefault(depth(cap), []).append(cap)
    return tuple(tuple(a for cap in sorted(waves[n], key=order.index) for a in actions if a.capability == cap)
                 for n in sorted(waves))


# --- the graph -----------------------------------------------------------------------------------------

def _requirement(model: Model, rule: IndicatorRule, cond: Condition, lang: str) -> dict[str, Any]:
    return {"fact": cond.fact, "needed": cond.needed, "rule": rule.name, "title": rule.title(lang),
            "label": words.label(model, cond.fact, lang), "words": words.needs_words(model, cond.needed, lang)}


def _action(action: Action, wave: int, lang: str) -> dict[str, Any]:
    return {"id": action.id, "capability": action.capability, "wave": wave, "text": action.text(lang),
            "cites": action.cites(lang), **_in_languages("text", action.text), **_in_languages("cites", action.cites)}


def _trigger(model: Model, t: Trigger, lang: str) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": t.kind, "fact": t.condition.fact, "condition": str(t.condition),
                            "needed": t.condition.needed, "when": t.when, "rule": t.rule,
                            "label": words.label(model, t.condition.fact, lang)}
    if t.kind == "complacency":
        risk = model.transitions.risk
        item.update(diagnostic=risk.diagnostic, title=model.diagnostics[risk.diagnostic].title(lang),
                    stressed=t.level == risk.stressed_at, words=crossing_words(model, t.condition, lang, lapse=False))
    else:
        item["words"] = crossing_words(model, t.condition, lang)
    return item


def transition_graph(model: Model, lang: str = "en") -> nx.DiGraph:
    """The levels as nodes, each with its `risks` (the fall-back diagnostic's conditions at that level, a
    warning that keeps the level); forward edges n -> n+1 with `requires` and `actions`; fall-back edges
    n -> n-1 whose `triggers` are the lapses of level n's own conditions.
    """
    import networkx as nx

    tr = model.transitions
    g = nx.DiGraph(name="branda transitions", lang=lang, model=model.name(lang))
    for lvl in model.levels:
        g.add_node(lvl.number, level=lvl.number, name=lvl.name(lang), **_in_languages("name", lvl.name),
                   description=lvl.description(lang),
                   risks=[_trigger(model, t, lang) for t in complacency_triggers(model, lvl.number)])
    for n in range(1, model.top):
        requires = [_requirement(model, r, c, lang) for r, c in model.rules.conditions_of(n + 1)]
        waves = action_waves(tr, tr.actions_to(n + 1))
        actions = [_action(a, i, lang) for i, wave in enumerate(waves, 1) for a in wave]
        g.add_edge(n, n + 1, kind="forward", requires=requires, actions=actions)
    for n in range(2, model.top + 1):
        g.add_edge(n, n - 1, kind="fallback", triggers=[_trigger(model, t, lang) for t in lapse_triggers(model, n)])
    return g


# --- labels for the pictures ---------------------------------------------------------------------------

_QUOTED = re.compile(r"[“„][^”“]*[”“]")


def wrapped(text: str, width: int = WRAP, indent: str = "") -> list[str]:
    """A text as lines of about `width` characters, a quoted scale label never split; later lines get `indent`."""
    kept = _QUOTED.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)  # textwrap breaks at ASCII spaces only
    lines = textwrap.wrap(kept, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines]


def _bullets(items: Iterable[str]) -> list[str]:
    return [line for item in items for line in wrapped("• " + item, indent="   ")]


def _node_lines(model: Model, n: int, data: dict[str, Any], lang: str) -> tuple[list[str], list[str]]:
    """A level's box: its number and name; and the fall-back risk where it applies (stressed where it is)."""
    risks = data["risks"]
    risk: list[str] = []
    if risks:
        key = "graph_node_risk_stressed" if _stressed(model, n) else "graph_node_risk"
        risk = [*wrapped(model.text(key, lang, title=risks[0]["title"])), *_bullets(t["words"] for t in risks)]
    return wrapped(f"{n}  {data['name']}"), risk


def _edge_items(model: Model, start: int, end: int, data: dict[str, Any], lang: str) -> tuple[str, list[str]]:
    """An edge's label in words: its heading, and what a move needs or what makes a level fall back."""
    if data["kind"] == "forward":
        return (model.text("graph_edge_forward", lang),
                [model.text("graph_need", lang, fact=r["label"], needs=r["words"]) for r in data["requires"]])
    return model.text("graph_edge_fallback", lang, start=start, end=end), [t["words"] for t in data["triggers"]]


def _edge_lines(model: Model, start: int, end: int, data: dict[str, Any], lang: str) -> list[str]:
    """A picture's edge label as wrapped lines: the heading, then one bullet per item."""
    heading, items = _edge_items(model, start, end, data, lang)
    return [*wrapped(heading), *_bullets(items)]


def _edge_label(model: Model, start: int, end: int, data: dict[str, Any], lang: str) -> str:
    """An edge's label on one line (GraphML)."""
    heading, items = _edge_items(model, start, end, data, lang)
    return f"{heading} {'; '.join(items)}"


def _scalar_copy(model: Model, g: nx.DiGraph, lang: str) -> nx.DiGraph:
    """The graph with every attribute a scalar (GraphML has no lists): lists become readable strings."""
    flat = g.copy()
    for _, data in flat.nodes(data=True):
        risks = data["risks"]
        data["risks"] = "; ".join(f"{t['condition']} [{t['rule']}]" for t in risks)
        data["risk_stressed"] = any(t["stressed"] for t in risks)
        data["risk_words"] = joined(model, (t["words"] for t in risks), lang)
    for start, end, data in flat.edges(data=True):
        data["label"] = _edge_label(model, start, end, data, lang)
        if data["kind"] == "forward":
            data["requires"] = "; ".join(f"{r['fact']} {r['needed']} [{r['rule']}]" for r in data["requires"])
            data["actions"] = " | ".join(f"{a['wave']}. {a['text']}" for a in data["actions"])
        else:
            data["triggers"] = "; ".join(f"{t['when']} [{t['rule']}]" for t in data["triggers"])
    return flat


def _quote_dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_label(centred: Sequence[str], left: Sequence[str] = ()) -> str:
    """Lines as a DOT label: the `centred` ones end in \\n, the `left` ones (a list) in \\l."""
    text = "".join(_quote_dot(line) + "\\n" for line in centred) + "".join(_quote_dot(line) + "\\l" for line in left)
    return '"' + (text[:-2] if not left else text) + '"'


def graph_dot(model: Model, lang: str = "en") -> str:
    """Graphviz DOT, levels top to bottom: solid forward edges, dashed fall-back edges, labels wrapped in words;
    the levels the fall-back risk applies to outlined, the one it is stressed at in bold."""
    g = transition_graph(model, lang)
    lines = ["digraph transitions {", "  rankdir=TB;", "  nodesep=0.4;", "  ranksep=0.6;",
             '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=12, margin="0.2,0.1"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for n, d in g.nodes(data=True):
        style = ""
        if d["risks"]:
            stressed = _stressed(model, n)
            style = f', color="{RISK_COLOUR}", penwidth={3 if stressed else 1.5}'
            style += ', style="rounded,filled", fillcolor="#fff1e0"' if stressed else ""
        name, risk = _node_lines(model, n, d, lang)
        lines.append(f"  {n} [label={_dot_label([*name, ''] if risk else name, risk)}{style}];")
    for u, v, d in g.edges(data=True):
        style = "solid" if d["kind"] == "forward" else "dashed"
        ports = "" if d["kind"] == "forward" else ", tailport=e, headport=e"  # fall-backs on the right
        label = _dot_label([], [f"    {line}" for line in _edge_lines(model, u, v, d, lang)])  # clear of the line
        lines.append(f"  {u} -> {v} [label={label}, style={style}{ports}];")
    return "\n".join([*lines, "}"])


def graph_mermaid(model: Model, lang: str = "en") -> str:
    """A Mermaid flowchart, levels top to bottom: forward edges as arrows, fall-back edges dotted, the risk
    marked on the levels it applies to."""
    g = transition_graph(model, lang)

    def quote(lines: list[str]) -> str:
        return '"' + "<br/>".join(line.replace('"', "#quot;") for line in lines) + '"'

    lines = ["flowchart TB"]
    lines += [f"  L{n}[{quote([*name, *risk])}]" for n, d in g.nodes(data=True)
              for name, risk in [_node_lines(model, n, d, lang)]]
    for u, v, d in g.edges(data=True):
        arrow = "-->" if d["kind"] == "forward" else "-.->"
        lines.append(f"  L{u} {arrow}|{quote(_edge_lines(model, u, v, d, lang))}| L{v}")
    risky = [n for n, d in g.nodes(data=True) if d["risks"]]
    stressed = [n for n in risky if _stressed(model, n)]
    if risky:
        lines.append(f"  classDef risk stroke:{RISK_COLOUR},stroke-width:2px")
        lines.append(f"  classDef stressed stroke:{RISK_COLOUR},stroke-width:4px")
        plain = [n for n in risky if n not in stressed]
        if plain:
            lines.append("  class " + ",".join(f"L{n}" for n in plain) + " risk")
        if stressed:
            lines.append("  class " + ",".join(f"L{n}" for n in stressed) + " stressed")
    return "\n".join(lines)


# --- the text for people -------------------------------------------------------------------------------

def _risk_text(model: Model, lang: str) -> list[str]:
    """The fall-back risk said once: where it applies, what raises it, that it keeps the level, where it is stressed."""
    tr, _t = model.transitions, model.text
    at = risk_levels(model)
    if not at:
        return []
    triggers = complacency_triggers(model, at[0])
    where = _t("graph_at_level" if len(at) == 1 else "graph_at_levels", lang,
               levels=joined(model, (str(n) for n in at), lang))
    title = model.diagnostics[tr.risk.diagnostic].title(lang)
    lines = [_t("graph_risk", lang, title=title, where=where)]
    lines += [f"  - {crossing_words(model, t.condition, lang, lapse=False)}" for t in triggers]
    notes = [_t("graph_risk_stressed", lang, level=tr.risk.stressed_at)] if _stressed(model, tr.risk.stressed_at) else []
    if tr.risk.cites(lang):
        notes.append(quoted(model, tr.risk.cites(lang), lang, key="graph_quote"))
    return lines + ([" ".join(notes)] if notes else [])


def graph_text(model: Model, lang: str = "en") -> str:
    """The graph for people: the levels with the risk marked, each move up with what it needs (in words) and
    the actions in waves, what makes each level fall back, and the order of the capabilities across the model
    (numbered, not in waves: a wave is a step within one move)."""
    import networkx as nx

    kb, tr, _t = model, model.transitions, model.text
    g = transition_graph(model, lang)
    lines = [_t("graph_heading", lang, model=model.name(lang)), "", _t("graph_intro", lang), "",
             _t("graph_levels", lang, count=words.counted(model, model.top, "graph_noun_level", lang))]
    for n, d in g.nodes(data=True):
        mark = ""
        if d["risks"]:
            key = "graph_level_risk_stressed" if _stressed(model, n) else "graph_level_risk"
            mark = _t(key, lang)
        lines.append(f"  {n} {d['name']}{mark}")
    lines += ["", *_risk_text(model, lang)] if risk_levels(model) else []
    lines += ["", _t("graph_forward", lang)]
    coded: set[str] = set()  # a fact's code is shown once, the first time its label is
    for n in range(1, model.top):
        edge = g.edges[n, n + 1]
        lines.append("  " + _t("graph_move", lang, start=n, end=n + 1, name=kb.level(n + 1).name(lang)))
        for r in edge["requires"]:
            fact = r["label"] if r["fact"] in coded else words.with_code(model, r["fact"], lang)
            coded.add(r["fact"])
            lines.append("    - " + _t("graph_need", lang, fact=fact, needs=r["words"]))
        if edge["actions"]:
            lines.append("    " + _t("graph_actions", lang))
        for wave in sorted({a["wave"] for a in edge["actions"]}):
            lines.append("      " + _t("graph_action_wave", lang, wave=wave))
            lines += [f"        - {a['text']}" for a in edge["actions"] if a["wave"] == wave]
    lines += ["", _t("graph_fallbacks", lang)]
    for n in range(2, model.top + 1):
        lines.append("  " + _t("graph_fallback", lang, start=n, end=n - 1, name=kb.level(n - 1).name(lang)))
        lines += [f"    - {t['words']}" for t in g.edges[n, n - 1]["triggers"]]
    generations = list(nx.topological_generations(prerequisite_dag(model)))
    if generations:
        lines += ["", _t("graph_order", lang)]
    for i, generation in enumerate(generations, 1):
        names = [tr.capabilities[c].name(lang) for c in sorted(generation, key=list(tr.capabilities).index)]
        lines.append("  " + _t("graph_order_item", lang, number=i, items=joined(model, names, lang)))
    return "\n".join(lines)


def render_graph(model: Model, fmt: str, lang: str = "en") -> str:
    """The transition graph in one of FORMATS (text is the default of `branda graph`)."""
    import networkx as nx

    if fmt == "json":
        return json.dumps(node_link(transition_graph(model, lang)), ensure_ascii=False, indent=2)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(_scalar_copy(model, transition_graph(model, lang), lang)))
    if fmt == "dot":
        return graph_dot(model, lang)
    if fmt == "mermaid":
        return graph_mermaid(model, lang)
    if fmt == "text":
        return graph_text(model, lang)
    raise ValueError(f"unknown graph format {fmt!r}; one of {', '.join(FORMATS)}")
