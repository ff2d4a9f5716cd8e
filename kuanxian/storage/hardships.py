"""Hardships the Borrower agreed to have recorded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.domain.hardship import Hardship, HardshipCategory
from kuanxian.storage.schema import hardships


async def record_hardship(conn: AsyncConnection, hardship: Hardship) -> None:
    await conn.execute(
        hardships.insert().values(
            borrower_id=hardship.borrower_id,
            conversation_id=hardship.conversation_id,
            category=hardship.category.value,
            recorded_at=hardship.recorded_at,
        )
    )


async def list_hardships(conn: AsyncConnection, borrower_id: str) -> list[Hardship]:
    rows = (
        (
            await conn.execute(
                select(hardships).where(hardships.c.borrower_id == borrower_id).order_by(hardships.c.recorded_at, hardships.c.id)
            )
        )
        .mappings()
        .all()
    )
    return [Hardship(r["borrower_id"], HardshipCategory.parse(r["category"]), r["recorded_at"], r["conversation_id"]) for r in rows]
