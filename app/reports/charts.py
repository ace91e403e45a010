"""Charts drawn on the server as SVG with pygal, scripts off: no JavaScript reaches the browser.

Each chart is given as an ``<img>`` whose source is the SVG itself (a ``data:`` address, which the
Content-Security-Policy allows for images and WeasyPrint reads), with the table's caption as its
alternative text; the data table is printed beside it. pygal's own ``<style>`` stays inside the
image, out of the page's reach.
"""

from __future__ import annotations

import base64
import sys
from functools import lru_cache

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

from app.core.i18n import lazy_gettext as _l
from app.reports.tables import Table

# pygal puts on ``sys.meta_path`` a finder for its map plugins (``pygal.maps.*``, not used here) that
# has no ``find_spec``: every later import that reaches it raises an ImportWarning (an error in the
# tests). Taken off again: nothing here imports a map plugin.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=("#1f5f8b", "#c05a1f", "#3b7d3a", "#7a3e8f", "#8b1f3f", "#5f6b1f", "#1f7a7a"),
    font_family="DejaVu Sans, sans-serif",
)


def _config(**options) -> dict:
    return {
        "js": [],  # no script: pygal's tooltips need one, the table beside says the values
        "disable_xml_declaration": True,
        "style": STYLE,
        "show_legend": False,
        "width": 720,
        "height": 320,
        "truncate_label": 40,
        "print_values": False,
        **options,
    }


def _scale(table: Table, value) -> float:
    kind = table.column(table.chart_value).kind if table.chart_value else "count"
    return round((value or 0) * 100, 1) if kind == "percent" else float(value or 0)


MAX_BARS = 15


def drawn_rows(table: Table) -> list[dict]:
    """The rows a bar chart draws: all of them, or the ``MAX_BARS`` with the highest values (the
    table beside has every row)."""
    if len(table.rows) <= MAX_BARS:
        return table.rows
    return sorted(table.rows, key=lambda row: -(row.get(table.chart_value) or 0))[:MAX_BARS]


def alternative(table: Table) -> str:
    text = str(table.caption)
    if table.chart == "bar" and len(table.rows) > MAX_BARS:
        text += " " + str(_l("Le graphique montre les %(n)s premiers ; le tableau les montre tous.", n=MAX_BARS))
    return text


def svg(table: Table) -> str | None:
    """The chart of a table as SVG text, or None when it has none (or nothing to draw: the table says so).

    pygal's drawing is the slow part of a page: each chart is drawn from what it shows (its kind,
    the value's label, each bar's label and value, or each cell of the week), and a chart showing
    the same is drawn once per process (``_drawn``, least recently used out). The key is the drawn
    data itself, so a changed figure can never show an old chart."""
    if not any(row.get(table.chart_value) for row in table.rows):
        return None
    if table.chart == "bar" and table.rows:
        label = str(table.column(table.chart_value).label)
        rows = drawn_rows(table)
        bars = tuple((str(row["label"]), _scale(table, row.get(table.chart_value))) for row in rows)
        return _drawn("bar", label, bars)
    if table.chart == "heatmap" and table.rows:
        week = tuple(
            (cells[0]["weekday"], tuple(float(row["hours"]) for row in cells))
            for cells in ([row for row in table.rows if row["day"] == day] for day in range(7))
        )
        return _drawn("heatmap", "", week)
    return None


@lru_cache(maxsize=256)
def _drawn(kind: str, label: str, data: tuple) -> str:
    if kind == "bar":
        chart = pygal.HorizontalBar(**_config(height=max(160, 40 + 28 * len(data)), x_title=label))
        chart.x_labels = [name for name, _value in data]
        chart.add(label, [value for _name, value in data])
        return chart.render(is_unicode=True)
    chart = pygal.Dot(**_config(height=300, show_legend=False, x_label_rotation=0))
    chart.x_labels = [f"{hour}h" for hour in range(24)]
    for weekday, cells in data:
        chart.add(weekday, list(cells))
    return chart.render(is_unicode=True)


def image(table: Table) -> Markup:
    """The chart as an ``<img>`` with its text alternative (empty markup when the table has no chart)."""
    drawn = svg(table)
    if drawn is None:
        return Markup("")
    source = "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode()
    return Markup(f'<img class="chart" src="{source}" alt="{escape(alternative(table))}">')
