"""`branda report`: a consultant hands the client one self-contained file, in English or Lithuanian.

The HTML must stand alone (inline style and SVG; nothing to fetch), escape everything it shows, and carry the
article's own sentences for each conclusion; the Markdown carries the transition diagram as Mermaid. A report
is written whole or not at all. Where Chromium is installed, a real browser renders the page.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLES, MODEL

import branda.expert.report as report_module
from branda.cli import cli
from branda.expert.assess import assess
from branda.expert.plan import make_plan, plan_json
from branda.expert.profile import load_profile
from branda.expert.report import build, render_html, write_report

LANGS = ("en", "lt")
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json", ".toml"))
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr"}


class Page(HTMLParser):
    """The tags of a page, checked for balance, and every attribute that could fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.references: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data"):
                self.references.append((tag, name, value or ""))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def html_report(name: str, lang: str, tmp_path: Path, runner) -> str:
    out = tmp_path / f"{Path(name).stem}.{lang}.html"
    result = runner.invoke(cli, ["report", str(EXAMPLES / name), "--out", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_the_html_report_stands_alone_and_parses(runner, tmp_path, name, lang):
    page = html_report(name, lang, tmp_path, runner)
    p = parse(page)
    assert p.problems == [] and p.stack == []
    assert page.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in page
    assert p.tags.count("svg") == 3  # the ladder, the fact profile, the transition diagram
    assert p.references == []  # no src, href or the like: nothing is fetched, not even locally
    assert "script" not in p.tags and "link" not in p.tags and "iframe" not in p.tags
    assert "http:" not in page and "https:" not in page and "@import" not in page
    assert re.findall(r"url\((?!#)", page) == []  # only the page's own SVG markers, url(#…)


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_says_the_level_why_and_with_the_articles_words(runner, tmp_path, lang):
    name = "retailer_stuck_level2.yaml"
    p = parse(html_report(name, lang, tmp_path, runner))
    text = " ".join(" ".join(p.text).split())
    a = assess(MODEL, load_profile(MODEL, EXAMPLES / name))
    kb = MODEL
    assert kb.level(a.level).name(lang) in text and kb.level(a.level).description(lang) in text
    for rule in MODEL.rules.indicators_of(2):  # why level 2: each of its indicators, with the article's sentence
        assert rule.title(lang) in text
        assert " ".join(rule.cites(lang).strip("„“”\" ").split()) in text
    for gap in a.why_not_next:  # what stands before level 3
        assert MODEL.rules.rule(gap.rule).title(lang) in text
    for code in a.codes:  # every diagnostic, with the article's advice
        assert kb.diagnostics[code].title(lang) in text and kb.diagnostics[code].advice(lang) in text
    plan = make_plan(MODEL, load_profile(MODEL, EXAMPLES / name))
    for step in plan_json(plan, lang)["steps"]:  # the roadmap's actions
        for action in step["actions"]:
            assert " ".join(action["text"].split()) in text


def test_every_text_is_escaped(runner, write_profile, tmp_path):
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)> Ltd'
    path = write_profile(f"organisation: '{hostile}'\nfacts:\n  cx_ownership: 4\n")
    for suffix in ("html", "md"):
        out = tmp_path / f"r.{suffix}"
        assert runner.invoke(cli, ["report", str(path), "--out", str(out)]).exit_code == 0
        page = out.read_text(encoding="utf-8")
        assert "<script" not in page and "<img" not in page
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.escape(hostile) in page
    assert parse(page).references == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_markdown_report_carries_the_transition_diagram_as_mermaid(runner, tmp_path, lang):
    out = tmp_path / "report.md"
    result = runner.invoke(cli, ["report", str(EXAMPLES / "bank_level3.toml"), "--out", str(out), "--lang", lang])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# {MODEL.text('report_title', lang)}\n")
    block = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert block.startswith("flowchart LR")
    assert all(f"L{n}[" in block for n in MODEL.rules.levels)
    assert "style L3 " in block  # the assessed level stands out
    assert "<svg" not in text


def test_a_level_5_report_says_how_to_keep_it(runner, tmp_path):
    text = " ".join(parse(html_report("utility_level5.yaml", "en", tmp_path, runner)).text)
    assert MODEL.text("top_level", "en") in text
    assert "What stands between" not in text


@pytest.mark.parametrize("out, shown", [("report.pdf", "'.pdf'"), ("report", "'(none)'"),
                                        ("report.HTML.txt", "'.txt'")])
def test_an_unsupported_extension_is_refused_in_one_line(runner, tmp_path, out, shown):
    target = tmp_path / out
    result = runner.invoke(cli, ["report", str(EXAMPLES / "bank_level3.toml"), "--out", str(target)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"branda: error: {target}: unsupported report type {shown}; use .html or .md\n"
    assert not target.exists()


def test_a_missing_folder_is_bad_input(runner, tmp_path):
    target = tmp_path / "no" / "such" / "report.html"
    result = runner.invoke(cli, ["report", str(EXAMPLES / "bank_level3.toml"), "--out", str(target)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"branda: error: {target}: the folder ") and result.stderr.count("\n") == 1


def test_a_bad_profile_writes_nothing(runner, write_profile, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["report", str(write_profile("facts: {cx_ownership: 9}\n")), "--out", str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert not out.exists()


@pytest.mark.parametrize("kind", ["html", "md"])
def test_a_failing_render_leaves_no_file_and_an_old_one_untouched(tmp_path, monkeypatch, kind):
    profile = load_profile(MODEL, EXAMPLES / "bank_level3.toml")
    fresh, old = tmp_path / f"new.{kind}", tmp_path / f"old.{kind}"
    old.write_text("the previous report\n", encoding="utf-8")

    def broken(*args):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(report_module, "render_html" if kind == "html" else "render_markdown", broken)
    for target in (fresh, old):
        with pytest.raises(RuntimeError):
            write_report(MODEL, profile, target, kind)
    assert not fresh.exists()
    assert old.read_text(encoding="utf-8") == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"old.{kind}"]


def test_the_set_option_changes_the_report(runner, tmp_path):
    out = tmp_path / "r.md"
    args = ["report", str(EXAMPLES / "retailer_stuck_level2.yaml"), "--out", str(out), "--set", "quick_wins_focus=2",
            "--set", "internal_alignment=3"]
    assert runner.invoke(cli, args).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert MODEL.diagnostics["stuck_at_level_2"].title("en") not in text


def test_the_same_profile_gives_the_same_report():
    profile = load_profile(MODEL, EXAMPLES / "telecom_level4.yaml")
    first, again = build(MODEL, profile, "lt"), build(MODEL, profile, "lt")
    assert render_html(MODEL, *first, "lt") == render_html(MODEL, *again, "lt")


# --- in a real browser -----------------------------------------------------------------------------------

def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the inflated image data of a PNG (filter bytes included), read with the stdlib."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return size[0], size[1], zlib.decompress(idat)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_chromium_renders_the_report(runner, tmp_path, lang):
    page = tmp_path / "report.html"
    html_report("retailer_stuck_level2.yaml", lang, tmp_path, runner)
    (tmp_path / f"retailer_stuck_level2.{lang}.html").rename(page)
    shot = tmp_path / "report.png"
    with tempfile.TemporaryDirectory() as profile_dir:
        subprocess.run([shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", f"--user-data-dir={profile_dir}", f"--screenshot={shot}",
                        "--window-size=1200,2400", page.as_uri()],
                       capture_output=True, timeout=180, check=False, env={**os.environ, "HOME": profile_dir})
    assert shot.exists(), "Chromium wrote no screenshot"
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1200, 2400)
    assert len(set(pixels)) > 32  # text, colour and pictures, not a blank page
