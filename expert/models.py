"""`branda model`: check a model directory, export the bundled one to start from, show the one in use."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from branda.expert.errors import InputError
from branda.knowledge.loader import KnowledgeError
from branda.knowledge.model import BUNDLED, MODEL_FILES, Model, check_model

__all__ = ["check_text", "export_model", "model_json", "model_text"]


def check_text(directory: str | Path) -> tuple[list[str], int]:
    """`branda model check`: one line per problem (`FILE: KEY: problem`), or one summary line; and the exit status."""
    problems: list[KnowledgeError] = check_model(directory)
    if problems:
        return [str(p) for p in problems], 2
    from branda.knowledge.model import load_model

    m = load_model(directory)
    return [f"{directory}: a sound model: {_summary(m)}"], 0


def _summary(m: Model) -> str:
    return (f"{len(m.levels)} levels, {len(m.facts)} facts on a {m.low}-{m.high} scale, {len(m.rules.rules)} rules, "
            f"{len(m.diagnostics)} diagnostics, languages {', '.join(m.languages)}")


def export_model(directory: str | Path) -> list[Path]:
    """Copy the bundled model's files into `directory` (created if missing; refused if it holds anything)."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise InputError(str(target), "is a file; give a folder to export the model into")
    if target.is_dir() and any(target.iterdir()):
        raise InputError(str(target), "is not empty; export into a new or empty folder, so nothing is overwritten")
    if not target.parent.is_dir():
        raise InputError(str(target), f"the folder {str(target.parent)!r} does not exist")
    written = []
    try:
        target.mkdir(exist_ok=True)
        for name in MODEL_FILES:
            shutil.copyfile(BUNDLED / name, target / name)
            written.append(target / name)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise InputError(str(target), f"cannot write the model: {exc.strerror or exc}") from None
    os.utime(target)
    return written


def model_json(m: Model, lang: str) -> dict[str, Any]:
    """The model in use, for scripts: where it is, its levels, facts, rules, diagnostics and languages."""
    return {
        "name": m.name(lang),
        "directory": str(m.directory),
        "digest": m.digest,
        "languages": list(m.languages),
        "scale": {str(v): label(lang) for v, label in m.scale.items()},
        "levels": [{"level": lv.number, "name": lv.name(lang)} for lv in m.levels],
        "facts": [{"name": f.name, "polarity": f.polarity} for f in m.facts.values()],
        "rules": {"indicators": len(m.rules.indicators), "steps": len(m.rules.steps),
                  "diagnostics": len(m.rules.diagnostics), "step_by_step": m.rules.step_by_step},
        "diagnostics": [{"code": d.code, "title": d.title(lang)} for d in m.diagnostics.values()],
        "readiness": None if m.readiness is None else m.readiness.key,
    }


def model_text(m: Model, lang: str) -> str:
    """The model in use, for people."""
    data = model_json(m, lang)
    lines = [f"{data['name']} ({data['directory']})", _summary(m), ""]
    lines += [f"  {lv['level']} {lv['name']}" for lv in data["levels"]]
    lines += ["", "scale: " + m.scale_words(lang), "",
              "facts: " + ", ".join(f"{f['name']} ({f['polarity']})" for f in data["facts"]), "",
              "diagnostics: " + ", ".join(f"{d['title']} [{d['code']}]" for d in data["diagnostics"])]
    return "\n".join(lines)
