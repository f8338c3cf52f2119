"""Installed, branda is one import package: nothing generic (`cli`, `rules`, `knowledge`, `expert`) at the top."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import distributions, version

import branda.cli
from conftest import ROOT


def test_the_version_is_read_once_from_the_package_metadata():
    result = subprocess.run([sys.executable, "-m", "branda.cli", "--version"], capture_output=True, text=True,
                            cwd="/", timeout=120)
    assert result.stdout == f"branda, version {version('branda')}\n"


def test_nothing_generic_is_installed_at_the_top_of_site_packages():
    installed = [d for d in distributions(name="branda")
                 if d.locate_file("").resolve() != ROOT]  # not a build's leftover egg-info in the checkout
    assert installed
    files = installed[0].files or []
    top = {str(f).split("/")[0] for f in files}
    assert not top & {"cli.py", "rules", "knowledge", "expert"}, top
    assert branda.cli.__name__ == "branda.cli"


def test_cli_py_runs_from_a_checkout():
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "assess", "examples/bank_level3.toml"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("AB Baltijos taupomasis bankas:")
