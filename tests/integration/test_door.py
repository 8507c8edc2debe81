"""Door check-in services on SQLite and PostgreSQL: every outcome, partial admission, garbage,
the cancellation an admission blocks, the supervisor's undo, roles, a broken commit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bms_desktop.domain.errors import (
    AuthenticationFailed,
    InvalidState,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import PaymentMode, Role
from bms_desktop.services import booking, cancellation, checkout, door, door_board
from bms_desktop.services.context import CounterContext
from bms_desktop.services.door_views import ScanOutcome
from bms_desktop.services.ports import StorageUnavailable
from tests.support.door_support import (
    PASSWORDS,
    door_world,
    doors_open,
    hold,
    sell,
    sql,
    sql_write,
)


@pytest.fixture
def dw(box):
    return door_world(box)


def _seats(dw, *idx):
    return [dw.world.seat_ids[i] for i in idx]


def test_a_valid_ticket_is_admitted_with_its_show_seats_types_and_counts(db_url, box, clock, dw):
    code = sell(box, dw.world.show_id, _seats(dw, 0, 1))
    sell(box, dw.world.show_id, _seats(dw, 5))
    doors_open(box, dw.world, clock)

    result = door.admit(box, dw.usher, code=code.lower().replace("-", " "), door="Door 1")

    assert result.outcome is ScanOutcome.ADMIT and result.admitted
    assert result.code == code
    assert result.people_now == 2 and result.admitted_total == 2 and result.seat_count == 2
    assert result.seats == ("A1", "A2")
    assert result.ticket_types == (("Adult", 2),)
    assert result.show is not None and result.show.show_id == dw.world.show_id
    assert result.show.screen_name == "Screen 1" and result.show.movie_title == "Test Movie"
    assert (result.show_admitted, result.show_sold) == (2, 3)
    assert result.admissions[0].door == "Door 1" and result.admissions[0].by == "usha"
    assert sql(db_url, "SELECT admitted_count FROM tickets WHERE code = :c", c=code) == [(2,)]
    rows = sql(db_url, "SELECT door, staff_id, people FROM admissions")
    assert rows == [("Door 1", dw.usher.staff_id, 2)]
    audit = sql(
        db_url,
        "SELECT username, counter, show_id, details FROM audit_events WHERE action = 'DOOR_SCAN'",
    )
    assert len(audit) == 1
    username, counter, show_id, details = audit[0]
    assert (username, counter, show_id) == ("usha", "Door 1", dw.world.show_id)
    assert json.loads(details)["outcome"] == "ADMIT"
    assert json.loads(details)["code"] == code


def test_a_second_scan_says_when_where_and_by_whom_it_was_admitted(db_url, box, clock, dw):
    code = sell(box, dw.world.show_id, _seats(dw, 0))
    doors_open(box, dw.world, clock)
    first = door.admit(box, dw.usher, code=code, door="Door 1")
    clock.advance(minutes=3)

    second = door.admit(box, dw.clerk, code=code, door="Door 2")

    assert second.outcome is ScanOutcome.ALREADY_ADMITTED and not second.admitted
    last = second.admissions[-1]
    assert (last.door, last.by, last.people) == ("Door 1", "usha", 1)
    assert last.at == first.at
    local = first.at.astimezone(last.local_at.tzinfo)
    assert last.local_at == local and last.timezone == "Asia/Kolkata"
    assert f"at Door 1 at {local:%H:%M} by usha" in second.message
    assert sql(db_url, "SELECT count(*) FROM admissions") == [(1,)]
    outcomes = [
        json.loads(d)["outcome"]
        for (d,) in sql(db_url, "SELECT details FROM audit_events WHERE action = 'DOOR_SCAN'")
    ]
    assert outcomes == ["ADMIT", "ALREADY_ADMITTED"]  # the refusal is audited too


def test_a_group_ticket_is_admitted_in_parts_and_every_part_is_counted(db_url, box, clock, dw):
    code = sell(box, dw.world.show_id, _seats(dw, 0, 1, 2, 3))
    doors_open(box, dw.world, clock)

    two = door.admit(box, dw.usher, code=code, door="Door 1", people=2)
    assert two.outcome is ScanOutcome.ADMIT
    assert (two.people_now, two.admitted_total, two.people_left) == (2, 2, 2)
    assert "2 still to come" in two.message

    too_many = door.admit(box, dw.usher, code=code, door="Door 1", people=3)
    assert too_many.outcome is ScanOutcome.ALREADY_ADMITTED
    assert "Only 2 of 4" in too_many.message and too_many.people_left == 2

    rest = door.admit(box, dw.usher, code=code, door="Door 2")
    assert rest.outcome is ScanOutcome.ADMIT
    assert (rest.people_now, rest.admitted_total, rest.people_left) == (2, 4, 0)
    assert len(rest.admissions) == 2

    again = door.admit(box, dw.usher, code=code, door="Door 2")
    assert again.outcome is ScanOutcome.ALREADY_ADMITTED
    assert sql(db_url, "SELECT people FROM admissions ORDER BY id") == [(2,), (2,)]
    assert sql(db_url, "SELECT admitted_count FROM tickets WHERE code = :c", c=code) == [(4,)]


def test_more_people_than_the_ticket_is_for_is_refused_and_audited(db_url, box, clock, dw):
    code = sell(box, dw.world.show_id, _seats(dw, 0, 1))
    doors_open(box, dw.world, clock)

    result = door.admit(box, dw.usher, code=code, door="Door 1", people=3)

    assert result.outcome is ScanOutcome.TOO_MANY and not result.admitted
    assert "a ticket for 2 people: admit at most 2" in result.message
    assert sql(db_url, "SELECT count(*) FROM admissions") == [(0,)]
    (details,) = sql(db_url, "SELECT details FROM audit_events WHERE action = 'DOOR_SCAN'")
    assert json.loads(details[0])["outcome"] == "TOO_MANY"
    assert door.admit(box, dw.usher, code=code, door="Door 1", people=2).admitted


def test_a_door_filtered_to_another_show_or_screen_says_where_the_ticket_belongs(
    db_url, box, clock, dw
):
    code = sell(box, dw.world.show_id, _seats(dw, 0))
    doors_open(box, dw.world, clock)

    by_screen = door.admit(
        box, dw.usher, code=code, door="Door 1", screen_id=dw.world.screen_id + 99
    )
    by_show = door.admit(box, dw.usher, code=code, door="Door 1", show_id=dw.world.show_id + 99)
    by_cinema = door.admit(
        box, dw.usher, code=code, door="Door 1", theater_id=dw.world.theater_id + 9
    )

    for result in (by_screen, by_show, by_cinema):
        assert result.outcome is ScanOutcome.WRONG_SHOW
        local = result.show.local_starts_at
        assert f"Screen 1 at {local:%H:%M}" in result.message
        assert "Test Cinema" in result.message
    right = door.admit(box, dw.usher, code=code, door="Door 1", screen_id=dw.world.screen_id)
    assert right.outcome is ScanOutcome.ADMIT
    assert sql(db_url, "SELECT count(*) FROM admissions") == [(1,)]


def test_too_early_and_too_late_are_refused_with_the_times(db_url, box, clock, dw):
    code = sell(box, dw.world.show_id, _seats(dw, 0))
    doors_open(box, dw.world, clock, before_start=45)  # doors open 30 minutes before

    early = door.admit(box, dw.usher, code=code, door="Door 1")
    assert early.outcome is ScanOutcome.NOT_YET
    assert f"Doors open at {early.show.local_doors_open_at:%H:%M}" in early.message

    clock.now = early.show.ends_at + timedelta(seconds=1)
    late = door.admit(box, dw.usher, code=code, door="Door 1")
    assert late.outcome is ScanOutcome.SHOW_ENDED
    assert f"ended at {late.show.local_ends_at:%H:%M}" in late.message

    sql_write(db_url, "INSERT INTO app_meta (key, value) VALUES ('door_opens_minutes', '60')")
    clock.now = early.show.starts_at - timedelta(minutes=45)
    assert door.admit(box, dw.usher, code=code, door="Door 1").outcome is ScanOutcome.ADMIT


def test_cancelled_refunded_unpaid_and_cancelled_show_are_refused(db_url, box, clock, dw):
    refunded = sell(box, dw.world.show_id, _seats(dw, 0))
    cancellation.cancel_booking(
        box, dw.supervisor, ticket_id=_ticket_id(db_url, refunded), reason="changed plans"
    )
    released_id, released = hold(box, dw.world.show_id, _seats(dw, 1))
    checkout.release_hold(box, dw.clerk, ticket_id=released_id)
    _pending_id, pending = hold(box, dw.world.show_id, _seats(dw, 2))
    doors_open(box, dw.world, clock)

    assert door.admit(box, dw.usher, code=refunded, door="D").outcome is ScanOutcome.REFUNDED
    assert door.admit(box, dw.usher, code=released, door="D").outcome is ScanOutcome.CANCELLED
    assert door.admit(box, dw.usher, code=pending, door="D").outcome is ScanOutcome.NOT_PAID

    valid = sell_before(box, clock, dw)
    sql_write(db_url, "UPDATE shows SET cancelled_at = created_at")
    show_gone = door.admit(box, dw.usher, code=valid, door="D")
    assert show_gone.outcome is ScanOutcome.CANCELLED and "was cancelled" in show_gone.message
    assert sql(db_url, "SELECT count(*) FROM admissions") == [(0,)]
    assert sql(db_url, "SELECT sum(admitted_count) FROM tickets") == [(0,)]


def sell_before(box, clock, dw):
    """Sell a ticket while sales are open (an hour before the show), then come back."""
    now = clock.now
    clock.now = now - timedelta(hours=1)
    try:
        return sell(box, dw.world.show_id, _seats(dw, 7))
    finally:
        clock.now = now


GARBAGE = [
    "",
    "   ",
    "x" * 100_000,
    "BMS-" + "A" * 5000,
    "ＢＭＳ－ＡＢＣＤ－ＥＦＧＨ",  # full-width look-alike
    "BMS-ABCD-EFG\x00H",
    "\x1b[31mBMS-ABCD-EFGH\x1b[0m",
    "'; DROP TABLE tickets; --",
    "BMS-ABCD' OR '1'='1",
    "%",
    "🎟️🎬 ticket",
    "BMS-0000-0000",  # the alphabet has no 0: not a code
    "BMS-ZZZZ-ZZZZ",  # a valid-looking code that was never sold
]


def test_garbage_is_an_unknown_code_changes_nothing_and_the_audit_stays_bounded(
    db_url, box, clock, dw
):
    code = sell(box, dw.world.show_id, _seats(dw, 0))
    doors_open(box, dw.world, clock)

    for junk in GARBAGE:
        result = door.admit(box, dw.usher, code=junk, door="Door 1")
        assert result.outcome is ScanOutcome.UNKNOWN_CODE, junk
        assert result.ticket_id is None and result.show is None
        assert len(result.scanned) <= 60 and result.scanned.isprintable()

    assert sql(db_url, "SELECT count(*) FROM admissions") == [(0,)]
    assert sql(db_url, "SELECT admitted_count, status FROM tickets WHERE code = :c", c=code) == [
        (0, "CONFIRMED")
    ]
    details = sql(db_url, "SELECT details FROM audit_events WHERE action = 'DOOR_SCAN'")
    assert len(details) == len(GARBAGE)
    assert max(len(d) for (d,) in details) < 300
    assert all("\x00" not in d and "\x1b" not in d for (d,) in details)
    assert door.admit(box, dw.usher, code=code, door="Door 1").outcome is ScanOutcome.ADMIT


def test_bad_door_names_and_numbers_of_people_are_refused_before_anything_is_written(
    db_url, box, clock, dw
):
    code = sell(box, dw.world.show_id, _seats(dw, 0))
    doors_open(box, dw.world, clock)
    for bad_door in ("", "   ", "D" * 41, "Door\x001"):
        with pytest.raises(ValidationError) as info:
            door.admit(box, dw.usher, code=code, door=bad_door)
        assert info.value.field == "door"
    for people in (0, 11, -1):
        with pytest.raises(ValidationError) as info:
            door.admit(box, dw.usher, code=code, door="Door 1", people=people)
        assert info.value.field == "people"
    assert sql(db_url, "SELECT count(*) FROM audit_events WHERE action = 'DOOR_SCAN'") == [(0,)]


def _ticket_id(db_url: str, code: str) -> int:
    return int(sql(db_url, "SELECT id FROM tickets WHERE code = :c", c=code)[0][0])


def test_an_admitted_ticket_cannot_be_cancelled_until_a_supervisor_undoes_it(
    db_url, box, clock, dw
):
    sql_write(db_url, "INSERT INTO app_meta (key, value) VALUES ('cancel_cutoff_minutes', '0')")
    code = sell(box, dw.world.show_id, _seats(dw, 0, 1))
    tid = _ticket_id(db_url, code)
    doors_open(box, dw.world, clock)
    door.admit(box, dw.usher, code=code, door="Door 3", people=1)

    with pytest.raises(InvalidState) as refused:
        cancellation.cancel_booking(box, dw.supervisor, ticket_id=tid, reason="asked")
    assert "admitted at the door" in str(refused.value) and "Door 3" in str(refused.value)
    assert "undo the admission" in str(refused.value)
    assert sql(db_url, "SELECT status, admitted_count FROM tickets WHERE id = :t", t=tid) == [
        ("CONFIRMED", 1)
    ]
    assert sql(db_url, "SELECT count(*) FROM payments WHERE kind = 'REFUND'") == [(0,)]

    with pytest.raises(AuthenticationFailed):
        door.undo_admission(
            box, dw.usher, code=code, supervisor="suma", password="wrong-pass", reason="x"
        )
    with pytest.raises(PermissionDenied):
        door.undo_admission(
            box, dw.usher, code=code, supervisor="carl", password=PASSWORDS["carl"], reason="x"
        )
    with pytest.raises(ValidationError):
        door.undo_admission(
            box, dw.usher, code=code, supervisor="suma", password=PASSWORDS["suma"], reason=" "
        )
    assert sql(db_url, "SELECT admitted_count FROM tickets WHERE id = :t", t=tid) == [(1,)]

    undone = door.undo_admission(
        box, dw.usher, code=code, supervisor="suma", password=PASSWORDS["suma"],
        reason="scanned the wrong ticket",
    )  # fmt: skip
    assert (undone.door, undone.people, undone.admitted_total) == ("Door 3", 1, 0)
    assert undone.approved_by == "suma"
    row = sql(
        db_url,
        "SELECT a.undone_at IS NOT NULL, s.username, a.undo_reason FROM admissions a "
        "JOIN staff s ON s.id = a.undone_by_id",
    )
    assert row == [(True, "suma", "scanned the wrong ticket")]
    audit = sql(
        db_url,
        "SELECT username, show_id, details FROM audit_events WHERE action = 'ADMISSION_UNDONE'",
    )
    assert len(audit) == 1 and audit[0][:2] == ("usha", dw.world.show_id)
    assert json.loads(audit[0][2])["approved_by"] == "suma"
    with pytest.raises(InvalidState):
        door.undo_admission(
            box, dw.usher, code=code, supervisor="suma", password=PASSWORDS["suma"], reason="x"
        )

    refund = cancellation.cancel_booking(box, dw.supervisor, ticket_id=tid, reason="asked")
    assert refund.ticket_code == code
    assert door.admit(box, dw.usher, code=code, door="Door 3").outcome is ScanOutcome.REFUNDED


def test_an_usher_admits_and_does_nothing_else(db_url, box, clock, dw):
    usher = dw.usher.with_strategy(dw.clerk.strategy)
    with pytest.raises(PermissionDenied, match="needs a clerk"):
        booking.hold_seats(box, usher, show_id=dw.world.show_id, show_seat_ids=_seats(dw, 0))
    ticket_id, _code = hold(box, dw.world.show_id, _seats(dw, 1))
    for attempt in (
        lambda: checkout.confirm_booking(box, usher, ticket_id=ticket_id, mode=PaymentMode.UPI),
        lambda: checkout.apply_coupon(box, usher, ticket_id=ticket_id, code="WELCOME10"),
        lambda: checkout.remove_coupon(box, usher, ticket_id=ticket_id),
        lambda: checkout.release_hold(box, usher, ticket_id=ticket_id),
        lambda: checkout.record_failed_payment(box, usher, ticket_id=ticket_id, mode="UPI"),
        lambda: cancellation.cancel_booking(box, usher, ticket_id=ticket_id),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert sql(db_url, "SELECT status FROM tickets WHERE id = :t", t=ticket_id) == [
        ("PENDING_PAYMENT",)
    ]
    code = sell(box, dw.world.show_id, _seats(dw, 2))
    doors_open(box, dw.world, clock)
    assert door.admit(box, dw.usher, code=code, door="Door 1").admitted
    nobody = CounterContext("Door 1", None, "ghost", Role.USHER)
    assert door.admit(box, nobody, code=code, door="Door 1").outcome is ScanOutcome.ALREADY_ADMITTED


class _BrokenCommit:
    """A unit-of-work factory whose next write unit of work loses its connection at COMMIT:
    after the database committed (``after=True``) or before (``after=False``)."""

    def __init__(self, inner, *, after: bool) -> None:
        self.inner = inner
        self.dialect = inner.dialect
        self.after = after
        self.armed = True

    def __call__(self, **kw):
        uow = self.inner(**kw)
        if kw.get("write") and self.armed:
            self.armed = False
            real_commit, real_rollback = uow.commit, uow.rollback

            def commit() -> None:
                if self.after:
                    real_commit()
                else:
                    real_rollback()
                raise StorageUnavailable("The database cannot be reached; nothing was changed.")

            uow.commit = commit
        return uow


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "lost"])
def test_an_admission_whose_commit_broke_is_looked_up_and_reported_truthfully(
    db_url, box, clock, dw, committed
):
    code = sell(box, dw.world.show_id, _seats(dw, 0, 1))
    doors_open(box, dw.world, clock)
    real = box.uows
    box.uows = _BrokenCommit(real, after=committed)
    try:
        with pytest.raises(door.AdmissionUncertain) as info:
            door.admit(box, dw.usher, code=code, door="Door 1")
    finally:
        box.uows = real
    pending = info.value.pending
    assert (pending.code, pending.door, pending.people) == (code, "Door 1", 2)
    clock.advance(seconds=20)

    resolved = door.resolve_scan(box, dw.usher, pending)

    assert resolved.resolved_after_reconnect
    if committed:
        assert resolved.outcome is ScanOutcome.ADMIT and resolved.people_now == 2
        assert sql(db_url, "SELECT count(*) FROM admissions") == [(1,)]
    else:
        assert resolved.outcome is ScanOutcome.CONNECTION_LOST and not resolved.admitted
        assert "NOT recorded" in resolved.message
        assert sql(db_url, "SELECT count(*) FROM admissions") == [(0,)]
        assert door.admit(box, dw.usher, code=code, door="Door 1").admitted


def test_the_board_lists_shows_at_the_doors_with_admitted_and_sold_people(box, clock, dw):
    code = sell(box, dw.world.show_id, _seats(dw, 0, 1, 2))
    sell(box, dw.world.show_id, _seats(dw, 4))
    doors_open(box, dw.world, clock, before_start=45)
    (soon,) = door_board.shows_at_doors(box)
    assert not soon.doors_open and (soon.sold_people, soon.admitted_people) == (4, 0)
    doors_open(box, dw.world, clock)
    door.admit(box, dw.usher, code=code, door="Door 1", people=2)

    (now,) = door_board.shows_at_doors(box, screen_id=dw.world.screen_id)
    assert now.doors_open and (now.sold_people, now.admitted_people) == (4, 2)
    assert door_board.shows_at_doors(box, screen_id=dw.world.screen_id + 99) == ()
    assert door_board.show_counts(box, dw.world.show_id) == (4, 2)
    setup = door_board.door_setup(box)
    assert [s.screen_id for s in setup.screens] == [dw.world.screen_id]
    assert setup.opens_minutes == 30
    door_board.ping(box)


@pytest.mark.postgres
def test_a_connection_killed_before_a_scan_writes_reconnects_and_admits_once(pg_url, clock):
    from bms_desktop.app import connect

    wiring = connect(pg_url, pool_size=2)
    box = wiring.box
    box.clock, box.fast_hashing = clock, True
    try:
        dw = door_world(box)
        code = sell(box, dw.world.show_id, _seats(dw, 0))
        doors_open(box, dw.world, clock)
        from bms_desktop.persistence.repo_door import SqlAdmissionRepository as Repo

        real_admit = Repo.admit

        def admit_on_a_dead_connection(self, ticket_id, people):
            pid = self.conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            sql_write(pg_url, "SELECT pg_terminate_backend(:p)", p=pid)
            return real_admit(self, ticket_id, people)

        Repo.admit = admit_on_a_dead_connection
        try:
            # Nothing was written when the connection died: the unit of work begins again on a
            # new connection (issue 13) and the conditional UPDATE decides as usual.
            outcome = door.admit(box, dw.usher, code=code, door="Door 1")
        finally:
            Repo.admit = real_admit
        assert outcome.admitted
        assert sql(pg_url, "SELECT admitted_count FROM tickets WHERE code = :c", c=code) == [(1,)]
        assert sql(pg_url, "SELECT count(*) FROM admissions") == [(1,)]
        assert not door.admit(box, dw.usher, code=code, door="Door 1").admitted
    finally:
        wiring.close()


def test_downgrading_below_0002_keeps_an_usher_as_a_disabled_clerk_and_drops_admissions(
    db_url, box, clock, dw
):
    from bms_desktop.persistence.engine import create_engines
    from bms_desktop.persistence.migrate import downgrade, schema_status, upgrade

    code = sell(box, dw.world.show_id, _seats(dw, 0))
    doors_open(box, dw.world, clock)
    assert door.admit(box, dw.usher, code=code, door="Door 1").admitted
    engines = create_engines(db_url)
    try:
        downgrade(engines, "0001")
        assert schema_status(engines).current == "0001"
        assert sql(db_url, "SELECT role, active FROM staff WHERE username = 'usha'") == [
            ("CLERK", False)
        ]
        upgrade(engines)
        assert schema_status(engines).up_to_date
        assert sql(db_url, "SELECT admitted_count FROM tickets WHERE code = :c", c=code) == [(0,)]
    finally:
        engines.dispose()
