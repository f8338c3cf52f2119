"""The pictures a consultant prints: `graph` and `why --format dot` rendered by Graphviz fit an A4 page.

Graphviz (`dot`) draws the SVG; its size says whether the picture is legible at A4 width: not a strip
(8387×150 px was the fault), at most ~1600 px wide at 96 dpi. Skipped where Graphviz is absent (.ci/run
installs it). The graph's texts are golden files, one per format and language:

    BRANDA_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_graph_pictures.py -q -k golden
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES, MODEL, ROOT, assert_golden

from branda.cli import cli

DOT = shutil.which("dot")
needs_graphviz = pytest.mark.skipif(DOT is None, reason="Graphviz (dot) is not installed")
TINY_DIR = ROOT / "tests" / "models" / "tiny"
PROFILES = sorted(p for p in EXAMPLES.glob("*") if p.suffix in (".yaml", ".yml", ".toml", ".json"))
MAX_WIDTH_PX = 1600  # what still reads at A4 width when printed at 96 dpi


def rendered_size(dot_text: str) -> tuple[float, float]:
    """The width and height in pixels (96 dpi) of the SVG Graphviz draws from `dot_text`."""
    svg = subprocess.run([DOT, "-Tsvg"], input=dot_text, capture_output=True, text=True, check=True).stdout
    found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert found, svg[:300]
    return float(found[1]) * 96 / 72, float(found[2]) * 96 / 72


def legible(width: float, height: float) -> bool:
    return width <= MAX_WIDTH_PX and width < 3 * height


@needs_graphviz
@pytest.mark.parametrize("lang", MODEL.languages)
def test_the_transition_graph_renders_portrait_at_a4_width(runner, lang):
    out = runner.invoke(cli, ["graph", "--format", "dot", "--lang", lang]).output
    width, height = rendered_size(out)
    assert legible(width, height) and height > width, (width, height)


@needs_graphviz
def test_the_tiny_models_graph_renders_too(runner):
    out = runner.invoke(cli, ["--model", str(TINY_DIR), "graph", "--format", "dot"]).output
    assert legible(*rendered_size(out))


@needs_graphviz
@pytest.mark.parametrize("lang", MODEL.languages)
@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_why_dot_renders_legibly_for_every_example(runner, profile: Path, lang):
    result = runner.invoke(cli, ["why", str(profile), "--format", "dot", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert legible(*rendered_size(result.output)), rendered_size(result.output)


@needs_graphviz
@pytest.mark.parametrize("profile", PROFILES[:3], ids=[p.stem for p in PROFILES[:3]])
def test_why_dot_towards_the_top_level_renders_legibly(runner, profile: Path):
    result = runner.invoke(cli, ["why", str(profile), "--format", "dot", "--level", str(MODEL.top)])
    assert result.exit_code == 0, result.output
    assert legible(*rendered_size(result.output))


@pytest.mark.parametrize("lang", MODEL.languages)
def test_why_dot_says_facts_and_conditions_in_words(runner, lang):
    profile = EXAMPLES / "ecommerce_level4_fallback_risk.yaml"
    out = runner.invoke(cli, ["why", str(profile), "--format", "dot", "--lang", lang]).output
    labels = " ".join(re.findall(r'label="((?:[^"\\]|\\.)*)"', out))
    assert ">=" not in labels and "<=" not in labels
    assert not any(f"[{r.name}]" in labels for r in MODEL.rules.indicators)
    assert MODEL.facts["complacency"].label(lang) in labels
    assert MODEL.diagnostics["regression_risk"].title(lang) in labels
    assert "rankdir=TB" in out


def test_the_tiny_models_graph_says_three_levels_and_its_name(runner):
    out = runner.invoke(cli, ["--model", str(TINY_DIR), "graph"]).output
    assert out.startswith("The model “Tiny team-practice model”: its levels and the moves between them\n")
    assert "\n3 levels\n  1 Ad hoc\n  2 Repeatable\n  3 Measured · risk\n" in out
    assert "five" not in out.lower() and "customer" not in out.lower() and "above all" not in out
    assert "matters most" not in out  # the risk is on one level only: nothing to stress it against
    assert ("  3 → 2 “Repeatable”, if any condition of level 3 lapses:\n"
            "    - Metrics used: the answer falls to “sometimes”\n") in out


@pytest.mark.parametrize("fmt", ["text", "dot", "mermaid"])
@pytest.mark.parametrize("lang", MODEL.languages)
def test_graph_golden(runner, fmt, lang):
    out = runner.invoke(cli, ["graph", "--format", fmt, "--lang", lang]).output
    assert_golden(f"graph_{fmt}_{lang}.txt", out)
