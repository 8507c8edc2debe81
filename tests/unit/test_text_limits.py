"""Every text has its limit from the schema's column, checked by the services with a plain
message; no SQL text ever reaches a clerk."""

from __future__ import annotations

from sqlalchemy import String

from bms_desktop.domain.limits import TEXT_LIMITS
from bms_desktop.gui.conflict_text import describe_error
from bms_desktop.persistence import tables


def test_the_services_know_every_text_columns_length_from_the_schema() -> None:
    columns = {
        f"{table.name}.{column.name}": column.type.length
        for table in tables.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String) and column.type.length
    }
    assert columns == TEXT_LIMITS  # a new text column needs its limit in domain/limits.py


def test_a_fault_with_sql_in_its_text_never_shows_the_sql() -> None:
    class DataError(Exception):
        pass

    fault = DataError(
        "(psycopg.errors.StringDataRightTruncation) value too long for type character "
        "varying(120) [SQL: INSERT INTO tickets (code, customer_name) VALUES (%(code)s)]"
    )
    message = describe_error(fault, action="Holding the seats")
    assert message.headline == "Holding the seats: something went wrong"
    for word in ("SQL", "INSERT", "psycopg", "DataError", "varying"):
        assert word not in message.text
