"""`branda interview`: ask the fact questions, the most informative first, saving every answer as it is given.

The next question is always one whose answer could still change the level or a diagnostic, given the answers
so far (`expert.unknowns.decisive_unknowns`); among those the one the lowest level reads, then vocabulary order.
A fact answered "?" is kept in the file as `null`: asked, not known, and not asked again.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from expert.atomic import write_atomic
from expert.errors import InputError, shown
from expert.profile import Profile, check_value, load_profile
from expert.unknowns import decisive_unknowns
from knowledge.loader import knowledge, text
from knowledge.yamlio import load_yaml
from rules.model import RuleBase, rulebase

__all__ = ["DEFAULT_OUT", "QUIT", "Answers", "Console", "Outcome", "load_answers", "matters_at", "next_questions",
           "open_interview", "parse_answer", "prompt", "run_interview", "save_answers", "write_atomic"]

DEFAULT_OUT = "interview.yaml"
QUIT = "q"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Answers:
    """What an interview has gathered: each asked fact's answer (None = "don't know") and the organisation."""

    facts: Mapping[str, int | None] = field(default_factory=dict)
    organisation: str | None = None
    organisation_asked: bool = False
    assessed_on: str | dt.date | None = None

    @property
    def known(self) -> dict[str, int]:
        return {k: v for k, v in self.facts.items() if v is not None}

    def answer(self, name: str, value: int | None) -> Answers:
        return replace(self, facts={**self.facts, name: value})

    def profile(self, source: str = "<interview>") -> Profile:
        on = self.assessed_on.isoformat() if isinstance(self.assessed_on, dt.date) else self.assessed_on
        return Profile(facts=self.known, organisation=self.organisation, assessed_on=on, source=source)


@dataclass(frozen=True)
class Outcome:
    """How an interview ended: all that was answered, and whether it was stopped (q, end of input, Ctrl-C)."""

    answers: Answers
    stopped: bool = False
    interrupted: bool = False


@dataclass(frozen=True)
class Console:
    """The interview's input and output: `ask` reads one answer (EOFError at the end of the input)."""

    ask: Callable[[str], str]
    say: Callable[[str], None]


_t = text


# --- which question next ------------------------------------------------------------------------------

def matters_at(name: str, rules: RuleBase | None = None) -> int:
    """The lowest level whose rules read `name` (a level's indicators, or a diagnostic raised at that level)."""
    rules = rules or rulebase()
    levels = [r.level for r in rules.indicators if any(c.fact == name for c in r.when)]
    levels += [min(r.at_levels) for r in rules.diagnostics if any(c.fact == name for c in r.when)]
    return min(levels, default=6)


def _order(names: list[str] | set[str], rules: RuleBase) -> list[str]:
    vocabulary = list(knowledge().facts)
    return sorted(names, key=lambda n: (matters_at(n, rules), vocabulary.index(n)))


def next_questions(answers: Answers, rules: RuleBase | None = None) -> list[str]:
    """The facts not yet asked whose answer could change the level or a diagnostic, most informative first."""
    rules = rules or rulebase()
    decisive = decisive_unknowns(rules, answers.known)
    return _order({n for n in decisive if n not in answers.facts}, rules)


def parse_answer(text: str) -> int | None | str:
    """'1'..'5' as the value, '?' as None (don't know), 'q' as QUIT; anything else is a ValueError."""
    answer = text.strip().lower()
    if answer == "?":
        return None
    if answer == QUIT:
        return QUIT
    if len(answer) == 1 and answer in "12345":
        return int(answer)
    raise ValueError(text)


def prompt(name: str, lang: str) -> str:
    """`[fact_name] question (1-5, ? = don't know, q = stop)`, then a space for the answer."""
    return f"[{name}] {knowledge().facts[name].question(lang)} ({_t('interview_hint', lang)}) "


# --- the file -----------------------------------------------------------------------------------------

def save_answers(path: str | Path, answers: Answers, lang: str = "en") -> None:
    """The answers as a profile (interface.md's format; `null` = asked, not known), written atomically."""
    data: dict[str, Any] = {}
    if answers.organisation_asked or answers.organisation is not None:
        data["organisation"] = answers.organisation
    if answers.assessed_on is not None:
        data["assessed_on"] = answers.assessed_on
    data["facts"] = {n: answers.facts[n] for n in knowledge().facts if n in answers.facts}
    readable = (answers.organisation or "").isprintable()  # else YAML could fold a control character away
    body = yaml.safe_dump(data, allow_unicode=readable, sort_keys=False, default_flow_style=False, width=1000)
    write_atomic(path, f"# {_t('interview_file_header', lang)}\n{body}")


def load_answers(path: str | Path) -> Answers:
    """A saved interview (or any YAML profile) as Answers: its known facts, and its `null` ones as asked."""
    profile = load_profile(path)  # validates everything; an InputError for anything that is not a profile
    raw = load_yaml(Path(path).read_text(encoding="utf-8-sig")) or {}
    facts: dict[str, int | None] = {}
    for name, value in (raw.get("facts") or {}).items():
        facts[name] = check_value(str(path), name, value)
    return Answers(facts=facts, organisation=profile.organisation, organisation_asked="organisation" in raw,
                   assessed_on=raw.get("assessed_on", profile.assessed_on))


def open_interview(out: str | None, lang: str = "en") -> tuple[Path, Answers, list[str]]:
    """The file to save to, what it already holds, and what to tell the user about it.

    Refuses (InputError) a file that is not .yaml/.yml, or that exists and is not a profile: nothing is overwritten.
    """
    path = Path(out if out is not None else DEFAULT_OUT)
    notes = [] if out is not None else [_t("interview_default_out", lang, path=path)]
    if path.suffix.lower() not in YAML_SUFFIXES:
        raise InputError(str(path), _t("interview_not_yaml", lang))
    if path.exists():
        try:
            answers = load_answers(path)
        except InputError as exc:
            raise InputError(str(path), _t("interview_not_a_profile", lang, problem=exc.problem)) from None
        notes.append(_t("interview_resuming", lang, path=path, answered=len(answers.facts),
                        total=len(knowledge().facts)))
    else:
        if not path.parent.is_dir():
            raise InputError(str(path), f"the folder {str(path.parent)!r} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise InputError(str(path), f"the folder {str(path.parent)!r} cannot be written to")
        answers = Answers(assessed_on=dt.date.today())
    notes.append(_t("interview_saving", lang, path=path))
    return path, answers, notes


# --- the conversation ---------------------------------------------------------------------------------

def _ask_fact(console: Console, name: str, lang: str) -> int | None | str:
    while True:
        text = console.ask(prompt(name, lang))
        try:
            return parse_answer(text)
        except ValueError:
            console.say(_t("interview_invalid", lang, answer=shown(text.strip())))


def _ask_all(console: Console, path: Path, answers: Answers, names: Callable[[Answers], list[str]],
             lang: str) -> Outcome:
    """Ask `names(answers)[0]` until none is left, saving after every answer; stopped by q, EOF or Ctrl-C."""
    try:
        while queue := names(answers):
            value = _ask_fact(console, queue[0], lang)
            if value == QUIT:
                return Outcome(answers, stopped=True)
            answers = answers.answer(queue[0], value)  # type: ignore[arg-type]
            save_answers(path, answers, lang)
    except EOFError:
        return Outcome(answers, stopped=True)
    except KeyboardInterrupt:
        return Outcome(answers, stopped=True, interrupted=True)
    return Outcome(answers)


def _ask_line(console: Console, text: str) -> str | Outcome:
    try:
        return console.ask(text + " ").strip()
    except EOFError:
        return Outcome(Answers(), stopped=True)
    except KeyboardInterrupt:
        return Outcome(Answers(), stopped=True, interrupted=True)


def run_interview(path: Path, answers: Answers, console: Console, lang: str = "en",
                  rules: RuleBase | None = None) -> Outcome:
    """Ask the organisation (if not known), then the decisive questions, then offer the rest; save as it goes."""
    rules = rules or rulebase()
    kb = knowledge()
    console.say(_t("interview_scale", lang, scale="; ".join(f"{v} = {kb.scale[v](lang)}" for v in range(1, 6))))
    if not answers.organisation_asked:
        name = _ask_line(console, _t("interview_organisation", lang))
        if isinstance(name, Outcome):
            return replace(name, answers=answers)
        name = "".join(c for c in name if c.isprintable()).strip()
        answers = replace(answers, organisation=name or None, organisation_asked=True)
        save_answers(path, answers, lang)
    outcome = _ask_all(console, path, answers, lambda a: next_questions(a, rules), lang)
    if outcome.stopped:
        return outcome
    answers = outcome.answers
    rest = _order([n for n in kb.facts if n not in answers.facts], rules)
    if not rest:
        console.say(_t("interview_all_asked", lang))
        return outcome
    console.say(_t("interview_settled", lang))
    reply = _ask_line(console, _t("interview_ask_rest", lang, count=len(rest)))
    if isinstance(reply, Outcome):  # no answer to "anyway?" is a no; Ctrl-C still stops
        return replace(outcome, interrupted=reply.interrupted, stopped=reply.interrupted)
    if reply.lower() in _t("interview_yes_words", lang).split():
        return _ask_all(console, path, answers, lambda a: [n for n in rest if n not in a.facts], lang)
    return outcome
