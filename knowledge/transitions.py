"""Load and validate transitions.yaml: capabilities and their prerequisite DAG, the article's actions per move."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from branda.knowledge.loader import Knowledge, KnowledgeError, Reader, Text


@dataclass(frozen=True)
class Capability:
    """Something an organisation builds; `requires` are the capabilities that must come first."""

    id: str
    name: Text
    facts: tuple[str, ...]
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    """The article's advice for one move (towards level `to`), building one capability, with its source."""

    id: str
    to: int
    capability: str
    text: Text
    cites: Text


@dataclass(frozen=True)
class Fallback:
    """What the article says about one way of slipping back a level."""

    title: Text
    advice: Text
    cites: Text
    diagnostic: str | None = None  # the diagnostic whose rule holds the trigger
    stressed_at: int | None = None  # the level the article warns about above all


@dataclass(frozen=True)
class Milestone:
    """What opens up on arriving at a level."""

    level: int
    text: Text
    cites: Text


@dataclass(frozen=True)
class Transitions:
    """transitions.yaml, validated: capabilities in file order, actions, fall-backs, milestones."""

    capabilities: dict[str, Capability]
    actions: tuple[Action, ...]
    risk: Fallback  # the risk of slipping back that a diagnostic rule names (the article: complacency)
    lapse: Fallback
    milestones: dict[int, Milestone]

    def actions_to(self, level: int) -> tuple[Action, ...]:
        """The actions of the move into `level`, in file order."""
        return tuple(a for a in self.actions if a.to == level)

    def ancestors(self, capability: str) -> frozenset[str]:
        """Every capability that must be in place before `capability`, directly or indirectly."""
        found: set[str] = set()
        todo = list(self.capabilities[capability].requires)
        while todo:
            c = todo.pop()
            if c not in found:
                found.add(c)
                todo.extend(self.capabilities[c].requires)
        return frozenset(found)

    def prerequisites(self) -> list[tuple[str, str]]:
        """The DAG's edges (before, after): `before` must be in place before `after`."""
        return [(before, c.id) for c in self.capabilities.values() for before in c.requires]


def _names(r: Reader, value: Any, key: str, allowed: dict | set, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise r.fail(key, f"must be a list of {what}")
    for i, name in enumerate(value):
        if name not in allowed:
            raise r.fail(f"{key}[{i}]", f"unknown {what} {name!r}")
    r.unique(value, key)
    return tuple(value)


def _find_cycle(requires: dict[str, tuple[str, ...]]) -> list[str] | None:
    """A prerequisite cycle as [a, b, ..., a], or None when the graph is acyclic (depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for before in requires[node]:
            if state.get(before) == 1:
                return path[path.index(before):] + [before]
            if before not in state and (found := visit(before)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in requires:
        if node not in state and (found := visit(node)):
            return found
    return None


def _capabilities(r: Reader, data: Any, kb: Knowledge) -> dict[str, Capability]:
    if not isinstance(data, dict) or not data:
        raise r.fail("capabilities", "must be a non-empty mapping of capability ids")
    raw = {}
    for cid, item in data.items():
        key = f"capabilities.{cid}"
        if not isinstance(cid, str) or not cid.isidentifier():
            raise r.fail(key, "capability ids are lower-case identifiers")
        raw[cid] = r.mapping(item, key, {"name", "facts", "requires"})

    def capability(cid: str, item: dict) -> Capability:
        key = f"capabilities.{cid}"
        facts = _names(r, item["facts"], f"{key}.facts", kb.facts, "fact")
        if not facts:
            raise r.fail(f"{key}.facts", "a capability moves at least one fact")
        return Capability(cid, r.text(item["name"], f"{key}.name"), facts,
                          _names(r, item["requires"], f"{key}.requires", raw, "capability"))

    # A capability with a problem is recorded and left out (when collecting); the cycle test skips it.
    result = {c.id: c for c in r.each(list(raw.items()), lambda i, pair: capability(*pair))}
    cycle = _find_cycle({c.id: tuple(x for x in c.requires if x in result) for c in result.values()})
    if cycle:
        raise r.fail(f"capabilities.{cycle[0]}.requires", "prerequisite cycle: " + " requires ".join(cycle))
    return result


def _actions(r: Reader, data: Any, capabilities: dict, top: int) -> tuple[Action, ...]:
    """The actions, each naming one of `capabilities` (the capability ids the file declares)."""
    items = r.items(data, "actions")
    r.unique([i.get("id") if isinstance(i, dict) else None for i in items], "actions")

    def action(i: int, item: Any) -> Action:
        item = r.mapping(item, f"actions[{i}]", {"id", "to", "capability", "text", "cites"})
        aid = item["id"]
        if not isinstance(aid, str) or not aid.isidentifier():
            raise r.fail(f"actions[{i}].id", "action ids are lower-case identifiers")
        r.level_number(item["to"], f"actions.{aid}.to", top, lowest=2)
        if item["capability"] not in capabilities:
            raise r.fail(f"actions.{aid}.capability", f"unknown capability {item['capability']!r}")
        return Action(aid, item["to"], item["capability"], r.text(item["text"], f"actions.{aid}.text"),
                      r.text(item["cites"], f"actions.{aid}.cites"))

    return tuple(r.each(items, action))


def _fallback(r: Reader, data: Any, key: str, kb: Knowledge, trigger: bool) -> Fallback:
    extra = {"diagnostic", "stressed_at"} if trigger else set()
    item = r.mapping(data, key, {"title", "advice", "cites", *extra})
    diagnostic, stressed = item.get("diagnostic"), item.get("stressed_at")
    if trigger and diagnostic not in kb.diagnostics:
        raise r.fail(f"{key}.diagnostic", f"unknown diagnostic code {diagnostic!r}")
    if trigger:
        r.level_number(stressed, f"{key}.stressed_at", kb.top, lowest=2)
    return Fallback(r.text(item["title"], f"{key}.title"), r.text(item["advice"], f"{key}.advice"),
                    r.text(item["cites"], f"{key}.cites"), diagnostic, stressed)


def _milestones(r: Reader, data: Any, top: int) -> dict[int, Milestone]:
    if not isinstance(data, dict):
        raise r.fail("milestones", f"must be a mapping of levels 2-{top}")
    result = {}
    for level, item in data.items():
        key = f"milestones.{level}"
        r.level_number(level, key, top, lowest=2)
        item = r.mapping(item, key, {"text", "cites"})
        result[level] = Milestone(level, r.text(item["text"], f"{key}.text"), r.text(item["cites"], f"{key}.cites"))
    return dict(sorted(result.items()))


def load_transitions(path: Path, kb: Knowledge, problems: list[KnowledgeError] | None = None) -> Transitions:
    """Read and validate a transitions file against the model's facts, levels and diagnostic codes."""
    r = Reader(path, kb.languages, problems, path.parent)
    top = r.mapping(r.data, "(top)", {"capabilities", "actions", "fallbacks", "milestones"})
    # Each part checked on its own, so that `branda model check` lists the problems of every part (with a
    # `problems` list a part with a problem is None; the model that reads this file is then refused).
    capabilities = r.attempt(lambda: _capabilities(r, top["capabilities"], kb))
    declared = top["capabilities"]  # an action names a declared capability (one with a problem of its own too)
    actions = None if capabilities is None else r.attempt(lambda: _actions(r, top["actions"], declared, kb.top))
    fallbacks = r.attempt(lambda: r.mapping(top["fallbacks"], "fallbacks", {"risk", "lapse"}))
    risk: Fallback | None = None
    lapse: Fallback | None = None
    if fallbacks is not None:
        risk = r.attempt(lambda: _fallback(r, fallbacks["risk"], "fallbacks.risk", kb, trigger=True))
        lapse = r.attempt(lambda: _fallback(r, fallbacks["lapse"], "fallbacks.lapse", kb, trigger=False))
    milestones = r.attempt(lambda: _milestones(r, top["milestones"], kb.top))
    return Transitions(capabilities or {}, actions or (), risk, lapse, milestones or {})  # type: ignore[arg-type]
