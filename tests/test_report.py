"""`branda report`: a consultant hands the client one self-contained file, in English or Lithuanian.

The HTML must stand alone (inline style and SVG; nothing to fetch) and escape everything it shows; every text a
person reads is in words (no fact code, rule name or operator, each article sentence at most once); page 1 is the
summary; Markdown shows the pictures as tables. A report is written whole or not at all. Where Chromium is
installed, a real browser renders the page (tests/test_report_pdf.py prints it).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLES, MODEL, assert_golden

import branda.expert.report as report_module
from branda.cli import cli
from branda.expert import summary
from branda.expert.assess import assess
from branda.expert.consensus import respondent_names
from branda.expert.plan import make_plan, plan_json
from branda.expert.profile import load_profile
from branda.expert.report import Figure, Heading, Items, Para, Quote, build, render_html, render_markdown, write_report

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
    assert p.tags.count("figure") == 3  # the ladder, the moves between levels, the fact profile
    # the profile one picture per level that reads a statement, so that a printed page may end between two
    assert p.tags.count("svg") == 2 + MODEL.top - 1
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
    assert kb.level(a.level).name(lang) in text and summary.meaning(a, lang) in text
    for rule in MODEL.rules.indicators_of(2):  # why level 2: each of its criteria
        assert rule.title(lang) in text
    assert " ".join(kb.level(2).source(lang).strip("„“”\" ").split()) in text  # with the article's sentence
    for gap in a.why_not_next:  # what stands before level 3
        assert MODEL.rules.rule(gap.rule).title(lang) in text
    for code in a.codes:  # every diagnostic, with the article's advice (or where the roadmap gives it)
        assert kb.diagnostics[code].title(lang) in text
        assert kb.diagnostics[code].advice(lang) in text or kb.text("report_see_wave", lang, wave=1) in text
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
def test_the_markdown_report_shows_the_pictures_as_tables(runner, tmp_path, lang):
    out = tmp_path / "report.md"
    result = runner.invoke(cli, ["report", str(EXAMPLES / "bank_level3.toml"), "--out", str(out), "--lang", lang])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# {MODEL.text('report_title', lang)}\n")
    assert "<svg" not in text and "```mermaid" not in text
    level_word = MODEL.text("report_level_word", lang, level=3)
    assert f"| **{MODEL.text('report_graph_row_level', lang, level=3, name=MODEL.level(3).name(lang))}** |" in text
    assert f"| {level_word} | {MODEL.level(3).name(lang)} | **◀ {MODEL.text('report_ladder_here', lang)}** |" in text
    for word in ("shaded", "tinted", "Spalvoti", "Tamsesni", "langeli"):  # Markdown has no cells to shade
        assert word not in text


def test_a_level_5_report_says_how_to_keep_it(runner, tmp_path):
    text = " ".join(" ".join(parse(html_report("utility_level5.yaml", "en", tmp_path, runner)).text).split())
    assert MODEL.text("report_keep_priorities_heading", "en") in text
    assert MODEL.transitions.lapse.advice("en") in text
    assert "What stands between" not in text and "Roadmap to" not in text


@pytest.mark.parametrize("out, shown", [("report.docx", "'.docx'"), ("report", "'(none)'"),
                                        ("report.HTML.txt", "'.txt'")])
def test_an_unsupported_extension_is_refused_in_one_line(runner, tmp_path, out, shown):
    target = tmp_path / out
    result = runner.invoke(cli, ["report", str(EXAMPLES / "bank_level3.toml"), "--out", str(target)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"branda: error: {target}: unsupported report type {shown}; use .html, .md or .pdf\n"
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


# --- words for people -------------------------------------------------------------------------------------

def visible(page: str) -> str:
    """The text a reader of the HTML page sees: the tags stripped (the picture's <title> is not shown)."""
    p = parse(re.sub(r"<title>.*?</title>", "", page, flags=re.S))
    return " ".join(" ".join(p.text).split())


def rendered(name: str, lang: str, appendix: bool = False) -> dict[str, str]:
    profile = load_profile(MODEL, EXAMPLES / name)
    title, blocks = build(MODEL, profile, lang, appendix)
    return {"html": visible(render_html(MODEL, title, blocks, lang)),
            "md": render_markdown(MODEL, title, blocks, lang).replace("\\", "")}


def engine_words(lang: str) -> set[str]:
    """Every fact code, diagnostic code and rule name; in Lithuanian also the one-word fact codes (English words)."""
    codes = {*MODEL.facts, *MODEL.diagnostics, *(r.name for r in MODEL.rules.rules)}
    return {c for c in codes if "_" in c or lang != "en"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_no_report_shows_a_code_or_an_operator(name, lang):
    for kind, text in rendered(name, lang, appendix=name == "startup_partial.yaml").items():
        for code in engine_words(lang):
            assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), (kind, code)
        for operator in (">=", "<=", "&gt;=", "&lt;="):
            assert operator not in text, (kind, operator)
        assert "median" not in text.lower()


def quotes_of(blocks) -> list[str]:
    found = []
    for b in blocks:
        if isinstance(b, Quote):
            found.append(b.text)
        elif isinstance(b, Items):
            found += [i.quote for i in b.items if i.quote]
    return [" ".join(q.strip().strip("„“”\"").split()).rstrip(".") for q in found]


@pytest.mark.parametrize("appendix", [False, True])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_each_article_sentence_is_quoted_at_most_once(name, lang, appendix):
    _, blocks = build(MODEL, load_profile(MODEL, EXAMPLES / name), lang, appendix)
    quotes = quotes_of(blocks)
    assert quotes and len(quotes) == len(set(quotes))
    assert len(quotes) <= (40 if appendix else 12)


def page_one(blocks) -> list:
    """The blocks of the executive summary: everything before the first section that opens a new page."""
    end = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.new_page)
    return blocks[:end]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_page_one_is_the_executive_summary(name, lang):
    profile = load_profile(MODEL, EXAMPLES / name)
    a = assess(MODEL, profile)
    _, blocks = build(MODEL, profile, lang)
    first = page_one(blocks)
    text = " ".join(b.text for b in first if isinstance(b, (Heading, Para))) + " " + " ".join(
        i.text for b in first if isinstance(b, Items) for i in b.items)
    assert MODEL.level(a.level).name(lang) in text and summary.meaning(a, lang) in text
    for d in a.diagnostics:
        assert f"**{MODEL.diagnostics[d.code].title(lang)}.**" in text  # the title as a bold lead-in
        assert text.count(summary.diagnostic_sentence(a, d, lang)) == 1  # the provisional sentence is said once
    assert (summary.provisional(a, lang) is not None) == (MODEL.incomplete in a.codes)
    priorities = [b for b in first if isinstance(b, Items) and b.numbered]
    assert len(priorities) == 1 and 1 <= len(priorities[0].items) <= 3
    plan = make_plan(MODEL, profile)
    unanswered = [g for g in a.why_not_next if g.value is None] if a.level < MODEL.top else []
    if unanswered:  # answering comes first: the next level may already hold
        assert all(summary.inline(MODEL.facts[g.fact].label(lang)) in priorities[0].items[0].text for g in unanswered)
    elif not plan.already:  # the first actions of the plan's first wave
        first_wave = [action.text(lang) for action in plan.steps[0].waves[0]]
        assert any(item.text == first_wave[0] for item in priorities[0].items)


def section(blocks, key: str, lang: str, **values) -> list:
    """The blocks of the section whose level-2 heading is text `key`, up to the next level-2 heading."""
    heading = MODEL.text(key, lang, **values)
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 2 and b.text == heading)
    end = next((i for i, b in enumerate(blocks[start + 1:], start + 1) if isinstance(b, Heading) and b.level == 2),
               len(blocks))
    return blocks[start:end]


def said(blocks) -> str:
    return " ".join([b.text for b in blocks if isinstance(b, (Heading, Para, Quote))]
                    + [t for b in blocks if isinstance(b, Items) for i in b.items for t in (i.text, *i.details)])


@pytest.mark.parametrize(("lang", "first"), [
    ("en", "Answer the 3 open level-2 questions first (prepared processes and standards, resistance to standardised "
           "processes and customer-oriented strategy): they may already hold."),
    ("lt", "Pirmiausia atsakykite į 3 dar neatsakytus 2 lygio klausimus (parengti procesai ir standartai, "
           "pasipriešinimas procesų standartizavimui ir į klientą orientuota strategija) – gal šios sąlygos jau "
           "tenkinamos.")])
def test_an_incomplete_profile_is_told_to_answer_first_and_no_question_is_listed_twice(lang, first):
    profile = load_profile(MODEL, EXAMPLES / "startup_partial.yaml")
    a = assess(MODEL, profile)
    _, blocks = build(MODEL, profile, lang)
    (priorities,) = [b for b in page_one(blocks) if isinstance(b, Items) and b.numbered]
    # every level-2 criterion that does not hold waits on an unanswered question: no action for those yet
    assert [i.text for i in priorities.items] == [first]
    before = {g.fact for g in a.why_not_next if g.value is None}
    findings = section(blocks, "report_findings_detail_heading", lang)
    listed = [i.text for b in findings if isinstance(b, Items) for i in b.items]
    assert listed and not {MODEL.facts[f].label(lang) for f in before} & set(listed)
    assert MODEL.text("report_open_questions_other", lang) in said(findings)
    assert len(listed) == len(a.decisive_unknowns) - len(before)
    # the incomplete profile's article sentence is about readiness for the CX system, not about answers
    source = MODEL.diagnostics[MODEL.incomplete].source(lang).strip("„“”\" .")
    assert source not in said(blocks)


def test_one_open_question_is_said_in_the_singular():
    profile = load_profile(MODEL, EXAMPLES / "startup_partial.yaml")
    facts = {**profile.facts, "process_standardisation": 3, "cx_strategy": 3}
    _, blocks = build(MODEL, replace(profile, facts=facts), "lt")
    (priorities,) = [b for b in page_one(blocks) if isinstance(b, Items) and b.numbered]
    assert priorities.items[0].text == ("Pirmiausia atsakykite į dar neatsakytą 2 lygio klausimą (pasipriešinimas "
                                        "procesų standartizavimui) – gal ši sąlyga jau tenkinama.")


@pytest.mark.parametrize("lang", LANGS)
def test_advice_the_roadmap_gives_is_pointed_to_and_not_ready_is_said_twice_at_most(lang):
    profile = load_profile(MODEL, EXAMPLES / "retailer_stuck_level2.yaml")
    _, blocks = build(MODEL, profile, lang)
    text = said(blocks)
    stuck = MODEL.diagnostics["stuck_at_level_2"]
    findings = section(blocks, "report_findings_detail_heading", lang)
    at = next(i for i, b in enumerate(findings) if isinstance(b, Heading) and b.text == stuck.title(lang))
    assert findings[at + 1] == Para(MODEL.text("report_see_wave", lang, wave=1))  # its actions open the roadmap
    assert stuck.advice(lang) not in text
    not_ready = MODEL.diagnostics[MODEL.readiness.not_ready]
    assert text.count(not_ready.title(lang)) == 2  # page 1 and the findings; no milestone saying it again
    assert MODEL.transitions.milestones[3].text(lang) not in text


def test_a_provisional_result_says_so_first_with_the_count():
    a = assess(MODEL, load_profile(MODEL, EXAMPLES / "startup_partial.yaml"))
    for lang, word in (("en", "provisional"), ("lt", "preliminarus")):
        _, blocks = build(MODEL, a.profile, lang)
        callout = [b for b in page_one(blocks) if isinstance(b, Para) and b.kind == "callout"]
        assert len(callout) == 1 and word in callout[0].text and str(len(a.decisive_unknowns)) in callout[0].text


def test_the_ladder_shows_progress_on_the_next_level():
    a = assess(MODEL, load_profile(MODEL, EXAMPLES / "startup_partial.yaml"))
    held, total = summary.next_progress(a)
    assert (held, total) == (3, 6)
    _, blocks = build(MODEL, a.profile, "en")
    ladder = next(b for b in blocks if isinstance(b, Figure))
    assert "3 of 6 criteria" in ladder.svg and ("Level 2", "In one pair of hands", "3 of 6 criteria") in ladder.table
    _, blocks = build(MODEL, a.profile, "lt")
    assert "3 iš 6 kriterijų" in next(b for b in blocks if isinstance(b, Figure)).svg


@pytest.mark.parametrize("lang", LANGS)
def test_the_transition_picture_says_what_the_engine_does(lang):
    """Fall-back edges carry the lapse of the level's own conditions; complacency is a risk marker on the levels
    where the regression rule can be raised (stressed at 4), never a condition on a fall-back edge."""
    _, blocks = build(MODEL, load_profile(MODEL, EXAMPLES / "ecommerce_level4_fallback_risk.yaml"), lang)
    graph = next(b for b in blocks if isinstance(b, Figure) and b.heading == MODEL.text("report_graph_heading", lang))
    rule = next(d for d in MODEL.rules.diagnostics if d.code == MODEL.transitions.risk.diagnostic)
    risk_facts = [MODEL.facts[c.fact].label(lang).lower() for c in rule.when]
    rows = {int(re.search(r"\d+", row[0]).group()): row for row in graph.table[1:]}
    for n, (_, up, down, risk) in rows.items():
        assert bool(down) == (n > 1) and bool(up) == (n < MODEL.top)
        if n > 1:
            assert down == MODEL.text("report_move_down", lang, level=n, below=n - 1)
        assert not any(f in down.lower() for f in risk_facts)
        assert bool(risk) == (n in rule.at_levels)
        if risk:
            assert all(f in risk.lower() for f in risk_facts)
            stressed = MODEL.text("report_move_risk_stressed", lang, condition="").strip(", ")
            assert risk.startswith(stressed) == (n == MODEL.transitions.risk.stressed_at)
    assert graph.svg.count("stroke-dasharray") == MODEL.top - 1


def test_the_appendix_adds_every_condition_and_every_firing(runner, tmp_path):
    name = EXAMPLES / "retailer_stuck_level2.yaml"
    plain_out, full_out = tmp_path / "plain.md", tmp_path / "full.md"
    assert runner.invoke(cli, ["report", str(name), "--out", str(plain_out)]).exit_code == 0
    assert runner.invoke(cli, ["report", str(name), "--out", str(full_out), "--appendix"]).exit_code == 0
    plain_text, full = plain_out.read_text(encoding="utf-8"), full_out.read_text(encoding="utf-8")
    heading = MODEL.text("report_appendix_heading", "en")
    assert heading not in plain_text and f"## {heading}" in full
    appendix = full.split(f"## {heading}", 1)[1]
    for rule in MODEL.rules.indicators:  # every criterion of every level
        assert rule.title("en").replace("-", "\\-") in appendix or rule.title("en") in appendix
    a = assess(MODEL, load_profile(MODEL, name))
    numbered = re.findall(r"(?m)^\d+\. ", appendix)
    assert len(numbered) == len(a.firings)  # every firing, in order


def write_respondents(tmp_path: Path, answers: dict[str, dict[str, int]]) -> list[str]:
    paths = []
    for who, facts in answers.items():
        path = tmp_path / f"{who}.yaml"
        path.write_text("organisation: UAB Bandymas\nfacts:\n" + "".join(f"  {k}: {v}\n" for k, v in facts.items()),
                        encoding="utf-8")
        paths.append(str(path))
    return paths


def test_two_respondents_show_who_said_what_and_the_cautious_middle(runner, tmp_path):
    base = {"cx_ownership": 4, "customer_focus": 4, "process_standardisation": 4, "resistance": 2,
            "cx_strategy": 4, "collaboration": 4}
    paths = write_respondents(tmp_path, {"ceo": {**base, "quick_wins_focus": 2},
                                         "cfo": {**base, "quick_wins_focus": 5}})
    out = tmp_path / "r.md"
    result = runner.invoke(cli, ["report", *paths, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8").replace("\\", "")
    assert "Respondents: ceo.yaml, cfo.yaml" in text
    assert "  - ceo.yaml: “mostly not true” (2)\n  - cfo.yaml: “fully true” (5)\n" in text
    assert "the cautious middle of 5 and 2 is 5, “fully true”" in text  # a symptom: the cautious reading is high
    assert "median" not in text.lower()


def test_three_respondents_take_the_middle_answer(runner, tmp_path):
    paths = [str(EXAMPLES / "respondents" / n) for n in ("ceo.yaml", "cfo.yaml", "head_of_service.yaml")]
    out = tmp_path / "r.md"
    assert runner.invoke(cli, ["report", *paths, "--out", str(out), "--lang", "lt"]).exit_code == 0
    text = out.read_text(encoding="utf-8").replace("\\", "")
    assert MODEL.diagnostics[MODEL.disagree].title("lt") in text
    assert "iš atsakymų 5, 4 ir 3 imamas vidurinis – 4 („greičiau tiesa“)" in text
    ceo = respondent_names([load_profile(MODEL, p) for p in paths])[0]  # the one naming rule every text uses
    assert f"  - {ceo}: „iš dalies tiesa“ (3)" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["retailer_stuck_level2.yaml", "startup_partial.yaml",
                                  "ecommerce_level4_fallback_risk.yaml", "utility_level5.yaml"])
def test_the_markdown_report_matches_its_golden_file(name, lang):
    profile = load_profile(MODEL, EXAMPLES / name)
    title, blocks = build(MODEL, profile, lang)
    assert_golden(f"report_{Path(name).stem}_{lang}.md", render_markdown(MODEL, title, blocks, lang))
