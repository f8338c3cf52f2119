"""Read a model's knowledge files (levels, facts, scale, diagnostics, texts) into typed values, checking as it goes.

Every problem is a KnowledgeError naming the file and the key. A Reader given a `problems` list records each
problem there and carries on with the next item, so that `branda model check` can list them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from branda.expert.errors import BrandaError
from branda.knowledge.yamlio import load_yaml_file

KNOWLEDGE_DIR = Path(__file__).resolve().parent  # the product's own texts (texts*.yaml) live here
T = TypeVar("T")


class KnowledgeError(BrandaError):
    """A model file is malformed; the message names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file, self.key, self.problem = file, key, problem


@dataclass(frozen=True)
class Text:
    """One text in every language of the model."""

    by_lang: Mapping[str, str]

    def __call__(self, lang: str) -> str:
        found = self.by_lang.get(lang)
        return found if found is not None else next(iter(self.by_lang.values()))


@dataclass(frozen=True)
class Level:
    """A maturity level of the model."""

    number: int
    name: Text
    description: Text
    source: Text


@dataclass(frozen=True)
class FactDef:
    """A fact of the vocabulary: a statement rated on the scale, with its question and source."""

    name: str
    polarity: str  # "+" higher is more mature, "-" higher is less mature
    article_level: str
    statement: Text
    question: Text
    source: Text
    label: Text  # a short name for people ("Chasing quick results"); the name, humanised, when the model has none

    @property
    def positive(self) -> bool:
        return self.polarity == "+"


@dataclass(frozen=True)
class DiagnosticDef:
    """A diagnostic code with its texts and the advice."""

    code: str
    title: Text
    message: Text
    advice: Text
    source: Text
    summary: Text | None = None  # one plain sentence for the client, {facts} {labels} {level} {name} {count} filled in


@dataclass(frozen=True)
class Knowledge:
    """A model's knowledge files, validated: its languages, scale, levels, facts, diagnostics and texts."""

    languages: tuple[str, ...]
    scale: dict[int, Text]
    levels: tuple[Level, ...]
    facts: dict[str, FactDef]
    diagnostics: dict[str, DiagnosticDef]
    texts: dict[str, Text]

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    @property
    def top(self) -> int:
        """The highest level."""
        return len(self.levels)

    @property
    def low(self) -> int:
        """The lowest answer on the scale."""
        return min(self.scale)

    @property
    def high(self) -> int:
        """The highest answer on the scale."""
        return max(self.scale)

    def text(self, key: str, lang: str, **values: object) -> str:
        """A UI text in `lang`, its {placeholders} filled from `values`."""
        return self.texts[key](lang).format(**{"top": self.top, "low": self.low, "high": self.high, **values})


class Reader:
    """Walks one parsed data file, checking keys and translations as it goes."""

    def __init__(self, path: Path, languages: tuple[str, ...], problems: list[KnowledgeError] | None = None,
                 root: Path | None = None) -> None:
        self.file = str(path.relative_to(root)) if root and path.is_relative_to(root) else \
            f"{path.parent.name}/{path.name}"
        self.languages = languages
        self.problems = problems
        try:
            self.data = load_yaml_file(path)
        except FileNotFoundError:
            raise KnowledgeError(self.file, "(file)", "is missing") from None
        except Exception as exc:  # noqa: BLE001 - any parse failure is the file's fault
            raise KnowledgeError(self.file, "(file)", f"cannot be parsed: {exc}") from None

    def fail(self, key: str, problem: str) -> KnowledgeError:
        return KnowledgeError(self.file, key, problem)

    def attempt(self, check: Callable[[], T]) -> T | None:
        """`check()`, or None after recording its problem when collecting (else the problem is raised)."""
        try:
            return check()
        except KnowledgeError as exc:
            if self.problems is None:
                raise
            self.problems.append(exc)
            return None

    def each(self, items: list, check: Callable[[int, Any], T]) -> Iterator[T]:
        """`check(i, item)` for every item; an item with a problem is recorded and left out when collecting."""
        for i, item in enumerate(items):
            result = self.attempt(lambda i=i, item=item: check(i, item))
            if result is not None:
                yield result

    def mapping(self, value: Any, key: str, required: set[Any], optional: frozenset[Any] | set[Any] = frozenset()
                ) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        unknown = set(value) - required - set(optional)
        if unknown:
            raise self.fail(f"{key}.{sorted(map(str, unknown))[0]}", "unknown key")
        missing = required - set(value)
        if missing:
            raise self.fail(f"{key}.{sorted(map(str, missing))[0]}", "missing key")
        return value

    def items(self, value: Any, key: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        return value

    def text(self, value: Any, key: str) -> Text:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping of languages {', '.join(self.languages)}")
        for lang in self.languages:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise self.fail(f"{key}.{lang}", "missing translation")
        unknown = set(value) - set(self.languages)
        if unknown:
            raise self.fail(f"{key}.{sorted(map(str, unknown))[0]}",
                            f"a language the model does not have (model.yaml languages: {', '.join(self.languages)})")
        return Text({lang: value[lang] for lang in self.languages})

    def unique(self, names: list, key: str) -> None:
        seen: set = set()
        for i, name in enumerate(names):
            if name in seen:
                raise self.fail(f"{key}[{i}]", f"duplicate {name!r}")
            seen.add(name)

    def level_number(self, value: Any, key: str, top: int, lowest: int = 1) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= top:
            raise self.fail(key, f"must be a level {lowest}-{top}, found {value!r}")
        return value


def _levels(r: Reader) -> tuple[Level, ...]:
    top = r.mapping(r.data, "(top)", {"levels"})
    items = r.items(top["levels"], "levels")
    if not 2 <= len(items) <= 9:
        raise r.fail("levels", f"a model has 2 to 9 levels, found {len(items)}")

    def level(i: int, item: Any) -> Level:
        key = f"levels[{i}]"
        item = r.mapping(item, key, {"level", "name", "description", "source"})
        if item["level"] != i + 1:
            raise r.fail(f"{key}.level", f"levels are numbered 1..{len(items)} in order, found {item['level']!r}")
        return Level(i + 1, r.text(item["name"], f"{key}.name"), r.text(item["description"], f"{key}.description"),
                     r.text(item["source"], f"{key}.source"))

    return tuple(r.each(items, level))


def scale_of(r: Reader, data: Any, key: str) -> dict[int, Text]:
    """The answer scale: whole numbers in a row (at least 2), each with its label."""
    if not isinstance(data, dict) or len(data) < 2:
        raise r.fail(key, "must map at least two whole numbers (the answers) to their labels")
    values = sorted(data, key=lambda v: (not isinstance(v, int), v if isinstance(v, int) else 0))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values) or \
            values != list(range(values[0], values[0] + len(values))):
        raise r.fail(key, f"the answers must be whole numbers in a row (like 1, 2, 3, 4, 5), found {list(data)}")
    if values[0] < 0:
        raise r.fail(key, "the answers start at 0 or above")
    return {v: r.text(data[v], f"{key}.{v}") for v in values}


def _facts(r: Reader) -> dict[str, FactDef]:
    top = r.mapping(r.data, "(top)", {"facts"})
    items = r.items(top["facts"], "facts")
    r.attempt(lambda: r.unique([item.get("name") if isinstance(item, dict) else None for item in items], "facts"))

    def fact(i: int, item: Any) -> FactDef:
        key = f"facts[{i}]"
        item = r.mapping(item, key, {"name", "polarity", "statement", "question", "source"}, {"article_level", "label"})
        name = item["name"]
        if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
            raise r.fail(f"{key}.name", "must be a lower-case identifier")
        if item["polarity"] not in ("+", "-"):
            raise r.fail(f"{name}.polarity", "must be '+' or '-'")
        label = (r.text(item["label"], f"{name}.label") if "label" in item
                 else Text({lang: name.replace("_", " ").capitalize() for lang in r.languages}))
        return FactDef(name, item["polarity"], str(item.get("article_level", "")),
                       r.text(item["statement"], f"{name}.statement"), r.text(item["question"], f"{name}.question"),
                       r.text(item["source"], f"{name}.source"), label)

    return {f.name: f for f in r.each(items, fact)}


def _diagnostics(r: Reader) -> dict[str, DiagnosticDef]:
    top = r.mapping(r.data, "(top)", {"diagnostics"})
    items = r.items(top["diagnostics"], "diagnostics")
    r.attempt(lambda: r.unique([item.get("code") if isinstance(item, dict) else None for item in items],
                               "diagnostics"))

    def diagnostic(i: int, item: Any) -> DiagnosticDef:
        item = r.mapping(item, f"diagnostics[{i}]", {"code", "title", "message", "advice", "source"}, {"summary"})
        code = item["code"]
        if not isinstance(code, str) or not code.isidentifier():
            raise r.fail(f"diagnostics[{i}].code", "must be an identifier")
        summary = r.text(item["summary"], f"{code}.summary") if "summary" in item else None
        return DiagnosticDef(code, *(r.text(item[k], f"{code}.{k}") for k in ("title", "message", "advice", "source")),
                             summary)

    return {d.code: d for d in r.each(items, diagnostic)}


def _texts(paths: list[Path], languages: tuple[str, ...], problems: list[KnowledgeError] | None,
           root: Path | None) -> dict[str, Text]:
    """The UI texts: the product's texts*.yaml, then a model's own (which may add languages or reword texts).

    The product's files define each key once, in English and Lithuanian; a model's file may give a key again,
    for any of its languages. Every key must end with a text in every language of the model.
    """
    merged: dict[str, dict[str, str]] = {}
    product = {p for p in paths if p.parent == KNOWLEDGE_DIR}
    for path in paths:
        r = Reader(path, languages, problems, root)
        data = r.attempt(lambda r=r: r.mapping(r.data, "(top)", {"texts"}))
        texts = data["texts"] if data else {}
        if not isinstance(texts, dict):
            def bad(r: Reader = r) -> None:
                raise r.fail("texts", "must be a mapping")

            r.attempt(bad)
            continue
        for k, v in texts.items():
            def check(k: Any = k, v: Any = v, r: Reader = r, path: Path = path) -> bool:
                if not isinstance(k, str):
                    raise r.fail(f"texts.{k}", "keys must be text (quote yes/no/on/off)")
                if not isinstance(v, dict) or not all(isinstance(s, str) and s.strip() for s in v.values()):
                    raise r.fail(f"texts.{k}", "must be a mapping of languages to texts")
                if path in product:
                    if k in merged:
                        raise r.fail(f"texts.{k}", "defined twice")
                    merged[k] = {lang: s for lang, s in v.items() if lang in languages}
                else:
                    if k not in merged:
                        raise r.fail(f"texts.{k}", "not a text branda uses (a misspelt key?)")
                    merged[k].update({lang: s for lang, s in v.items() if lang in languages})
                return True

            r.attempt(check)
    result = {}
    for k, by_lang in merged.items():
        missing = [lang for lang in languages if lang not in by_lang]
        if missing:
            where = "texts.yaml of the model"
            error = KnowledgeError(where, f"texts.{k}.{missing[0]}", "missing translation")
            if problems is None:
                raise error
            problems.append(error)
            continue
        result[k] = Text({lang: by_lang[lang] for lang in languages})
    return result


def load_knowledge(directory: Path, languages: tuple[str, ...], scale: dict[int, Text],
                   problems: list[KnowledgeError] | None = None) -> Knowledge:
    """Read and validate the knowledge files of the model in `directory` (with the product's UI texts)."""

    def read(name: str, parse: Callable[[Reader], T], empty: T) -> T:
        try:
            r = Reader(directory / name, languages, problems, directory)
        except KnowledgeError as exc:
            if problems is None:
                raise
            problems.append(exc)
            return empty
        found = r.attempt(lambda: parse(r))
        return empty if found is None else found

    text_files = [KNOWLEDGE_DIR / "texts.yaml", *sorted(KNOWLEDGE_DIR.glob("texts_*.yaml"))]
    text_files += sorted(directory.glob("texts*.yaml")) if directory != KNOWLEDGE_DIR else []
    return Knowledge(languages, scale, read("levels.yaml", _levels, ()), read("facts.yaml", _facts, {}),
                     read("diagnostics.yaml", _diagnostics, {}), _texts(text_files, languages, problems, directory))
