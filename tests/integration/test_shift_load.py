"""Correctness under load (issue 11): eight processes sell during their open shifts (cash,
card, UPI, split, coupons, refunds through the drawer, drops) on SQLite and PostgreSQL; then
every shift is counted and closed. Each drawer's expected cash equals the SQL sum of its rows,
and the day's Z report equals the SQL totals to the paisa. Two processes opening a shift for
one counter at once: one shift."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bms_desktop.domain import cash
from bms_desktop.domain.model import DEFAULT_SEAT_TYPES, CouponKind, Role
from bms_desktop.services import catalog, reports, shifts
from bms_desktop.services.context import SYSTEM
from bms_desktop.services.ports import NewCoupon
from bms_desktop.services.report_model import ReportFilter
from tests.support import shift_workers
from tests.support.builders import build_world, clerk
from tests.support.shift_support import paise, person, sql_scalar

SPAWN = mp.get_context("spawn")
CLERKS = 8
TIMEOUT_S = 300.0
TODAY = date(2030, 3, 4)
LAYOUT = "\n".join(["GGGGGGGGGG.GGGGGGGGGG"] * 6 + ["PPPPPPPPPP.PPPPPPPPPP"] * 4)


@pytest.fixture(scope="module")
def pool() -> Iterator[shift_workers.WorkerPool]:
    p = shift_workers.WorkerPool(SPAWN, CLERKS)
    yield p
    p.close()


def _who(p: Any) -> dict[str, Any]:
    return {"staff_id": p.staff_id, "username": p.username, "role": p.role.value}


def _errors(results: list[dict[str, Any]]) -> list[str]:
    out = [r["error"] for r in results if "error" in r]
    out += [e for r in results for e in r.get("errors", ())]
    return out


def test_two_processes_opening_one_counters_shift_get_one(db_url, box, clock, pool):
    world = build_world(box)
    a, b = person(box, "asha"), person(box, "ravi")
    results = pool.run(
        db_url,
        clock.now.isoformat(),
        "open_shift",
        [
            {"who": _who(a), "counter": "Counter 1", "theater_id": world.theater_id},
            {"who": _who(b), "counter": "Counter 1", "theater_id": world.theater_id},
        ],
        TIMEOUT_S,
    )
    assert not _errors(results), _errors(results)
    assert sorted(r["won"] for r in results) == [False, True], results
    loser = next(r for r in results if not r["won"])
    assert loser["error_type"] == "ShiftTaken" and loser["which"] == "counter"
    assert "already has an open shift" in loser["message"]
    assert sql_scalar(box, "SELECT count(*) FROM counter_sessions") == 1


def test_eight_selling_processes_leave_drawers_and_a_z_report_that_add_up(db_url, box, clock, pool):
    for code, name, price in DEFAULT_SEAT_TYPES:
        catalog.add_seat_type(box, SYSTEM, code=code, name=name, base_price=Decimal(price), rank=1)
    catalog.add_coupon(
        box, SYSTEM, NewCoupon("LOAD10", CouponKind.PERCENT, Decimal("10"), usage_limit=12)
    )
    world = build_world(box, layout=LAYOUT)
    boss = person(box, "suresh", Role.SUPERVISOR)
    clerks = [person(box, f"clerk{i}") for i in range(1, CLERKS + 1)]
    opened = [
        shifts.open_shift(
            box, c.at(f"Counter {i}"), theater_id=world.theater_id, opening_float=str(500 + 50 * i)
        )
        for i, c in enumerate(clerks, 1)
    ]
    tasks = [
        {
            "who": _who(c),
            "boss": _who(boss),
            "counter": f"Counter {i}",
            "show_id": world.show_id,
            "seat_ids": list(world.seat_ids),
            "coupon": "LOAD10",
            "ops": 20,
            "seed": i,
        }
        for i, c in enumerate(clerks, 1)
    ]
    results = pool.run(db_url, clock.now.isoformat(), "sell", tasks, TIMEOUT_S)
    assert not _errors(results), _errors(results)
    sales = sum(r["sales"] for r in results)
    refunds = sum(r["refunds"] for r in results)
    assert sales > 40 and refunds > 0, results
    assert sql_scalar(box, "SELECT count(*) FROM payments WHERE session_id IS NULL") == 0
    assert sql_scalar(box, "SELECT used_count FROM coupons WHERE code = 'LOAD10'") <= 12
    # no seat sold twice: every SOLD seat has exactly one live claim of a confirmed ticket
    sold = sql_scalar(box, "SELECT count(*) FROM show_seats WHERE status = 'SOLD'")
    claims = sql_scalar(
        box,
        "SELECT count(*) FROM ticket_seats ts JOIN tickets t ON "
        "t.id = ts.ticket_id WHERE ts.live AND t.status = 'CONFIRMED'",
    )
    assert sold == claims

    # every shift is counted and closed by its clerk with the supervisor's sign-off
    for i, (c, s) in enumerate(zip(clerks, opened, strict=True), 1):
        ctx = c.at(f"Counter {i}")
        summary = shifts.drawer_summary(box, ctx, shift_id=s.shift_id)
        done = shifts.close_shift(
            box,
            ctx,
            shift_id=s.shift_id,
            count=cash.count_as_total(summary.expected - i),
            sign_off=boss.sign_off(),
        )
        sums = {
            kind: paise(
                sql_scalar(
                    box,
                    "SELECT sum(amount) FROM payments WHERE session_id = :s AND mode = 'CASH' "
                    "AND kind = :k AND status = 'SUCCESS'",
                    s=s.shift_id,
                    k=kind,
                )
            )
            for kind in ("PAYMENT", "REFUND")
        }
        drops = paise(
            sql_scalar(
                box,
                "SELECT sum(amount) FROM cash_movements WHERE session_id = :s AND kind = 'DROP'",
                s=s.shift_id,
            )
        )
        expected = s.opening_float + sums["PAYMENT"] - sums["REFUND"] - drops
        assert done.expected == expected, (i, done.expected, expected)
        assert done.difference == Decimal(-i)
        stored = paise(
            sql_scalar(
                box, "SELECT expected_cash FROM counter_sessions WHERE id = :s", s=s.shift_id
            )
        )
        assert stored == expected

    z = reports.run_report(
        box,
        clerk("Office", role=Role.SUPERVISOR),
        "z-report",
        ReportFilter(TODAY, TODAY, world.theater_id),
    )
    facts = dict(z.facts)
    gross = paise(
        sql_scalar(
            box, "SELECT sum(amount) FROM payments WHERE kind = 'PAYMENT' AND status = 'SUCCESS'"
        )
    )
    refunded = paise(
        sql_scalar(
            box, "SELECT sum(amount) FROM payments WHERE kind = 'REFUND' AND status = 'SUCCESS'"
        )
    )
    assert facts["Status"] == "final"
    assert facts["Gross takings"] == f"₹{gross:,.2f}"
    assert facts["Refunds paid"] == f"₹{refunded:,.2f}"
    assert facts["Net takings"] == f"₹{gross - refunded:,.2f}"
    modes = z.table("modes")
    for row in modes.rows:
        mode = {"Cash": "CASH", "UPI": "UPI", "Card": "CREDIT_CARD", "Netbanking": "NETBANKING"}[
            str(row[0])
        ]
        taken = paise(
            sql_scalar(
                box, "SELECT sum(amount) FROM payments WHERE kind = 'PAYMENT' AND mode = :m", m=mode
            )
        )
        assert row[2] == taken, (mode, row[2], taken)
    drawers = z.table("shifts")
    assert drawers.totals[drawers.column("difference")] == Decimal(-sum(range(1, CLERKS + 1)))
    assert len(drawers.rows) == CLERKS
