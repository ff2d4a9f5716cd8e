"""Borrowers: rows <-> kuanxian.domain.Borrower."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.dates import Frequency
from kuanxian.domain.borrower import Borrower, ContactFlags
from kuanxian.domain.policy import Policy
from kuanxian.money import from_fen, to_fen
from kuanxian.storage.schema import borrowers
from kuanxian.storage.upsert import upsert

FLAG_COLUMNS = (
    "opted_out",
    "dispute_open",
    "wrong_contact",
    "breathing_space_until",
    "crisis_pause_until",
    "hardship_pause_until",
)
# What the assistant said with the flags it set (why reminders are paused, the dispute in the Borrower's words):
# written and reverted like the flags, shown to the lender, never used to decide contact.
NOTE_COLUMNS = ("hardship_pause_reason", "dispute_summary", "dispute_opened_at")


def borrower_from_row(row: RowMapping) -> Borrower:
    policy = Policy(
        min_installment=from_fen(row["min_installment_fen"]),
        max_term_months=row["max_term_months"],
        allowed_frequencies=frozenset(Frequency(f) for f in row["allowed_frequencies"].split(",") if f),
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
    """The account and policy columns (contact flags excluded)."""
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


async def get_borrower(conn: AsyncConnection, borrower_id: str, *, for_update: bool = False) -> Optional[Borrower]:
    query = select(borrowers).where(borrowers.c.id == borrower_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await conn.execute(query)).mappings().first()
    return borrower_from_row(row) if row else None


async def upsert_borrower(conn: AsyncConnection, borrower: Borrower, now: datetime) -> None:
    """Insert or update the account and policy; contact flags are kept on update."""
    values = borrower_values(borrower)
    flags = {name: getattr(borrower.flags, name) for name in FLAG_COLUMNS}
    await upsert(
        conn,
        borrowers,
        insert_values={**values, **flags, "created_at": now, "updated_at": now},
        update_values={**values, "updated_at": now},
        key=("id",),
    )


async def update_flags(conn: AsyncConnection, borrower_id: str, now: datetime, **flags: object) -> None:
    """Set contact flags (and their notes, NOTE_COLUMNS) of one Borrower."""
    unknown = set(flags) - set(FLAG_COLUMNS) - set(NOTE_COLUMNS)
    if unknown:
        raise ValueError(f"unknown contact flags: {sorted(unknown)}")
    await conn.execute(update(borrowers).where(borrowers.c.id == borrower_id).values(**flags, updated_at=now))


async def account_notes(conn: AsyncConnection, borrower_id: str) -> dict[str, Any]:
    """The NOTE_COLUMNS of one Borrower (empty when there is no such Borrower)."""
    row = (await conn.execute(select(*(borrowers.c[n] for n in NOTE_COLUMNS)).where(borrowers.c.id == borrower_id))).mappings().first()
    return dict(row) if row else {}


async def reduce_balance(conn: AsyncConnection, borrower_id: str, amount_fen: int, now: datetime) -> int:
    """Take a payment off the balance, fees first; returns the fen actually applied."""
    row = (await conn.execute(select(borrowers).where(borrowers.c.id == borrower_id))).mappings().first()
    if row is None:
        return 0
    fees: int = min(row["interest_and_fees_fen"], amount_fen)
    principal: int = min(row["principal_fen"], amount_fen - fees)
    await conn.execute(
        update(borrowers)
        .where(borrowers.c.id == borrower_id)
        .values(
            interest_and_fees_fen=row["interest_and_fees_fen"] - fees,
            principal_fen=row["principal_fen"] - principal,
            updated_at=now,
        )
    )
    return fees + principal
