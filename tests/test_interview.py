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
from conftest import MODEL, ROOT
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
    prompt,
    run_interview,
    save_answers,
    write_atomic,
)
from branda.expert.profile import load_profile
from branda.expert.unknowns import decisive_unknowns

VOCABULARY = list(MODEL.facts)
SCALE = f"{MODEL.low}-{MODEL.high}"  # the answers, as the prompts name them
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
    assert prompt(MODEL, FIRST, "lt") == f"[{FIRST}] {question(FIRST, 'lt')} ({SCALE}, ? = nežinau, q = sustoti) "


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
    assert f"Please answer with a whole number {SCALE}, ? if you don't know, b to go back, or q to stop " \
           "(you typed 'maybe')." in lines
    assert f"Stopped. 2 of {len(VOCABULARY)} questions asked so far are saved in {out}; " \
           f"run `branda interview --out {out}` to go on." in lines
    assert f'UAB Acme: customer-service maturity level 1 of {TOP}, "{LOWEST}"' in lines
    saved = load_answers(MODEL, out)
    assert (saved.organisation, dict(saved.facts)) == ("UAB Acme", {FIRST: 4, SECOND: 2})


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
    assert f"[{FIRST}] {question(FIRST, 'lt')} ({SCALE}, ? = nežinau, q = sustoti) 4" in result.output
    assert f"klientų aptarnavimo brandos lygis 1 iš {TOP}" in result.output


# --- in a terminal (pseudo-terminal) ---------------------------------------------------------------------

class Terminal:
    """The real `cli.py interview` in a pseudo-terminal: type lines, press Ctrl-C, read the screen."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUTF8": "1", "TERM": "dumb", "COLUMNS": "100"}
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
                raise AssertionError(f"never saw {text!r}; the screen ends with:\n{self.screen[-2000:]}")
        start = self.seen
        self.seen = self.screen.index(text, self.seen) + len(text)
        return self.screen[start:self.seen]

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
    first.expect(f"Please answer with a whole number {SCALE}, ? if you don't know, b to go back, or q to stop "
                 "(you typed '9').")
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
    second.expect(f'UAB Acme: customer-service maturity level 1 of {TOP}, "{LOWEST}"')
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
    t.expect(f'Full: customer-service maturity level {TOP} of {TOP}, "{MODEL.level(TOP).name("en")}"')
    assert t.wait() == 0
    assert load_answers(MODEL, out).facts[last] == 4
