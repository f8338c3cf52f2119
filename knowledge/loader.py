"""Load and validate the knowledge files; every problem is a KnowledgeError naming the file and key."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.yamlio import load_yaml_file

LANGUAGES = ("en", "lt")
KNOWLEDGE_DIR = Path(__file__).resolve().parent


class KnowledgeError(Exception):
    """A knowledge or rule file is malformed; the message names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file, self.key, self.problem = file, key, problem


@dataclass(frozen=True)
class Text:
    """One text in every supported language."""

    en: str
    lt: str

    def __call__(self, lang: str) -> str:
        return self.lt if lang == "lt" else self.en


@dataclass(frozen=True)
class Level:
    """A maturity level of the article."""

    number: int
    name: Text
    description: Text
    source: Text


@dataclass(frozen=True)
class FactDef:
    """A fact of the vocabulary: a statement rated 1-5, with its question and article source."""

    name: str
    polarity: str  # "+" higher is more mature, "-" higher is less mature
    article_level: str
    statement: Text
    question: Text
    source: Text

    @property
    def positive(self) -> bool:
        return self.polarity == "+"


@dataclass(frozen=True)
class DiagnosticDef:
    """A diagnostic code with its texts and the article's advice."""

    code: str
    title: Text
    message: Text
    advice: Text
    source: Text


@dataclass(frozen=True)
class Knowledge:
    """Everything under knowledge/, validated."""

    levels: tuple[Level, ...]
    facts: dict[str, FactDef]
    scale: dict[int, Text]
    diagnostics: dict[str, DiagnosticDef]
    texts: dict[str, Text]

    def level(self, number: int) -> Level:
        return self.levels[number - 1]


class Reader:
    """Walks one parsed data file, checking keys and translations as it goes."""

    def __init__(self, path: Path) -> None:
        self.file = f"{path.parent.name}/{path.name}"
        try:
            self.data = load_yaml_file(path)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the file's fault
            raise KnowledgeError(self.file, "(file)", f"cannot be parsed: {exc}") from None

    def fail(self, key: str, problem: str) -> KnowledgeError:
        return KnowledgeError(self.file, key, problem)

    def mapping(self, value: Any, key: str, required: set[Any], optional: frozenset[Any] = frozenset()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        unknown = set(value) - required - optional
        if unknown:
            raise self.fail(f"{key}.{sorted(map(str, unknown))[0]}", "unknown key")
        missing = required - set(value)
        if missing:
            raise self.fail(f"{key}.{sorted(missing)[0]}", "missing key")
        return value

    def items(self, value: Any, key: str) -> list:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        return value

    def text(self, value: Any, key: str) -> Text:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping of languages en, lt")
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise self.fail(f"{key}.{lang}", "missing translation")
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            raise self.fail(f"{key}.{sorted(map(str, unknown))[0]}", "unknown language")
        return Text(en=value["en"], lt=value["lt"])

    def unique(self, names: list, key: str) -> None:
        seen: set = set()
        for i, name in enumerate(names):
            if name in seen:
                raise self.fail(f"{key}[{i}]", f"duplicate {name!r}")
            seen.add(name)


def _levels(directory: Path) -> tuple[Level, ...]:
    r = Reader(directory / "levels.yaml")
    top = r.mapping(r.data, "(top)", {"levels"})
    levels = []
    for i, item in enumerate(r.items(top["levels"], "levels")):
        key = f"levels[{i}]"
        item = r.mapping(item, key, {"level", "name", "description", "source"})
        if item["level"] != i + 1:
            raise r.fail(f"{key}.level", f"levels must be numbered 1..5 in order, found {item['level']!r}")
        levels.append(Level(i + 1, r.text(item["name"], f"{key}.name"),
                            r.text(item["description"], f"{key}.description"),
                            r.text(item["source"], f"{key}.source")))
    if len(levels) != 5:
        raise r.fail("levels", f"the model has five levels, found {len(levels)}")
    return tuple(levels)


def _facts(directory: Path) -> tuple[dict[str, FactDef], dict[int, Text]]:
    r = Reader(directory / "facts.yaml")
    top = r.mapping(r.data, "(top)", {"scale", "facts"})
    scale_data = r.mapping(top["scale"], "scale", {1, 2, 3, 4, 5})
    scale = {v: r.text(scale_data[v], f"scale.{v}") for v in range(1, 6)}
    items = r.items(top["facts"], "facts")
    r.unique([item.get("name") if isinstance(item, dict) else None for item in items], "facts")
    facts = {}
    for i, item in enumerate(items):
        key = f"facts[{i}]"
        item = r.mapping(item, key, {"name", "polarity", "article_level", "statement", "question", "source"})
        name = item["name"]
        if not isinstance(name, str) or not name.isidentifier():
            raise r.fail(f"{key}.name", "must be a lower-case identifier")
        if item["polarity"] not in ("+", "-"):
            raise r.fail(f"{name}.polarity", "must be '+' or '-'")
        facts[name] = FactDef(name, item["polarity"], str(item["article_level"]),
                              r.text(item["statement"], f"{name}.statement"),
                              r.text(item["question"], f"{name}.question"),
                              r.text(item["source"], f"{name}.source"))
    return facts, scale


def _diagnostics(directory: Path) -> dict[str, DiagnosticDef]:
    r = Reader(directory / "diagnostics.yaml")
    top = r.mapping(r.data, "(top)", {"diagnostics"})
    items = r.items(top["diagnostics"], "diagnostics")
    r.unique([item.get("code") if isinstance(item, dict) else None for item in items], "diagnostics")
    result = {}
    for i, item in enumerate(items):
        item = r.mapping(item, f"diagnostics[{i}]", {"code", "title", "message", "advice", "source"})
        code = item["code"]
        result[code] = DiagnosticDef(code, *(r.text(item[k], f"{code}.{k}")
                                             for k in ("title", "message", "advice", "source")))
    return result


def _texts(directory: Path) -> dict[str, Text]:
    """texts.yaml plus every texts_*.yaml (one per feature); a key may be defined only once."""
    result: dict[str, Text] = {}
    for path in [directory / "texts.yaml", *sorted(directory.glob("texts_*.yaml"))]:
        r = Reader(path)
        top = r.mapping(r.data, "(top)", {"texts"})
        texts = top["texts"]
        if not isinstance(texts, dict):
            raise r.fail("texts", "must be a mapping")
        for k, v in texts.items():
            if not isinstance(k, str):
                raise r.fail(f"texts.{k}", "keys must be text (quote yes/no/on/off)")
            if k in result:
                raise r.fail(f"texts.{k}", "defined twice")
            result[k] = r.text(v, f"texts.{k}")
    return result


def load_knowledge(directory: Path = KNOWLEDGE_DIR) -> Knowledge:
    """Read and validate every knowledge file in `directory`."""
    facts, scale = _facts(directory)
    return Knowledge(_levels(directory), facts, scale, _diagnostics(directory), _texts(directory))


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The bundled knowledge base, loaded once per process."""
    return load_knowledge()


def text(key: str, lang: str, **values: object) -> str:
    """A text of the bundled knowledge base (texts*.yaml) in `lang`, its {placeholders} filled from `values`."""
    return knowledge().texts[key](lang).format(**values)
