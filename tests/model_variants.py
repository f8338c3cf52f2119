"""Models a consultant makes from the bundled one, with no code change: each a folder `branda model export` wrote,
then edited as data (rename a fact, change a threshold, add a level, a language or a fact, ...).

test_model_loading.py tells each as a story; test_fastpath.py runs the differential test (experta against the
fast evaluator) on every one of them. `variant_models` builds them all once per test session.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from branda.cli import cli
from branda.knowledge.loader import KNOWLEDGE_DIR
from branda.knowledge.model import MODEL_FILES
from click.testing import CliRunner

# --- editing a model folder's YAML ------------------------------------------------------------------------------


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def rewrite(path: Path, change: Callable[[Any], Any]) -> None:
    """Apply `change` to the parsed file (in place, or by returning a new top level) and write it back."""
    data = read_yaml(path)
    changed = change(data)
    path.write_text(yaml.safe_dump(data if changed is None else changed, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def export(folder: Path) -> Path:
    """`branda model export FOLDER`: a copy of the bundled model to edit."""
    result = CliRunner().invoke(cli, ["model", "export", str(folder)])
    assert result.exit_code == 0, (result.output, result.exception)
    return folder


def _each_condition(rules: dict, change: Callable[[str], str]) -> None:
    for section in ("indicators", "diagnostics"):
        for rule in rules[section]:
            if "when" in rule:
                rule["when"] = [change(c) for c in rule["when"]]


def rename_fact(folder: Path, old: str, new: str) -> None:
    """`old` is called `new` everywhere the model names it: facts.yaml, the rules' conditions, the capabilities."""
    def facts(data: dict) -> None:
        for fact in data["facts"]:
            if fact["name"] == old:
                fact["name"] = new

    def transitions(data: dict) -> None:
        for capability in data["capabilities"].values():
            capability["facts"] = [new if f == old else f for f in capability["facts"]]

    token = re.compile(rf"^(\s*){re.escape(old)}(\s*(?:>=|<=))")
    rewrite(folder / "facts.yaml", facts)
    rewrite(folder / "rules.yaml", lambda d: _each_condition(d, lambda c: token.sub(rf"\g<1>{new}\g<2>", c)))
    rewrite(folder / "transitions.yaml", transitions)


def set_condition(folder: Path, old: str, new: str) -> None:
    """Every rule condition `old` (like 'cx_ownership >= 4') becomes `new`."""
    found = []

    def change(condition: str) -> str:
        if condition == old:
            found.append(condition)
            return new
        return condition

    rewrite(folder / "rules.yaml", lambda d: _each_condition(d, change))
    assert found, f"no condition {old!r} in rules.yaml"


def _both(en: str, lt: str) -> dict[str, str]:
    return {"en": en, "lt": lt}


SIXTH_LEVEL = _both("Ahead of the market", "Pirmaujama rinkoje")
SIXTH_LEVEL_CONDITION = "expectations_exceeded >= 5"


def add_level(folder: Path) -> None:
    """A sixth level above the article's five, with one indicator; transitions.yaml needs nothing for it."""
    top = len(read_yaml(folder / "levels.yaml")["levels"])
    rewrite(folder / "levels.yaml", lambda d: d["levels"].append({
        "level": top + 1, "name": SIXTH_LEVEL,
        "description": _both("Customers' expectations are always exceeded.", "Klientų lūkesčiai visada viršijami."),
        "source": _both("Our own addition to the article.", "Mūsų pačių papildymas.")}))
    rewrite(folder / "rules.yaml", lambda d: d["indicators"].append({
        "rule": "ind_always_ahead", "level": top + 1, "when": [SIXTH_LEVEL_CONDITION],
        "title": _both("Expectations always exceeded", "Lūkesčiai visada viršijami"),
        "cites": _both("Our own addition.", "Mūsų papildymas."),
        "threshold": _both("Fully true (5).", "Visiškai tiesa (5).")}))


def _copy_language(data: Any, languages: set[str], source: str, lang: str) -> None:
    """Every text of a parsed model file (a mapping of the model's languages to strings) given `lang` too."""
    if isinstance(data, dict):
        if data and set(data) <= languages and source in data and all(isinstance(v, str) for v in data.values()):
            data[lang] = data[source]
            return
        for value in data.values():
            _copy_language(value, languages, source, lang)
    elif isinstance(data, list):
        for value in data:
            _copy_language(value, languages, source, lang)


UI_MARK = "DE: "  # the model's German UI texts are branda's English ones marked, so a test can tell them apart


def product_texts() -> dict[str, dict[str, str]]:
    """branda's own UI texts (knowledge/texts*.yaml): key -> language -> text."""
    texts: dict[str, dict[str, str]] = {}
    for path in [KNOWLEDGE_DIR / "texts.yaml", *sorted(KNOWLEDGE_DIR.glob("texts_*.yaml"))]:
        texts.update(read_yaml(path)["texts"])
    return texts


def add_language_texts(folder: Path, lang: str = "de", source: str = "en") -> None:
    """`lang` in every model file: each `source` text copied, and model.yaml's languages list it."""
    languages = set(read_yaml(folder / "model.yaml")["languages"])
    for name in MODEL_FILES:
        rewrite(folder / name, lambda d: _copy_language(d, languages, source, lang))
    rewrite(folder / "model.yaml", lambda d: d.update(languages=[*d["languages"], lang]))


def add_ui_texts(folder: Path, lang: str = "de", source: str = "en", leave_out: tuple[str, ...] = ()) -> None:
    """texts.yaml in the model folder: branda's every UI text in `lang` (the `source` text, marked)."""
    texts = {key: {lang: UI_MARK + by_lang[source]} for key, by_lang in product_texts().items()
             if key not in leave_out}
    (folder / "texts.yaml").write_text(yaml.safe_dump({"texts": texts}, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")


def add_language(folder: Path) -> None:
    add_language_texts(folder)
    add_ui_texts(folder)


NEW_FACT = "service_recovery"


def add_fact(folder: Path) -> None:
    """A 23rd fact in facts.yaml only: no rule tests it yet."""
    rewrite(folder / "facts.yaml", lambda d: d["facts"].append({
        "name": NEW_FACT, "polarity": "+", "article_level": "",
        "statement": _both("Complaints are turned into loyal customers.", "Skundai paverčiami lojaliais klientais."),
        "question": _both("How true is it that a complaint usually ends with a customer who stays?",
                          "Kiek tiesa, kad skundas dažniausiai baigiasi klientu, kuris lieka?"),
        "source": _both("Our own addition.", "Mūsų papildymas.")}))


def not_step_by_step(folder: Path) -> None:
    """The ladder without its principle: a level counts on its own criteria, whatever is below it."""
    rewrite(folder / "rules.yaml", lambda d: d["ladder"].update(step_by_step=False))


def wider_scale(folder: Path) -> None:
    """Answers 0-6 instead of 1-5 (the rules' thresholds unchanged): the scale is the model's, not branda's."""
    labels = ["never", "hardly", "rarely", "sometimes", "often", "nearly always", "always"]
    rewrite(folder / "model.yaml", lambda d: d.update(scale={v: _both(w, w) for v, w in enumerate(labels)}))


RENAMED = ("cx_ownership", "cx_owner")
THRESHOLD = ("cx_ownership >= 4", "cx_ownership >= 3")

# name -> what the consultant did to the exported model
VARIANTS: dict[str, Callable[[Path], None]] = {
    "renamed fact": lambda f: rename_fact(f, *RENAMED),
    "changed threshold": lambda f: set_condition(f, *THRESHOLD),
    "sixth level": add_level,
    "language de": add_language,
    "added fact": add_fact,
    "not step by step": not_step_by_step,
    "wider scale": wider_scale,
}


def build(name: str, folder: Path) -> Path:
    """The variant `name`, exported into `folder` and edited."""
    VARIANTS[name](export(folder))
    return folder


_BUILT: dict[str, Path] = {}


@pytest.fixture(scope="session")
def variant_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every variant, built once per session (into pytest's temporary folder): name -> model folder."""
    root = tmp_path_factory.getbasetemp() / "model-variants"
    for name in VARIANTS:
        if name not in _BUILT or not _BUILT[name].is_dir() or not _BUILT[name].is_relative_to(root):
            root.mkdir(exist_ok=True)
            _BUILT[name] = build(name, root / name.replace(" ", "-"))
    return dict(_BUILT)
