"""What a report is, for the window, the printer and the command line alike: a title, a few
facts, tables of typed cells and their totals, and how to chart them. Plus its CSV and JSON.

Cells are plain values: ``str``, ``int``, ``Decimal`` (money to the paisa, percentages, heat),
``date`` and aware ``datetime`` (already in the cinema's time zone). Money is never a float.
CSV and JSON write the exact values: ``1234.50``, ``2030-03-04``, ``2030-03-04T10:15+05:30``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from bms_desktop.domain import cinema_time

ColumnKind = Literal["text", "int", "money", "percent", "decimal", "date", "datetime"]
Cell = str | int | Decimal | date | datetime | None


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "money", "percent", "decimal")


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """A bar chart of ``value`` (a column key) per row, labelled by ``label`` (a column key)."""

    label: str
    values: tuple[str, ...]
    title: str = ""
    horizontal: bool = False


@dataclass(frozen=True, slots=True)
class ReportTable:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[Cell, ...] | None = None
    chart: ChartSpec | None = None

    def column(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def values(self, key: str) -> list[Cell]:
        i = self.column(key)
        return [r[i] for r in self.rows]


@dataclass(frozen=True, slots=True)
class ReportFilter:
    date_from: date
    date_to: date
    theater_id: int | None = None
    show_id: int | None = None
    movie_id: int | None = None
    shift_id: int | None = None


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    title: str
    subtitle: str
    filters: ReportFilter
    generated_at: datetime
    facts: tuple[tuple[str, str], ...] = ()
    tables: tuple[ReportTable, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def table(self, key: str) -> ReportTable:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)


# --------------------------------------------------------------------------- text of a cell


def plain(value: Cell, kind: ColumnKind = "text") -> str:
    """The exact value for CSV and JSON."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if kind == "money":
            return f"{value:.2f}"
        return f"{value:f}"
    return str(value)


def shown(value: Cell, kind: ColumnKind = "text") -> str:
    """The value as a person reads it in the window and on paper."""
    if value is None:
        return ""
    if kind == "money" and isinstance(value, Decimal):
        text = f"₹{abs(value):,.2f}"
        return f"−{text}" if value < 0 else text
    if kind == "percent" and isinstance(value, Decimal):
        return f"{value:.1f} %"
    if kind == "int" and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return cinema_time.stamp(value, getattr(value.tzinfo, "key", None))
    if isinstance(value, date):
        return f"{value:%a} {value.day} {value:%b %Y}"
    return str(value)


# --------------------------------------------------------------------------- CSV and JSON


def _table_rows(table: ReportTable) -> list[list[str]]:
    kinds = [c.kind for c in table.columns]
    out = [[c.label for c in table.columns]]
    out += [[plain(v, k) for v, k in zip(row, kinds, strict=True)] for row in table.rows]
    if table.totals is not None:
        out.append([plain(v, k) for v, k in zip(table.totals, kinds, strict=True)])
    return out


def to_csv(report: Report) -> str:
    """One table: plain CSV (header, rows, a totals row). Several: each under a line with its
    title, separated by an empty line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    tables = report.tables
    if len(tables) == 1 and not report.facts:
        writer.writerows(_table_rows(tables[0]))
        return buffer.getvalue()
    writer.writerow([report.title])
    for label, value in report.facts:
        writer.writerow([label, value])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerows(_table_rows(table))
    return buffer.getvalue()


def to_json(report: Report) -> str:
    def table(t: ReportTable) -> dict[str, object]:
        keys = [c.key for c in t.columns]
        kinds = [c.kind for c in t.columns]

        def row(values: Sequence[Cell]) -> dict[str, str | int | None]:
            out: dict[str, str | int | None] = {}
            for k, kind, v in zip(keys, kinds, values, strict=True):
                out[k] = v if isinstance(v, int) and not isinstance(v, bool) else plain(v, kind)
                if v is None:
                    out[k] = None
            return out

        return {
            "key": t.key,
            "title": t.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
            "rows": [row(r) for r in t.rows],
            "totals": None if t.totals is None else row(t.totals),
        }

    f = report.filters
    doc = {
        "report": report.name,
        "title": report.title,
        "subtitle": report.subtitle,
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "filters": {
            "from": f.date_from.isoformat(),
            "to": f.date_to.isoformat(),
            "cinema": f.theater_id,
            "show": f.show_id,
            "movie": f.movie_id,
            "shift": f.shift_id,
        },
        "facts": [{"label": k, "value": v} for k, v in report.facts],
        "tables": [table(t) for t in report.tables],
        "notes": list(report.notes),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
