"""CSV of a table: UTF-8 (with its byte-order mark, so that spreadsheet software reads the accents),
commas and decimal points by default, or semicolons and decimal commas for French spreadsheets.
The totals row comes last when the table has one."""

from __future__ import annotations

import csv
import io

from app.reports.tables import Table, spreadsheet


def to_csv(table: Table, semicolon: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    writer.writerow([str(column.label) for column in table.columns])
    lines = [*table.rows, table.totals] if table.totals else table.rows
    for row in lines:
        writer.writerow([spreadsheet(row.get(column.key), column.kind, semicolon) for column in table.columns])
    return "\ufeff" + out.getvalue()
