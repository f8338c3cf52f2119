"""Survey exports: which column of a form tool's export is which fact, the organisation or the respondent, what
each answer means, and the questionnaire template whose export maps with no `--map` at all.

A column is a fact when its header is the fact's name, begins with `[fact_name]`, or is the fact's question in
any language of the model; case, runs of spaces, surrounding spaces and a trailing `?` or `*` do not count. A
map file (`--map`) names what the headers do not say: `columns: {header: fact}` (or `null` to ignore it),
`answers: {label: value}`, `organisation: header`, `respondent: header`. Columns that are nothing (an ID, a
timestamp, an e-mail) are ignored; a header that is two facts, or two headers that are one, is an error.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from branda.expert.errors import InputError, closest, shown
from branda.expert.profile import UNKNOWN_WORDS, Profile, read_data
from branda.knowledge.model import Model

__all__ = ["Layout", "SurveyMap", "allowed_answers", "answer_key", "answer_values", "header_key", "layout_of",
           "load_map", "organisations", "template", "template_header"]

ORGANISATION = "organisation"
RESPONDENT = "respondent"
MAP_KEYS = ("columns", "answers", "organisation", "respondent")
TEMPLATE_FORMATS = ("csv", "xlsx")
LABELS_SHOWN = 5  # map labels named in a bad cell's message
_PREFIX = re.compile(r"\s*\[([^\]]*)\]")
_CODE_LIKE = re.compile(r"[a-z][a-z0-9_]*\Z")  # a header written as a fact's name would be
_SPACES = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A header as it is matched: case, runs of spaces, surrounding spaces and a trailing `?` or `*` ignored.

    >>> header_key("  How true is it that …? * ")
    'how true is it that …'
    """
    return _SPACES.sub(" ", text).casefold().strip().rstrip("?* ")


def answer_key(text: str) -> str:
    """An answer as it is matched: case, runs of spaces and surrounding spaces ignored.

    >>> answer_key(" Greičiau  TIESA ")
    'greičiau tiesa'
    """
    return _SPACES.sub(" ", text).casefold().strip()


@dataclass(frozen=True)
class SurveyMap:
    """What a `--map` file says: header keys to facts (None: ignored), answer keys to values, the two roles."""

    source: str = ""
    columns: Mapping[str, str | None] = field(default_factory=dict)
    answers: Mapping[str, int | None] = field(default_factory=dict)
    organisation: str | None = None
    respondent: str | None = None


def _text(source: str, key: str, value: object) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    raise InputError(f"{source}: {key}", f"is {shown(str(value))}; expected the header text of a column")


def load_map(model: Model, path: str | Path) -> SurveyMap:
    """Read and check a map file (YAML, JSON or TOML); any problem is an InputError naming the file and key."""
    source = str(path)
    data = read_data(path, "map", expected="'columns:', 'answers:', 'organisation:' or 'respondent:'")
    if not isinstance(data, dict):
        raise InputError(source, "expected a mapping with 'columns:', 'answers:', 'organisation:' or 'respondent:'")
    for key in data:
        if key not in MAP_KEYS:
            hint = closest(key, MAP_KEYS) if isinstance(key, str) else ""
            raise InputError(source, f"unknown key {shown(str(key))}{hint}; allowed: {', '.join(MAP_KEYS)}")
    columns: dict[str, str | None] = {}
    for header, fact in _mapping(source, "columns", data.get("columns")).items():
        where = f"{source}: columns: {shown(header)}"
        if fact is not None and not (isinstance(fact, str) and fact in model.facts):
            hint = closest(fact, model.facts) if isinstance(fact, str) else ""
            raise InputError(where, f"{shown(str(fact))} is not a known fact{hint}; 'branda facts' lists all "
                                    f"{len(model.facts)} (null ignores the column)")
        columns[header_key(header)] = fact
    answers: dict[str, int | None] = {}
    for label, value in _mapping(source, "answers", data.get("answers")).items():
        if isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS:
            value = None
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool)
                                      and model.low <= value <= model.high):
            raise InputError(f"{source}: answers: {shown(label)}",
                             f"has value {shown(str(value))}; allowed: a whole number {model.low}-{model.high}, "
                             "or null for unknown")
        answers[answer_key(label)] = value
    roles = {key: header_key(_text(source, key, data[key])) for key in (ORGANISATION, RESPONDENT)
             if data.get(key) is not None}
    return SurveyMap(source, columns, answers, roles.get(ORGANISATION), roles.get(RESPONDENT))


def _mapping(source: str, key: str, value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{source}: {key}", f"is {shown(str(value))}; expected a mapping")
    return {str(k): v for k, v in value.items()}


# --- the header ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """What each column of a header is: the fact columns (index, fact) in file order, the roles, the ignored.

    `plain` is the first round's layout (`organisation` first, then fact names, nothing else, no map, no
    --by): one organisation a row, streamed as before.
    """

    headers: tuple[str, ...]
    facts: tuple[tuple[int, str], ...]
    organisation: int | None
    respondent: int | None
    by: int | None
    ignored: tuple[str, ...]
    plain: bool

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(fact for _, fact in self.facts)


def role_keys(model: Model, role: str) -> set[str]:
    """The header keys that name the organisation or the respondent: the word itself, the template's in any language."""
    return {role, *(header_key(model.text(f"survey_{role}", lang)) for lang in model.languages)}


def question_index(model: Model) -> dict[str, set[str]]:
    """Header key -> the facts it names: each fact's name and its question in every language of the model."""
    index: dict[str, set[str]] = {}
    for name, fact in model.facts.items():
        index.setdefault(header_key(name), set()).add(name)
        for text in fact.question.by_lang.values():
            index.setdefault(header_key(text), set()).add(name)
    return index


def layout_of(model: Model, header: list[str], where: Any, survey_map: SurveyMap | None = None,
              by: str | None = None) -> tuple[Layout, list[InputError]]:
    """The layout of `header` and its problems (empty when it is usable); `where(i)` names column i for them."""
    problems: list[InputError] = []
    index = question_index(model)
    smap = survey_map or SurveyMap()
    org_keys = {smap.organisation} if smap.organisation else role_keys(model, ORGANISATION)
    resp_keys = {smap.respondent} if smap.respondent else role_keys(model, RESPONDENT)
    facts: dict[str, int] = {}
    roles: dict[str, int] = {}
    ignored: list[int] = []
    by_name = {name.casefold(): name for name in model.facts}
    for i, text in enumerate(header):
        key = header_key(text)
        if key in smap.columns:  # the map says so, whatever the header looks like
            named = {smap.columns[key]} - {None}
        elif key in org_keys or key in resp_keys:
            role = ORGANISATION if key in org_keys else RESPONDENT
            if role in roles:
                problems.append(InputError(where(i), f"{shown(text)} is the {role} too (also column "
                                                     f"{roles[role] + 1}); keep one of them"))
            else:
                roles[role] = i
            continue
        else:
            named = set(index.get(key, ()))
            if prefix := _PREFIX.match(text):
                named |= index.get(header_key(text[prefix.end():]), set())  # the question after it, if any
                name = prefix.group(1).strip()
                if name.casefold() not in by_name:
                    problems.append(InputError(where(i), f"{shown('[' + name + ']')} is not a known fact"
                                                         f"{closest(name, model.facts)}; 'branda facts' lists all "
                                                         f"{len(model.facts)}"))
                    continue
                named.add(by_name[name.casefold()])
        if len(named) > 1:
            problems.append(InputError(where(i), f"{shown(text)} is {len(named)} facts at once "
                                                 f"({', '.join(sorted(named))}); name one in --map 'columns:'"))
        elif named:
            (fact,) = named
            if fact in facts:
                other = facts[fact]
                same = header_key(header[other]) == key
                problems.append(InputError(where(i), f"{shown(text.strip())} is given twice (also column {other + 1})"
                                           if same else f"{shown(text)} is the fact '{fact}', as column {other + 1} "
                                                        "is; a fact may have one column"))
            else:
                facts[fact] = i
        elif key not in smap.columns and _CODE_LIKE.match(text.strip()) and closest(text.strip(), model.facts):
            problems.append(InputError(where(i), f"{shown(text.strip())} is not a known fact"
                                                 f"{closest(text.strip(), model.facts)}; 'branda facts' lists all "
                                                 f"{len(model.facts)}"))
        else:
            ignored.append(i)
    by_column = None
    if by is not None:
        found = [i for i, text in enumerate(header) if header_key(text) == header_key(by)]
        if len(found) != 1:
            problems.append(InputError(f"--by {by}", "no column has this header" if not found else
                                       f"{len(found)} columns have this header; name a column that only one has"))
        else:
            by_column = found[0]
            ignored = [i for i in ignored if i != by_column]
    organisation = roles.get(ORGANISATION)
    if organisation is None and by_column is None and not problems:
        problems.append(_no_organisation(model, header, where, facts, smap))
    fact_columns = tuple(sorted(((i, fact) for fact, i in facts.items())))
    plain = (survey_map is None and by is None and organisation == 0 and RESPONDENT not in roles
             and not ignored and all(header[i].strip() == fact for i, fact in fact_columns))
    layout = Layout(tuple(header), fact_columns, organisation, roles.get(RESPONDENT),
                    by_column if by_column is not None else organisation, tuple(header[i] for i in ignored), plain)
    return layout, problems


def _no_organisation(model: Model, header: list[str], where: Any, facts: dict[str, int],
                     smap: SurveyMap) -> InputError:
    if smap.organisation:
        return InputError(where(None), f"no column has the header {shown(smap.organisation)} that "
                                       f"{smap.source} names as the organisation")
    if len(facts) == len(header) - 1 and 0 not in facts.values():  # the first round's layout, its first column amiss
        first = shown(header[0]) if header[0].strip() else "empty"
        return InputError(where(0), f"the first column is {first}; the header must start with 'organisation', "
                                    "then fact names ('branda facts' lists them)")
    names = " or ".join(shown(model.text("survey_organisation", lang)) for lang in model.languages)
    return InputError(where(None), f"no column is the organisation: head one 'organisation' (or {names}, as "
                                   "'branda survey template' writes it), or give --by COLUMN or 'organisation:' "
                                   "in --map")


def recognised(model: Model, header: list[str]) -> int:
    """How many cells of `header` name a fact or a role (to tell a semicolon-delimited header from a comma one)."""
    index = question_index(model)
    roles = role_keys(model, ORGANISATION) | role_keys(model, RESPONDENT)
    return sum(1 for text in header if (key := header_key(text)) in index or key in roles or _PREFIX.match(text))


# --- answers -------------------------------------------------------------------------------------------------

def answer_values(model: Model, survey_map: SurveyMap | None = None) -> dict[str, int | None]:
    """Answer key -> value: the numbers on the scale, the scale's labels in every language, the map's labels."""
    values: dict[str, int | None] = {word: None for word in UNKNOWN_WORDS}
    for value, label in model.scale.items():
        values[str(value)] = value
        for text in label.by_lang.values():
            values[answer_key(text)] = value
    if survey_map is not None:
        values.update(survey_map.answers)
    return values


def allowed_answers(model: Model, survey_map: SurveyMap | None = None) -> str:
    """What a cell may hold, for messages: the numbers, every scale label, the map's labels, the unknowns."""
    labels = ", ".join(shown(label(lang)) for lang in model.languages for label in model.scale.values())
    text = f"a whole number {model.low}-{model.high}, a label of the scale ({labels})"
    if survey_map is not None and survey_map.answers:
        mapped = [shown(label) for label in survey_map.answers]
        more = ", …" if len(mapped) > LABELS_SHOWN else ""
        text += f", a label of {survey_map.source} ({', '.join(mapped[:LABELS_SHOWN])}{more})"
    return text + ", or empty, null or ? for unknown"


# --- the questionnaire ---------------------------------------------------------------------------------------

def template_header(model: Model, lang: str) -> list[str]:
    """The questionnaire's columns: the organisation, the respondent, then each fact's question in `lang`."""
    return [model.text("survey_organisation", lang), model.text("survey_respondent", lang),
            *(fact.question(lang) for fact in model.facts.values())]


def template(model: Model, lang: str, kind: str) -> str | bytes:
    """The questionnaire as CSV text (the header row) or XLSX bytes (the header row, and a sheet of the answers)."""
    header = template_header(model, lang)
    if kind == "csv":
        from branda.expert.csvio import CsvLines

        buffer = io.StringIO()
        CsvLines(buffer).write(header)
        return buffer.getvalue()
    from branda.expert.xlsxio import workbook_bytes

    answers = [[model.text("survey_answer_value", lang), model.text("survey_answer_label", lang)],
               *([value, label(lang)] for value, label in model.scale.items())]
    return workbook_bytes([(model.text("survey_sheet_questions", lang), [header]),
                           (model.text("survey_sheet_answers", lang), answers)])


def template_format(out: str | None, kind: str | None) -> str:
    """The questionnaire's format: `kind` (--format), else --out's extension (.xlsx, .csv), else csv.

    An XLSX workbook needs a file, and a --format that contradicts --out's extension is refused.
    """
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    if kind is None:
        kind = suffix if suffix in TEMPLATE_FORMATS else "csv"
    if out is None and kind == "xlsx":
        raise InputError("--format xlsx", "needs --out FILE.xlsx (a workbook is not text for the terminal)")
    if suffix in TEMPLATE_FORMATS and suffix != kind:
        raise InputError(f"--out {out}", f"is a .{suffix} file, but --format is {kind}; give the file a .{kind} name")
    return kind


def write_template(model: Model, out: str | Path, lang: str, kind: str) -> None:
    """Write the questionnaire to `out`, whole or not at all."""
    from branda.expert.atomic import atomic_output, check_writable, write_atomic

    try:
        check_writable(out)
    except InputError as exc:
        raise InputError(f"--out {out}", exc.problem) from None
    content = template(model, lang, kind)
    if isinstance(content, str):
        write_atomic(out, content)
        return
    with atomic_output(out) as f:  # the text file's binary buffer: the workbook's bytes, replaced atomically
        f.flush()
        f.buffer.write(content)


# --- the organisations of a batch input ------------------------------------------------------------------------

def organisations(model: Model, path: str | Path, survey_map: SurveyMap | None = None,
                  by: str | None = None) -> Iterator[tuple[str | None, Profile]]:
    """Each organisation of a batch input (one organisation a row, or a survey export of respondents, read by
    `csvio.BatchInput` as `batch` reads it) as its name and profile, in the order each first appears; an
    organisation of several respondents is their consensus (as `assess A B C` combines them).

    The first problem (a bad header or cell, named by file, line, column and value as `batch` names it) is raised
    as an InputError.
    """
    from branda.expert.consensus import consensus
    from branda.expert.csvio import BatchInput, Group, cell_value

    batch = BatchInput(Path(path), model, survey_map=survey_map, by=by)
    known = answer_values(model, survey_map)
    for item in batch.read():
        if isinstance(item, InputError):
            raise item
        if isinstance(item, Group):
            profiles = [Profile({f: v for f, v in zip(batch.columns, values, strict=True) if v is not None},
                                organisation=item.organisation, source=respondent, respondent=respondent)
                        for respondent, values in zip(item.respondents, item.answers, strict=True)]
            yield item.organisation, (profiles[0] if len(profiles) == 1 else consensus(model, profiles).profile)
            continue
        name = item[0].strip() or None
        facts = {f: v for f, cell in zip(batch.columns, item[1:], strict=True)
                 if (v := cell_value(known, cell)) is not None}
        yield name, Profile(facts, organisation=name, source=f"{path}")
