"""The words the counter window uses to explain a lost race (pure functions, no Qt)."""

from __future__ import annotations

from datetime import UTC, datetime

from bms_desktop.domain.errors import (
    FailureReason,
    InvalidState,
    LockTimeout,
    SalesClosed,
    SeatFailure,
    SeatsUnavailable,
)
from bms_desktop.domain.model import Strategy
from bms_desktop.gui.conflict_text import (
    Tone,
    describe_conflict,
    describe_error,
    describe_success,
    join_labels,
)
from bms_desktop.services.dto import ConcurrencyReport
from bms_desktop.services.ports import StorageBusy

AT = datetime(2030, 3, 4, 4, 30, tzinfo=UTC)


def report(strategy: Strategy, **kw: object) -> ConcurrencyReport:
    return ConcurrencyReport(strategy=strategy, **kw)  # type: ignore[arg-type]


def test_labels_are_joined_like_a_sentence_and_long_lists_are_cut() -> None:
    assert join_labels([]) == "no seat"
    assert join_labels(["C7"]) == "C7"
    assert join_labels(["C7", "C8"]) == "C7 and C8"
    assert join_labels(["C7", "C8", "C9"]) == "C7, C8 and C9"
    assert join_labels(["C7", "C7", "C8"]) == "C7 and C8"
    assert join_labels([f"A{i}" for i in range(1, 9)]) == "A1, A2, A3, A4 and 4 more"


def test_pessimistic_wait_names_the_holder_the_milliseconds_and_what_happened_meanwhile() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.SOLD, "Counter 2")],
        report(Strategy.PESSIMISTIC, lock_wait_ms=420.4, lock_holder="Counter 2", elapsed_ms=431),
    )
    assert msg.headline == (
        "Pessimistic: waited 420 ms for the lock held by Counter 2; C7 was sold by Counter 2 "
        "meanwhile"
    )
    assert msg.tone is Tone.CONFLICT
    assert msg.details[-1] == "Nothing was changed; took 431 ms in all."


def test_pessimistic_without_a_wait_says_the_lock_came_at_once() -> None:
    msg = describe_conflict(
        [
            SeatFailure("C7", FailureReason.HELD, "Counter 2"),
            SeatFailure("C8", FailureReason.HELD, "Counter 2"),
        ],
        report(Strategy.PESSIMISTIC, lock_wait_ms=0.3, elapsed_ms=4),
    )
    assert msg.headline == "Pessimistic: took the lock at once; C7 and C8 are held by Counter 2"


def test_a_lock_holder_that_is_this_counter_is_not_named_as_the_rival() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.SOLD, "Counter 2")],
        report(Strategy.PESSIMISTIC, lock_wait_ms=50, lock_holder="Counter 1"),
        my_counter="Counter 1",
    )
    assert "held by another counter" in msg.headline


def test_optimistic_conflict_shows_both_versions_and_the_retries() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.CHANGED, None, 3, 6)],
        report(
            Strategy.OPTIMISTIC,
            attempts=4,
            retries=3,
            max_retries=3,
            version_conflicts=(("C7", 3, 4), ("C7", 4, 5), ("C7", 5, 6)),
        ),
    )
    assert msg.headline == (
        "Optimistic: C7 changed since you loaded the map (version 3 -> 4); retried 3 of 3"
    )
    assert msg.details[0] == "C7 kept changing."


def test_optimistic_conflict_on_a_taken_seat_says_it_was_not_retried() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.HELD, "Counter 2", 1, 2)],
        report(Strategy.OPTIMISTIC, max_retries=3, version_conflicts=(("C7", 1, 2),)),
    )
    assert msg.headline == (
        "Optimistic: C7 changed since you loaded the map (version 1 -> 2); not retried, the "
        "seat is taken"
    )
    assert msg.details[0] == "C7 is held by Counter 2."


def test_thread_lock_across_processes_credits_the_database_constraint() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.CONSTRAINT, "Counter 2")],
        report(Strategy.THREAD, safety_net_catches=1),
    )
    assert msg.headline == (
        "Thread lock: the other process was not covered by this lock; the database constraint "
        "refused the second sale"
    )
    assert "Nothing was sold twice" in msg.details[0]
    assert "C7 was already claimed (Counter 2 has it)" in msg.details[0]


def test_thread_lock_wait_inside_one_process_names_the_window_it_waited_for() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.HELD, "Counter 1")],
        report(Strategy.THREAD, lock_wait_ms=130, lock_holder="Counter 1"),
        my_counter="Counter 2",
    )
    assert msg.headline.startswith(
        "Thread lock: waited 130 ms for the seat lock held by Counter 1; C7 was taken by "
        "Counter 1 meanwhile"
    )


def test_seats_still_free_are_said_to_stay_selected() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.SOLD, "Counter 2")],
        report(Strategy.PESSIMISTIC),
        kept=["C8", "C9"],
    )
    assert "C8 and C9 are still free and still selected for you." in msg.details


def test_the_processing_delay_is_mentioned_in_the_timing() -> None:
    msg = describe_conflict(
        [SeatFailure("C7", FailureReason.SOLD)],
        report(Strategy.PESSIMISTIC, delay_ms=300, elapsed_ms=320),
    )
    assert msg.details[-1].endswith("with this counter's 300 ms processing delay.")


def test_a_conflict_without_a_report_still_lists_the_seats() -> None:
    msg = describe_conflict([SeatFailure("C7", FailureReason.BLOCKED)], None)
    assert msg.headline == "Seats not available: C7 is not for sale (blocked)"


def test_success_after_a_wait_or_a_retry_is_worth_a_line_and_a_plain_hold_is_not() -> None:
    waited = describe_success(
        report(Strategy.PESSIMISTIC, lock_wait_ms=250, lock_holder="Counter 2", elapsed_ms=260),
        ["C7", "C8"],
    )
    assert waited is not None
    assert waited.headline == (
        "Pessimistic: waited 250 ms for the lock held by Counter 2, then held C7 and C8"
    )
    assert waited.tone is Tone.INFO
    retried = describe_success(
        report(Strategy.OPTIMISTIC, retries=1, max_retries=3, version_conflicts=(("C7", 1, 3),)),
        ["C7"],
    )
    assert retried is not None
    assert "retry 1 of 3" in retried.headline
    assert "(version 1 -> 3)" in retried.headline
    assert describe_success(report(Strategy.PESSIMISTIC, lock_wait_ms=0.5), ["C7"]) is None


def test_other_refusals_read_as_plain_sentences() -> None:
    busy = describe_error(StorageBusy("the database stayed locked for 5 s"), action="Holding C7")
    assert busy.headline == "Holding C7: gave up waiting for the database lock"
    assert busy.details[0] == "The database stayed locked for 5 s."
    timeout = describe_error(LockTimeout("waited 30 s"))
    assert timeout.headline == "Gave up waiting for the database lock"
    closed = describe_error(SalesClosed("sales closed at 16:30"))
    assert closed.tone is Tone.INFO
    state = describe_error(InvalidState("the hold on BMS-1 has run out"), action="Payment")
    assert state.headline == "Payment: the hold on BMS-1 has run out."
    bug = describe_error(ZeroDivisionError("division by zero"))
    assert bug.headline == "Something went wrong"
    lost = describe_error(
        SeatsUnavailable([SeatFailure("C7", FailureReason.SOLD)], report(Strategy.THREAD))
    )
    assert lost.headline == "Thread lock: took the seat lock at once; C7 is already sold"
