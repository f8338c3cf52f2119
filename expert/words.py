"""The words a person reads for the model's codes: fact labels, scale labels, conditions said on the scale."""

from __future__ import annotations

import re
from collections.abc import Callable

from branda.expert.profile import Evidence
from branda.knowledge.model import Model

_PART = re.compile(r"(>=|<=)\s*(-?\d+)")


def label(model: Model, fact: str, lang: str) -> str:
    """The fact's short label ("Chasing quick results"); the code itself for a name the model lacks."""
    found = model.facts.get(fact)
    return found.label(lang) if found is not None else fact


def with_code(model: Model, fact: str, lang: str) -> str:
    """The label with the code once in brackets, for the terminal (consultants type the code in --set)."""
    return model.text("fact_with_code", lang, label=label(model, fact, lang), code=fact)


def scale_label(model: Model, value: int, lang: str) -> str:
    """An answer as its scale label in quotation marks: “mostly true”."""
    text = model.scale[value](lang) if value in model.scale else str(value)
    return model.text("scale_quote", lang, text=text)


def value_words(model: Model, value: int | None, lang: str, numbers: bool = False) -> str:
    """An answer said in words (“mostly true”, with its number when `numbers`), or "not answered yet"."""
    if value is None:
        return model.text("not_answered", lang)
    said = scale_label(model, value, lang)
    return model.text("value_with_number", lang, label=said, value=value) if numbers else said


def bounds_of(model: Model, needed: str) -> tuple[int, int]:
    """The answers a need like '>= 4', '<= 3' or '>= 2 and <= 4' allows, as (lowest, highest)."""
    low, high = model.low, model.high
    for op, number in _PART.findall(needed):
        if op == ">=":
            low = max(low, int(number))
        else:
            high = min(high, int(number))
    return low, high


def needs_words(model: Model, needed: str, lang: str, numbers: bool = False) -> str:
    """A need on the scale said in words: at least “mostly true”, at most “partly true”, from … to …."""
    return range_words(model, *bounds_of(model, needed), lang, numbers)


def range_words(model: Model, low: int, high: int, lang: str, numbers: bool = False) -> str:
    """The answers low..high said on the scale: “x”, at least “x”, at most “x”, or from “x” to “y”."""
    def said(value: int) -> str:
        return value_words(model, value, lang, numbers)

    if low == high:
        return model.text("needs_exactly", lang, label=said(low))
    if high == model.high:
        return model.text("needs_at_least", lang, label=said(low))
    if low == model.low:
        return model.text("needs_at_most", lang, label=said(high))
    return model.text("needs_between", lang, low=said(low), high=said(high))


def plural_form(n: int, lang: str) -> int:
    """Which of a noun's three forms a count takes: 0 one, 1 few, 2 many (Lithuanian: 1 / 2–9 / 10+)."""
    if lang == "lt":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        return 1 if 2 <= n % 10 <= 9 and not 12 <= n % 100 <= 19 else 2
    return 0 if n == 1 else 1


def noun(model: Model, n: int, key: str, lang: str) -> str:
    """The noun of text `key` ("one|few|many") in the form the count `n` takes."""
    forms = model.text(key, lang).split("|")
    return forms[min(plural_form(n, lang), len(forms) - 1)]


def counted(model: Model, n: int, key: str, lang: str) -> str:
    """A count with its noun: "1 question", "3 questions"; "21 klausimas", "10 klausimų"."""
    return f"{n} {noun(model, n, key, lang)}"


def evidence_said(model: Model, note: Evidence, lang: str, several: bool = False,
                  wrap: Callable[[str], str] = str) -> str:
    """A rating's evidence as a reader sees it: "Evidence: … (source: …; given by …)", the note as typed
    (passed through `wrap`, which a report uses to mark text from a file)."""
    details = []
    if note.source:
        details.append(model.text("evidence_source", lang, source=wrap(note.source)))
    if several and note.respondent:
        details.append(model.text("evidence_respondent", lang, respondent=wrap(note.respondent)))
    text = wrap(note.evidence) if note.evidence else model.text("evidence_none", lang)
    return model.text("evidence_line", lang, evidence=text, details=f" ({'; '.join(details)})" if details else "")
