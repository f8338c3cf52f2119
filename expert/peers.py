"""The peer benchmark: where one client stands among the organisations of a survey, per level and per fact."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from branda.expert import words
from branda.expert.assess import Assessment
from branda.expert.summary import inline, joined
from branda.knowledge.model import Model
from branda.rules.fast import evaluate

SHOWN = 2  # facts named as the client's strongest and weakest against its peers


@dataclass(frozen=True)
class Standing:
    """One fact: the client's answer and the share of peers (that answered it) it is more mature than."""

    fact: str
    value: int
    ahead: float
    level_with: float
    peers: int

    @property
    def behind(self) -> float:
        """The share of peers more mature than the client on this fact."""
        return max(0.0, 1.0 - self.ahead - self.level_with)


@dataclass(frozen=True)
class Benchmark:
    """The client among its peers: their count per level and the client's standing on each fact it answered."""

    model: Model
    organisation: str | None
    level: int
    peers: int
    levels: dict[int, int]
    standings: tuple[Standing, ...]

    def share(self, levels: Iterable[int]) -> float:
        return sum(self.levels[n] for n in levels) / self.peers if self.peers else 0.0

    @property
    def below(self) -> float:
        """The share of peers at a lower level than the client."""
        return self.share(range(1, self.level))

    @property
    def same(self) -> float:
        return self.share([self.level])


def _more_mature(positive: bool, a: int, b: int) -> bool:
    return a > b if positive else a < b


def benchmark(model: Model, client: Assessment, peers: Iterable[tuple[str | None, Mapping[str, int]]]) -> Benchmark:
    """Place `client` among `peers` (organisation name, facts); a peer with the client's own name is left out."""
    own = client.profile.organisation
    levels = {n: 0 for n in model.rules.levels}
    answers: dict[str, list[int]] = {name: [] for name in model.facts}
    count = 0
    for name, facts in peers:
        if own and name and name.strip().casefold() == own.strip().casefold():
            continue
        count += 1
        levels[evaluate(model.rules, facts)[0]] += 1
        for fact, value in facts.items():
            if fact in answers and value is not None:
                answers[fact].append(value)
    standings = []
    for fact, value in client.profile.facts.items():
        known = answers.get(fact) or []
        if not known:
            continue
        positive = model.facts[fact].positive
        ahead = sum(1 for v in known if _more_mature(positive, value, v)) / len(known)
        level_with = sum(1 for v in known if v == value) / len(known)
        standings.append(Standing(fact, value, ahead, level_with, len(known)))
    return Benchmark(model, own, client.level, count, levels, tuple(standings))


def percent(share: float, lang: str = "en") -> str:
    """A share as a reader says it; Lithuanian sets a space before the per-cent sign.

    >>> percent(0.625), percent(0.625, "lt")
    ('62%', '62 %')
    """
    return f"{round(100 * share)}{' %' if lang == 'lt' else '%'}"


def benchmark_json(b: Benchmark, lang: str = "en") -> dict[str, Any]:
    """The benchmark for scripts: the peers per level (count and share), and per fact the client's standing."""
    kb = b.model
    return {
        "peers": b.peers,
        "levels": [{"level": n, "level_name": kb.level(n).name(lang), "organisations": c,
                    "share": round(c / b.peers, 4) if b.peers else 0.0} for n, c in b.levels.items()],
        "level": b.level,
        "below": round(b.below, 4),
        "same": round(b.same, 4),
        "facts": [{"fact": s.fact, "value": s.value, "ahead": round(s.ahead, 4), "level_with": round(s.level_with, 4),
                   "peers": s.peers} for s in b.standings],
    }


def benchmark_text(b: Benchmark, lang: str = "en") -> str:
    """One paragraph a consultant reads aloud: the peers per level, the client's place, the facts on which it is
    furthest ahead of its peers and furthest behind them."""
    kb = b.model
    if not b.peers:
        return kb.text("peers_none", lang)

    def pct(share: float) -> str:
        return percent(share, lang)

    shares = joined(kb, (kb.text("peers_share", lang, share=pct(c / b.peers), level=n)
                         for n, c in b.levels.items() if c), lang)
    organisation = b.organisation or kb.text("unnamed_organisation", lang)
    parts = [kb.text("peers_distribution", lang, count=words.counted(kb, b.peers, "noun_organisation", lang),
                     n=b.peers, shares=shares),
             kb.text("peers_position" if b.same else "peers_position_alone", lang, level=b.level,
                     organisation=organisation, below=pct(b.below), same=pct(b.same))]
    ranked = sorted(b.standings, key=lambda s: (-s.ahead, list(kb.facts).index(s.fact)))
    if len(ranked) >= 2 * SHOWN:
        strong = ranked[:SHOWN]
        weak = sorted((s for s in b.standings if s not in strong and s.behind > 0),
                      key=lambda s: (-s.behind, list(kb.facts).index(s.fact)))[:SHOWN]

        def said(items: Iterable[Standing], key: str, share: Callable[[Standing], float]) -> str:
            return joined(kb, (kb.text(key, lang, label=inline(words.label(kb, s.fact, lang)), share=pct(share(s)))
                               for s in items), lang)

        strong_said = said(strong, "peers_fact_ahead", lambda s: s.ahead)
        parts.append(kb.text("peers_facts", lang, strong=strong_said, weak=said(weak, "peers_fact_behind",
                                                                                lambda s: s.behind))
                     if weak else kb.text("peers_facts_strong", lang, strong=strong_said))
    return " ".join(parts)
