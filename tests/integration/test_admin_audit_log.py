"""The audit log viewer (services/admin/audit_log.py) on both engines: filters, local dates,
keyset pages, before/after shown readably, CSV export; read-only; supervisors may read."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from bms_desktop.domain.errors import PermissionDenied, ValidationError
from bms_desktop.domain.model import Role
from bms_desktop.services.admin import audit_log, coupons
from bms_desktop.services.admin.dto_audit import AuditFilter
from bms_desktop.services.admin.dto_coupons import CouponInput
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import AuditRecord
from tests.conftest import FakeClock
from tests.support.admin_support import ADMIN, CLERK, SUPERVISOR, snapshot


def add_events(box: BoxOffice, clock: FakeClock, n: int, **kw: object) -> None:
    with box.uows(write=True) as uow:
        for i in range(n):
            values: dict[str, object] = {
                "at": clock.now + timedelta(minutes=i),
                "action": "HOLD",
                "username": "asha",
                "counter": "Counter 1",
                "entity": "ticket",
                "entity_id": str(i),
            }
            values.update(kw)
            uow.audit.add(AuditRecord(**values))  # type: ignore[arg-type]
        uow.commit()


def test_a_configuration_change_is_shown_field_by_field(box: BoxOffice) -> None:
    row = coupons.create_coupon(box, ADMIN, CouponInput("SAVE10", "PERCENT", "10"))
    coupons.update_coupon(
        box, ADMIN, row.coupon_id, CouponInput("SAVE10", "PERCENT", "15", max_discount="40")
    )
    page = audit_log.audit_log(box, ADMIN, AuditFilter(entity="coupon"))
    changed, added = page.entries
    assert changed.action == "COUPON_CHANGED"
    assert [c.describe() for c in changed.changes] == [  # stored with sorted keys
        "max_discount: none → 40.00",
        "value: 10.00 → 15.00",
    ]
    assert "code: SAVE10" in added.summary
    assert page.timezone == "Asia/Kolkata"


def test_filters_and_pages_go_back_in_time(box: BoxOffice, clock: FakeClock) -> None:
    add_events(box, clock, 25)
    add_events(box, clock, 5, username="ravi", counter="Counter 2", action="SALE")
    first = audit_log.audit_log(box, ADMIN, AuditFilter(username="asha"), limit=10)
    assert len(first.entries) == 10 and first.next_before_id is not None
    ids = [e.event_id for e in first.entries]
    assert ids == sorted(ids, reverse=True)
    second = audit_log.audit_log(
        box, ADMIN, AuditFilter(username="asha"), before_id=first.next_before_id, limit=10
    )
    third = audit_log.audit_log(
        box, ADMIN, AuditFilter(username="asha"), before_id=second.next_before_id, limit=10
    )
    assert len(third.entries) == 5 and third.next_before_id is None
    seen = {e.event_id for p in (first, second, third) for e in p.entries}
    assert len(seen) == 25
    assert {
        e.action for e in audit_log.audit_log(box, ADMIN, AuditFilter(counter="Counter 2")).entries
    } == {"SALE"}
    assert (
        len(audit_log.audit_log(box, ADMIN, AuditFilter(entity="ticket", entity_id="3")).entries)
        == 2
    )
    facets = audit_log.audit_facets(box, ADMIN)
    assert set(facets.actions) >= {"HOLD", "SALE"}
    assert set(facets.usernames) >= {"asha", "ravi"}


def test_dates_are_the_box_office_s_local_dates(box: BoxOffice, clock: FakeClock) -> None:
    # 2030-03-04 18:00 UTC is 23:30 in Kolkata (the 4th); 18:45 UTC is 00:15 on the 5th.
    clock.now = clock.now.replace(hour=18, minute=0)
    add_events(box, clock, 1, action="LATE")
    clock.now = clock.now.replace(hour=18, minute=45)
    add_events(box, clock, 1, action="AFTER_MIDNIGHT")
    fourth = audit_log.audit_log(
        box, ADMIN, AuditFilter(date_from=date(2030, 3, 4), date_to=date(2030, 3, 4))
    )
    fifth = audit_log.audit_log(box, ADMIN, AuditFilter(date_from=date(2030, 3, 5)))
    assert [e.action for e in fourth.entries] == ["LATE"]
    assert [e.action for e in fifth.entries] == ["AFTER_MIDNIGHT"]


@pytest.mark.parametrize(
    ("flt", "field"),
    [
        (AuditFilter(username="x" * 41), "username"),
        (AuditFilter(action="a\x00b"), "action"),
        (AuditFilter(date_from=date(2030, 3, 5), date_to=date(2030, 3, 4)), "date_to"),
        (AuditFilter(date_from=date(1900, 1, 1)), "date_from"),
    ],
)
def test_a_bad_filter_is_refused_with_its_field(
    box: BoxOffice, flt: AuditFilter, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        audit_log.audit_log(box, ADMIN, flt)
    assert err.value.field == field
    with pytest.raises(ValidationError):
        audit_log.audit_log(box, ADMIN, AuditFilter(), limit=0)


def test_the_export_writes_every_match_as_csv_and_defuses_formulas(
    box: BoxOffice, clock: FakeClock
) -> None:
    add_events(box, clock, 1201)
    add_events(box, clock, 1, username="=cmd()", action="SALE")
    before = snapshot(box)
    out = io.StringIO()
    counts: list[int] = []
    n = audit_log.export_audit_csv(box, ADMIN, AuditFilter(), out, progress=counts.append)
    assert n == 1202 and counts[-1] == 1202 and len(counts) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:4] == ["id", "time", "time zone", "staff"]
    assert len(rows) == 1203
    assert rows[1][3] == "'=cmd()"
    assert snapshot(box) == before  # reading changes nothing


def test_supervisors_read_the_log_and_clerks_do_not(box: BoxOffice) -> None:
    assert audit_log.audit_log(box, SUPERVISOR).entries == ()
    for ctx in (CLERK, CounterContext("Door", None, "usher1", Role.USHER)):
        with pytest.raises(PermissionDenied):
            audit_log.audit_log(box, ctx)
        with pytest.raises(PermissionDenied):
            audit_log.audit_facets(box, ctx)
        with pytest.raises(PermissionDenied):
            audit_log.export_audit_csv(box, ctx, None, io.StringIO())
