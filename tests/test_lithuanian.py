"""Every Lithuanian word a person reads is spelled right: hunspell's Lithuanian dictionary (Debian's hunspell-lt)
checks every `lt` text of the knowledge base and every Lithuanian output of the bundled examples (issue 10 item 9).

Not Lithuanian and so not checked: {placeholders}, `code spans`, the model's codes (facts, diagnostics, rules),
command-line options, file names, single letters (the interview's keys t/n/q/b), the profiles' own free text
(organisation, respondent, evidence: the consultant's words, shown as typed) and the lists of accepted replies.
A word the dictionary lacks but that is right goes in ALLOWED with the reason; a misspelling gets fixed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import EXAMPLE_FILES, EXAMPLES, MODEL, ROOT

from branda.cli import cli

KNOWLEDGE = ROOT / "knowledge"

# Right, but not in hunspell-lt's dictionary. Each entry says why it is right.
ALLOWED = {
    # the article's coinage „super-strategija“ and level name „Super strategija“ (lt-style.md 1.1); hunspell splits
    # the hyphenated word and does not know the prefix on its own
    "super", "Super",
    # the customer-relationship-management system, spelled out once as „ryšių su klientais valdymo (CRM) sistema“
    "CRM",
    # the article's authors, in the genitive of „pasak p. Pocienės“, „Pasak p. Juodkūnės“ (quoted verbatim)
    "Pocienės", "Juodkūnės",
    # „stebėsena“ (monitoring) is standard Lithuanian (Dabartinės lietuvių kalbos žodynas) the dictionary lacks
    "stebėsena", "stebėsenos", "stebėseną",
    # „direktyvus“ (directive), the article's own word („direktyvų požiūrį“), in every case our texts use
    "direktyvus", "Direktyvus", "direktyvaus", "direktyviai",
    # the prefixes ne- + be- on „priklausyti“ (no longer depend): regular, but the dictionary lists few such forms
    "nebepriklauso", "nebepriklausytų",
    # „analitika“ (analytics) is the article's word („sistemoms bei analitikai“); the dictionary has other cases
    "analitika",
    # „mediana“ (median), the statistical term, named once to explain the cautious middle answer
    "mediana",
    # names of a file format and of the libraries the PDF needs, as their makers spell them
    "YAML", "WeasyPrint", "Pango",
}


def _hunspell_ready() -> bool:
    if shutil.which("hunspell") is None:
        return False
    run = subprocess.run(["hunspell", "-d", "lt_LT", "-l"], input="labas", capture_output=True, text=True)
    return run.returncode == 0 and "Can't open" not in run.stderr


pytestmark = pytest.mark.skipif(not _hunspell_ready(), reason="no hunspell or no lt_LT dictionary (hunspell-lt)")

RULES = (*MODEL.rules.indicators, *MODEL.rules.steps, *MODEL.rules.diagnostics)
CODES = sorted({*MODEL.facts, *MODEL.diagnostics, *(r.name for r in RULES)}, key=len, reverse=True)
_NOT_WORDS = [
    re.compile(r"\{[^{}]*\}"),  # placeholders
    re.compile(r"`[^`]*`"),  # code spans
    re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, CODES)) + r")(?![\w-])"),  # the model's codes
    re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),  # any other code_like_this
    re.compile(r"(?<!\w)--?[a-z][\w-]*"),  # command-line options
    re.compile(r"„branda[^“]*“|\bbranda(?: (?:" + "|".join(cli.commands) + r")\b)?"),  # the program, its commands
    re.compile(r"\S*[/\\]\S*|\S*\.(?:ya?ml|json|toml|md|html?|pdf|csv|xlsx|dot|svg)\b"),  # paths and file names
    re.compile(r"(?<!\w)\w(?!\w)"),  # single letters: the interview's keys, list markers
]


def _words_only(text: str, own: Iterable[str] = ()) -> str:
    for free in sorted(own, key=len, reverse=True):
        text = text.replace(free, " ")
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    return text


def _unknown(texts: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Each word hunspell does not know, with where it came from; one hunspell call for all `texts`."""
    run = subprocess.run(["hunspell", "-d", "lt_LT", "-l"], input="\n".join(t for _, t in texts),
                         capture_output=True, text=True, check=True)
    found: dict[str, list[str]] = {}
    for word in dict.fromkeys(run.stdout.split()):
        if word in ALLOWED:
            continue
        pattern = re.compile(r"(?<![^\W\d_])" + re.escape(word) + r"(?![^\W\d_])")  # hunspell splits at digits
        found[word] = [where for where, text in texts if pattern.search(text)]
    return found


def _report(found: dict[str, list[str]]) -> str:
    return "words hunspell-lt does not know (fix the text, or allow a right term with its reason):\n" + "\n".join(
        f"  {word}: {'; '.join(where[:4])}{' …' if len(where) > 4 else ''}" for word, where in sorted(found.items()))


# --- the knowledge base --------------------------------------------------------------------------------------------


def _lt_strings(node, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "lt" and isinstance(value, str):
                yield path, value
            elif not str(key).endswith("_words"):  # accepted replies (t taip y yes), not prose
                yield from _lt_strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            keys = [k for k in ("rule", "name", "code", "id", "level") if isinstance(item, dict) and k in item]
            name = item[keys[0]] if keys else i
            yield from _lt_strings(item, f"{path}[{name}]")


def knowledge_texts() -> list[tuple[str, str]]:
    files = sorted((KNOWLEDGE / "article").glob("*.yaml")) + sorted(KNOWLEDGE.glob("texts*.yaml"))
    texts = []
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        where = file.relative_to(ROOT).as_posix()
        texts += [(f"{where}: {path.lstrip('.')}", _words_only(text)) for path, text in _lt_strings(data, "")]
    return texts


def test_every_lithuanian_text_of_the_knowledge_base_is_spelled_right():
    texts = knowledge_texts()
    assert len(texts) > 100  # the walk found the texts
    found = _unknown(texts)
    assert not found, _report(found)


# --- the outputs of the examples ------------------------------------------------------------------------------------


def _profile_strings(path: Path) -> set[str]:
    """The profile's own free text (organisation, respondent, evidence, source): the consultant's words."""
    raw = path.read_text(encoding="utf-8")
    data = (tomllib.loads(raw) if path.suffix == ".toml" else json.loads(raw) if path.suffix == ".json"
            else yaml.safe_load(raw))

    def strings(node) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)
        elif isinstance(node, str):
            yield node

    return set(strings(data)) | {path.stem, path.name}


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, f"branda {' '.join(args)} exited {result.exit_code}: {result.output}"
    return result.output


def _example_outputs(command: str, tmp_path: Path) -> list[tuple[str, str]]:
    texts = []
    for example in EXAMPLE_FILES:
        name = example.relative_to(ROOT).as_posix()
        if command == "report":
            out = tmp_path / f"{example.stem}.md"
            _run(["report", str(example), "--out", str(out), "--appendix", "--lang", "lt"])
            output, where = out.read_text(encoding="utf-8"), f"branda report {name} --out X.md --appendix --lang lt"
        else:
            output, where = _run([command, str(example), "--lang", "lt"]), f"branda {command} {name} --lang lt"
        own = _profile_strings(example)
        texts += [(f"{where}, line {i}", _words_only(line, own)) for i, line in enumerate(output.splitlines(), 1)]
    return texts


@pytest.mark.parametrize("command", ["assess", "why", "plan", "report"])
def test_every_lithuanian_output_of_the_examples_is_spelled_right(command, tmp_path):
    texts = _example_outputs(command, tmp_path)
    found = _unknown(texts)
    assert not found, _report(found)


@pytest.mark.parametrize("args", [
    ["graph", "--lang", "lt"],
    ["facts", "--lang", "lt"],
    ["whatif", str(EXAMPLES / "retailer_stuck_level2.yaml"), "--set", "quick_wins_focus=2",
     "--scenario", str(EXAMPLES / "scenarios" / "scorecard.yaml"), "--lang", "lt"],
    ["assess", *map(str, sorted((EXAMPLES / "respondents").glob("*.yaml"))), "--lang", "lt"],
], ids=["graph", "facts", "whatif", "respondents"])
def test_every_lithuanian_output_of_the_model_is_spelled_right(args):
    own = set().union(*(_profile_strings(Path(a)) for a in args if a.endswith((".yaml", ".toml", ".json"))))
    where = "branda " + " ".join(Path(a).relative_to(ROOT).as_posix() if a.startswith(str(ROOT)) else a for a in args)
    texts = [(f"{where}, line {i}", _words_only(line, own)) for i, line in enumerate(_run(args).splitlines(), 1)]
    found = _unknown(texts)
    assert not found, _report(found)


def test_a_misspelling_is_reported_with_where_it_came_from():
    found = _unknown([("knowledge/texts.yaml: texts.example", _words_only("Organizacija yra antrame lygije."))])
    assert found == {"lygije": ["knowledge/texts.yaml: texts.example"]}
