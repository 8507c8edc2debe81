"""The visual seat-layout editor of the admin console.

- ``model``: ``LayoutModel``, the grid being edited (cells, row names and numbering), with
  ``to_seats()`` / ``from_seats()`` to and from the services' ``LayoutSeat``s;
- ``commands``: the undoable edits (``QUndoStack``);
- ``canvas``: ``LayoutCanvas``, the painted grid you draw on (drag a rectangle to paint a range);
- ``preview``: the layout at real scale in the clerks' own ``SeatMapWidget``;
- ``editor_dialog``: ``LayoutEditorDialog``, all of it together.
"""
