"""The transition graph: the five levels, forward moves with what they require and the article's actions, fall-backs.

What a move requires is read from the model's rule base (`conditions_of`), the risk trigger from the rule of the
fall-back diagnostic, and the actions and their prerequisite order from the model's transitions.yaml.
networkx is imported inside the functions that need it, so assessing never loads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from branda.expert.nx_compat import node_link
from branda.knowledge.model import Model
from branda.knowledge.transitions import Action, Transitions
from branda.rules.model import Condition, DiagnosticRule, IndicatorRule

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["FORMATS", "Trigger", "action_waves", "complacency_triggers", "lapse_of", "prerequisite_dag",
           "render_graph", "transition_graph"]

FORMATS = ("text", "dot", "mermaid", "json", "graphml")


@dataclass(frozen=True)
class Trigger:
    """What can take an organisation from `level` back to `level - 1`."""

    kind: str  # "complacency" (a diagnostic rule's condition) or "lapse" (one of the level's own conditions)
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


def complacency_triggers(model: Model, level: int) -> tuple[Trigger, ...]:
    """The conditions of the fall-back diagnostic's rules (the article's regression_risk) that apply at `level`."""
    code = model.transitions.risk.diagnostic
    rules: Iterable[DiagnosticRule] = model.rules.diagnostics
    return tuple(Trigger("complacency", level, r.name, c) for r in rules
                 if r.code == code and level in r.at_levels for c in r.when)


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


def _requirement(rule: IndicatorRule, cond: Condition, lang: str) -> dict[str, Any]:
    return {"fact": cond.fact, "needed": cond.needed, "rule": rule.name, "title": rule.title(lang)}


def _action(action: Action, wave: int, lang: str) -> dict[str, Any]:
    return {"id": action.id, "capability": action.capability, "wave": wave, "text": action.text(lang),
            "cites": action.cites(lang), **_in_languages("text", action.text), **_in_languages("cites", action.cites)}


def _trigger(model: Model, t: Trigger) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": t.kind, "fact": t.condition.fact, "condition": str(t.condition),
                            "when": t.when, "rule": t.rule}
    if t.kind == "complacency":
        item["stressed"] = t.level == model.transitions.risk.stressed_at
    return item


def transition_graph(model: Model, lang: str = "en") -> nx.DiGraph:
    """The levels as nodes; forward edges n -> n+1 with `requires` and `actions`; fall-back edges n -> n-1."""
    import networkx as nx

    tr = model.transitions
    g = nx.DiGraph(name="branda transitions", lang=lang)
    for lvl in model.levels:
        g.add_node(lvl.number, level=lvl.number, name=lvl.name(lang), **_in_languages("name", lvl.name),
                   description=lvl.description(lang))
    for n in range(1, model.top):
        requires = [_requirement(r, c, lang) for r, c in model.rules.conditions_of(n + 1)]
        waves = action_waves(tr, tr.actions_to(n + 1))
        actions = [_action(a, i, lang) for i, wave in enumerate(waves, 1) for a in wave]
        g.add_edge(n, n + 1, kind="forward", requires=requires, actions=actions)
    for n in range(2, model.top + 1):
        triggers = [*complacency_triggers(model, n), *lapse_triggers(model, n)]
        g.add_edge(n, n - 1, kind="fallback", triggers=[_trigger(model, t) for t in triggers])
    return g


def _edge_label(model: Model, data: dict[str, Any], lang: str) -> str:
    if data["kind"] == "forward":
        return ", ".join(f"{r['fact']} {r['needed']}" for r in data["requires"])
    complacency = [t["condition"] for t in data["triggers"] if t["kind"] == "complacency"]
    lapses = [t["when"] for t in data["triggers"] if t["kind"] == "lapse"]
    parts = [*complacency, model.text("graph_any_of", lang, items=", ".join(lapses))]
    return f" {model.text('or', lang)} ".join(parts)


def _scalar_copy(model: Model, g: nx.DiGraph, lang: str) -> nx.DiGraph:
    """The graph with every attribute a scalar (GraphML has no lists): lists become readable strings."""
    flat = g.copy()
    for _, _, data in flat.edges(data=True):
        data["label"] = _edge_label(model, data, lang)
        if data["kind"] == "forward":
            data["requires"] = "; ".join(f"{r['fact']} {r['needed']} [{r['rule']}]" for r in data["requires"])
            data["actions"] = " | ".join(f"{a['wave']}. {a['text']}" for a in data["actions"])
        else:
            data["triggers"] = "; ".join(f"{t['when']} [{t['rule']}]" for t in data["triggers"])
    return flat


def _quote_dot(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def graph_dot(model: Model, lang: str = "en") -> str:
    """Graphviz DOT: solid forward edges, dashed fall-back edges, labelled with what they require or risk."""
    g = _scalar_copy(model, transition_graph(model, lang), lang)
    lines = ["digraph transitions {", "  rankdir=LR;", "  node [shape=box];"]
    lines += [f"  {n} [label={_quote_dot(str(n) + ' ' + d['name'])}];" for n, d in g.nodes(data=True)]
    for u, v, d in g.edges(data=True):
        style = "solid" if d["kind"] == "forward" else "dashed"
        lines.append(f"  {u} -> {v} [label={_quote_dot(d['label'])}, style={style}];")
    return "\n".join([*lines, "}"])


def graph_mermaid(model: Model, lang: str = "en") -> str:
    """A Mermaid flowchart: forward edges as arrows, fall-back edges dotted."""
    g = _scalar_copy(model, transition_graph(model, lang), lang)

    def quote(text: str) -> str:
        return '"' + text.replace('"', "#quot;") + '"'

    lines = ["flowchart LR"]
    lines += [f"  L{n}[{quote(str(n) + ' ' + d['name'])}]" for n, d in g.nodes(data=True)]
    for u, v, d in g.edges(data=True):
        arrow = "-->" if d["kind"] == "forward" else "-.->"
        lines.append(f"  L{u} {arrow}|{quote(d['label'])}| L{v}")
    return "\n".join(lines)


def graph_text(model: Model, lang: str = "en") -> str:
    """The graph for people: levels, each forward move with its requirements and actions, the fall-backs."""
    import networkx as nx

    kb, tr, _t = model, model.transitions, model.text
    g = transition_graph(model, lang)
    lines = [_t("graph_heading", lang), "", _t("graph_levels", lang)]
    lines += [f"  {n} {d['name']}" for n, d in g.nodes(data=True)]
    lines += ["", _t("graph_forward", lang)]
    for n in range(1, model.top):
        edge = g.edges[n, n + 1]
        lines.append("  " + _t("graph_move", lang, start=n, end=n + 1, name=kb.level(n + 1).name(lang)))
        lines += [f"    - {r['fact']} {r['needed']} ({r['title']})" for r in edge["requires"]]
        lines.append("    " + _t("graph_actions", lang))
        for wave in sorted({a["wave"] for a in edge["actions"]}):
            lines.append("      " + _t("graph_action_wave", lang, wave=wave))
            lines += [f"        - {a['text']}" for a in edge["actions"] if a["wave"] == wave]
    lines += ["", _t("graph_fallbacks", lang)]
    for n in range(2, model.top + 1):
        triggers = g.edges[n, n - 1]["triggers"]
        lapses = ", ".join(t["when"] for t in triggers if t["kind"] == "lapse")
        lines.append("  " + _t("graph_fallback", lang, start=n, end=n - 1, items=lapses))
        for t in (t for t in triggers if t["kind"] == "complacency"):
            key = "graph_complacency_stressed" if t["stressed"] else "graph_complacency"
            lines.append("    " + _t(key, lang, condition=t["condition"], title=tr.risk.title(lang)))
    lines += ["", _t("graph_prerequisites", lang)]
    for i, generation in enumerate(nx.topological_generations(prerequisite_dag(model)), 1):
        names = [tr.capabilities[c].name(lang) for c in sorted(generation, key=list(tr.capabilities).index)]
        lines.append("  " + _t("graph_wave", lang, wave=i, items=", ".join(names)))
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
