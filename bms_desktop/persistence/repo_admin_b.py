"""SQL implementation of ``services.ports_admin_b.AdminConfigRepository`` (admin-B's areas)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    exists,
    false,
    func,
    insert,
    not_,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError

from bms_desktop.domain.errors import ValidationError
from bms_desktop.domain.ticket_types import TicketTypeSpec
from bms_desktop.persistence import tables as t
from bms_desktop.persistence.repo_base import SqlRepo
from bms_desktop.services.admin.dto_coupons import CouponRow
from bms_desktop.services.admin.dto_pricing import Choice, PricingRuleRow, SeatTypeRow
from bms_desktop.services.admin.dto_staff import StaffRow
from bms_desktop.services.admin.dto_ticket_types import TicketTypeRow
from bms_desktop.services.ports import AuditRecord, NewCoupon, NewPricingRule
from bms_desktop.services.ports_admin_b import (
    AdminConfigRepository,
    AuditQuery,
    PriceGroupRecord,
    TypedSeatRecord,
)

TH = t.metadata.tables["theaters"]
MV = t.metadata.tables["movies"]
SC = t.metadata.tables["screens"]
SE = t.metadata.tables["seats"]
SH = t.metadata.tables["shows"]
SS = t.metadata.tables["show_seats"]
TK = t.metadata.tables["tickets"]
TS = t.metadata.tables["ticket_seats"]
STY = t.metadata.tables["seat_types"]
PR = t.metadata.tables["pricing_rules"]
TT = t.metadata.tables["ticket_types"]
CP = t.metadata.tables["coupons"]
ST = t.metadata.tables["staff"]
AU = t.metadata.tables["audit_events"]

UNSOLD = ("AVAILABLE", "BLOCKED")
_AUDIT_COLUMNS = {"action": AU.c.action, "username": AU.c.username, "counter": AU.c.counter}
_AUDIT_COLUMNS["entity"] = AU.c.entity


def _locked(stmt: Select[Any], lock: bool, dialect: str) -> Select[Any]:
    """FOR UPDATE on PostgreSQL (SQLite's write transaction already holds the database lock)."""
    return stmt.with_for_update() if lock and dialect == "postgresql" else stmt


# --------------------------------------------------------------------------- row builders

_RULE_COLS = (
    PR.c.id,
    PR.c.name,
    PR.c.kind,
    PR.c.multiplier,
    PR.c.base_price,
    PR.c.seat_type,
    PR.c.days_mask,
    PR.c.start_time,
    PR.c.end_time,
    PR.c.theater_id,
    func.coalesce(TH.c.name, ""),
    PR.c.movie_id,
    func.coalesce(MV.c.title, ""),
    PR.c.priority,
    PR.c.active,
)
_RULES = select(*_RULE_COLS).select_from(
    PR.outerjoin(TH, TH.c.id == PR.c.theater_id).outerjoin(MV, MV.c.id == PR.c.movie_id)
)


def _rule(r: Any) -> PricingRuleRow:
    return PricingRuleRow(
        rule_id=r[0],
        name=r[1],
        kind=r[2],
        multiplier=r[3],
        base_price=r[4],
        seat_type=r[5],
        days_mask=int(r[6] or 0),
        start_time=r[7],
        end_time=r[8],
        theater_id=r[9],
        theater_name=r[10],
        movie_id=r[11],
        movie_title=r[12],
        priority=int(r[13] or 0),
        active=bool(r[14]),
    )


def _rule_values(rule: NewPricingRule) -> dict[str, object]:
    return {
        "name": rule.name,
        "kind": rule.kind,
        "multiplier": rule.multiplier,
        "base_price": rule.base_price,
        "seat_type": rule.seat_type,
        "days_mask": rule.days_mask,
        "start_time": rule.start_time,
        "end_time": rule.end_time,
        "theater_id": rule.theater_id,
        "movie_id": rule.movie_id,
        "priority": rule.priority,
        "active": rule.active,
    }


_SEAT_TYPE_COLS = (
    STY.c.code,
    STY.c.name,
    STY.c.base_price,
    STY.c.rank,
    STY.c.active,
    select(func.count()).select_from(SE).where(SE.c.seat_type == STY.c.code).scalar_subquery(),
)

_TT_COLS = (
    TT.c.id,
    TT.c.code,
    TT.c.name,
    TT.c.kind,
    TT.c.multiplier,
    TT.c.amount,
    TT.c.theater_id,
    TT.c.needs_approval,
    TT.c.active,
    TT.c.rank,
)


def _tt_spec(r: Any) -> TicketTypeSpec:
    return TicketTypeSpec(
        type_id=r[0],
        code=r[1],
        name=r[2],
        kind=r[3],
        multiplier=r[4],
        amount=r[5],
        theater_id=r[6],
        needs_approval=bool(r[7]),
        active=bool(r[8]),
        rank=int(r[9] or 0),
    )


def _tt_values(spec: TicketTypeSpec) -> dict[str, object]:
    return {
        "code": spec.code,
        "name": spec.name,
        "kind": spec.kind,
        "multiplier": spec.multiplier,
        "amount": spec.amount,
        "theater_id": spec.theater_id,
        "needs_approval": spec.needs_approval,
        "active": spec.active,
        "rank": spec.rank,
    }


_COUPON_COLS = (
    CP.c.id,
    CP.c.code,
    CP.c.description,
    CP.c.kind,
    CP.c.value,
    CP.c.max_discount,
    CP.c.min_amount,
    CP.c.valid_from,
    CP.c.valid_to,
    CP.c.active,
    CP.c.usage_limit,
    CP.c.per_customer_limit,
    CP.c.used_count,
)


def _coupon(r: Any) -> CouponRow:
    return CouponRow(
        coupon_id=r[0],
        code=r[1],
        description=r[2] or "",
        kind=r[3],
        value=r[4],
        max_discount=r[5],
        min_amount=r[6],
        valid_from=r[7],
        valid_to=r[8],
        active=bool(r[9]),
        usage_limit=r[10],
        per_customer_limit=r[11],
        used_count=int(r[12]),
    )


def _coupon_values(coupon: NewCoupon) -> dict[str, object]:
    return {
        "code": coupon.code,
        "description": coupon.description,
        "kind": coupon.kind,
        "value": coupon.value,
        "max_discount": coupon.max_discount,
        "min_amount": coupon.min_amount,
        "valid_from": coupon.valid_from,
        "valid_to": coupon.valid_to,
        "active": coupon.active,
        "usage_limit": coupon.usage_limit,
        "per_customer_limit": coupon.per_customer_limit,
    }


_STAFF_COLS = (
    ST.c.id,
    ST.c.username,
    ST.c.full_name,
    ST.c.role,
    ST.c.active,
    ST.c.failed_logins,
    ST.c.locked_until,
    ST.c.must_change_password,
    ST.c.created_at,
)


def _staff(r: Any) -> StaffRow:
    return StaffRow(
        staff_id=r[0],
        username=r[1],
        full_name=r[2] or "",
        role=r[3],
        active=bool(r[4]),
        failed_logins=int(r[5] or 0),
        locked_until=r[6],
        must_change_password=bool(r[7]),
        created_at=r[8],
    )


_AUDIT_COLS = (
    AU.c.id,
    AU.c.at,
    AU.c.action,
    AU.c.username,
    AU.c.staff_id,
    AU.c.counter,
    AU.c.entity,
    AU.c.entity_id,
    AU.c.show_id,
    AU.c.details,
)


def _audit(r: Any) -> tuple[int, AuditRecord]:
    try:
        details = json.loads(r[9] or "{}")
    except ValueError:
        details = {"text": r[9]}
    if type(details) is not dict:
        details = {"value": details}
    return int(r[0]), AuditRecord(
        at=r[1],
        action=r[2],
        username=r[3] or "",
        staff_id=r[4],
        counter=r[5] or "",
        entity=r[6] or "",
        entity_id=r[7] or "",
        show_id=r[8],
        details=details,
    )


# The filter combos offer the values seen in the most recent rows: bounded work on any trail.
FACET_WINDOW = 5000


class SqlAdminConfigRepository(SqlRepo, AdminConfigRepository):
    # ---------------------------------------------------------------- choices

    def cinema_choices(self) -> list[Choice]:
        rows = self._exec(
            select(TH.c.id, TH.c.name, TH.c.timezone).order_by(func.lower(TH.c.name), TH.c.id)
        )
        return [Choice(r[0], r[1], r[2]) for r in rows]

    def movie_choices(self) -> list[Choice]:
        rows = self._exec(
            select(MV.c.id, MV.c.title, MV.c.runtime_min).order_by(func.lower(MV.c.title), MV.c.id)
        )
        return [Choice(r[0], r[1], f"{r[2]} min") for r in rows]

    # ---------------------------------------------------------------- seat types

    def seat_type_rows(self) -> list[SeatTypeRow]:
        rows = self._exec(select(*_SEAT_TYPE_COLS).order_by(STY.c.rank, STY.c.code))
        return [SeatTypeRow(r[0], r[1], r[2], int(r[3] or 0), bool(r[4]), int(r[5])) for r in rows]

    def seat_type_row(self, code: str, *, lock: bool = False) -> SeatTypeRow | None:
        if lock:
            self._exec(_locked(select(STY.c.code).where(STY.c.code == code), lock, self.dialect))
        r = self._exec(select(*_SEAT_TYPE_COLS).where(STY.c.code == code)).first()
        return None if r is None else SeatTypeRow(r[0], r[1], r[2], int(r[3]), bool(r[4]), r[5])

    def add_seat_type(self, row: SeatTypeRow) -> None:
        try:
            self._exec(
                insert(STY).values(
                    code=row.code,
                    name=row.name,
                    base_price=row.base_price,
                    rank=row.rank,
                    active=row.active,
                )
            )
        except IntegrityError as exc:
            raise ValidationError(f"there is already a seat type {row.code}", field="code") from exc

    def update_seat_type(
        self, code: str, *, name: str, base_price: Decimal, rank: int, active: bool
    ) -> None:
        self._exec(
            update(STY)
            .where(STY.c.code == code)
            .values(name=name, base_price=base_price, rank=rank, active=active)
        )

    # ---------------------------------------------------------------- pricing rules

    def rule_rows(self) -> list[PricingRuleRow]:
        return [_rule(r) for r in self._exec(_RULES.order_by(PR.c.id))]

    def rule_row(self, rule_id: int, *, lock: bool = False) -> PricingRuleRow | None:
        if lock:
            self._exec(_locked(select(PR.c.id).where(PR.c.id == rule_id), lock, self.dialect))
        r = self._exec(_RULES.where(PR.c.id == rule_id)).first()
        return None if r is None else _rule(r)

    def add_rule(self, rule: NewPricingRule) -> int:
        stmt = insert(PR).values(**_rule_values(rule)).returning(PR.c.id)
        return int(self._exec(stmt).scalar_one())

    def update_rule(self, rule_id: int, rule: NewPricingRule) -> None:
        self._exec(update(PR).where(PR.c.id == rule_id).values(**_rule_values(rule)))

    # ---------------------------------------------------------------- re-pricing

    def future_price_groups(
        self, starts_after: datetime, *, theater_id: int | None = None
    ) -> list[PriceGroupRecord]:
        unsold = SS.c.status.in_(UNSOLD)
        stmt = (
            select(
                SH.c.id,
                SH.c.movie_id,
                TH.c.id,
                TH.c.timezone,
                SH.c.starts_at,
                MV.c.title,
                TH.c.name,
                SC.c.name,
                SE.c.seat_type,
                unsold,
                SS.c.price,
                func.count(),
            )
            .select_from(
                SS.join(SH, SH.c.id == SS.c.show_id)
                .join(SE, SE.c.id == SS.c.seat_id)
                .join(SC, SC.c.id == SH.c.screen_id)
                .join(TH, TH.c.id == SC.c.theater_id)
                .join(MV, MV.c.id == SH.c.movie_id)
            )
            .where(
                SH.c.starts_at > starts_after,
                SH.c.cancelled_at.is_(None),
                SH.c.scratch == false(),
            )
            .group_by(
                SH.c.id,
                SH.c.movie_id,
                TH.c.id,
                TH.c.timezone,
                SH.c.starts_at,
                MV.c.title,
                TH.c.name,
                SC.c.name,
                SE.c.seat_type,
                unsold,
                SS.c.price,
            )
            .order_by(SH.c.starts_at, SH.c.id, SE.c.seat_type)
        )
        if theater_id is not None:
            stmt = stmt.where(TH.c.id == theater_id)
        return [
            PriceGroupRecord(
                show_id=r[0],
                movie_id=r[1],
                theater_id=r[2],
                timezone=r[3],
                starts_at=r[4],
                movie_title=r[5],
                theater_name=r[6],
                screen_name=r[7],
                seat_type=r[8],
                unsold=bool(r[9]),
                price=r[10],
                seats=int(r[11]),
            )
            for r in self._exec(stmt)
        ]

    def reprice_unsold(self, show_id: int, seat_type: str, new_price: Decimal) -> int:
        of_type = exists().where(SE.c.id == SS.c.seat_id, SE.c.seat_type == seat_type)
        result = self._exec(
            update(SS)
            .where(
                SS.c.show_id == show_id,
                SS.c.status.in_(UNSOLD),
                SS.c.price != new_price,
                of_type,
            )
            .values(price=new_price, version=SS.c.version + 1)
        )
        return int(result.rowcount)

    # ---------------------------------------------------------------- ticket types

    def ticket_type_specs(self) -> list[TicketTypeSpec]:
        rows = self._exec(select(*_TT_COLS).order_by(TT.c.rank, TT.c.code, TT.c.id))
        return [_tt_spec(r) for r in rows]

    def _tt_rows(self) -> Select[Any]:
        return select(*_TT_COLS, func.coalesce(TH.c.name, "")).select_from(
            TT.outerjoin(TH, TH.c.id == TT.c.theater_id)
        )

    @staticmethod
    def _tt_row(r: Any) -> TicketTypeRow:
        spec = _tt_spec(r)
        return TicketTypeRow(
            type_id=spec.type_id,
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            multiplier=spec.multiplier,
            amount=spec.amount,
            theater_id=spec.theater_id,
            theater_name=r[10] or "All cinemas",
            needs_approval=spec.needs_approval,
            active=spec.active,
            rank=spec.rank,
        )

    def ticket_type_rows(self) -> list[TicketTypeRow]:
        rows = self._exec(
            self._tt_rows().order_by(TT.c.rank, TT.c.code, TT.c.theater_id.is_not(None), TT.c.id)
        )
        return [self._tt_row(r) for r in rows]

    def ticket_type_row(self, type_id: int, *, lock: bool = False) -> TicketTypeRow | None:
        if lock:
            self._exec(_locked(select(TT.c.id).where(TT.c.id == type_id), lock, self.dialect))
        r = self._exec(self._tt_rows().where(TT.c.id == type_id)).first()
        return None if r is None else self._tt_row(r)

    @staticmethod
    def _tt_taken(spec: TicketTypeSpec, exc: IntegrityError) -> ValidationError:
        scope = "for every cinema" if spec.theater_id is None else "for that cinema"
        return ValidationError(f"there is already a ticket type {spec.code} {scope}", field="code")

    def add_ticket_type(self, spec: TicketTypeSpec) -> int:
        try:
            return int(
                self._exec(insert(TT).values(**_tt_values(spec)).returning(TT.c.id)).scalar_one()
            )
        except IntegrityError as exc:
            raise self._tt_taken(spec, exc) from exc

    def update_ticket_type(self, type_id: int, spec: TicketTypeSpec) -> None:
        try:
            self._exec(update(TT).where(TT.c.id == type_id).values(**_tt_values(spec)))
        except IntegrityError as exc:
            raise self._tt_taken(spec, exc) from exc

    def typed_ticket_seats(self, ticket_id: int, *, lock: bool = False) -> list[TypedSeatRecord]:
        stmt = (
            select(
                TS.c.show_seat_id,
                TS.c.label,
                TS.c.seat_type,
                SS.c.price,
                TS.c.price,
                TS.c.ticket_type,
                TS.c.live,
            )
            .select_from(TS.join(SS, SS.c.id == TS.c.show_seat_id))
            .where(TS.c.ticket_id == ticket_id)
            .order_by(TS.c.show_seat_id)
        )
        if lock and self.dialect == "postgresql":
            stmt = stmt.with_for_update(of=TS)
        return [
            TypedSeatRecord(r[0], r[1], r[2], r[3], r[4], r[5] or "ADULT", bool(r[6]))
            for r in self._exec(stmt)
        ]

    def set_seat_ticket_type(
        self, ticket_id: int, show_seat_id: int, *, ticket_type: str, price: Decimal
    ) -> bool:
        result = self._exec(
            update(TS)
            .where(
                TS.c.ticket_id == ticket_id,
                TS.c.show_seat_id == show_seat_id,
                TS.c.live == true(),
            )
            .values(ticket_type=ticket_type, price=price)
        )
        return bool(result.rowcount == 1)

    def reprice_pending_ticket(
        self,
        ticket_id: int,
        *,
        subtotal: Decimal,
        discount: Decimal,
        total: Decimal,
        coupon_id: int | None,
        now: datetime,
    ) -> bool:
        result = self._exec(
            update(TK)
            .where(
                TK.c.id == ticket_id,
                TK.c.status == "PENDING_PAYMENT",
                TK.c.hold_expires_at > now,
            )
            .values(subtotal=subtotal, discount=discount, total=total, coupon_id=coupon_id)
        )
        return bool(result.rowcount == 1)

    # ---------------------------------------------------------------- coupons

    def coupon_rows(self) -> list[CouponRow]:
        return [_coupon(r) for r in self._exec(select(*_COUPON_COLS).order_by(CP.c.code))]

    def coupon_row(self, coupon_id: int, *, lock: bool = False) -> CouponRow | None:
        stmt = _locked(select(*_COUPON_COLS).where(CP.c.id == coupon_id), lock, self.dialect)
        r = self._exec(stmt).first()
        return None if r is None else _coupon(r)

    def coupon_id_by_code(self, code: str) -> int | None:
        r = self._exec(select(CP.c.id).where(CP.c.code == code)).first()
        return None if r is None else int(r[0])

    def add_coupon(self, coupon: NewCoupon) -> int:
        try:
            return int(
                self._exec(
                    insert(CP).values(**_coupon_values(coupon), used_count=0).returning(CP.c.id)
                ).scalar_one()
            )
        except IntegrityError as exc:
            raise ValidationError(f"there is already a coupon {coupon.code}", field="code") from exc

    def update_coupon(self, coupon_id: int, coupon: NewCoupon) -> bool:
        stmt = update(CP).where(CP.c.id == coupon_id)
        if coupon.usage_limit is not None:
            stmt = stmt.where(CP.c.used_count <= coupon.usage_limit)
        try:
            result = self._exec(stmt.values(**_coupon_values(coupon)))
        except IntegrityError as exc:
            raise ValidationError(f"there is already a coupon {coupon.code}", field="code") from exc
        return bool(result.rowcount == 1)

    # ---------------------------------------------------------------- staff

    def staff_rows(self) -> list[StaffRow]:
        rows = self._exec(select(*_STAFF_COLS).order_by(func.lower(ST.c.username)))
        return [_staff(r) for r in rows]

    def staff_row(self, staff_id: int, *, lock: bool = False) -> StaffRow | None:
        stmt = _locked(select(*_STAFF_COLS).where(ST.c.id == staff_id), lock, self.dialect)
        r = self._exec(stmt).first()
        return None if r is None else _staff(r)

    def add_staff(
        self,
        *,
        username: str,
        full_name: str,
        role: str,
        password_hash: str,
        must_change_password: bool,
        now: datetime,
    ) -> int:
        try:
            return int(
                self._exec(
                    insert(ST)
                    .values(
                        username=username,
                        full_name=full_name,
                        role=role,
                        password_hash=password_hash,
                        active=True,
                        failed_logins=0,
                        created_at=now,
                        must_change_password=must_change_password,
                    )
                    .returning(ST.c.id)
                ).scalar_one()
            )
        except IntegrityError as exc:
            raise ValidationError(
                f"there is already a staff member called {username}", field="username"
            ) from exc

    def lock_active_admins(self) -> list[int]:
        stmt = select(ST.c.id).where(ST.c.role == "ADMIN", ST.c.active == true()).order_by(ST.c.id)
        if self.dialect == "postgresql":
            stmt = stmt.with_for_update()
        return [int(r[0]) for r in self._exec(stmt)]

    def update_staff_guarded(
        self, staff_id: int, *, full_name: str, role: str, active: bool
    ) -> bool:
        stmt = update(ST).where(ST.c.id == staff_id)
        if not (role == "ADMIN" and active):
            other = ST.alias("other_admin")
            another_admin = exists().where(
                other.c.role == "ADMIN", other.c.active == true(), other.c.id != staff_id
            )
            is_active_admin = and_(ST.c.role == "ADMIN", ST.c.active == true())
            stmt = stmt.where(or_(not_(is_active_admin), another_admin))
        result = self._exec(stmt.values(full_name=full_name, role=role, active=active))
        return bool(result.rowcount == 1)

    def set_password(
        self,
        staff_id: int,
        password_hash: str,
        *,
        must_change: bool,
        expected_hash: str | None = None,
    ) -> bool:
        stmt = update(ST).where(ST.c.id == staff_id)
        if expected_hash is not None:
            stmt = stmt.where(ST.c.password_hash == expected_hash)
        result = self._exec(
            stmt.values(
                password_hash=password_hash,
                must_change_password=must_change,
                failed_logins=0,
                locked_until=None,
            )
        )
        return bool(result.rowcount == 1)

    def unlock_staff(self, staff_id: int) -> bool:
        result = self._exec(
            update(ST)
            .where(
                ST.c.id == staff_id,
                or_(ST.c.failed_logins > 0, ST.c.locked_until.is_not(None)),
            )
            .values(failed_logins=0, locked_until=None)
        )
        return bool(result.rowcount == 1)

    # ---------------------------------------------------------------- audit log

    def audit_page(self, query: AuditQuery) -> list[tuple[int, AuditRecord]]:
        stmt = select(*_AUDIT_COLS)
        conditions = []
        for column, value in (
            (AU.c.username, query.username),
            (AU.c.counter, query.counter),
            (AU.c.action, query.action),
            (AU.c.entity, query.entity),
            (AU.c.entity_id, query.entity_id),
        ):
            if value:
                conditions.append(column == value)
        if query.at_from is not None:
            conditions.append(AU.c.at >= query.at_from)
        if query.at_to is not None:
            conditions.append(AU.c.at < query.at_to)
        if query.before_id is not None:
            conditions.append(AU.c.id < query.before_id)
        if conditions:
            stmt = stmt.where(*conditions)
        rows = self._exec(stmt.order_by(AU.c.id.desc()).limit(query.limit))
        return [_audit(r) for r in rows]

    def audit_distinct(self, column: str, limit: int = 500) -> list[str]:
        col = _AUDIT_COLUMNS[column]
        recent = select(col.label("value")).order_by(AU.c.id.desc()).limit(FACET_WINDOW)
        sub = recent.subquery()
        rows = self._exec(
            select(sub.c.value)
            .where(sub.c.value != "")
            .distinct()
            .order_by(sub.c.value)
            .limit(limit)
        )
        return [str(r[0]) for r in rows]
