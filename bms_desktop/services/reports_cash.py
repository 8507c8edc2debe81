"""The X report (one shift: what its drawer took, paid out and should hold) and the Z report
(one business day of a cinema: every shift and every payment of the day, with the GST lines).

Both are summed from the payment and movement rows (``uow.shifts.sums`` lets the database add
the drawer's integer paise; the takings are added here in ``Decimal``). A Z report printed while
shifts are still open says so: it is provisional until the last drawer is counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from bms_desktop.domain import cash, gst
from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_shifts import ShiftRecord
from bms_desktop.services.report_facts import (
    ZERO,
    Event,
    FactContext,
    Totals,
    build_events,
    padded_window,
    tax_lines,
)
from bms_desktop.services.report_model import (
    Cell,
    ChartSpec,
    Column,
    Report,
    ReportFilter,
    ReportTable,
)
from bms_desktop.services.reports import _by_mode, local, mode_label

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(at: datetime | None, tz: str) -> str:
    if at is None:
        return "still open"
    t = local(at, tz)
    return f"{t.day} {t:%b %Y %H:%M}"


def _name(uow: UnitOfWork, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    staff = uow.staff.by_id(staff_id)
    return "" if staff is None else staff.username


def _tax_table(events: Sequence[Event]) -> ReportTable:
    lines = tax_lines(events)
    rows = tuple(
        (gst.format_rate(t.rate), t.gross, t.taxable, t.cgst, t.sgst, t.tax) for t in lines
    )
    return ReportTable(
        key="gst",
        title="GST included in the takings",
        columns=(
            Column("rate", "Rate"),
            Column("gross", "Takings incl. GST", "money"),
            Column("taxable", "Taxable value", "money"),
            Column("cgst", "CGST", "money"),
            Column("sgst", "SGST", "money"),
            Column("gst", "GST", "money"),
        ),
        rows=rows,
        totals=(
            "Total",
            sum((t.gross for t in lines), ZERO),
            sum((t.taxable for t in lines), ZERO),
            sum((t.cgst for t in lines), ZERO),
            sum((t.sgst for t in lines), ZERO),
            sum((t.tax for t in lines), ZERO),
        ),
    )


def _ticket_lines(events: Sequence[Event]) -> ReportTable:
    t = Totals()
    discount = ZERO
    for e in events:
        t.add(e)
        if e.kind == "SALE":
            discount += e.first.discount
    rows: tuple[tuple[Cell, ...], ...] = (
        ("Tickets sold", str(t.tickets)),
        ("Seats sold", str(t.seats)),
        ("Bookings cancelled", str(t.tickets_refunded)),
        ("Seats refunded", str(t.seats_refunded)),
        ("Coupon discounts given", f"₹{discount:,.2f}"),
        ("Gross takings", f"₹{t.gross:,.2f}"),
        ("Refunds paid", f"₹{t.refunds:,.2f}"),
        ("Net takings", f"₹{t.net:,.2f}"),
    )
    return ReportTable(
        key="tickets",
        title="Tickets and takings",
        columns=(Column("item", "Item"), Column("value", "Value")),
        rows=rows,
    )


# --------------------------------------------------------------------------- X report


def x_report(box: BoxOffice, ctx: CounterContext, *, shift_id: int) -> Report:
    """One shift: its takings by mode, the drawer (float, cash in and out, drops, top-ups,
    expected, counted, difference), movements, the count by denomination, GST."""
    from bms_desktop.services.shifts import drawer_summary

    summary = drawer_summary(box, ctx, shift_id=shift_id)  # the clerk's own, or a supervisor
    with box.uows() as uow:
        record = uow.shifts.shift(shift_id)
        assert record is not None
        cinema = uow.shifts.cinema(record.theater_id) if record.theater_id else None
        fctx = FactContext.load(uow)
        facts = uow.reports.payment_facts(since=_EPOCH, until=_EPOCH, session_ids=[shift_id])
        events = build_events(uow, facts, fctx)
        approver = _name(uow, record.approved_by_id)
        closer = _name(uow, record.closed_by_id)
    tz = record.timezone
    shift = summary.shift
    totals = summary.totals
    drawer: list[tuple[Cell, ...]] = [
        ("Opening float", totals.opening_float),
        ("Cash taken by sales (change given excluded)", totals.cash_taken),
        ("Cash refunds paid out", -totals.cash_refunded),
        ("Cash drops to the safe", -totals.drops),
        ("Top-ups into the drawer", totals.topups),
        ("Expected in the drawer", totals.expected),
    ]
    if record.counted_cash is not None:
        diff = cash.difference(record.counted_cash, record.expected_cash or totals.expected)
        drawer += [("Counted", record.counted_cash), ("Difference (over + / short −)", diff)]
    tables = [
        _by_mode(events, "Takings by payment mode"),
        ReportTable(
            key="drawer",
            title="Cash drawer",
            columns=(Column("item", "Item"), Column("amount", "Amount", "money")),
            rows=tuple(drawer),
        ),
        _ticket_lines(events),
        _tax_table(events),
    ]
    if summary.movements:
        tables.append(
            ReportTable(
                key="movements",
                title="Drops and top-ups",
                columns=(
                    Column("at", "Time", "datetime"),
                    Column("kind", "Kind"),
                    Column("amount", "Amount", "money"),
                    Column("reason", "Reason"),
                    Column("by", "By"),
                    Column("witness", "Witnessed by"),
                ),
                rows=tuple(
                    (
                        local(m.created_at, tz),
                        "Drop" if m.kind == "DROP" else "Top-up",
                        m.amount,
                        m.reason,
                        m.by,
                        m.approved_by or "",
                    )
                    for m in summary.movements
                ),
            )
        )
    count = cash.CashCount.from_json(record.counted_detail)
    if count is not None and count.by_denomination:
        rows = tuple(
            (cash.BY_KEY[k].label, n, cash.BY_KEY[k].value * n) for k, n in count.pieces if n
        )
        if count.other:
            rows += (("Other (₹2000 notes, paise…)", 0, count.other),)
        tables.append(
            ReportTable(
                key="count",
                title="Counted by denomination",
                columns=(
                    Column("denomination", "Denomination"),
                    Column("pieces", "Pieces", "int"),
                    Column("amount", "Amount", "money"),
                ),
                rows=rows,
                totals=("Total", sum(n for _k, n in count.pieces), count.total),
            )
        )
    facts_lines = [
        ("Cinema", cinema.name if cinema else shift.theater_name),
        ("GSTIN", cinema.gstin if cinema and cinema.gstin else "(not set)"),
        ("Counter", shift.counter),
        ("Clerk", f"{shift.clerk} ({shift.username})"),
        ("Business day", "" if shift.business_date is None else shift.business_date.isoformat()),
        ("Opened", _stamp(shift.opened_at, tz)),
        ("Closed", _stamp(shift.closed_at, tz)),
    ]
    if shift.closed_at is not None:
        facts_lines += [("Closed by", closer), ("Signed off by", approver)]
    flt = ReportFilter(
        shift.business_date or shift.opened_at.date(),
        shift.business_date or shift.opened_at.date(),
        theater_id=shift.theater_id,
        shift_id=shift_id,
    )
    return Report(
        name="x-report",
        title=f"X report · shift #{shift_id} · {shift.counter}",
        subtitle=f"{shift.theater_name} · {shift.clerk} · business day {flt.date_from:%d %b %Y}",
        filters=flt,
        generated_at=local(box.now(), tz),
        facts=tuple(facts_lines),
        tables=tuple(tables),
        notes=()
        if shift.closed_at is not None
        else ("The shift is still open: these figures are as of now.",),
    )


# --------------------------------------------------------------------------- Z report


def z_report(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> Report:
    """One business day of one cinema: every shift's drawer, every payment of the day (the
    shifts' and the unattended counters'), by mode and by movie, and the GST lines."""
    ctx.require(Role.SUPERVISOR, "The Z report")
    if flt.theater_id is None:
        raise ValidationError("the Z report is for one cinema: name it", field="cinema")
    if flt.date_from != flt.date_to:
        raise ValidationError("the Z report is for one business day: from and to are the same day",
                              field="to")  # fmt: skip
    day = flt.date_from
    with box.uows() as uow:
        cinema = uow.shifts.cinema(flt.theater_id)
        if cinema is None:
            raise NotFound(f"cinema {flt.theater_id} does not exist")
        fctx = FactContext.load(uow)
        day_shifts = sorted(
            uow.shifts.shifts(theater_id=flt.theater_id, business_from=day, business_to=day),
            key=lambda s: (s.opened_at, s.shift_id),
        )
        ids = {s.shift_id for s in day_shifts}
        since, until = padded_window(day, day)
        facts = uow.reports.payment_facts(
            since=since, until=until, theater_id=flt.theater_id, session_ids=sorted(ids)
        )
        events = [
            e
            for e in build_events(uow, facts, fctx)
            if (e.first.session_id in ids)
            or (e.first.session_id is None and e.business_date == day)
        ]
        drawers = [(s, uow.shifts.sums(s.shift_id), _name(uow, s.approved_by_id))
                   for s in day_shifts]  # fmt: skip
    tz = cinema.timezone
    shift_rows: list[tuple[Cell, ...]] = []
    sums = [ZERO] * 6
    for s, sums_of, approver in drawers:
        expected = cash.DrawerTotals(
            s.opening_float,
            sums_of.cash_taken,
            sums_of.cash_refunded,
            sums_of.drops,
            sums_of.topups,
        ).expected
        diff = None if s.counted_cash is None else cash.difference(s.counted_cash, expected)
        shift_rows.append((
            s.counter, s.username, local(s.opened_at, tz),
            None if s.closed_at is None else local(s.closed_at, tz), s.opening_float,
            sums_of.cash_taken, sums_of.cash_refunded, sums_of.drops, sums_of.topups, expected,
            s.counted_cash, diff, approver or ("" if s.closed_at else "open"),
        ))  # fmt: skip
        for i, v in enumerate((s.opening_float, sums_of.cash_taken, sums_of.cash_refunded,
                               sums_of.drops, sums_of.topups, expected)):  # fmt: skip
            sums[i] += v
    counted = [s.counted_cash for s, _t, _a in drawers if s.counted_cash is not None]
    diffs = [r[11] for r in shift_rows if isinstance(r[11], Decimal)]
    shifts_table = ReportTable(
        key="shifts",
        title="Shifts and drawers",
        columns=(
            Column("counter", "Counter"),
            Column("clerk", "Clerk"),
            Column("opened", "Opened", "datetime"),
            Column("closed", "Closed", "datetime"),
            Column("float", "Float", "money"),
            Column("cash_taken", "Cash taken", "money"),
            Column("cash_refunded", "Cash refunded", "money"),
            Column("drops", "Drops", "money"),
            Column("topups", "Top-ups", "money"),
            Column("expected", "Expected", "money"),
            Column("counted", "Counted", "money"),
            Column("difference", "Difference", "money"),
            Column("approved_by", "Signed off by"),
        ),
        rows=tuple(shift_rows),
        totals=(
            "Total",
            f"{len(drawers)} shifts",
            None,
            None,
            *sums,
            sum(counted, ZERO),
            sum(diffs, ZERO),
            "",
        ),
    )
    unattended = [e for e in events if e.first.session_id is None]
    by_movie: dict[str, Totals] = {}
    for e in events:
        by_movie.setdefault(e.first.movie_title, Totals()).add(e)
    total = Totals()
    for t in by_movie.values():
        total.merge(t)
    movie_table = ReportTable(
        key="movies",
        title="Takings by movie",
        columns=(
            Column("movie", "Movie"),
            Column("tickets", "Tickets", "int"),
            Column("seats", "Seats", "int"),
            Column("gross", "Gross", "money"),
            Column("refunds", "Refunds", "money"),
            Column("net", "Net", "money"),
            Column("gst", "GST incl.", "money"),
        ),
        rows=tuple(
            (m, t.tickets, t.seats, t.gross, t.refunds, t.net, t.tax)
            for m, t in sorted(by_movie.items())
        ),
        totals=(
            "Total",
            total.tickets,
            total.seats,
            total.gross,
            total.refunds,
            total.net,
            total.tax,
        ),
        chart=ChartSpec("movie", ("net",), "Net takings by movie", horizontal=True),
    )
    tables = [shifts_table, _by_mode(events, "Takings by payment mode"), movie_table]
    if unattended:
        tables.append(_by_mode(unattended, "Of which unattended counters (no drawer)"))
        tables[-1] = _rekey(tables[-1], "unattended")
    tables.append(_tax_table(events))
    still_open = [s for s, _t, _a in drawers if s.closed_at is None]
    header = (
        ("Cinema", cinema.name),
        ("Address", ", ".join(p for p in (cinema.address, cinema.city) if p)),
        ("GSTIN", cinema.gstin or "(not set)"),
        ("Phone", cinema.phone or "(not set)"),
        ("Business day", day.isoformat()),
        ("Shifts", f"{len(drawers)} ({len(still_open)} still open)"),
        ("Gross takings", f"₹{total.gross:,.2f}"),
        ("Refunds paid", f"₹{total.refunds:,.2f}"),
        ("Net takings", f"₹{total.net:,.2f}"),
        ("GST included", f"₹{total.tax:,.2f}"),
        ("Status", "final" if not still_open else "PROVISIONAL: shifts are still open"),
    )
    notes = [
        "Every payment taken in the day's shifts, and the unattended counters' payments of "
        "the day; refunds count on the day they were paid out."
    ]
    if still_open:
        notes.append(
            "Provisional: "
            + ", ".join(f"{s.counter} ({s.username})" for s in still_open)
            + " not yet counted and closed."
        )
    return Report(
        name="z-report",
        title=f"Z report · {cinema.name}",
        subtitle=f"business day {day:%a} {day.day} {day:%b %Y}",
        filters=flt,
        generated_at=local(box.now(), tz),
        facts=header,
        tables=tuple(tables),
        notes=tuple(notes),
    )


def _rekey(table: ReportTable, key: str) -> ReportTable:
    from dataclasses import replace

    return replace(table, key=key, chart=None)


def shift_choices(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> list[ShiftRecord]:
    """Shifts of the filter's business days (and cinema), for choosing an X report."""
    ctx.require(Role.SUPERVISOR, "Choosing a shift")
    with box.uows() as uow:
        return uow.shifts.shifts(
            theater_id=flt.theater_id, business_from=flt.date_from, business_to=flt.date_to
        )


__all__ = ["mode_label", "shift_choices", "x_report", "z_report"]
