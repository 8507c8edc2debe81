"""`bms-desktop race`: robot clerks race for the seats of one show (see ``bms_desktop.race``).

    bms-desktop race --db URL --show ID|auto --strategy pessimistic|optimistic|thread
                     --clerks N --mode threads|processes --seats-per-booking K
                     [--delay-ms D] [--duration S] [--seats N] [--json]

Prints a summary table, or with ``--json`` exactly one JSON object on stdout. Exit code 0 when the
database shows no double sale, passes the integrity check, and no unexpected error (or "database
is locked") happened; 1 otherwise; 2 for a refusal (bad arguments, a real show, no database).
"""

from __future__ import annotations

import argparse
import json
import sys

from bms_desktop.config import RunConfig
from bms_desktop.domain.errors import DomainError
from bms_desktop.domain.model import Strategy


def _show(value: str) -> int | None:
    if value.strip().lower() == "auto":
        return None
    try:
        show_id = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a show id; give a number or auto"
        ) from exc
    if show_id < 1:
        raise argparse.ArgumentTypeError("a show id is a positive number")
    return show_id


def add_race_arguments(parser: argparse.ArgumentParser) -> None:
    from bms_desktop.race import DEFAULT_DURATION_S, DEFAULT_SEATS

    parser.add_argument(
        "--show", type=_show, default=None, metavar="ID|auto",
        help="the show to sell (a scratch show, or any show of a demo database); auto (default) "
        "makes a new scratch show on the race lab's own screen",
    )  # fmt: skip
    parser.add_argument(
        "--strategy", choices=[s.value for s in Strategy], default=Strategy.PESSIMISTIC.value,
        help="seat-locking strategy of every robot clerk (default pessimistic)",
    )  # fmt: skip
    parser.add_argument("--clerks", type=int, default=8, metavar="N", help="robot clerks (8)")
    parser.add_argument(
        "--mode", choices=["threads", "processes"], default="processes",
        help="clerks as threads of one process or as separate processes (default processes)",
    )  # fmt: skip
    parser.add_argument(
        "--seats-per-booking", type=int, default=2, metavar="K",
        help="seats per booking, 1-10 (default 2)",
    )  # fmt: skip
    parser.add_argument(
        "--delay-ms", type=int, default=0, metavar="D",
        help="processing delay inside each selling transaction, in ms (default 0)",
    )  # fmt: skip
    parser.add_argument(
        "--duration", type=float, default=DEFAULT_DURATION_S, metavar="S",
        help=f"time limit in seconds (default {DEFAULT_DURATION_S:.0f})",
    )  # fmt: skip
    parser.add_argument(
        "--seats", type=int, default=DEFAULT_SEATS, metavar="N",
        help=f"seats of the scratch show's screen with --show auto (default {DEFAULT_SEATS})",
    )  # fmt: skip
    parser.add_argument(
        "--max-retries", type=int, default=3, metavar="N",
        help="optimistic strategy: retries when a seat is still free at a newer version (3)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=None, help="random seed of the clerks' picks")
    parser.add_argument(
        "--json", action="store_true", help="print exactly one JSON object instead of a table"
    )


def run_race(cfg: RunConfig, args: argparse.Namespace) -> int:
    from bms_desktop.app import StartupError
    from bms_desktop.race import RaceConfig, RaceMode, format_summary
    from bms_desktop.race import run_race as race

    config = RaceConfig(
        db_url=cfg.db_url,
        strategy=Strategy(args.strategy),
        clerks=args.clerks,
        mode=RaceMode(args.mode),
        seats_per_booking=args.seats_per_booking,
        delay_ms=args.delay_ms,
        duration_s=args.duration,
        show_id=args.show,
        seats=args.seats,
        max_retries=args.max_retries,
        seed=args.seed,
    )
    try:
        result = race(config)
    except DomainError as exc:
        raise StartupError(str(exc)) from exc
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(format_summary(result))
    sys.stdout.flush()
    return 0 if result.clean else 1
