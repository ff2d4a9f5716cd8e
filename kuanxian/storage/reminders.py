"""Reminders and their decisions: rows <-> kuanxian.domain.reminder.Reminder."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Optional

from sqlalchemy import or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.domain.reminder import Reminder, ReminderDecision, ReminderKind, ReminderStatus
from kuanxian.storage.rows import inserted_id
from kuanxian.storage.schema import borrowers, conversations, payment_plans, reminder_decisions, reminders

PENDING = (ReminderStatus.SCHEDULED.value, ReminderStatus.DEFERRED.value)


def _reminder(row: RowMapping) -> Reminder:
    return Reminder(
        reminder_id=row["id"],
        borrower_id=row["borrower_id"],
        kind=ReminderKind(row["kind"]),
        source=row["source"],
        send_at=row["send_at"],
        scheduled_for=row["scheduled_for"],
        status=ReminderStatus(row["status"]),
        reason=row["reason"],
        amount_fen=row["amount_fen"],
        due_date=row["due_date"],
        plan_id=row["plan_id"],
        installment_seq=row["installment_seq"],
        attempts=row["attempts"],
        lease_owner=row["lease_owner"],
        sent_at=row["sent_at"],
        note=row.get("note"),
    )


async def insert(
    conn: AsyncConnection,
    borrower_id: str,
    kind: ReminderKind,
    source: str,
    send_at: datetime,
    scheduled_for: Optional[datetime],
    status: ReminderStatus,
    reason: Optional[str],
    now: datetime,
    *,
    amount_fen: Optional[int] = None,
    due_date: Optional[date] = None,
    plan_id: Optional[int] = None,
    installment_seq: Optional[int] = None,
    note: Optional[str] = None,
) -> int:
    result = await conn.execute(
        reminders.insert().values(
            borrower_id=borrower_id,
            kind=kind.value,
            source=source,
            send_at=send_at,
            scheduled_for=scheduled_for,
            status=status.value,
            reason=reason,
            amount_fen=amount_fen,
            due_date=due_date,
            plan_id=plan_id,
            installment_seq=installment_seq,
            attempts=0,
            created_at=now,
            note=note,
        )
    )
    reminder_id = inserted_id(result)
    await decide(conn, reminder_id, status.value, reason, scheduled_for, now)
    return reminder_id


async def decide(
    conn: AsyncConnection, reminder_id: int, outcome: str, reason: Optional[str], scheduled_for: Optional[datetime], now: datetime
) -> None:
    await conn.execute(
        reminder_decisions.insert().values(
            reminder_id=reminder_id, decided_at=now, outcome=outcome, reason=reason, scheduled_for=scheduled_for
        )
    )


async def get(conn: AsyncConnection, reminder_id: int) -> Optional[Reminder]:
    row = (await conn.execute(select(reminders).where(reminders.c.id == reminder_id))).mappings().first()
    return _reminder(row) if row else None


async def update_status(
    conn: AsyncConnection,
    reminder_id: int,
    status: ReminderStatus,
    reason: Optional[str],
    now: datetime,
    *,
    scheduled_for: Optional[datetime] = None,
    keep_schedule: bool = False,
    sent_at: Optional[datetime] = None,
    attempts: Optional[int] = None,
    outcome: Optional[str] = None,
) -> None:
    values: dict[str, Any] = {"status": status.value, "reason": reason, "lease_owner": None, "lease_until": None}
    if not keep_schedule:
        values["scheduled_for"] = scheduled_for
    if sent_at is not None:
        values["sent_at"] = sent_at
    if attempts is not None:
        values["attempts"] = attempts
    await conn.execute(update(reminders).where(reminders.c.id == reminder_id).values(**values))
    await decide(conn, reminder_id, outcome or status.value, reason, scheduled_for, now)


async def hold_lease(conn: AsyncConnection, reminder_id: int, owner: str, now: datetime, lease: timedelta) -> bool:
    """Renew this owner's lease on a pending Reminder; False when it was lost (expired and taken, or already decided).

    Called first in the transaction that stores a Reminder's texts: on PostgreSQL the update holds the row
    until commit, so a lease that ran out while the assistant composed the text can never lead to two sends.
    """
    result = await conn.execute(
        update(reminders)
        .where(reminders.c.id == reminder_id)
        .where(reminders.c.lease_owner == owner)
        .where(reminders.c.status.in_(PENDING))
        .values(lease_until=now + lease)
    )
    return result.rowcount == 1


async def cancel_pending(
    conn: AsyncConnection, borrower_id: str, kinds: Sequence[ReminderKind], reason: str, now: datetime, *, plan_id: Optional[int] = None
) -> int:
    query = (
        select(reminders.c.id)
        .where(reminders.c.borrower_id == borrower_id)
        .where(reminders.c.kind.in_([k.value for k in kinds]))
        .where(reminders.c.status.in_(PENDING))
    )
    if plan_id is not None:
        query = query.where(reminders.c.plan_id == plan_id)
    ids = (await conn.execute(query)).scalars().all()
    for rid in ids:
        await update_status(conn, int(rid), ReminderStatus.CANCELLED, reason, now, keep_schedule=True)
    return len(ids)


async def lease_due(conn: AsyncConnection, now: datetime, owner: str, lease: timedelta, batch: int) -> list[tuple[int, str]]:
    """Lease due Reminders (id, Borrower), never one whose Borrower has a Reminder leased elsewhere.

    Caps count sent Reminders, so two of one Borrower fired at once by two hubs
    would both pass them: the Borrower row is locked while leasing (FOR NO KEY
    UPDATE SKIP LOCKED on PostgreSQL) and a Borrower with a live lease is skipped.
    """
    postgres = conn.dialect.name == "postgresql"
    query = (
        select(reminders.c.id, reminders.c.borrower_id)
        .where(reminders.c.status.in_(PENDING))
        .where(reminders.c.scheduled_for <= now)
        .where(or_(reminders.c.lease_until.is_(None), reminders.c.lease_until < now))
        .order_by(reminders.c.scheduled_for, reminders.c.id)
        .limit(batch)
    )
    if postgres:
        query = query.with_for_update(skip_locked=True)
    candidates = (await conn.execute(query)).all()
    leased: list[tuple[int, str]] = []
    mine: set[str] = set()
    busy: set[str] = set()
    for rid, borrower_id in candidates:
        if borrower_id in busy:
            continue
        if borrower_id not in mine:
            lock_query = select(borrowers.c.id).where(borrowers.c.id == borrower_id)
            if postgres:
                lock_query = lock_query.with_for_update(skip_locked=True, key_share=True)
            locked = (await conn.execute(lock_query)).first()
            elsewhere = (
                await conn.execute(
                    select(reminders.c.id)
                    .where(reminders.c.borrower_id == borrower_id)
                    .where(reminders.c.status.in_(PENDING))
                    .where(reminders.c.lease_until >= now)
                    .limit(1)
                )
            ).first()
            if locked is None or elsewhere is not None:
                busy.add(borrower_id)
                continue
            mine.add(borrower_id)
        result = await conn.execute(
            update(reminders)
            .where(reminders.c.id == rid)
            .where(or_(reminders.c.lease_until.is_(None), reminders.c.lease_until < now))
            .values(lease_owner=owner, lease_until=now + lease)
        )
        if result.rowcount == 1:
            leased.append((int(rid), str(borrower_id)))
    return leased


async def sent_since(conn: AsyncConnection, borrower_id: str, since: datetime) -> list[datetime]:
    return list(
        (
            await conn.execute(
                select(reminders.c.sent_at)
                .where(reminders.c.borrower_id == borrower_id)
                .where(reminders.c.status == ReminderStatus.SENT.value)
                .where(reminders.c.sent_at > since)
            )
        )
        .scalars()
        .all()
    )


async def with_person(conn: AsyncConnection, borrower_id: str) -> bool:
    return (
        await conn.execute(
            select(conversations.c.id)
            .where(conversations.c.borrower_id == borrower_id)
            .where(conversations.c.status.in_(("waiting_for_collector", "with_collector")))
            .limit(1)
        )
    ).first() is not None


async def has_active_plan(conn: AsyncConnection, borrower_id: str) -> bool:
    return (
        await conn.execute(
            select(payment_plans.c.id).where(payment_plans.c.borrower_id == borrower_id).where(payment_plans.c.status == "active").limit(1)
        )
    ).first() is not None


async def for_borrower(conn: AsyncConnection, borrower_id: str) -> list[tuple[Reminder, list[ReminderDecision]]]:
    rows = (await conn.execute(select(reminders).where(reminders.c.borrower_id == borrower_id).order_by(reminders.c.id))).mappings().all()
    ids = [r["id"] for r in rows] or [-1]
    history = (
        (await conn.execute(select(reminder_decisions).where(reminder_decisions.c.reminder_id.in_(ids)).order_by(reminder_decisions.c.id)))
        .mappings()
        .all()
    )
    by_id: dict[int, list[ReminderDecision]] = {}
    for h in history:
        by_id.setdefault(h["reminder_id"], []).append(ReminderDecision(h["decided_at"], h["outcome"], h["reason"], h["scheduled_for"]))
    return [(_reminder(r), by_id.get(r["id"], [])) for r in rows]


async def decisions_between(conn: AsyncConnection, since: datetime, until: datetime) -> list[tuple[str, Optional[str]]]:
    rows = (
        await conn.execute(
            select(reminder_decisions.c.outcome, reminder_decisions.c.reason)
            .where(reminder_decisions.c.decided_at >= since)
            .where(reminder_decisions.c.decided_at < until)
        )
    ).all()
    return [(str(o), r) for o, r in rows]
