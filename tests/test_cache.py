"""The parsed-data cache never serves stale data and never gets in the way."""

from __future__ import annotations

import os

from branda.knowledge.yamlio import load_yaml_file


def test_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDA_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "levels.yaml"
    data.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml_file(data) == {"a": 1}
    assert len(list((tmp_path / "cache").iterdir())) == 1
    data.write_text("a: 22\n", encoding="utf-8")
    os.utime(data, ns=(data.stat().st_atime_ns, data.stat().st_mtime_ns + 1_000_000))
    assert load_yaml_file(data) == {"a": 22}


def test_the_cache_gives_back_what_the_file_says(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDA_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "facts.yaml"
    data.write_text("scale:\n  1: {en: x, lt: y}\nfacts: [a, null, 3]\n", encoding="utf-8")
    first, second = load_yaml_file(data), load_yaml_file(data)
    assert first == second == {"scale": {1: {"en": "x", "lt": "y"}}, "facts": ["a", None, 3]}


def test_an_unwritable_or_disabled_cache_is_not_used(tmp_path, monkeypatch):
    data = tmp_path / "texts.yaml"
    data.write_text("texts: {}\n", encoding="utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("BRANDA_CACHE_DIR", str(blocker / "cache"))
    assert load_yaml_file(data) == {"texts": {}}
    monkeypatch.setenv("BRANDA_CACHE_DIR", "")
    assert load_yaml_file(data) == {"texts": {}}


def test_a_corrupt_cache_entry_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDA_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "rules.yaml"
    data.write_text("x: [1, 2]\n", encoding="utf-8")
    load_yaml_file(data)
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_bytes(b"\x00garbage")
    assert load_yaml_file(data) == {"x": [1, 2]}
