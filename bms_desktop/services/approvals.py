"""Supervisor approvals that a caller cannot make up.

A supervisor signs in on the clerk's terminal (``auth.grant_approval``: the password is checked
against the staff table, with the lockout, audited); the service then issues an ``Approval``: a
random token, for one action on one subject (e.g. cancelling ticket 42), for the counter and the
clerk that asked, valid for a couple of minutes and usable once. The service that performs the
action (``cancellation.cancel_booking``) accepts only a token this ``ApprovalRegistry`` issued and
has not seen used, re-reads the approver from the staff table, and never lets a person approve
their own request. An ``Approval`` built by hand carries a token the registry never issued:
refused.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bms_desktop.domain.errors import PermissionDenied

APPROVAL_LIFETIME: Final = timedelta(minutes=2)
CANCEL_REFUND: Final = "CANCEL_REFUND"


@dataclass(frozen=True, slots=True)
class Approval:
    """What the approval dialog hands to the action: proof that ``approver`` signed in here."""

    token: str
    action: str
    subject: str  # what is approved, e.g. the ticket id
    counter: str
    requested_by: int | None  # the staff id of the clerk who asked
    approver_id: int
    approver: str  # the approver's staff name
    expires_at: datetime


class ApprovalRegistry:
    """The approvals this box office issued and not yet used (thread-safe, in memory: an
    approval lives for minutes, on the terminal where the supervisor signed in)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._issued: dict[str, Approval] = {}

    def issue(
        self,
        *,
        action: str,
        subject: object,
        counter: str,
        requested_by: int | None,
        approver_id: int,
        approver: str,
        now: datetime,
    ) -> Approval:
        approval = Approval(
            token=secrets.token_urlsafe(24),
            action=action,
            subject=str(subject),
            counter=counter,
            requested_by=requested_by,
            approver_id=approver_id,
            approver=approver,
            expires_at=now + APPROVAL_LIFETIME,
        )
        with self._lock:
            self._drop_expired(now)
            self._issued[approval.token] = approval
        return approval

    def check(
        self,
        approval: object,
        *,
        action: str,
        subject: object,
        counter: str,
        requested_by: int | None,
        now: datetime,
    ) -> Approval:
        """The approval as issued, if ``approval`` is one this registry issued for exactly this
        action, subject, counter and clerk, still valid and unused; PermissionDenied if not."""
        token = getattr(approval, "token", None)
        with self._lock:
            issued = self._issued.get(token) if isinstance(token, str) else None
        if issued is None or issued != approval:
            raise PermissionDenied(
                "this approval was not given by a supervisor signing in here (or was used "
                "already); ask a supervisor to sign in and approve it"
            )
        if now >= issued.expires_at:
            raise PermissionDenied("the supervisor's approval ran out; ask for it again")
        if (issued.action, issued.subject, issued.counter, issued.requested_by) != (
            action,
            str(subject),
            counter,
            requested_by,
        ):
            raise PermissionDenied("this approval was given for something else; ask again")
        return issued

    def consume(self, approval: Approval) -> None:
        """Use it up (once): a second use is refused."""
        with self._lock:
            if self._issued.pop(approval.token, None) is None:
                raise PermissionDenied("this approval has been used already; ask again")

    def _drop_expired(self, now: datetime) -> None:
        for token in [t for t, a in self._issued.items() if a.expires_at <= now]:
            del self._issued[token]


__all__ = ["APPROVAL_LIFETIME", "CANCEL_REFUND", "Approval", "ApprovalRegistry"]
