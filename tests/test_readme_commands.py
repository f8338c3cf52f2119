"""Every `branda …` command the README shows runs as written (as sqlite-utils' tests/test_docs.py checks its docs).

The commands are read from the README's fenced code blocks (```sh, ```console, ```bash, ```shell or a bare
```): each line whose command (after a `$ ` prompt and `NAME=value` assignments) is `branda`, and each
pipeline with a `branda` stage, such as `printf '…' | branda interview …` (the printf's output, made by the
system's printf, is branda's stdin). A trailing `# comment` is dropped; a pipe to another program or a `>`
redirection is not run: only the branda stage is, and its exit status is what counts. The status must be 0,
or N when the line's comment ends with `(exit N)`.

Each command runs in-process (click's CliRunner) in a fresh temporary folder holding a copy of `examples/`,
so the README's relative paths work and whatever it writes (`--out results.csv`) lands there. The lines
before it in the same code block run first, as they would in one shell session (`branda model export
my-model` before `branda model check my-model`).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT

from branda.cli import cli

README = ROOT / "README.md"
SHELL_BLOCKS = {"", "sh", "console", "bash", "shell"}
FENCE = re.compile(r"^\s*```\s*([\w-]*)")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
EXPECTED_EXIT = re.compile(r"\(exit (\d+)\)\s*$")

# README lines that are placeholders, not commands (e.g. `branda model check DIR`): skipped, each with why.
# Keep this tiny; an entry whose line is no longer in the README fails test_the_skip_list_is_not_stale.
SKIPPED: dict[str, str] = {}


@dataclass(frozen=True)
class Command:
    """One runnable README line: where it is, its branda arguments, stdin and environment, the exit expected."""

    lineno: int
    line: str
    block: int  # the index of its fenced code block
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    stdin_from: tuple[str, ...] | None = None  # a printf command whose output is stdin
    exit_code: int = 0

    def stdin(self) -> str | None:
        if self.stdin_from is None:
            return None
        return subprocess.run(self.stdin_from, check=True, capture_output=True, text=True).stdout


def _comment_at(line: str) -> int:
    """Where the line's trailing `# comment` begins (a `#` after a space, outside quotes), or its length."""
    for match in re.finditer(r"\s#", line):
        try:
            shlex.split(line[:match.start()])
        except ValueError:  # inside an open quote
            continue
        return match.start()
    return len(line)


def _stages(line: str) -> list[list[str]]:
    """A shell line (without its comment) as its pipeline stages, each one's words, redirections dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    skip_target = False
    for word in lexer:
        if skip_target:
            skip_target = False
        elif word == "|":
            stages.append([])
        elif set(word) <= set("<>&") :  # > FILE, >> FILE, < FILE, &> FILE: not branda's business
            skip_target = True
        else:
            stages[-1].append(word)
    return stages


def _branda_command(stage: list[str]) -> tuple[dict[str, str], list[str]] | None:
    """(`NAME=value` assignments, branda's arguments) when the stage runs branda, else None."""
    env = {}
    for i, word in enumerate(stage):
        if ASSIGNMENT.match(word):
            name, _, value = word.partition("=")
            env[name] = value
            continue
        return (env, stage[i + 1:]) if word == "branda" else None
    return None


def readme_commands(text: str | None = None) -> list[Command]:
    """Every runnable branda line of the README's shell code blocks, in README order."""
    text = README.read_text(encoding="utf-8") if text is None else text
    commands, fence, block = [], None, -1
    for lineno, raw in enumerate(text.splitlines(), 1):
        match = FENCE.match(raw)
        if match:
            if fence is None:
                fence, block = match.group(1), block + 1
            else:
                fence = None
            continue
        if fence not in SHELL_BLOCKS:
            continue
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:].strip()
        if "branda" not in line:
            continue
        cut = _comment_at(line)
        line, comment = line[:cut].rstrip(), line[cut:].strip().lstrip("#").strip()
        try:
            stages = _stages(line)
        except ValueError as exc:  # not shell: prose in a bare ``` block (the design tree), or a broken line
            if fence == "":
                continue
            raise AssertionError(f"README.md:{lineno}: {exc}: {line}") from None
        for i, stage in enumerate(stages):
            found = _branda_command(stage)
            if found is None:
                continue
            env, args = found
            feeder = stages[i - 1] if i else None
            if feeder and feeder[0] != "printf":
                raise AssertionError(f"README.md:{lineno}: only printf can feed branda here: {line}")
            expected = EXPECTED_EXIT.search(comment)
            commands.append(Command(lineno, line, block, tuple(args), tuple(env.items()),
                                    tuple(feeder) if feeder else None, int(expected.group(1)) if expected else 0))
            break
    return commands


COMMANDS = readme_commands()


def run(command: Command) -> Any:
    """The command in-process, in the current folder: the CliRunner result."""
    env = {"BRANDA_MODEL": None, **dict(command.env)}  # the README's lines mean the bundled model
    return CliRunner().invoke(cli, list(command.args), input=command.stdin(), env=env)


def report(command: Command, result: Any) -> str:
    """What a failure shows: the README line, the exit, the end of stdout and stderr, any traceback."""
    try:
        stderr = result.stderr
    except ValueError:  # click < 8.2 mixes stderr into the output
        stderr = ""
    trace = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(*result.exc_info))
    return (f"README.md:{command.lineno}: {command.line}\n"
            f"exit {result.exit_code}, expected {command.exit_code}\n"
            f"stdout: {result.stdout[-2000:]}\nstderr: {stderr[-2000:]}\n{trace}")


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working folder with a copy of examples/ (a copy: nothing a command writes can reach the repo)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS, ids=[c.line for c in COMMANDS])
def test_the_readme_command_runs_as_written(command: Command, session: Path) -> None:
    if command.line in SKIPPED:
        pytest.skip(SKIPPED[command.line])
    for earlier in COMMANDS:  # the lines before it in its code block, as in one shell session
        if earlier.block == command.block and earlier.lineno < command.lineno and earlier.line not in SKIPPED:
            run(earlier)
    result = run(command)
    assert result.exit_code == command.exit_code, report(command, result)
    assert result.exception is None or isinstance(result.exception, SystemExit), report(command, result)


def test_the_readme_commands_are_found() -> None:
    """The extraction itself: a parser that found nothing would pass every test above."""
    lines = [c.line for c in COMMANDS]
    assert len(lines) >= 20
    assert "branda assess examples/retailer_stuck_level2.yaml" in lines
    piped = [c for c in COMMANDS if c.stdin_from]
    assert piped and piped[0].args[0] == "interview" and piped[0].stdin().startswith("UAB Pavyzdys\n")
    (dot,) = [c for c in COMMANDS if "| dot" in c.line]
    assert dot.args == ("why", "examples/bank_level3.toml", "--format", "dot")
    (graphml,) = [c for c in COMMANDS if "graphml >" in c.line]
    assert graphml.args == ("graph", "--format", "graphml")


def test_the_extraction_reads_prompts_comments_pipes_assignments_and_expected_exits() -> None:
    text = "\n".join([
        "```console", "$ branda facts   # the vocabulary", "branda, version 1", "```",
        "```python", "branda assess not-a-shell-block.yaml", "```",
        "```", "X=1 branda assess a.yaml --set 'organisation=a b' > out.txt   # fails (exit 2)",
        "printf 'x\\n' | branda interview --out i.yaml | tee log", "echo branda", "```",
    ])
    found = readme_commands(text)
    assert [(c.lineno, c.block, c.args) for c in found] == [
        (2, 0, ("facts",)), (9, 2, ("assess", "a.yaml", "--set", "organisation=a b")),
        (10, 2, ("interview", "--out", "i.yaml"))]
    assert found[1].env == (("X", "1"),) and found[1].exit_code == 2 and found[0].exit_code == 0
    assert found[2].stdin_from == ("printf", "x\\n") and found[2].stdin() == "x\n"


def _subcommand(args: tuple[str, ...]) -> str | None:
    """The command a line runs, past the global options (`branda --model DIR assess …` runs assess)."""
    words = iter(args)
    for word in words:
        if word == "--model":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def test_every_command_has_a_runnable_readme_example() -> None:
    shown = {_subcommand(c.args) for c in COMMANDS}
    assert sorted(set(cli.commands) - shown) == []


def test_the_skip_list_is_not_stale() -> None:
    lines = {c.line for c in COMMANDS}
    assert set(SKIPPED) <= lines, "a skipped README line is gone from the README: drop it from SKIPPED"


# Shell completion: the README's section names each shell's way; the installed script prints its source.

def _completion_shells() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Shell completion", 1)[1].split("\n## ", 1)[0]
    return sorted(set(re.findall(r"_BRANDA_COMPLETE=(\w+)_source branda", section)))


def _installed_branda() -> Path | None:
    for candidate in (Path(sys.executable).parent / "branda", ROOT / ".venv" / "bin" / "branda"):
        if candidate.exists():
            return candidate
    return None


def test_the_readme_documents_completion_for_bash_zsh_and_fish() -> None:
    assert _completion_shells() == ["bash", "fish", "zsh"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_prints_a_script_for(shell: str, tmp_path: Path) -> None:
    branda = _installed_branda()
    if branda is None:
        pytest.skip("no installed branda console script next to this Python or in .venv")
    env = {**os.environ, "_BRANDA_COMPLETE": f"{shell}_source", "PYTHONPATH": str(ROOT)}  # this checkout's code
    env.pop("BRANDA_MODEL", None)
    done = subprocess.run([str(branda)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "_BRANDA_COMPLETE" in done.stdout and "branda" in done.stdout
    assert {"bash": "complete -o nosort -F", "zsh": "#compdef branda", "fish": "complete --no-files"}[shell] \
        in done.stdout
    assert done.stderr == ""


def test_shell_completion_completes_the_commands(tmp_path: Path) -> None:
    """What the bash script asks for: the commands that begin with what was typed."""
    branda = _installed_branda()
    if branda is None:
        pytest.skip("no installed branda console script next to this Python or in .venv")
    env = {**os.environ, "_BRANDA_COMPLETE": "bash_complete", "COMP_WORDS": "branda wh", "COMP_CWORD": "1",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([str(branda)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["plain,whatif", "plain,why"]
