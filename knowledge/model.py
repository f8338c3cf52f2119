"""The model as one value: a maturity model loaded from a directory, validated, and passed to whatever needs it.

A model directory holds model.yaml (name, languages, scale, readiness, the reasoning's own diagnostics),
levels.yaml, facts.yaml, diagnostics.yaml, rules.yaml and transitions.yaml, and may hold texts*.yaml that
reword or translate branda's own texts. The bundled article model is `knowledge/article/`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from branda.expert.errors import BrandaError
from branda.knowledge.loader import (
    KNOWLEDGE_DIR,
    DiagnosticDef,
    FactDef,
    Knowledge,
    KnowledgeError,
    Level,
    Reader,
    Text,
    load_knowledge,
    scale_of,
)

if TYPE_CHECKING:
    from branda.knowledge.transitions import Transitions
    from branda.rules.model import RuleBase

BUNDLED = KNOWLEDGE_DIR / "article"
MODEL_FILES = ("model.yaml", "levels.yaml", "facts.yaml", "diagnostics.yaml", "rules.yaml", "transitions.yaml")
T = TypeVar("T")


class ModelError(BrandaError):
    """A model directory with problems: every one of them, each `FILE: KEY: problem`."""

    def __init__(self, directory: Path, problems: list[KnowledgeError]) -> None:
        self.directory, self.problems = directory, tuple(problems)
        more = f" (and {len(problems) - 1} more: 'branda model check {directory}' lists them)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


@dataclass(frozen=True)
class Readiness:
    """A yes/no the assessment carries as `key`: false exactly when the diagnostic `not_ready` is raised."""

    key: str
    not_ready: str


@dataclass(frozen=True, eq=False)
class Model:
    """A maturity model: knowledge, rules and transitions, loaded from one directory and checked together."""

    directory: Path
    digest: str  # of every file's content: two loads of the same files are the same model
    name: Text
    knowledge: Knowledge
    rules: RuleBase
    transitions: Transitions
    readiness: Readiness | None
    incomplete: str | None  # the reasoning's own diagnostics (codes), or None where the model has none
    disagree: str | None

    # The knowledge's parts, as the model's own.
    @property
    def languages(self) -> tuple[str, ...]:
        return self.knowledge.languages

    @property
    def levels(self) -> tuple[Level, ...]:
        return self.knowledge.levels

    @property
    def facts(self) -> dict[str, FactDef]:
        return self.knowledge.facts

    @property
    def scale(self) -> dict[int, Text]:
        return self.knowledge.scale

    @property
    def diagnostics(self) -> dict[str, DiagnosticDef]:
        return self.knowledge.diagnostics

    @property
    def texts(self) -> dict[str, Text]:
        return self.knowledge.texts

    @property
    def top(self) -> int:
        """The highest level."""
        return self.knowledge.top

    @property
    def low(self) -> int:
        return self.knowledge.low

    @property
    def high(self) -> int:
        return self.knowledge.high

    def level(self, number: int) -> Level:
        return self.knowledge.level(number)

    def text(self, key: str, lang: str, **values: object) -> str:
        """A UI text in `lang`, its {placeholders} filled from `values`."""
        return self.knowledge.text(key, lang, **values)

    def scale_words(self, lang: str, sep: str = "; ") -> str:
        """The scale as '1 = not true at all; 2 = …'."""
        return sep.join(f"{v} = {label(lang)}" for v, label in self.scale.items())

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and other.digest == self.digest


def _digest(directory: Path) -> str:
    h = hashlib.sha256()
    files = [KNOWLEDGE_DIR / "texts.yaml", *sorted(KNOWLEDGE_DIR.glob("texts_*.yaml"))]
    files += [directory / name for name in MODEL_FILES] + sorted(directory.glob("texts*.yaml"))
    for path in files:
        h.update(str(path.name).encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"(missing)")
        h.update(b"\0")
    return h.hexdigest()[:32]


def _header(directory: Path, problems: list[KnowledgeError] | None) -> dict[str, Any]:
    """model.yaml: its languages first (every other file's texts are checked against them), then the rest."""
    r = Reader(directory / "model.yaml", ("en",), problems, directory)
    top = r.mapping(r.data, "(top)", {"name", "languages", "scale"}, {"readiness", "reasoning"})
    languages = top["languages"]
    if not isinstance(languages, list) or not languages or not all(
            isinstance(lang, str) and lang.isidentifier() and lang == lang.lower() for lang in languages):
        raise r.fail("languages", "must be a non-empty list of language codes like [en, lt]")
    r.unique(languages, "languages")
    r.languages = tuple(languages)
    header: dict[str, Any] = {"languages": r.languages, "name": r.text(top["name"], "name"),
                              "scale": scale_of(r, top["scale"], "scale"), "readiness": None,
                              "incomplete": None, "disagree": None, "reader": r}
    if "readiness" in top:
        item = r.mapping(top["readiness"], "readiness", {"key", "not_ready"})
        if not isinstance(item["key"], str) or not item["key"].isidentifier():
            raise r.fail("readiness.key", "must be an identifier (the JSON key)")
        header["readiness"] = Readiness(item["key"], str(item["not_ready"]))
    if "reasoning" in top:
        item = r.mapping(top["reasoning"], "reasoning", set(), {"incomplete", "disagree"})
        header.update({k: str(v) for k, v in item.items()})
    return header


def _collect(problems: list[KnowledgeError] | None, load: Callable[[], T]) -> T | None:
    try:
        return load()
    except KnowledgeError as exc:
        if problems is None:
            raise
        problems.append(exc)
        return None


def _build(directory: Path, problems: list[KnowledgeError] | None, digest: str | None = None) -> Model | None:
    from branda.knowledge.transitions import load_transitions
    from branda.rules.model import load_rulebase

    if not directory.is_dir():
        raise KnowledgeError(str(directory), "(folder)", "is not a folder holding a model (model.yaml, …)")
    header = _collect(problems, lambda: _header(directory, problems))
    if header is None:
        return None
    kb = load_knowledge(directory, header["languages"], header["scale"], problems)
    r: Reader = header["reader"]
    for key in ("incomplete", "disagree"):
        code = header[key]
        if code is not None and code not in kb.diagnostics:
            r.attempt(lambda key=key, code=code: _raise(r.fail(f"reasoning.{key}", f"unknown diagnostic {code!r} "
                                                                                  "(not in diagnostics.yaml)")))
    if header["readiness"] and header["readiness"].not_ready not in kb.diagnostics:
        r.attempt(lambda: _raise(r.fail("readiness.not_ready", f"unknown diagnostic "
                                                              f"{header['readiness'].not_ready!r}")))
    if not kb.levels or not kb.facts:
        return None
    rules = _collect(problems, lambda: load_rulebase(directory / "rules.yaml", kb, problems))
    transitions = _collect(problems, lambda: load_transitions(directory / "transitions.yaml", kb, problems))
    if rules is None or transitions is None:
        return None
    return Model(directory, digest or _digest(directory), header["name"], kb, rules, transitions, header["readiness"],
                 header["incomplete"], header["disagree"])


def _raise(error: KnowledgeError) -> None:
    raise error


_LOADED: dict[tuple[str, str], Model] = {}  # (folder, content digest) -> model: a cache keyed by content


def load_model(directory: str | Path = BUNDLED) -> Model:
    """The model in `directory`, validated; a ModelError lists every problem found."""
    folder = Path(directory).resolve()
    key = (str(folder), _digest(folder)) if folder.is_dir() else None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    problems: list[KnowledgeError] = []
    try:
        model = _build(folder, problems, key[1] if key else None)
    except KnowledgeError as exc:
        problems.append(exc)
        model = None
    if problems or model is None:
        raise ModelError(Path(directory), problems or [KnowledgeError(str(directory), "(folder)", "not a model")])
    if key is not None:
        _LOADED[key] = model
    return model


def check_model(directory: str | Path) -> list[KnowledgeError]:
    """Every problem of the model in `directory` (an empty list: the model is sound)."""
    try:
        load_model(directory)
    except ModelError as exc:
        return list(exc.problems)
    return []
