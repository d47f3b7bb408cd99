"""Charts of the report model drawn by matplotlib as inline SVG (text kept as text, no external reference)."""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Callable
from typing import Any

from ccpolicy.errors import ConfigurationError
from ccpolicy.report.model import Chart, ChartBar, Scale, Unit
from ccpolicy.report.number_format import format_quantity

PALETTE = {
    "tee": "#2a9d8f",
    "fhe": "#e76f51",
    "mpc": "#3a86ff",
    "zkp": "#8338ec",
    "he-partial": "#f4a261",
    "setup": "#a8c5da",
    "end_to_end": "#1d3557",
    "bytes-ciphertext": "#457b9d",
    "bytes-key": "#a8dadc",
    "bytes-proof": "#8338ec",
    "bytes-communication": "#e9c46a",
    "role-crypto": "#9aa5b1",
    "role-parse": "#90be6d",
    "role-verify": "#277da1",
    "role-appraise": "#f9c74f",
    "role-whole": "#f3722c",
    "role-peer": "#b5179e",
    "role-other": "#577590",
    "cited": "#c9ccd1",
}
FALLBACK_COLORS = ("#577590", "#43aa8b", "#f8961e", "#f94144", "#4d908e", "#90be6d")
INK = "#22303c"
GRID = "#e3e7eb"
BAR_HEIGHT_IN = 0.22
GROUP_GAP = 0.6
LABEL_WIDTH = 26
LABEL_LINES = 3
SVG_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
SVG_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)


def chart_svg(chart: Chart, width_in: float = 7.2) -> str:
    """The chart as an ``<svg>`` element string, with ids salted by the chart id so several can be inlined."""
    layout = _layout(chart)
    lines = sum(max(1, len(_wrapped(category).splitlines())) for category in chart.categories)
    rows = max(len(layout) + len(chart.categories) * GROUP_GAP, lines * 0.9)
    legend = 0.3 if len(chart.series) > 1 else 0.0
    height_in = max(1.4, 0.75 + legend + rows * BAR_HEIGHT_IN)
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": chart.chart_id, "font.family": "sans-serif", "font.size": 9}
    ):
        figure = Figure(figsize=(width_in, height_in))
        axes = figure.add_subplot()
        _draw(axes, chart, layout)
        figure.tight_layout(pad=0.4)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    text = buffer.getvalue()
    text = SVG_PROLOGUE.sub("", text, count=1)
    text = METADATA.sub("", SVG_COMMENTS.sub("", text))
    label = f'<svg role="img" aria-label="{_attribute(chart.title)}" data-chart="{_attribute(chart.chart_id)}" '
    return label + text.removeprefix("<svg ").strip()


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(chart: Chart) -> list[tuple[float, int, ChartBar]]:
    """Bar positions from the top (with each bar's index in ``chart.bars``): each category a group, its
    bars in series order, gaps between groups."""
    positions: list[tuple[float, int, ChartBar]] = []
    y = 0.0
    for category in chart.categories:
        in_category = [(index, bar) for index, bar in enumerate(chart.bars) if bar.category == category]
        in_category.sort(key=lambda item: chart.series.index(item[1].series) if item[1].series in chart.series else 0)
        for index, bar in in_category:
            positions.append((y, index, bar))
            y += 1.0
        y += GROUP_GAP
    return positions


def _color(chart: Chart, series: str) -> str:
    keys = dict(chart.colors)
    key = keys.get(series)
    if key is not None and key in PALETTE:
        return PALETTE[key]
    return FALLBACK_COLORS[chart.series.index(series) % len(FALLBACK_COLORS)] if series in chart.series else INK


def _matplotlib() -> Any:
    """matplotlib (the ``report`` extra), imported when a chart is drawn so the CLI starts without it."""
    try:
        import matplotlib
    except ModuleNotFoundError as exc:
        raise ConfigurationError(
            "drawing report charts needs matplotlib", hint="pip install 'ccpolicy[report]'"
        ) from exc
    matplotlib.use("Agg")
    return matplotlib


def _draw(axes: object, chart: Chart, layout: list[tuple[float, int, ChartBar]]) -> None:
    from matplotlib.axes import Axes
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator

    assert isinstance(axes, Axes)
    values = [bar.value.value for _, _, bar in layout] + [ref.value.value for ref in chart.references]
    positive = [value for value in values if value > 0]
    log = chart.scale is Scale.LOG and bool(positive)
    floor = _axis_floor(positive, chart.unit) if log else 0.0
    seen: set[str] = set()
    for y, index, bar in layout:
        start = bar.start.value if bar.start is not None else floor
        start = max(start, floor) if log else start
        width = max(bar.value.value - start, 0.0)
        color = _color(chart, bar.series)
        axes.barh(
            y,
            width,
            left=start,
            height=0.8,
            color=color,
            edgecolor="white",
            linewidth=0.6,
            hatch="////" if bar.start is not None else None,
            label=bar.series if bar.series not in seen else None,
            zorder=3,
        )
        seen.add(bar.series)
        label = (
            format_quantity(bar.value)
            if bar.start is None
            else f"{format_quantity(bar.start)} – {format_quantity(bar.value)}"
        )
        text = axes.annotate(
            label,
            xy=(max(bar.value.value, floor), y),
            xytext=(3, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=INK,
            fontsize=7.5,
            zorder=5,
        )
        text.set_gid(f"{chart.chart_id}-value-{index}")
    for reference in chart.references:
        axes.axvline(reference.value.value, color=INK, linestyle=(0, (4, 3)), linewidth=1.1, zorder=4)
        axes.annotate(
            reference.label,
            xy=(reference.value.value, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -2),
            textcoords="offset points",
            ha="left",
            va="top",
            color=INK,
            fontsize=8,
        )
    centers = []
    for category in chart.categories:
        ys = [y for y, _, bar in layout if bar.category == category]
        centers.append(sum(ys) / len(ys))
    axes.set_yticks(centers, [_wrapped(category) for category in chart.categories])
    axes.invert_yaxis()
    if log:
        axes.set_xscale("log")
        axes.set_xlim(left=floor, right=max(positive) * 15)
        axes.xaxis.set_major_locator(LogLocator(base=10, numticks=12))
    else:
        axes.set_xlim(left=0, right=max(values, default=1.0) * 1.25 or 1.0)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=6))
    axes.xaxis.set_major_formatter(FuncFormatter(_tick_formatter(chart.unit)))
    axes.tick_params(axis="both", colors=INK, length=0, labelsize=8.5)
    axes.grid(axis="x", color=GRID, linewidth=0.8, zorder=0)
    axes.grid(axis="x", which="minor", visible=False)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID)
    axes.set_xlabel(_axis_label(chart), color=INK, fontsize=8.5)
    if len(chart.series) > 1:
        handles, labels = axes.get_legend_handles_labels()
        order = sorted(
            range(len(labels)), key=lambda i: chart.series.index(labels[i]) if labels[i] in chart.series else 0
        )
        axes.legend(
            [handles[i] for i in order],
            [labels[i] for i in order],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=min(len(chart.series), 5),
            frameon=False,
            fontsize=8,
            handlelength=1.2,
            columnspacing=1.2,
        )


def _axis_floor(positive: list[float], unit: Unit) -> float:
    """A power of ten at or below the smallest value; 1x for ratios and 1% for percentages."""
    decade = float(10 ** math.floor(math.log10(min(positive))))
    if unit in (Unit.RATIO, Unit.PERCENT):
        return min(1.0, decade)
    return decade


def _wrapped(text: str) -> str:
    lines = textwrap.wrap(text, LABEL_WIDTH) or [text]
    if len(lines) > LABEL_LINES:
        lines = [*lines[: LABEL_LINES - 1], textwrap.shorten(" ".join(lines[LABEL_LINES - 1 :]), LABEL_WIDTH)]
    return "\n".join(lines)


def _axis_label(chart: Chart) -> str:
    scale = " (log scale)" if chart.scale is Scale.LOG else ""
    names = {
        Unit.SECONDS: "time",
        Unit.BYTES: "bytes",
        Unit.RATIO: "times slower than plaintext",
        Unit.PER_SECOND: "per second",
        Unit.COUNT: "count",
        Unit.PERCENT: "slowdown over unprotected execution",
    }
    return names[chart.unit] + scale


def _tick_formatter(unit: Unit) -> Callable[[float, object], str]:
    def tick(value: float, _position: object) -> str:
        if value <= 0:
            return "0"
        if unit is Unit.SECONDS:
            return _scaled(value, ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")), space=True)
        if unit is Unit.BYTES:
            return _scaled(value, ((1e9, "GB"), (1e6, "MB"), (1e3, "kB"), (1.0, "B")), space=True)
        if unit is Unit.PERCENT:
            return f"{value:,.0f}%" if value >= 1 else f"{value:g}%"
        suffix = "×" if unit is Unit.RATIO else ("/s" if unit is Unit.PER_SECOND else "")
        return _scaled(value, ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, "")), space=False) + suffix

    return tick


def _scaled(value: float, steps: tuple[tuple[float, str], ...], *, space: bool) -> str:
    for scale, name in steps:
        if value >= scale * 0.999:
            number = value / scale
            return f"{number:g}{' ' if space else ''}{name}"
    scale, name = steps[-1]
    return f"{value / scale:g}{' ' if space else ''}{name}"
