"""Charts drawn on the server as SVG with pygal, scripts off: no JavaScript reaches the browser.

Each chart is given as an ``<img>`` whose source is the SVG itself (a ``data:`` address, which the
Content-Security-Policy allows for images and WeasyPrint reads), with the table's caption as its
alternative text; the data table is printed beside it. pygal's own ``<style>`` stays inside the
image, out of the page's reach.
"""

from __future__ import annotations

import base64
import sys

import pygal
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from pygal.style import Style

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
    """The chart of a table as SVG text, or None when it has none (or nothing to draw: the table says so)."""
    if not any(row.get(table.chart_value) for row in table.rows):
        return None
    if table.chart == "bar" and table.rows:
        label = table.column(table.chart_value).label
        rows = drawn_rows(table)
        chart = pygal.HorizontalBar(**_config(height=max(160, 40 + 28 * len(rows)), x_title=str(label)))
        chart.x_labels = [str(row["label"]) for row in rows]
        chart.add(str(label), [_scale(table, row.get(table.chart_value)) for row in rows])
        return chart.render(is_unicode=True)
    if table.chart == "heatmap" and table.rows:
        chart = pygal.Dot(**_config(height=300, show_legend=False, x_label_rotation=0))
        chart.x_labels = [f"{hour}h" for hour in range(24)]
        for day in range(7):
            cells = [row for row in table.rows if row["day"] == day]
            chart.add(cells[0]["weekday"], [row["hours"] for row in cells])
        return chart.render(is_unicode=True)
    return None


def image(table: Table) -> Markup:
    """The chart as an ``<img>`` with its text alternative (empty markup when the table has no chart)."""
    drawn = svg(table)
    if drawn is None:
        return Markup("")
    source = "data:image/svg+xml;base64," + base64.b64encode(drawn.encode()).decode()
    return Markup(f'<img class="chart" src="{source}" alt="{escape(alternative(table))}">')
