"""`branda interview`: ask the fact questions, the most informative first, saving every answer as it is given.

The questions come in three parts:
1. those whose answer could still change the level or a diagnostic, given the answers so far
   (`expert.unknowns.decisive_unknowns`); among those the one the lowest level reads, then vocabulary order;
2. once the level is settled, those the plan to the next level reads (`plan_questions`): the conditions of the
   next level's criteria, every unknown fact a smallest change set to it would touch, and the fall-back risk
   that the plan asks to watch there, so that the plan has no unknown blockers;
3. then the rest, if the user says so ("Ask the remaining questions anyway? [y/N]"; anything but a yes or a
   no is asked again).
Each question is preceded by where the interview is ("Question 6, at most 11 left": an upper bound of parts 1
and 2); `b` goes back one question (re-asked, and the file holds the new answer).

The file (`--out`) is an ordinary profile, and it is the interview's memory:
- a fact answered "don't know" is written `'?'`: asked, not known, and not asked again;
- a fact that is missing, blank or `null` has not been asked yet, and the next interview asks it (so a
  hand-written partial profile is completed); files of the first version, whose header said that `null`
  was asked, are read the old way and rewritten the new way;
- the organisation is asked when the file has no `organisation:` line. `q` stops there too.
Every answer is written into the file's own text: its comments, key order and the formatting of everything
else stay as they were (each change is re-read and checked; only a file the edit cannot handle is
rewritten whole). One interview file, one writer: the file is locked (`flock`) for the whole interview, the
lock moved onto each new version of the file before it takes the name; a second interview on it is refused.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from branda.expert.atomic import check_writable, write_atomic, write_error
from branda.expert.errors import SHOWN_CHARS, InputError, one_line
from branda.expert.profile import MAX_PROFILE_BYTES, Evidence, Profile, check_value, load_profile
from branda.expert.terminal import CtrlC, held
from branda.expert.words import counted, value_words
from branda.knowledge.model import Model
from branda.knowledge.yamlio import load_yaml

__all__ = ["BACK", "DEFAULT_OUT", "DONT_KNOW", "MAX_ORGANISATION", "QUIT", "Answers", "Console", "InterviewFile",
           "Outcome", "interview_command", "load_answers", "matters_at", "may_ask", "next_questions",
           "open_interview", "parse_answer", "plan_questions", "progress", "prompt", "run_interview", "save_answers",
           "write_atomic"]

DEFAULT_OUT = "interview.yaml"
QUIT = "q"
BACK = "b"  # go back one question
NOTE = "//"  # "4 // appointed in March": the answer, then the evidence behind it
DONT_KNOW = "?"  # how the file keeps "asked, not known"
MAX_ORGANISATION = 200  # characters: a longer name is refused at the prompt and asked again
YAML_SUFFIXES = (".yaml", ".yml")
# The header of the first version's files, in which `null` meant "asked, not known".
LEGACY_HEADERS = ("# branda interview answers; a fact given as null was asked and is not known.",
                  "# branda interviu atsakymai; faktas su null reikšme buvo paklaustas, bet nežinomas.")
# Headers of ours that said what they say now in other words: replaced by today's header when seen.
REWORDED_HEADERS = ("# branda interviu atsakymai. '?' – klausimas užduotas, atsakymas nežinomas (daugiau neužduodamas); "
                    "faktas be reikšmės, su null arba visai nenurodytas – klausimas dar neužduotas.",)
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # its marks count characters, as str does


@dataclass(frozen=True)
class Answers:
    """What an interview has gathered: each asked fact's answer (None = "don't know") and the organisation."""

    facts: Mapping[str, int | None] = field(default_factory=dict)
    organisation: str | None = None
    organisation_asked: bool = False
    assessed_on: str | dt.date | None = None
    notes: Mapping[str, str] = field(default_factory=dict)  # fact -> the evidence typed after its answer

    @property
    def known(self) -> dict[str, int]:
        return {k: v for k, v in self.facts.items() if v is not None}

    def answer(self, name: str, value: int | None, note: str | None = None) -> Answers:
        """These answers with `name` answered (and its evidence, if any; a new answer without one drops the old)."""
        notes = {k: v for k, v in self.notes.items() if k != name} | ({name: note} if note else {})
        return replace(self, facts={**self.facts, name: value}, notes=notes)

    def without(self, name: str) -> Answers:
        """These answers as they were before `name` was asked."""
        return replace(self, facts={k: v for k, v in self.facts.items() if k != name})

    def profile(self, source: str = "<interview>") -> Profile:
        on = self.assessed_on.isoformat() if isinstance(self.assessed_on, dt.date) else self.assessed_on
        evidence = {name: (Evidence(self.facts.get(name), note),) for name, note in self.notes.items()}
        return Profile(facts=self.known, organisation=self.organisation, assessed_on=on, source=source,
                       evidence=evidence)


@dataclass(frozen=True)
class Outcome:
    """How the questions ended: all that was answered, and whether it was stopped (q, end of input)."""

    answers: Answers
    stopped: bool = False


@dataclass(frozen=True)
class Console:
    """The interview's input and output: `ask` reads one answer (EOFError at the end of the input)."""

    ask: Callable[[str], str]
    say: Callable[[str], None]


# --- which question next ------------------------------------------------------------------------------

def matters_at(model: Model, name: str) -> int:
    """The lowest level whose rules read `name` (a level's indicators, or a diagnostic raised at that level)."""
    rules = model.rules
    levels = [r.level for r in rules.indicators if any(c.fact == name for c in r.when)]
    levels += [min(r.at_levels) for r in rules.diagnostics if any(c.fact == name for c in r.when)]
    return min(levels, default=model.top + 1)


def _order(model: Model, names: list[str] | set[str]) -> list[str]:
    vocabulary = list(model.facts)
    return sorted(names, key=lambda n: (matters_at(model, n), vocabulary.index(n)))


def _decisive(model: Model, answers: Answers) -> list[str]:
    """The facts not yet asked whose answer could change the level or a diagnostic, most informative first."""
    from branda.expert.unknowns import decisive_unknowns

    decisive = decisive_unknowns(model, answers.known)
    return _order(model, {n for n in decisive if n not in answers.facts})


def _risk_facts(model: Model, level: int) -> set[str]:
    from branda.expert.transitions import complacency_triggers

    return {t.condition.fact for t in complacency_triggers(model, level)}


def plan_questions(model: Model, answers: Answers) -> list[str]:
    """The facts not yet asked that the plan to the next level reads, in the order `_order` gives.

    The conditions of the next level's own criteria, every fact with no answer that one of the smallest
    change sets to it would touch (levels below may need such a fact too), and the facts of the fall-back risk
    the plan asks to watch on arrival. With these answered, the plan names no unknown fact.
    """
    from branda.expert.plan import minimal_change_sets

    rules = model.rules
    known = answers.known
    level = _level_now(model, answers)
    if level >= model.top:
        return []
    names = {c.fact for _, c in rules.conditions_of(level + 1)} | _risk_facts(model, level + 1)
    names |= {c.fact for s in minimal_change_sets(rules, known, level + 1) for c in s.changes if c.old is None}
    return _order(model, {n for n in names if n not in answers.facts})


def next_questions(model: Model, answers: Answers) -> list[str]:
    """The facts to ask before the rest is offered, next first: the decisive ones, then the plan's."""
    decisive = _decisive(model, answers)
    if decisive:  # the plan's facts depend on the level, which is not settled yet
        return decisive + [n for n in plan_questions(model, answers) if n not in decisive]
    return plan_questions(model, answers)


def may_ask(model: Model, answers: Answers) -> set[str]:
    """Every fact not yet asked that `next_questions` could still ask, whatever the answers to come.

    The decisive facts now, and the facts the plan could read: the conditions (and risk facts) of every level
    up to one above the highest the known answers still allow. An upper bound: answers only lower that level.
    """
    from branda.expert.unknowns import decisive_unknowns

    rules, known = model.rules, answers.known
    reachable = 1
    for n in range(2, model.top + 1):
        if any(c.fact in known and not c.holds(known[c.fact]) for _, c in rules.conditions_of(n)):
            break
        reachable = n
    names = set(decisive_unknowns(model, known))
    for n in range(2, min(reachable + 1, model.top) + 1):
        names |= {c.fact for _, c in rules.conditions_of(n)} | _risk_facts(model, n)
    return {n for n in names if n not in answers.facts}


def split_note(typed: str) -> tuple[str, str | None]:
    """A reply and the evidence after `//` ("4 // appointed in March" -> ("4", "appointed in March"))."""
    answer, sep, note = typed.partition(NOTE)
    return (answer, " ".join(note.split()) or None) if sep else (typed, None)


def parse_answer(model: Model, typed: str) -> int | None | str:
    """An answer on the scale ('1'..'5') as the value, '?' as None (don't know), 'q' as QUIT, 'b' as BACK;
    else a ValueError."""
    answer = typed.strip().lower()
    if answer == "?":
        return None
    if answer in (QUIT, BACK):
        return answer
    if answer.isascii() and answer.isdigit() and len(answer) <= 3 and int(answer) in model.scale:
        return int(answer)
    raise ValueError(typed)


def prompt(model: Model, name: str, lang: str) -> str:
    """`[fact_name] question (1-5, ? = don't know, q = stop)`, then a space for the answer."""
    return f"[{name}] {model.facts[name].question(lang)} ({model.text('interview_hint', lang)}) "


# --- the file's text: answers written into it, everything else left as it is ----------------------------

def _headers(model: Model, ) -> set[str]:
    return {"# " + model.text("interview_file_header", lang) for lang in model.languages}


def _is_legacy(content: str) -> bool:
    return any(line.rstrip() in LEGACY_HEADERS for line in content.splitlines()[:50])


def _fact_meaning(model: Model, value: object, legacy: bool = False) -> int | None | str:
    """A fact's value in a file as the interview reads it: 1..5, None (asked, not known) or "" (not asked)."""
    if isinstance(value, dict):  # {value: 4, evidence: …}
        return _fact_meaning(model, value.get("value"), legacy)
    if isinstance(value, str) and value.strip() == DONT_KNOW:
        return None
    if value is None and legacy:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and model.low <= value <= model.high:
        return value
    return ""


def _meaning(model: Model, data: Any, legacy: bool = False) -> tuple[dict[str, int | None], tuple[bool, object], dict]:
    """What a parsed file says to the interview: its asked facts, (organisation asked, organisation), the rest."""
    data = data if isinstance(data, dict) else {}
    raw = data.get("facts") if isinstance(data.get("facts"), dict) else {}
    facts = {}
    for name, value in raw.items():
        meaning = _fact_meaning(model, value, legacy)
        if meaning != "":
            facts[name] = meaning
    rest = {k: v for k, v in data.items() if k not in ("facts", "organisation")}
    rest["(notes)"] = _notes_in(raw)
    return facts, ("organisation" in data, data.get("organisation")), rest


def _notes_in(raw: Mapping) -> dict[str, str]:
    """The evidence written beside the answers of a parsed `facts:` mapping."""
    return {name: value["evidence"] for name, value in raw.items()
            if isinstance(value, dict) and isinstance(value.get("evidence"), str) and value["evidence"].strip()}


def _fresh_text(model: Model, answers: Answers, lang: str) -> str:
    lines = ["# " + model.text("interview_file_header", lang)]
    if answers.assessed_on is not None:
        on = answers.assessed_on
        lines.append(f"assessed_on: {on.isoformat() if isinstance(on, dt.date) else _string_scalar(str(on))}")
    lines.append("facts:")
    return "\n".join(lines) + "\n"


def _string_scalar(value: str) -> str:
    """`value` as a YAML scalar on one line that reads back as the same string."""
    plain = yaml.safe_dump(value, allow_unicode=value.isprintable(), width=10**9)
    plain = plain.removesuffix("\n...\n").removesuffix("\n")
    if "\n" not in plain:
        return plain
    return yaml.safe_dump(value, default_style='"', allow_unicode=False, width=10**9).removesuffix("\n")


def _answer_scalar(value: int | None, note: str | None) -> str:
    """A fact's answer as written in the file: the plain value, or {value: …, evidence: …} with a note."""
    plain = _scalar(value if value is not None else DONT_KNOW)
    return plain if not note else f"{{value: {plain}, evidence: {_string_scalar(note)}}}"


def _scalar(value: int | str | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return _string_scalar(value)


def _replace_value(content: str, node: yaml.Node, scalar: str) -> str:
    start, end = node.start_mark.index, node.end_mark.index
    if start == end:  # an empty value, right after its colon; a comment after it keeps its column if it can
        inserted = " " + scalar
        spaces = len(content[start:]) - len(content[start:].lstrip(" "))
        rest = content[start:]
        if spaces and rest[spaces:spaces + 1] == "#":
            rest = rest[min(len(inserted), spaces - 1):]
        return content[:start] + inserted + rest
    span = content[start:end]
    return content[:start] + scalar + span[len(span.rstrip()):] + content[end:]


def _put(content: str, mapping: yaml.Node, name: str, scalar: str, after: str | None, nl: str) -> str:
    """`name: scalar` set in `mapping` (a node of `content`): its value replaced, or a new pair after `after`."""
    pairs = [(k.value if isinstance(k, yaml.ScalarNode) else None, k, v) for k, v in mapping.value]
    for key, _, value in pairs:
        if key == name:
            return _replace_value(content, value, scalar)
    pair = f"{name}: {scalar}"
    previous = next((v for key, _, v in pairs if key == after), None) if after is not None else None
    if mapping.flow_style:
        if not pairs:
            pos = mapping.start_mark.index + 1
            return content[:pos] + pair + content[pos:]
        if previous is None:
            pos = pairs[0][1].start_mark.index
            return content[:pos] + pair + ", " + content[pos:]
        pos = previous.end_mark.index
        return content[:pos] + ", " + pair + content[pos:]
    first = pairs[0][1]
    indent = " " * first.start_mark.column
    if previous is None:
        pos = first.start_mark.index - first.start_mark.column
        return content[:pos] + indent + pair + nl + content[pos:]
    pos = content.find("\n", previous.end_mark.index)
    if pos == -1:
        pos = len(content)
    elif pos > 0 and content[pos - 1] == "\r":
        pos -= 1
    return content[:pos] + nl + indent + pair + content[pos:]


def _put_fact(model: Model, content: str, name: str, value: int | None, nl: str, note: str | None = None) -> str:
    root = yaml.compose(content, Loader=_COMPOSER)
    facts_key, facts = next((k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "facts")
    scalar = _answer_scalar(value, note)
    if isinstance(facts, yaml.MappingNode):
        vocabulary = list(model.facts)
        present = {k.value for k, _ in facts.value if isinstance(k, yaml.ScalarNode)}
        before = vocabulary[:vocabulary.index(name)] if name in vocabulary else vocabulary
        after = next((n for n in reversed(before) if n in present), None)
        return _put(content, facts, name, scalar, after, nl)
    # `facts:` with nothing (or null) after it: the answers become its block mapping
    start, end = facts.start_mark.index, facts.end_mark.index
    while start > 0 and content[start - 1] in " \t":
        start -= 1
    indent = " " * (facts_key.start_mark.column + 2)
    return content[:start] + nl + indent + f"{name}: {scalar}" + content[end:]


def _with_header(model: Model, content: str, lang: str, nl: str) -> str:
    """The interview's header line on top, unless the file has it (in either language); the old one replaced."""
    lines = content.split(nl)
    headers = _headers(model)
    if any(line.rstrip() in headers for line in lines):
        return content
    header = "# " + model.text("interview_file_header", lang)
    for i, line in enumerate(lines):
        if line.rstrip() in (*LEGACY_HEADERS, *REWORDED_HEADERS):
            lines[i] = header
            return nl.join(lines)
    return header + nl + content


def _rewritten(model: Model, content: str, answers: Answers, lang: str) -> str:
    """The whole file written anew (its top comments kept): only when an edit in place could not be checked."""
    data = load_yaml(content) or {}
    facts, (asked, organisation), rest = _meaning(model, data, _is_legacy(content))
    facts.update(answers.facts)
    out: dict[str, Any] = {}
    if answers.organisation_asked:
        out["organisation"] = answers.organisation
    elif asked:
        out["organisation"] = organisation
    out.update(rest)
    vocabulary = list(model.facts)
    notes = _wanted_notes(rest.pop("(notes)", {}), answers)
    out["facts"] = {n: (DONT_KNOW if facts[n] is None else facts[n]) for n in vocabulary if n in facts}
    for n, note in notes.items():
        if n in out["facts"]:
            out["facts"][n] = {"value": out["facts"][n], "evidence": note}
    comments = []  # the file's leading comment lines, but for a header of ours
    for line in content.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        if line.rstrip() not in (*LEGACY_HEADERS, *REWORDED_HEADERS, *_headers(model)):
            comments.append(line)
    body = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10**9)
    return "\n".join(["# " + model.text("interview_file_header", lang), *comments, body])


def _wanted_notes(in_file: Mapping[str, str], answers: Answers) -> dict[str, str]:
    """The evidence the file should hold: the answers' own, and the file's for facts the answers do not hold."""
    return {n: note for n, note in in_file.items() if n not in answers.facts} | dict(answers.notes)


def _edited(model: Model, content: str, answers: Answers, lang: str) -> str:
    """The file's text with `answers` written into it; comments, order and all other values as they were."""
    if not content.strip():
        content = _fresh_text(model, answers, lang)
    nl = "\r\n" if "\r\n" in content else "\n"
    before = load_yaml(content)
    legacy = _is_legacy(content)
    facts, (asked, organisation), rest = _meaning(model, before, legacy)
    notes = rest["(notes)"]
    new = content
    try:
        for name, value in answers.facts.items():
            if name not in facts or facts[name] != value or (legacy and value is None) or \
                    notes.get(name) != answers.notes.get(name):
                new = _put_fact(model, new, name, value, nl, answers.notes.get(name))
        if answers.organisation_asked and (not asked or organisation != answers.organisation):
            root = yaml.compose(new, Loader=_COMPOSER)
            new = _put(new, root, "organisation", _scalar(answers.organisation), None, nl)
        new = _with_header(model, new, lang, nl)
        after = _meaning(model, load_yaml(new))
    except (yaml.YAMLError, StopIteration, AttributeError, TypeError):
        after = None
    wanted_facts = {**facts, **answers.facts}
    rest = {**rest, "(notes)": _wanted_notes(notes, answers)}
    wanted_organisation = (True, answers.organisation) if answers.organisation_asked else (asked, organisation)
    if after != (wanted_facts, wanted_organisation, rest):
        return _rewritten(model, content, answers, lang)
    return new


def _read(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8-sig")


def _answers_from(model: Model, path: Path, content: str) -> Answers:
    """A profile's text as Answers: its known facts and its '?' ones (asked); blank, null or missing ones not."""
    profile = load_profile(model, path)  # validates everything; an InputError for anything that is not a profile
    raw = load_yaml(content) or {}
    legacy = _is_legacy(content)
    facts: dict[str, int | None] = {}
    for name, value in (raw.get("facts") or {}).items():
        if not isinstance(value, dict):  # a {value, evidence, source} mapping was checked by load_profile
            check_value(model, str(path), name, value)
        meaning = _fact_meaning(model, value, legacy)
        if meaning != "":
            facts[name] = meaning  # type: ignore[assignment]
    return Answers(facts=facts, organisation=profile.organisation, organisation_asked="organisation" in raw,
                   assessed_on=raw.get("assessed_on", profile.assessed_on), notes=_notes_in(raw.get("facts") or {}))


def load_answers(model: Model, path: str | Path) -> Answers:
    """A saved interview (or any YAML profile) as Answers: what was answered, '?' as asked and not known."""
    return _answers_from(model, Path(path), _read(Path(path)))


# --- one interview file, one writer -------------------------------------------------------------------

def _lock(model: Model, path: Path, lang: str) -> tuple[int, bool]:
    """An open descriptor of `path` holding its exclusive lock, and whether it was created (empty) just now.

    Open, lock, then check that the locked file still is the one with the name (a writer may have put a new
    version in place meanwhile); else try again. A missing file is created (O_EXCL) and locked, so that two
    new interviews cannot both start.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    for _ in range(1000):
        created = False
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
                created = True
            except FileExistsError:
                continue
            except OSError as exc:
                raise write_error(path, exc) from None
        except OSError as exc:
            raise InputError(str(path), f"cannot open the file: {exc.strerror or exc}") from None
        try:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise InputError(str(path), "is not a regular file; give a .yaml file to save the answers to")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise InputError(str(path), model.text("interview_locked", lang)) from None
                raise InputError(str(path), f"cannot lock the file: {exc.strerror or exc}") from None
            mine = os.fstat(fd)
            try:
                named = os.stat(path)
            except FileNotFoundError:
                named = None
        except BaseException:
            os.close(fd)
            raise
        if named is not None and (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino):
            return fd, created
        os.close(fd)  # replaced (or removed) between the open and the lock: the name is another file now
    raise InputError(str(path), "the file keeps changing while it is opened; is another program writing it?")


class InterviewFile:
    """The interview's file, locked for as long as it is open; `save` writes answers into it, each atomically."""

    def __init__(self, model: Model, path: Path, content: str, answers: Answers, lang: str = "en",
                 fd: int | None = None, ctrl_c: CtrlC | None = None, notes: list[str] | None = None) -> None:
        self.model = model
        self.path, self.text, self.lang, self.ctrl_c = path, content, lang, ctrl_c
        self.answers = self.saved = answers  # what it held when opened; what is in it now
        self.notes = notes or []
        self._fd = fd

    @classmethod
    def unlocked(cls, model: Model, path: str | Path, lang: str = "en") -> InterviewFile:
        """The file without a lock (for a program of one's own that knows nobody else writes it)."""
        path = Path(path)
        if path.exists() and path.stat().st_size:
            content = _read(path)
            return cls(model, path, content, _answers_from(model, path, content), lang)
        return cls(model, path, "", Answers(), lang)

    def save(self, answers: Answers) -> None:
        """Write `answers` into the file (whole or not at all); a Ctrl-C meanwhile waits until it is done."""
        with held(self.ctrl_c):
            content = _edited(self.model, self.text, answers, self.lang)
            if len(content.encode("utf-8", "surrogateescape")) > MAX_PROFILE_BYTES:
                raise InputError(str(self.path), self.model.text("interview_too_big", self.lang))
            taken: list[int] = []

            def hold(fd: int) -> None:  # the new version is locked before it takes the name
                taken.append(os.dup(fd))
                fcntl.flock(taken[-1], fcntl.LOCK_EX | fcntl.LOCK_NB)

            try:
                write_atomic(self.path, content, hold=hold if self._fd is not None else None)
            except BaseException:
                for fd in taken:
                    os.close(fd)
                raise
            if self._fd is not None:
                old, self._fd = self._fd, taken[-1]
                os.close(old)  # the old version has no name any more
            self.text, self.saved = content, answers

    def close(self) -> None:
        """Let go of the file (and its lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InterviewFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def save_answers(model: Model, path: str | Path, answers: Answers, lang: str = "en") -> None:
    """Write `answers` into the profile at `path` (made if missing), atomically, keeping everything else in it."""
    InterviewFile.unlocked(model, path, lang).save(answers)


def open_interview(model: Model, out: str | None, lang: str = "en", ctrl_c: CtrlC | None = None) -> InterviewFile:
    """The interview's file, locked, with what it already holds and what to tell the user about it.

    Refuses (InputError) a file that is not .yaml/.yml, that exists and is not a profile (nothing is
    overwritten), that cannot be written, or that another interview has open. A new file is made at once.
    """
    path = Path(out if out is not None else DEFAULT_OUT)
    notes = [] if out is not None else [model.text("interview_default_out", lang, path=path)]
    if path.suffix.lower() not in YAML_SUFFIXES:
        raise InputError(str(path), model.text("interview_not_yaml", lang))
    check_writable(path)
    fd, created = _lock(model, path, lang)
    try:
        if created or os.fstat(fd).st_size == 0:  # new (or left empty by a run killed as it began)
            file = InterviewFile(model, path, "", Answers(assessed_on=dt.date.today()), lang, fd, ctrl_c)
            try:
                file.save(file.answers)
            except InputError:
                if created:
                    os.unlink(path)
                raise
        else:
            try:
                content = _read(path)
                answers = _answers_from(model, path, content)
            except (InputError, UnicodeDecodeError) as exc:
                problem = exc.problem if isinstance(exc, InputError) else "it is not UTF-8 text"
                raise InputError(str(path), model.text("interview_not_a_profile", lang, problem=problem)) from None
            file = InterviewFile(model, path, content, answers, lang, fd, ctrl_c)
            total = len(model.facts)
            notes.append(model.text("interview_resuming", lang, path=path, answered=len(answers.facts), total=total,
                                    of_total=counted(model, total, "noun_question_gen", lang)))
    except BaseException:
        os.close(fd)
        raise
    file.notes = [*notes, model.text("interview_saving", lang, path=path)]
    return file


# --- the conversation ---------------------------------------------------------------------------------

def _typed(model: Model, text: str, lang: str) -> str:
    """What the user typed, quoted in the language's marks (“9”, „9“): on one line, cut to SHOWN_CHARS."""
    cut = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
    return model.text("interview_typed", lang, text=one_line(cut))


def _ask_fact(model: Model, console: Console, name: str, lang: str) -> tuple[int | None | str, str | None]:
    """The answer to one question, and the evidence typed after `//` (None without)."""
    while True:
        typed = console.ask(prompt(model, name, lang))
        answer, note = split_note(typed)
        try:
            return parse_answer(model, answer), note
        except ValueError:
            console.say(model.text("interview_invalid", lang, answer=_typed(model, typed.strip(), lang)))


def _ask_organisation(model: Model, console: Console, lang: str) -> str | None:
    """The organisation's name (control characters dropped; None for blank), or QUIT."""
    while True:
        typed = console.ask(model.text("interview_organisation", lang) + " ")
        if typed.strip().lower() == QUIT:
            return QUIT
        name = "".join(c for c in typed if c.isprintable()).strip()
        if len(name) <= MAX_ORGANISATION:
            return name or None
        console.say(model.text("interview_organisation_too_long", lang, length=f"{len(name):,}", limit=MAX_ORGANISATION))


def progress(model: Model, number: int, left: int, lang: str, rest: bool = False) -> str:
    """"Question 6, at most 11 left" ("6 klausimas, liko ne daugiau kaip 11 klausimų"); once the rest is being
    asked (`rest`), `left` is exact: "Question 18, 4 left"."""
    key = "interview_progress" + ("_rest" if rest else "") + ("" if left else "_last")
    return model.text(key, lang, number=number, left=left, left_questions=counted(model, left, "noun_question", lang))


def _progress(model: Model, answers: Answers, name: str, number: int, everything: bool, lang: str) -> str:
    """Where the interview is at `name`: how many questions may follow it before the rest is offered (or, once
    the rest is being asked, how many are left of all)."""
    before = answers.without(name)
    if everything:
        left = sum(1 for n in model.facts if n not in before.facts and n != name)
    else:
        left = len(may_ask(model, before) - {name})
    return progress(model, number, left, lang, everything)


def _said(model: Model, value: int | None, lang: str) -> str:
    return model.text("interview_dont_know", lang) if value is None else value_words(model, value, lang, numbers=True)


def _yes_no(model: Model, console: Console, question: str, can_go_back: bool, lang: str) -> bool | str:
    """True for a yes, False for a no (Enter, q or the end of the input), BACK for b; anything else is asked again."""
    yes = model.text("interview_yes_words", lang).split()
    no = model.text("interview_no_words", lang).split()
    while True:
        try:
            reply = console.ask(question + " ").strip().lower()
        except EOFError:
            return False
        if reply in yes:
            return True
        if reply in ("", QUIT, *no):
            return False
        if reply == BACK and can_go_back:
            return BACK
        if reply == BACK:
            console.say(model.text("interview_nothing_back", lang))
        else:
            console.say(model.text("interview_yes_no_invalid", lang, answer=_typed(model, reply, lang)))


def _converse(model: Model, console: Console, file: InterviewFile, answers: Answers, lang: str) -> Outcome:
    """Ask until nothing is left to ask (or the user says no to the rest), saving after every answer.

    `b` goes back along the questions answered in this run: each one gone back over is asked again on the way
    forward (its earlier answer said, and kept in the file until a new one is given); q or the end of the
    input stops.
    """
    history: list[str] = []  # the facts answered in this run, in order
    ahead: list[str] = []  # the facts gone back over, to ask again: the next one last
    first = len(answers.facts) + 1  # the number of this run's first question
    everything = False  # the user asked for the rest too
    try:
        while True:
            if ahead:
                name = ahead[-1]
                console.say(model.text("interview_asked_again", lang, value=_said(model, answers.facts[name], lang)))
            else:
                queue = next_questions(model, answers)
                if everything:
                    unasked = _order(model, [n for n in model.facts if n not in answers.facts])
                    queue += [n for n in unasked if n not in queue]
                if not queue:
                    rest = [n for n in model.facts if n not in answers.facts]
                    if everything or not rest:
                        if not everything:
                            console.say(model.text("interview_all_asked", lang))
                        return Outcome(answers)
                    top = _level_now(model, answers) >= model.top
                    console.say(model.text("interview_settled_top" if top else "interview_settled", lang))
                    reply = _yes_no(model, console, model.text("interview_ask_rest", lang, count=len(rest)),
                                    bool(history), lang)
                    if reply == BACK:
                        ahead.append(history.pop())
                    elif reply:
                        everything = True
                    else:
                        return Outcome(answers)
                    continue
                name = queue[0]
            console.say(_progress(model, answers, name, first + len(history), everything, lang))
            value, note = _ask_fact(model, console, name, lang)
            if value == QUIT:
                return Outcome(answers, stopped=True)
            if value == BACK:
                if history:
                    ahead.append(history.pop())
                else:
                    console.say(model.text("interview_nothing_back", lang))
                continue
            answers = answers.answer(name, value, note)  # type: ignore[arg-type]
            file.save(answers)
            history.append(name)
            if ahead:
                ahead.pop()
    except EOFError:
        return Outcome(answers, stopped=True)


def _level_now(model: Model, answers: Answers) -> int:
    """The level the answers so far reach (the fast path over the same rules)."""
    from branda.expert.assess import run_engine

    return run_engine(model.rules, answers.known, "fast").level


def run_interview(model: Model, file: InterviewFile | str | Path, answers: Answers, console: Console,
                  lang: str = "en") -> Outcome:
    """Ask the organisation (if not known), then the questions that matter, then offer the rest; save as it goes.

    A Ctrl-C (KeyboardInterrupt) is not caught: every answer given is in the file already (`file.saved`).
    """
    if not isinstance(file, InterviewFile):
        file = InterviewFile.unlocked(model, file, lang)
    console.say(model.text("interview_scale", lang, scale=model.scale_words(lang)))
    console.say(model.text("interview_keys", lang))
    if not answers.organisation_asked:
        try:
            name = _ask_organisation(model, console, lang)
        except EOFError:
            return Outcome(answers, stopped=True)
        if name == QUIT:
            return Outcome(answers, stopped=True)
        answers = replace(answers, organisation=name, organisation_asked=True)
        file.save(answers)
    return _converse(model, console, file, answers, lang)


def _stopped(model: Model, file: InterviewFile | None, lang: str) -> str:
    if file is None:
        return model.text("interview_stopped_nothing", lang)
    total = len(model.facts)
    return model.text("interview_stopped", lang, answered=len(file.saved.facts), total=total, path=file.path,
                      of_total=counted(model, total, "noun_question_gen", lang))


def _waiting(ctrl_c: CtrlC, ask: Callable[[str], str]) -> Callable[[str], str]:
    """`ask`, reading inside `ctrl_c.waiting()`: a Ctrl-C lost on its way stops the interview at the next question."""
    def ask_waiting(prompt: str) -> str:
        with ctrl_c.waiting():
            return ask(prompt)

    return ask_waiting


def interview_command(model: Model, out: str | None, lang: str, console: Console, ctrl_c: CtrlC | None = None) -> int:
    """The whole `branda interview`: open (and lock) the file, ask, say how it ended, assess; the exit status.

    Ctrl-C anywhere in it (with `ctrl_c` installed) keeps every answer given, says the one "Stopped" line
    and returns 130; `q` or the end of the input stops too, then assesses what there is (0).
    """
    file: InterviewFile | None = None
    said_stop = False
    if ctrl_c is not None:
        console = replace(console, ask=_waiting(ctrl_c, console.ask))
    try:
        try:
            with held(ctrl_c):
                file = open_interview(model, out, lang, ctrl_c)
            for note in file.notes:
                console.say(note)
            outcome = run_interview(model, file, file.answers, console, lang)
            if outcome.stopped:
                console.say(_stopped(model, file, lang))
                said_stop = True
            else:
                console.say(model.text("interview_saved", lang, path=file.path))
            from branda.expert.assess import assess
            from branda.expert.render import assessment_text

            result = assessment_text(assess(model, file.saved.profile(str(file.path))), lang)
            console.say("")
            console.say(result)
            if ctrl_c is not None:
                ctrl_c.finish()
            return 0
        except KeyboardInterrupt:
            if ctrl_c is not None:
                ctrl_c.finish()
            console.say("")  # Ctrl-C leaves the cursor after the prompt
            if not said_stop:
                console.say(_stopped(model, file, lang))
            return 130
    finally:
        if file is not None:
            file.close()
