"""A consultant's malformed profile or --set gets one clear line and exit 2 — never a traceback, never output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import MODEL

from branda.cli import cli

GOOD = "organisation: UAB Pavyzdys\nfacts:\n  cx_ownership: 5\n  process_standardisation: 4\n  resistance: 2\n"
ALLOWED = f"{MODEL.low}-{MODEL.high}"  # interface.md: every value message says what is allowed (1-5)
LIMIT = 1_000_000  # interface.md: "a profile file over 1 MB is refused before it is parsed"


def error_line(result) -> str:
    """The one stderr line of a refused input, after checking the whole error contract around it."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith("branda: error: ")
    return lines[0]


def assess_json(runner, path: Path, *sets: str) -> dict:
    args = ["assess", str(path), "--format", "json"]
    for s in sets:
        args += ["--set", s]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


# (file name, content, what the line must say besides the file name)
BAD_FILES = [
    # values: strict whole numbers on the scale (1-5)
    ("zero.yaml", "facts:\n  cx_ownership: 0\n", ["'cx_ownership'", "value 0", ALLOWED]),
    ("six.yaml", "facts:\n  cx_ownership: 6\n", ["'cx_ownership'", "value 6", ALLOWED]),
    ("negative.yaml", "facts:\n  resistance: -1\n", ["'resistance'", "-1", ALLOWED]),
    ("fraction.yaml", "facts:\n  cx_ownership: 4.5\n", ["'cx_ownership'", "4.5", ALLOWED]),
    ("float.yaml", "facts:\n  cx_ownership: 4.0\n", ["'cx_ownership'", "4.0", ALLOWED]),
    ("quoted.yaml", "facts:\n  cx_ownership: '4'\n", ["'cx_ownership'", "without quotes", ALLOWED]),
    ("word.yaml", "facts:\n  cx_ownership: four\n", ["'cx_ownership'", "'four'", ALLOWED]),
    ("none_word.yaml", "facts:\n  cx_ownership: unknown\n", ["'cx_ownership'", "'unknown'", ALLOWED]),
    ("bool.yaml", "facts:\n  cx_ownership: true\n", ["'cx_ownership'", "true", ALLOWED]),
    ("yes.yaml", "facts:\n  cx_ownership: yes\n", ["'cx_ownership'", "yes/no", ALLOWED]),
    ("list_value.yaml", "facts:\n  cx_ownership: [4]\n", ["'cx_ownership'", "a list", ALLOWED]),
    ("nested.yaml", "facts:\n  cx_ownership: {level: 4}\n", ["'cx_ownership'", "unknown key 'level'",
                                                             "allowed: value, evidence, source"]),
    ("date_value.yaml", "facts:\n  cx_ownership: 2026-01-01\n", ["'cx_ownership'", "2026-01-01", ALLOWED]),
    ("binary.yaml", "facts:\n  cx_ownership: !!binary aGVsbG8=\n", ["'cx_ownership'", "binary", ALLOWED]),
    ("self_ref.yaml", "facts:\n  cx_ownership: &a [*a]\n", ["'cx_ownership'", "a list", ALLOWED]),
    ("string.json", '{"facts": {"cx_ownership": "4"}}', ["'cx_ownership'", "without quotes", ALLOWED]),
    ("float.json", '{"facts": {"cx_ownership": 4.0}}', ["'cx_ownership'", "4.0", ALLOWED]),
    ("nan.json", '{"facts": {"cx_ownership": NaN}}', ["'cx_ownership'", "nan", ALLOWED]),
    ("bool.json", '{"facts": {"cx_ownership": false}}', ["'cx_ownership'", "false", ALLOWED]),
    ("huge.json", '{"facts": {"cx_ownership": 1e400}}', ["'cx_ownership'", "inf", ALLOWED]),
    ("string.toml", '[facts]\ncx_ownership = "4"\n', ["'cx_ownership'", "without quotes", ALLOWED]),
    ("float.toml", "[facts]\ncx_ownership = 4.5\n", ["'cx_ownership'", "4.5", ALLOWED]),
    ("date.toml", "[facts]\ncx_ownership = 2026-01-01\n", ["'cx_ownership'", "2026-01-01", ALLOWED]),
    ("array.toml", "[facts]\ncx_ownership = [4]\n", ["'cx_ownership'", "a list", ALLOWED]),
    # names: the vocabulary of facts.md, with the closest one suggested
    ("misspelt.yaml", "facts:\n  cx_ownershp: 4\n", ["'cx_ownershp'", "did you mean 'cx_ownership'?"]),
    ("upper.yaml", "facts:\n  CX_Ownership: 4\n", ["'CX_Ownership'", "did you mean 'cx_ownership'?"]),
    ("stranger.yaml", "facts:\n  shoe_size: 4\n", ["'shoe_size'", "not a known fact", "branda facts"]),
    ("newline_name.yaml", 'facts:\n  "cx\\nownership": 4\n', ["'cx\\nownership'", "did you mean 'cx_ownership'?"]),
    ("number_name.yaml", "facts:\n  4: 4\n", ["4 is not a known fact"]),
    ("misspelt.json", '{"facts": {"resistence": 2}}', ["'resistence'", "did you mean 'resistance'?"]),
    ("misspelt.toml", "[facts]\nempowerement = 3\n", ["'empowerement'", "did you mean 'empowerment'?"]),
    # the shape of the file
    ("fact_key.yaml", "fact:\n  cx_ownership: 4\n",
     ["'fact'", "did you mean 'facts'?", "organisation, assessed_on, facts"]),
    ("capital.yaml", "Facts:\n  cx_ownership: 4\n", ["'Facts'", "did you mean 'facts'?"]),
    ("extra_key.yaml", GOOD + "notes: fine\n", ["'notes'", "organisation, assessed_on, facts"]),
    ("no_facts.yaml", "organisation: UAB Pavyzdys\n", ["no 'facts:'"]),
    ("facts_list.yaml", "facts:\n  - cx_ownership: 4\n", ["'facts' is a list", ALLOWED]),
    ("top_list.yaml", "- cx_ownership: 4\n", ["a list", "'facts:'"]),
    ("top_scalar.yaml", "cx_ownership\n", ["'cx_ownership' (text)", "'facts:'"]),
    ("top_list.json", '[{"cx_ownership": 4}]', ["a list", "'facts:'"]),
    ("null.json", "null", ["empty", "'facts:'"]),
    ("tables.toml", "[[facts]]\ncx_ownership = 4\n", ["'facts' is a list"]),
    ("organisation.yaml", "organisation: 42\n" + GOOD.split("\n", 1)[1], ["'organisation'", "42", "text"]),
    ("assessed.yaml", "assessed_on: 2026\n" + GOOD, ["'assessed_on'", "2026", "date"]),
    # respondent: optional free text naming who answered
    ("respondent.yaml", "respondent: 42\n" + GOOD, ["'respondent'", "42", "text"]),
    ("respondent_list.yaml", "respondent: [CEO, CFO]\n" + GOOD, ["'respondent'", "a list", "text"]),
    ("respondent.json", '{"respondent": {"name": "CEO"}, "facts": {"cx_ownership": 4}}',
     ["'respondent'", "a mapping", "text"]),
    ("respondent_bool.toml", 'respondent = true\n[facts]\ncx_ownership = 4\n', ["'respondent'", "true", "text"]),
    ("respondant.yaml", "respondant: CEO\n" + GOOD, ["'respondant'", "did you mean 'respondent'?"]),
    # empty files
    ("empty.yaml", "", ["empty"]),
    ("blank.yaml", "  \n\n", ["empty"]),
    ("comment.yaml", "# to do\n", ["empty"]),
    ("document.yaml", "---\n", ["empty"]),
    ("empty_object.json", "{}", ["empty"]),
    ("empty.toml", "", ["empty"]),
    # syntax, safely
    ("tab.yaml", "facts:\n\tcx_ownership: 4\n", ["line 2", "tab"]),
    ("indent.yaml", "facts:\n  cx_ownership: 4\n resistance: 2\n", ["not valid YAML", "line 3"]),
    ("twice.yaml", "facts:\n  cx_ownership: 4\n  cx_ownership: 5\n", ["'cx_ownership' is given twice", "line 3"]),
    ("twice_top.yaml", GOOD + "facts:\n  resistance: 1\n", ["'facts' is given twice"]),
    ("two_docs.yaml", GOOD + "---\n" + GOOD, ["not valid YAML", "document"]),
    ("bad_date.yaml", "assessed_on: 2026-13-45\n" + GOOD, ["'2026-13-45' is not a valid date", "line 1"]),
    ("control.yaml", "facts:\n  cx_ownership: 4\x07\n", ["control character", "line 2"]),
    ("list_key.yaml", "facts:\n  ? [cx_ownership]\n  : 4\n", ["key must be plain text", "line 2"]),
    ("python_tag.yaml", "facts: !!python/object:builtins.dict {}\n",
     ["'!!python/object:builtins.dict'", "not allowed"]),
    ("python_name.yaml", "facts: !!python/name:os.system\n", ["!!python/name:os.system", "not allowed"]),
    ("deep.yaml", "facts:\n  cx_ownership: " + "[" * 50_000 + "]" * 50_000 + "\n", ["not valid YAML"]),
    ("long_number.yaml", "facts:\n  cx_ownership: " + "9" * 5000 + "\n", ["too many digits"]),
    ("syntax.json", "{'facts': {}}", ["not valid JSON", "line 1"]),
    ("twice.json", '{"facts": {"cx_ownership": 4, "cx_ownership": 5}}', ["'cx_ownership' is given twice"]),
    ("deep.json", '{"facts": ' + "[" * 50_000 + "]" * 50_000 + "}", ["not valid JSON", "nested too deeply"]),
    ("syntax.toml", "[facts]\ncx_ownership =\n", ["not valid TOML", "line 2"]),
    ("twice.toml", "[facts]\ncx_ownership = 4\ncx_ownership = 5\n", ["not valid TOML", "line 3"]),
    ("deep.toml", "[facts]\ncx_ownership = " + "[" * 50_000 + "]" * 50_000 + "\n", ["not valid TOML"]),
    # the file itself
    ("profile.txt", GOOD, ["'.txt'", ".yaml, .yml, .json or .toml"]),
    ("profile", GOOD, ["unsupported file type", ".yaml, .yml, .json or .toml"]),
    ("latin1.yaml", GOOD.replace("Pavyzdys", "Pavyzd\u00fes").encode("latin-1"), ["not UTF-8", "0xfe"]),
    ("utf16.yaml", GOOD.encode("utf-16"), ["not UTF-8"]),
    ("too_big.yaml", GOOD + "#" * LIMIT, ["1 MB"]),
]


@pytest.mark.parametrize(("name", "content", "says"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_malformed_profile_is_refused_with_one_line(runner, tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    line = error_line(runner.invoke(cli, ["assess", str(path)]))
    assert str(path) in line
    for fragment in says:
        assert fragment in line
    assert len(line) < 400  # a long or deep value is described, never dumped


def test_a_missing_file_and_a_directory_are_named(runner, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert str(missing) in error_line(runner.invoke(cli, ["assess", str(missing)]))
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert "directory" in error_line(runner.invoke(cli, ["assess", str(folder)]))


def test_a_python_tag_is_refused_without_running_anything(runner, tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "attack.yaml"
    path.write_text(f"facts: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    line = error_line(runner.invoke(cli, ["assess", str(path)]))
    assert "!!python/object/apply:os.system" in line and "not allowed" in line
    assert not marker.exists()


def test_a_file_over_1_mb_is_refused_before_it_is_parsed(runner, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("facts: [\n" + "#" * LIMIT, encoding="utf-8")  # broken YAML: a parser would say so first
    line = error_line(runner.invoke(cli, ["assess", str(path)]))
    assert "1 MB" in line and "YAML" not in line


def test_a_profile_of_exactly_1_mb_is_read(runner, tmp_path):
    path = tmp_path / "padded.yaml"
    path.write_text(GOOD + "#" * (LIMIT - len(GOOD.encode("utf-8"))), encoding="utf-8")
    assert path.stat().st_size == LIMIT
    assert assess_json(runner, path)["organisation"] == "UAB Pavyzdys"


def test_the_profile_file_is_left_as_it_was(runner, tmp_path):
    path = tmp_path / "profile.yaml"
    path.write_text("facts:\n  cx_ownership: 9\n", encoding="utf-8")
    error_line(runner.invoke(cli, ["assess", str(path), "--set", "resistance=2"]))
    assert path.read_text(encoding="utf-8") == "facts:\n  cx_ownership: 9\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profile.yaml"]


# (--set option, what the line must say besides "--set")
BAD_SETS = [
    ("cx_ownership", ["NAME=VALUE", ALLOWED]),
    ("=4", ["fact name", "missing"]),
    ("cx_ownershp=4", ["'cx_ownershp'", "did you mean 'cx_ownership'?"]),
    ("cx_ownership=0", ["'cx_ownership'", "value 0", ALLOWED]),
    ("cx_ownership=6", ["'cx_ownership'", "value 6", ALLOWED]),
    ("cx_ownership=4.5", ["'cx_ownership'", "'4.5'", ALLOWED]),
    ("cx_ownership=four", ["'cx_ownership'", "'four'", ALLOWED]),
    ("cx_ownership=-1", ["'cx_ownership'", "'-1'", ALLOWED]),
    ("cx_ownership=true", ["'cx_ownership'", "'true'", ALLOWED]),
    ("cx_ownership=4=5", ["'cx_ownership'", "'4=5'", ALLOWED]),
    ("cx_ownership=\u0664", ["'cx_ownership'", ALLOWED]),  # ARABIC-INDIC DIGIT FOUR is not 4
    ("cx_ownership=" + "9" * 5000, ["'cx_ownership'", ALLOWED]),
    ("cx_ownership=4\n5", ["'cx_ownership'", "'4\\n5'", ALLOWED]),
    ("x" * 5000 + "=4", ["not a known fact"]),
]


@pytest.mark.parametrize(("option", "says"), BAD_SETS, ids=[s[0][:30] for s in BAD_SETS])
def test_a_bad_set_is_refused_with_one_line_and_no_output(runner, write_profile, option, says):
    path = write_profile(GOOD)
    line = error_line(runner.invoke(cli, ["assess", str(path), "--set", option]))
    assert line.startswith("branda: error: --set ")
    for fragment in says:
        assert fragment in line
    assert len(line) < 400


def _profile_commands() -> list[str]:
    """Every command that takes a PROFILE argument (more arrive as the CLI grows)."""
    return sorted(name for name, command in cli.commands.items()
                  if any(isinstance(p, click.Argument) and p.name in {"profile", "profiles"} for p in command.params))


def _required_extras(command: str, tmp_path: Path) -> list[str]:
    extras = []
    for param in cli.commands[command].params:
        if isinstance(param, click.Option) and param.required:
            if param.name != "out":
                pytest.skip(f"{command} needs --{param.name}")
            extras += ["--out", str(tmp_path / "out" / "report.md")]
    return extras


@pytest.mark.parametrize("command", _profile_commands())
@pytest.mark.parametrize(("content", "sets", "says"), [
    ("facts:\n  cx_ownership: 7\n", [], "'cx_ownership'"),
    (GOOD, ["--set", "cx_ownershp=4"], "did you mean 'cx_ownership'?"),
], ids=["bad-file", "bad-set"])
def test_every_command_that_reads_a_profile_keeps_the_contract(runner, tmp_path, command, content, sets, says):
    if sets and not any(p.name == "sets" for p in cli.commands[command].params):
        pytest.skip(f"{command} takes no --set")
    (tmp_path / "out").mkdir()
    path = tmp_path / "profile.yaml"
    path.write_text(content, encoding="utf-8")
    line = error_line(runner.invoke(cli, [command, str(path), *sets, *_required_extras(command, tmp_path)]))
    assert says in line
    assert list((tmp_path / "out").iterdir()) == []  # nothing written


def test_one_bad_respondent_among_several_is_named(runner, write_profile):
    good = write_profile(GOOD, "first.yaml")
    bad = write_profile("facts:\n  cx_ownership: 5\n  resistance: 0\n", "second.yaml")
    result = runner.invoke(cli, ["assess", str(good), str(bad)])
    if "unexpected extra argument" in result.stderr:
        pytest.skip("assess takes one profile")
    line = error_line(result)
    assert str(bad) in line and str(good) not in line and "'resistance'" in line


def _console_script() -> str | None:
    beside = Path(sys.executable).with_name("branda")
    return str(beside) if beside.exists() else shutil.which("branda")


@pytest.mark.parametrize(("content", "sets"), [
    ("facts:\n  cx_ownership: [1, 2]\n", []),
    (GOOD, ["--set", "cx_ownership=6"]),
], ids=["bad-file", "good-file-bad-set"])
def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path, content, sets):
    script = _console_script()
    if script is None:
        pytest.skip("the branda console script is not installed")
    path = tmp_path / "profile.yaml"
    path.write_text(content, encoding="utf-8")
    done = subprocess.run([script, "assess", str(path), *sets], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("branda: error: ") and "'cx_ownership'" in lines[0]


# --- what is accepted ---------------------------------------------------------------------------------------

UNKNOWN_SPELLINGS = [
    ("null.yaml", "facts:\n  cx_ownership: null\n  resistance: 2\n"),
    ("tilde.yaml", "facts:\n  cx_ownership: ~\n  resistance: 2\n"),
    ("empty.yaml", "facts:\n  cx_ownership:\n  resistance: 2\n"),
    ("question.yaml", "facts:\n  cx_ownership: '?'\n  resistance: 2\n"),
    ("quoted_empty.yaml", "facts:\n  cx_ownership: ''\n  resistance: 2\n"),
    ("null.json", '{"facts": {"cx_ownership": null, "resistance": 2}}'),
    ("empty.toml", '[facts]\ncx_ownership = ""\nresistance = 2\n'),
    ("question.toml", '[facts]\ncx_ownership = "?"\nresistance = 2\n'),
]


@pytest.mark.parametrize(("name", "content"), UNKNOWN_SPELLINGS, ids=[u[0] for u in UNKNOWN_SPELLINGS])
def test_null_empty_or_question_mark_means_unknown(runner, write_profile, name, content):
    left_out = assess_json(runner, write_profile("facts:\n  resistance: 2\n", "left_out.yaml"))
    result = assess_json(runner, write_profile(content, name))
    assert "cx_ownership" in result["unknown_facts"]
    assert result == left_out


def test_a_set_overrides_the_file(runner, write_profile):
    given = assess_json(runner, write_profile(GOOD.replace("cx_ownership: 5", "cx_ownership: 2"), "low.yaml"),
                        "cx_ownership=5")
    assert given == assess_json(runner, write_profile(GOOD, "good.yaml"))
    assert given != assess_json(runner, write_profile(GOOD.replace("cx_ownership: 5", "cx_ownership: 2"), "x.yaml"))


@pytest.mark.parametrize("spelling", ["cx_ownership=", "cx_ownership=?", "cx_ownership=null", " cx_ownership = "])
def test_an_empty_set_makes_the_fact_unknown(runner, write_profile, spelling):
    result = assess_json(runner, write_profile(GOOD, "good.yaml"), spelling)
    assert "cx_ownership" in result["unknown_facts"]
    assert result == assess_json(runner, write_profile(GOOD.replace("  cx_ownership: 5\n", ""), "without.yaml"))


def test_the_last_set_of_a_fact_wins(runner, write_profile):
    path = write_profile(GOOD)
    assert assess_json(runner, path, "cx_ownership=1", "cx_ownership=5") == assess_json(runner, path)


def test_yaml_json_and_toml_say_the_same(runner, write_profile):
    facts = {"cx_ownership": 5, "process_standardisation": 4, "resistance": 2, "customer_focus": 4}
    yaml_text = "organisation: UAB Pavyzdys\nfacts:\n" + "".join(f"  {k}: {v}\n" for k, v in facts.items())
    json_text = json.dumps({"organisation": "UAB Pavyzdys", "facts": facts})
    toml_text = 'organisation = "UAB Pavyzdys"\n[facts]\n' + "".join(f"{k} = {v}\n" for k, v in facts.items())
    results = [assess_json(runner, write_profile(text, name)) for name, text in
               [("p.yaml", yaml_text), ("p.yml", yaml_text), ("p.json", json_text), ("p.toml", toml_text)]]
    assert results[0]["organisation"] == "UAB Pavyzdys"
    assert all(r == results[0] for r in results)


@pytest.mark.parametrize(("name", "content"), [
    ("bom.yaml", GOOD),
    ("bom.json", json.dumps({"organisation": "UAB Pavyzdys",
                             "facts": {"cx_ownership": 5, "process_standardisation": 4, "resistance": 2}})),
    ("bom.toml", 'organisation = "UAB Pavyzdys"\n[facts]\ncx_ownership = 5\nprocess_standardisation = 4\n'
                 "resistance = 2\n"),
])
def test_a_byte_order_mark_is_accepted(runner, tmp_path, write_profile, name, content):
    with_bom = tmp_path / name
    with_bom.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))
    assert assess_json(runner, with_bom) == assess_json(runner, write_profile(GOOD, "plain.yaml"))


def test_yaml_dates_and_merge_keys_read_as_yaml_safe_load_reads_them(runner, write_profile):
    text = ("assessed_on: 2026-11-20\nfacts:\n  <<: {cx_ownership: 1, resistance: 2}\n"
            "  cx_ownership: 5\n  process_standardisation: 4\n")  # an explicit key beats a merged one
    merged = assess_json(runner, write_profile(text, "merged.yaml"))
    assert merged == assess_json(runner, write_profile(GOOD.replace("organisation: UAB Pavyzdys\n", ""), "p.yaml"))


def test_an_empty_facts_mapping_is_a_profile_of_unknowns(runner, write_profile):
    result = assess_json(runner, write_profile("organisation: UAB Pavyzdys\nfacts:\n"))
    assert result["level"] == 1
    assert "cx_ownership" in result["unknown_facts"]
