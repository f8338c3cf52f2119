"""Every bundled example profile loads and assesses to what its file name and comment claim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MODEL

from branda.expert.assess import assess
from branda.expert.profile import FORMATS, load_profile

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

NOT_READY = "not_ready_for_cx_system"

# file -> (level, diagnostic codes), as each file's header comment describes the organisation.
CLAIMS: dict[str, tuple[int, set[str]]] = {
    "logistics_level1.yaml": (1, {NOT_READY}),
    "retailer_stuck_level2.yaml": (2, {"stuck_at_level_2", NOT_READY}),
    "hotel_chain_level2.yaml": (2, {NOT_READY}),
    "bank_level3.toml": (3, set()),
    "telecom_level4.yaml": (4, set()),
    "ecommerce_level4_fallback_risk.yaml": (4, {"regression_risk"}),
    "utility_level5.yaml": (5, set()),
    "insurer_level5.json": (5, set()),
    "startup_partial.yaml": (1, {"incomplete_profile", NOT_READY}),
    "manufacturer_uneven.yaml": (1, {"uneven_profile", NOT_READY}),
}

# A word in the file name promises a diagnostic.
NAME_PROMISES = {"stuck": "stuck_at_level_2", "fallback_risk": "regression_risk",
                 "partial": "incomplete_profile", "uneven": "uneven_profile"}


def example_files() -> list[str]:
    return sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in FORMATS)


def test_every_example_has_a_claim_and_every_claim_a_file() -> None:
    assert example_files() == sorted(CLAIMS)


def test_examples_cover_every_profile_format() -> None:
    assert {FORMATS[Path(name).suffix] for name in CLAIMS} == set(FORMATS.values())


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_the_table_agrees_with_the_file_name(name: str) -> None:
    level, codes = CLAIMS[name]
    named = re.search(r"level(\d)", name)
    if named:
        assert int(named.group(1)) == level
    promised = {code for word, code in NAME_PROMISES.items() if word in name}
    assert promised <= codes, f"{name} promises {promised}"


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_example_assesses_as_claimed(name: str) -> None:
    level, codes = CLAIMS[name]
    result = assess(MODEL, load_profile(MODEL, EXAMPLES / name))
    assert (result.level, set(result.codes)) == (level, codes)


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_example_names_the_organisation_and_date(name: str) -> None:
    profile = load_profile(MODEL, EXAMPLES / name)
    assert profile.organisation and profile.organisation.strip()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", profile.assessed_on or "")


@pytest.mark.parametrize("name", [n for n in sorted(CLAIMS) if not n.endswith(".json")])
def test_example_opens_with_a_comment_saying_what_it_shows(name: str) -> None:
    assert (EXAMPLES / name).read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("name", [n for n in sorted(CLAIMS) if "incomplete_profile" not in CLAIMS[n][1]])
def test_complete_examples_answer_every_fact(name: str) -> None:
    assert assess(MODEL, load_profile(MODEL, EXAMPLES / name)).unknown_facts == ()
