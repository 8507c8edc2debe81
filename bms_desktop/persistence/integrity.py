"""An independent integrity verdict: what the database itself says after a race.

Nothing here trusts a clerk's own counts or the services' bookkeeping. ``check_integrity`` opens a
*fresh* engine on the URL (its own connection, its own pool), reads every fact in one snapshot
(a deferred read transaction on SQLite; REPEATABLE READ on PostgreSQL) with plain SQL, and returns
a frozen ``IntegrityReport``. The checks:

* double sales: a show seat in more than one CONFIRMED ticket;
* more than one live claim (ticket seat) on one show seat (the safety net should make it
  impossible; the query does not rely on it);
* SOLD seats without exactly one CONFIRMED ticket owning them (a live claim by the seat's ticket);
* seats of CONFIRMED tickets that are not SOLD to that ticket;
* HELD seats whose ticket is not PENDING_PAYMENT or holds no live claim on them;
* stray live claims: a live ticket seat whose show seat is not HELD/SOLD by that ticket, or whose
  ticket is dead (CANCELLED/EXPIRED) or belongs to another show;
* tickets whose ``seat_count`` differs from their ticket seats (a CANCELLED or EXPIRED ticket with
  no ticket seat at all is an aborted attempt, not a mismatch: the thread strategy commits its
  ticket before its claim, and cancels it when the safety net refuses the claim);
* CONFIRMED tickets without exactly one successful payment equal to their total; tickets that
  are not (or no longer) sold but took a successful payment that was never refunded;
* and whether the safety-net index ``uq_ticket_seats_live`` exists at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from bms_desktop.persistence.engine import create_engines

SAFETY_NET_INDEX = "uq_ticket_seats_live"
SAMPLE_LIMIT = 5


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """What the database shows, for one show (``show_id``) or for every show (``None``)."""

    show_id: int | None
    dialect: str
    seats_total: int  # show seats that are for sale (not BLOCKED)
    sold_seats: int
    held_seats: int
    available_seats: int
    confirmed_tickets: int
    confirmed_ticket_seats: int
    double_sales: int
    multi_live_claims: int
    sold_without_one_confirmed: int
    confirmed_not_sold: int
    held_without_pending: int
    stray_claims: int
    seat_count_mismatches: int
    payment_mismatches: int
    charged_without_sale: int
    safety_net_present: bool
    samples: tuple[str, ...] = ()
    # confirmed tickets and their seats, by the counter that sold them (the race reads its books
    # back from here: a clerk that died after a commit could not report it)
    sales_by_counter: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.safety_net_present and not self.problems()

    def problems(self) -> list[str]:
        """One readable line per kind of violation (empty when everything adds up)."""
        checks = (
            (self.double_sales, "show seats sold in more than one confirmed ticket"),
            (self.multi_live_claims, "show seats with more than one live claim"),
            (self.sold_without_one_confirmed, "SOLD seats without exactly one confirmed ticket"),
            (self.confirmed_not_sold, "seats of confirmed tickets that are not SOLD to them"),
            (self.held_without_pending, "HELD seats without a pending ticket claiming them"),
            (self.stray_claims, "live claims not backed by the seat's status and owner"),
            (self.seat_count_mismatches, "tickets whose seat count differs from their seats"),
            (self.payment_mismatches, "confirmed tickets whose payment differs from the total"),
            (self.charged_without_sale, "tickets charged without a sale and not refunded"),
        )
        out = [f"{count} {what}" for count, what in checks if count]
        if not self.safety_net_present:
            out.append(f"the safety-net index {SAFETY_NET_INDEX} is missing")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "show_id": self.show_id,
            "dialect": self.dialect,
            "ok": self.ok,
            "seats_total": self.seats_total,
            "sold_seats": self.sold_seats,
            "held_seats": self.held_seats,
            "available_seats": self.available_seats,
            "confirmed_tickets": self.confirmed_tickets,
            "confirmed_ticket_seats": self.confirmed_ticket_seats,
            "double_sales": self.double_sales,
            "multi_live_claims": self.multi_live_claims,
            "sold_without_one_confirmed": self.sold_without_one_confirmed,
            "confirmed_not_sold": self.confirmed_not_sold,
            "held_without_pending": self.held_without_pending,
            "stray_claims": self.stray_claims,
            "seat_count_mismatches": self.seat_count_mismatches,
            "payment_mismatches": self.payment_mismatches,
            "charged_without_sale": self.charged_without_sale,
            "safety_net_present": self.safety_net_present,
            "problems": self.problems(),
            "samples": list(self.samples),
            "sales_by_counter": {k: list(v) for k, v in sorted(self.sales_by_counter.items())},
        }


# Every query takes the show filter as a literal fragment built below from an int (never text
# from outside), so that one statement works on both engines without typed NULL parameters.

_COUNTS = """
SELECT
  COALESCE(SUM(CASE WHEN ss.status <> 'BLOCKED' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN ss.status = 'SOLD' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN ss.status = 'HELD' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN ss.status = 'AVAILABLE' THEN 1 ELSE 0 END), 0)
FROM show_seats ss WHERE {ss_show}
"""

_CONFIRMED = """
SELECT COUNT(DISTINCT t.id), COUNT(ts.id)
FROM tickets t LEFT JOIN ticket_seats ts ON ts.ticket_id = t.id
WHERE t.status = 'CONFIRMED' AND {t_show}
"""

_BY_COUNTER = """
SELECT t.counter, COUNT(DISTINCT t.id), COUNT(ts.id)
FROM tickets t LEFT JOIN ticket_seats ts ON ts.ticket_id = t.id
WHERE t.status = 'CONFIRMED' AND {t_show}
GROUP BY t.counter
"""

_DOUBLE_SALES = """
SELECT ts.show_seat_id, COUNT(DISTINCT t.id)
FROM ticket_seats ts JOIN tickets t ON t.id = ts.ticket_id
WHERE t.status = 'CONFIRMED' AND {t_show}
GROUP BY ts.show_seat_id HAVING COUNT(DISTINCT t.id) > 1
"""

_MULTI_LIVE = """
SELECT ts.show_seat_id, COUNT(*)
FROM ticket_seats ts JOIN show_seats ss ON ss.id = ts.show_seat_id
WHERE ts.live AND {ss_show}
GROUP BY ts.show_seat_id HAVING COUNT(*) > 1
"""

_SOLD_WITHOUT_ONE_CONFIRMED = """
SELECT ss.id, ss.ticket_id, t.status
FROM show_seats ss LEFT JOIN tickets t ON t.id = ss.ticket_id
WHERE ss.status = 'SOLD' AND {ss_show} AND (
  t.id IS NULL OR t.status <> 'CONFIRMED'
  OR NOT EXISTS (SELECT 1 FROM ticket_seats x
                 WHERE x.show_seat_id = ss.id AND x.ticket_id = ss.ticket_id AND x.live)
  OR (SELECT COUNT(DISTINCT y.ticket_id) FROM ticket_seats y JOIN tickets yt ON yt.id = y.ticket_id
      WHERE y.show_seat_id = ss.id AND yt.status = 'CONFIRMED') <> 1)
"""

_CONFIRMED_NOT_SOLD = """
SELECT ts.show_seat_id, t.id, ss.status, ss.ticket_id
FROM ticket_seats ts
JOIN tickets t ON t.id = ts.ticket_id
JOIN show_seats ss ON ss.id = ts.show_seat_id
WHERE t.status = 'CONFIRMED' AND {t_show}
  AND (ss.status <> 'SOLD' OR ss.ticket_id IS NULL OR ss.ticket_id <> t.id OR NOT ts.live)
"""

_HELD_WITHOUT_PENDING = """
SELECT ss.id, ss.ticket_id, t.status
FROM show_seats ss LEFT JOIN tickets t ON t.id = ss.ticket_id
WHERE ss.status = 'HELD' AND {ss_show} AND (
  t.id IS NULL OR t.status <> 'PENDING_PAYMENT'
  OR NOT EXISTS (SELECT 1 FROM ticket_seats x
                 WHERE x.show_seat_id = ss.id AND x.ticket_id = ss.ticket_id AND x.live))
"""

_STRAY_CLAIMS = """
SELECT ts.show_seat_id, ts.ticket_id, t.status, ss.status, ss.ticket_id
FROM ticket_seats ts
JOIN tickets t ON t.id = ts.ticket_id
JOIN show_seats ss ON ss.id = ts.show_seat_id
WHERE ts.live AND {ss_show} AND (
  t.status NOT IN ('PENDING_PAYMENT', 'CONFIRMED')
  OR t.show_id <> ss.show_id
  OR ss.status NOT IN ('HELD', 'SOLD')
  OR ss.ticket_id IS NULL OR ss.ticket_id <> ts.ticket_id)
"""

_SEAT_COUNT = """
SELECT t.id, t.seat_count,
       (SELECT COUNT(*) FROM ticket_seats x WHERE x.ticket_id = t.id) AS n
FROM tickets t
WHERE {t_show}
  AND (t.status IN ('PENDING_PAYMENT', 'CONFIRMED')
       OR EXISTS (SELECT 1 FROM ticket_seats z WHERE z.ticket_id = t.id))
  AND t.seat_count <> (SELECT COUNT(*) FROM ticket_seats x WHERE x.ticket_id = t.id)
"""

_PAYMENTS = """
SELECT t.id, t.total,
       (SELECT COUNT(*) FROM payments p
        WHERE p.ticket_id = t.id AND p.kind = 'PAYMENT' AND p.status = 'SUCCESS'),
       (SELECT COALESCE(SUM(p.amount), 0) FROM payments p
        WHERE p.ticket_id = t.id AND p.kind = 'PAYMENT' AND p.status = 'SUCCESS')
FROM tickets t
WHERE t.status = 'CONFIRMED' AND {t_show}
  AND (
    (SELECT COUNT(*) FROM payments p
     WHERE p.ticket_id = t.id AND p.kind = 'PAYMENT' AND p.status = 'SUCCESS') <> 1
    OR (SELECT COALESCE(SUM(p.amount), 0) FROM payments p
        WHERE p.ticket_id = t.id AND p.kind = 'PAYMENT' AND p.status = 'SUCCESS') <> t.total)
"""

_CHARGED_WITHOUT_SALE = """
SELECT t.id, t.status
FROM tickets t
WHERE t.status <> 'CONFIRMED' AND {t_show}
  AND EXISTS (SELECT 1 FROM payments p
              WHERE p.ticket_id = t.id AND p.kind = 'PAYMENT' AND p.status = 'SUCCESS')
  AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.ticket_id = t.id AND r.kind = 'REFUND')
"""


def _rows(conn: Connection, sql: str, show_id: int | None) -> Sequence[Any]:
    if show_id is None:
        filters = {"ss_show": "1 = 1", "t_show": "1 = 1"}
    else:
        sid = int(show_id)
        filters = {"ss_show": f"ss.show_id = {sid}", "t_show": f"t.show_id = {sid}"}
    return conn.execute(text(sql.format(**filters))).all()


def _safety_net_present(conn: Connection, dialect: str) -> bool:
    if dialect == "sqlite":
        sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = :name"
    else:
        sql = "SELECT COUNT(*) FROM pg_indexes WHERE indexname = :name"
    return bool(conn.execute(text(sql), {"name": SAFETY_NET_INDEX}).scalar_one())


def _describe(kind: str, rows: Sequence[Any]) -> list[str]:
    return [f"{kind}: {tuple(r)}" for r in rows[:SAMPLE_LIMIT]]


def check_connection(conn: Connection, dialect: str, show_id: int | None = None) -> IntegrityReport:
    """Run every check on an open connection (inside whatever transaction it has)."""
    total, sold, held, available = _rows(conn, _COUNTS, show_id)[0]
    confirmed_tickets, confirmed_seats = _rows(conn, _CONFIRMED, show_id)[0]
    found: dict[str, Sequence[Any]] = {
        "double sale": _rows(conn, _DOUBLE_SALES, show_id),
        "several live claims": _rows(conn, _MULTI_LIVE, show_id),
        "sold without one confirmed ticket": _rows(conn, _SOLD_WITHOUT_ONE_CONFIRMED, show_id),
        "confirmed but not sold": _rows(conn, _CONFIRMED_NOT_SOLD, show_id),
        "held without pending ticket": _rows(conn, _HELD_WITHOUT_PENDING, show_id),
        "stray claim": _rows(conn, _STRAY_CLAIMS, show_id),
        "seat count mismatch": _rows(conn, _SEAT_COUNT, show_id),
        "payment mismatch": _rows(conn, _PAYMENTS, show_id),
        "charged without sale": _rows(conn, _CHARGED_WITHOUT_SALE, show_id),
    }
    samples: list[str] = []
    for kind, rows in found.items():
        samples.extend(_describe(kind, rows))
    return IntegrityReport(
        show_id=show_id,
        dialect=dialect,
        seats_total=int(total),
        sold_seats=int(sold),
        held_seats=int(held),
        available_seats=int(available),
        confirmed_tickets=int(confirmed_tickets),
        confirmed_ticket_seats=int(confirmed_seats),
        double_sales=len(found["double sale"]),
        multi_live_claims=len(found["several live claims"]),
        sold_without_one_confirmed=len(found["sold without one confirmed ticket"]),
        confirmed_not_sold=len(found["confirmed but not sold"]),
        held_without_pending=len(found["held without pending ticket"]),
        stray_claims=len(found["stray claim"]),
        seat_count_mismatches=len(found["seat count mismatch"]),
        payment_mismatches=len(found["payment mismatch"]),
        charged_without_sale=len(found["charged without sale"]),
        safety_net_present=_safety_net_present(conn, dialect),
        samples=tuple(samples[: SAMPLE_LIMIT * 2]),
        sales_by_counter={
            str(c): (int(n), int(k)) for c, n, k in _rows(conn, _BY_COUNTER, show_id)
        },
    )


def check_integrity(raw_url: str, *, show_id: int | None = None) -> IntegrityReport:
    """The verdict, from a fresh engine and connection on ``raw_url`` (one snapshot)."""
    engines = create_engines(raw_url, pool_size=1)
    try:
        with engines.read.connect() as conn:
            if engines.dialect == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                return check_connection(conn, engines.dialect, show_id)
    finally:
        engines.dispose()


__all__ = ["SAFETY_NET_INDEX", "IntegrityReport", "check_connection", "check_integrity"]
