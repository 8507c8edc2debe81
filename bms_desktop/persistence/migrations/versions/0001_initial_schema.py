"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_meta")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("counter", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_events_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index("ix_audit_events_show", ["show_id"], unique=False)

    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
        sa.UniqueConstraint("name", name=op.f("uq_cities_name")),
    )
    op.create_table(
        "coupons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("max_discount", sa.BigInteger(), nullable=True),
        sa.Column("min_amount", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=True),
        sa.Column("valid_to", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('PERCENT', 'FIXED')", name=op.f("ck_coupons_kind_valid")),
        sa.CheckConstraint("min_amount >= 0", name=op.f("ck_coupons_min_amount_nonneg")),
        sa.CheckConstraint(
            "usage_limit IS NULL OR used_count <= usage_limit",
            name=op.f("ck_coupons_used_within_limit"),
        ),
        sa.CheckConstraint("used_count >= 0", name=op.f("ck_coupons_used_nonneg")),
        sa.CheckConstraint("value > 0", name=op.f("ck_coupons_value_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint("code", name=op.f("uq_coupons_code")),
    )
    op.create_table(
        "movies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("genre", sa.String(length=80), nullable=False),
        sa.Column("rating", sa.BigInteger(), nullable=False),
        sa.Column("certificate", sa.String(length=8), nullable=False),
        sa.Column("runtime_min", sa.Integer(), nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("synopsis", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("rating >= 0 AND rating <= 100", name=op.f("ck_movies_rating_range")),
        sa.CheckConstraint(
            "runtime_min > 0 AND runtime_min <= 600", name=op.f("ck_movies_runtime_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movies")),
    )
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_movies_title"), ["title"], unique=False)

    op.create_table(
        "seat_types",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("base_price", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("base_price >= 0", name=op.f("ck_seat_types_base_price_nonneg")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_seat_types")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('CLERK', 'SUPERVISOR', 'ADMIN')", name=op.f("ck_staff_role_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_username")),
    )
    op.create_table(
        "counter_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("opening_float", sa.BigInteger(), nullable=False),
        sa.Column("counted_cash", sa.BigInteger(), nullable=True),
        sa.Column("expected_cash", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("opening_float >= 0", name=op.f("ck_counter_sessions_float_nonneg")),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_counter_sessions_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_sessions")),
    )
    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_counter_sessions_open", ["counter", "closed_at"], unique=False)

    op.create_table(
        "theaters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=240), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_theaters_city_id_cities"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theaters")),
        sa.UniqueConstraint("city_id", "name", name=op.f("uq_theaters_city_id")),
    )
    with op.batch_alter_table("theaters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theaters_city_id"), ["city_id"], unique=False)

    op.create_table(
        "pricing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("multiplier", sa.BigInteger(), nullable=True),
        sa.Column("base_price", sa.BigInteger(), nullable=True),
        sa.Column("seat_type", sa.String(length=20), nullable=True),
        sa.Column("days_mask", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("theater_id", sa.Integer(), nullable=True),
        sa.Column("movie_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('SEAT_TYPE', 'DAY_OF_WEEK', 'TIME_WINDOW', 'THEATER_MOVIE')",
            name=op.f("ck_pricing_rules_kind_valid"),
        ),
        sa.CheckConstraint(
            "base_price IS NULL OR base_price >= 0", name=op.f("ck_pricing_rules_base_price_nonneg")
        ),
        sa.CheckConstraint(
            "days_mask >= 0 AND days_mask < 128", name=op.f("ck_pricing_rules_days_mask_range")
        ),
        sa.CheckConstraint(
            "multiplier IS NULL OR multiplier > 0",
            name=op.f("ck_pricing_rules_multiplier_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["movie_id"], ["movies.id"], name=op.f("fk_pricing_rules_movie_id_movies")
        ),
        sa.ForeignKeyConstraint(
            ["seat_type"],
            ["seat_types.code"],
            name=op.f("fk_pricing_rules_seat_type_seat_types"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["theater_id"], ["theaters.id"], name=op.f("fk_pricing_rules_theater_id_theaters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_rules")),
    )
    op.create_table(
        "screens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theater_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("layout_text", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theater_id"],
            ["theaters.id"],
            name=op.f("fk_screens_theater_id_theaters"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screens")),
        sa.UniqueConstraint("theater_id", "name", name=op.f("uq_screens_theater_id")),
    )
    op.create_table(
        "seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("row_label", sa.String(length=4), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.Column("row_idx", sa.Integer(), nullable=False),
        sa.Column("col_idx", sa.Integer(), nullable=False),
        sa.Column("seat_type", sa.String(length=20), nullable=False),
        sa.Column("accessible", sa.Boolean(), nullable=False),
        sa.Column("companion", sa.Boolean(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_seats_number_positive")),
        sa.CheckConstraint("row_idx >= 0 AND col_idx >= 0", name=op.f("ck_seats_position_nonneg")),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_seats_screen_id_screens"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seat_type"],
            ["seat_types.code"],
            name=op.f("fk_seats_seat_type_seat_types"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seats")),
        sa.UniqueConstraint("screen_id", "label", name=op.f("uq_seats_screen_id")),
        sa.UniqueConstraint("screen_id", "row_idx", "col_idx", name="uq_seats_screen_position"),
    )
    op.create_table(
        "shows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movie_id", sa.Integer(), nullable=False),
        sa.Column("screen_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("language", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("scratch", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_shows_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["movie_id"], ["movies.id"], name=op.f("fk_shows_movie_id_movies"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["screen_id"],
            ["screens.id"],
            name=op.f("fk_shows_screen_id_screens"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shows")),
    )
    with op.batch_alter_table("shows", schema=None) as batch_op:
        batch_op.create_index("ix_shows_movie", ["movie_id"], unique=False)
        batch_op.create_index("ix_shows_screen_start", ["screen_id", "starts_at"], unique=False)
        batch_op.create_index("ix_shows_start", ["starts_at"], unique=False)

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("counter", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("strategy", sa.String(length=12), nullable=False),
        sa.Column("customer_name", sa.String(length=120), nullable=True),
        sa.Column("customer_phone", sa.String(length=20), nullable=True),
        sa.Column("seat_count", sa.Integer(), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=True),
        sa.Column("hold_expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('PENDING_PAYMENT', 'CONFIRMED', 'CANCELLED', 'EXPIRED')",
            name=op.f("ck_tickets_status_valid"),
        ),
        sa.CheckConstraint(
            "discount <= subtotal", name=op.f("ck_tickets_discount_within_subtotal")
        ),
        sa.CheckConstraint(
            "seat_count >= 1 AND seat_count <= 10", name=op.f("ck_tickets_seat_count_range")
        ),
        sa.CheckConstraint(
            "subtotal >= 0 AND discount >= 0 AND total >= 0", name=op.f("ck_tickets_amounts_nonneg")
        ),
        sa.ForeignKeyConstraint(
            ["coupon_id"], ["coupons.id"], name=op.f("fk_tickets_coupon_id_coupons")
        ),
        sa.ForeignKeyConstraint(
            ["show_id"], ["shows.id"], name=op.f("fk_tickets_show_id_shows"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_tickets_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("code", name=op.f("uq_tickets_code")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tickets_pending_expiry", ["status", "hold_expires_at"], unique=False
        )
        batch_op.create_index("ix_tickets_phone", ["customer_phone"], unique=False)
        batch_op.create_index("ix_tickets_show_status", ["show_id", "status"], unique=False)

    op.create_table(
        "coupon_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("customer_key", sa.String(length=40), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(), nullable=False),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coupon_id"],
            ["coupons.id"],
            name=op.f("fk_coupon_redemptions_coupon_id_coupons"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_coupon_redemptions_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_redemptions")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_coupon_redemptions_ticket_id")),
    )
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coupon_redemptions_customer", ["coupon_id", "customer_key"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("tendered", sa.BigInteger(), nullable=True),
        sa.Column("change_due", sa.BigInteger(), nullable=True),
        sa.Column("refund_of_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("counter", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'REFUND') = (refund_of_id IS NOT NULL)", name=op.f("ck_payments_refund_linked")
        ),
        sa.CheckConstraint("kind IN ('PAYMENT', 'REFUND')", name=op.f("ck_payments_kind_valid")),
        sa.CheckConstraint(
            "mode IN ('UPI', 'CREDIT_CARD', 'NETBANKING', 'CASH')",
            name=op.f("ck_payments_mode_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('PENDING', 'SUCCESS', 'FAILED')", name=op.f("ck_payments_status_valid")
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_payments_amount_nonneg")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["staff.id"], name=op.f("fk_payments_approved_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["refund_of_id"], ["payments.id"], name=op.f("fk_payments_refund_of_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_payments_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_payments_ticket_id_tickets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_created", ["created_at"], unique=False)
        batch_op.create_index("ix_payments_ticket", ["ticket_id"], unique=False)

    op.create_table(
        "show_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("counter", sa.String(length=40), nullable=True),
        sa.Column("hold_expires_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(status = 'HELD') = (hold_expires_at IS NOT NULL)",
            name=op.f("ck_show_seats_expiry_iff_held"),
        ),
        sa.CheckConstraint(
            "(status IN ('HELD', 'SOLD')) = (ticket_id IS NOT NULL)",
            name=op.f("ck_show_seats_owner_iff_claimed"),
        ),
        sa.CheckConstraint(
            "status IN ('AVAILABLE', 'HELD', 'SOLD', 'BLOCKED')",
            name=op.f("ck_show_seats_status_valid"),
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_show_seats_price_nonneg")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_show_seats_version_positive")),
        sa.ForeignKeyConstraint(
            ["seat_id"], ["seats.id"], name=op.f("fk_show_seats_seat_id_seats"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["show_id"], ["shows.id"], name=op.f("fk_show_seats_show_id_shows"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_show_seats_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_seats")),
        sa.UniqueConstraint("show_id", "seat_id", name=op.f("uq_show_seats_show_id")),
    )
    with op.batch_alter_table("show_seats", schema=None) as batch_op:
        batch_op.create_index("ix_show_seats_show_status", ["show_id", "status"], unique=False)
        batch_op.create_index("ix_show_seats_ticket", ["ticket_id"], unique=False)

    op.create_table(
        "ticket_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("show_seat_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=10), nullable=False),
        sa.Column("seat_type", sa.String(length=20), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_ticket_seats_price_nonneg")),
        sa.ForeignKeyConstraint(
            ["show_seat_id"],
            ["show_seats.id"],
            name=op.f("fk_ticket_seats_show_seat_id_show_seats"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_seats_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_seats")),
        sa.UniqueConstraint("ticket_id", "show_seat_id", name=op.f("uq_ticket_seats_ticket_id")),
    )
    with op.batch_alter_table("ticket_seats", schema=None) as batch_op:
        batch_op.create_index(
            "uq_ticket_seats_live",
            ["show_seat_id"],
            unique=True,
            sqlite_where=sa.text("live"),
            postgresql_where=sa.text("live"),
        )

    _create_audit_guards()


AUDIT_GUARD_MESSAGE = "audit events are append-only"


def _create_audit_guards() -> None:
    """Audit rows are never updated or deleted: the database itself refuses."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{AUDIT_GUARD_MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{AUDIT_GUARD_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        # The change feed on PostgreSQL: every audited change of a show is announced on the
        # channel 'bms_changes' with the show id; the notice is delivered at commit.
        op.execute(
            "CREATE FUNCTION audit_events_notify() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_notify('bms_changes', NEW.show_id::text); RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events FOR EACH ROW "
            "WHEN (NEW.show_id IS NOT NULL) EXECUTE FUNCTION audit_events_notify()"
        )


def _drop_audit_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_notify ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_notify()")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")


def downgrade() -> None:
    _drop_audit_guards()
    with op.batch_alter_table("ticket_seats", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ticket_seats_live", sqlite_where=sa.text("live"), postgresql_where=sa.text("live")
        )

    op.drop_table("ticket_seats")
    with op.batch_alter_table("show_seats", schema=None) as batch_op:
        batch_op.drop_index("ix_show_seats_ticket")
        batch_op.drop_index("ix_show_seats_show_status")

    op.drop_table("show_seats")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_ticket")
        batch_op.drop_index("ix_payments_created")

    op.drop_table("payments")
    with op.batch_alter_table("coupon_redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_coupon_redemptions_customer")

    op.drop_table("coupon_redemptions")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_show_status")
        batch_op.drop_index("ix_tickets_phone")
        batch_op.drop_index("ix_tickets_pending_expiry")

    op.drop_table("tickets")
    with op.batch_alter_table("shows", schema=None) as batch_op:
        batch_op.drop_index("ix_shows_start")
        batch_op.drop_index("ix_shows_screen_start")
        batch_op.drop_index("ix_shows_movie")

    op.drop_table("shows")
    op.drop_table("seats")
    op.drop_table("screens")
    op.drop_table("pricing_rules")
    with op.batch_alter_table("theaters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theaters_city_id"))

    op.drop_table("theaters")
    with op.batch_alter_table("counter_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_counter_sessions_open")

    op.drop_table("counter_sessions")
    op.drop_table("staff")
    op.drop_table("seat_types")
    with op.batch_alter_table("movies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movies_title"))

    op.drop_table("movies")
    op.drop_table("coupons")
    op.drop_table("cities")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_entity")
        batch_op.drop_index("ix_audit_events_at")

    op.drop_table("audit_events")
    op.drop_table("app_meta")
