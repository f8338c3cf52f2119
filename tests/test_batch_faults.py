"""`branda batch` under faults, kills and hostile text (issue 9).

Real processes where the fault is about processes: each run is its own session (`start_new_session`), so its
process group is everything it started; a kill must leave no member of that group, the caller's pipes must
reach EOF, and `--out` must be the old file or a complete new one, never part of one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import MODEL, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branda.cli import cli

BRANDA = [sys.executable, str(ROOT / "cli.py")]
FACTS = list(MODEL.facts)
SCALE = [str(v) for v in MODEL.scale]  # the answers, as cells
LABELS = ", ".join(repr(label(lang)) for lang in MODEL.languages for label in MODEL.scale.values())
ALLOWED = (f"allowed: a whole number {MODEL.low}-{MODEL.high}, a label of the scale ({LABELS}), "
           "or empty, null or ? for unknown")
RUN_LIMIT = 60  # seconds: a deadline for a hung run, never a measure of speed
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")


def survey(path: Path, count: int, seed: int = 7) -> Path:
    """`count` organisations with every fact answered (the bench generator's shape, kept small and local)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["organisation", *FACTS])
        for i in range(1, count + 1):
            writer.writerow([f"Organisation {i:05d}", *(rnd.choice([*SCALE, ""]) for _ in FACTS)])
    return path


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group `pgid`."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry))
    return members


def wait_until_empty(pgid: int, deadline: float = 10.0) -> list[int]:
    end = time.monotonic() + deadline
    while (members := group_members(pgid)) and time.monotonic() < end:
        time.sleep(0.02)
    return members


def workers(jobs: str) -> int:
    """The processes of a running batch: the batch itself, and its workers when there are several."""
    return 1 + int(jobs) if int(jobs) > 1 else 1


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".branda-" in p.name and p.name.endswith(".tmp"))


def start(args: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([*BRANDA, "batch", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, cwd=ROOT, **kwargs)


def finish(proc: subprocess.Popen, timeout: float = RUN_LIMIT) -> tuple[str, str]:
    """The run's stdout and stderr once both pipes reach EOF; a hung run is killed (and the test fails)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the caller's pipes did not reach EOF: something still holds them")
    return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*BRANDA, "batch", *args], input=stdin, capture_output=True, cwd=ROOT,
                          timeout=RUN_LIMIT)


IGNORED_NOTE = MODEL.text("survey_ignored", "en", columns="")


def error_lines(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and all(line.startswith("branda: error: ") for line in lines), stderr
    assert "Traceback" not in stderr
    return [line.removeprefix("branda: error: ") for line in lines]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return survey(tmp_path_factory.mktemp("survey") / "survey.csv", 3_000)


@pytest.fixture(scope="module")
def expected(source, tmp_path_factory) -> dict[str, bytes]:
    """What a run that is left alone writes, per output kind."""
    folder = tmp_path_factory.mktemp("expected")
    found = {}
    for kind in ("csv", "json"):
        done = run([str(source), "--out", str(folder / f"r.{kind}"), "--jobs", "1"])
        assert done.returncode == 0, done.stderr
        found[kind] = (folder / f"r.{kind}").read_bytes()
    return found


# --- kills: no survivor, pipes closed, old or complete output, no temporary --------------------------------

@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=["TERM", "HUP", "KILL"])
def test_a_batch_killed_while_it_works_leaves_nothing_behind(tmp_path, source, expected, signum, jobs):
    out = tmp_path / "results.csv"
    out.write_text("last week's results\n", encoding="utf-8")
    # the engine of record makes the run last seconds, so the kill lands while workers and the temporary exist
    proc = start([str(source), "--out", str(out), "--jobs", jobs, "--engine", "experta"])
    try:
        end = time.monotonic() + RUN_LIMIT
        while not (temporaries(tmp_path) and len(group_members(proc.pid)) >= workers(jobs)):
            assert proc.poll() is None and time.monotonic() < end, "the batch ended before it could be killed"
            time.sleep(0.005)
        time.sleep(random.uniform(0, 0.3))
        os.kill(proc.pid, signum)
        _, err = finish(proc)
    finally:
        if group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert wait_until_empty(proc.pid) == []
    assert out.read_text(encoding="utf-8") == "last week's results\n"
    if signum == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:  # cleaned up by the batch itself, at once, with 128 + the signal
        assert (proc.returncode, err) == (128 + signum, "")
        assert temporaries(tmp_path) == []
    # the next run cleans what a SIGKILL left and writes the complete results
    assert run([str(source), "--out", str(out)]).returncode == 0
    assert temporaries(tmp_path) == []
    assert out.read_bytes() == expected["csv"]


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=["TERM", "HUP", "KILL"])
def test_a_batch_killed_at_a_random_moment_leaves_old_or_complete_results(tmp_path, source, expected, signum, jobs):
    out = tmp_path / "results.csv"
    out.write_text("last week's results\n", encoding="utf-8")
    proc = start([str(source), "--out", str(out), "--jobs", jobs])
    try:
        time.sleep(random.uniform(0, 0.6))  # start-up, reading, assessing, or already done
        if proc.poll() is None:
            os.kill(proc.pid, signum)
        _, err = finish(proc)
    finally:
        if group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert wait_until_empty(proc.pid) == []
    assert proc.returncode in (0, -signum, 128 + signum), err
    assert "Traceback" not in err
    assert out.read_bytes() in (b"last week's results\n", expected["csv"])  # a signal may follow the rename
    if proc.returncode == 0:
        assert out.read_bytes() == expected["csv"]
    assert run([str(source), "--out", str(out)]).returncode == 0
    assert temporaries(tmp_path) == []


@linux_only
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_with_130_no_traceback_and_the_old_results(tmp_path, source, jobs):
    out = tmp_path / "results.json"
    out.write_text("[]\n", encoding="utf-8")
    proc = start([str(source), "--out", str(out), "--jobs", jobs, "--engine", "experta"])
    try:
        end = time.monotonic() + RUN_LIMIT
        while not (temporaries(tmp_path) and len(group_members(proc.pid)) >= workers(jobs)):
            assert proc.poll() is None and time.monotonic() < end
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
        _, err = finish(proc)
    finally:
        if group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert "Traceback" not in err and "Aborted" not in err
    assert wait_until_empty(proc.pid) == []
    assert out.read_text(encoding="utf-8") == "[]\n"
    assert temporaries(tmp_path) == []


# --- one read: a pipe and a FIFO are files like any other ---------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "json"])
def test_a_batch_from_a_pipe_gives_what_the_file_gives(tmp_path, source, expected, kind):
    out = tmp_path / f"results.{kind}"
    out.write_text("old\n", encoding="utf-8")
    done = run(["/dev/stdin", "--out", str(out), "--format", "json"], stdin=source.read_bytes())
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == expected[kind]
    summary = json.loads(done.stdout)
    assert summary["organisations"] == 3_000 and summary["file"] == "/dev/stdin"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_batch_from_a_fifo_gives_what_the_file_gives(tmp_path, source, expected):
    fifo = tmp_path / "survey.csv"
    os.mkfifo(fifo)
    out = tmp_path / "results.csv"
    proc = start([str(fifo), "--out", str(out)])
    feeder = feed(fifo, source.read_bytes())
    _, err = finish(proc)
    feeder.join(RUN_LIMIT)
    assert (proc.returncode, err) == (0, "")
    assert out.read_bytes() == expected["csv"]


def feed(fifo: Path, head: bytes, tail: bytes = b"", folder: Path | None = None) -> threading.Thread:
    """Write `head` to `fifo` (once branda opens it), wait for branda's temporary output in `folder`, write `tail`.

    In a daemon thread, so that a branda that never opens the FIFO fails the test instead of hanging it.
    """

    def write() -> None:
        with fifo.open("wb") as f:
            f.write(head)
            f.flush()
            end = time.monotonic() + RUN_LIMIT
            while folder is not None and not temporaries(folder) and time.monotonic() < end:
                time.sleep(0.005)
            f.write(tail)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_rows_that_turn_bad_after_the_results_are_being_written_refuse_the_whole_batch(tmp_path, source):
    """The defect of two passes: the file changed between the check and the assessment. One pass judges what it read."""
    lines = source.read_bytes().splitlines(keepends=True)
    head, tail = b"".join(lines[:2_500]), b"".join([b"UAB Late,9\n", *lines[2_500:2_900], b"UAB Later," * 3 + b"\n"])
    fifo = tmp_path / "survey.csv"
    os.mkfifo(fifo)
    out = tmp_path / "results.csv"
    out.write_text("old\n", encoding="utf-8")
    proc = start([str(fifo), "--out", str(out)])
    feeder = feed(fifo, head, tail, tmp_path)
    stdout, err = finish(proc)
    feeder.join(RUN_LIMIT)
    assert proc.returncode == 2 and stdout == ""
    problems = error_lines(err)
    assert [p.split(": ", 2)[1] for p in problems] == ["line 2501 (row 2500)", "line 2902 (row 2901)"]
    assert f"2 cells, fewer than the header's {1 + len(FACTS)} columns" in problems[0]
    assert out.read_text(encoding="utf-8") == "old\n"
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("through", ["file", "pipe"])
def test_bad_rows_deep_in_a_large_file_are_all_named_and_nothing_is_written(tmp_path, source, through):
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = {2_400: f"UAB X,{MODEL.high + 1}" + f",{MODEL.low}" * (len(FACTS) - 1) + "\n",
           2_990: "UAB Y" + ",4.0" * len(FACTS) + "\n"}
    text = "".join(bad.get(i, line) for i, line in enumerate(lines))
    given = tmp_path / "survey.csv"
    given.write_text(text, encoding="utf-8")
    out = tmp_path / "results.json"
    out.write_text("[]\n", encoding="utf-8")
    if through == "file":
        done = run([str(given), "--out", str(out)])
    else:
        done = run(["/dev/stdin", "--out", str(out)], stdin=text.encode("utf-8"))
    assert done.returncode == 2 and done.stdout == b""
    problems = error_lines(done.stderr.decode("utf-8"))
    assert [p.split(": ", 2)[1] for p in problems] == ["line 2401 (row 2400)", "line 2991 (row 2990)"]
    assert problems[0].endswith(f"column '{FACTS[0]}' has value '{MODEL.high + 1}'; {ALLOWED}")
    assert problems[1].count("has value '4.0'") == len(FACTS)
    assert out.read_text(encoding="utf-8") == "[]\n"
    assert temporaries(tmp_path) == []


# --- --out that cannot be written -------------------------------------------------------------------------

@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a read-only folder anyway")
def test_a_read_only_folder_is_refused_before_reading(tmp_path, runner):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    source = survey(tmp_path / "s.csv", 5)
    result = runner.invoke(cli, ["batch", str(source), "--out", str(folder / "r.csv")])
    assert result.exit_code == 2 and len(error_lines(result.stderr)) == 1
    assert list(folder.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_one_line_naming_the_file(tmp_path, runner, monkeypatch):
    import branda.expert.atomic
    from branda import expert
    source = survey(tmp_path / "s.csv", 5)
    out = tmp_path / "r.csv"
    monkeypatch.setattr(expert.atomic.os, "access", lambda path, mode: False)
    result = runner.invoke(cli, ["batch", str(source), "--out", str(out)])
    assert result.exit_code == 2
    [line] = error_lines(result.stderr)
    assert line.startswith(f"--out {out}: cannot write to the folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]


# --- --jobs is bounded by the CPUs ------------------------------------------------------------------------

def test_jobs_beyond_the_cpus_are_capped_with_a_note(tmp_path, runner, monkeypatch):
    from branda.expert import batch as batch_module

    started = []

    class Counted(batch_module.Workers):
        def __init__(self, jobs, *args, **kwargs):
            started.append(jobs)
            super().__init__(jobs, *args, **kwargs)

    monkeypatch.setattr(batch_module, "Workers", Counted)
    monkeypatch.setattr(batch_module, "CHUNK_ROWS", 7)
    source = survey(tmp_path / "s.csv", 60)
    cpus = batch_module.available_cpus()
    result = runner.invoke(cli, ["batch", str(source), "--jobs", "300"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"branda: --jobs 300 is more than the {cpus} CPUs this process may use; "
                             f"{cpus} worker processes run\n")
    assert started == ([cpus] if cpus > 1 else [])


def test_jobs_follow_the_cpu_affinity(tmp_path, runner, monkeypatch):
    from branda.expert import batch as batch_module

    started = []
    monkeypatch.setattr(batch_module, "Workers", lambda jobs, *a, **k: started.append(jobs))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(batch_module, "CHUNK_ROWS", 7)
    source = survey(tmp_path / "s.csv", 60)
    result = runner.invoke(cli, ["batch", str(source), "--jobs", "2", "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr.count("\n") == 1 and "--jobs 2" in result.stderr
    assert json.loads(result.stdout)["organisations"] == 60 and started == []


# --- hostile text into CSV --------------------------------------------------------------------------------

HOSTILE = {  # organisation as written -> as the CSV cell reads back
    "=1+1": "'=1+1",
    "+x": "'+x",
    "-x": "'-x",
    "@x": "'@x",
    "\tx": "'\tx",
    "\rx": "'\rx",
    "\r=1+1": "'\r=1+1",
    "=HYPERLINK(\"http://x\",\"y\")": "'=HYPERLINK(\"http://x\",\"y\")",
    "`rm -rf ~`": "`rm -rf ~`",
    "a\nb": "a\nb",
    "a\r\nb": "a\r\nb",
    "x\r": "x\r",
    "UAB \"Kabutės\", filialas": "UAB \"Kabutės\", filialas",
    "'=already": "'=already",
    "": "",
}


def test_hostile_names_reach_csv_neutralised_and_json_verbatim(tmp_path, runner):
    source = tmp_path / "hostile.csv"
    with source.open("w", encoding="utf-8", newline="") as f:  # every cell quoted: a bare CR is then data
        writer = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(["organisation", "cx_ownership", "resistance"])
        writer.writerows([name, "4", "\t2"] for name in HOSTILE)
    out_csv, out_json = tmp_path / "r.csv", tmp_path / "r.json"
    for out in (out_csv, out_json):
        result = runner.invoke(cli, ["batch", str(source), "--out", str(out)])
        assert result.exit_code == 0, result.output
    with out_csv.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == ["organisation", "cx_ownership", "resistance", "level", "level_name", "diagnostics"]
    assert [row[0] for row in rows] == list(HOSTILE.values())
    assert all(row[1:3] == ["4", "\t2"] and len(row) == 6 for row in rows)  # checked fact cells stay as given
    assert [item["organisation"] for item in json.loads(out_json.read_text(encoding="utf-8"))] == [
        name or None for name in HOSTILE]


def test_a_cell_with_a_carriage_return_is_quoted_the_same_on_every_python():
    from branda.expert.csvio import CsvLines

    buffer = io.StringIO()
    lines = CsvLines(buffer)
    lines.write(["'\r=1+1", " 4\r"], 3, "Name", "a;b")
    lines.write(["plain", "4"], 3, "Name", "")
    assert buffer.getvalue() == "\"'\r=1+1\",\" 4\r\",\"3\",\"Name\",\"a;b\"\nplain,4,3,Name,\n"
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [
        ["'\r=1+1", " 4\r", "3", "Name", "a;b"], ["plain", "4", "3", "Name", ""]]


# --- any bytes at all: exit 0 or 2, one line per problem ---------------------------------------------------

CELL = st.sampled_from(["", "1", "3", "5", " 4 ", "?", "null", "NULL", "0", "6", "4.0", "x", "\x00", '"', '""',
                        "\r", "\n", "\r\n", ";", "=1+1", "\x1b[2J", "\ufeff", "é", "\ud800"])
NAME = st.sampled_from([*FACTS[:4], "organisation", " organisation ", "cx_strategie", "", "Organisation"])


@st.composite
def csv_like(draw) -> bytes:
    header = [draw(st.sampled_from(["organisation", "organisation", "name", ""]))] + draw(
        st.lists(NAME, max_size=4))
    rows = draw(st.lists(st.lists(CELL, max_size=6), max_size=6))
    sep = draw(st.sampled_from([",", ";"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(sep.join(cells) for cells in [header, *rows])
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=4)) + data[at:]
    return data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=120), csv_like()))
def test_any_bytes_as_a_batch_file_is_exit_0_or_2_with_one_line_per_problem(tmp_path, runner, data):
    source = tmp_path / "any.csv"
    source.write_bytes(data)
    out = tmp_path / "any.out.csv"
    out.unlink(missing_ok=True)
    result = runner.invoke(cli, ["batch", str(source), "--out", str(out)])
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith(IGNORED_NOTE)]
    assert len(notes) <= 1  # columns that are no fact are named once
    problems = "".join(line + "\n" for line in result.stderr.splitlines() if line not in notes)
    if result.exit_code == 0:
        assert problems == "" and out.exists()
    else:
        assert result.stdout == "" and not out.exists()
        assert len(error_lines(problems)) >= 1
    assert temporaries(tmp_path) == []


# --- a hostile file name reaches the terminal escaped ---------------------------------------------------------

def test_a_file_name_with_control_characters_is_escaped_in_the_summary_and_the_errors(tmp_path, runner):
    good = survey(tmp_path / "ok\x1b]0;owned\a.csv", 3)
    bad = tmp_path / "bad\x1b[2J.csv"
    bad.write_text("organisation,cx_ownership\nA,9\nB,x\n", encoding="utf-8")
    summary = runner.invoke(cli, ["batch", str(good)])
    assert summary.exit_code == 0 and "\x1b" not in summary.stdout and "\a" not in summary.stdout
    assert "ok\\x1b]0;owned\\x07.csv" in summary.stdout.splitlines()[0]
    refused = runner.invoke(cli, ["batch", str(bad)])
    assert refused.exit_code == 2 and "\x1b" not in refused.stderr
    assert len(error_lines(refused.stderr)) == 2
