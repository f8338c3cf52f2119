"""The report's pictures as hand-written static SVG: the level ladder, the fact profile, the moves between levels,
the level over time and the peers per level.

Every text is escaped; nothing refers outside the picture (no fonts, images, links or scripts), so a page stays
whole in a browser, in print and in WeasyPrint. The pictures take their words ready-made: they draw, they do not
phrase.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "Move", "ladder_svg", "peers_svg", "profile_svg", "transition_svg", "trend_svg"]

ACCENT = "#1f6f8b"  # the assessed level, a condition that holds
REACHED = "#b9dbe5"  # levels below the assessed one
AHEAD = "#f1f4f6"  # levels above it
LINE = "#8a99a3"
INK = "#1d2a31"
MUTED = "#5b6b74"
OPEN = "#b0701a"  # a condition that does not hold yet (descriptive, not an alarm)
RISK = "#a4461c"  # the risk marker
ZONE = "#c6dfe8"
CELL = "#fbfcfc"
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 760


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _svg(width: int, height: float, title: str, body: list[str]) -> str:
    return (f'<svg role="img" viewBox="0 0 {width} {height:g}" '
            f'width="{width}" height="{height:g}" font-family="{FONT}" class="figure">'
            f"<title>{_e(title)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, size: float = 12, fill: str = INK, anchor: str = "start",
          weight: str = "normal", style: str = "normal") -> str:
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}" '
            f'font-weight="{weight}" font-style="{style}">{_e(text)}</text>')


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def ladder_svg(names: Sequence[str], level: int, level_word: str, here: str, title: str,
               progress: tuple[int, int] | None = None, progress_text: str = "") -> str:
    """Rising steps, one per level; the assessed level filled, the ones below it lightly, and on the next level
    a bar that fills by the share of its criteria that already hold (`progress` = (held, total)).

    `level_word` is a format string for a step's heading ("Level {level}"), `here` the marker's label and
    `progress_text` the words under the bar ("3 of 4 criteria").
    """
    count = len(names)
    gap = 8
    step_w = (WIDTH - 20 - gap * (count - 1)) / count
    rise = 84 / max(1, count - 1)
    base = 34 + 64 + 84  # the marker's room, the lowest step, the whole rise
    body = []
    for i, name in enumerate(names, 1):
        x, h = 10 + (i - 1) * (step_w + gap), 64 + (i - 1) * rise
        top = base - h
        fill, ink = (ACCENT, "#ffffff") if i == level else (REACHED if i < level else AHEAD, INK)
        body.append(f'<rect x="{x:g}" y="{top:g}" width="{step_w:g}" height="{h:g}" rx="4" fill="{fill}" '
                    f'stroke="{ACCENT if i <= level else LINE}" stroke-width="1.5"/>')
        body.append(_text(x + 9, top + 18, level_word.format(level=i), 12.5, ink, weight="bold"))
        for j, line in enumerate(_lines(name, int(step_w / 7.2))[:2]):
            body.append(_text(x + 9, top + 34 + j * 14, line, 11.5, ink))
        if i == level:
            mid = x + step_w / 2
            body.append(f'<path d="M{mid - 7:g},{top - 14:g} L{mid + 7:g},{top - 14:g} L{mid:g},{top - 5:g} Z" '
                        f'fill="{ACCENT}"/>')
            body.append(_text(mid, top - 19, here, 12, ACCENT, "middle", "bold"))
        if progress is not None and i == level + 1:
            held, total = progress
            bar_w, bar_y = step_w - 18, base - 26
            share = held / total if total else 0
            body.append(f'<rect x="{x + 9:g}" y="{bar_y:g}" width="{bar_w:g}" height="7" rx="3" fill="#ffffff" '
                        f'stroke="{ACCENT}" stroke-width="1"/>')
            if share:
                body.append(f'<rect x="{x + 9:g}" y="{bar_y:g}" width="{bar_w * share:g}" height="7" rx="3" '
                            f'fill="{ACCENT}"/>')
            body.append(_text(x + 9, bar_y + 19, progress_text, 10.5, INK))
    return _svg(WIDTH, base + 6, title, body)


@dataclass(frozen=True)
class Bar:
    """One fact's row in the profile chart, its words ready to draw."""

    label: str  # the fact's label, with its polarity mark
    value: int | None
    zone: tuple[int, ...]  # the values the shown condition accepts (tinted)
    status: str  # "holds", "open" (not yet, or a diagnostic raised) or "unknown"
    note: str  # the condition in words


def profile_svg(groups: Sequence[tuple[str, Sequence[Bar]]], unknown: str, title: str,
                scale: Sequence[int] = (1, 2, 3, 4, 5)) -> str:
    """Every fact on the scale, grouped by the level that reads it; the tinted cells: what the condition accepts.

    One picture per group, each with the scale above it, all of the same width: in print a page may end between
    two groups, so that the chart can begin on a page another picture leaves half empty."""
    cell = 24
    track_x = 300
    value_x = track_x + len(scale) * cell + 8
    note_x = value_x + 22
    pictures = []
    for heading, bars in groups:
        body, y = [], 22.0
        for i, v in enumerate(scale):  # the scale above the group
            body.append(_text(track_x + (i + 0.5) * cell, y - 6, str(v), 11, MUTED, "middle"))
        y += 2
        body.append(_text(10, y + 15, heading, 12.5, INK, weight="bold"))
        body.append(f'<line x1="10" y1="{y + 21:g}" x2="{WIDTH - 10}" y2="{y + 21:g}" stroke="#d5dde2"/>')
        y += 27
        for bar in bars:
            labels, notes = _lines(bar.label, 46), _lines(bar.note, 47)
            row = 9 + 12.5 * max(len(labels), len(notes))
            mid = y + row / 2
            first = mid + 4 - 6.25 * (max(len(labels), len(notes)) - 1)
            for j, line in enumerate(labels):
                body.append(_text(10, first + 12.5 * j, line, 11, INK))
            for i, v in enumerate(scale):
                fill = ZONE if v in bar.zone else CELL
                body.append(f'<rect x="{track_x + i * cell + 1}" y="{mid - 8:g}" width="{cell - 2}" '
                            f'height="16" fill="{fill}" stroke="#c9d3d9"/>')
            colour = {"holds": ACCENT, "open": OPEN}.get(bar.status, MUTED)
            if bar.value is None:  # over the empty cells
                body.append(f'<rect x="{track_x + 2}" y="{mid - 6:g}" width="{len(scale) * cell - 4}" height="12" '
                            f'fill="#ffffff" opacity="0.85"/>')
                body.append(_text(track_x + len(scale) * cell / 2, mid + 4, unknown, 10.5, MUTED, "middle",
                                  style="italic"))
            else:
                filled = (scale.index(bar.value) + 1) * cell - 6 if bar.value in scale else 0
                body.append(f'<rect x="{track_x + 3}" y="{mid - 4:g}" width="{filled}" height="8" rx="2" '
                            f'fill="{colour}"/>')
                body.append(_text(value_x, mid + 4, str(bar.value), 11.5, INK, weight="bold"))
            for j, line in enumerate(notes):
                body.append(_text(note_x, first + 12.5 * j, line, 11, colour))
            y += row
        pictures.append(_svg(WIDTH, y + 8, f"{title}: {heading}", body))
    return "".join(pictures)


@dataclass(frozen=True)
class Move:
    """The words of the transition picture for one level, each ready to draw ("" = nothing there)."""

    up: str  # on the arrow from this level to the next: what it takes
    down: str  # on the dashed arrow from this level to the one below: when it falls
    risk: str  # beside the level: the risk marker's words
    stressed: bool = False  # the level the article warns about above all


def transition_svg(names: Sequence[str], level: int, level_word: str, moves: dict[int, Move], title: str) -> str:
    """The levels top to bottom (the highest on top); solid arrows on the left move up, dashed arrows on the
    right fall back one level, and a risk marker stands beside each level where the risk can be raised.

    The picture spans the text width: the up-arrows' words to the left of the boxes, the fall-back words to the
    right, each in the gap between two levels with room to spare, the risk's words beside its level's box."""
    count = len(names)
    box_x, box_w, box_h, gap, top = 250, 220, 50, 62, 12
    pitch = box_h + gap
    up_x, down_x = box_x + 28, box_x + box_w - 28
    body = ["<defs>" + "".join(
        f'<marker id="{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 Z" fill="{colour}"/>'
        "</marker>" for name, colour in (("branda-up", LINE), ("branda-up-here", ACCENT), ("branda-down", MUTED)))
        + "</defs>"]

    def y_of(n: int) -> float:
        return top + (count - n) * pitch

    def words_in_gap(x: float, y1: float, y2: float, text: str, width: int, size: float, colour: str, anchor: str,
                     weight: str = "normal") -> None:
        lines = _lines(text, width)[:4]
        mid = (y1 + y2) / 2 + size / 3
        for j, line in enumerate(lines):
            body.append(_text(x, mid + (j - 0.5 * (len(lines) - 1)) * (size + 2), line, size, colour, anchor, weight))

    for n in range(1, count):  # up: from the top edge of n to the bottom edge of n+1, on the left
        move = moves.get(n)
        here = n == level
        colour, marker = (ACCENT, "branda-up-here") if here else (LINE, "branda-up")
        y1, y2 = y_of(n), y_of(n + 1) + box_h
        body.append(f'<path d="M{up_x},{y1:g} L{up_x},{y2 + 2:g}" fill="none" stroke="{colour}" '
                    f'stroke-width="{2.5 if here else 1.5}" marker-end="url(#{marker})"/>')
        if move and move.up:
            words_in_gap(up_x - 14, y1, y2, move.up, 46, 11.5, colour, "end", "bold" if here else "normal")
    for n in range(2, count + 1):  # down: dashed, on the right
        move = moves.get(n)
        y1, y2 = y_of(n) + box_h, y_of(n - 1)
        body.append(f'<path d="M{down_x},{y1:g} L{down_x},{y2 - 2:g}" fill="none" stroke="{MUTED}" stroke-width="1.5" '
                    f'stroke-dasharray="5 4" marker-end="url(#branda-down)"/>')
        if move and move.down:
            words_in_gap(down_x + 14, y1, y2, move.down, 46, 11.5, MUTED, "start")
    for n, name in enumerate(names, 1):
        y = y_of(n)
        fill, ink = (ACCENT, "#ffffff") if n == level else (REACHED if n < level else AHEAD, INK)
        body.append(f'<rect x="{box_x}" y="{y:g}" width="{box_w}" height="{box_h}" rx="7" fill="{fill}" '
                    f'stroke="{ACCENT if n <= level else LINE}" stroke-width="1.5"/>')
        body.append(_text(box_x + 12, y + 21, level_word.format(level=n), 13.5, ink, weight="bold"))
        body.append(_text(box_x + 12, y + 39, _lines(name, 30)[0], 12, ink))
        move = moves.get(n)
        if move and move.risk:
            mx, my = box_x + box_w + 14, y + box_h / 2
            size = 9 if move.stressed else 7
            body.append(f'<path d="M{mx:g},{my + size:g} L{mx + size * 1.15:g},{my - size:g} '
                        f'L{mx + size * 2.3:g},{my + size:g} Z" fill="{RISK if move.stressed else "#ffffff"}" '
                        f'stroke="{RISK}" stroke-width="1.5"/>')
            lines = _lines(move.risk, 34 if move.stressed else 38)[:4]
            for j, line in enumerate(lines):
                body.append(_text(mx + size * 2.3 + 8, my + 4 + (j - 0.5 * (len(lines) - 1)) * 13.5,
                                  line, 11.5, RISK, weight="bold" if move.stressed else "normal"))
    return _svg(WIDTH, top + count * pitch - gap + 12, title, body)


def trend_svg(points: Sequence[tuple[str, int]], top: int, level_word: str, title: str) -> str:
    """The level at each assessment, left to right in time (`points`: (date words, level), the current one last):
    one point per assessment on a line, the levels as rows (the highest on top), the current point filled."""
    row, left, right, head = 30, 96, 40, 14
    count = len(points)
    span = WIDTH - left - right
    body = []

    def y_of(level: int) -> float:
        return head + (top - level) * row

    for n in range(1, top + 1):  # the levels as rows
        y = y_of(n)
        body.append(f'<line x1="{left - 10}" y1="{y:g}" x2="{WIDTH - 10}" y2="{y:g}" stroke="#e1e7eb"/>')
        body.append(_text(10, y + 4, level_word.format(level=n), 11.5, MUTED))
    xs = [left + (span * i / (count - 1) if count > 1 else span / 2) for i in range(count)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:g},{y_of(level):g}"
                    for i, (x, (_, level)) in enumerate(zip(xs, points, strict=True)))
    body.append(f'<path d="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
    bottom = y_of(1) + 22
    for i, (x, (when, level)) in enumerate(zip(xs, points, strict=True)):
        last = i == count - 1
        y = y_of(level)
        body.append(f'<circle class="point" cx="{x:g}" cy="{y:g}" r="{7 if last else 5.5}" '
                    f'fill="{ACCENT if last else "#ffffff"}" stroke="{ACCENT}" stroke-width="2"/>')
        body.append(_text(x, y - 11, str(level), 12, ACCENT, "middle", "bold"))
        anchor = "start" if count > 1 and i == 0 else "end" if count > 1 and last else "middle"
        shift = -6 if anchor == "start" else 6 if anchor == "end" else 0
        body.append(_text(x + shift, bottom, when, 11, INK, anchor, "bold" if last else "normal"))
    return _svg(WIDTH, bottom + 8, title, body)


def peers_svg(columns: Sequence[tuple[str, float, str]], level: int, marker: str, title: str) -> str:
    """The share of peers at each level as columns, level 1 on the left (`columns`: (level words, share 0-1, the
    share in words)); the client's level (1-based) filled, with `marker` above its column. The largest share
    takes the full height."""
    count = len(columns)
    gap, height = 14, 92
    col_w = (WIDTH - 20 - gap * (count - 1)) / count
    most = max((share for _, share, _ in columns), default=0.0) or 1.0

    def tall(share: float) -> float:
        return max(share / most * height, 1.5)

    client = tall(columns[level - 1][1]) if 0 < level <= count else 0.0
    head = max(22.0, 54 - (height - client))  # room for the marker above the client's column
    base = head + height
    body = [f'<line x1="10" y1="{base:g}" x2="{WIDTH - 10}" y2="{base:g}" stroke="{LINE}"/>']
    for i, (words, share, said) in enumerate(columns, 1):
        x = 10 + (i - 1) * (col_w + gap)
        here = i == level
        h = tall(share)
        body.append(f'<rect class="share" x="{x + col_w * 0.2:g}" y="{base - h:g}" width="{col_w * 0.6:g}" '
                    f'height="{h:g}" rx="3" fill="{ACCENT if here else REACHED}"/>')
        body.append(_text(x + col_w / 2, base - h - 6, said, 12, ACCENT if here else INK, "middle",
                          "bold" if here else "normal"))
        body.append(_text(x + col_w / 2, base + 17, words, 12, INK, "middle", "bold" if here else "normal"))
        if here:
            top, mid = base - h - 24, x + col_w / 2
            body.append(f'<path d="M{mid - 7:g},{top - 9:g} L{mid + 7:g},{top - 9:g} L{mid:g},{top:g} Z" '
                        f'fill="{ACCENT}"/>')
            body.append(_text(mid, top - 13, marker, 12, ACCENT, "middle", "bold"))
    return _svg(WIDTH, base + 26, title, body)
