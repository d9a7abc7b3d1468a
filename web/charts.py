"""The dashboards' charts: SVG drawn on the server by pygal, put inline in the page.

pygal was chosen for weight: a pure-Python package of about 0.5 MB with no dependencies, against
altair with vl-convert (a 60 MB+ binary holding a JavaScript engine) for the same SVG. Its
tooltips' scripts are left out (`js=[]`, and its inline one removed), so nothing is fetched from
the network and no script runs. The trend lines in table cells are pygal's text sparklines."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

INK, MUTED, LINE, ACCENT, BAD = "#1d2329", "#5d6875", "#d8dde3", "#1f5fbf", "#b3261e"
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground=INK,
    foreground_strong=INK,
    foreground_subtle=LINE,
    colors=(ACCENT, BAD, "#1e7b34", "#c77700", "#6b4fbb"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=13,
    value_font_size=11,
)
COMMON: dict[str, Any] = {
    "style": STYLE,
    "js": [],  # no tooltips script from a CDN: nothing is fetched at run time
    "disable_xml_declaration": True,
    "show_legend": True,
    "legend_at_bottom": True,
    "margin": 8,
}


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
SPARK_POINTS = 30


def _svg(chart: Any) -> Markup:
    # pygal escapes labels and values; its inline config script serves only its tooltips
    return Markup(_SCRIPT.sub("", chart.render(is_unicode=True)))


def daily_line(days: list[date], series: dict[str, list[int]], title: str) -> Markup:
    """Counts per day, one line per series."""
    chart = pygal.Line(
        **COMMON,
        width=760,
        height=260,
        title=title,
        show_dots=len(days) <= 45,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_count=6,
        truncate_label=-1,
        fill=False,
    )
    chart.x_labels = [day.strftime("%b %d") for day in days]
    for name, values in series.items():
        chart.add(name, values)
    return _svg(chart)


def ranked_bars(labels: list[str], series: dict[str, list[int]], title: str) -> Markup:
    """Horizontal bars, one group per label (the top of a ranking first)."""
    chart = pygal.HorizontalBar(
        **{**COMMON, "show_legend": len(series) > 1},
        width=760,
        height=max(160, 34 * len(labels) + 70),
        title=title,
        truncate_label=48,
        print_values=False,
    )
    chart.x_labels = list(reversed(labels))
    for name, values in series.items():
        chart.add(name, list(reversed(values)))
    return _svg(chart)


def sparkline(values: list[int], points: int = SPARK_POINTS) -> Markup:
    """A small trend line for a table cell: pygal's text sparkline (block characters, drawn in
    0.2 ms where its SVG one takes 6 ms, 15 of them a page), summed into at most `points`
    periods ending on the last day, zero at the bottom; the counts are in its tooltip."""
    step = max(1, -(-len(values) // points))  # ceil: days per character
    first = len(values) % step  # periods end with the last day, so the latest one is whole
    sums = ([sum(values[:first])] if first else []) + [
        sum(values[n : n + step]) for n in range(first, len(values), step)
    ]
    chart = pygal.Line()
    chart.add("", sums)
    per = "day" if step == 1 else f"{step} days"
    label = f"claims per {per}: " + " ".join(str(v) for v in sums)
    return Markup('<span class="spark" title="{0}" aria-label="{0}">{1}</span>').format(
        label, chart.render_sparktext(relative_to=0)
    )
