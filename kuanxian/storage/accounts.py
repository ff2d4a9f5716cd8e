"""SQL implementation of the AccountRepository (SQLAlchemy 1.4 and 2.x, async)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping, Optional, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kuanxian.accounts import Borrower, ContactFlags, Hardship, StoredPaymentPlan
from kuanxian.dates import Frequency
from kuanxian.money import from_fen, to_fen
from kuanxian.plans import Installment, Policy, Schedule
from kuanxian.storage.schema import borrowers, hardships, installments, payment_plans
from kuanxian.storage.upsert import upsert

FLAG_COLUMNS = (
    "opted_out",
    "dispute_open",
    "wrong_contact",
    "breathing_space_until",
    "crisis_pause_until",
    "hardship_pause_until",
)


def utcnow() -> datetime:
    return datetime.now(tz=timezone.utc)


def borrower_from_row(row: Mapping[str, Any]) -> Borrower:
    """Build the domain Borrower from a `borrowers` row."""
    policy = Policy(
        min_installment=from_fen(row["min_installment_fen"]),
        max_term_months=row["max_term_months"],
        allowed_frequencies=frozenset(
            Frequency(f) for f in row["allowed_frequencies"].split(",") if f
        ),
        payment_holiday_days=row["payment_holiday_days"],
        interest_freeze_on_hardship=bool(row["interest_freeze_on_hardship"]),
    )
    flags = ContactFlags(**{name: row[name] for name in FLAG_COLUMNS})
    return Borrower(
        borrower_id=row["id"],
        display_name=row["display_name"],
        timezone=row["timezone"],
        currency=row["currency"],
        principal=from_fen(row["principal_fen"]),
        interest_and_fees=from_fen(row["interest_and_fees_fen"]),
        days_overdue=row["days_overdue"],
        due_day=row["due_day"],
        policy=policy,
        flags=flags,
    )


def borrower_values(borrower: Borrower) -> dict[str, Any]:
    """The account and policy columns of a Borrower (contact flags excluded)."""
    policy = borrower.policy
    return {
        "id": borrower.borrower_id,
        "display_name": borrower.display_name,
        "timezone": borrower.timezone,
        "currency": borrower.currency,
        "principal_fen": to_fen(borrower.principal),
        "interest_and_fees_fen": to_fen(borrower.interest_and_fees),
        "days_overdue": borrower.days_overdue,
        "due_day": borrower.due_day,
        "min_installment_fen": to_fen(policy.min_installment),
        "max_term_months": policy.max_term_months,
        "allowed_frequencies": ",".join(sorted(f.value for f in policy.allowed_frequencies)),
        "payment_holiday_days": policy.payment_holiday_days,
        "interest_freeze_on_hardship": policy.interest_freeze_on_hardship,
    }


def schedule_from_rows(plan: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> Schedule:
    items = tuple(
        Installment(seq=r["seq"], due=r["due_date"], amount=from_fen(r["amount_fen"]))
        for r in sorted(rows, key=lambda r: r["seq"])
    )
    return Schedule(
        installments=items,
        frequency=Frequency(plan["frequency"]),
        total=from_fen(plan["total_fen"]),
        interest_frozen=bool(plan["interest_frozen"]),
        holiday_days=plan["holiday_days"],
    )


class SqlAccountRepository:
    """Accounts, Hardship records and PaymentPlans in the project's database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def get_borrower(self, borrower_id: str) -> Optional[Borrower]:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(borrowers).where(borrowers.c.id == borrower_id))
            ).mappings().first()
        return borrower_from_row(row) if row else None

    async def upsert_borrower(self, borrower: Borrower) -> None:
        """Insert or update the account and policy; contact flags are kept on update."""
        now = utcnow()
        values = borrower_values(borrower)
        async with self.engine.begin() as conn:
            await upsert(
                conn,
                borrowers,
                insert_values={**values, **_flag_values(borrower.flags), "created_at": now, "updated_at": now},
                update_values={**values, "updated_at": now},
                key=("id",),
            )

    async def update_flags(self, borrower_id: str, **flags: object) -> None:
        unknown = set(flags) - set(FLAG_COLUMNS)
        if unknown:
            raise ValueError(f"unknown contact flags: {sorted(unknown)}")
        async with self.engine.begin() as conn:
            await conn.execute(
                update(borrowers)
                .where(borrowers.c.id == borrower_id)
                .values(**flags, updated_at=utcnow())
            )

    async def record_hardship(self, hardship: Hardship) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                hardships.insert().values(
                    borrower_id=hardship.borrower_id,
                    conversation_id=hardship.conversation_id,
                    category=hardship.category,
                    recorded_at=hardship.recorded_at,
                )
            )

    async def list_hardships(self, borrower_id: str) -> Sequence[Hardship]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(hardships)
                    .where(hardships.c.borrower_id == borrower_id)
                    .order_by(hardships.c.recorded_at, hardships.c.id)
                )
            ).mappings().all()
        return [
            Hardship(r["borrower_id"], r["category"], r["recorded_at"], r["conversation_id"])
            for r in rows
        ]

    async def save_payment_plan(
        self, borrower_id: str, schedule: Schedule, *, conversation_id: Optional[str] = None
    ) -> int:
        """Store a confirmed PaymentPlan and its Installments; earlier active plans are superseded."""
        async with self.engine.begin() as conn:
            await conn.execute(
                update(payment_plans)
                .where(payment_plans.c.borrower_id == borrower_id)
                .where(payment_plans.c.status == "active")
                .values(status="superseded")
            )
            return await _insert_plan(conn, borrower_id, schedule, conversation_id)

    async def list_payment_plans(self, borrower_id: str) -> Sequence[StoredPaymentPlan]:
        async with self.engine.connect() as conn:
            plans = (
                await conn.execute(
                    select(payment_plans)
                    .where(payment_plans.c.borrower_id == borrower_id)
                    .order_by(payment_plans.c.id)
                )
            ).mappings().all()
            result = []
            for plan in plans:
                rows = (
                    await conn.execute(
                        select(installments).where(installments.c.plan_id == plan["id"])
                    )
                ).mappings().all()
                result.append(
                    StoredPaymentPlan(
                        plan_id=plan["id"],
                        borrower_id=plan["borrower_id"],
                        status=plan["status"],
                        schedule=schedule_from_rows(plan, rows),
                        created_at=plan["created_at"],
                        conversation_id=plan["conversation_id"],
                    )
                )
        return result


def _flag_values(flags: ContactFlags) -> dict[str, Any]:
    return {name: getattr(flags, name) for name in FLAG_COLUMNS}


async def _insert_plan(
    conn: AsyncConnection, borrower_id: str, schedule: Schedule, conversation_id: Optional[str]
) -> int:
    result = await conn.execute(
        payment_plans.insert().values(
            borrower_id=borrower_id,
            conversation_id=conversation_id,
            status="active",
            frequency=schedule.frequency.value,
            installment_amount_fen=to_fen(schedule.regular_amount),
            installment_count=schedule.count,
            last_amount_fen=to_fen(schedule.last_amount),
            total_fen=to_fen(schedule.total),
            first_date=schedule.first_date,
            interest_frozen=schedule.interest_frozen,
            holiday_days=schedule.holiday_days,
            created_at=utcnow(),
        )
    )
    plan_id = int(result.inserted_primary_key[0])
    await conn.execute(
        installments.insert(),
        [
            {"plan_id": plan_id, "seq": i.seq, "due_date": i.due, "amount_fen": to_fen(i.amount), "status": "due"}
            for i in schedule.installments
        ],
    )
    return plan_id
