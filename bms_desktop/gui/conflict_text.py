"""Plain words for what a strategy did when a counter lost seats (no Qt here: unit-testable).

``describe_conflict`` turns a ``SeatsUnavailable`` (its ``failures`` and its ``ConcurrencyReport``)
into a headline a learner can read at a glance, with numbers, and a few details:

    Pessimistic: waited 420 ms for the lock held by Counter 2; C7 was sold meanwhile
    Optimistic: C7 changed since you loaded the map (version 3 -> 4); retried 1 of 3
    Thread lock: the other process was not covered by this lock; the database constraint refused
    the second sale

``describe_error`` does the same for the other refusals (lock timeouts, closed sales...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bms_desktop.domain.errors import (
    DomainError,
    FailureReason,
    LockTimeout,
    SalesClosed,
    SeatFailure,
    SeatsUnavailable,
)
from bms_desktop.domain.model import Strategy
from bms_desktop.services.dto import ConcurrencyReport
from bms_desktop.services.ports import StorageBusy, StorageUnavailable

WAIT_SHOWN_MS = 2.0  # a lock "wait" shorter than this is only the cost of taking the lock
MAX_LABELS = 5


class Tone(StrEnum):
    CONFLICT = "conflict"  # lost seats, a lock given up: amber
    INFO = "info"  # a refusal that is nobody's race (closed sales, a bad amount): blue-grey
    SUCCESS = "success"  # a sale went through: green


@dataclass(frozen=True, slots=True)
class ConflictMessage:
    headline: str
    details: tuple[str, ...] = ()
    tone: Tone = Tone.CONFLICT

    @property
    def text(self) -> str:
        return "\n".join((self.headline, *self.details))


STRATEGY_NAMES: dict[Strategy, str] = {
    Strategy.PESSIMISTIC: "Pessimistic",
    Strategy.OPTIMISTIC: "Optimistic",
    Strategy.THREAD: "Thread lock",
}


def join_labels(labels: Iterable[str], *, limit: int = MAX_LABELS) -> str:
    """``C7``, ``C7 and C8``, ``C7, C8 and C9``; past ``limit`` seats: ``..., C11 and 3 more``."""
    items = list(dict.fromkeys(labels))
    if not items:
        return "no seat"
    if len(items) > limit:
        shown = items[: limit - 1]
        return f"{', '.join(shown)} and {len(items) - len(shown)} more"
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _verb(labels: Sequence[str], singular: str, plural: str) -> str:
    return singular if len(set(labels)) == 1 else plural


def _by(counter: str | None) -> str:
    return f" by {counter}" if counter else ""


def _outcome(failures: Sequence[SeatFailure], *, meanwhile: bool) -> str:
    """What became of the seats, grouped by reason and by the counter that has them."""
    groups: dict[tuple[FailureReason, str | None], list[str]] = {}
    for f in failures:
        groups.setdefault((f.reason, f.by_counter), []).append(f.label)
    parts: list[str] = []
    for (reason, who), labels in groups.items():
        seats = join_labels(labels)
        was = _verb(labels, "was", "were")
        is_ = _verb(labels, "is", "are")
        match reason:
            case FailureReason.SOLD:
                parts.append(
                    f"{seats} {was} sold{_by(who)} meanwhile"
                    if meanwhile
                    else f"{seats} {is_} already sold{_by(who)}"
                )
            case FailureReason.HELD:
                parts.append(
                    f"{seats} {was} taken{_by(who)} meanwhile (held, not yet paid)"
                    if meanwhile
                    else f"{seats} {is_} held{_by(who)}"
                )
            case FailureReason.BLOCKED:
                parts.append(f"{seats} {is_} not for sale (blocked)")
            case FailureReason.CHANGED:
                parts.append(f"{seats} kept changing")
            case FailureReason.CONSTRAINT:
                owner = f" ({who} has {_verb(labels, 'it', 'them')})" if who else ""
                parts.append(f"{seats} {was} already claimed{owner}")
            case _:
                parts.append(f"{seats} {is_} not a seat of this show")
    return "; ".join(parts)


def _holder(report: ConcurrencyReport, my_counter: str | None) -> str:
    holder = report.lock_holder
    if not holder or holder == my_counter:
        return "another counter"
    return holder


def _kept_line(kept: Sequence[str]) -> str | None:
    if not kept:
        return None
    seats = join_labels(kept)
    return f"{seats} {_verb(kept, 'is', 'are')} still free and still selected for you."


def _timing_line(report: ConcurrencyReport) -> str:
    bits = [f"took {report.elapsed_ms:.0f} ms in all"]
    if report.attempts > 1:
        bits.append(f"{report.attempts} attempts")
    if report.delay_ms:
        bits.append(f"with this counter's {report.delay_ms:.0f} ms processing delay")
    return "Nothing was changed; " + ", ".join(bits) + "."


def describe_conflict(
    failures: Sequence[SeatFailure],
    report: ConcurrencyReport | None,
    *,
    kept: Sequence[str] = (),
    my_counter: str | None = None,
) -> ConflictMessage:
    """The banner text for a hold that lost seats.

    ``kept``: labels of my seats that are still free (they stay selected).
    """
    if report is None:
        headline = f"Seats not available: {_outcome(failures, meanwhile=False)}"
        return ConflictMessage(headline, tuple(x for x in (_kept_line(kept),) if x))
    name = STRATEGY_NAMES.get(report.strategy, str(report.strategy))
    waited = report.lock_wait_ms >= WAIT_SHOWN_MS
    details: list[str] = []
    caught = [f for f in failures if f.reason is FailureReason.CONSTRAINT]

    if report.strategy is Strategy.THREAD and (report.safety_net_catches or caught):
        headline = (
            f"{name}: the other process was not covered by this lock; "
            "the database constraint refused the second sale"
        )
        details.append(
            f"{_outcome(failures, meanwhile=False)}. Nothing was sold twice: the database "
            "allows one live ticket per seat."
        )
    elif report.strategy is Strategy.OPTIMISTIC and report.version_conflicts:
        conflicts = list(dict.fromkeys(report.version_conflicts))
        firsts: dict[str, tuple[int, int]] = {}
        for label, seen, found in conflicts:
            firsts.setdefault(label, (seen, found))
        labels = list(firsts)
        if len(labels) == 1:
            seen, found = firsts[labels[0]]
            changed = f"{labels[0]} changed since you loaded the map (version {seen} -> {found})"
        else:
            versions = ", ".join(f"{lbl} {a} -> {b}" for lbl, (a, b) in list(firsts.items())[:3])
            changed = f"{join_labels(labels)} changed since you loaded the map ({versions})"
        if report.retries:
            headline = f"{name}: {changed}; retried {report.retries} of {report.max_retries}"
        else:
            headline = f"{name}: {changed}; not retried, the seat is taken"
            if len(labels) > 1:
                headline = f"{name}: {changed}; not retried, the seats are taken"
        details.append(_sentence(_outcome(failures, meanwhile=False)))
    elif waited:
        lock = "seat lock" if report.strategy is Strategy.THREAD else "lock"
        headline = (
            f"{name}: waited {report.lock_wait_ms:.0f} ms for the {lock} held by "
            f"{_holder(report, my_counter)}; {_outcome(failures, meanwhile=True)}"
        )
    else:
        how = {
            Strategy.PESSIMISTIC: "took the lock at once",
            Strategy.OPTIMISTIC: "checked the versions",
            Strategy.THREAD: "took the seat lock at once",
        }.get(report.strategy, "checked")
        headline = f"{name}: {how}; {_outcome(failures, meanwhile=False)}"
    if caught and report.strategy is not Strategy.THREAD:
        details.append("The database constraint refused the claim: nothing was sold twice.")
    kept_line = _kept_line(kept)
    if kept_line:
        details.append(kept_line)
    details.append(_timing_line(report))
    return ConflictMessage(headline, tuple(details))


def describe_success(
    report: ConcurrencyReport, labels: Sequence[str], *, my_counter: str | None = None
) -> ConflictMessage | None:
    """A hold that went through after a fight (a lock wait, a retry): worth telling a learner.
    ``None`` when nothing notable happened."""
    name = STRATEGY_NAMES.get(report.strategy, str(report.strategy))
    seats = join_labels(labels)
    if report.strategy is Strategy.OPTIMISTIC and report.retries:
        label, seen, found = report.version_conflicts[0]
        headline = (
            f"{name}: {label} changed since you loaded the map (version {seen} -> {found}) but "
            f"was still free; held {seats} on retry {report.retries} of {report.max_retries}"
        )
    elif report.lock_wait_ms >= WAIT_SHOWN_MS:
        lock = "seat lock" if report.strategy is Strategy.THREAD else "lock"
        headline = (
            f"{name}: waited {report.lock_wait_ms:.0f} ms for the {lock} held by "
            f"{_holder(report, my_counter)}, then held {seats}"
        )
    else:
        return None
    return ConflictMessage(
        headline, (f"The hold took {report.elapsed_ms:.0f} ms in all.",), Tone.INFO
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def describe_error(exc: BaseException, *, action: str = "") -> ConflictMessage:
    """The banner text for any other refusal of a service call."""
    if isinstance(exc, SeatsUnavailable):
        report = exc.report if isinstance(exc.report, ConcurrencyReport) else None
        return describe_conflict(exc.failures, report)
    what = f"{action}: " if action else ""
    if isinstance(exc, StorageBusy | LockTimeout):
        return ConflictMessage(
            _cap(f"{what}gave up waiting for the database lock"),
            (_sentence(str(exc)), "Nothing was changed. Try again in a moment."),
        )
    if isinstance(exc, StorageUnavailable):
        return ConflictMessage(
            _cap(f"{what}the database cannot be reached"),
            (_sentence(str(exc)), "Nothing was changed."),
        )
    if isinstance(exc, SalesClosed):
        return ConflictMessage(
            _cap(f"{what}sales are closed for this show"), (_sentence(str(exc)),), Tone.INFO
        )
    if isinstance(exc, DomainError):
        return ConflictMessage(_sentence(f"{what}{exc}"), (), Tone.INFO)
    # Anything else is a fault, not a refusal: its text may be a driver's, with SQL in it, and
    # that is never shown to a clerk (the log file has it, with the traceback).
    return ConflictMessage(
        _cap(f"{what}something went wrong"),
        (
            "Nothing was changed by it; try again. If it happens again, the log file has the "
            "details for your administrator.",
        ),
    )


__all__ = [
    "STRATEGY_NAMES",
    "ConflictMessage",
    "Tone",
    "describe_conflict",
    "describe_error",
    "join_labels",
]
