"""Read and strictly validate organisation profiles (YAML, JSON, TOML) and --set overrides."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from branda.expert.errors import InputError, closest, shown
from branda.knowledge.model import Model

MAX_PROFILE_BYTES = 1_000_000
TOP_LEVEL_KEYS = ("organisation", "assessed_on", "facts", "respondent")
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
UNKNOWN_WORDS = {"", "?", "null"}  # text values (after trimming, any case) that mean "unknown"
_SURROGATE = re.compile("[\ud800-\udfff]")


EVIDENCE_KEYS = ("value", "evidence", "source")


@dataclass(frozen=True)
class Evidence:
    """What a rating rests on: the consultant's note and where it came from, as typed (and who gave the rating)."""

    value: int | None
    evidence: str | None = None
    source: str | None = None
    respondent: str | None = None


@dataclass(frozen=True)
class Panel:
    """Several respondents combined into one profile: their names and files, and each disputed fact's answers."""

    respondents: tuple[str, ...]
    disputed: Mapping[str, tuple[int | None, ...]]
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """One organisation: its known facts (name -> an answer on the scale); a fact left out is unknown."""

    facts: Mapping[str, int]
    organisation: str | None = None
    assessed_on: str | None = None
    source: str = "<profile>"
    respondent: str | None = None  # who answered (free text); consensus texts name the file when it is absent
    evidence: Mapping[str, tuple[Evidence, ...]] = field(default_factory=dict)  # fact -> the notes behind it
    panel: Panel | None = None  # set on a consensus of several respondents (expert.consensus)

    def with_facts(self, changes: Mapping[str, int | None]) -> Profile:
        """A new profile with `changes` applied (None makes a fact unknown); this one is untouched.

        A changed fact loses its evidence: the note was written for the answer given, not for the new one."""
        facts = dict(self.facts)
        for name, value in changes.items():
            if value is None:
                facts.pop(name, None)
            else:
                facts[name] = value
        evidence = {name: notes for name, notes in self.evidence.items()
                    if name not in changes or changes[name] == self.facts.get(name)}
        return replace(self, facts=facts, evidence=evidence)


def _no_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict:
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"key {key!r} is given twice")
        seen[key] = value
    return seen


def _parse(source: str, text: str, kind: str) -> Any:
    try:
        if kind == "yaml":  # PyYAML is imported only for a YAML profile
            from branda.expert.profile_yaml import parse_yaml

            return parse_yaml(source, text)
        if kind == "json":
            return json.loads(text, object_pairs_hook=_no_duplicate_pairs)
        import tomllib

        return tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    except RecursionError:
        raise InputError(source, f"not valid {kind.upper()}: nested too deeply") from None
    except (TypeError, AttributeError, OverflowError):
        # a YAML constructor given an explicit tag it cannot build (`!!set` as a key, …): the file's fault
        raise InputError(source, f"not valid {kind.upper()}: a tagged value cannot be read; a profile holds only "
                                 "plain text, numbers and dates") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError is one
        problem = str(exc)
        if "integer string conversion" in problem:
            problem = "a number has too many digits"
        raise InputError(source, f"not valid {kind.upper()}: {problem}") from None


def _describe(value: object) -> str:
    """What a wrong value is, in a few words that never expand a big or self-referencing structure."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int):
        digits = str(value)
        return digits if len(digits) <= 12 else f"{digits[:12]}… ({len(digits)} digits)"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        note = f"; write {value.strip()} without quotes" if value.strip() in {"1", "2", "3", "4", "5"} else ""
        return f"{shown(value)} (text{note})"
    if isinstance(value, (dt.date, dt.time)):
        return f"{value.isoformat()} (a date or time)"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    kinds = {list: "a list", tuple: "a list", dict: "a mapping", set: "a set"}
    return next((k for t, k in kinds.items() if isinstance(value, t)), type(value).__name__)


def _fact_name(name: object) -> str:
    return shown(name) if isinstance(name, str) else _describe(name)


def allowed_value(model: Model) -> str:
    """What a fact's value may be, for messages: 'a whole number 1-5, or empty, null or ? for unknown'."""
    return f"a whole number {model.low}-{model.high}, or empty, null or ? for unknown"


def check_fact_name(model: Model, source: str, name: object) -> str:
    """The name if it is in the vocabulary, else an InputError naming the closest valid one."""
    facts = model.facts
    if isinstance(name, str) and name in facts:
        return name
    hint = closest(name, facts) if isinstance(name, str) else ""
    raise InputError(source, f"{_fact_name(name)} is not a known fact{hint}; 'branda facts' lists all {len(facts)}")


def check_value(model: Model, source: str, name: str, value: object) -> int | None:
    """A fact value on the scale, or None for unknown (null, empty, '?'); anything else is an InputError."""
    if value is None or (isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and model.low <= value <= model.high:
        return value
    raise InputError(source, f"fact '{name}' has value {_describe(value)}; allowed: {allowed_value(model)}")


def text_field(source: str, key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        if _SURROGATE.search(value):  # only JSON's \\ud800-style escapes make one; no file or terminal holds it
            raise InputError(source, f"'{key}' has value {shown(value)}, which holds a lone UTF-16 surrogate "
                                     "(not a character); allowed: text")
        return value
    raise InputError(source, f"'{key}' has value {_describe(value)}; allowed: text (in quotes if it looks like "
                             "a number)" + (" or a date" if key == "assessed_on" else ""))


def profile_from_data(model: Model, source: str, data: object) -> Profile:
    """Validate parsed profile data (a mapping with `facts:`) into a Profile."""
    if data is None or data == {}:
        raise InputError(source, "the profile is empty; expected 'facts:' with fact names and values "
                                 f"{model.low}-{model.high}")
    if not isinstance(data, dict):
        raise InputError(source, f"the profile is {_describe(data)}; expected a mapping with 'facts:' "
                                 "(and optional 'organisation:', 'assessed_on:', 'respondent:')")
    _only_keys(source, data, TOP_LEVEL_KEYS, "unknown top-level key {key}; allowed: {allowed}")
    if "facts" not in data:
        raise InputError(source, "no 'facts:' mapping; allowed top-level keys: " + ", ".join(TOP_LEVEL_KEYS))
    raw = data["facts"]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError(source, f"'facts' is {_describe(raw)}; expected a mapping of fact names to values "
                                 f"{model.low}-{model.high}")
    facts: dict[str, int] = {}
    evidence: dict[str, tuple[Evidence, ...]] = {}
    respondent = (text_field(source, "respondent", data.get("respondent")) or "").strip() or None
    for name, value in raw.items():
        check_fact_name(model, source, name)
        note = evidence_of(model, source, name, value, respondent) if isinstance(value, dict) else None
        checked = note.value if note is not None else check_value(model, source, name, value)
        if checked is not None:
            facts[name] = checked
        if note is not None and (note.evidence or note.source):
            evidence[name] = (note,)
    return Profile(facts=facts, organisation=text_field(source, "organisation", data.get("organisation")),
                   assessed_on=text_field(source, "assessed_on", data.get("assessed_on")), source=source,
                   respondent=respondent, evidence=evidence)


def _only_keys(source: str, data: Mapping, allowed: tuple[str, ...], problem: str) -> None:
    """An InputError for the first key of `data` not in `allowed`: `problem` with {key} (and a "did you mean")
    and {allowed} filled in."""
    for key in data:
        if key not in allowed:
            hint = closest(key, allowed) if isinstance(key, str) else ""
            raise InputError(source, problem.format(key=_fact_name(key) + hint, allowed=", ".join(allowed)))


def evidence_of(model: Model, source: str, name: str, item: dict, respondent: str | None = None) -> Evidence:
    """A fact given as {value, evidence, source}: `value` as a plain value would be, the others optional text."""
    _only_keys(source, item, EVIDENCE_KEYS, f"fact '{name}' has unknown key {{key}}; allowed: {{allowed}} "
                                            "(value is required)")
    if "value" not in item:
        raise InputError(source, f"fact '{name}' is a mapping without 'value'; allowed: {', '.join(EVIDENCE_KEYS)} "
                                 f"(value {allowed_value(model)}, the others text)")
    value = check_value(model, source, name, item["value"])
    texts = {key: (text_field(source, f"{name}.{key}", item.get(key)) or "").strip() or None
             for key in ("evidence", "source")}
    return Evidence(value, texts["evidence"], texts["source"], respondent)


def _read_text(source: str, path: Path, what: str) -> str:
    """The file's text, refusing a file over MAX_PROFILE_BYTES before anything of it is parsed."""
    too_big = f"a {what} may be at most 1 MB ({MAX_PROFILE_BYTES:,} bytes)"
    try:
        size = path.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise InputError(source, f"the file is {size:,} bytes; {too_big}")
        with path.open("rb") as f:
            data = f.read(MAX_PROFILE_BYTES + 1)  # a pipe or device may not report its size
    except InputError:
        raise
    except IsADirectoryError:
        raise InputError(source, f"is a directory, not a {what} file") from None
    except OSError as exc:
        raise InputError(source, f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_PROFILE_BYTES:
        raise InputError(source, f"the file is over {MAX_PROFILE_BYTES:,} bytes; {too_big}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                                 f"{exc.start}); save it as UTF-8") from None


def read_data(path: str | Path, what: str = "profile",
              expected: str = "'facts:' with fact names and values 1-5") -> Any:
    """The parsed content of a YAML/JSON/TOML input file (a profile, a scenario…), or an InputError."""
    source = str(path)
    p = Path(path)
    kind = FORMATS.get(p.suffix.lower())
    if kind is None:
        raise InputError(source, f"unsupported file type {shown(p.suffix or '(none)')}; "
                                 "use .yaml, .yml, .json or .toml")
    text = _read_text(source, p, what)
    if not text.strip():
        raise InputError(source, f"the file is empty; expected {expected}")
    return _parse(source, text, kind)


def load_profile(model: Model, path: str | Path) -> Profile:
    """Read one profile file, refusing anything malformed with an InputError."""
    return profile_from_data(model, str(path), read_data(path))


def parse_set(model: Model, option: str) -> tuple[str, int | None]:
    """One --set NAME=VALUE as (name, value or None for unknown)."""
    source = f"--set {option if len(option) <= 80 else option[:80] + '…'}"
    name, sep, value = option.partition("=")
    if not sep:
        raise InputError(source, f"expected NAME=VALUE with VALUE {allowed_value(model)}")
    if not name.strip():
        raise InputError(source, "the fact name before '=' is missing; 'branda facts' lists the names")
    name = check_fact_name(model, source, name.strip())
    text = value.strip()
    if text.lower() in UNKNOWN_WORDS:
        return name, None
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise InputError(source, f"fact '{name}' has value {shown(text)}; allowed: {allowed_value(model)}")
    return name, check_value(model, source, name, int(text))


def apply_sets(model: Model, profile: Profile, options: Iterable[str]) -> Profile:
    """The profile with every --set applied in order (a later --set of the same fact wins)."""
    changes = dict(parse_set(model, o) for o in options)
    return profile.with_facts(changes) if changes else profile
