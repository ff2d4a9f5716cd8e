"""Building blocks for the reminder tests: a fake clock, Borrowers, an in-process scheduler."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Optional
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from kuanxian.accounts import Borrower
from kuanxian.demo import DEMO_BORROWERS
from kuanxian.hub.rasa_client import RasaClient
from kuanxian.hub.realtime import Broker
from kuanxian.hub.reminders import ReminderService
from kuanxian.hub.service import Hub
from kuanxian.hub.settings import Settings
from kuanxian.hub.store import HubStore, Message
from kuanxian.safety.contact import ContactLimits
from kuanxian.storage import SqlAccountRepository, create_schema, make_engine
from kuanxian.storage.schema import reminder_decisions, reminders
from support.fixtures import free_port

ADMIN_TOKEN = "demo-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
REMINDER_WORDS = "温馨提醒"  # what the bot's payment reminder says, whatever the amount


class FakeClock:
    """An injected clock the tests move by hand: minutes, days, weeks."""

    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, when: datetime) -> datetime:
        assert when.tzinfo is not None
        self.now = when.astimezone(timezone.utc)
        return self.now


def at(zone: str, *parts: int) -> datetime:
    """A wall-clock time in a zone: at("Asia/Shanghai", 2027, 3, 1, 23, 0)."""
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def make_borrower(borrower_id: str, timezone_name: str = "Asia/Shanghai", *, balance_fen: int = 1_200_000) -> Borrower:
    """The demo account (王女士's terms) under another id, zone and balance."""
    principal = (Decimal(balance_fen - 80_000) / 100).quantize(Decimal("0.01"))
    return replace(DEMO_BORROWERS[0], borrower_id=borrower_id, display_name="测试用户", timezone=timezone_name, principal=principal)


def borrower_body(borrower: Borrower) -> dict[str, Any]:
    """The lender's PUT /api/admin/borrowers/{id} body for a Borrower."""
    policy = borrower.policy
    return {
        "display_name": borrower.display_name,
        "timezone": borrower.timezone,
        "currency": borrower.currency,
        "principal": str(borrower.principal),
        "interest_and_fees": str(borrower.interest_and_fees),
        "days_overdue": borrower.days_overdue,
        "due_day": borrower.due_day,
        "policy": {
            "min_installment": str(policy.min_installment),
            "max_term_months": policy.max_term_months,
            "payment_holiday_days": policy.payment_holiday_days,
            "interest_freeze_on_hardship": policy.interest_freeze_on_hardship,
        },
    }


@dataclass
class Scheduler:
    """One in-process hub with its ReminderService on a real database."""

    url: str
    engine: AsyncEngine
    accounts: SqlAccountRepository
    store: HubStore
    hub: Hub
    service: ReminderService
    clock: FakeClock

    async def add(self, borrower: Borrower, **flags: Any) -> Borrower:
        await self.accounts.upsert_borrower(borrower)
        if flags:
            await self.accounts.update_flags(borrower.borrower_id, **flags)
        found = await self.accounts.get_borrower(borrower.borrower_id)
        assert found is not None
        return found

    async def row(self, reminder_id: int) -> dict[str, Any]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(reminders).where(reminders.c.id == reminder_id))).mappings().one()
        return dict(row)

    async def history(self, borrower_id: str, reminder_id: int) -> list[dict[str, Any]]:
        listed = {r["id"]: r for r in await self.service.list_for(borrower_id)}
        return listed[reminder_id]["history"]

    async def forget_record(self, reminder_id: int) -> None:
        """What a crash between delivery and record leaves: the row still pending, no lease."""
        async with self.engine.begin() as conn:
            await conn.execute(
                update(reminders).where(reminders.c.id == reminder_id)
                .values(status="scheduled", lease_owner=None, lease_until=None, sent_at=None)
            )

    async def bot_messages(self, borrower_id: str) -> list[Message]:
        conversation = await self.store.find_open_conversation(borrower_id)
        if conversation is None:
            return []
        return [m for m in await self.store.messages_after(conversation.conversation_id, 0) if m.sender_type == "bot"]

    async def decisions(self, reminder_id: int) -> list[str]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(reminder_decisions.c.outcome).where(reminder_decisions.c.reminder_id == reminder_id)
                .order_by(reminder_decisions.c.id)
            )
            return list(rows.scalars())

    async def close(self) -> None:
        await self.hub.drain(timeout=30)
        await self.hub.rasa.close()
        await self.engine.dispose()


async def open_scheduler(
    url: str,
    clock: FakeClock,
    *,
    rasa_url: Optional[str] = None,
    actions_url: Optional[str] = None,
    limits: Optional[ContactLimits] = None,
) -> Scheduler:
    """A real Hub and ReminderService; without a Rasa URL, delivery goes to a closed port."""
    limits = limits or ContactLimits()
    nowhere = f"http://127.0.0.1:{free_port()}"
    engine = make_engine(url)
    await create_schema(engine)
    store = HubStore(engine)
    accounts = SqlAccountRepository(engine)
    rasa = RasaClient(rasa_url or nowhere, actions_url or nowhere, timeout=30.0)
    settings = Settings(database_url=url, contact_limits=limits, scheduler_enabled=False)
    hub = Hub(settings, store, accounts, rasa, Broker(), now=clock)
    service = ReminderService(engine, hub, limits, clock=clock)
    hub.reminders = service
    return Scheduler(url, engine, accounts, store, hub, service, clock)


async def register_with_stack(hub_url: str, *borrowers: Borrower) -> None:
    """The stack's action server reads accounts from its own database: give it the same Borrowers."""
    async with httpx.AsyncClient(base_url=hub_url, headers=ADMIN, timeout=30) as client:
        for borrower in borrowers:
            response = await client.put(f"/api/admin/borrowers/{borrower.borrower_id}", json=borrower_body(borrower))
            assert response.status_code in (200, 201), response.text


def local_date(value: str) -> date:
    return datetime.fromisoformat(value).date()


# Through the running stack's hub ----------------------------------------------------------
from support.polling import TURN_TIMEOUT, eventually  # noqa: E402,F401 - shared with the hub tests


def daytime_zone(now: Optional[datetime] = None) -> str:
    """A fixed-offset IANA zone where it is about 13:00 now (well clear of quiet hours)."""
    now = now or datetime.now(tz=timezone.utc)
    offset = (13 - now.hour + 12) % 24 - 12  # -12..11 hours east of UTC: local 13:xx
    # Etc/GMT signs are inverted: Etc/GMT-8 is UTC+8.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


class HubClient:
    """The lender's and the widget's view of the running hub."""

    def __init__(self, hub_url: str) -> None:
        self.hub_url = hub_url
        self.http = httpx.AsyncClient(base_url=hub_url, timeout=TURN_TIMEOUT)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def new_borrower(self, prefix: str, zone: str = "Asia/Shanghai", **extra: Any) -> str:
        borrower_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
        body = {**borrower_body(make_borrower(borrower_id, zone)), **extra}
        response = await self.http.put(f"/api/admin/borrowers/{borrower_id}", json=body, headers=ADMIN)
        assert response.status_code == 201, response.text
        return borrower_id

    async def remind(self, body: dict[str, Any], *, headers: Optional[dict[str, str]] = None) -> httpx.Response:
        return await self.http.post("/api/admin/reminders", json=body, headers=ADMIN if headers is None else headers)

    async def listed(self, borrower_id: str) -> list[dict[str, Any]]:
        response = await self.http.get("/api/admin/reminders", params={"borrower_id": borrower_id}, headers=ADMIN)
        assert response.status_code == 200, response.text
        return response.json()["reminders"]

    async def session(self, borrower_id: str) -> dict[str, Any]:
        """What the widget does on load: a lender-signed token (demo endpoint), then a session."""
        token = await self.http.post("/api/demo/borrower-token", json={"borrower_id": borrower_id})
        assert token.status_code == 200, token.text
        session = await self.http.post("/api/widget/sessions", json={"borrower_token": token.json()["token"]})
        assert session.status_code == 201, session.text
        return session.json()

    async def say(self, session: dict[str, Any], text: str) -> None:
        response = await self.http.post(
            "/api/widget/messages", json={"text": text, "client_id": uuid.uuid4().hex},
            headers={"Authorization": f"Bearer {session['session_token']}"},
        )
        assert response.status_code == 202, response.text

    async def messages(self, session: dict[str, Any]) -> list[dict[str, Any]]:
        response = await self.http.get(
            "/api/widget/messages", params={"after": 0}, headers={"Authorization": f"Bearer {session['session_token']}"}
        )
        assert response.status_code == 200, response.text
        return response.json()["messages"]
