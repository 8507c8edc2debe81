"""A counter in a process of its own that sells until told to stop (fault tests, issue 13).

    python -m tests.support.seller DB_URL SHOW_ID STOP_FILE [PAUSE_S]

Connects like the app (``app.connect``: it holds the database's instance lock), then sells one
seat at a time (hold + confirm, ``PAUSE_S`` apart: the pace of a person) until ``STOP_FILE``
exists or the show is sold out, printing ``sold N`` after every sale (flushed: the parent reads it
to know that selling has begun) and ``done N`` at the end. Sold out, it keeps the database open
until ``STOP_FILE`` exists.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bms_desktop.app import connect
from bms_desktop.domain.model import PaymentMode, Role, Strategy
from bms_desktop.services import booking, checkout, queries
from bms_desktop.services.context import CounterContext

CTX = CounterContext("Seller", None, "seller", Role.CLERK, Strategy.PESSIMISTIC)


def main(db_url: str, show_id: int, stop_file: Path, pause_s: float = 0.0) -> int:
    wiring = connect(db_url)
    box = wiring.box
    sold = 0
    try:
        free = [
            s.show_seat_id
            for s in queries.get_seat_map(box, show_id).seats
            if s.status == "AVAILABLE"
        ]
        for seat in free:
            if stop_file.exists():
                break
            held = booking.hold_seats(box, CTX, show_id=show_id, show_seat_ids=[seat])
            checkout.confirm_booking(box, CTX, ticket_id=held.ticket_id, mode=PaymentMode.UPI)
            sold += 1
            print(f"sold {sold}", flush=True)
            time.sleep(pause_s)
        while not stop_file.exists():  # sold out: still a counter with the database open
            time.sleep(0.02)
    finally:
        wiring.close()
    print(f"done {sold}", flush=True)
    return 0


if __name__ == "__main__":
    pause = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    raise SystemExit(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), pause))
