"""Whole-process measurements: `/usr/bin/time -f "%e %M %U %S"` around a command, compared commands interleaved.

Elapsed time (%e, 10 ms resolution), the maximum resident set size (%M, KB) and the CPU seconds (%U user + %S
system, the command's reaped worker processes included) come from GNU time. With worker
processes, %M is the peak of the largest single process, not of the tree; `tree_peak_mb` samples the tree's
summed proportional set size (PSS: shared pages split between the processes sharing them) as well.
Every command runs on the bundled model: BRANDA_MODEL is dropped from the environment (`ENV`), as the in-process
measurements load the bundled model.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TIME = "/usr/bin/time"
ROOT = Path(__file__).resolve().parent.parent
ENV = {name: value for name, value in os.environ.items() if name != "BRANDA_MODEL"}  # the bundled model


@dataclass(frozen=True)
class Sample:
    """One run of a command: elapsed seconds, peak RSS in KB, CPU seconds (user + system)."""

    elapsed: float
    max_rss_kb: int
    cpu: float


class CommandFailed(RuntimeError):
    """A measured command exited with a non-zero status."""


def run_timed(command: Sequence[str], sampler: TreeSampler | None = None) -> Sample:
    """Run `command` under GNU time from the repository root, its output discarded; fail loudly on error."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        process = subprocess.Popen([TIME, "-f", "%e %M %U %S", "-o", report.name, *command], cwd=ROOT, env=ENV,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if sampler:
            sampler.watch(process.pid)
        _, stderr = process.communicate()
        if sampler:
            sampler.stop()
        if process.returncode != 0:
            raise CommandFailed(f"{' '.join(command)} exited {process.returncode}:\n{stderr[-2000:]}")
        elapsed, rss, user, system = report.read().split()[-4:]  # GNU time may prefix a "Command exited…" line
    return Sample(float(elapsed), int(rss), float(user) + float(system))


def interleaved(commands: dict[str, Sequence[str]], repetitions: int) -> dict[str, list[Sample]]:
    """Each command once to warm the caches, then A B A B … so background load hits every command alike."""
    for command in commands.values():
        run_timed(command)
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(repetitions):
        for name, command in commands.items():
            samples[name].append(run_timed(command))
    return samples


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(c) for c in text.split()]
    except OSError:
        pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler:
    """Samples the summed PSS of a process and all its descendants every `interval` seconds."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, pid: int) -> None:
        """Sample `pid`'s tree until `stop()`; the peak is kept across successive watches."""
        self._done.clear()
        self._thread = threading.Thread(target=self._loop, args=(pid,), daemon=True)
        self._thread.start()

    def _loop(self, pid: int) -> None:
        while not self._done.is_set():
            tree, todo = [], [pid]
            while todo:
                p = todo.pop()
                tree.append(p)
                todo += _children(p)
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in tree[1:]))  # tree[0] is GNU time itself
            time.sleep(self.interval)

    def stop(self) -> None:
        self._done.set()
        if self._thread:
            self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024
