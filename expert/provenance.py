"""The reasoning chain as a provenance graph (fact -> rule -> conclusion -> rule that used it), as DOT or JSON.

Node ids and attributes keep the codes (`fact`, `rule`, `needed`); the labels are words in `lang`: a fact's
label and its answer on the scale, a rule's title, what a rule asks of a fact ("at least “mostly true”").
networkx is imported inside the functions, so assessing never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from branda.expert import words
from branda.expert.engine import Firing
from branda.expert.explain import Explanation, concludes_text, rule_needs, rule_title
from branda.expert.transitions import wrapped
from branda.knowledge.model import Model
from branda.rules.model import DiagnosticRule, IndicatorRule

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["graph_json", "provenance_graph", "to_dot"]

SHAPES = {"fact": "ellipse", "rule": "box", "conclusion": "note"}
WRAP = 26  # characters per label line: the chain's columns stay narrow enough for an A4 page


def _wrap(text: str) -> str:
    return "\n".join(wrapped(text, WRAP)) or text


def _firings(e: Explanation) -> tuple[Firing, ...]:
    """The firings the graph shows: the whole record, or what established --level N when N is reached."""
    if e.target is not None and e.target <= e.assessment.level:
        return e.target_chain
    return e.assessment.firings


def _needs(kb: Model, needed: str, lang: str) -> str:
    """What a rule asks of a fact, in words ('>= 4' -> at least “mostly true”; several needs joined)."""
    return "; ".join(words.needs_words(kb, part, lang) for part in needed.split(", ") if part)


def _said(kb: Model, fact: str, value: int | None, needed: str, lang: str, met: bool = True) -> str:
    """A fact inside its rule's box: "Information for decisions: “mostly true” (condition: at least …)"."""
    return kb.text("provenance_fact" if met else "provenance_fact_unmet", lang, fact=words.label(kb, fact, lang),
                   value=words.value_words(kb, value, lang), needs=_needs(kb, needed, lang))


def _fact(kb: Model, graph: nx.DiGraph, name: str, value: int | None, lang: str) -> str:
    node = f"fact:{name}"
    label = f"{_wrap(words.label(kb, name, lang))}\n{words.value_words(kb, value, lang)}"
    graph.add_node(node, kind="fact", fact=name, value=value, label=label)
    return node


def _rule(kb: Model, graph: nx.DiGraph, name: str, lang: str, fired: bool) -> str:
    node = f"rule:{name}"
    rule = kb.rules.rule(name)
    level = getattr(rule, "level", None)
    title = (kb.text("provenance_diagnostic", lang, title=kb.diagnostics[rule.code].title(lang))
             if isinstance(rule, DiagnosticRule) else rule_title(kb, name, lang))
    band = {"band": rule.level} if isinstance(rule, IndicatorRule) else {}  # the level whose criterion it is
    graph.add_node(node, kind="rule", rule=name, title=title, fired=fired, label=_wrap(title),
                   **({} if level is None else {"level": level}), **band)
    return node


def _conclusion(kb: Model, conclusion: str, lang: str) -> str:
    kind, _, key = conclusion.partition(":")
    if kind == "diagnostic":
        return kb.text("provenance_diagnostic", lang, title=kb.diagnostics[key].title(lang))
    return concludes_text(kb, conclusion, lang)


def provenance_graph(e: Explanation, lang: str = "en") -> nx.DiGraph:
    """The chain as a DiGraph; with --level N above the concluded level, N's unmet conditions as `unmet` edges.

    Node ids: 'fact:NAME', 'rule:NAME' and the conclusion ids ('indicator:…', 'criteria:N', 'reached:N',
    'level:N', 'diagnostic:CODE'); every node has `kind` (fact, rule or conclusion) and a `label` in `lang`.
    A fact's edge to a rule carries `needed` (the code, '>= 4') and `label` (in words).
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
            needed = rule_needs(kb, f.rule, name)
            graph.add_edge(_fact(kb, graph, name, value, lang), rule, needed=needed, label=_needs(kb, needed, lang),
                           said=_said(kb, name, value, needed, lang))
        for conclusion in f.given:
            graph.add_edge(conclusion, rule, label="")
        for conclusion in f.concludes:
            kind, _, key = conclusion.partition(":")
            attrs = {"level": int(key)} if kind in ("criteria", "reached", "level") else {}
            graph.add_node(conclusion, kind="conclusion", label=_wrap(_conclusion(kb, conclusion, lang)), **attrs)
            graph.add_edge(rule, conclusion, label="")
    for gap in e.why_not:
        rule = f"rule:{gap.rule}"
        if rule not in graph:
            _rule(kb, graph, gap.rule, lang, fired=False)
        graph.add_edge(_fact(kb, graph, gap.fact, gap.value, lang), rule, unmet=True, needed=gap.needed,
                       label=_needs(kb, gap.needed, lang), said=_said(kb, gap.fact, gap.value, gap.needed, lang, False))
    bands = sorted({attrs["band"] for _, attrs in graph.nodes(data=True) if "band" in attrs})
    graph.graph["bands"] = {level: kb.text("provenance_band_met" if f"criteria:{level}" in graph else "provenance_band",
                                           lang, level=level) for level in bands}
    return graph


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_id(text: str) -> str:
    return '"' + _quote(text).replace("\n", "\\n") + '"'


def _lines(text: str, indent: str = "") -> list[str]:
    """A box's line wrapped at about twice a node label's width (the boxes are the picture's only column)."""
    return wrapped(text, 2 * WRAP, indent)


def _left(lines: list[str]) -> str:
    """Lines as a left-justified DOT label."""
    return '"' + "".join(_quote(line) + "\\l" for line in lines) + '"'


class _Picture:
    """The chain as a reader sees it: each level's criteria folded into one box (its rules, their facts and
    answers), each diagnostic's rule a box with its facts, the levels reached between them. The engine's
    bookkeeping rules and per-criterion conclusions are passed through, not drawn (graph-json keeps them)."""

    def __init__(self, graph: nx.DiGraph) -> None:
        self.graph = graph
        self.box: dict[str, str] = {}  # a graph node -> the picture's box it is drawn in
        for node, attrs in graph.nodes(data=True):
            if "band" in attrs:
                level = attrs["band"]
                self.box[node] = f"criteria:{level}" if f"criteria:{level}" in graph else f"band:{level}"
            elif attrs.get("kind") == "rule" and (self._facts(node) or not attrs.get("fired", True)):
                self.box[node] = node
            elif attrs.get("kind") == "conclusion" and not node.startswith("indicator:"):
                self.box[node] = node
        for node in graph.nodes:  # a diagnostic is drawn in the box of the rule that raised it, with its facts
            makers = [r for r in graph.predecessors(node) if self.box.get(r) == r]
            if node.startswith("diagnostic:") and len(makers) == 1 and self._facts(makers[0]):
                self.box[makers[0]] = node

    def _facts(self, rule: str) -> list[dict[str, Any]]:
        return [attrs for source, _, attrs in self.graph.in_edges(rule, data=True)
                if self.graph.nodes[source].get("kind") == "fact"]

    def _rule_lines(self, rule: str, bullet: str) -> list[str]:
        attrs = self.graph.nodes[rule]
        lines = _lines(bullet + attrs["title"], " " * (len(bullet) + 1))  # an unmet rule's facts say "not met"
        return lines + [line for e in self._facts(rule) for line in _lines("     " + e["said"], "        ")]

    def nodes(self) -> list[str]:
        drawn: dict[str, list[str]] = {}
        for node, box in self.box.items():
            attrs = self.graph.nodes[node]
            if "band" in attrs:
                heading = self.graph.graph["bands"][attrs["band"]]
                drawn.setdefault(box, _lines(heading)).extend(self._rule_lines(node, "• "))
            elif attrs.get("kind") == "rule" and box != node:  # the diagnostic's own words lead its box
                heading = self.graph.nodes[box]["label"].replace("\n", " ")
                drawn[box] = _lines(heading) + self._rule_lines(node, "")[len(_lines(attrs["title"])):]
            elif attrs.get("kind") == "rule":
                drawn[box] = self._rule_lines(node, "")
            elif box not in drawn:
                drawn[box] = _lines(attrs.get("label", node).replace("\n", " "))
        lines = []
        for box, label in drawn.items():
            attrs = self.graph.nodes[box] if box in self.graph else {}
            shape = "box" if box.startswith(("criteria:", "band:")) else SHAPES.get(attrs.get("kind", ""), "box")
            unmet = box.startswith("band:") or not attrs.get("fired", True)
            style = ", style=dashed, color=red" if unmet else ""
            lines.append(f"  {_dot_id(box)} [label={_left(label)}, shape={shape}{style}];")
        return lines

    def edges(self) -> list[tuple[str, str]]:
        """An edge from box to box wherever the chain runs from one to the other through undrawn nodes."""
        found: dict[tuple[str, str], None] = {}
        for node, box in self.box.items():
            todo, seen = list(self.graph.successors(node)), set()
            while todo:
                nxt = todo.pop()
                if nxt in seen:
                    continue
                seen.add(nxt)
                if nxt not in self.box:
                    todo.extend(self.graph.successors(nxt))
                elif self.box[nxt] != box:
                    found[(box, self.box[nxt])] = None
        return list(found)

    def order(self) -> list[tuple[str, str]]:
        """Invisible edges that stack the levels down the page: level N's criteria below 'level N-1 reached'."""
        boxes = {b for b in self.box.values() if b.startswith(("criteria:", "band:"))}
        levels = sorted((int(b.partition(":")[2]), b) for b in boxes)
        return [(f"reached:{n - 1}", b) for n, b in levels if f"reached:{n - 1}" in self.graph]


def to_dot(graph: nx.DiGraph) -> str:
    """The chain as Graphviz DOT, top to bottom: each level's criteria in one box with the client's answers,
    the levels reached between them, the diagnostics at the foot; what is not met dashed red."""
    picture = _Picture(graph)
    lines = ["digraph provenance {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];', *picture.nodes()]
    lines += [f"  {_dot_id(source)} -> {_dot_id(target)};" for source, target in picture.edges()]
    lines += [f"  {_dot_id(source)} -> {_dot_id(target)} [style=invis];" for source, target in picture.order()]
    return "\n".join([*lines, "}"])


def graph_json(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as networkx node-link data (edges under "edges"), ready for json.dumps."""
    from branda.expert.nx_compat import node_link  # edges under "edges" on networkx 3.2 and later

    return node_link(graph)
