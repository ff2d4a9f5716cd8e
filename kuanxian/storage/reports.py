"""Guard reports ("这条不该拦") and the trainer's labels."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.storage.schema import collectors, guard_reports


@dataclass(frozen=True)
class Report:
    report_id: int
    text: str
    reported_by: str
    conversation_id: Optional[str]
    violations: list[dict[str, Any]]
    created_at: datetime
    status: str
    label: Optional[str]
    category: Optional[str]
    labelled_at: Optional[datetime] = None


async def listing(conn: AsyncConnection, status: str, limit: int = 200) -> list[Report]:
    rows = (
        (
            await conn.execute(
                select(guard_reports, collectors.c.display_name)
                .select_from(guard_reports.join(collectors, guard_reports.c.reported_by == collectors.c.id))
                .where(guard_reports.c.status == status)
                .order_by(guard_reports.c.id)
                .limit(limit)
            )
        )
        .mappings()
        .all()
    )
    return [
        Report(
            r["id"],
            r["text"],
            r["display_name"],
            r["conversation_id"],
            json.loads(r["violations"] or "[]"),
            r["created_at"],
            r["status"],
            r["label"],
            r["category"],
            r["labelled_at"],
        )
        for r in rows
    ]


async def label(conn: AsyncConnection, report_id: int, label: str, category: str, trainer_id: int, now: datetime) -> bool:
    result = await conn.execute(
        update(guard_reports)
        .where(guard_reports.c.id == report_id)
        .where(guard_reports.c.status == "open")
        .values(status="labelled", label=label, category=category, labelled_by=trainer_id, labelled_at=now)
    )
    return result.rowcount == 1


async def dismiss(conn: AsyncConnection, report_id: int, trainer_id: int, now: datetime) -> bool:
    result = await conn.execute(
        update(guard_reports)
        .where(guard_reports.c.id == report_id)
        .where(guard_reports.c.status == "open")
        .values(status="dismissed", labelled_by=trainer_id, labelled_at=now)
    )
    return result.rowcount == 1
