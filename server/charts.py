"""SVG pictures drawn on the server (no script needed to see them): bars, a dot matrix and a timeline.

Each function takes plain rows already computed from the graph and returns an SVG string with every
text escaped; nothing here knows about SPARQL or the documents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

FONT = "font-family=\"'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC',sans-serif\" font-size=\"13\""
LEVEL_COLOURS = {1: "#9e2a2b", 2: "#3b6ea8", 3: "#4f8a5b"}
PALE = "#c9d3e0"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as people read it: "7,500 万人次"
    href: str | None = None
    rank: int = 3  # 1 national, 2 provincial, 3 municipal: the bar's colour
    pale: bool = False  # a baseline rather than a target


def bar_chart(bars: list[Bar], title: str, log_scale: bool = True) -> str:
    """Horizontal bars, one per row; a log scale when the values span orders of magnitude."""
    label_width, bar_width, row = 330, 430, 26
    height = 40 + row * len(bars) + 24
    width = label_width + bar_width + 170
    values = [b.value for b in bars if b.value > 0]
    top = max(values, default=1.0)
    bottom = min(values, default=1.0)
    use_log = log_scale and bottom > 0 and top / bottom >= 100

    def length(value: float) -> float:
        if value <= 0:
            return 1.0
        if use_log:
            low = math.floor(math.log10(bottom))
            return max(2.0, bar_width * (math.log10(value) - low + 0.3) / (math.log10(top) - low + 0.3))
        return max(2.0, bar_width * value / top)

    parts = [_svg_open(width, height, title),
             f'<text x="0" y="18" font-weight="600">{escape(title)}</text>']
    if use_log:
        parts.append(f'<text x="{width}" y="18" text-anchor="end" fill="#5d6778">对数刻度 log scale</text>')
    for index, bar in enumerate(bars):
        y = 40 + index * row
        colour = PALE if bar.pale else LEVEL_COLOURS.get(bar.rank, "#5d6778")
        parts.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{escape(_clip(bar.label, 34))}'
                     f"<title>{escape(bar.label)}</title></text>")
        rect = (f'<rect x="{label_width}" y="{y + 5}" width="{length(bar.value):.1f}" height="{row - 10}" '
                f'fill="{colour}"><title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>')
        figure = f'<text x="{label_width + length(bar.value) + 6:.1f}" y="{y + 17}">{escape(bar.shown)}</text>'
        if bar.href:
            parts.append(f'<a href="{escape(bar.href)}">{rect}{figure}</a>')
        else:
            parts.append(rect + figure)
    parts.append("</svg>")
    return "".join(parts)


def dot_matrix(rows: list[str], columns: list[str], cells: set[tuple[int, int]], title: str,
               column_ranks: list[int] | None = None) -> str:
    """A grid: a filled dot where row i meets column j ((i, j) in `cells`), a faint ring elsewhere."""
    label_width, cell, head = 260, 74, 92
    width = label_width + cell * len(columns) + 10
    height = head + 26 * len(rows) + 10
    parts = [_svg_open(width, height, title), f'<text x="0" y="18" font-weight="600">{escape(title)}</text>']
    for j, name in enumerate(columns):
        x = label_width + cell * j + cell / 2
        colour = LEVEL_COLOURS.get((column_ranks or [3] * len(columns))[j], "#333")
        for k, line in enumerate(_wrap(name, 6)[:3]):
            parts.append(f'<text x="{x:.1f}" y="{40 + 15 * k}" text-anchor="middle" fill="{colour}">'
                         f"{escape(line)}</text>")
    for i, name in enumerate(rows):
        y = head + 26 * i
        parts.append(f'<text x="{label_width - 8}" y="{y + 5}" text-anchor="end">{escape(_clip(name, 22))}'
                     f"<title>{escape(name)}</title></text>")
        for j in range(len(columns)):
            x = label_width + cell * j + cell / 2
            if (i, j) in cells:
                parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="7" fill="#3b6ea8"><title>{escape(name)} · '
                             f"{escape(columns[j])}</title></circle>")
            else:
                parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="3" fill="none" stroke="#c9d3e0"/>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    day: date
    rank: int
    href: str | None = None


def timeline(events: list[Event], links: list[tuple[str, str, str]], title: str, undated: list[str] = ()) -> str:
    """Documents on a time axis, one lane per level; a curve from each citing document to the cited one.
    Documents without a date in the graph are named under the axis."""
    if not events:
        return _svg_open(400, 40, title) + f'<text x="0" y="20">{escape(title)}: —</text></svg>'
    left, right, lane = 40, 900, 90
    first = min(e.day for e in events)
    last = max(e.day for e in events)
    start, end = date(first.year, 1, 1), date(last.year + 1, 1, 1)
    span = (end - start).days or 1
    height = 60 + lane * 3 + 30 + (24 if undated else 0)
    width = right + 60

    def x_of(day: date) -> float:
        return left + (right - left) * (day - start).days / span

    def y_of(rank: int) -> float:
        return 70 + lane * (rank - 1)

    parts = [_svg_open(width, height, title), f'<text x="0" y="18" font-weight="600">{escape(title)}</text>']
    for year in range(start.year, end.year + 1):
        x = x_of(date(year, 1, 1))
        axis = 60 + lane * 3 + 22
        parts.append(f'<line x1="{x:.1f}" y1="40" x2="{x:.1f}" y2="{axis - 16}" stroke="#e3e7ee"/>'
                     f'<text x="{x:.1f}" y="{axis}" text-anchor="middle" fill="#5d6778">{year}</text>')
    if undated:
        parts.append(f'<text x="0" y="{height - 6}" fill="#5d6778">未注日期 undated in the graph: '
                     f'{escape("; ".join(undated))}</text>')
    where = {e.key: (x_of(e.day), y_of(e.rank)) for e in events}
    for source, target, relation in links:
        if source in where and target in where:
            (x1, y1), (x2, y2) = where[source], where[target]
            bend = (y1 + y2) / 2 - 30
            dash = "" if relation == "based_on" else ' stroke-dasharray="4 3"'
            parts.append(f'<path d="M{x1:.1f},{y1:.1f} Q{(x1 + x2) / 2:.1f},{bend:.1f} {x2:.1f},{y2:.1f}" '
                         f'fill="none" stroke="#9aa6b8" stroke-width="1.5"{dash}>'
                         f"<title>{escape(relation)}</title></path>")
    placed: list[tuple[float, float]] = []
    for event in events:
        x, y = where[event.key]
        # labels of documents close together in one lane go one line lower
        shift = 16 * sum(1 for px, py in placed if py == y and abs(px - x) < 110)
        placed.append((x, y))
        dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{LEVEL_COLOURS.get(event.rank, "#333")}">'
               f"<title>{escape(event.label)} · {event.day.isoformat()}</title></circle>"
               f'<text x="{x:.1f}" y="{y + 24 + shift:.1f}" text-anchor="middle">'
               f"{escape(_clip(event.label, 16))}</text>"
               f'<text x="{x:.1f}" y="{y - 12 - shift:.1f}" text-anchor="middle" fill="#5d6778">'
               f"{event.day.isoformat()}</text>")
        parts.append(f'<a href="{escape(event.href)}">{dot}</a>' if event.href else dot)
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(width: float, height: float, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{escape(title)}" {FONT}>')


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]
