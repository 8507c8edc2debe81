"""`bms-desktop checkin`: JSON out, exit 0 only for ADMIT, 1 for any refusal, 2 for usage errors;
never a traceback or driver text. Runs the real command in a subprocess, on the real clock (the
show starts in 15 minutes: its doors are open)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.door_support import PASSWORDS, door_world, sell, sql


def build(db_url: str) -> tuple[str, str, str]:
    """A show with its doors open now; two sold tickets. (code of 2 seats, code of 3 seats,
    the show's screen id as text)."""
    from bms_desktop.app import connect

    wiring = connect(db_url)
    wiring.box.fast_hashing = True
    try:
        dw = door_world(wiring.box, starts_in=timedelta(minutes=15))
        pair = sell(wiring.box, dw.world.show_id, list(dw.world.seat_ids[:2]))
        trio = sell(wiring.box, dw.world.show_id, list(dw.world.seat_ids[2:5]))
        return pair, trio, str(dw.world.screen_id)
    finally:
        wiring.close()


def checkin(
    *args: str, data_dir: Path, password: str | None = PASSWORDS["usha"], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BMS_DATA_DIR": str(data_dir)}
    env.pop("BMS_DB_URL", None)
    env.pop("BMS_USER", None)
    env.pop("BMS_PASSWORD", None)
    if password is not None:
        env["BMS_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "bms_desktop", "checkin", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin if stdin is not None else "",
        timeout=180,
        check=False,
        start_new_session=True,  # no controlling terminal: a missing password is never prompted
    )


def outcome(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    assert "Traceback" not in result.stderr
    return json.loads(lines[0])


def test_checkin_admits_once_then_refuses_with_the_winning_door(db_url, tmp_path):
    pair, _trio, _screen = build(db_url)
    common = ("--db", db_url, "--user", "usha", "--json")

    first = checkin(pair, "--door", "Door 1", *common, data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    admitted = outcome(first)
    assert admitted["outcome"] == "ADMIT" and admitted["admitted"] is True
    assert admitted["ticket"]["seats"] == ["A1", "A2"]
    assert admitted["ticket"]["people_now"] == 2
    assert admitted["ticket"]["ticket_types"] == [{"type": "Adult", "count": 2}]
    assert admitted["show"]["screen"] == "Screen 1" and admitted["door"] == "Door 1"
    assert admitted["at"].endswith("+05:30")  # the cinema's time zone

    second = checkin(pair, "--door", "Door 2", *common, data_dir=tmp_path)
    assert second.returncode == 1, second.stderr
    refused = outcome(second)
    assert refused["outcome"] == "ALREADY_ADMITTED" and refused["admitted"] is False
    assert refused["admissions"][0]["door"] == "Door 1"
    assert refused["admissions"][0]["by"] == "usha"
    assert sql(db_url, "SELECT door FROM admissions") == [("Door 1",)]


def test_checkin_partial_admission_and_wrong_screen(sqlite_url, tmp_path):
    _pair, trio, screen = build(sqlite_url)
    common = ("--db", sqlite_url, "--user", "usha", "--door", "Door 1", "--json")

    wrong = checkin(trio, "--screen", str(int(screen) + 7), *common, data_dir=tmp_path)
    assert wrong.returncode == 1 and outcome(wrong)["outcome"] == "WRONG_SHOW"
    two = checkin(trio, "--people", "2", "--screen", screen, *common, data_dir=tmp_path)
    assert two.returncode == 0 and outcome(two)["ticket"]["people_left"] == 1
    rest = checkin(trio, *common[:-1], data_dir=tmp_path)  # as text this time
    assert rest.returncode == 0, rest.stderr
    assert rest.stdout.startswith("ADMIT: Admit the last person on this ticket.")
    assert f"{trio} · Test Movie, Screen 1 at" in rest.stdout and "3 of 3 admitted" in rest.stdout


def test_checkin_of_garbage_is_unknown_code_and_a_refusal(sqlite_url, tmp_path):
    build(sqlite_url)
    junk = "'; DROP TABLE tickets; -- " + "x" * 3000
    result = checkin(
        junk, "--door", "Door 1", "--db", sqlite_url, "--user", "usha", "--json",
        data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    body = outcome(result)
    assert body["outcome"] == "UNKNOWN_CODE" and body["ticket"] is None
    assert len(body["scanned"]) < 60
    assert sql(sqlite_url, "SELECT count(*) FROM admissions") == [(0,)]


def test_checkin_reads_codes_from_stdin_as_json_lines(sqlite_url, tmp_path):
    pair, trio, _screen = build(sqlite_url)
    result = checkin(
        "-", "--door", "Gate A", "--db", sqlite_url, "--user", "usha", "--json",
        data_dir=tmp_path, stdin=f"{pair}\r\n\n{trio}\n{pair}\n",
    )  # fmt: skip
    assert result.returncode == 1  # the last scan was a refusal
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [o["outcome"] for o in lines] == ["ADMIT", "ADMIT", "ALREADY_ADMITTED"]


@pytest.mark.parametrize(
    ("args", "password", "needle"),
    [
        (("--door", "Door 1"), PASSWORDS["usha"], "say who admits"),
        (("--door", "Door 1", "--user", "usha"), "wrong-password", "sign-in refused"),
        (("--door", "Door 1", "--user", "usha"), None, "BMS_PASSWORD"),
        (("--door", "", "--user", "usha"), PASSWORDS["usha"], "give this door a name"),
        (("--door", "D", "--user", "usha", "--people", "11"), PASSWORDS["usha"], "at most 10"),
    ],
)
def test_checkin_usage_errors_exit_2_with_one_line(sqlite_url, tmp_path, args, password, needle):
    pair, _trio, _screen = build(sqlite_url)
    result = checkin(pair, "--db", sqlite_url, *args, data_dir=tmp_path, password=password)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert sql(sqlite_url, "SELECT count(*) FROM admissions") == [(0,)]


def test_checkin_against_an_unreachable_server_says_so_without_driver_text(tmp_path):
    result = checkin(
        "BMS-ABCD-EFGH", "--door", "Door 1", "--db", "postgresql://nobody@127.0.0.1:1/none",
        "--user", "usha", "--json", data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach PostgreSQL" in lines[0]
    assert "psycopg" not in result.stderr and "Traceback" not in result.stderr
