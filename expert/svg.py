"""The report's pictures as hand-written inline SVG: the level ladder, the fact profile, the transition diagram.

Every text is escaped; nothing refers outside the picture (no fonts, images or links), so a page stays whole.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "ladder_svg", "profile_svg", "transition_svg"]

ACCENT = "#1f6f8b"  # the assessed level, a condition that holds
REACHED = "#b9dbe5"  # levels below the assessed one
AHEAD = "#f1f4f6"  # levels above it
LINE = "#8a99a3"
INK = "#1d2a31"
MUTED = "#5b6b74"
OPEN = "#c07f1f"  # a condition that does not hold yet (descriptive, not an alarm)
ZONE = "#c6dfe8"
CELL = "#fbfcfc"
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" font-family="{FONT}" class="figure">'
            f"<title>{_e(title)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, size: int = 12, fill: str = INK, anchor: str = "start",
          weight: str = "normal", style: str = "normal") -> str:
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
            f'font-weight="{weight}" font-style="{style}">{_e(text)}</text>')


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def ladder_svg(names: Sequence[str], level: int, level_word: str, here: str, title: str) -> str:
    """Rising steps, one per level; the assessed level filled, the ones below it lightly.

    `level_word` is a format string for a step's heading ("Level {level}"), `here` the marker's label.
    """
    width, base, gap = 760, 244, 8
    step_w = 140 if len(names) == 5 else (width - 20 - gap * (len(names) - 1)) // len(names)
    rise = 128 // max(1, len(names) - 1)
    body = []
    for i, name in enumerate(names, 1):
        x, h = 10 + (i - 1) * (step_w + gap), 74 + (i - 1) * rise
        top = base - h
        fill, ink = (ACCENT, "#ffffff") if i == level else (REACHED if i < level else AHEAD, INK)
        body.append(f'<rect x="{x}" y="{top}" width="{step_w}" height="{h}" rx="4" fill="{fill}" '
                    f'stroke="{ACCENT if i <= level else LINE}" stroke-width="1.5"/>')
        body.append(_text(x + 10, top + 20, level_word.format(level=i), 13, ink, weight="bold"))
        for j, line in enumerate(_lines(name, 19)[:3]):
            body.append(_text(x + 10, top + 38 + j * 15, line, 12, ink))
        if i == level:
            mid = x + step_w / 2
            body.append(f'<path d="M{mid - 7:g},{top - 16} L{mid + 7:g},{top - 16} L{mid:g},{top - 6} Z" '
                        f'fill="{ACCENT}"/>')
            body.append(_text(mid, top - 22, here, 12, ACCENT, "middle", "bold"))
    return _svg(width, base + 8, title, body)


@dataclass(frozen=True)
class Bar:
    """One fact's row in the profile chart."""

    fact: str
    polarity: str  # "+" or "-"
    value: int | None
    zone: tuple[int, ...]  # the values the shown condition accepts (shaded)
    status: str  # "holds", "open" (not yet, or a diagnostic raised) or "unknown"
    note: str


def profile_svg(groups: Sequence[tuple[str, Sequence[Bar]]], unknown: str, title: str,
                scale: Sequence[int] = (1, 2, 3, 4, 5)) -> str:
    """Every fact on the scale, grouped by the level that reads it; shaded cells: what the condition accepts."""
    width, row, head = 760, 24, 30
    cell = min(36, 180 // len(scale))
    cells = len(scale)
    track_x, note_x = 240, 240 + cells * cell + 80
    body, y = [], 26
    for i, v in enumerate(scale):  # the scale above the first group
        body.append(_text(track_x + (i + 0.5) * cell, y - 8, str(v), 11, MUTED, "middle"))
    for heading, bars in groups:
        y += 4
        body.append(_text(10, y + 16, heading, 13, INK, weight="bold"))
        body.append(f'<line x1="10" y1="{y + 22}" x2="{width - 10}" y2="{y + 22}" stroke="#d5dde2"/>')
        y += head
        for bar in bars:
            mid = y + row / 2
            sign = "\u2212" if bar.polarity == "-" else "+"
            body.append(_text(10, mid + 4, f"{bar.fact} ({sign})", 12, INK))
            for i, v in enumerate(scale):
                fill = ZONE if v in bar.zone else CELL
                body.append(f'<rect x="{track_x + i * cell + 1}" y="{mid - 8:g}" width="{cell - 2}" '
                            f'height="16" fill="{fill}" stroke="#c9d3d9"/>')
            if bar.value is None:
                body.append(_text(track_x + cells * cell + 10, mid + 4, unknown, 11, MUTED, style="italic"))
            else:
                colour = {"holds": ACCENT, "open": OPEN}.get(bar.status, MUTED)
                body.append(f'<rect x="{track_x + 3}" y="{mid - 4:g}" width="{(bar.value - scale[0] + 1) * cell - 6}" height="8" '
                            f'rx="2" fill="{colour}"/>')
                body.append(_text(track_x + cells * cell + 10, mid + 4, str(bar.value), 12, INK, weight="bold"))
            colour = {"holds": ACCENT, "open": OPEN}.get(bar.status, MUTED)
            body.append(_text(note_x, mid + 4, bar.note, 12, colour))
            y += row
    return _svg(width, y + 10, title, body)


def transition_svg(names: Sequence[str], level: int, forward: dict[int, str], fallback: dict[int, str],
                   stressed: int | None, title: str) -> str:
    """The levels in a row; arcs above move up (labelled with what it takes), dashed arcs below fall back."""
    count = len(names)
    width, box_h, top = 760, 72, 96
    step = 151 if count == 5 else (width - 20) / count
    box_w = min(124, step - 20)
    body = ["<defs>" + "".join(
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" '
        f'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 Z" fill="{colour}"/>'
        "</marker>" for name, colour in (("branda-arrow", LINE), ("branda-arrow-here", ACCENT))) + "</defs>"]

    def x_of(n: int) -> float:
        return 10 + (n - 1) * step

    for n in range(1, count):  # forward arcs over the top
        x1, x2 = x_of(n) + box_w * 0.7, x_of(n + 1) + box_w * 0.3
        here = n == level
        colour, marker = (ACCENT, "branda-arrow-here") if here else (LINE, "branda-arrow")
        body.append(f'<path d="M{x1:g},{top} C{x1 + 10:g},{top - 46} {x2 - 10:g},{top - 46} {x2:g},{top - 2}" '
                    f'fill="none" stroke="{colour}" stroke-width="{2.5 if here else 1.5}" '
                    f'marker-end="url(#{marker})"/>')
        body.append(_text((x1 + x2) / 2, top - 44, forward.get(n, ""), 11, colour, "middle",
                          "bold" if here else "normal"))
    for n in range(2, count + 1):  # fall-back arcs underneath
        x1, x2 = x_of(n) + box_w * 0.3, x_of(n - 1) + box_w * 0.7
        y = top + box_h
        body.append(f'<path d="M{x1:g},{y} C{x1 - 10:g},{y + 46} {x2 + 10:g},{y + 46} {x2:g},{y + 2}" '
                    f'fill="none" stroke="{LINE}" stroke-width="1.5" stroke-dasharray="5 4" '
                    f'marker-end="url(#branda-arrow)"/>')
        if fallback.get(n):
            body.append(_text((x1 + x2) / 2, y + 58, fallback[n], 11, INK if n == stressed else MUTED, "middle",
                              "bold" if n == stressed else "normal"))
    for n, name in enumerate(names, 1):
        x = x_of(n)
        fill, ink = (ACCENT, "#ffffff") if n == level else (REACHED if n < level else AHEAD, INK)
        body.append(f'<rect x="{x:g}" y="{top}" width="{box_w}" height="{box_h}" rx="8" fill="{fill}" '
                    f'stroke="{ACCENT if n <= level else LINE}" stroke-width="1.5"/>')
        body.append(_text(x + box_w / 2, top + 22, str(n), 16, ink, "middle", "bold"))
        for j, line in enumerate(_lines(name, 18)[:3]):
            body.append(_text(x + box_w / 2, top + 40 + j * 14, line, 11, ink, "middle"))
    return _svg(width, top + box_h + 72, title, body)
