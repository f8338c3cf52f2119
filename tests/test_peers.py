"""The peer benchmark: the client among the organisations of a survey, per level and per fact."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from branda.expert.assess import assess
from branda.expert.peers import benchmark, benchmark_json, benchmark_text
from branda.expert.profile import Profile
from branda.rules.fast import evaluate
from tests.conftest import MODEL

FACTS = list(MODEL.facts)
profiles = st.dictionaries(st.sampled_from(FACTS), st.integers(MODEL.low, MODEL.high), min_size=1)


@settings(max_examples=60, deadline=None)
@given(client=profiles, peers=st.lists(profiles, min_size=1, max_size=12))
def test_shares_per_level_add_up_and_match_the_engine(client, peers):
    b = benchmark(MODEL, assess(MODEL, Profile(client)), [(None, p) for p in peers])
    data = benchmark_json(b)
    assert b.peers == len(peers) and sum(item["organisations"] for item in data["levels"]) == len(peers)
    below = sum(1 for p in peers if evaluate(MODEL.rules, p)[0] < b.level)
    assert data["below"] == round(below / len(peers), 4)
    for s in b.standings:
        known = [p[s.fact] for p in peers if s.fact in p]
        less = [v for v in known if (v < s.value if MODEL.facts[s.fact].positive else v > s.value)]
        assert s.ahead == len(less) / len(known)


def test_the_client_itself_is_not_its_own_peer():
    client = Profile({"customer_focus": 4}, organisation="UAB Pavyzdys")
    b = benchmark(MODEL, assess(MODEL, client), [("uab pavyzdys", {"customer_focus": 4}), ("Kita", {"customer_focus": 2})])
    assert b.peers == 1 and b.standings[0].ahead == 1.0


@pytest.mark.parametrize("lang, ahead", [("en", "ahead of 100% of peers"), ("lt", "lenkia 100 % organizacijų")])
def test_the_paragraph_says_the_strongest_facts_in_words(lang, ahead):
    client = Profile({name: 5 if f.positive else 1 for name, f in MODEL.facts.items()}, organisation="AB Stiprus")
    peers = [(f"P{i}", {name: 3 for name in MODEL.facts}) for i in range(4)]
    text = benchmark_text(benchmark(MODEL, assess(MODEL, client), peers), lang)
    assert ahead in text and "AB Stiprus" in text
    assert not any(code in text for code in FACTS)


def test_no_peers_is_said_plainly():
    b = benchmark(MODEL, assess(MODEL, Profile({"customer_focus": 4})), [])
    assert "no other organisation" in benchmark_text(b, "en")
