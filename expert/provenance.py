"""The reasoning chain as a provenance graph (fact -> rule -> conclusion -> rule that used it), as DOT or JSON.

networkx is imported inside the functions, so assessing never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from branda.expert.engine import Firing
from branda.expert.explain import Explanation, concludes_text, rule_needs, rule_title
from branda.knowledge.model import Model

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["graph_json", "provenance_graph", "to_dot"]

SHAPES = {"fact": "ellipse", "rule": "box", "conclusion": "note"}


def _firings(e: Explanation) -> tuple[Firing, ...]:
    """The firings the graph shows: the whole record, or what established --level N when N is reached."""
    if e.target is not None and e.target <= e.assessment.level:
        return e.target_chain
    return e.assessment.firings


def _fact(kb: Model, graph: nx.DiGraph, name: str, value: int | None, lang: str) -> str:
    node = f"fact:{name}"
    shown = kb.text("unknown_value", lang) if value is None else value
    graph.add_node(node, kind="fact", fact=name, value=value, label=f"{name} = {shown}")
    return node


def _rule(kb: Model, graph: nx.DiGraph, name: str, lang: str, fired: bool) -> str:
    node = f"rule:{name}"
    level = getattr(kb.rules.rule(name), "level", None)
    title = rule_title(kb, name, lang)
    graph.add_node(node, kind="rule", rule=name, title=title, fired=fired,
                   label=f"{title}\n[{name}]", **({} if level is None else {"level": level}))
    return node


def provenance_graph(e: Explanation, lang: str = "en") -> nx.DiGraph:
    """The chain as a DiGraph; with --level N above the concluded level, N's unmet conditions as `unmet` edges.

    Node ids: 'fact:NAME', 'rule:NAME' and the conclusion ids ('indicator:…', 'criteria:N', 'reached:N',
    'level:N', 'diagnostic:CODE'); every node has `kind` (fact, rule or conclusion) and a `label` in `lang`.
    """
    import networkx as nx

    a = e.assessment
    kb = a.model
    graph = nx.DiGraph(organisation=a.profile.organisation, level=a.level, lang=lang)
    if e.target is not None:
        graph.graph["target_level"] = e.target
    for f in _firings(e):
        rule = _rule(kb, graph, f.rule, lang, fired=True)
        for name, value in f.because.items():
            graph.add_edge(_fact(kb, graph, name, value, lang), rule, label=rule_needs(kb, f.rule, name))
        for conclusion in f.given:
            graph.add_edge(conclusion, rule, label="")
        for conclusion in f.concludes:
            kind, _, key = conclusion.partition(":")
            attrs = {"level": int(key)} if kind in ("criteria", "reached", "level") else {}
            label = concludes_text(kb, conclusion, lang) + (f"\n({key})" if kind == "indicator" else "")
            graph.add_node(conclusion, kind="conclusion", label=label, **attrs)
            graph.add_edge(rule, conclusion, label="")
    for gap in e.why_not:
        rule = f"rule:{gap.rule}"
        if rule not in graph:
            _rule(kb, graph, gap.rule, lang, fired=False)
        graph.add_edge(_fact(kb, graph, gap.fact, gap.value, lang), rule, unmet=True, needed=gap.needed,
                       label=gap.needed)
    return graph


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: nx.DiGraph) -> str:
    """The graph as Graphviz DOT text (facts as ellipses, rules as boxes, conclusions as notes)."""
    lines = ["digraph provenance {", "  rankdir=LR;", '  node [fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for node, attrs in graph.nodes(data=True):
        style = "" if attrs.get("fired", True) else ", style=dashed"
        lines.append(f"  {_dot_id(node)} [label={_dot_id(attrs.get('label', node))}, "
                     f"shape={SHAPES.get(attrs.get('kind', ''), 'plaintext')}{style}];")
    for source, target, attrs in graph.edges(data=True):
        extra = f"label={_dot_id(attrs['label'])}" if attrs.get("label") else ""
        if attrs.get("unmet"):
            extra += ", style=dashed, color=red"
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)}" + (f" [{extra.lstrip(', ')}]" if extra else "") + ";")
    return "\n".join([*lines, "}"])


def graph_json(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as networkx node-link data (edges under "edges"), ready for json.dumps."""
    from branda.expert.nx_compat import node_link  # edges under "edges" on networkx 3.2 and later

    return node_link(graph)
