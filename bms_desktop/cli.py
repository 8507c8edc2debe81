"""The `bms-desktop` command: the app, and its sub-commands on the same entry point.

    bms-desktop [--db URL] [--data-dir DIR] [--counter NAME] [--strategy S] [--demo] [--smoke]
    bms-desktop seed [--force]            build the demo box office
    bms-desktop db upgrade | status       migrate the schema / show its revision
    bms-desktop db backup [--to FILE]     online backup of an SQLite database (checked, rotated)
    bms-desktop db restore FILE           put a backup in place (refused while counters use it)
    bms-desktop race ...                  robot clerks race for one show (see `race --help`)
    bms-desktop report NAME ...           a report as CSV or JSON (see `report --help`)
    bms-desktop reports                   the Reports window (a supervisor signs in)
    bms-desktop checkin CODE --door NAME  admit a ticket at a door (see `checkin --help`)
    bms-desktop door --door NAME          the Door window (scan tickets)
    bms-desktop admin [--user NAME]       the admin console (sign in as an administrator)
    bms-desktop race-lab                  the race lab window (robot clerks, live charts, verdict)

Every refusal is one line on stderr that says what to do, and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bms_desktop import APP_NAME, __version__
from bms_desktop.config import RunConfig, resolve

EXIT_USAGE = 2


class CliError(Exception):
    """A refusal for the command line: one line, exit code 2."""


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database URL: sqlite:///file.db (default: in the data folder) or "
        "postgresql://user@host/dbname; also BMS_DB_URL",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="folder for the database, logs and settings (default: the user's app-data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_NAME,
        description="Cinema box-office terminal. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, top=True)
    parser.add_argument("--counter", metavar="NAME", help="this counter's name (e.g. 'Counter 2')")
    parser.add_argument(
        "--strategy",
        choices=["pessimistic", "optimistic", "thread"],
        help="seat-locking strategy of the first counter window",
    )
    parser.add_argument(
        "--delay-ms",
        type=int,
        default=0,
        metavar="MS",
        help="teaching aid: processing delay inside each selling transaction",
    )
    parser.add_argument("--user", metavar="NAME", help="staff name to pre-fill at sign-in")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo box office (built if missing) with two counter windows side by side",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="self-test: open the database, write once, build the main window offscreen, quit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    seed = sub.add_parser("seed", help="build the demo box office in an empty database")
    _common(seed, top=False)
    seed.add_argument(
        "--force", action="store_true", help="wipe a database that already holds data first"
    )
    seed.add_argument("--days", type=int, default=14, help="days of shows (default 14)")

    db = sub.add_parser("db", help="database schema, backups")
    _common(db, top=False)
    actions = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    _common(actions.add_parser("upgrade", help="migrate the schema to this version's"), top=False)
    _common(actions.add_parser("status", help="show the schema's revision"), top=False)
    backup = actions.add_parser("backup", help="online backup of an SQLite database (checked)")
    _common(backup, top=False)
    backup.add_argument(
        "--to", metavar="FILE", help="write it here (default: backups/ beside the database)"
    )
    restore = actions.add_parser(
        "restore", help="put a backup in the database's place (refused while counters use it)"
    )
    _common(restore, top=False)
    restore.add_argument("file", metavar="FILE", help="the backup file")

    admin = sub.add_parser("admin", help="the admin console: sign in as an administrator")
    _common(admin, top=False)
    admin.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help="staff name")

    race = sub.add_parser("race", help="robot clerks race for the seats of one show")
    _common(race, top=False)
    from bms_desktop.race_cli import add_race_arguments

    add_race_arguments(race)

    # issue 11: reports without the window (a scheduled job at head office)
    report = sub.add_parser("report", help="a report as CSV or JSON, e.g. sales-by-day")
    _common(report, top=False)
    from bms_desktop.report_cli import add_report_arguments

    add_report_arguments(report)
    reports = sub.add_parser("reports", help="the Reports window (a supervisor signs in)")
    _common(reports, top=False)
    from bms_desktop.door_cli import add_checkin_arguments, add_door_arguments

    checkin = sub.add_parser("checkin", help="admit a ticket at a door (exit 0 only if admitted)")
    _common(checkin, top=False)
    add_checkin_arguments(checkin)
    door = sub.add_parser("door", help="the Door window: scan tickets at a door")
    _common(door, top=False)
    add_door_arguments(door)
    race_lab = sub.add_parser("race-lab", help="the race lab window: watch robot clerks race")
    _common(race_lab, top=False)
    return parser


def _config(args: argparse.Namespace) -> RunConfig:
    try:
        return resolve(
            db=getattr(args, "db", None),
            data_dir=getattr(args, "data_dir", None),
            counter=getattr(args, "counter", None),
            # race --strategy is the robots' (it may be "naive"), not a counter window's
            strategy=None if args.command == "race" else getattr(args, "strategy", None),
            delay_ms=max(0, getattr(args, "delay_ms", 0) or 0),
            user=getattr(args, "user", None),
            demo=getattr(args, "demo", False),
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def main(argv: Sequence[str] | None = None) -> int:
    from bms_desktop import app

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        cfg = _config(args)
        match args.command:
            case "seed":
                return app.run_seed(cfg, force=args.force, days=args.days)
            case "db":
                return app.run_db(
                    cfg, args.action, file=getattr(args, "file", None), to=getattr(args, "to", None)
                )
            case "admin":
                return app.run_admin(cfg)
            case "race":
                from bms_desktop.race_cli import run_race

                return run_race(cfg, args)
            case "report":  # issue 11
                from bms_desktop.report_cli import run_report_command

                return run_report_command(cfg, args)
            case "reports":  # issue 11
                return app.run_reports(cfg)
            case "checkin":
                from bms_desktop.door_cli import run_checkin

                return run_checkin(cfg, args)
            case "door":
                from bms_desktop.door_cli import run_door

                return run_door(cfg, args)
            case "race-lab":
                from bms_desktop.race_cli import run_race_lab

                return run_race_lab(cfg)
            case _:
                if args.smoke:
                    return app.run_smoke(cfg)
                return app.run_gui(cfg)
    except (CliError, app.StartupError) as exc:
        print(f"{APP_NAME}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
