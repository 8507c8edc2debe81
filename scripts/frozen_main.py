"""Entry script of the frozen program: PyInstaller runs this file as ``__main__``.

Source runs use ``python -m bms_desktop`` or the ``bms-desktop`` console script instead.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # First thing: a race clerk started with the 'spawn' method is this same executable; here it
    # runs its job and exits instead of opening the app.
    multiprocessing.freeze_support()

    from bms_desktop.logsetup import ensure_std_streams

    ensure_std_streams()  # windowed build: no console, sys.stdout/stderr are None

    from bms_desktop.cli import main

    sys.exit(main())
