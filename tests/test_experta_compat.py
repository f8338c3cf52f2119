"""experta 1.9.4 needs one patch on modern Python; rules/experta_compat.py applies it, and nothing else does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPAT = ROOT / "rules" / "experta_compat.py"
# Assigning an attribute of the collections module, directly or with setattr.
PATCHES_COLLECTIONS = re.compile(r"setattr\(\s*collections\s*,|^\s*collections\.\w+\s*=(?!=)", re.M)


def run_python(code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter, from the project root, so nothing this test process imported leaks in."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def source_files() -> list[Path]:
    """Every .py file of the project, leaving out virtual environments, build output and hidden folders."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in {"build", "dist", "__pycache__"}
                         and not d.endswith(".egg-info")]
        found += [Path(folder) / f for f in files if f.endswith(".py")]
    return sorted(found)


def test_experta_alone_does_not_import_on_this_python():
    done = run_python("import experta")
    assert done.returncode != 0
    assert "AttributeError" in done.stderr and "collections" in done.stderr and "Mapping" in done.stderr


def test_the_compat_module_makes_the_knowledge_engine_available():
    done = run_python("import branda.rules.experta_compat\n"
                      "import experta\n"
                      "from branda.rules.experta_compat import experta as via_compat\n"
                      "assert via_compat is experta\n"
                      "print(experta.KnowledgeEngine.__name__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "KnowledgeEngine"


def test_only_the_compat_module_patches_collections():
    patching = sorted(str(p.relative_to(ROOT)) for p in source_files()
                      if PATCHES_COLLECTIONS.search(p.read_text(encoding="utf-8")))
    assert patching == [str(COMPAT.relative_to(ROOT))]


def test_every_module_that_uses_experta_imports_it_through_the_compat_module():
    first_import = re.compile(r"^\s*(?:from|import)\s+(experta|branda\.rules\.experta_compat)\b", re.M)
    for path in source_files():
        if path == COMPAT:
            continue
        found = first_import.search(path.read_text(encoding="utf-8"))
        if found:
            assert found.group(1) == "branda.rules.experta_compat", f"{path.relative_to(ROOT)} imports experta directly"
