"""Reports on real databases (SQLite and PostgreSQL): every total equals a hand-written SQL sum
to the paisa, refunds count on their own day, GST per seat at its rate, the X and Z reports, the
seat heat map, CSV and JSON with the exact figures."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bms_desktop.domain import cash
from bms_desktop.domain.errors import PermissionDenied, ValidationError
from bms_desktop.domain.model import DEFAULT_SEAT_TYPES, CouponKind, PricingRuleKind, Role
from bms_desktop.services import cancellation, catalog, queries, reports, shifts
from bms_desktop.services.context import SYSTEM
from bms_desktop.services.ports import NewCoupon, NewPricingRule
from bms_desktop.services.report_model import ReportFilter, to_csv, to_json
from bms_desktop.services.tender import Tender
from tests.support.builders import build_world, clerk
from tests.support.shift_support import paise, person, sell, sql_scalar

TODAY = date(2030, 3, 4)
BOSS = clerk("Office", role=Role.SUPERVISOR)


@pytest.fixture
def world(box: Any) -> Any:
    for code, name, price in DEFAULT_SEAT_TYPES:
        catalog.add_seat_type(box, SYSTEM, code=code, name=name, base_price=Decimal(price), rank=1)
    rule = NewPricingRule(
        "Platinum", PricingRuleKind.SEAT_TYPE, multiplier=Decimal("1.5"), seat_type="PLATINUM"
    )
    catalog.add_pricing_rule(box, SYSTEM, rule)
    catalog.add_coupon(box, SYSTEM, NewCoupon("TEN", CouponKind.PERCENT, Decimal("10")))
    return build_world(box, starts_in=timedelta(days=2))


def _seats(box: Any, world: Any, seat_type: str, n: int, skip: int = 0) -> list[int]:
    seats = [s for s in queries.get_seat_map(box, world.show_id).seats
             if s.seat_type == seat_type and s.status == "AVAILABLE"]  # fmt: skip
    return [s.show_seat_id for s in seats[skip : skip + n]]


@pytest.fixture
def day(box: Any, world: Any, clock: Any) -> dict[str, Any]:
    """A business day at Test Cinema: two clerks, cash, card, split, a coupon, a refund, a drop;
    and an unattended kiosk's UPI sale."""
    asha, ravi = person(box, "asha"), person(box, "ravi")
    boss = person(box, "suresh", Role.SUPERVISOR)
    a, r = asha.at("Counter 1"), ravi.at("Counter 2")
    s1 = shifts.open_shift(box, a, theater_id=world.theater_id, opening_float="1000")
    s2 = shifts.open_shift(box, r, theater_id=world.theater_id, opening_float="500")
    orders = [
        (a, "GOLD", 2, {"mode": "CASH", "tendered": "500"}),
        (a, "PLATINUM", 3, {"mode": "CREDIT_CARD"}),
        (r, "GOLD", 2, {"mode": "UPI", "coupon": "TEN"}),
        (r, "PLATINUM", 2, {"mode": "UPI", "split": [Tender("UPI", "100"),
                                                     Tender("CASH", "200", tendered="500")]}),
        (clerk("Kiosk"), "DIAMOND", 1, {"mode": "UPI"}),
    ]  # fmt: skip
    sales = []
    for ctx, seat_type, n, how in orders:
        clock.advance(minutes=1)  # one sale after the other (the heat map's order of sale)
        sales.append(sell(box, ctx, world.show_id, _seats(box, world, seat_type, n), **how))
    cancellation.cancel_booking(box, boss.at("Counter 1"), ticket_id=sales[1].ticket_id, fee="30")
    shifts.record_cash_movement(box, a, kind="DROP", amount="150", reason="safe")
    return {"shifts": (s1, s2), "sales": sales, "boss": boss, "people": (asha, ravi)}


def _sql_sum(box: Any, where: str = "1 = 1", **params: Any) -> Decimal:
    return paise(sql_scalar(box, f"SELECT sum(amount) FROM payments WHERE status = 'SUCCESS' "
                                 f"AND {where}", **params))  # fmt: skip


def _flt(world: Any, **kw: Any) -> ReportFilter:
    return ReportFilter(TODAY, TODAY, world.theater_id, **kw)


def test_sales_by_day_equals_the_sql_sums_to_the_paisa(box, world, day):
    report = reports.run_report(box, BOSS, "sales-by-day", _flt(world))
    table = report.table("sales")
    total = dict(zip([c.key for c in table.columns], table.totals, strict=True))
    assert total["gross"] == _sql_sum(box, "kind = 'PAYMENT'")
    assert total["refunds"] == _sql_sum(box, "kind = 'REFUND'")
    assert total["net"] == total["gross"] - total["refunds"]
    assert total["tickets"] == 5 and total["seats"] == 10 and total["seats_refunded"] == 3
    assert table.values("day") == [TODAY]


def test_sales_by_mode_and_by_clerk_add_up_like_sql(box, world, day):
    modes = reports.run_report(box, BOSS, "sales-by-mode", _flt(world)).table("modes")
    by_mode = {row[0]: row for row in modes.rows}
    for mode, label in (("CASH", "Cash"), ("UPI", "UPI"), ("CREDIT_CARD", "Card")):
        assert by_mode[label][2] == _sql_sum(box, "kind = 'PAYMENT' AND mode = :m", m=mode)
        assert by_mode[label][4] == _sql_sum(box, "kind = 'REFUND' AND mode = :m", m=mode)
    clerks = reports.run_report(box, BOSS, "sales-by-clerk", _flt(world)).table("sales")
    rows = {row[0]: row for row in clerks.rows}
    assert set(rows) == {"asha", "ravi", "suresh", "Kiosk (unattended)"}
    gross = clerks.column("gross")
    assert rows["ravi"][gross] == _sql_sum(box, "kind = 'PAYMENT' AND counter = 'Counter 2'")
    assert rows["suresh"][clerks.column("refunds")] == _sql_sum(box, "kind = 'REFUND'")


def test_gst_is_per_seat_at_the_rate_its_price_falls_under(box, world, day):
    """Gold and Diamond seats cost 100 (12 %: 10.71 inside), Platinum 150 (18 %: 22.88); the
    coupon's Gold seats 90 (12 %: 9.64). The card sale of 3 Platinum seats was refunded but for
    a 30.00 fee: each seat's refund share (140, 18 %: 21.36) takes its tax back."""
    tt = reports.run_report(box, BOSS, "sales-by-ticket-type", _flt(world)).table("ticket_types")
    total_tax = (
        2 * Decimal("10.71")  # cash sale, 2 Gold
        + 3 * (Decimal("22.88") - Decimal("21.36"))  # card sale, refunded less the fee
        + 2 * Decimal("9.64")  # coupon sale, 2 Gold at 90
        + 2 * Decimal("22.88")  # split sale, 2 Platinum
        + Decimal("10.71")  # the kiosk's Diamond seat
    )
    assert total_tax == Decimal("101.73")
    assert tt.totals[tt.column("gst")] == total_tax
    assert tt.totals[tt.column("net")] == _sql_sum(box, "kind = 'PAYMENT'") - _sql_sum(
        box, "kind = 'REFUND'"
    )
    z = reports.run_report(box, BOSS, "z-report", _flt(world))
    lines = z.table("gst")
    assert {r[0] for r in lines.rows} == {"12 %", "18 %"}
    assert lines.totals[-1] == total_tax


def test_the_x_report_is_the_drawer_summed_from_the_rows(box, world, day):
    s1 = day["shifts"][0]
    x = reports.run_report(box, BOSS, "x-report", _flt(world, shift_id=s1.shift_id))
    drawer = {row[0]: row[1] for row in x.table("drawer").rows}
    cash_taken = _sql_sum(box, "session_id = :s AND mode = 'CASH' AND kind = 'PAYMENT'",
                          s=s1.shift_id)  # fmt: skip
    assert drawer["Opening float"] == Decimal("1000.00")
    assert drawer["Cash taken by sales (change given excluded)"] == cash_taken
    assert drawer["Cash drops to the safe"] == Decimal("-150.00")
    assert drawer["Expected in the drawer"] == Decimal("1000") + cash_taken - 150
    asha = day["people"][0]
    own = reports.run_report(box, asha.at("Counter 1"), "x-report",
                             _flt(world, shift_id=s1.shift_id))  # fmt: skip
    assert own.table("drawer").rows == x.table("drawer").rows  # a clerk sees their own shift
    with pytest.raises(PermissionDenied):
        reports.run_report(box, day["people"][1].at("Counter 2"), "x-report",
                           _flt(world, shift_id=s1.shift_id))  # fmt: skip


def test_the_z_report_covers_every_shift_and_the_unattended_counters(box, world, day):
    boss = day["boss"]
    for s, who in zip(day["shifts"], day["people"], strict=True):
        summary = shifts.drawer_summary(box, who.at(s.counter), shift_id=s.shift_id)
        shifts.close_shift(box, who.at(s.counter), shift_id=s.shift_id,
                           count=cash.count_as_total(summary.expected - 10),
                           sign_off=boss.sign_off())  # fmt: skip
    z = reports.run_report(box, BOSS, "z-report", _flt(world))
    facts = dict(z.facts)
    assert facts["Status"] == "final"
    net = _sql_sum(box, "kind = 'PAYMENT'") - _sql_sum(box, "kind = 'REFUND'")
    assert facts["Net takings"] == f"₹{net:,.2f}"
    drawers = z.table("shifts")
    assert drawers.totals[drawers.column("difference")] == Decimal("-20.00")
    unattended = z.table("unattended")
    assert unattended.totals[2] == _sql_sum(box, "session_id IS NULL AND kind = 'PAYMENT'")
    with pytest.raises(ValidationError, match="one business day"):
        two_days = ReportFilter(TODAY, TODAY + timedelta(days=1), world.theater_id)
        reports.run_report(box, BOSS, "z-report", two_days)


def test_a_refund_counts_on_its_own_business_day(box, world, day, clock):
    sold = day["sales"][4]  # the kiosk's UPI sale: a UPI refund needs no drawer
    clock.advance(hours=20)  # 06:00 the next morning: a new business day
    cancellation.cancel_booking(box, day["boss"].at("Back office"), ticket_id=sold.ticket_id)
    two_days = ReportFilter(TODAY, TODAY + timedelta(days=1), world.theater_id)
    table = reports.run_report(box, BOSS, "sales-by-day", two_days).table("sales")
    refunds = dict(zip(table.values("day"), table.values("refunds"), strict=True))
    assert refunds[TODAY + timedelta(days=1)] == sold.total
    assert refunds[TODAY] == _sql_sum(box, "kind = 'REFUND'") - sold.total


def test_coupons_refunds_occupancy_and_distributor_reports(box, world, day):
    coupons = reports.run_report(box, BOSS, "coupons", _flt(world)).table("coupons")
    assert coupons.rows == (("TEN", 1, 0, 1, Decimal("20.00"), Decimal("180.00")),)
    refunds = reports.run_report(box, BOSS, "refunds", _flt(world)).table("refunds")
    (row,) = refunds.rows
    assert row[refunds.column("refund")] == Decimal("420.00")
    assert row[refunds.column("fee")] == Decimal("30.00")
    assert row[refunds.column("approved_by")] == "suresh"
    two = ReportFilter(TODAY, TODAY + timedelta(days=3), world.theater_id)
    occ = reports.run_report(box, BOSS, "occupancy-by-show", two).table("occupancy")
    (show,) = occ.rows
    sold_seats = sql_scalar(box, "SELECT count(*) FROM show_seats WHERE status = 'SOLD'")
    assert show[occ.column("sold")] == sold_seats == 7
    assert show[occ.column("capacity")] == len(world.seat_ids)
    dist = reports.run_report(box, BOSS, "distributor", two)
    movie = dist.tables[1]
    assert movie.title == "Test Movie"
    net = _sql_sum(box, "kind = 'PAYMENT'") - _sql_sum(box, "kind = 'REFUND'")
    assert movie.totals[movie.column("admissions")] == 7
    assert movie.totals[movie.column("gross")] == net
    assert dist.table("movies").totals[3] == net


def test_the_heat_map_orders_seats_by_their_first_sale(box, world, day, clock):
    two = ReportFilter(TODAY, TODAY + timedelta(days=3), world.theater_id, show_id=world.show_id)
    from bms_desktop.services import report_heat

    heat = report_heat.seat_heat(box, BOSS, two)
    first = set(booking_ids(box, day["sales"][0].ticket_id))
    last = set(booking_ids(box, day["sales"][-1].ticket_id))
    assert {heat.show_heat[i] for i in first} == {Decimal("1.00"), Decimal("0.90")}
    assert {heat.show_heat[i] for i in last} == {Decimal("0.10")}
    assert len(heat.show_heat) == 10  # the refunded seats sold once: they still count
    assert heat.shows_counted == 1
    assert all(heat.screen_heat[i] == heat.show_heat.get(i, 0) for i in heat.screen_heat)
    table = heat.report.table("seats")
    assert table.values("order")[:10] == list(range(1, 11))


def test_csv_and_json_carry_the_exact_figures(box, world, day):
    report = reports.run_report(box, BOSS, "sales-by-mode", _flt(world))
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0] == ["Payment mode", "Payments", "Taken", "Refunds", "Refunded", "Net"]
    assert rows[-1][0] == "Total" and Decimal(rows[-1][2]) == _sql_sum(box, "kind = 'PAYMENT'")
    doc = json.loads(to_json(report))
    taken = _sql_sum(box, "kind = 'PAYMENT'")
    assert doc["tables"][0]["totals"]["taken"] == f"{taken:.2f}"
    assert doc["filters"] == {"from": "2030-03-04", "to": "2030-03-04",
                              "cinema": world.theater_id, "show": None, "movie": None,
                              "shift": None}  # fmt: skip
    x = reports.run_report(box, BOSS, "x-report", _flt(world, shift_id=day["shifts"][0].shift_id))
    assert "Cash drawer" in to_csv(x)


def test_reports_need_a_supervisor_and_a_sane_period(box, world):
    with pytest.raises(PermissionDenied):
        reports.run_report(box, clerk("Counter 1"), "sales-by-day", _flt(world))
    with pytest.raises(ValidationError, match="starts"):
        reports.run_report(box, BOSS, "sales-by-day",
                           ReportFilter(TODAY, TODAY - timedelta(days=1)))  # fmt: skip
    with pytest.raises(ValidationError, match="there is no report 'takings'"):
        reports.run_report(box, BOSS, "takings", _flt(world))


def booking_ids(box: Any, ticket_id: int) -> list[int]:
    from sqlalchemy import text

    with box.uows() as uow:
        rows = uow.connection.execute(
            text("SELECT show_seat_id FROM ticket_seats WHERE ticket_id = :t"), {"t": ticket_id}
        )
        return [r[0] for r in rows]
