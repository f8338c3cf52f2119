"""`branda interview`: a consultant answers one question at a time, stops, comes back, and ends with the assessment.

The terminal stories run the real program in a pseudo-terminal (stdlib pty), typing answers and Ctrl-C as a
person would; the pipe stories use CliRunner's input.
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import signal
import sys
import time

import pytest
import yaml
from conftest import MODEL, ROOT, assert_golden
from hypothesis import given, settings
from hypothesis import strategies as st

from branda.cli import cli
from branda.expert.errors import InputError
from branda.expert.interview import (
    QUIT,
    Answers,
    Console,
    load_answers,
    matters_at,
    may_ask,
    next_questions,
    parse_answer,
    plan_questions,
    progress,
    prompt,
    run_interview,
    save_answers,
    write_atomic,
)
from branda.expert.plan import make_plan
from branda.expert.profile import Profile, load_profile
from branda.expert.unknowns import decisive_unknowns

VOCABULARY = list(MODEL.facts)
SCALE = f"{MODEL.low}-{MODEL.high}"  # the answers, as the English prompt names them (interface.md)
SCALE_PROSE = f"{MODEL.low}–{MODEL.high}"  # a range in prose, and in the Lithuanian prompt: an en dash
TOP = MODEL.top
LOWEST = MODEL.level(1).name("en")  # where an interview stopped early ends
HINT_EN = f"({SCALE}, ? = don't know, q = stop)"


def question(name: str, lang: str = "en") -> str:
    return MODEL.facts[name].question(lang)


def exact_prompt(name: str) -> str:
    """The interface's prompt: `[fact_name] question (1-5, ? = don't know, q = stop)` for the bundled model."""
    return f"[{name}] {question(name)} {HINT_EN}"


LEVEL_2_FACTS = [n for n in VOCABULARY if n in {c.fact for _, c in MODEL.rules.conditions_of(2)}]
FIRST = LEVEL_2_FACTS[0]  # level 2 gates every level above it: its first fact in the vocabulary comes first
SECOND = LEVEL_2_FACTS[1]


# --- the pieces -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, meaning", [
    ("1", 1), ("5", 5), (" 3 ", 3), ("3\r", 3), ("?", None), (" ? ", None), ("q", QUIT), ("Q", QUIT),
])
def test_an_answer_is_a_value_dont_know_or_stop(typed, meaning):
    assert parse_answer(MODEL, typed) == meaning


@pytest.mark.parametrize("typed", ["", "0", "6", "4.0", "44", "yes", "-1", "٣", "１", "??", "quit"])
def test_anything_else_is_asked_again(typed):
    with pytest.raises(ValueError):
        parse_answer(MODEL, typed)


def test_the_prompt_is_the_interfaces_format():
    assert prompt(MODEL, FIRST, "en") == exact_prompt(FIRST) + " "


def test_the_lithuanian_prompt_keeps_the_keys_and_asks_in_lithuanian():
    assert prompt(MODEL, FIRST, "lt") == f"[{FIRST}] {question(FIRST, 'lt')} ({SCALE_PROSE}, ? = nežinau, q = sustoti) "


def test_the_first_question_is_the_first_level_2_fact():
    assert next_questions(MODEL, Answers())[0] == FIRST


answers_st = st.dictionaries(st.sampled_from(VOCABULARY), st.one_of(st.none(), st.integers(MODEL.low, MODEL.high)),
                             max_size=len(VOCABULARY))


@settings(max_examples=60, deadline=None)
@given(answers_st)
def test_the_decisive_facts_come_first_then_the_plans_each_lowest_level_first(facts):
    answers = Answers(facts=facts)
    queue = next_questions(MODEL, answers)
    decisive = [n for n in decisive_unknowns(MODEL, answers.known) if n not in facts]  # a "?" is never asked again
    assert set(queue[:len(decisive)]) == set(decisive)
    assert queue[len(decisive):] == [n for n in plan_questions(MODEL, answers) if n not in decisive]
    for part in (queue[:len(decisive)], queue[len(decisive):]):
        keys = [(matters_at(MODEL, n), VOCABULARY.index(n)) for n in part]
        assert keys == sorted(keys)
    assert len(set(queue)) == len(queue) and not set(queue) & set(facts)


def test_an_answer_that_settles_everything_ends_the_questions():
    every = {n: 3 for n in VOCABULARY}
    assert next_questions(MODEL, Answers(facts=every)) == []
    assert next_questions(MODEL, Answers(facts={n: None for n in VOCABULARY})) == []


organisations = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["yes", "null", "123", "2026-01-01", "~"]))


@settings(max_examples=60, deadline=None)
@given(answers_st, organisations)
def test_saved_answers_load_back_as_they_were(tmp_path_factory, facts, organisation):
    path = tmp_path_factory.mktemp("save") / "answers.yaml"
    answers = Answers(facts=facts, organisation=organisation, organisation_asked=True,
                      assessed_on=dt.date(2026, 11, 20))
    save_answers(MODEL, path, answers)
    again = load_answers(MODEL, path)
    assert dict(again.facts) == facts
    assert (again.organisation, again.organisation_asked) == (organisation, True)
    profile = load_profile(MODEL, path)  # the file is a plain profile for every other command
    assert dict(profile.facts) == answers.known and profile.assessed_on == "2026-11-20"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "answers.yaml"
    path.write_text("facts: {cx_ownership: 4}\n", encoding="utf-8")

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(InputError, match="answers.yaml: cannot write the file: disk full"):
        write_atomic(path, "facts: {cx_ownership: 1}\n")
    assert path.read_text(encoding="utf-8") == "facts: {cx_ownership: 4}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


def test_every_answer_is_on_disk_before_the_next_question(tmp_path):
    path = tmp_path / "acme.yaml"
    typed = iter(["Acme", "4", "2", "q"])
    seen_on_disk = []

    def ask(text: str) -> str:
        if text.startswith("["):
            seen_on_disk.append(dict(load_answers(MODEL, path).facts))
        return next(typed)

    outcome = run_interview(MODEL, path, Answers(), Console(ask, lambda _: None))
    assert outcome.stopped
    assert seen_on_disk == [{}, {FIRST: 4}, {FIRST: 4, SECOND: 2}]


# --- through a pipe (CliRunner) ---------------------------------------------------------------------------

def test_a_piped_interview_asks_in_order_saves_and_assesses(runner, tmp_path):
    out = tmp_path / "acme.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="UAB Acme\n4\nmaybe\n2\nq\n")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    asked = [line for line in lines if line.startswith("[")]
    assert asked == [exact_prompt(FIRST) + " 4", exact_prompt(SECOND) + " maybe", exact_prompt(SECOND) + " 2",
                     f"{exact_prompt(LEVEL_2_FACTS[2])} q"]
    assert f"Please answer with a whole number {SCALE_PROSE}, ? if you don't know, b to go back, or q to stop " \
           "(you typed “maybe”)." in lines
    assert f"Stopped. 2 of {len(VOCABULARY)} questions asked so far are saved in {out}; " \
           f"run `branda interview --out {out}` to go on." in lines
    assert f"UAB Acme: customer-service maturity level 1 of {TOP}, “{LOWEST}”" in lines
    saved = load_answers(MODEL, out)
    assert (saved.organisation, dict(saved.facts)) == ("UAB Acme", {FIRST: 4, SECOND: 2})


def test_a_lithuanian_invalid_answer_is_quoted_in_lithuanian_marks(runner, tmp_path):
    out = tmp_path / "pavyzdys.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out), "--lang", "lt"], input="UAB Pavyzdys\n9\n'1'\nq\n")
    lines = result.output.splitlines()
    assert ("Atsakykite sveikuoju skaičiumi nuo 1 iki 5; jei nežinote, įveskite ?, jei norite grįžti atgal – b, "
            "o jei norite sustoti – q (įvedėte „9“).") in lines
    assert any(line.endswith("(įvedėte „'1'“).") for line in lines)
    assert not any("(įvedėte '" in line for line in lines)


def test_a_long_or_odd_invalid_answer_is_cut_and_kept_on_one_line(runner, tmp_path):
    out = tmp_path / "acme.yaml"
    typed = "x" * 70 + "\u2028y"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input=f"UAB Acme\n{typed}\nq\n")
    said = next(line for line in result.output.splitlines() if line.startswith("Please answer"))
    assert said.endswith(f"(you typed “{'x' * 60}…”).")


def test_when_nothing_left_can_change_the_result_it_offers_the_rest(runner, tmp_path):
    out = tmp_path / "settled.yaml"
    # Every fact at 5 but one unknown: resistance 5 fails level 2, so the level is 1 whatever else is said,
    # and most level-3 conditions already hold, so the uneven profile is raised whatever touchpoint_data is.
    facts = {n: 5 for n in VOCABULARY if n != "touchpoint_data"}
    save_answers(MODEL, out, Answers(facts=facts, organisation="Settled", organisation_asked=True))
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="n\n")
    assert result.exit_code == 0, result.output
    assert "No remaining answer can change the level, any diagnostic or what the next level needs." in result.output
    assert "Ask the remaining questions anyway (1 left)? [y/N] n" in result.output
    assert "[touchpoint_data]" not in result.output
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="y\n2\n")
    assert f"{exact_prompt('touchpoint_data')} 2" in result.output
    assert load_answers(MODEL, out).facts["touchpoint_data"] == 2


def test_running_out_of_input_keeps_the_answers(runner, tmp_path):
    out = tmp_path / "eof.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="Acme\n3\n")
    assert result.exit_code == 0
    assert "Stopped. 1 of" in result.output
    assert dict(load_answers(MODEL, out).facts) == {FIRST: 3}


def test_without_out_it_saves_to_interview_yaml_here(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["interview"], input="Acme\n4\nq\n")
    assert result.exit_code == 0
    assert result.output.startswith("No --out given: the answers are saved to interview.yaml in this folder.\n")
    assert dict(load_answers(MODEL, tmp_path / "interview.yaml").facts) == {FIRST: 4}


def test_it_will_not_overwrite_a_file_that_is_not_a_profile(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "interview.yaml").write_text("shopping: [milk, bread]\n", encoding="utf-8")
    result = runner.invoke(cli, ["interview"], input="Acme\n4\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("branda: error: interview.yaml: exists and is not a profile")
    assert len(result.stderr.splitlines()) == 1
    assert (tmp_path / "interview.yaml").read_text(encoding="utf-8") == "shopping: [milk, bread]\n"


@pytest.mark.parametrize("out", ["answers.json", "answers.txt", "answers"])
def test_the_answers_file_must_be_yaml(runner, tmp_path, out):
    result = runner.invoke(cli, ["interview", "--out", str(tmp_path / out)], input="Acme\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "use a .yaml or .yml file" in result.stderr
    assert not (tmp_path / out).exists()


def test_a_missing_folder_is_bad_input(runner, tmp_path):
    target = tmp_path / "no" / "answers.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(target)], input="Acme\n")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"branda: error: {target}: the folder '{target.parent}' does not exist\n"


def test_the_interview_in_lithuanian(runner, tmp_path):
    out = tmp_path / "lt.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out), "--lang", "lt"], input="UAB Pavyzdys\n4\nq\n")
    assert result.exit_code == 0
    assert f"[{FIRST}] {question(FIRST, 'lt')} ({SCALE_PROSE}, ? = nežinau, q = sustoti) 4" in result.output
    assert f"klientų aptarnavimo brandos lygis 1 iš {TOP}" in result.output


# --- the whole engagement: the plan's facts, progress, going back ----------------------------------------

def answer_until_the_offer(answers: Answers, reply) -> tuple[Answers, list[str], list[int]]:
    """Answer every question `next_questions` puts first (`reply(name)`) until the rest would be offered; the
    facts asked, and before each the progress bound (how many may follow it)."""
    asked, bounds = [], []
    while queue := next_questions(MODEL, answers):
        bounds.append(len(may_ask(MODEL, answers) - {queue[0]}))
        answers = answers.answer(queue[0], reply(queue[0]))
        asked.append(queue[0])
    return answers, asked, bounds


def plan_unknowns(answers: Answers) -> set[str]:
    plan = make_plan(MODEL, Profile(facts=answers.known))
    return {c.fact for s in plan.minimal_changes for c in s.changes if c.old is None}


def test_with_the_level_settled_early_it_still_asks_what_the_plan_to_the_next_level_needs():
    # Everything "not true at all": customer_focus = 1 settles level 1 at once, but the plan to level 2 then
    # needs cx_ownership and cx_strategy, which no answer could make change the level.
    answers, asked, _ = answer_until_the_offer(Answers(), lambda _: 1)
    settled_at = next(i for i, n in enumerate(asked) if n not in decisive_unknowns(MODEL, Answers(
        facts={m: 1 for m in asked[:i]}).known))
    assert {"cx_ownership", "cx_strategy"} <= set(asked[settled_at:])
    assert {c.fact for _, c in MODEL.rules.conditions_of(2)} <= set(answers.facts)
    assert plan_unknowns(answers) == set()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(MODEL.low, MODEL.high)), min_size=len(VOCABULARY),
                max_size=len(VOCABULARY)))
def test_before_the_rest_is_offered_every_fact_the_plan_reads_is_asked_and_the_progress_never_promises_too_few(
        replies):
    by_fact = dict(zip(VOCABULARY, replies, strict=True))
    answers, asked, bounds = answer_until_the_offer(Answers(), by_fact.__getitem__)
    level = make_plan(MODEL, Profile(facts=answers.known)).start
    if level < TOP:
        assert {c.fact for _, c in MODEL.rules.conditions_of(level + 1)} <= set(answers.facts)
    assert plan_unknowns(answers) <= {n for n, v in answers.facts.items() if v is None}  # only "don't know"s
    assert all(bound >= len(asked) - i - 1 for i, bound in enumerate(bounds))  # "at most N left" holds


def transcript(runner, tmp_path, monkeypatch, typed: list[str], lang: str = "en", out: str = "acme.yaml"):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["interview", "--out", out, "--lang", lang], input="".join(f"{t}\n" for t in typed))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_interview_asks_the_plans_blocking_facts_before_it_offers_the_rest(runner, tmp_path, monkeypatch):
    output = transcript(runner, tmp_path, monkeypatch, ["UAB Acme", *["1"] * len(VOCABULARY)])
    offer = output.index("Ask the remaining questions anyway")
    for name in ("cx_ownership", "cx_strategy"):
        assert output.index(f"[{name}] ") < offer
    assert plan_unknowns(load_answers(MODEL, tmp_path / "acme.yaml")) == set()  # the plan names no unknown fact


def test_the_progress_is_shown_before_every_question_and_says_at_most_how_many_are_left(runner, tmp_path,
                                                                                         monkeypatch):
    output = transcript(runner, tmp_path, monkeypatch, ["UAB Acme", "4", "q"])
    first = len(may_ask(MODEL, Answers()) - {FIRST})
    second = len(may_ask(MODEL, Answers(facts={FIRST: 4})) - {SECOND})
    assert f"Question 1, at most {first} left\n{exact_prompt(FIRST)} 4\n" \
           f"Question 2, at most {second} left\n{exact_prompt(SECOND)} q\n" in output


@pytest.mark.parametrize("left, en, lt", [
    (21, "Question 6, at most 21 left", "6 klausimas, liko ne daugiau kaip 21 klausimas"),
    (3, "Question 6, at most 3 left", "6 klausimas, liko ne daugiau kaip 3 klausimai"),
    (11, "Question 6, at most 11 left", "6 klausimas, liko ne daugiau kaip 11 klausimų"),
    (1, "Question 6, at most 1 left", "6 klausimas, liko ne daugiau kaip 1 klausimas"),
    (0, "Question 6, the last one needed", "6 klausimas, paskutinis būtinas"),
])
def test_the_progress_line_agrees_with_the_number(left, en, lt):
    assert (progress(MODEL, 6, left, "en"), progress(MODEL, 6, left, "lt")) == (en, lt)


@pytest.mark.parametrize("left, en, lt", [(4, "Question 6, 4 left", "6 klausimas, liko 4 klausimai"),
                                          (0, "Question 6, the last one", "6 klausimas, paskutinis")])
def test_once_the_rest_is_asked_the_progress_is_exact(left, en, lt):
    assert (progress(MODEL, 6, left, "en", rest=True), progress(MODEL, 6, left, "lt", rest=True)) == (en, lt)


def test_the_lithuanian_interview_shows_the_progress_in_lithuanian(runner, tmp_path, monkeypatch):
    output = transcript(runner, tmp_path, monkeypatch, ["UAB Pavyzdys", "q"], "lt")
    left = len(may_ask(MODEL, Answers()) - {FIRST})
    assert f"\n{progress(MODEL, 1, left, 'lt')}\n[{FIRST}] " in output
    assert progress(MODEL, 1, left, "lt").startswith("1 klausimas, liko ne daugiau kaip ")


def test_b_goes_back_one_question_and_the_file_holds_the_new_answer(runner, tmp_path, monkeypatch):
    typed = ["UAB Acme", "b", "4", "5", "b", "b", "2", "3", "q"]
    output = transcript(runner, tmp_path, monkeypatch, typed)
    lines = output.splitlines()
    assert "There is nothing to go back to: no question has been answered yet this time." in lines
    asked = [line for line in lines if line.startswith(("[", "Question", "Asked again", "There is"))]
    start = f"Question 1, at most {len(may_ask(MODEL, Answers()) - {FIRST})} left"
    assert asked == [
        start, f"{exact_prompt(FIRST)} b",
        "There is nothing to go back to: no question has been answered yet this time.",
        start, f"{exact_prompt(FIRST)} 4",
        asked[5], f"{exact_prompt(SECOND)} 5",
        asked[7], f"{exact_prompt(LEVEL_2_FACTS[2])} b",  # back to SECOND
        "Asked again; the earlier answer was “fully true” (5).", asked[5], f"{exact_prompt(SECOND)} b",  # to FIRST
        "Asked again; the earlier answer was “mostly true” (4).", asked[13], f"{exact_prompt(FIRST)} 2",
        "Asked again; the earlier answer was “fully true” (5).", asked[16], f"{exact_prompt(SECOND)} 3",  # forward
        asked[18], f"{exact_prompt(LEVEL_2_FACTS[2])} q"]
    assert asked[5].startswith("Question 2, ") and asked[7].startswith("Question 3, ")
    assert asked[13].startswith("Question 1, ") and asked[16].startswith("Question 2, ")
    assert asked[18].startswith("Question 3, ")
    assert dict(load_answers(MODEL, tmp_path / "acme.yaml").facts) == {FIRST: 2, SECOND: 3}


def test_going_back_keeps_the_earlier_answer_in_the_file_until_a_new_one_is_given(runner, tmp_path, monkeypatch):
    transcript(runner, tmp_path, monkeypatch, ["UAB Acme", "4", "5", "b", "b", "q"])
    assert dict(load_answers(MODEL, tmp_path / "acme.yaml").facts) == {FIRST: 4, SECOND: 5}


def settled_file(path) -> None:
    """Every fact at 5 but touchpoint_data: resistance = 5 keeps level 1 and the plan to 2 needs no other fact."""
    save_answers(MODEL, path, Answers(facts={n: 5 for n in VOCABULARY if n != "touchpoint_data"},
                                      organisation="Settled", organisation_asked=True))


@pytest.mark.parametrize("typed, asks_the_rest", [
    (["4", "n"], False), (["maybe", ""], False), (["4", "y", "2"], True), (["x", "YES", "2"], True), (["q"], False)])
def test_an_invalid_reply_to_ask_the_rest_is_asked_again(runner, tmp_path, monkeypatch, typed, asks_the_rest):
    settled_file(tmp_path / "settled.yaml")
    output = transcript(runner, tmp_path, monkeypatch, typed, out="settled.yaml")
    offers = output.count("Ask the remaining questions anyway (1 left)? [y/N]")
    invalid = [t for t in typed[:offers] if t.lower() not in ("", "y", "yes", "n", "no", "q")]
    assert offers == len(invalid) + 1
    for t in invalid:
        assert f"Please answer y (yes) or n (no); Enter is no, b goes back one question (you typed “{t}”)." in output
    assert ("[touchpoint_data]" in output) == asks_the_rest
    assert ("touchpoint_data" in load_answers(MODEL, tmp_path / "settled.yaml").facts) == asks_the_rest


def test_the_lithuanian_offer_takes_t_and_asks_again_on_anything_else(runner, tmp_path, monkeypatch):
    settled_file(tmp_path / "settled.yaml")
    output = transcript(runner, tmp_path, monkeypatch, ["4", "t", "2"], "lt", "settled.yaml")
    assert output.count("Ar vis tiek užduoti likusius klausimus (liko: 1)? [t/N]") == 2
    assert "Atsakykite t (taip) arba n (ne); Enter reiškia „ne“, b – grįžti vienu klausimu atgal " \
           "(įvedėte „4“)." in output
    assert "[y/N]" not in output
    assert load_answers(MODEL, tmp_path / "settled.yaml").facts["touchpoint_data"] == 2


def test_b_at_the_offer_goes_back_to_the_last_question(runner, tmp_path, monkeypatch):
    # the settled file without cx_ownership: level 1 whatever it is, but the plan to level 2 needs it
    out = tmp_path / "owner.yaml"
    save_answers(MODEL, out, Answers(facts={n: 5 for n in VOCABULARY if n not in ("touchpoint_data", "cx_ownership")},
                                     organisation="Owner", organisation_asked=True))
    output = transcript(runner, tmp_path, monkeypatch, ["3", "b", "4", "n"], out="owner.yaml")
    assert "\nQuestion 21, the last one needed\n" + exact_prompt("cx_ownership") + " 3\n" in output
    assert "[y/N] b\nAsked again; the earlier answer was “partly true” (3).\n" \
           "Question 21, the last one needed\n" + exact_prompt("cx_ownership") + " 4\n" in output
    assert output.count("Ask the remaining questions anyway (1 left)? [y/N]") == 2
    saved = load_answers(MODEL, out).facts
    assert saved["cx_ownership"] == 4 and "touchpoint_data" not in saved


def test_b_at_the_offer_with_nothing_answered_this_time_says_so_and_asks_again(runner, tmp_path, monkeypatch):
    settled_file(tmp_path / "settled.yaml")
    output = transcript(runner, tmp_path, monkeypatch, ["b", "n"], out="settled.yaml")
    assert "[y/N] b\nThere is nothing to go back to: no question has been answered yet this time.\n" \
           "Ask the remaining questions anyway (1 left)? [y/N] n\n" in output


@pytest.mark.parametrize("lang, start", [("en", "How true is it that "), ("lt", "Kiek tiesa, kad ")])
@pytest.mark.parametrize("name", VOCABULARY)
def test_every_question_is_one_statement_to_rate_on_the_scale(name, lang, start):
    text = question(name, lang)
    assert text.startswith(start) and text.endswith("?") and text.count("?") == 1
    assert start.lower() not in text[len(start):].lower()  # asked once
    for second_question in (" and how ", " and that ", " and to what extent ", " ir kiek ", " ir kad "):
        assert second_question not in text.lower(), text


def test_the_scale_and_the_keys_are_said_before_the_first_question(runner, tmp_path, monkeypatch):
    lt = transcript(runner, tmp_path, monkeypatch, ["q"], "lt").splitlines()
    assert lt[1:3] == [
        "Įvertinkite kiekvieną teiginį pagal skalę: 1 = visiškai netiesa; 2 = greičiau netiesa; "
        "3 = iš dalies tiesa; 4 = greičiau tiesa; 5 = visiškai tiesa.",
        "Atsakykite skaičiumi nuo 1 iki 5; ? = nežinau, b = grįžti prie ankstesnio klausimo, q = sustoti. "
        "Pagrindimą galite įrašyti po // (4 // paskirtas kovo mėnesį)."]


GOLDEN_STORIES = {
    # an organisation at level 1 from its first answer: a wrong key, "don't know", going back, then the
    # plan's facts, an invalid reply to the offer, and the rest
    "en": ["UAB Acme", "1", "9", "2", "?", "b", "3", *["1"] * 8, "4", *["1"] * 6, "maybe", "y", *["2"] * 22],
    "lt": ["UAB Pavyzdys", "1", "9", "2", "?", "b", "3", *["1"] * 8, "4", *["1"] * 6, "gal", "t", *["2"] * 22],
}


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_golden_interview_transcript(runner, tmp_path, monkeypatch, lang):
    output = transcript(runner, tmp_path, monkeypatch, GOLDEN_STORIES[lang], lang)
    saved = {"en": "The answers are saved in acme.yaml.\n", "lt": "Atsakymai išsaugoti faile acme.yaml.\n"}[lang]
    conversation, assessment = output.split(saved)
    assert_golden(f"interview_story_{lang}.txt", conversation + saved)
    assert assessment.startswith("\n" + {"en": "UAB Acme: customer-service maturity level ",
                                         "lt": "UAB Pavyzdys: klientų aptarnavimo brandos lygis"}[lang])


# --- in a terminal (pseudo-terminal) ---------------------------------------------------------------------

class Terminal:
    """The real `cli.py interview` in a pseudo-terminal: type lines, press Ctrl-C, read the screen."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUTF8": "1", "PYTHONFAULTHANDLER": "1", "TERM": "dumb", "COLUMNS": "100"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes the program, with the terminal as its controlling tty
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, str(ROOT / "cli.py"), *args], env)
        self.screen = ""
        self.seen = 0  # how much of the screen has been matched
        self.status: int | None = None

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the program has ended and the terminal is closed
            return False
        if not data:
            return False
        self.screen += data.decode("utf-8", errors="replace").replace("\r\n", "\n")
        return True

    def expect(self, text: str, timeout: float = 90) -> str:
        """Wait for `text` after what was matched before; return the screen in between."""
        deadline = time.monotonic() + timeout
        while text not in self.screen[self.seen:]:
            if time.monotonic() > deadline or not self._read(0.2):
                raise AssertionError(f"never saw {text!r} ({self._state()}); the screen ends with:\n"
                                     f"{self.screen[-2000:]}")
        start = self.seen
        self.seen = self.screen.index(text, self.seen) + len(text)
        return self.screen[start:self.seen]

    def _state(self) -> str:
        """For a failure: whether the program has ended, or where it waits and what it does with signals."""
        try:
            with open(f"/proc/{self.pid}/status") as status, open(f"/proc/{self.pid}/wchan") as wchan:
                lines = [line.strip() for line in status if line.startswith(("State", "Sig", "ShdPnd"))]
                return f"the program still runs, waiting in {wchan.read() or '-'}: {', '.join(lines)}"
        except OSError:
            return "the program has ended"

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def ctrl_c(self) -> None:
        os.write(self.fd, b"\x03")

    def wait(self, timeout: float = 90) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while self._read(0.05) and select.select([self.fd], [], [], 0)[0]:
                    pass
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the interview did not end")


@pytest.fixture
def terminal():
    opened: list[Terminal] = []

    def start(*args: str) -> Terminal:
        opened.append(Terminal(*args))
        return opened[-1]

    yield start
    for t in opened:  # never leave a program behind
        try:
            os.kill(t.pid, signal.SIGKILL)
            os.waitpid(t.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def test_in_a_terminal_ctrl_c_keeps_the_answers_and_a_second_run_asks_only_the_rest(terminal, tmp_path):
    out = tmp_path / "acme.yaml"
    first = terminal("interview", "--out", str(out))
    first.expect("Organisation (its name; Enter to leave it blank, q to stop): ")
    first.type("UAB Acme")
    screen = first.expect(exact_prompt(FIRST) + " ")
    assert screen.endswith("\n" + exact_prompt(FIRST) + " ")  # the prompt starts its own line, exactly
    first.type("9")
    first.expect(f"Please answer with a whole number {SCALE_PROSE}, ? if you don't know, b to go back, or q to stop "
                 "(you typed “9”).")
    first.expect("\n" + exact_prompt(FIRST) + " ")  # asked again
    first.type("4")
    first.expect("\n" + exact_prompt(SECOND) + " ")
    first.ctrl_c()
    first.expect(f"Stopped. 1 of {len(VOCABULARY)} questions asked so far are saved in {out}")
    assert first.wait() == 130
    saved = load_answers(MODEL, out)
    assert (saved.organisation, dict(saved.facts)) == ("UAB Acme", {FIRST: 4})

    second = terminal("interview", "--out", str(out))
    screen = second.expect(f"{HINT_EN} ")
    assert "Organisation" not in screen  # already answered
    assert f"Going on with {out}: 1 of {len(VOCABULARY)} questions already asked." in second.screen
    assert screen.rsplit("\n", 1)[1] == exact_prompt(SECOND) + " "  # the first question not yet answered
    second.type("?")
    second.expect("\n" + exact_prompt(LEVEL_2_FACTS[2]) + " ")
    second.type("q")
    second.expect(f"UAB Acme: customer-service maturity level 1 of {TOP}, “{LOWEST}”")
    assert second.wait() == 0
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert raw["facts"] == {FIRST: 4, SECOND: "?"}  # "don't know" is kept as asked: '?'

    third = terminal("interview", "--out", str(out))
    third.expect(f"{HINT_EN} ")
    assert third.screen.rsplit("\n", 1)[1] == exact_prompt(LEVEL_2_FACTS[2]) + " "
    third.type("q")
    assert third.wait() == 0


def test_in_a_terminal_an_interview_runs_to_the_assessment(terminal, tmp_path):
    out = tmp_path / "full.yaml"
    facts = {n: 4 for n in VOCABULARY}
    facts.update(resistance=2, individual_dependence=2, directive_management=2, quick_wins_focus=2, complacency=2)
    last = "expectations_exceeded"
    save_answers(MODEL, out, Answers(facts={n: v for n, v in facts.items() if n != last}, organisation="Full",
                              organisation_asked=True))
    t = terminal("interview", "--out", str(out))
    t.expect(exact_prompt(last) + " ")
    t.type("4")
    t.expect(f"Full: customer-service maturity level {TOP} of {TOP}, “{MODEL.level(TOP).name('en')}”")
    assert t.wait() == 0
    assert load_answers(MODEL, out).facts[last] == 4


def test_a_file_with_the_earlier_wording_of_the_header_gets_todays_header_once(runner, tmp_path):
    from branda.expert.interview import REWORDED_HEADERS

    out = tmp_path / "old.yaml"
    out.write_text(f"{REWORDED_HEADERS[0]}\norganisation: X\nfacts:\n  {FIRST}: 4\n", encoding="utf-8")
    result = runner.invoke(cli, ["interview", "--out", str(out), "--lang", "lt"], input="3\nq\n")
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# " + MODEL.text("interview_file_header", "lt") and REWORDED_HEADERS[0] not in lines
    assert sum(line.startswith("# branda") for line in lines) == 1
    assert dict(load_answers(MODEL, out).facts) == {FIRST: 4, SECOND: 3}
