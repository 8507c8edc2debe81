"""`bms-desktop race`: robot clerks race for the seats of one show (see ``bms_desktop.race``).

    bms-desktop race --db URL --show ID|auto --strategy pessimistic|optimistic|thread|naive
                     --clerks N --mode threads|processes --seats-per-booking K
                     [--delay-ms D] [--duration S] [--seats N] [--json] [--stream]
    bms-desktop race --compare [all|S1,S2,...] ...   every strategy on identical scratch shows

Prints a summary table (compare: one table), or with ``--json`` exactly one JSON object on stdout
(compare: ``{"compare": true, "strategies": {name: <the fields of race --json>}, ...}``). With
``--stream`` it prints one JSON object per line as the race goes (``{"event": "attempt", ...}``,
the last one ``{"event": "final", ...}`` with the same object as ``--json``) and stops early when
a line ``stop`` arrives on standard input: the race lab runs it so.

Exit code 0 when the database shows no double sale, passes the integrity check, the race's counts
agree with it, and no unexpected error (nor, except for the naive strategy whose lesson it is,
"database is locked") happened; 1 otherwise; 2 for a refusal (bad arguments, a real show, no
database). The naive strategy (read, then write, in a deferred transaction) exists only here and
in the race lab, never at a counter.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from dataclasses import replace
from typing import Any

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
        "--strategy", choices=[*(s.value for s in Strategy), "naive"],
        default=Strategy.PESSIMISTIC.value,
        help="seat-locking strategy of every robot clerk (default pessimistic); naive: read, then "
        "write, in a deferred transaction, as the reference project does (race and lab only)",
    )  # fmt: skip
    parser.add_argument(
        "--compare", nargs="?", const="all", default=None, metavar="all|S1,S2",
        help="run these strategies (default all four) one after another on identical scratch "
        "shows and print one table (--json: one object with an entry per strategy)",
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
    parser.add_argument(
        "--throwaway-copy", action="store_true",
        help="race on a throwaway copy of --db (SQLite: an online backup; PostgreSQL: a new "
        "database on the same server), deleted afterwards",
    )  # fmt: skip
    parser.add_argument(
        "--stream", action="store_true",
        help="print one JSON object per line as the race goes; a line 'stop' on standard input "
        "stops it (the race lab uses this)",
    )  # fmt: skip


def _strategies(text: str) -> list[Any]:
    from bms_desktop.race import ALL_STRATEGIES, RaceStrategy

    if text.strip().lower() == "all":
        return list(ALL_STRATEGIES)
    out = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        try:
            out.append(RaceStrategy(name))
        except ValueError as exc:
            choices = ", ".join(s.value for s in RaceStrategy)
            raise DomainError(
                f"--compare: unknown strategy '{name}'; use all or {choices}"
            ) from exc
    if not out:
        raise DomainError("--compare: name at least one strategy, or all")
    return out


class _Stream:
    """--stream: one JSON line per event, flushed; a 'stop' line on stdin sets the cancel flag."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._read_stdin, name="race-stdin", daemon=True).start()

    def _read_stdin(self) -> None:
        try:
            for line in sys.stdin:
                if line.strip().lower() == "stop":
                    self.cancel.set()
        except (OSError, ValueError):  # no stdin (a windowed program): nothing to listen to
            return

    def __call__(self, kind: str, payload: dict[str, Any]) -> None:
        line = json.dumps({"event": kind, **payload})
        with self._lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


def _run(config: Any, args: argparse.Namespace, stream: _Stream | None) -> tuple[Any, bool, str]:
    from bms_desktop.race import (
        compare_json,
        explain,
        format_compare,
        format_summary,
        run_compare,
    )
    from bms_desktop.race import run_race as race

    cancel = stream.cancel if stream else None
    if args.compare is not None:
        strategies = _strategies(args.compare)
        config.validate()
        results = run_compare(config, strategies, cancel=cancel, events=stream)
        payload: dict[str, Any] = compare_json(results)
        ok = bool(results) and all(r.clean for r in results)
        return payload, ok, format_compare(results)
    result = race(config, cancel=cancel, events=stream)
    payload = {**result.to_json(), "explanation": explain(result)}
    return payload, result.clean, format_summary(result)


def run_race(cfg: RunConfig, args: argparse.Namespace) -> int:
    from bms_desktop.app import StartupError
    from bms_desktop.race import RaceConfig, RaceMode

    config = RaceConfig(
        db_url=cfg.db_url,
        strategy=args.strategy,
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
    stream = _Stream() if args.stream else None
    try:
        with contextlib.ExitStack() as stack:
            if args.throwaway_copy:
                from bms_desktop.race.throwaway import throwaway_copy

                config = replace(config, db_url=stack.enter_context(throwaway_copy(cfg.db_url)))
            payload, ok, text = _run(config, args, stream)
    except DomainError as exc:
        if stream is not None:
            stream("refused", {"message": str(exc)})
        raise StartupError(str(exc)) from exc
    if stream is not None:
        stream("final", {"result": payload})
    elif args.json:
        print(json.dumps(payload))
    else:
        print(text)
    sys.stdout.flush()
    return 0 if ok else 1


def run_race_lab(cfg: RunConfig) -> int:
    """`bms-desktop race-lab`: the race lab window alone, on the configured database."""
    from bms_desktop import logsetup
    from bms_desktop.gui.race_lab import open_race_lab
    from bms_desktop.gui.theme import apply_theme, ensure_application

    logsetup.ensure_std_streams()
    app, _created = ensure_application([sys.argv[0]])
    apply_theme(app)
    window = open_race_lab(None, db_url=cfg.db_url)
    window.resize(1360, 760)
    return int(app.exec())
