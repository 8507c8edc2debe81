"""The admin console (issue 8): ``AdminWindow`` with one page per area (``areas.AREA_CLASSES``),
the generic record table and record dialog, the first-run checklist, the seat-layout editor.

Entry points: ``open_admin_window(box, ctx, runner, parent)`` (the counter window's Admin menu)
and ``launch_admin`` (``bms-desktop admin``)."""
