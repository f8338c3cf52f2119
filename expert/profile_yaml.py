"""YAML profiles: PyYAML's safe loader made strict (a key given twice, a date that is none), and its errors as
one readable line. Kept apart from expert.profile so that PyYAML is imported only for a YAML profile."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from branda.expert.errors import InputError, shown
from branda.knowledge.yamlio import safe_loader

_MERGE_TAG = "tag:yaml.org,2002:merge"
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"


def _construct_unique_mapping(loader: Any, node: Any, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:  # `<<: *anchor` merges, as yaml.safe_load does
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text, not a list or mapping", key_node.start_mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"key {key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


def _construct_checked_timestamp(loader: Any, node: Any) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a valid date ({exc})", node.start_mark) from None
    except (TypeError, AttributeError):  # a `!!timestamp` tag on text that is no date at all
        raise yaml.constructor.ConstructorError(
            None, None, f"{shown(str(node.value))} is not a date (write a date as 2026-11-20)",
            node.start_mark) from None


@cache
def strict_loader() -> Any:
    """The safe YAML loader, refusing a key written twice in one mapping and naming a bad date's line."""
    loader = type("StrictLoader", (safe_loader(),), {})
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)
    loader.add_constructor(_YAML_TAG_PREFIX + "timestamp", _construct_checked_timestamp)
    return loader


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> str:
    """One readable line for a YAML syntax or construction error, with its line and column."""
    problem = exc.problem or exc.context or "malformed"
    if problem.startswith("could not determine a constructor for the tag"):
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace(_YAML_TAG_PREFIX, "!!")
        problem = f"the tag {shown(tag)} is not allowed; a profile holds only plain text, numbers and dates"
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return f"not valid YAML: {problem}"
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in line[: mark.column + 1]:
        problem += " (a tab: indent YAML with spaces only)"
    return f"not valid YAML (line {mark.line + 1}, column {mark.column + 1}): {problem}"


def parse_yaml(source: str, text: str) -> Any:
    """The profile's YAML as plain data; PyYAML's own errors become an InputError naming `source`, the line and
    the column (the errors any format can meet are expert.profile's to word)."""
    try:
        return yaml.load(text, Loader=strict_loader())  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        raise InputError(source, _yaml_problem(exc, text)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InputError(source, f"not valid YAML (line {line}, column {column}): control character "
                                 f"#x{exc.character:04x} is not allowed") from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"not valid YAML: {exc}") from None
