"""What reaches the terminal, and Ctrl-C from it.

`terminal_safe` makes text from a file or from input safe to print: a line break stays, every other control or
format character is shown as a visible escape, so a name read from a profile cannot move the cursor, recolour
the screen or reorder the line around it. `CtrlC` turns Ctrl-C into one KeyboardInterrupt for a whole command,
held back while a save is under way, so a command can stop with its own line instead of "Aborted!".
"""

from __future__ import annotations

import signal
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

__all__ = ["CtrlC", "terminal_safe"]

_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # controls (C0, DEL, C1), format (bidi…), surrogates, U+2028/9


def _escape(char: str) -> str:
    if char == "\n" or unicodedata.category(char) not in _UNSAFE:
        return char
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def terminal_safe(text: str) -> str:
    r"""`text` with line breaks kept and every other control or format character written as an escape.

    Escaped: C0 controls but the line break (tab, carriage return, ESC…), DEL, C1 controls, U+2028/U+2029,
    the bidirectional controls (U+202A-U+202E, U+2066-U+2069) and the other format characters, and lone
    surrogates (undecodable input). Letters, marks, spaces of any kind and emoji are left as they are.

    >>> terminal_safe("UAB Acme\n")
    'UAB Acme\n'
    >>> terminal_safe("a\x1b[2Jb")
    'a\\x1b[2Jb'
    >>> terminal_safe("x\ty\rz\x7f\x9b")
    'x\\ty\\rz\\x7f\\x9b'
    >>> terminal_safe("abc\u202edcba\u2028")
    'abc\\u202edcba\\u2028'
    >>> terminal_safe("Kodo dirbtuvės\u00a0UAB „Ąžuolas“ 😀")
    'Kodo dirbtuvės\xa0UAB „Ąžuolas“ 😀'
    """
    if text.replace("\n", "").isprintable():  # the usual case, at C speed
        return text
    return "".join(map(_escape, text))


class CtrlC:
    """SIGINT for the length of a `with` block: one KeyboardInterrupt, never raised inside `held()`.

    The first Ctrl-C raises KeyboardInterrupt where the program is, unless a `held()` block (a save) runs: then
    it is raised as that block ends, so what was being saved is saved. Any later Ctrl-C is ignored, so the
    stop itself (its message, closing the file) is not cut short; so is one after `finish()`. The previous
    handling comes back when the block ends. Outside the main thread signals cannot be handled: it does nothing.

    A KeyboardInterrupt can be lost on its way: raised while Python finalises an abandoned generator, or inside
    code that ignores errors, it never reaches the command, which would carry on deaf to Ctrl-C. So the command
    reads its input inside `waiting()`: a Ctrl-C raised and not yet `finish()`ed is raised again there (and
    Python's "Exception ignored" report of it is not shown), and one pressed while it waits always stops it.
    """

    def __init__(self) -> None:
        self._held = 0
        self._pending = False
        self._installed = False
        self._previous: Any = None
        self._previous_hook: Any = None
        self._waiting = False
        self.raised = False  # a Ctrl-C has been raised as KeyboardInterrupt
        self.finished = False  # the command is stopping (or done): no Ctrl-C interrupts it any more

    @property
    def stopping(self) -> bool:
        """Whether a Ctrl-C has been raised or the command has finished."""
        return self.raised or self.finished

    def __enter__(self) -> CtrlC:
        try:
            self._previous = signal.signal(signal.SIGINT, self._on_signal)
            self._installed = True
        except ValueError:  # not the main thread
            return self
        self._previous_hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            previous = self._previous if self._previous is not None else signal.default_int_handler
            signal.signal(signal.SIGINT, previous)
            sys.unraisablehook = self._previous_hook
            self._installed = False

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.finished or (self.raised and not self._waiting):
            return
        if self._held:
            self._pending = True
            return
        self.raised = True
        raise KeyboardInterrupt

    def _unraisable(self, unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and self.raised and not self.finished:
            return  # our Ctrl-C, lost where errors are ignored: `waiting()` raises it again
        self._previous_hook(unraisable)

    @contextmanager
    def held(self) -> Iterator[None]:
        """A block that Ctrl-C does not interrupt: a Ctrl-C during it is raised when it has ended."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held and self._pending and not self.stopping:
            self._pending = False
            self.raised = True
            raise KeyboardInterrupt

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """A wait for input: a Ctrl-C that was lost on its way is raised again, and one pressed meanwhile stops it."""
        if self.raised and not self.finished:
            raise KeyboardInterrupt
        self._waiting = True
        try:
            yield
        finally:
            self._waiting = False

    def finish(self) -> None:
        """The command is done: a Ctrl-C from now on is ignored rather than interrupting the way out."""
        self.finished = True


@contextmanager
def held(ctrl_c: CtrlC | None) -> Iterator[None]:
    """`ctrl_c.held()`, or nothing when there is no CtrlC."""
    if ctrl_c is None:
        yield
    else:
        with ctrl_c.held():
            yield
