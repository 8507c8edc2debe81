"""`bms-desktop report`: the window's figures (the same service) as CSV or JSON; one-line
refusals with exit code 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bms_desktop import cli
from bms_desktop.domain.model import Role
from bms_desktop.services import reports, shifts
from bms_desktop.services.report_model import ReportFilter
from tests.support.builders import build_world, clerk
from tests.support.shift_support import person, sell

DAY = "2030-03-04"


@pytest.fixture
def sold(box: Any) -> Any:
    world = build_world(box)
    asha = person(box, "asha").at("Counter 1")
    shift = shifts.open_shift(box, asha, theater_id=world.theater_id, opening_float="100")
    sell(box, asha, world.show_id, world.seat_ids[:2], mode="CASH", tendered="500")
    sell(box, asha, world.show_id, world.seat_ids[2:5], mode="UPI")
    return world, shift


def _run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_command_prints_the_windows_figures(db_url, box, sold, capsys):
    world, _shift = sold
    code, out, _err = _run(capsys, "report", "sales-by-movie", "--db", db_url, "--from", DAY,
                           "--to", DAY, "--cinema", str(world.theater_id))  # fmt: skip
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    same = reports.run_report(
        box, clerk("Office", role=Role.SUPERVISOR), "sales-by-movie",
        ReportFilter(date(2030, 3, 4), date(2030, 3, 4), world.theater_id),
    )  # fmt: skip
    table = same.table("sales")
    assert rows[0] == [c.label for c in table.columns]
    assert rows[1][table.column("gross")] == f"{table.rows[0][table.column('gross')]:.2f}"
    assert rows[-1][0] == "Total" and len(rows) == 3


def test_the_x_report_as_json(db_url, sold, capsys):
    _world, shift = sold
    code, out, _err = _run(capsys, "report", "x-report", "--db", db_url, "--shift",
                           str(shift.shift_id), "--format", "json")  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    drawer = next(t for t in doc["tables"] if t["key"] == "drawer")
    expected = next(r for r in drawer["rows"] if r["item"] == "Expected in the drawer")
    assert Decimal(expected["amount"]) == Decimal("300.00")  # 100 float + 2 x 100 cash


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope", "--from", DAY, "--to", DAY], "there is no report 'nope'"),
        (["sales-by-day", "--from", "04/03/2030", "--to", DAY], "write it as YYYY-MM-DD"),
        (["sales-by-day", "--to", DAY], "--from DATE is needed"),
        (["sales-by-day", "--from", DAY, "--to", "2030-03-01"], "starts (2030-03-04) after"),
        (["z-report", "--from", DAY, "--to", DAY], "is for one cinema"),
        (["sales-by-day", "--from", DAY, "--to", DAY, "--format", "xml"], "csv or json"),
        (["x-report", "--shift", "999"], "shift 999 does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(db_url, box, capsys, argv, message):
    code, out, err = _run(capsys, "report", argv[0], "--db", db_url, *argv[1:])
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_missing_database_is_refused_without_creating_one(tmp_path, capsys):
    target = tmp_path / "none.db"
    code, _out, err = _run(capsys, "report", "sales-by-day", "--db", f"sqlite:///{target}",
                           "--from", DAY, "--to", DAY)  # fmt: skip
    assert code == 2 and "no database" in err and not target.exists()
