"""A blocked text names its author: a trainer's template in domain.yml, or text the action server composed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kuanxian.domain.message import SenderType
from kuanxian.hub.delivery import BOT_FALLBACK, Outgoing
from kuanxian.hub.services import Hub
from kuanxian.hub.templates import Templates
from kuanxian.settings import Settings
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage.schema import blocked_texts

# A trainer's bad template: a deadline tied to telling the family, with a slot in it.
BAD_TEMPLATE = "{name}，3天内不还清，我们就联系你的家人和单位。"
DOMAIN = f"""
version: "3.1"
responses:
  utter_fine:
    - text: "您好，有什么可以帮您？"
  utter_bad:
    - text: "{BAD_TEMPLATE}"
"""


@pytest.fixture
async def hub(database: str, tmp_path: Path) -> AsyncIterator[Hub]:
    domain = tmp_path / "domain.yml"
    domain.write_text(DOMAIN, encoding="utf-8")
    settings = Settings(database_url=database, demo=True, brain="scripted", scheduler_enabled=False, domain_path=domain)
    started = await Hub.start(settings, background=False)
    yield started
    await started.stop(drain_seconds=1)


async def authors_of_blocked(hub: Hub, conversation_id: str) -> list[str]:
    async with hub.transactions.read() as conn:
        rows = await conn.execute(select(blocked_texts.c.author).where(blocked_texts.c.conversation_id == conversation_id))
        return [str(a) for a in rows.scalars()]


async def test_a_blocked_template_is_counted_as_the_trainers_and_a_composed_text_as_the_bots(hub: Hub) -> None:
    async with hub.transactions() as tx:
        conversation = await conversation_store.create(tx.conn, "demo-001", tx.now)
        cid = conversation.conversation_id
        sent = await hub.delivery.post(tx, cid, SenderType.BOT, Outgoing(BAD_TEMPLATE.format(name="王女士")))
        composed = await hub.delivery.post(tx, cid, SenderType.BOT, Outgoing("今天不还，明天就去你单位找你领导。"))
    assert sent.text == composed.text == BOT_FALLBACK, "neither reaches the Borrower"
    assert sorted(await authors_of_blocked(hub, cid)) == ["bot", "template"]


def test_templates_match_their_filled_in_slots_only() -> None:
    templates = Templates.from_domain(DOMAIN)
    assert templates.written_by_trainer("李先生，3天内不还清，我们就联系你的家人和单位。")
    assert templates.written_by_trainer("您好，有什么可以帮您？")
    assert not templates.written_by_trainer("您好，有什么可以帮您？还有别的吗")


def test_a_broken_domain_file_gives_no_templates_and_no_error() -> None:
    assert Templates.from_domain("responses: [unclosed").patterns == ()
