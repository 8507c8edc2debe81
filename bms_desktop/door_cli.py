"""`bms-desktop checkin` and `bms-desktop door`: door check-in from a script, a scanner station
or the Door window.

    bms-desktop checkin CODE --door NAME [--db URL] [--user NAME] [--people N]
                         [--show ID] [--screen ID] [--json]
    bms-desktop checkin - --door NAME ...     codes from standard input, one a line
    bms-desktop door --door NAME [--db URL] [--user NAME]     the Door window

Who admits: every scan is audited with the usher who made it, so ``checkin`` signs a real staff
member in (``--user`` or ``BMS_USER``; the password from ``BMS_PASSWORD``, else a prompt on the
terminal). Sign-in goes through ``auth.login``: the lockout after failed attempts and the audit of
every attempt apply. There is deliberately no password-less station mode: a station is a script
with the usher's name and password in its environment, signed in once per run; with ``-`` it
reads one code a line from a keyboard-wedge scanner, so a station signs in once per shift.

Output: the outcome as text, or with ``--json`` one JSON object per scan (``ScanResult.to_json``;
JSON Lines with ``-``). Never a traceback or driver text. Exit code 0 when the scan admitted (with
``-``: every scan), 1 for any refusal (including a lost connection), 2 for a usage error (bad
arguments, no such database, a refused sign-in) as for every command.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from bms_desktop.config import RunConfig
from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.domain.model import MAX_SEATS_PER_BOOKING

log = logging.getLogger(__name__)

RESOLVE_WAITS_S = (0.5, 1.0, 2.0, 4.0)  # after a commit broke off: when to look again


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from exc
    if number < 1:
        raise argparse.ArgumentTypeError("give a positive number")
    return number


def _people(value: str) -> int:
    number = _positive(value)
    if number > MAX_SEATS_PER_BOOKING:
        raise argparse.ArgumentTypeError(f"at most {MAX_SEATS_PER_BOOKING} people on one scan")
    return number


def add_checkin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "code", metavar="CODE",
        help="the ticket code as scanned (BMS-XXXX-XXXX); - reads one code a line from stdin",
    )  # fmt: skip
    parser.add_argument("--door", required=True, metavar="NAME", help="this door, e.g. 'Door 2'")
    parser.add_argument(
        "--user", metavar="NAME", default=argparse.SUPPRESS,
        help="the usher (or any staff) admitting; also BMS_USER. The password comes from "
        "BMS_PASSWORD, else a prompt",
    )  # fmt: skip
    parser.add_argument(
        "--people", type=_people, metavar="N",
        help="admit N people of a group ticket now (default: everyone not yet admitted)",
    )  # fmt: skip
    parser.add_argument("--show", type=_positive, metavar="ID", help="this door admits one show")
    parser.add_argument(
        "--screen", type=_positive, metavar="ID", help="this door admits one screen's shows"
    )
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def add_door_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--door", default="Door 1", metavar="NAME", help="this door's name (default 'Door 1')"
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="staff name to pre-fill at sign-in",
    )


# --------------------------------------------------------------------------- checkin


def _password(username: str) -> str:
    password = os.environ.get("BMS_PASSWORD")
    if password is not None:
        return password
    if not _has_terminal():
        raise ValidationError(
            f"no password for {username}: set BMS_PASSWORD, or run checkin in a terminal"
        )
    return getpass.getpass(f"Password for {username}: ")


def _has_terminal() -> bool:
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    try:
        with open("/dev/tty"):  # getpass reads the terminal, not stdin
            return True
    except OSError:
        return False


def _codes(code: str) -> Iterator[str]:
    if code != "-":
        yield code
        return
    for line in sys.stdin:
        text = line.strip("\r\n")
        if text.strip():
            yield text


def run_checkin(cfg: RunConfig, args: argparse.Namespace) -> int:
    from bms_desktop.app import StartupError, connect
    from bms_desktop.services import auth, door
    from bms_desktop.services.context import CounterContext

    try:
        door_name = door.check_door(args.door)
        username = (cfg.user or os.environ.get("BMS_USER") or "").strip()
        if not username:
            raise ValidationError(
                "say who admits: --user NAME (or BMS_USER), with the password in BMS_PASSWORD"
            )
        password = _password(username)
    except ValidationError as exc:
        raise StartupError(str(exc)) from exc
    wiring = connect(cfg.db_url, create=False, pool_size=2)
    try:
        from bms_desktop import logsetup

        logsetup.setup_logging(cfg.data_dir)
        try:
            staff = auth.login(wiring.box, username=username, password=password, counter=door_name)
        except DomainError as exc:
            raise StartupError(f"sign-in refused: {exc}") from exc
        ctx = CounterContext(door_name, staff.staff_id, staff.username, staff.role)
        all_admitted = True
        scanned = 0
        for code in _codes(args.code):
            scanned += 1
            outcome = _scan(wiring.box, ctx, code, door_name, args)
            all_admitted = all_admitted and bool(outcome["admitted"])
            print(json.dumps(outcome, ensure_ascii=False) if args.json else _text(outcome))
            sys.stdout.flush()
        return 0 if all_admitted and scanned else 1
    finally:
        wiring.close()


def _scan(
    box: Any, ctx: Any, code: str, door_name: str, args: argparse.Namespace
) -> dict[str, Any]:
    from bms_desktop.services import door
    from bms_desktop.services.ports import StorageBusy, StorageUnavailable

    def refusal(outcome: str, message: str) -> dict[str, Any]:
        return {
            "outcome": outcome,
            "admitted": False,
            "title": "NOT ADMITTED",
            "message": message,
            "scanned": door.sanitise_scanned(code),
            "door": door_name,
            "usher": ctx.username,
        }

    try:
        result = door.admit(
            box, ctx, code=code, door=door_name, people=args.people,
            show_id=args.show, screen_id=args.screen,
        )  # fmt: skip
    except door.AdmissionUncertain as exc:
        for wait in RESOLVE_WAITS_S:
            time.sleep(wait)
            try:
                return door.resolve_scan(box, ctx, exc.pending).to_json()
            except (StorageUnavailable, StorageBusy):
                continue
        return refusal(
            "UNCERTAIN",
            f"{exc.message} The database still does not answer: check this ticket at another "
            "door or at the counter before letting the guest in.",
        )
    except StorageUnavailable as exc:
        return refusal("CONNECTION_LOST", f"{exc.message} The guest was not admitted.")
    except StorageBusy as exc:
        return refusal("BUSY", f"{exc.message} The guest was not admitted.")
    except DomainError as exc:
        return refusal("REFUSED", exc.message)
    except Exception:
        log.exception("checkin of %r at %s failed", door.sanitise_scanned(code), door_name)
        return refusal(
            "ERROR",
            "An unexpected error stopped this scan; the guest was not admitted. The details "
            "are in the log.",
        )
    return result.to_json()


def _text(outcome: dict[str, Any]) -> str:
    head = f"{outcome['title']}: {outcome['message']}"
    show = outcome.get("show")
    ticket = outcome.get("ticket")
    if not show or not ticket:
        return head
    starts = str(show["starts_at"])[11:16]
    details = [f"{show['movie']}, {show['screen']} at {starts} ({show['cinema']})"]
    if ticket["seats"]:
        details.append("seats " + ", ".join(ticket["seats"]))
    types = ", ".join(f"{t['count']} × {t['type']}" for t in ticket["ticket_types"])
    if types:
        details.append(types)
    details.append(f"{ticket['admitted_total']} of {ticket['seat_count']} admitted")
    return f"{head}\n  {ticket['code']} · " + " · ".join(details)


# --------------------------------------------------------------------------- the Door window


def run_door(cfg: RunConfig, args: argparse.Namespace) -> int:
    """The Door window: sign in (an usher or above) at this door, then scan until closed."""
    from bms_desktop import logsetup
    from bms_desktop.app import StartupError, connect
    from bms_desktop.persistence.changefeed import open_change_feed
    from bms_desktop.services import demo, door

    try:
        door_name = door.check_door(args.door)
    except ValidationError as exc:
        raise StartupError(str(exc)) from exc
    logsetup.ensure_std_streams()
    wiring = connect(cfg.db_url)
    try:
        if demo.is_empty(wiring.box):
            raise StartupError(
                "this box office has no staff yet: open bms-desktop first to set it up (or "
                "build the demo with bms-desktop seed)"
            )
        logsetup.setup_logging(cfg.data_dir)
        from bms_desktop.gui.crash_dialog import show_crash

        logsetup.install_excepthook(show_crash)
        from bms_desktop.gui.door import launch_door

        status: int = launch_door(
            wiring.box,
            door=door_name,
            user=cfg.user,
            feed_factory=lambda: open_change_feed(cfg.db_url),
        )
        return status
    finally:
        wiring.close()


__all__ = ["add_checkin_arguments", "add_door_arguments", "run_checkin", "run_door"]
