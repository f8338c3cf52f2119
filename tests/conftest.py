"""Shared fixtures: a CliRunner, the bundled examples, and a helper to write profile files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

# The suite parses into its own cache folder, not the user's (knowledge/yamlio.py).
os.environ.setdefault("BRANDA_CACHE_DIR", tempfile.mkdtemp(prefix="branda-test-cache-"))

from branda.knowledge.model import load_model  # noqa: E402 - after the cache folder is chosen

ROOT = Path(__file__).resolve().parent.parent
MODEL = load_model()  # the bundled article model: every test that does not say otherwise runs on it
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in {".yaml", ".yml", ".json", ".toml"})
GOLDEN = ROOT / "tests" / "golden"
REGENERATE = os.environ.get("BRANDA_REGEN_GOLDEN") == "1"  # BRANDA_REGEN_GOLDEN=1 pytest rewrites the goldens


# A level-2 organisation stuck there (quick wins, no alignment), with most higher facts unknown.
STUCK_AT_LEVEL_2 = """\
organisation: UAB Bandymas
facts:
  customer_focus: 4
  cx_ownership: 5
  process_standardisation: 3
  resistance: 2
  cx_strategy: 3
  collaboration: 3
  quick_wins_focus: 5
  internal_alignment: 2
"""


def assert_golden(name: str, output: str) -> None:
    """`output` is exactly tests/golden/`name` (rewritten first when BRANDA_REGEN_GOLDEN=1: read the diff)."""
    golden = GOLDEN / name
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert golden.exists(), f"no golden file {name}: run with BRANDA_REGEN_GOLDEN=1 and read it"
    assert output == golden.read_text(encoding="utf-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_profile(tmp_path: Path):
    """Write `text` to a profile file named `name` in a fresh folder and return its path."""

    def write(text: str, name: str = "profile.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
