"""The suite's copies of ../shared/domain (the article, facts.md) are the shared ones, so a plain clone tests all."""

from __future__ import annotations

import pytest
from conftest import ROOT

SHARED = ROOT.parent / "shared" / "domain"
COPIES = sorted((ROOT / "tests" / "domain").iterdir())


@pytest.mark.parametrize("copy", COPIES, ids=lambda p: p.name)
def test_the_copy_is_the_shared_file(copy):
    shared = SHARED / copy.name
    if not shared.exists():
        pytest.skip("shared/domain is not beside this checkout; the copy is what the suite reads")
    assert copy.read_bytes() == shared.read_bytes(), f"tests/domain/{copy.name} is out of date: copy it again"
