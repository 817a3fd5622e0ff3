"""Charts for the dashboard as plain data the template draws as SVG (no script, no library).

Each function returns boxes and labels in a fixed coordinate space (a viewBox);
colours come from CSS classes (``series-0`` …), so the page needs no inline
style. Pure: nothing here reads the counts' store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 720, 260
LEFT, BOTTOM, TOP = 40, 24, 12


@dataclass
class Bar:
    """One rectangle with its series class and a tooltip."""

    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass
class Label:
    """A text at a point; ``anchor`` is start, middle or end."""

    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    """A chart: rectangles, labels and a legend (series number, name)."""

    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    legend: list[tuple[int, str]] = field(default_factory=list)
    empty: bool = True


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 4))
    return list(range(0, top + step, step))


def stacked_hours(hours: Mapping[int, Mapping[str, int]], series: Sequence[str]) -> Chart:
    """24 stacked bars: for each hour, one segment per series (channel or language)."""
    totals = [sum(hours.get(h, {}).get(s, 0) for s in series) for h in range(24)]
    top = max(totals, default=0)
    chart = Chart(legend=[(i, name) for i, name in enumerate(series)], empty=top == 0)
    ticks = _ticks(max(top, 1))
    scale = (HEIGHT - BOTTOM - TOP) / ticks[-1]
    slot = (WIDTH - LEFT) / 24
    for hour in range(24):
        y: float = HEIGHT - BOTTOM
        for index, name in enumerate(series):
            value = hours.get(hour, {}).get(name, 0)
            if value:
                height = value * scale
                y -= height
                chart.bars.append(
                    Bar(
                        LEFT + hour * slot + 2,
                        y,
                        slot - 4,
                        height,
                        index,
                        f"{hour:02d}:00 {name}: {value}",
                    )
                )
        if hour % 3 == 0:
            chart.labels.append(Label(LEFT + hour * slot + slot / 2, HEIGHT - 6, f"{hour:02d}"))
    for tick in ticks:
        chart.labels.append(Label(LEFT - 6, HEIGHT - BOTTOM - tick * scale + 4, str(tick), "end"))
    return chart


def ranking(counts: Counter[str], limit: int = 8) -> Chart:
    """Horizontal bars, largest first (topics, unanswered groups)."""
    items = counts.most_common(limit)
    top = items[0][1] if items else 0
    row = 28
    chart = Chart(height=max(row * len(items) + 8, 40), empty=not items)
    label_width = 260
    for index, (name, value) in enumerate(items):
        width = (WIDTH - label_width - 60) * value / top if top else 0
        y = 4 + index * row
        chart.bars.append(
            Bar(label_width, y, max(width, 1), row - 8, index % 6, f"{name}: {value}")
        )
        shown = name if len(name) <= 24 else name[:23] + "…"
        chart.labels.append(Label(label_width - 8, y + row / 2, shown, "end"))
        chart.labels.append(Label(label_width + width + 6, y + row / 2, str(value), "start"))
    return chart


def shares(outcomes: Mapping[str, int], order: Sequence[str]) -> Chart:
    """One bar split by share (answered / fallback / out of scope), with percentages."""
    total = sum(outcomes.get(name, 0) for name in order)
    chart = Chart(height=64, legend=[(i, name) for i, name in enumerate(order)], empty=total == 0)
    x = 0.0
    for index, name in enumerate(order):
        value = outcomes.get(name, 0)
        if not value:
            continue
        width = WIDTH * value / total
        percent = round(100 * value / total)
        chart.bars.append(Bar(x, 4, width, 32, index, f"{name}: {value} ({percent}%)"))
        chart.labels.append(Label(x + width / 2, 26, f"{percent}%"))
        x += width
    return chart
