"""operations schema: admin console, shifts and cash drawer, door admission, ticket types

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05

What a cinema needs to run a day beyond selling:

* staff: the USHER role (admits at the door only); ``must_change_password`` after a reset.
* cities: ``active``; theaters: ``gstin`` and ``phone`` printed on receipts.
* screens and seats: ``layout_version``. A changed layout adds new seat rows under the next
  version; shows that keep the old layout keep their seats (uniques include the version).
* movies: ``poster`` (image bytes). shows: ``cancelled_at``, ``cancel_reason``.
* show_seats: ``block_reason`` (house seats, a broken seat). ticket_seats: ``ticket_type``.
* tickets: ``admitted_count`` (people let in so far, at most ``seat_count``) and ``admissions``.
* counter_sessions: cinema, business date, counted detail, who closed and who signed off; at most
  one open shift per counter and per clerk (partial unique indexes). ``cash_movements`` (drops and
  top-ups). payments: ``session_id``, the shift whose drawer took the cash.
* ticket_types, with the five every cinema starts with.

SQLite rebuilds a table to change its constraints (batch mode); ``migrate.upgrade`` switches
foreign keys off for the migration and checks them before it commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('CLERK', 'SUPERVISOR', 'ADMIN')"
NEW_ROLES = "role IN ('USHER', 'CLERK', 'SUPERVISOR', 'ADMIN')"

# code, name, kind, multiplier (thousandths) or amount (paise), needs approval, rank
DEFAULT_TICKET_TYPES = (
    ("ADULT", "Adult", "MULTIPLIER", 1000, None, False, 0),
    ("CHILD", "Child", "MULTIPLIER", 750, None, False, 1),
    ("SENIOR", "Senior", "MULTIPLIER", 800, None, False, 2),
    ("STUDENT", "Student", "MULTIPLIER", 900, None, False, 3),
    ("COMPLIMENTARY", "Complimentary", "FIXED", None, 0, True, 4),
)


def _false() -> sa.TextClause:
    return sa.text("false")


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=_false())
        )
        batch_op.drop_constraint(op.f("ck_staff_role_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_staff_role_valid"), NEW_ROLES)

    with op.batch_alter_table("cities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true"))
        )

    with op.batch_alter_table("theaters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("gstin", sa.String(length=15), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("phone", sa.String(length=20), nullable=False, server_default="")
        )

    with op.batch_alter_table("screens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("layout_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_check_constraint(
            op.f("ck_screens_layout_version_positive"), "layout_version >= 1"
        )

    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("layout_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.drop_constraint(op.f("uq_seats_screen_id"), type_="unique")
        batch_op.drop_constraint(op.f("uq_seats_screen_position"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_seats_screen_label"), ["screen_id", "layout_version", "label"]
        )
        batch_op.create_unique_constraint(
            op.f("uq_seats_screen_position"), ["screen_id", "layout_version", "row_idx", "col_idx"]
        )

    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("poster", sa.LargeBinary(), nullable=True))

    with op.batch_alter_table("shows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_reason", sa.String(length=200), nullable=False, server_default="")
        )

    with op.batch_alter_table("show_seats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("block_reason", sa.String(length=120), nullable=True))

    with op.batch_alter_table("ticket_seats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ticket_type", sa.String(length=20), nullable=False, server_default="ADULT")
        )

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("admitted_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_check_constraint(
            op.f("ck_tickets_admitted_within_seats"),
            "admitted_count >= 0 AND admitted_count <= seat_count",
        )

    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theater_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("business_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("counted_detail", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_counter_sessions_theater_id_theaters"), "theaters", ["theater_id"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_counter_sessions_closed_by_id_staff"), "staff", ["closed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_counter_sessions_approved_by_id_staff"), "staff", ["approved_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            op.f("ck_counter_sessions_counted_nonneg"), "counted_cash IS NULL OR counted_cash >= 0"
        )
    # Shifts left open twice by the old (unenforced) schema would block the unique indexes: none
    # were ever written (no code wrote counter sessions before this revision).
    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "uq_counter_sessions_open_counter",
            ["counter"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.create_index(
            "uq_counter_sessions_open_staff",
            ["staff_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_payments_session_id_counter_sessions"),
            "counter_sessions",
            ["session_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_payments_session_id"), ["session_id"], unique=False)

    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_cash_movements_amount_positive")),
        sa.CheckConstraint("kind IN ('DROP', 'TOPUP')", name=op.f("ck_cash_movements_kind_valid")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["staff.id"], name=op.f("fk_cash_movements_approved_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["counter_sessions.id"],
            name=op.f("fk_cash_movements_session_id_counter_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_cash_movements_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movements")),
    )
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cash_movements_session_id"), ["session_id"], unique=False
        )

    ticket_types = op.create_table(
        "ticket_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("multiplier", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("theater_id", sa.Integer(), nullable=True),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'FIXED') = (amount IS NOT NULL)", name=op.f("ck_ticket_types_amount_iff")
        ),
        sa.CheckConstraint(
            "(kind = 'MULTIPLIER') = (multiplier IS NOT NULL)",
            name=op.f("ck_ticket_types_multiplier_iff"),
        ),
        sa.CheckConstraint(
            "amount IS NULL OR amount >= 0", name=op.f("ck_ticket_types_amount_nonneg")
        ),
        sa.CheckConstraint(
            "kind IN ('MULTIPLIER', 'FIXED')", name=op.f("ck_ticket_types_kind_valid")
        ),
        sa.CheckConstraint(
            "multiplier IS NULL OR multiplier >= 0",
            name=op.f("ck_ticket_types_multiplier_nonneg"),
        ),
        sa.ForeignKeyConstraint(
            ["theater_id"], ["theaters.id"], name=op.f("fk_ticket_types_theater_id_theaters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_types")),
        sa.UniqueConstraint("code", "theater_id", name="uq_ticket_types_code_theater"),
    )
    with op.batch_alter_table("ticket_types", schema=None) as batch_op:
        batch_op.create_index(
            "uq_ticket_types_global_code",
            ["code"],
            unique=True,
            sqlite_where=sa.text("theater_id IS NULL"),
            postgresql_where=sa.text("theater_id IS NULL"),
        )
    op.bulk_insert(
        ticket_types,
        [
            {
                "code": code,
                "name": name,
                "kind": kind,
                "multiplier": multiplier,
                "amount": amount,
                "theater_id": None,
                "needs_approval": approval,
                "active": True,
                "rank": rank,
            }
            for code, name, kind, multiplier, amount, approval, rank in DEFAULT_TICKET_TYPES
        ],
    )

    op.create_table(
        "admissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("door", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("undo_reason", sa.String(length=200), nullable=False, server_default=""),
        sa.CheckConstraint("people >= 1 AND people <= 10", name=op.f("ck_admissions_people_range")),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_admissions_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_admissions_ticket_id_tickets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"], ["staff.id"], name=op.f("fk_admissions_undone_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admissions")),
    )
    with op.batch_alter_table("admissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admissions_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    # --- issue 12 (door check-in): the role USHER does not exist before 0002. An usher is kept
    # as a DISABLED clerk (no sign-in, so no sale rights gained; the rows that name them stay).
    op.execute("UPDATE staff SET role = 'CLERK', active = false WHERE role = 'USHER'")
    # --- end of issue 12

    with op.batch_alter_table("admissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admissions_ticket_id"))
    op.drop_table("admissions")
    with op.batch_alter_table("ticket_types", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ticket_types_global_code",
            sqlite_where=sa.text("theater_id IS NULL"),
            postgresql_where=sa.text("theater_id IS NULL"),
        )
    op.drop_table("ticket_types")
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cash_movements_session_id"))
    op.drop_table("cash_movements")

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_session_id"))
        batch_op.drop_constraint(
            op.f("fk_payments_session_id_counter_sessions"), type_="foreignkey"
        )
        batch_op.drop_column("session_id")

    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_counter_sessions_open_staff",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_counter_sessions_open_counter",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_counter_sessions_counted_nonneg"), type_="check")
        batch_op.drop_constraint(
            op.f("fk_counter_sessions_approved_by_id_staff"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("fk_counter_sessions_closed_by_id_staff"), type_="foreignkey")
        batch_op.drop_constraint(
            op.f("fk_counter_sessions_theater_id_theaters"), type_="foreignkey"
        )
        for column in ("approved_by_id", "closed_by_id", "counted_detail", "business_date"):
            batch_op.drop_column(column)
        batch_op.drop_column("theater_id")

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_tickets_admitted_within_seats"), type_="check")
        batch_op.drop_column("admitted_count")
    with op.batch_alter_table("ticket_seats", schema=None) as batch_op:
        batch_op.drop_column("ticket_type")
    with op.batch_alter_table("show_seats", schema=None) as batch_op:
        batch_op.drop_column("block_reason")
    with op.batch_alter_table("shows", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.drop_column("poster")
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_seats_screen_position"), type_="unique")
        batch_op.drop_constraint(op.f("uq_seats_screen_label"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_seats_screen_id"), ["screen_id", "label"])
        batch_op.create_unique_constraint(
            op.f("uq_seats_screen_position"), ["screen_id", "row_idx", "col_idx"]
        )
        batch_op.drop_column("layout_version")
    with op.batch_alter_table("screens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_screens_layout_version_positive"), type_="check")
        batch_op.drop_column("layout_version")
    with op.batch_alter_table("theaters", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("gstin")
    with op.batch_alter_table("cities", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_staff_role_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_staff_role_valid"), OLD_ROLES)
        batch_op.drop_column("must_change_password")
