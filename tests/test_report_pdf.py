"""The printed report: what a consultant hands over on paper, from a browser (Chromium) and from `--out x.pdf`.

For every bundled example in both languages: A4, at most 5 pages, and page 1 holds the level's name, every
diagnostic's title and, when answers are missing, the word for "provisional". A PDF without WeasyPrint is one
line naming the install step, and a PDF is written whole or not at all.
"""

from __future__ import annotations

import builtins
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, MODEL

import branda.expert.pdf as pdf_module
from branda.cli import cli
from branda.expert.assess import assess
from branda.expert.profile import load_profile

LANGS = ("en", "lt")
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json", ".toml"))
PROVISIONAL = {"en": "provisional", "lt": "preliminarus"}
MAX_PAGES = 5
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")

try:
    import weasyprint  # noqa: F401
    WEASYPRINT = True
except (ImportError, OSError):
    WEASYPRINT = False

needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) is not installed")


def pages_of(pdf: Path) -> tuple[int, str]:
    """The page count and page size (pdfinfo) of a PDF."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)
    return count, size


def page_text(pdf: Path, page: int) -> str:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def check_printed(pdf: Path, name: str, lang: str) -> None:
    """A4, at most 5 pages, page 1 is the summary: level name, every diagnostic's title, 'provisional'."""
    assert pdf.exists() and pdf.stat().st_size > 0, f"{pdf.name}: nothing printed"
    count, size = pages_of(pdf)
    assert "A4" in size, (pdf.name, size)
    assert count <= MAX_PAGES, f"{pdf.name}: {count} pages"
    first = page_text(pdf, 1)
    a = assess(MODEL, load_profile(MODEL, EXAMPLES / name))
    assert " ".join(MODEL.level(a.level).name(lang).split()) in first, pdf.name
    for code in a.codes:
        assert " ".join(MODEL.diagnostics[code].title(lang).split()) in first, (pdf.name, code)
    assert (PROVISIONAL[lang] in first) == (MODEL.incomplete in a.codes), pdf.name
    assert f"1/{count}" in first.replace(" ", "")  # the page number in the bottom margin


def chromium_print(page: Path, pdf: Path, profile_dir: str) -> subprocess.Popen:
    """Start headless Chromium printing `page` to `pdf` (A4 comes from the page's own @page rule)."""
    return subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                             "--no-first-run", "--disable-background-networking", "--disable-component-update",
                             "--disable-sync", f"--user-data-dir={profile_dir}", f"--print-to-pdf={pdf}",
                             page.as_uri()],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "HOME": profile_dir})


@needs_poppler
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_example_prints_on_at_most_five_a4_pages_with_the_summary_first(runner, tmp_path, name):
    """Chromium prints the HTML report, WeasyPrint writes --out x.pdf: both languages, both ways."""
    if not CHROMIUM and not WEASYPRINT:
        pytest.skip("neither Chromium nor WeasyPrint is installed")
    stem = Path(name).stem
    printing = []
    for lang in LANGS:
        html = tmp_path / f"{stem}.{lang}.html"
        result = runner.invoke(cli, ["report", str(EXAMPLES / name), "--out", str(html), "--lang", lang])
        assert result.exit_code == 0, result.output
        if CHROMIUM:  # in the background while WeasyPrint works
            printing.append((lang, tmp_path / f"{stem}.{lang}.chromium.pdf",
                             chromium_print(html, tmp_path / f"{stem}.{lang}.chromium.pdf",
                                            tempfile.mkdtemp(dir=tmp_path))))
    if WEASYPRINT:
        for lang in LANGS:
            pdf = tmp_path / f"{stem}.{lang}.pdf"
            result = runner.invoke(cli, ["report", str(EXAMPLES / name), "--out", str(pdf), "--lang", lang])
            assert result.exit_code == 0, result.output
            assert pdf.read_bytes().startswith(b"%PDF-")
            check_printed(pdf, name, lang)
    for lang, pdf, process in printing:
        process.wait(timeout=120)
        check_printed(pdf, name, lang)


@pytest.mark.parametrize("error", [ImportError("No module named 'weasyprint'"),
                                   OSError("cannot load library 'libpango-1.0-0'")])
def test_a_pdf_without_weasyprint_is_one_line_naming_the_install_step(runner, tmp_path, monkeypatch, error):
    real_import = builtins.__import__

    def missing(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise error
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", missing)
    out = tmp_path / "report.pdf"
    result = runner.invoke(cli, ["report", str(EXAMPLES / "bank_level3.toml"), "--out", str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"branda: error: {out}: ")
    assert "pip install 'branda[pdf]'" in result.stderr
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not WEASYPRINT, reason="WeasyPrint cannot be imported")
def test_a_failing_pdf_render_leaves_no_file_and_an_old_one_untouched(runner, tmp_path, monkeypatch):
    old = tmp_path / "old.pdf"
    old.write_bytes(b"%PDF- the previous report")

    def broken(*args, **kwargs):
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(pdf_module, "render_pdf", broken)
    for target in (tmp_path / "new.pdf", old):
        result = runner.invoke(cli, ["report", str(EXAMPLES / "bank_level3.toml"), "--out", str(target)])
        assert isinstance(result.exception, RuntimeError)
    assert old.read_bytes() == b"%PDF- the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.pdf"]
