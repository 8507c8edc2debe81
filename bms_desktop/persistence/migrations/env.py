"""Alembic environment: always run programmatically by ``bms_desktop.persistence.migrate``."""

from __future__ import annotations

from alembic import context

from bms_desktop.persistence.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic's CLI against a URL
    raise RuntimeError("run migrations through `bms-desktop db upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
