"""The schema diagram of docs/data-model.md, generated from the tables (not drawn by hand).

Run: .venv/bin/python bench/make_schema_diagram.py [--check]

Reads ``bms_desktop.persistence.tables.metadata`` (the models the migrations are checked against,
tests/integration/test_schema.py) and writes a Mermaid entity-relationship diagram, every table
with its primary and foreign keys and the columns the race and the sale touch, every foreign key
as a relationship, into docs/figures/schema.mmd and between the markers of docs/data-model.md,
followed by a generated table of every constraint and index with its SQL. ``--check`` exits 1
when the files are not what the tables say (a test runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import CheckConstraint, UniqueConstraint  # noqa: E402
from sqlalchemy.schema import Table  # noqa: E402

from bms_desktop.persistence.tables import metadata  # noqa: E402

GUIDE = ROOT / "docs" / "data-model.md"
FIGURE = ROOT / "docs" / "figures" / "schema.mmd"
BEGIN, END = "<!-- schema:begin (bench/make_schema_diagram.py) -->", "<!-- schema:end -->"
# Columns shown besides keys: what a sale reads and writes (the diagram stays legible).
SHOWN = {
    "show_seats": {"status", "version", "hold_expires_at", "counter", "price"},
    "ticket_seats": {"live", "price"},
    "tickets": {"code", "status", "counter", "strategy", "seat_count", "total", "hold_expires_at"},
    "payments": {"kind", "status", "amount"},
    "seats": {"label", "row_idx", "col_idx"},
    "shows": {"starts_at", "ends_at", "scratch"},
    "audit_events": {"action", "counter", "at"},
    "coupons": {"code", "usage_limit", "used_count"},
}


def _type(col: object) -> str:
    name = type(getattr(col, "type", None)).__name__.lower()
    return {"string": "text", "integer": "int", "biginteger": "int", "numeric": "decimal"}.get(
        name, name or "value"
    )


def _table_block(t: Table) -> list[str]:
    lines = [f"    {t.name} {{"]
    fks = {fk.parent.name for fk in t.foreign_keys}
    for col in t.columns:
        keys = []
        if col.primary_key:
            keys.append("PK")
        if col.name in fks:
            keys.append("FK")
        if not keys and col.name not in SHOWN.get(t.name, set()):
            continue
        lines.append(f"        {_type(col)} {col.name} {','.join(keys)}".rstrip())
    lines.append("    }")
    return lines


def diagram() -> str:
    lines = ["erDiagram"]
    for t in sorted(metadata.tables.values(), key=lambda t: t.name):
        for fk in sorted(t.foreign_keys, key=lambda f: f.parent.name):
            target = fk.column.table.name
            nullable = fk.parent.nullable
            lines.append(
                f'    {target} ||--{"o{" if nullable else "|{"} {t.name} : "{fk.parent.name}"'
            )
    for t in sorted(metadata.tables.values(), key=lambda t: t.name):
        lines += _table_block(t)
    return "\n".join(lines) + "\n"


def constraints_table() -> str:
    rows = ["| table | name | kind | rule |", "|---|---|---|---|"]
    for t in sorted(metadata.tables.values(), key=lambda t: t.name):
        for c in sorted(t.constraints, key=lambda c: str(c.name)):
            if isinstance(c, CheckConstraint):
                rows.append(f"| {t.name} | `{c.name}` | check | `{c.sqltext}` |")
            elif isinstance(c, UniqueConstraint):
                cols = ", ".join(col.name for col in c.columns)
                rows.append(f"| {t.name} | `{c.name}` | unique | ({cols}) |")
        for ix in sorted(t.indexes, key=lambda i: str(i.name)):
            cols = ", ".join(col.name for col in ix.columns)
            where = ix.dialect_options["sqlite"].get("where")
            kind = "unique index" if ix.unique else "index"
            rule = f"({cols})" + (f" WHERE `{where}`" if where is not None else "")
            rows.append(f"| {t.name} | `{ix.name}` | {kind} | {rule} |")
    return "\n".join(rows) + "\n"


def section() -> str:
    return (
        f"{BEGIN}\n```mermaid\n{diagram()}```\n\nEvery constraint and index, as the tables "
        f"declare them:\n\n{constraints_table()}{END}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = GUIDE.read_text(encoding="utf-8")
    start, stop = text.index(BEGIN), text.index(END) + len(END)
    new_guide = text[:start] + section() + text[stop:]
    new_figure = diagram()
    if args.check:
        stale = [
            str(p.relative_to(ROOT))
            for p, want in ((GUIDE, new_guide), (FIGURE, new_figure))
            if not p.exists() or p.read_text(encoding="utf-8") != want
        ]
        if stale:
            print("stale (run bench/make_schema_diagram.py): " + ", ".join(stale))
            return 1
        return 0
    GUIDE.write_text(new_guide, encoding="utf-8")
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    FIGURE.write_text(new_figure, encoding="utf-8")
    print(f"wrote {FIGURE.relative_to(ROOT)} and the diagram in {GUIDE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
