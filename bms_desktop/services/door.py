"""Door check-in (issue 12): an usher scans a ticket's code and the ticket is admitted exactly
once, whichever door scans it.

``admit`` decides a scan in ONE write transaction: it reads the ticket and its show, refuses what
the door must refuse (unknown code, unpaid, cancelled, refunded, wrong show, doors not open yet,
show over), then lets the database decide the admission itself with one conditional statement::

    UPDATE tickets SET admitted_count = admitted_count + :n
     WHERE id = :id AND status = 'CONFIRMED' AND admitted_count + :n <= seat_count

The number of rows it changed decides (never "check in Python, then write"); the admission row
(door, usher, time) and the audit row go in the same transaction. A door that loses a race reads
the winner's admission row and says where, when and by whom the ticket was admitted. A group
ticket may be admitted in parts (2 of 4 now, 2 later), each part counted.

Every scan is audited (door, usher, code (sanitised and shortened), outcome), refusals too.
Garbage (long strings, unicode, control characters, SQL-looking text) is UNKNOWN_CODE and never
reaches a query. A commit whose outcome is unknown (the connection broke during COMMIT) raises
``AdmissionUncertain``; ``resolve_scan`` looks the admission up once the database answers.

Roles: USHER and above admit. Undoing an admission needs a supervisor's name and password,
checked here against the staff table (``auth.login``: lockout and audit included); a context the
caller built is never taken as proof of a supervisor.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bms_desktop.domain import rules
from bms_desktop.domain.errors import (
    DomainError,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from bms_desktop.domain.model import MAX_SEATS_PER_BOOKING, Role, TicketStatus
from bms_desktop.services import auth
from bms_desktop.services.audit_trail import add_audit_event
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.door_views import (
    AdmissionView,
    DoorShow,
    PendingScan,
    ScanOutcome,
    ScanResult,
    UndoResult,
)
from bms_desktop.services.dto import StaffView
from bms_desktop.services.ports import UnitOfWork
from bms_desktop.services.ports_door import AdmissionRecord, DoorTicketRecord
from bms_desktop.services.sale_common import record_audit

DOOR_MAX = 40  # audit_events.counter and admissions.door
REASON_MAX = 200  # admissions.undo_reason
SCANNED_MAX = 32  # characters of a scanned text kept in the audit trail and the scan list
CODE_TEXT_MAX = 64  # longer than any way of typing a ticket code: not a code
ADMIT_ATTEMPTS = 3  # "all remaining" re-reads when another door admitted part of a group

SCAN_ACTION = "DOOR_SCAN"
UNDO_ACTION = "ADMISSION_UNDONE"

# Box-office settings (app_meta) of the doors, with their defaults.
DOOR_SETTING_DEFAULTS: dict[str, str] = {
    "door_opens_minutes": "30",  # doors open this long before the show starts
    "door_closes_after_end_minutes": "0",  # admission until this long after the show ends
}


class AdmissionUncertain(DomainError):
    """The connection broke while committing an admission: whether it counted is unknown until
    the database answers again (``resolve_scan``). Nobody may be let in on it meanwhile."""

    def __init__(self, pending: PendingScan) -> None:
        super().__init__(
            f"The connection to the database broke while admitting {pending.code}; whether it "
            "was recorded is not known yet. Do not let the guest in until it is checked."
        )
        self.pending = pending


@dataclass(frozen=True)
class DoorSettings:
    opens_minutes: int = 30
    closes_after_end_minutes: int = 0

    @classmethod
    def from_mapping(cls, raw: dict[str, str]) -> DoorSettings:
        merged = {**DOOR_SETTING_DEFAULTS, **raw}
        return cls(
            opens_minutes=_int(merged["door_opens_minutes"], 30, 0, 24 * 60),
            closes_after_end_minutes=_int(
                merged["door_closes_after_end_minutes"], 0, -24 * 60, 24 * 60
            ),
        )

    def doors_open_at(self, starts_at: datetime) -> datetime:
        return starts_at - timedelta(minutes=self.opens_minutes)

    def doors_close_at(self, ends_at: datetime) -> datetime:
        return ends_at + timedelta(minutes=self.closes_after_end_minutes)


def _int(text: str, default: int, low: int, high: int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        return default
    return min(high, max(low, value))


def door_settings(uow: UnitOfWork) -> DoorSettings:
    return DoorSettings.from_mapping(uow.settings.all())


# --------------------------------------------------------------------------- input


def check_door(door: str) -> str:
    """The door's name as recorded: whitespace collapsed, 1..40 printable characters."""
    name = " ".join(str(door).split())
    if not name:
        raise ValidationError("give this door a name, e.g. Door 1", field="door")
    if len(name) > DOOR_MAX:
        raise ValidationError(
            f"a door's name has at most {DOOR_MAX} characters ({len(name)} given)", field="door"
        )
    if not name.isprintable():
        raise ValidationError("a door's name cannot contain control characters", field="door")
    return name


def sanitise_scanned(text: str) -> str:
    """What was scanned, safe to store and show: printable ASCII (anything else is ``?``),
    at most ``SCANNED_MAX`` characters, with the original length when it was cut."""
    raw = str(text)
    stripped = raw.strip()
    shown = "".join(ch if " " <= ch <= "~" else "?" for ch in stripped[: SCANNED_MAX + 1])
    if len(stripped) > SCANNED_MAX:
        return f"{shown[:SCANNED_MAX]}… ({len(stripped):,} characters)"
    return shown or "(nothing)"


def canonical_code(text: str) -> str | None:
    """``BMS-XXXX-XXXX`` when ``text`` can be a ticket code (as a scanner or a person types it),
    else None: garbage never reaches a query."""
    raw = str(text).strip()
    if not raw or len(raw) > CODE_TEXT_MAX or not raw.isascii() or not raw.isprintable():
        return None
    return rules.normalise_ticket_code(raw)


def _check_people(people: int | None) -> int | None:
    if people is None:
        return None
    if isinstance(people, bool) or not isinstance(people, int):
        raise ValidationError("the number of people is a whole number", field="people")
    if not 1 <= people <= MAX_SEATS_PER_BOOKING:
        raise ValidationError(
            f"admit 1 to {MAX_SEATS_PER_BOOKING} people on one scan", field="people"
        )
    return people


# --------------------------------------------------------------------------- wording


def _clock(at: datetime, timezone: str, now: datetime) -> str:
    """``19:02`` today, ``Fri 14 Mar 19:02`` another day (the cinema's local time)."""
    tz = ZoneInfo(timezone)
    local, today = at.astimezone(tz), now.astimezone(tz)
    if local.date() == today.date():
        return f"{local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}"


def _show_words(show: DoorShow, now: datetime) -> str:
    return (
        f"{show.movie_title}, {show.screen_name} at {_clock(show.starts_at, show.timezone, now)} "
        f"({show.theater_name})"
    )


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _admitted_words(admissions: tuple[AdmissionView, ...], now: datetime) -> str:
    if not admissions:
        return "admitted earlier"
    last = admissions[-1]
    text = (
        f"{_people(last.people)} admitted at {last.door} at "
        f"{_clock(last.at, last.timezone, now)} by {last.by}"
    )
    if len(admissions) > 1:
        text += (
            f" (and {len(admissions) - 1} earlier admission{'s' if len(admissions) > 2 else ''})"
        )
    return text


# --------------------------------------------------------------------------- reading


def _door_show(t: DoorTicketRecord, cfg: DoorSettings) -> DoorShow:
    return DoorShow(
        show_id=t.show_id,
        movie_title=t.movie_title,
        certificate=t.certificate,
        language=t.language,
        format=t.format,
        screen_id=t.screen_id,
        screen_name=t.screen_name,
        theater_id=t.theater_id,
        theater_name=t.theater_name,
        timezone=t.timezone,
        starts_at=t.starts_at,
        ends_at=t.ends_at,
        doors_open_at=cfg.doors_open_at(t.starts_at),
        doors_close_at=cfg.doors_close_at(t.ends_at),
    )


def _live_admissions(uow: UnitOfWork, ticket_id: int, timezone: str) -> tuple[AdmissionView, ...]:
    return tuple(
        _admission_view(a, timezone) for a in uow.door.admissions(ticket_id) if a.undone_at is None
    )


def _admission_view(a: AdmissionRecord, timezone: str) -> AdmissionView:
    return AdmissionView(
        admission_id=a.admission_id,
        door=a.door,
        by=a.staff_username or "an unknown usher",
        people=a.people,
        at=a.at,
        timezone=timezone,
    )


@dataclass(frozen=True)
class _Scan:
    """What every outcome of one scan shares."""

    scanned: str
    code: str | None
    door: str
    usher: str
    at: datetime
    timezone: str

    def result(self, outcome: ScanOutcome, message: str, **more: object) -> ScanResult:
        return ScanResult(
            outcome=outcome,
            message=message,
            scanned=self.scanned,
            code=self.code,
            door=self.door,
            usher=self.usher,
            at=self.at,
            timezone=self.timezone,
            **more,  # type: ignore[arg-type]
        )


def _ticket_facts(uow: UnitOfWork, t: DoorTicketRecord) -> dict[str, object]:
    lines = uow.door.seat_lines(t.ticket_id)
    names = uow.door.ticket_type_names(t.theater_id)
    kinds = Counter(code for _label, code in lines)
    order = list(dict.fromkeys(code for _label, code in lines))
    return {
        "ticket_id": t.ticket_id,
        "seats": tuple(label for label, _code in lines),
        "ticket_types": tuple(
            (names.get(code, code.replace("_", " ").title()), kinds[code]) for code in order
        ),
        "seat_count": t.seat_count,
        "admitted_total": t.admitted_count,
    }


def _status_refusal(
    scan: _Scan, t: DoorTicketRecord, show: DoorShow, facts: dict[str, object], now: datetime
) -> ScanResult | None:
    """Refusals that depend on the ticket's and the show's state (not on the doors' race)."""
    status = TicketStatus(t.status)
    if status in (TicketStatus.PENDING_PAYMENT, TicketStatus.EXPIRED):
        return scan.result(
            ScanOutcome.NOT_PAID,
            f"{t.code} was never paid for: this is not a ticket. Send the guest to the counter.",
            show=show,
            **facts,
        )
    if status is TicketStatus.CANCELLED:
        if t.refunded:
            return scan.result(
                ScanOutcome.REFUNDED,
                f"{t.code} was cancelled and refunded. Do not admit; send the guest to the "
                "counter.",
                show=show,
                **facts,
            )
        return scan.result(
            ScanOutcome.CANCELLED,
            f"{t.code} was cancelled. Do not admit; send the guest to the counter.",
            show=show,
            **facts,
        )
    if t.show_cancelled:
        return scan.result(
            ScanOutcome.CANCELLED,
            f"The show {_show_words(show, now)} was cancelled. Send the guest to the counter "
            "for a refund.",
            show=show,
            **facts,
        )
    return None


def _placement_refusal(
    scan: _Scan,
    show: DoorShow,
    facts: dict[str, object],
    now: datetime,
    *,
    show_id: int | None,
    screen_id: int | None,
    theater_id: int | None,
) -> ScanResult | None:
    """Wrong door (the door's filter), too early, too late."""
    wrong = (
        (show_id is not None and show.show_id != show_id)
        or (screen_id is not None and show.screen_id != screen_id)
        or (theater_id is not None and show.theater_id != theater_id)
    )
    if wrong:
        return scan.result(
            ScanOutcome.WRONG_SHOW,
            f"This ticket is for {_show_words(show, now)}. Direct the guest to {show.screen_name}.",
            show=show,
            **facts,
        )
    if now < show.doors_open_at:
        return scan.result(
            ScanOutcome.NOT_YET,
            f"Doors open at {_clock(show.doors_open_at, show.timezone, now)} for "
            f"{_show_words(show, now)}.",
            show=show,
            **facts,
        )
    if now >= show.doors_close_at:
        return scan.result(
            ScanOutcome.SHOW_ENDED,
            f"{show.movie_title} on {show.screen_name} ended at "
            f"{_clock(show.ends_at, show.timezone, now)}; the ticket is no longer valid.",
            show=show,
            **facts,
        )
    return None


# --------------------------------------------------------------------------- admit


def admit(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    code: str,
    door: str,
    people: int | None = None,
    show_id: int | None = None,
    screen_id: int | None = None,
    theater_id: int | None = None,
) -> ScanResult:
    """Scan ``code`` at ``door``: admit ``people`` (default: everyone not yet admitted on the
    ticket) if the ticket is valid for this door now. ``show_id`` / ``screen_id`` /
    ``theater_id`` restrict the door to one show, screen or cinema (else WRONG_SHOW).

    Every outcome is a ``ScanResult`` (refusals included, all audited). Raises ValidationError
    for a bad door name or number of people, PermissionDenied without a role, StorageBusy /
    StorageUnavailable when the database did not answer (nothing admitted), and
    ``AdmissionUncertain`` when the connection broke during the commit of an admission.
    """
    ctx.require(Role.USHER, "Admitting tickets at the door")
    door_name = check_door(door)
    wanted = _check_people(people)
    canonical = canonical_code(code)
    now = box.now()
    with box.uows(write=True, lock_timeout_ms=ctx.lock_timeout_ms, label=door_name) as uow:
        cfg = door_settings(uow)
        tz = uow.settings.get("box_office_timezone") or "Asia/Kolkata"
        ticket = uow.door.ticket_for_door(canonical) if canonical is not None else None
        scan = _Scan(
            scanned=canonical or sanitise_scanned(code),
            code=canonical,
            door=door_name,
            usher=ctx.username,
            at=now,
            timezone=ticket.timezone if ticket is not None else tz,
        )
        if ticket is None:
            result = scan.result(
                ScanOutcome.UNKNOWN_CODE,
                "This is not a ticket of this box office. Check the code, or send the guest to "
                "the counter.",
            )
        else:
            result = _decide(
                uow,
                ctx,
                scan,
                ticket,
                cfg,
                now,
                wanted,
                show_id=show_id,
                screen_id=screen_id,
                theater_id=theater_id,
            )
        _audit_scan(uow, ctx, result)
        if not result.admitted:
            uow.commit()
            return result
        assert result.ticket_id is not None
        try:
            uow.commit()
        except Exception as exc:
            raise AdmissionUncertain(
                PendingScan(
                    code=result.code or "",
                    ticket_id=result.ticket_id,
                    door=door_name,
                    staff_id=ctx.staff_id,
                    usher=ctx.username,
                    at=now,
                    people=result.people_now,
                    timezone=result.timezone,
                )
            ) from exc
    return result


def _decide(
    uow: UnitOfWork,
    ctx: CounterContext,
    scan: _Scan,
    ticket: DoorTicketRecord,
    cfg: DoorSettings,
    now: datetime,
    wanted: int | None,
    *,
    show_id: int | None,
    screen_id: int | None,
    theater_id: int | None,
) -> ScanResult:
    show = _door_show(ticket, cfg)
    facts = _ticket_facts(uow, ticket)
    refusal = _status_refusal(scan, ticket, show, facts, now) or _placement_refusal(
        scan, show, facts, now, show_id=show_id, screen_id=screen_id, theater_id=theater_id
    )
    if refusal is not None:
        return refusal
    if wanted is not None and wanted > ticket.seat_count:
        return scan.result(
            ScanOutcome.TOO_MANY,
            f"{ticket.code} is a ticket for {_people(ticket.seat_count)}: admit at most "
            f"{ticket.seat_count} (People now: All admits everyone not yet in).",
            show=show,
            **facts,
        )
    current = ticket
    for _attempt in range(ADMIT_ATTEMPTS):
        left = current.seat_count - current.admitted_count
        n = wanted if wanted is not None else max(left, 1)
        # THE step: the database decides, whichever door got here first.
        if uow.door.admit(current.ticket_id, n):
            admission_id = uow.door.add_admission(
                current.ticket_id, scan.door, ctx.staff_id, n, now
            )
            sold, admitted = uow.door.show_counts(current.show_id)
            total = current.admitted_count + n
            rest = current.seat_count - total
            message = f"Admit {_people(n)}."
            if rest > 0:
                message = f"Admit {n} of {current.seat_count}; {rest} still to come."
            elif current.admitted_count > 0:
                last = "person" if n == 1 else f"{n} people"
                message = f"Admit the last {last} on this ticket."
            return scan.result(
                ScanOutcome.ADMIT,
                message,
                show=show,
                **{**facts, "admitted_total": total},
                people_now=n,
                admissions=_live_admissions(uow, current.ticket_id, show.timezone),
                show_sold=sold,
                show_admitted=admitted,
                admission_id=admission_id,
            )
        # Lost: someone else changed the ticket since it was read. Read again.
        again = uow.door.ticket_for_door(current.code)
        if again is None:  # pragma: no cover - tickets are never deleted
            break
        current = again
        if current.status != TicketStatus.CONFIRMED:
            changed = _status_refusal(scan, current, show, facts, now)
            if changed is not None:
                return changed
            break
        if wanted is not None or current.admitted_count >= current.seat_count:
            break
    admissions = _live_admissions(uow, current.ticket_id, show.timezone)
    left = max(0, current.seat_count - current.admitted_count)
    said = _admitted_words(admissions, now)
    if left > 0 and wanted is not None:
        message = (
            f"Only {left} of {current.seat_count} people are left on this ticket ({said}). "
            f"Admit at most {left}."
        )
    else:
        message = f"{said[0].upper()}{said[1:]}. Do not admit again."
    return scan.result(
        ScanOutcome.ALREADY_ADMITTED,
        message,
        show=show,
        **{**facts, "admitted_total": current.admitted_count},
        admissions=admissions,
    )


def _audit_scan(uow: UnitOfWork, ctx: CounterContext, result: ScanResult) -> None:
    add_audit_event(
        uow,
        at=result.at,
        action=SCAN_ACTION,
        username=ctx.username,
        staff_id=ctx.staff_id,
        counter=result.door,
        entity="ticket",
        entity_id="" if result.ticket_id is None else result.ticket_id,
        # An admission changes the show's counts: other doors' counters follow (change feed).
        show_id=result.show.show_id if result.admitted and result.show else None,
        details={
            "door": result.door,
            "code": result.scanned,
            "outcome": result.outcome.value,
            "people": result.people_now,
            "admitted": result.admitted_total,
            "seats": result.seat_count,
        },
    )


def resolve_scan(box: BoxOffice, ctx: CounterContext, pending: PendingScan) -> ScanResult:
    """After ``AdmissionUncertain``: look the admission up by its ticket, door, usher and time,
    and say truthfully whether it was recorded (ADMIT) or not (CONNECTION_LOST: scan again).
    Raises StorageUnavailable while the database still does not answer."""
    now = box.now()
    with box.uows(write=True, lock_timeout_ms=ctx.lock_timeout_ms, label=pending.door) as uow:
        cfg = door_settings(uow)
        ticket = uow.door.ticket_for_door(pending.code)
        if ticket is None:  # pragma: no cover - the ticket existed a moment ago
            raise NotFound(f"{pending.code} is not a ticket of this box office")
        found = uow.door.find_admission(
            pending.ticket_id, pending.door, pending.staff_id, pending.at
        )
        show = _door_show(ticket, cfg)
        facts = _ticket_facts(uow, ticket)
        scan = _Scan(pending.code, pending.code, pending.door, pending.usher, pending.at,
                     ticket.timezone)  # fmt: skip
        admissions = _live_admissions(uow, ticket.ticket_id, ticket.timezone)
        sold, admitted = uow.door.show_counts(ticket.show_id)
        if found is not None and found.undone_at is None:
            result = scan.result(
                ScanOutcome.ADMIT,
                f"The admission of {_people(found.people)} was recorded before the connection "
                "broke. Admit.",
                show=show,
                **facts,
                people_now=found.people,
                admissions=admissions,
                show_sold=sold,
                show_admitted=admitted,
                admission_id=found.admission_id,
                resolved_after_reconnect=True,
            )
        else:
            result = scan.result(
                ScanOutcome.CONNECTION_LOST,
                f"The scan of {pending.code} at {_clock(pending.at, ticket.timezone, now)} was "
                "NOT recorded (the connection broke). Scan the ticket again.",
                show=show,
                **facts,
                admissions=admissions,
                show_sold=sold,
                show_admitted=admitted,
                resolved_after_reconnect=True,
            )
        add_audit_event(
            uow,
            at=now,
            action=SCAN_ACTION,
            username=ctx.username,
            staff_id=ctx.staff_id,
            counter=pending.door,
            entity="ticket",
            entity_id=pending.ticket_id,
            details={
                "door": pending.door,
                "code": pending.code,
                "outcome": result.outcome.value,
                "resolved_after_reconnect": True,
                "scanned_at": pending.at.isoformat(),
            },
        )
        uow.commit()
    return result


# --------------------------------------------------------------------------- undo (supervisor)


def undo_admission(
    box: BoxOffice,
    ctx: CounterContext,
    *,
    code: str,
    supervisor: str,
    password: str,
    reason: str,
    admission_id: int | None = None,
) -> UndoResult:
    """A supervisor's override: take back the latest admission of a ticket (or the given one),
    so that it can be admitted again or cancelled at the counter. The supervisor's name and
    password are checked against the staff table (lockout and audit of ``auth.login``);
    audited as ADMISSION_UNDONE with who approved it and why."""
    ctx.require(Role.USHER, "Undoing an admission")
    canonical = canonical_code(code)
    if canonical is None:
        raise ValidationError(f"'{sanitise_scanned(code)}' is not a ticket code", field="code")
    why = " ".join(str(reason).split())
    if not why:
        raise ValidationError("say why the admission is undone", field="reason")
    if len(why) > REASON_MAX:
        raise ValidationError(
            f"the reason has at most {REASON_MAX} characters ({len(why)} given)", field="reason"
        )
    approver = _proved_supervisor(box, ctx, supervisor, password)
    now = box.now()
    with box.uows(write=True, lock_timeout_ms=ctx.lock_timeout_ms, label=ctx.counter) as uow:
        ticket = uow.door.ticket_for_door(canonical)
        if ticket is None:
            raise NotFound(f"{canonical} is not a ticket of this box office")
        live = [a for a in uow.door.admissions(ticket.ticket_id) if a.undone_at is None]
        if admission_id is not None:
            live = [a for a in live if a.admission_id == admission_id]
        if not live:
            raise InvalidState(f"{canonical} has no admission to undo")
        target = live[-1]
        if not uow.door.undo_admission(
            target.admission_id, by_id=approver.staff_id, at=now, reason=why
        ):
            raise InvalidState(f"that admission of {canonical} was undone meanwhile")
        left_admitted = ticket.admitted_count - target.people
        record_audit(
            uow,
            ctx,
            now,
            UNDO_ACTION,
            entity_id=ticket.ticket_id,
            show_id=ticket.show_id,
            code=canonical,
            door=target.door,
            people=target.people,
            admitted_by=target.staff_username,
            approved_by=approver.username,
            reason=why,
            admitted_before=ticket.admitted_count,
        )
        uow.commit()
    return UndoResult(
        code=canonical,
        door=target.door,
        people=target.people,
        admitted_total=max(0, left_admitted),
        approved_by=approver.username,
        at=now,
        timezone=ticket.timezone,
    )


def _proved_supervisor(
    box: BoxOffice, ctx: CounterContext, username: str, password: str
) -> StaffView:
    if not username.strip():
        raise ValidationError("a supervisor must enter their staff name", field="supervisor")
    if not password:
        raise ValidationError("a supervisor must enter their password", field="password")
    staff = auth.login(box, username=username, password=password, counter=ctx.counter)
    if not staff.role.at_least(Role.SUPERVISOR):
        raise PermissionDenied(
            f"{staff.username} is a {staff.role.value.lower()}: a supervisor or an administrator "
            "must approve undoing an admission"
        )
    return staff


# --------------------------------------------------------------------------- the counter


def cancel_refusal(uow: UnitOfWork, ticket_id: int, now: datetime) -> str | None:
    """Why the database refused to cancel a confirmed ticket, when it is because people were
    admitted on it at the door (``cancellation.cancel_booking`` asks after its release failed)."""
    door = getattr(uow, "door", None)  # the in-memory fake of the unit tests has no door
    if door is None:
        return None
    admissions = [a for a in door.admissions(ticket_id) if a.undone_at is None]
    if not admissions:
        return None
    ticket = uow.booking.ticket(ticket_id)
    info = uow.booking.show_info(ticket.show_id) if ticket is not None else None
    tz = info.timezone if info is not None else "Asia/Kolkata"
    code = ticket.code if ticket is not None else f"ticket {ticket_id}"
    views = tuple(_admission_view(a, tz) for a in admissions)
    return (
        f"{code} was admitted at the door ({_admitted_words(views, now)}): an admitted "
        "ticket cannot be cancelled or refunded. A supervisor can undo the admission at the "
        "door first."
    )


__all__ = [
    "DOOR_SETTING_DEFAULTS",
    "SCAN_ACTION",
    "UNDO_ACTION",
    "AdmissionUncertain",
    "DoorSettings",
    "admit",
    "cancel_refusal",
    "canonical_code",
    "check_door",
    "resolve_scan",
    "sanitise_scanned",
    "undo_admission",
]
