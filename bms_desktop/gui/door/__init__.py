"""The Door window (issue 12): an usher scans tickets at a door; ``open_door_window`` opens it
from a counter, ``launch_door`` is ``bms-desktop door``."""

from bms_desktop.gui.door.launch import launch_door, open_door_window

__all__ = ["launch_door", "open_door_window"]
