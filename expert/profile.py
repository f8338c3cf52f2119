"""Read and strictly validate organisation profiles (YAML, JSON, TOML) and --set overrides."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from expert.errors import InputError, closest
from knowledge.loader import knowledge
from knowledge.yamlio import _Loader

MAX_PROFILE_BYTES = 1_000_000
TOP_LEVEL_KEYS = ("organisation", "assessed_on", "facts")
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
ALLOWED_VALUE = "a whole number 1-5, or empty for unknown"
UNKNOWN_WORDS = {"", "?", "null", "none", "unknown"}


@dataclass(frozen=True)
class Profile:
    """One organisation: its known facts (name -> 1..5); a fact left out is unknown."""

    facts: Mapping[str, int]
    organisation: str | None = None
    assessed_on: str | None = None
    source: str = "<profile>"

    def with_facts(self, changes: Mapping[str, int | None]) -> Profile:
        """A new profile with `changes` applied (None makes a fact unknown); this one is untouched."""
        facts = dict(self.facts)
        for name, value in changes.items():
            if value is None:
                facts.pop(name, None)
            else:
                facts[name] = value
        return replace(self, facts=facts)


class _UniqueKeyLoader(_Loader):  # type: ignore[misc, valid-type]
    """The safe YAML loader, refusing a key written twice in one mapping."""


def _construct_unique_mapping(loader: Any, node: Any, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _no_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict:
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"key {key!r} is given twice")
        seen[key] = value
    return seen


def _parse(source: str, text: str, kind: str) -> Any:
    try:
        if kind == "yaml":
            return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader
        if kind == "json":
            return json.loads(text, object_pairs_hook=_no_duplicate_pairs)
        return tomllib.loads(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InputError(source, f"not valid YAML{where}: {exc.problem or exc.context}") from None
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    except (yaml.YAMLError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise InputError(source, f"not valid {kind.upper()}: {' '.join(str(exc).split())}") from None


def check_fact_name(source: str, name: object) -> str:
    """The name if it is in the vocabulary, else an InputError naming the closest valid one."""
    facts = knowledge().facts
    if isinstance(name, str) and name in facts:
        return name
    hint = closest(str(name), facts)
    raise InputError(source, f"'{name}' is not a known fact{hint}; 'branda facts' lists all {len(facts)}")


def check_value(source: str, name: str, value: object) -> int | None:
    """A fact value as 1..5, or None for unknown; anything else is an InputError."""
    if value is None or (isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    shown = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    raise InputError(source, f"fact '{name}' has value {shown}; allowed: {ALLOWED_VALUE}")


def _text_field(source: str, key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise InputError(source, f"'{key}' must be text, not {json.dumps(value, default=str)}")


def profile_from_data(source: str, data: object) -> Profile:
    """Validate parsed profile data (a mapping with `facts:`) into a Profile."""
    if data is None or data == {}:
        raise InputError(source, "the profile is empty; expected 'facts:' with fact names and values 1-5")
    if not isinstance(data, dict):
        raise InputError(source, "a profile must be a mapping with 'facts:' (and optional 'organisation:', "
                                 "'assessed_on:')")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            hint = closest(str(key), TOP_LEVEL_KEYS)
            raise InputError(source, f"unknown top-level key '{key}'{hint}; allowed: {', '.join(TOP_LEVEL_KEYS)}")
    if "facts" not in data:
        raise InputError(source, "no 'facts:' mapping; allowed top-level keys: " + ", ".join(TOP_LEVEL_KEYS))
    raw = data["facts"]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError(source, "'facts' must be a mapping of fact names to values 1-5")
    facts: dict[str, int] = {}
    for name, value in raw.items():
        check_fact_name(source, name)
        checked = check_value(source, name, value)
        if checked is not None:
            facts[name] = checked
    return Profile(facts=facts, organisation=_text_field(source, "organisation", data.get("organisation")),
                   assessed_on=_text_field(source, "assessed_on", data.get("assessed_on")), source=source)


def load_profile(path: str | Path) -> Profile:
    """Read one profile file, refusing anything malformed with an InputError."""
    source = str(path)
    p = Path(path)
    kind = FORMATS.get(p.suffix.lower())
    if kind is None:
        raise InputError(source, f"unsupported file type '{p.suffix}'; use .yaml, .yml, .json or .toml")
    try:
        size = p.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise InputError(source, f"the file is {size:,} bytes; a profile may be at most 1 MB")
        text = p.read_bytes().decode("utf-8-sig")
    except InputError:
        raise
    except UnicodeDecodeError:
        raise InputError(source, "the file is not UTF-8 text") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory, not a profile file") from None
    except OSError as exc:
        raise InputError(source, f"cannot read the file: {exc.strerror}") from None
    if not text.strip():
        raise InputError(source, "the file is empty; expected 'facts:' with fact names and values 1-5")
    return profile_from_data(source, _parse(source, text, kind))


def parse_set(option: str) -> tuple[str, int | None]:
    """One --set NAME=VALUE as (name, value or None for unknown)."""
    source = f"--set {option}"
    name, sep, value = option.partition("=")
    if not sep:
        raise InputError(source, f"expected NAME=VALUE with VALUE {ALLOWED_VALUE}")
    name = check_fact_name(source, name.strip())
    text = value.strip()
    if text.lower() in UNKNOWN_WORDS:
        return name, None
    if not (text.isdigit() and text.isascii()):
        raise InputError(source, f"fact '{name}' has value {text!r}; allowed: {ALLOWED_VALUE}")
    return name, check_value(source, name, int(text))


def apply_sets(profile: Profile, options: Iterable[str]) -> Profile:
    """The profile with every --set applied in order."""
    changes = dict(parse_set(o) for o in options)
    return profile.with_facts(changes) if changes else profile
