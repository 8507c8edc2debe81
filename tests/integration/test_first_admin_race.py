"""Two terminals set up a new cinema at the same moment: exactly one administrator."""

from __future__ import annotations

import threading

from bms_desktop.domain.errors import InvalidState
from bms_desktop.services import auth


def test_concurrent_first_run_creates_exactly_one_admin(box):
    n = 4
    barrier = threading.Barrier(n)
    outcomes: list[object] = [None] * n

    def setup(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = auth.create_first_admin(
                box, username=f"boss{i}", full_name=f"Boss {i}", password="long-enough-1"
            )
        except InvalidState as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=setup, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = [o for o in outcomes if not isinstance(o, InvalidState)]
    refused = [o for o in outcomes if isinstance(o, InvalidState)]
    assert len(created) == 1
    assert len(refused) == n - 1
    assert all("already has an administrator" in str(e) for e in refused)
    with box.uows() as uow:
        assert uow.staff.count_admins() == 1
    assert not auth.needs_first_admin(box)
