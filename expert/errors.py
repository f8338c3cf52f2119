"""branda's errors, one family: bad input, a bad model, an inconsistent plan; each message is one line."""

from __future__ import annotations

from collections.abc import Iterable

SHOWN_CHARS = 60  # a name or value longer than this is cut in messages


def one_line(text: str) -> str:
    """`text` with every non-printable character (newline, tab, NUL, U+2028…) written as an escape."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text` quoted for a message: on one line, cut to `limit` characters."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return repr(cut)


class BrandaError(Exception):
    """The root of branda's own errors (networkx's `NetworkXException` is the model): catch this to catch them all."""


class InputError(BrandaError):
    """Bad user input (file, fact, value or option); the message names the source, the fact and what is allowed."""

    def __init__(self, source: str, problem: str) -> None:
        self.source, self.problem = one_line(source), one_line(problem)
        super().__init__(f"{self.source}: {self.problem}")


def closest(name: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest valid name (ignoring case), or '' when nothing is close."""
    import difflib

    by_lower = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(name.lower()[:200], list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean '{by_lower[match[0]]}'?)" if match else ""
