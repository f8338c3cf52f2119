"""The record of one inference run: each rule firing in order, and what the run concluded."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Firing:
    """One rule firing: the client facts it matched (with their values), the conclusions it used and made."""

    rule: str
    because: dict[str, int]
    given: tuple[str, ...]
    concludes: tuple[str, ...]


@dataclass(frozen=True)
class Run:
    """What one engine run established."""

    level: int
    firings: tuple[Firing, ...]
    diagnoses: tuple[tuple[str, str], ...]  # (code, rule) in firing order
