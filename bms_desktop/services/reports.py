"""Reports for supervisors and head office: sales by day, show, movie, cinema, screen, payment
mode, ticket type and clerk; occupancy by show and screen; coupons; refunds; the distributor
report; (X and Z reports: ``reports_cash``; the seat heat map: ``report_heat``).

Every figure is added up here, in ``Decimal``, from the ticket and payment rows (never from a
counter kept on the side), over the cinema's business days ``date_from`` to ``date_to``
(inclusive). The window, the printed PDF and ``bms-desktop report`` call the same functions, so
their figures are the same.

Definitions (docs/reports.md):
- gross: what sales took (PAYMENT rows); refunds: what cancellations paid back (REFUND rows);
  net = gross - refunds. A refund counts on the day it was paid out.
- GST is included in the prices: per seat, at the rate its price falls under (``domain.gst``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bms_desktop.domain import cash
from bms_desktop.domain.errors import NotFound, ValidationError
from bms_desktop.domain.model import PaymentMode, Role
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_reports import CinemaRef, PaymentFact, ShowFact
from bms_desktop.services.report_facts import (
    ZERO,
    Event,
    FactContext,
    Totals,
    build_events,
    business_day_of,
    in_days,
    padded_window,
)
from bms_desktop.services.report_model import (
    Cell,
    ChartSpec,
    Column,
    Report,
    ReportFilter,
    ReportTable,
)

MAX_DAYS = 400


@dataclass(frozen=True, slots=True)
class ReportSpec:
    name: str
    title: str
    needs: tuple[str, ...] = ()  # "cinema", "shift", "show": what the filter must name
    group: str = "Sales"


CATALOGUE: tuple[ReportSpec, ...] = (
    ReportSpec("sales-by-day", "Sales by day"),
    ReportSpec("sales-by-show", "Sales by show"),
    ReportSpec("sales-by-movie", "Sales by movie"),
    ReportSpec("sales-by-cinema", "Sales by cinema"),
    ReportSpec("sales-by-screen", "Sales by screen"),
    ReportSpec("sales-by-mode", "Sales by payment mode"),
    ReportSpec("sales-by-ticket-type", "Sales by ticket type"),
    ReportSpec("sales-by-clerk", "Sales by clerk"),
    ReportSpec("occupancy-by-show", "Occupancy by show", group="Occupancy"),
    ReportSpec("occupancy-by-screen", "Occupancy by screen", group="Occupancy"),
    ReportSpec("seat-heat-map", "Seat heat map", ("show",), group="Occupancy"),
    ReportSpec("coupons", "Coupons used", group="Sales"),
    ReportSpec("refunds", "Refunds", group="Sales"),
    ReportSpec("distributor", "Distributor report", group="Distributors"),
    ReportSpec("x-report", "X report (one shift)", ("shift",), group="Cash"),
    ReportSpec("z-report", "Z report (one business day)", ("cinema",), group="Cash"),
)
BY_NAME = {s.name: s for s in CATALOGUE}

_MONEY_COLS = (
    Column("tickets", "Tickets", "int"),
    Column("seats", "Seats", "int"),
    Column("seats_refunded", "Seats refunded", "int"),
    Column("gross", "Gross", "money"),
    Column("refunds", "Refunds", "money"),
    Column("net", "Net", "money"),
    Column("gst", "GST incl.", "money"),
    Column("net_of_gst", "Net of GST", "money"),
)


def _money_cells(t: Totals) -> tuple[Cell, ...]:
    return (
        t.tickets,
        t.seats,
        t.seats_refunded,
        t.gross,
        t.refunds,
        t.net,
        t.tax,
        t.net_of_tax,
    )


# --------------------------------------------------------------------------- filter and load


def check_filter(flt: ReportFilter) -> None:
    if flt.date_from > flt.date_to:
        raise ValidationError(
            f"the period starts ({flt.date_from}) after it ends ({flt.date_to})", field="from"
        )
    if (flt.date_to - flt.date_from).days >= MAX_DAYS:
        raise ValidationError(f"a report covers at most {MAX_DAYS} days", field="to")


def require_reports(ctx: CounterContext) -> None:
    ctx.require(Role.SUPERVISOR, "Reports")


def cinemas(box: BoxOffice) -> list[CinemaRef]:
    with box.uows() as uow:
        return uow.reports.cinemas()


def _cinema(uow: UnitOfWork, theater_id: int | None) -> CinemaRef | None:
    if theater_id is None:
        return None
    for c in uow.reports.cinemas():
        if c.theater_id == theater_id:
            return c
    record = uow.shifts.cinema(theater_id)
    if record is None:
        raise NotFound(f"cinema {theater_id} does not exist")
    return CinemaRef(record.theater_id, record.name, record.city, record.timezone)


def _subtitle(flt: ReportFilter, cinema: CinemaRef | None) -> str:
    where = cinema.name if cinema is not None else "all cinemas"
    if flt.date_from == flt.date_to:
        return f"{where} · business day {_day(flt.date_from)}"
    return f"{where} · business days {_day(flt.date_from)} to {_day(flt.date_to)}"


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def local(at: datetime, tz: str) -> datetime:
    return at.astimezone(cash.zone(tz))


@dataclass(frozen=True)
class Loaded:
    events: list[Event]
    cinema: CinemaRef | None
    context: FactContext


def load_events(uow: UnitOfWork, flt: ReportFilter) -> Loaded:
    cinema = _cinema(uow, flt.theater_id)
    since, until = padded_window(flt.date_from, flt.date_to)
    fctx = FactContext.load(uow)
    facts = uow.reports.payment_facts(since=since, until=until, theater_id=flt.theater_id)
    events = in_days(build_events(uow, facts, fctx), flt.date_from, flt.date_to)
    return Loaded(events, cinema, fctx)


def _report(
    box: BoxOffice,
    name: str,
    flt: ReportFilter,
    cinema: CinemaRef | None,
    tables: Sequence[ReportTable],
    *,
    facts: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    title: str | None = None,
) -> Report:
    return Report(
        name=name,
        title=title or BY_NAME[name].title,
        subtitle=_subtitle(flt, cinema),
        filters=flt,
        generated_at=local(box.now(), cinema.timezone if cinema else "Asia/Kolkata"),
        facts=tuple(facts),
        tables=tuple(tables),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- sales family


def _grouped(events: Sequence[Event], key: Callable[[Event], Any]) -> dict[Any, Totals]:
    groups: dict[Any, Totals] = defaultdict(Totals)
    for e in events:
        groups[key(e)].add(e)
    return groups


def _totals_row(lead: int, groups: dict[Any, Totals]) -> tuple[Cell, ...]:
    total = Totals()
    for t in groups.values():
        total.merge(t)
    return ("Total", *([""] * (lead - 1)), *_money_cells(total))


def _sales_table(
    key: str,
    title: str,
    lead: Sequence[Column],
    groups: dict[Any, Totals],
    label_of: Callable[[Any], tuple[Cell, ...]],
    order: Callable[[Any], Any],
    chart: ChartSpec | None,
) -> ReportTable:
    rows = tuple((*label_of(k), *_money_cells(groups[k])) for k in sorted(groups, key=order))
    return ReportTable(
        key=key,
        title=title,
        columns=(*lead, *_MONEY_COLS),
        rows=rows,
        totals=_totals_row(len(lead), groups),
        chart=chart,
    )


def sales_report(box: BoxOffice, ctx: CounterContext, name: str, flt: ReportFilter) -> Report:
    """One of the sales-by reports."""
    require_reports(ctx)
    check_filter(flt)
    with box.uows() as uow:
        loaded = load_events(uow, flt)
    ev = loaded.events
    title = BY_NAME[name].title
    table: ReportTable
    match name:
        case "sales-by-day":
            days = _grouped(ev, lambda e: e.business_date)
            d = flt.date_from
            while d <= flt.date_to:  # every day of the period, also the quiet ones
                days.setdefault(d, Totals())
                d += timedelta(days=1)
            table = _sales_table(
                "sales", title, (Column("day", "Business day", "date"),), days,
                lambda k: (k,), lambda k: k, ChartSpec("day", ("net",), "Net sales by day"),
            )  # fmt: skip
        case "sales-by-show":
            info: dict[int, PaymentFact] = {}
            for e in ev:
                info.setdefault(e.first.show_id, e.first)
            table = _sales_table(
                "sales", title,
                (Column("starts", "Show", "datetime"), Column("movie", "Movie"),
                 Column("screen", "Screen"), Column("cinema", "Cinema")),
                _grouped(ev, lambda e: e.first.show_id),
                lambda k: _show_cells(info[k]),
                lambda k: (info[k].show_starts_at, k),
                ChartSpec("movie", ("net",), "Net sales by show", horizontal=True),
            )  # fmt: skip
        case "sales-by-movie":
            titles = {e.first.movie_id: e.first.movie_title for e in ev}
            table = _sales_table(
                "sales", title, (Column("movie", "Movie"),),
                _grouped(ev, lambda e: e.first.movie_id),
                lambda k: (titles[k],), lambda k: (titles[k], k),
                ChartSpec("movie", ("net",), "Net sales by movie", horizontal=True),
            )  # fmt: skip
        case "sales-by-cinema":
            names = {e.first.theater_id: e.first.theater_name for e in ev}
            table = _sales_table(
                "sales", title, (Column("cinema", "Cinema"),),
                _grouped(ev, lambda e: e.first.theater_id),
                lambda k: (names[k],), lambda k: (names[k], k),
                ChartSpec("cinema", ("net",), "Net sales by cinema", horizontal=True),
            )  # fmt: skip
        case "sales-by-screen":
            where = {e.first.screen_id: (e.first.theater_name, e.first.screen_name) for e in ev}
            table = _sales_table(
                "sales", title, (Column("cinema", "Cinema"), Column("screen", "Screen")),
                _grouped(ev, lambda e: e.first.screen_id),
                lambda k: where[k], lambda k: (where[k], k),
                ChartSpec("screen", ("net",), "Net sales by screen", horizontal=True),
            )  # fmt: skip
        case "sales-by-clerk":
            table = _sales_table(
                "sales", title, (Column("clerk", "Clerk"),),
                _grouped(ev, lambda e: e.clerk),
                lambda k: (str(k),), str,
                ChartSpec("clerk", ("gross",), "Takings by clerk", horizontal=True),
            )  # fmt: skip
        case "sales-by-mode":
            table = _by_mode(ev, title)
        case "sales-by-ticket-type":
            table = _by_ticket_type(ev, title)
        case _:
            raise ValidationError(f"unknown sales report {name}", field="report")
    return _report(box, name, flt, loaded.cinema, [table])


def _show_cells(f: PaymentFact) -> tuple[Cell, ...]:
    return (local(f.show_starts_at, f.timezone), f.movie_title, f.screen_name, f.theater_name)


def mode_label(mode: str) -> str:
    try:
        return PaymentMode(mode).label
    except ValueError:
        return mode


def _by_mode(events: Sequence[Event], title: str) -> ReportTable:
    rows: dict[str, list[object]] = {}
    for e in events:
        for r in e.rows:
            acc = rows.setdefault(r.mode, [0, ZERO, 0, ZERO])
            if e.kind == "SALE":
                acc[0] = int(str(acc[0])) + 1
                acc[1] = Decimal(str(acc[1])) + r.amount
            else:
                acc[2] = int(str(acc[2])) + 1
                acc[3] = Decimal(str(acc[3])) + r.amount
    order = [m.value for m in PaymentMode]
    out = []
    tot: list[Decimal | int] = [0, ZERO, 0, ZERO]
    for mode in sorted(rows, key=lambda m: order.index(m) if m in order else 99):
        n, taken, rn, refunded = rows[mode]
        assert isinstance(n, int) and isinstance(rn, int)
        assert isinstance(taken, Decimal) and isinstance(refunded, Decimal)
        out.append((mode_label(mode), n, taken, rn, refunded, taken - refunded))
        tot = [tot[0] + n, tot[1] + taken, tot[2] + rn, tot[3] + refunded]
    taken_total, refunded_total = Decimal(tot[1]), Decimal(tot[3])
    return ReportTable(
        key="modes",
        title=title,
        columns=(
            Column("mode", "Payment mode"),
            Column("payments", "Payments", "int"),
            Column("taken", "Taken", "money"),
            Column("refund_rows", "Refunds", "int"),
            Column("refunded", "Refunded", "money"),
            Column("net", "Net", "money"),
        ),
        rows=tuple(out),
        totals=(
            "Total",
            tot[0],
            taken_total,
            tot[2],
            refunded_total,
            taken_total - refunded_total,
        ),
        chart=ChartSpec("mode", ("net",), "Net takings by payment mode"),
    )


def _by_ticket_type(events: Sequence[Event], title: str) -> ReportTable:
    acc: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 5)
    for e in events:
        for s in e.seats:
            a = acc[s.line.ticket_type]
            if e.kind == "SALE":
                a[0] += 1
                a[2] += s.amount
                a[4] += s.tax
            else:
                a[1] += 1
                a[3] += s.amount
                a[4] -= s.tax
    rows = []
    total = [ZERO] * 5
    for kind in sorted(acc):
        a = acc[kind]
        rows.append((kind.title(), int(a[0]), int(a[1]), a[2], a[3], a[2] - a[3], a[4],
                     a[2] - a[3] - a[4]))  # fmt: skip
        total = [x + y for x, y in zip(total, a, strict=True)]
    return ReportTable(
        key="ticket_types",
        title=title,
        columns=(
            Column("ticket_type", "Ticket type"),
            Column("seats", "Seats", "int"),
            Column("seats_refunded", "Seats refunded", "int"),
            Column("gross", "Gross", "money"),
            Column("refunds", "Refunds", "money"),
            Column("net", "Net", "money"),
            Column("gst", "GST incl.", "money"),
            Column("net_of_gst", "Net of GST", "money"),
        ),
        rows=tuple(rows),
        totals=(
            "Total",
            int(total[0]),
            int(total[1]),
            total[2],
            total[3],
            total[2] - total[3],
            total[4],
            total[2] - total[3] - total[4],
        ),
        chart=ChartSpec("ticket_type", ("net",), "Net sales by ticket type"),
    )


# --------------------------------------------------------------------------- coupons, refunds


def coupons_report(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> Report:
    require_reports(ctx)
    check_filter(flt)
    with box.uows() as uow:
        loaded = load_events(uow, flt)
    acc: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 5)
    for e in loaded.events:
        code = e.first.coupon_code
        if not code:
            continue
        a = acc[code]
        if e.kind == "SALE":
            a[0] += 1
            a[2] += e.first.discount
            a[4] += e.amount
        else:
            a[1] += 1
            a[3] += e.first.discount
    rows = []
    total = [ZERO] * 5
    for code in sorted(acc):
        a = acc[code]
        rows.append((code, int(a[0]), int(a[1]), int(a[0] - a[1]), a[2] - a[3], a[4]))
        total = [x + y for x, y in zip(total, a, strict=True)]
    table = ReportTable(
        key="coupons",
        title="Coupons used",
        columns=(
            Column("code", "Coupon"),
            Column("uses", "Uses", "int"),
            Column("returned", "Given back", "int"),
            Column("net_uses", "Net uses", "int"),
            Column("discount", "Discount given", "money"),
            Column("sales", "Paid by those sales", "money"),
        ),
        rows=tuple(rows),
        totals=(
            "Total",
            int(total[0]),
            int(total[1]),
            int(total[0] - total[1]),
            total[2] - total[3],
            total[4],
        ),
        chart=ChartSpec("code", ("discount",), "Discount given by coupon"),
    )
    return _report(
        box, "coupons", flt, loaded.cinema, [table],
        notes=("A use is given back when its booking is cancelled (on the day of the refund).",),
    )  # fmt: skip


def _tenders(rows: Sequence[PaymentFact]) -> str:
    return " + ".join(f"{mode_label(r.mode)} ₹{r.amount:,.2f}" for r in rows)


def refunds_report(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> Report:
    require_reports(ctx)
    check_filter(flt)
    with box.uows() as uow:
        loaded = load_events(uow, flt)
    rows = []
    total_refund = total_fee = total_paid = ZERO
    for e in loaded.events:
        if e.kind != "REFUND":
            continue
        f = e.first
        fee = f.total - e.amount
        rows.append((
            local(f.created_at, f.timezone), e.business_date, f.ticket_code, f.movie_title,
            local(f.show_starts_at, f.timezone), f.theater_name, f.counter, e.clerk,
            f.approved_by, _tenders(e.rows), f.total, e.amount, fee, f.reference,
        ))  # fmt: skip
        total_refund += e.amount
        total_fee += fee
        total_paid += f.total
    table = ReportTable(
        key="refunds",
        title="Refunds",
        columns=(
            Column("at", "Refunded at", "datetime"),
            Column("day", "Business day", "date"),
            Column("ticket", "Ticket"),
            Column("movie", "Movie"),
            Column("show", "Show", "datetime"),
            Column("cinema", "Cinema"),
            Column("counter", "Counter"),
            Column("by", "Refunded by"),
            Column("approved_by", "Approved by"),
            Column("tenders", "Paid back as"),
            Column("paid", "Had paid", "money"),
            Column("refund", "Refund", "money"),
            Column("fee", "Fee kept", "money"),
            Column("reason", "Reason"),
        ),
        rows=tuple(rows),
        totals=(
            "Total",
            None,
            f"{len(rows)} refunds",
            "",
            None,
            "",
            "",
            "",
            "",
            "",
            total_paid,
            total_refund,
            total_fee,
            "",
        ),
    )
    return _report(box, "refunds", flt, loaded.cinema, [table])


# --------------------------------------------------------------------------- shows


def show_window(flt: ReportFilter) -> tuple[datetime, datetime]:
    return padded_window(flt.date_from, flt.date_to)


def shows_in(uow: UnitOfWork, flt: ReportFilter, fctx: FactContext) -> list[ShowFact]:
    """Shows whose start falls on the business days of the filter (of its cinema)."""
    since, until = show_window(flt)
    shows = uow.reports.show_facts(since=since, until=until, theater_id=flt.theater_id)
    return [
        s
        for s in shows
        if flt.date_from
        <= cash.business_date(s.starts_at, s.timezone, fctx.day_start)
        <= flt.date_to
        and (flt.movie_id is None or s.movie_id == flt.movie_id)
    ]


def show_takings(uow: UnitOfWork, show_ids: Sequence[int], fctx: FactContext) -> dict[int, Totals]:
    """Per show: every sale and refund of its tickets, whenever they happened."""
    tickets = uow.reports.confirmed_ticket_ids(show_ids)
    facts = uow.reports.payment_facts_of_tickets(tickets)
    out: dict[int, Totals] = defaultdict(Totals)
    for e in build_events(uow, facts, fctx):
        out[e.first.show_id].add(e)
    return out


def percent(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def occupancy_report(box: BoxOffice, ctx: CounterContext, name: str, flt: ReportFilter) -> Report:
    require_reports(ctx)
    check_filter(flt)
    with box.uows() as uow:
        cinema = _cinema(uow, flt.theater_id)
        fctx = FactContext.load(uow)
        shows = [s for s in shows_in(uow, flt, fctx) if s.cancelled_at is None]
        takings = show_takings(uow, [s.show_id for s in shows], fctx)
    rows: tuple[tuple[Cell, ...], ...]
    if name == "occupancy-by-show":
        rows = tuple(
            (local(s.starts_at, s.timezone), s.movie_title, s.screen_name, s.theater_name,
             s.capacity, s.sold, percent(s.sold, s.capacity), takings[s.show_id].net)
            for s in shows
        )  # fmt: skip
        cap, sold = sum(s.capacity for s in shows), sum(s.sold for s in shows)
        table = ReportTable(
            key="occupancy",
            title="Occupancy by show",
            columns=(
                Column("starts", "Show", "datetime"),
                Column("movie", "Movie"),
                Column("screen", "Screen"),
                Column("cinema", "Cinema"),
                Column("capacity", "Seats", "int"),
                Column("sold", "Sold", "int"),
                Column("occupancy", "Occupancy", "percent"),
                Column("net", "Net sales", "money"),
            ),
            rows=rows,
            totals=(
                "Total",
                "",
                "",
                f"{len(shows)} shows",
                cap,
                sold,
                percent(sold, cap),
                sum((takings[s.show_id].net for s in shows), ZERO),
            ),
            chart=ChartSpec("movie", ("occupancy",), "Occupancy by show (%)", horizontal=True),
        )
    else:
        acc: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        where: dict[int, tuple[str, str]] = {}
        for s in shows:
            a = acc[s.screen_id]
            a[0] += 1
            a[1] += s.capacity
            a[2] += s.sold
            where[s.screen_id] = (s.theater_name, s.screen_name)
        keys = sorted(acc, key=lambda k: (where[k], k))
        rows = tuple(
            (*where[k], acc[k][0], acc[k][1], acc[k][2], percent(acc[k][2], acc[k][1]))
            for k in keys
        )
        n, cap, sold = (sum(acc[k][i] for k in keys) for i in range(3))
        table = ReportTable(
            key="occupancy",
            title="Occupancy by screen",
            columns=(
                Column("cinema", "Cinema"),
                Column("screen", "Screen"),
                Column("shows", "Shows", "int"),
                Column("capacity", "Seats offered", "int"),
                Column("sold", "Sold", "int"),
                Column("occupancy", "Occupancy", "percent"),
            ),
            rows=rows,
            totals=("Total", "", n, cap, sold, percent(sold, cap)),
            chart=ChartSpec("screen", ("occupancy",), "Occupancy by screen (%)", horizontal=True),
        )
    return _report(
        box, name, flt, cinema, [table],
        notes=("Shows are counted on the business day they start; seats sold as of now.",),
    )  # fmt: skip


def distributor_report(box: BoxOffice, ctx: CounterContext, flt: ReportFilter) -> Report:
    """Per movie: every show of the period, its admissions and gross with the GST split (what a
    cinema sends its distributors)."""
    require_reports(ctx)
    check_filter(flt)
    with box.uows() as uow:
        cinema = _cinema(uow, flt.theater_id)
        fctx = FactContext.load(uow)
        shows = [s for s in shows_in(uow, flt, fctx) if s.cancelled_at is None]
        takings = show_takings(uow, [s.show_id for s in shows], fctx)
    by_movie: dict[int, list[ShowFact]] = defaultdict(list)
    for s in shows:
        by_movie[s.movie_id].append(s)
    tables = []
    summary: list[tuple[Cell, ...]] = []
    columns = (
        Column("starts", "Show", "datetime"),
        Column("screen", "Screen"),
        Column("cinema", "Cinema"),
        Column("language", "Language"),
        Column("format", "Format"),
        Column("admissions", "Admissions", "int"),
        Column("gross", "Gross", "money"),
        Column("gst", "GST incl.", "money"),
        Column("net_of_gst", "Net of GST", "money"),
    )
    for movie_id in sorted(by_movie, key=lambda m: (by_movie[m][0].movie_title, m)):
        items = by_movie[movie_id]
        rows: list[tuple[Cell, ...]] = []
        adm, gross, tax = 0, ZERO, ZERO
        for s in items:
            t = takings[s.show_id]
            rows.append((local(s.starts_at, s.timezone), s.screen_name, s.theater_name,
                         s.language, s.format, s.sold, t.net, t.tax, t.net_of_tax))  # fmt: skip
            adm, gross, tax = adm + s.sold, gross + t.net, tax + t.tax
        title = items[0].movie_title
        tables.append(
            ReportTable(
                key=f"movie-{movie_id}",
                title=title,
                columns=columns,
                rows=tuple(rows),
                totals=("Total", f"{len(items)} shows", "", "", "", adm, gross, tax, gross - tax),
            )
        )
        summary.append((title, len(items), adm, gross, tax, gross - tax))
    summary_table = ReportTable(
        key="movies",
        title="All movies",
        columns=(
            Column("movie", "Movie"),
            Column("shows", "Shows", "int"),
            Column("admissions", "Admissions", "int"),
            Column("gross", "Gross", "money"),
            Column("gst", "GST incl.", "money"),
            Column("net_of_gst", "Net of GST", "money"),
        ),
        rows=tuple(summary),
        totals=(
            "Total",
            sum(int(str(r[1])) for r in summary),
            sum(int(str(r[2])) for r in summary),
            sum((Decimal(str(r[3])) for r in summary), ZERO),
            sum((Decimal(str(r[4])) for r in summary), ZERO),
            sum((Decimal(str(r[5])) for r in summary), ZERO),
        ),
        chart=ChartSpec("movie", ("gross",), "Gross by movie", horizontal=True),
    )
    return _report(
        box, "distributor", flt, cinema, [summary_table, *tables],
        notes=(
            "Admissions: seats sold as of now. Gross: what the show's tickets took less what "
            "was refunded (cancellation fees stay in). GST is included in ticket prices.",
        ),
    )  # fmt: skip


# --------------------------------------------------------------------------- one entry point


def run_report(box: BoxOffice, ctx: CounterContext, name: str, flt: ReportFilter) -> Report:
    """Any report by name (what the window and ``bms-desktop report`` call)."""
    spec = BY_NAME.get(name)
    if spec is None:
        known = ", ".join(s.name for s in CATALOGUE)
        raise ValidationError(f"there is no report '{name}'; the reports are: {known}")
    if "cinema" in spec.needs and flt.theater_id is None:
        raise ValidationError(f"the {spec.title} is for one cinema: name it", field="cinema")
    if name.startswith("sales-by-"):
        return sales_report(box, ctx, name, flt)
    if name.startswith("occupancy-"):
        return occupancy_report(box, ctx, name, flt)
    if name == "coupons":
        return coupons_report(box, ctx, flt)
    if name == "refunds":
        return refunds_report(box, ctx, flt)
    if name == "distributor":
        return distributor_report(box, ctx, flt)
    from bms_desktop.services import report_heat, reports_cash

    if name == "x-report":
        if flt.shift_id is None:
            raise ValidationError("the X report is for one shift: name it", field="shift")
        return reports_cash.x_report(box, ctx, shift_id=flt.shift_id)
    if name == "z-report":
        return reports_cash.z_report(box, ctx, flt)
    if name == "seat-heat-map":
        return report_heat.heat_report(box, ctx, flt)
    raise ValidationError(f"there is no report '{name}'")  # pragma: no cover


__all__ = [
    "BY_NAME",
    "CATALOGUE",
    "Loaded",
    "ReportSpec",
    "business_day_of",
    "check_filter",
    "cinemas",
    "load_events",
    "mode_label",
    "percent",
    "run_report",
]
