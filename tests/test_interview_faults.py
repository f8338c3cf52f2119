"""`branda interview` when things go wrong: Ctrl-C anywhere, two interviews on one file, a hand-written profile
with comments and blanks, a folder that cannot be written, a name two megabytes long, `q` at the first prompt.

The Ctrl-C stories run the real program in a pseudo-terminal. Where the moment matters (just as the
organisation is being saved, during the closing assessment) the program is started with one of its own
functions wrapped so that it presses Ctrl-C on itself at exactly that point: no timing, no sleeps.
"""

from __future__ import annotations

import doctest
import errno
import fcntl
import os
import pty
import re
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from conftest import MODEL, ROOT
from test_interview import FIRST, LEVEL_2_FACTS, SECOND, VOCABULARY, Terminal, exact_prompt

import branda.expert.terminal

from branda import expert
from branda.cli import cli
from branda.expert.errors import InputError
from branda.expert.interview import Answers, load_answers, save_answers
from branda.expert.profile import MAX_PROFILE_BYTES, load_profile
from branda.expert.terminal import CtrlC, terminal_safe

TOTAL = len(VOCABULARY)
ORGANISATION_PROMPT = "Organisation (its name; Enter to leave it blank, q to stop): "
TERMINAL_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def stopped_line(answered: int | str, out: Path) -> str:
    return f"Stopped. {answered} of {TOTAL} questions asked so far are saved in {out}; " \
           f"run `branda interview --out {out}` to go on."


# --- a program in a terminal, optionally with Ctrl-C wired to a point inside it ---------------------------

PRELUDE = """\
import os, signal, sys
sys.argv[0] = "branda"


def press_ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)

"""


class Program(Terminal):
    """`cli.py interview …` in a pseudo-terminal; with `hook`, Python run first to wire Ctrl-C to a point."""

    def __init__(self, *args: str, hook: str = "") -> None:
        env = {**os.environ, "PYTHONUTF8": "1", "PYTHONFAULTHANDLER": "1", "TERM": "dumb", "COLUMNS": "100"}
        code = PRELUDE + textwrap.dedent(hook) + "\nimport cli\ncli.main()\n"
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes the program, with the terminal as its controlling tty
            try:
                os.chdir(ROOT)
                os.execve(sys.executable, [sys.executable, "-c", code, *args], env)
            finally:
                os._exit(127)
        self.screen = ""
        self.seen = 0
        self.status = None

    def ended(self) -> int:
        """Its exit status, after checking that it never showed a traceback or click's "Aborted!"."""
        status = self.wait()
        for bad in ("Traceback", "Aborted!", "internal error", "branda: stopped"):
            assert bad not in self.screen, self.screen[-3000:]
        return status


@pytest.fixture
def program():
    started: list[Program] = []

    def start(*args: str, hook: str = "") -> Program:
        started.append(Program("interview", *args, hook=hook))
        return started[-1]

    yield start
    for p in started:  # never leave a program behind
        try:
            os.kill(p.pid, signal.SIGKILL)
            os.waitpid(p.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def assert_resumable(runner, out: Path, first_prompt: str) -> None:
    """The file is a profile, and the next interview on it starts with `first_prompt`."""
    load_profile(MODEL, out)
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="q\n")
    assert result.exit_code == 0, result.output
    asked = [line for line in result.output.splitlines() if line.startswith((first_prompt[:20], "[", "Organisation"))]
    assert asked[0].startswith(first_prompt), result.output


# --- Ctrl-C at every prompt and between them ---------------------------------------------------------------

def test_ctrl_c_as_soon_as_it_starts(program, runner, tmp_path):
    out = tmp_path / "start.yaml"
    t = program("--out", str(out))
    t.expect("Each answer is saved to")  # its first line: the command has begun
    t.ctrl_c()
    t.expect(stopped_line(0, out))
    assert t.ended() == 130
    assert t.screen.count("Stopped") == 1
    assert_resumable(runner, out, ORGANISATION_PROMPT)


def test_ctrl_c_while_it_is_still_loading(program, tmp_path):
    out = tmp_path / "loading.yaml"
    hook = """
        import builtins
        real_import = builtins.__import__

        def importing(name, *args, **kwargs):
            if name == "branda.expert.interview":
                builtins.__import__ = real_import
                press_ctrl_c()
            return real_import(name, *args, **kwargs)

        builtins.__import__ = importing
    """
    t = program("--out", str(out), hook=hook)
    t.expect("Stopped before anything was saved.")
    assert t.ended() == 130
    assert not out.exists()


def test_ctrl_c_at_the_organisation_prompt(program, runner, tmp_path):
    out = tmp_path / "org.yaml"
    t = program("--out", str(out))
    t.expect(ORGANISATION_PROMPT)
    t.ctrl_c()
    t.expect(stopped_line(0, out))
    assert t.ended() == 130
    assert load_answers(MODEL, out) == Answers(assessed_on=load_answers(MODEL, out).assessed_on)  # nothing but the date
    assert_resumable(runner, out, ORGANISATION_PROMPT)


def test_ctrl_c_while_the_organisation_is_being_saved_saves_it_first(program, runner, tmp_path):
    out = tmp_path / "saving.yaml"
    hook = """
        import branda.expert.interview as interview
        real_write = interview.write_atomic

        def write(path, text, **kwargs):
            if "organisation:" in text:
                press_ctrl_c()  # inside the save: it must finish before the interview stops
            return real_write(path, text, **kwargs)

        interview.write_atomic = write
    """
    t = program("--out", str(out), hook=hook)
    t.expect(ORGANISATION_PROMPT)
    t.type("UAB Acme")
    t.expect(stopped_line(0, out))
    assert t.ended() == 130
    assert load_answers(MODEL, out).organisation == "UAB Acme"
    assert_resumable(runner, out, exact_prompt(FIRST))


def test_ctrl_c_typed_right_after_the_organisation(program, runner, tmp_path):
    out = tmp_path / "typed.yaml"
    t = program("--out", str(out))
    t.expect(ORGANISATION_PROMPT)
    t.type("UAB Acme")
    t.ctrl_c()  # at once: the terminal may drop the unread line, or the program may have saved it
    t.expect(stopped_line(0, out))
    assert t.ended() == 130
    saved = load_answers(MODEL, out)
    assert saved.organisation in (None, "UAB Acme") and saved.facts == {}
    assert_resumable(runner, out, exact_prompt(FIRST) if saved.organisation_asked else ORGANISATION_PROMPT)


@pytest.mark.parametrize("answered", [0, 1, 2])
def test_ctrl_c_at_each_of_the_first_questions(program, runner, tmp_path, answered):
    out = tmp_path / f"q{answered}.yaml"
    t = program("--out", str(out))
    t.expect(ORGANISATION_PROMPT)
    t.type("UAB Acme")
    for name in LEVEL_2_FACTS[:answered]:
        t.expect("\n" + exact_prompt(name) + " ")
        t.type("4")
    t.expect("\n" + exact_prompt(LEVEL_2_FACTS[answered]) + " ")
    t.ctrl_c()
    t.expect(stopped_line(answered, out))
    assert t.ended() == 130
    saved = load_answers(MODEL, out)
    assert (saved.organisation, dict(saved.facts)) == ("UAB Acme", {n: 4 for n in LEVEL_2_FACTS[:answered]})
    assert_resumable(runner, out, exact_prompt(LEVEL_2_FACTS[answered]))


def test_ctrl_c_between_two_questions(program, runner, tmp_path):
    out = tmp_path / "between.yaml"
    t = program("--out", str(out))
    t.expect(ORGANISATION_PROMPT)
    t.type("UAB Acme")
    t.expect("\n" + exact_prompt(FIRST) + " ")
    t.type("4")
    t.ctrl_c()  # at once: the answer was either read and saved, or dropped by the terminal with the line
    screen = t.expect(f" of {TOTAL} questions asked so far are saved in {out}")
    assert t.ended() == 130
    answered = int(screen.rsplit("Stopped. ", 1)[1].split()[0])
    assert answered in (0, 1)
    assert dict(load_answers(MODEL, out).facts) == ({FIRST: 4} if answered else {})
    assert_resumable(runner, out, exact_prompt(LEVEL_2_FACTS[answered]))


LOST = {  # ways Python itself can drop a KeyboardInterrupt before the interview sees it
    "raised while an abandoned generator is finalised": """
        def abandoned():
            try:
                yield
            finally:
                press_ctrl_c()  # Python reports "Exception ignored in: <generator …>" and goes on

        running = abandoned()
        next(running)
        del running
    """,
    "raised inside code that ignores every error": """
        try:
            press_ctrl_c()
        except BaseException:
            pass
    """,
}


@pytest.mark.parametrize("how", list(LOST))
def test_a_ctrl_c_lost_on_its_way_still_stops_at_the_next_question(program, runner, tmp_path, how):
    out = tmp_path / "lost.yaml"
    hook = """
        import branda.expert.interview as interview
        real_next_questions = interview.next_questions
        pressed = []

        def next_questions(model, answers):
            if answers.facts and not pressed:  # between the first answer and the second question
                pressed.append(True)
    """ + textwrap.indent(textwrap.dedent(LOST[how]), " " * 16) + """
            return real_next_questions(model, answers)

        interview.next_questions = next_questions
    """
    t = program("--out", str(out), hook=hook)
    t.expect(ORGANISATION_PROMPT)
    t.type("UAB Acme")
    t.expect("\n" + exact_prompt(FIRST) + " ")
    t.type("4")
    screen = t.expect(stopped_line(1, out), timeout=30)
    assert exact_prompt(LEVEL_2_FACTS[1]) not in screen  # it stopped instead of asking, deaf to Ctrl-C
    assert t.ended() == 130
    assert "Exception ignored" not in t.screen and "KeyboardInterrupt" not in t.screen
    assert dict(load_answers(MODEL, out).facts) == {FIRST: 4}
    assert_resumable(runner, out, exact_prompt(LEVEL_2_FACTS[1]))


def test_after_a_lost_ctrl_c_one_pressed_while_it_waits_for_an_answer_stops_it():
    def press() -> None:
        os.kill(os.getpid(), signal.SIGINT)

    with CtrlC() as ctrl_c:
        with ctrl_c.waiting():
            try:
                press()
            except KeyboardInterrupt:
                pass  # lost: the program goes on waiting
            with pytest.raises(KeyboardInterrupt):
                press()
        with pytest.raises(KeyboardInterrupt):  # and the next wait does not start
            with ctrl_c.waiting():
                pass
        ctrl_c.finish()
        press()  # once the command is stopping, Ctrl-C no longer interrupts it
        with ctrl_c.waiting():
            pass


def settled(out: Path) -> None:
    """A file in which no remaining answer can change the result (see test_interview's story of it)."""
    save_answers(MODEL, out, Answers(facts={n: 5 for n in VOCABULARY if n != "touchpoint_data"}, organisation="Settled",
                              organisation_asked=True))


def test_ctrl_c_at_ask_the_rest(program, tmp_path):
    out = tmp_path / "settled.yaml"
    settled(out)
    t = program("--out", str(out))
    t.expect("Ask the remaining questions anyway (1 left)? [y/N] ")
    t.ctrl_c()
    t.expect(stopped_line(TOTAL - 1, out))
    assert t.ended() == 130
    assert "touchpoint_data" not in load_answers(MODEL, out).facts


ASSESSING = """
    import branda.expert.assess
    from branda import expert
    real_assess = expert.assess.assess

    def assess(*args, **kwargs):
        press_ctrl_c()
        return real_assess(*args, **kwargs)

    expert.assess.assess = assess
"""


def test_ctrl_c_during_the_closing_assessment(program, tmp_path):
    out = tmp_path / "closing.yaml"
    settled(out)
    t = program("--out", str(out), hook=ASSESSING)
    t.expect("[y/N] ")
    t.type("n")
    t.expect("The answers are saved in")
    t.expect(stopped_line(TOTAL - 1, out))
    assert t.ended() == 130
    assert "customer-service maturity level" not in t.screen


def test_ctrl_c_during_the_assessment_after_q_says_stopped_once(program, tmp_path):
    out = tmp_path / "q.yaml"
    t = program("--out", str(out), hook=ASSESSING)
    t.expect(ORGANISATION_PROMPT)
    t.type("UAB Acme")
    t.expect("\n" + exact_prompt(FIRST) + " ")
    t.type("q")
    t.expect(stopped_line(0, out))
    assert t.ended() == 130
    assert t.screen.count("Stopped") == 1
    assert load_answers(MODEL, out).organisation == "UAB Acme"


def test_in_process_the_ctrl_c_handling_is_put_back(runner, tmp_path, monkeypatch):
    import branda.expert.assess
    from branda import expert
    before = signal.getsignal(signal.SIGINT)
    real = expert.assess.assess

    def assess(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return real(*args, **kwargs)

    monkeypatch.setattr(expert.assess, "assess", assess)
    result = runner.invoke(cli, ["interview", "--out", str(tmp_path / "a.yaml")], input="Acme\nq\n")
    assert result.exit_code == 130, result.output
    assert result.output.count("Stopped") == 1 and "Aborted" not in result.output
    assert signal.getsignal(signal.SIGINT) is before


# --- one interview file, one writer --------------------------------------------------------------------

def test_a_second_interview_on_the_same_file_is_refused_and_the_first_keeps_its_answers(program, runner, tmp_path):
    out = tmp_path / "shared.yaml"
    first = program("--out", str(out))
    first.expect(ORGANISATION_PROMPT)

    def second_is_refused() -> None:
        result = runner.invoke(cli, ["interview", "--out", str(out)], input="UAB Second\n1\n1\n1\n")
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr == f"branda: error: {out}: is being written by another interview; wait until it " \
                                "ends, or choose another file with --out\n"

    second_is_refused()  # the first has only just begun: the file is new, and already its
    first.type("UAB First")
    first.expect("\n" + exact_prompt(FIRST) + " ")
    first.type("4")
    first.expect("\n" + exact_prompt(SECOND) + " ")
    second_is_refused()  # after the first has replaced the file twice
    first.type("2")
    first.expect("\n" + exact_prompt(LEVEL_2_FACTS[2]) + " ")
    first.type("q")
    assert first.ended() == 0
    saved = load_answers(MODEL, out)
    assert (saved.organisation, dict(saved.facts)) == ("UAB First", {FIRST: 4, SECOND: 2})
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="q\n")  # free again once it has ended
    assert result.exit_code == 0, result.output


def test_two_new_interviews_cannot_both_start(tmp_path):
    from branda.expert.interview import open_interview

    out = tmp_path / "new.yaml"
    with open_interview(MODEL, str(out)) as first:
        assert out.exists()
        with pytest.raises(InputError, match="is being written by another interview"):
            open_interview(MODEL, str(out))
        first.save(Answers(facts={FIRST: 3}, organisation="A", organisation_asked=True))
        with pytest.raises(InputError, match="is being written by another interview"):
            open_interview(MODEL, str(out))
    with open_interview(MODEL, str(out)) as again:
        assert dict(again.answers.facts) == {FIRST: 3}


def test_the_lock_is_on_the_new_file_from_the_moment_it_has_the_name(tmp_path, monkeypatch):
    import branda.expert.atomic
    from branda import expert
    from branda.expert.interview import open_interview

    out = tmp_path / "lock.yaml"
    seen = []
    real_replace = os.replace

    def replace(src, dst):  # just before the new version takes the name, it is locked already
        fd = os.open(src, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(src)
        finally:
            os.close(fd)
        real_replace(src, dst)

    monkeypatch.setattr(expert.atomic.os, "replace", replace)
    with open_interview(MODEL, str(out)) as file:
        file.save(Answers(facts={FIRST: 3}, organisation="A", organisation_asked=True))
        fd = os.open(out, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    assert len(seen) == 2  # the new file, then the answer


def test_a_file_replaced_between_open_and_lock_is_opened_again(tmp_path, monkeypatch):
    import branda.expert.interview
    from branda import expert
    out = tmp_path / "race.yaml"
    save_answers(MODEL, out, Answers(facts={FIRST: 1}, organisation="Old", organisation_asked=True))
    real_flock = fcntl.flock
    calls = []

    def flock(fd, how):  # the first time, another writer puts a new version in place just before the lock
        if not calls:
            newer = tmp_path / "newer.yaml"
            save_answers(MODEL, newer, Answers(facts={FIRST: 5}, organisation="New", organisation_asked=True))
            os.replace(newer, out)
        calls.append(fd)
        return real_flock(fd, how)

    monkeypatch.setattr(expert.interview.fcntl, "flock", flock)
    with expert.interview.open_interview(MODEL, str(out)) as file:
        assert len(calls) == 2  # locked the old one, saw it had lost the name, opened the new one
        assert (file.answers.organisation, dict(file.answers.facts)) == ("New", {FIRST: 5})


# --- a hand-written profile: comments kept, blanks asked ------------------------------------------------

HAND_WRITTEN = """\
# Workshop notes, 2026-11-20: two facts still to ask.
# Keep this file: the client reads it.
organisation: UAB Komentaras   # the legal name
assessed_on: 2026-11-20

facts:
    # --- what we saw ---
    customer_focus: 4        # seen in the stores
    cx_ownership: 5
    resistance:              # not asked yet
    # --- level 2, the rest ---
    collaboration: 3  # so-so
    process_standardisation: null
# end of the notes
"""


def answer_all(runner, out: Path, answers: list[str]) -> tuple[str, list[str]]:
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="".join(a + "\n" for a in answers))
    assert result.exit_code == 0, result.output
    asked = [line.split("]")[0][1:] for line in result.output.splitlines() if line.startswith("[")]
    return result.output, asked


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_resuming_keeps_the_comments_order_and_formatting(runner, tmp_path, newline):
    out = tmp_path / "notes.yaml"
    out.write_bytes(HAND_WRITTEN.replace("\n", newline).encode())
    _, asked = answer_all(runner, out, ["2", "?", "3", "q"])
    new = out.read_bytes().decode()
    assert new.count("\n") == new.count(newline)  # the line ends are the file's own
    lines = new.split(newline)
    assert lines[0].startswith("# branda interview answers.")
    # every line of the original is still there, in its order; an answered blank keeps its comment
    remaining = iter(lines)
    for line in HAND_WRITTEN.splitlines():
        key = line.strip().split(":")[0]
        if key in asked[:3] and line.rstrip().endswith((":", "# not asked yet", "null")):
            expected = re.compile(re.escape(line.split(":")[0]) + r": \S+" + re.escape(
                line.split(":", 1)[1].lstrip(" ").removeprefix("null")).replace("\\#", " *#"))
            assert any(expected.fullmatch(n) for n in remaining), (line, new)
        else:
            assert line in remaining, (line, new)
    for name in asked[:3]:  # new facts take the file's own indentation
        assert any(n.startswith(f"    {name}: ") for n in lines), new
    saved = load_answers(MODEL, out)
    assert [saved.facts[n] for n in asked[:3]] == [2, None, 3]
    assert saved.organisation == "UAB Komentaras"


def test_blank_and_null_facts_are_asked_and_question_marks_are_not(runner, tmp_path):
    out = tmp_path / "partial.yaml"
    out.write_text((ROOT / "examples" / "startup_partial.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    from branda.expert.interview import next_questions

    loaded = load_answers(MODEL, out)
    assert {"process_standardisation", "cx_strategy"} <= set(next_questions(MODEL, loaded))  # "not asked yet (unknown)"
    assert "process_standardisation" not in loaded.facts and "cx_strategy" not in loaded.facts
    output, asked = answer_all(runner, out, ["2", "4", "q"])
    assert asked[:2] == ["resistance", "process_standardisation"]
    assert "No remaining answer" not in output
    assert "# the founder drives it personally" in out.read_text(encoding="utf-8")
    assert load_answers(MODEL, out).facts["process_standardisation"] == 4

    dont_know = tmp_path / "dont_know.yaml"
    dont_know.write_text("organisation: X\nfacts:\n  customer_focus: '?'\n  resistance: ~\n", encoding="utf-8")
    _, asked = answer_all(runner, dont_know, ["q"])
    assert asked == ["resistance"]  # '?' was asked; ~ (null) was not


def test_the_saved_file_says_what_question_mark_and_blank_mean(runner, tmp_path):
    for lang, words in (("en", ["'?'", "blank", "null", "not been asked yet"]),
                        ("lt", ["'?'", "be reikšmės", "null", "dar neužduotas"])):
        out = tmp_path / f"header-{lang}.yaml"
        result = runner.invoke(cli, ["interview", "--out", str(out), "--lang", lang], input="A\n?\nq\n")
        assert result.exit_code == 0, result.output
        header = out.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# branda interv") and all(w in header for w in words), header
        assert yaml.safe_load(out.read_text(encoding="utf-8"))["facts"] == {FIRST: "?"}


def test_a_file_of_the_first_version_keeps_its_null_as_asked(runner, tmp_path):
    out = tmp_path / "old.yaml"
    out.write_text("# branda interview answers; a fact given as null was asked and is not known.\n"
                   f"organisation: Old\nfacts:\n  {FIRST}: null\n", encoding="utf-8")
    _, asked = answer_all(runner, out, ["3", "q"])
    assert asked[0] == SECOND
    text = out.read_text(encoding="utf-8")
    assert "given as null" not in text and f"{FIRST}: '?'" in text
    assert dict(load_answers(MODEL, out).facts) == {FIRST: None, SECOND: 3}


def test_flow_style_facts_stay_flow_style(runner, tmp_path):
    out = tmp_path / "flow.yaml"
    out.write_text("organisation: Flow  # one line\nfacts: {customer_focus: 4}\n", encoding="utf-8")
    _, asked = answer_all(runner, out, ["2", "q"])
    assert dict(load_answers(MODEL, out).facts) == {"customer_focus": 4, asked[0]: 2}
    assert "facts: {" in out.read_text(encoding="utf-8") and "# one line" in out.read_text(encoding="utf-8")


# --- a folder or disk that cannot be written --------------------------------------------------------------

@contextmanager
def read_only(folder: Path):
    """`folder` made unwritable for real: permission bits, or for root (who ignores them) `chattr +i`."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    try:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    except OSError:
        done = False
    if not done:
        pytest.skip("running as root without chattr: a folder cannot be made read-only here "
                    "(the simulated read-only and full-disk tests below still run)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_resuming_in_a_read_only_folder_is_one_line_naming_the_file(runner, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    out = folder / "acme.yaml"
    save_answers(MODEL, out, Answers(facts={FIRST: 4}, organisation="Acme", organisation_asked=True))
    before = out.read_bytes()
    with read_only(folder):
        result = runner.invoke(cli, ["interview", "--out", str(out)], input="4\n4\n")
        new = runner.invoke(cli, ["interview", "--out", str(folder / "new.yaml")], input="Acme\n")
    for r in (result, new):
        assert r.exit_code == 2, r.output
        assert r.stdout == ""  # refused before anything is asked
        assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("branda: error: ")
    assert str(out) in result.stderr
    assert out.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["acme.yaml"]


@pytest.mark.parametrize("error, reason", [(errno.EROFS, "the file system is read-only"),
                                           (errno.ENOSPC, "no space left on the device")])
def test_a_write_that_fails_midway_is_one_line_and_the_file_is_as_it_was(runner, tmp_path, monkeypatch, error,
                                                                        reason):
    import branda.expert.atomic
    from branda import expert
    out = tmp_path / "acme.yaml"
    save_answers(MODEL, out, Answers(facts={FIRST: 4}, organisation="Acme", organisation_asked=True))
    before = out.read_bytes()

    def broken(src, dst):
        raise OSError(error, os.strerror(error), str(dst))

    monkeypatch.setattr(expert.atomic.os, "replace", broken)
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="4\n4\n")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"branda: error: {out}: cannot write the file: {reason}; nothing was written\n"
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.yaml"]


def test_a_new_file_that_cannot_be_written_is_not_left_behind(runner, tmp_path, monkeypatch):
    import branda.expert.atomic
    from branda import expert
    def broken(src, dst):
        raise OSError(errno.ENOSPC, "no space", str(dst))

    monkeypatch.setattr(expert.atomic.os, "replace", broken)
    out = tmp_path / "new.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="Acme\n")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.output
    assert list(tmp_path.iterdir()) == []


# --- what the interview accepts and writes ------------------------------------------------------------------

def test_a_huge_organisation_name_is_refused_and_asked_again(runner, tmp_path):
    out = tmp_path / "huge.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="x" * 2_000_000 + "\nUAB Short\n4\nq\n")
    assert result.exit_code == 0
    assert "That name is 2,000,000 characters long; a name may have at most 200. Please type a shorter one " \
           "(or q to stop)." in result.output
    assert result.output.count(ORGANISATION_PROMPT) == 2
    assert load_profile(MODEL, out).organisation == "UAB Short"  # the file reads back
    assert out.stat().st_size < 1000
    exactly = tmp_path / "exactly.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(exactly)], input="y" * 200 + "\nq\n")
    assert load_answers(MODEL, exactly).organisation == "y" * 200


def test_an_answer_that_would_make_the_file_too_big_to_read_is_refused(runner, tmp_path):
    out = tmp_path / "big.yaml"
    head = f"facts:\n  {FIRST}: 4\norganisation: "
    out.write_text(head + "z" * (MAX_PROFILE_BYTES - len(head) - 10) + "\n", encoding="utf-8")
    before = out.read_bytes()
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="4\n")
    assert result.exit_code == 2
    assert result.stderr == f"branda: error: {out}: with this answer the file would be larger than a profile " \
                            "may be (1 MB); it was not written\n"
    assert out.read_bytes() == before


@pytest.mark.parametrize("typed", ["q", "Q", " q "])
def test_q_at_the_organisation_prompt_stops(runner, tmp_path, typed):
    out = tmp_path / "q.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input=typed + "\n4\n")
    assert result.exit_code == 0, result.output
    assert stopped_line(0, out) in result.output
    assert "[" not in result.output.split(ORGANISATION_PROMPT, 1)[1].split("Stopped")[0]  # no question asked
    saved = load_answers(MODEL, out)
    assert not saved.organisation_asked and saved.organisation is None  # asked again next time
    assert_resumable(runner, out, ORGANISATION_PROMPT)


@pytest.mark.parametrize("input_text", ["", "  "])
def test_stopped_at_the_organisation_prompt_the_file_it_names_exists(runner, tmp_path, input_text):
    out = tmp_path / "eof.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input=input_text)
    assert result.exit_code == 0, result.output
    assert stopped_line(0, out) in result.output
    load_profile(MODEL, out)  # the file the message names is there, and it is a profile


def test_undecodable_input_is_not_an_error(runner, tmp_path):
    out = tmp_path / "bytes.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input=b"UAB \xff\xfe\n4\nq\n")
    assert result.exit_code == 0, result.output
    assert load_answers(MODEL, out).organisation == "UAB \ufffd\ufffd"


def test_control_characters_from_a_resumed_file_never_reach_the_terminal(runner, tmp_path):
    out = tmp_path / "hostile.yaml"
    out.write_text('organisation: "\\e]0;pwned\\a\\e[2J\\u202eevil\\u2028"\nfacts: {}\n', encoding="utf-8")
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="4\n\x1b[2J\rq\nq\n")
    assert result.exit_code == 0, result.output
    assert not TERMINAL_CONTROL.search(result.stdout), repr(result.stdout[-500:])
    assert "\\x1b]0;pwned\\x07" in result.stdout  # shown, escaped


def test_a_control_character_typed_as_the_organisation_is_dropped(runner, tmp_path):
    out = tmp_path / "typed.yaml"
    result = runner.invoke(cli, ["interview", "--out", str(out)], input="UAB \x1b[31mRed\x07\nq\n")
    assert result.exit_code == 0
    assert load_answers(MODEL, out).organisation == "UAB [31mRed"
    assert not TERMINAL_CONTROL.search(result.stdout)


# --- terminal_safe ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("UAB Acme", "UAB Acme"),
    ("two\nlines\n", "two\nlines\n"),
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    ("a\rb\tc\x00d", "a\\rb\\tc\\x00d"),
    ("del\x7f c1\x85\x9b", "del\\x7f c1\\x85\\x9b"),
    ("\u2028\u2029", "\\u2028\\u2029"),
    ("\u202aa\u202eb\u2066c\u2069", "\\u202aa\\u202eb\\u2066c\\u2069"),
    ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("lone \udcff", "lone \\udcff"),
    ("Kodo dirbtuvės „Ąžuolas“\u00a0😀 \ufeff", "Kodo dirbtuvės „Ąžuolas“\u00a0😀 \\ufeff"),
])
def test_terminal_safe_keeps_line_breaks_and_escapes_every_other_control(text, shown):
    assert terminal_safe(text) == shown
    assert not TERMINAL_CONTROL.search(terminal_safe(text).replace("\n", ""))


def test_terminal_safe_examples_hold():
    assert doctest.testmod(expert.terminal).failed == 0
