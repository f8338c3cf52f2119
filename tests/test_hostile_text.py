"""Text from a file is untrusted wherever it goes: a terminal, Markdown, HTML; a bad file or option is one line.

An organisation that names itself `\\x1b]0;pwned\\a` must not retitle the consultant's terminal, one named
`` x`\\n\\n<script>…`` must not put a script into the Markdown report, and `--lang fr` must not print a
four-line usage block: every refusal is one line and exit 2.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MODEL, ROOT, STUCK_AT_LEVEL_2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from branda.cli import cli

HOSTILE_NAMES = [
    "\x1b]0;pwned\x07",  # OSC: retitles the terminal window
    "\x1b[2J\x1b[H",  # CSI: clears the screen
    "Acme\rEvil",  # a bare CR overwrites the line
    "x`\n\n<script>alert(1)</script>\n\n`y",  # breaks out of a Markdown code span
    "Acme\n# Injected heading\n",
    "=1+1",
    "**bold** _it_ [link](http://x) <b>b</b> &amp;",
    "\u202eevil\u202c",  # right-to-left override
    "\u2028line\u2029para",
    "back`tick",
    "NUL\x00DEL\x7fC1\x9b",
]
# What a terminal acts on: C0 and C1 controls but newline, DEL, and the bidirectional and line-separator marks.
TERMINAL_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_profile(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "hostile.json"
    data = {"organisation": name, "facts": {"customer_focus": 4, "cx_ownership": 5, "quick_wins_focus": 5}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def one_error_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("branda: error: ")
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr
    return lines[0]


# --- the terminal ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("command", [["assess"], ["why"], ["why", "--level", "4"], ["plan"],
                                     ["whatif", "--set", "quick_wins_focus=2"], ["assess", "--lang", "lt"]])
def test_no_control_character_from_a_file_reaches_the_terminal(runner, tmp_path, command, name):
    path = hostile_profile(tmp_path, name)
    result = runner.invoke(cli, [command[0], str(path), *command[1:]])
    assert result.exit_code == 0, result.output
    assert not TERMINAL_CONTROL.search(result.stdout), repr(result.stdout[:300])


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_json_keeps_the_organisation_verbatim(runner, tmp_path, name):
    path = hostile_profile(tmp_path, name)
    result = runner.invoke(cli, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["organisation"] == name


def test_a_control_character_in_a_file_name_is_escaped_in_the_report_line(runner, tmp_path):
    out = tmp_path / "r\x1b]0;x\x07.html"
    profile = tmp_path / "p.yaml"
    profile.write_text(STUCK_AT_LEVEL_2, encoding="utf-8")
    result = runner.invoke(cli, ["report", str(profile), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert not TERMINAL_CONTROL.search(result.stdout) and "\\x1b" in result.stdout


# --- the reports ----------------------------------------------------------------------------------------

def _markdown_report(runner, tmp_path: Path, name: str) -> str:
    out = tmp_path / "report.md"
    result = runner.invoke(cli, ["report", str(hostile_profile(tmp_path, name)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def _tokens(markdown: str) -> list:
    flat = []
    for token in MarkdownIt("commonmark").parse(markdown):
        flat.append(token)
        flat.extend(token.children or ())
    return flat


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_markdown_report_renders_the_name_as_text_and_nothing_else(runner, tmp_path, name):
    benign = _tokens(_markdown_report(runner, tmp_path, "Acme"))
    hostile = _tokens(_markdown_report(runner, tmp_path, name))
    assert not [t for t in hostile if t.type in ("html_block", "html_inline")]
    # the same document structure as for a plain name: no heading, list, link or emphasis came from the name
    shape = [t.type for t in benign if t.type != "text"]
    assert [t.type for t in hostile if t.type != "text"] == shape


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_html_report_escapes_the_name(runner, tmp_path, name):
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["report", str(hostile_profile(tmp_path, name)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<b>" not in page
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)


# --- one line for every refusal ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["assess"], "Missing argument 'PROFILE...'"),
    (["why"], "Missing argument 'PROFILE..."),
    (["assess", "examples/bank_level3.toml", "--lang", "fr"],
     f"'fr' is not one of {', '.join(map(repr, MODEL.languages))}"),
    (["assess", "examples/bank_level3.toml", "--format", "xml"], "'xml' is not one of 'text', 'json'"),
    (["assess", "examples/bank_level3.toml", "--no-such-option"], "No such option"),
    (["batch", "examples/x.csv", "--jobs", "0"], "--jobs"),
    (["no-such-command"], "No such command 'no-such-command'"),
    (["assess", "examples/bank_level3.toml", "--lang", "\x1b[2J"], "is not one of"),
])
def test_a_usage_error_is_one_line_and_exit_2(runner, args, says):
    line = one_error_line(runner.invoke(cli, args))
    assert says in line
    assert "--help" in line  # where to look next
    assert "\x1b" not in line


def test_help_is_still_the_whole_usage(runner):
    result = runner.invoke(cli, ["assess", "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ") and "--lang" in result.output


@pytest.mark.parametrize("text, name, says", [
    ("facts:\n  customer_focus: !!timestamp notadate\n", "p.yaml", "'notadate' is not a date"),
    ("assessed_on: !!timestamp x\nfacts: {}\n", "p.yaml", "'x' is not a date"),
    ("facts:\n  ? !!set {a}\n  : 3\n", "p.yaml", "a tagged value cannot be read"),
    ('{"organisation": "\\ud800", "facts": {}}', "p.json", "lone UTF-16 surrogate"),
    ('{"assessed_on": "x\\udfff", "facts": {}}', "p.json", "lone UTF-16 surrogate"),
])
@pytest.mark.parametrize("command", [["assess"], ["why"], ["plan"], ["whatif", "--set", "cx_ownership=4"],
                                     ["report", "--out", "{tmp}/r.html"]])
def test_a_tag_or_a_surrogate_in_a_profile_is_one_line_not_an_internal_error(runner, tmp_path, text, name, says,
                                                                              command):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    args = [command[0], str(path), *(a.replace("{tmp}", str(tmp_path)) for a in command[1:])]
    line = one_error_line(runner.invoke(cli, args))
    assert str(path) in line and says in line
    assert not (tmp_path / "r.html").exists()


def test_a_surrogate_in_a_scenario_name_is_one_line(runner, tmp_path):
    scenario = tmp_path / "s.json"
    scenario.write_text('{"name": "\\udc80", "changes": {"cx_ownership": 4}}', encoding="utf-8")
    result = runner.invoke(cli, ["whatif", "examples/bank_level3.toml", "--scenario", str(scenario)])
    assert "lone UTF-16 surrogate" in one_error_line(result)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
       suffix=st.sampled_from([".yaml", ".json", ".toml"]))
def test_any_bytes_as_a_profile_give_a_result_or_one_line(runner, tmp_path, data, suffix):
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    if result.exit_code == 2:
        one_error_line(result)


# --- writing: a folder that cannot be written, a full disk --------------------------------------------------

@pytest.mark.parametrize("suffix", [".html", ".md"])
@pytest.mark.parametrize("err, says", [(errno.ENOSPC, "no space left on the device"),
                                       (errno.EROFS, "the file system is read-only"),
                                       (errno.EACCES, "permission denied")])
def test_a_report_that_cannot_be_written_is_one_line_and_leaves_the_old_file(runner, tmp_path, monkeypatch,
                                                                             suffix, err, says):
    profile = tmp_path / "p.yaml"
    profile.write_text(STUCK_AT_LEVEL_2, encoding="utf-8")
    out = tmp_path / f"report{suffix}"
    out.write_text("the old report", encoding="utf-8")
    def failing_replace(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(os, "replace", failing_replace)
    line = one_error_line(runner.invoke(cli, ["report", str(profile), "--out", str(out)]))
    assert line == f"branda: error: {out}: cannot write the file: {says}; nothing was written"
    assert out.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["p.yaml", f"report{suffix}"])


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/bin/mount").exists(), reason="needs root to mount")
def test_a_report_into_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True).returncode:
        pytest.skip("bind mounts are not allowed here")
    try:
        result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "report",
                                 str(ROOT / "examples" / "bank_level3.toml"), "--out", str(folder / "r.html")],
                                capture_output=True, text=True, timeout=120)
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "read-only" in result.stderr and str(folder / "r.html") in result.stderr


# --- stopping: Ctrl-C and a closed pipe ----------------------------------------------------------------------

def test_ctrl_c_in_a_command_is_exit_130_and_one_line(runner, monkeypatch):
    import branda.expert.assess
    from branda import expert
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(expert.assess, "assess", interrupted)
    result = runner.invoke(cli, ["assess", "examples/bank_level3.toml"])
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == "branda: stopped"
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr


def test_a_closed_pipe_ends_quietly(tmp_path):
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "graph", "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the first line, like `| head -c 0`
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err
    assert b"Traceback" not in err and b"internal error" not in err


@pytest.mark.parametrize("args, status", [
    (["assess", "examples/retailer_stuck_level2.yaml"], 0),
    (["graph", "--format", "json"], 0),
    (["assess", "examples/no_such_file.yaml"], 2),
    (["assess", "--lang", "xx", "examples/bank_level3.toml"], 2),
])
def test_the_process_ends_with_the_whole_output_and_the_commands_status(runner, args, status):
    """The process ends with what the command printed and its status, the collector left out of its exit (cli._done)."""
    proc = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, cwd=ROOT, timeout=120)
    inside = runner.invoke(cli, args)
    assert (proc.returncode, inside.exit_code) == (status, status), proc.stderr
    assert (proc.stdout.decode(), proc.stderr.decode()) == (inside.stdout, inside.stderr)
