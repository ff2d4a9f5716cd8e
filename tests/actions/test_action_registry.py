"""What the action server loads: every module imports, every action in domain.yml exists, and the wire format."""

from __future__ import annotations

import importlib

import pytest
from actionkit import ACTION_MODULES, Database, domain
from rasa_sdk.executor import ActionExecutor

from actions import runtime
from kuanxian.commands import OptOut, parse_command

DOMAIN_ACTIONS = set(domain()["actions"])


@pytest.mark.parametrize("module", ACTION_MODULES)
def test_every_action_module_imports(module: str) -> None:
    assert importlib.import_module(f"actions.{module}") is not None


def test_the_registry_lists_every_action_of_the_domain() -> None:
    names = set(runtime.registry())
    assert names == DOMAIN_ACTIONS - {"action_session_start"}, (
        f"in domain.yml only: {sorted(DOMAIN_ACTIONS - {'action_session_start'} - names)}; in code only: {sorted(names - DOMAIN_ACTIONS)}"
    )


def test_the_action_server_registers_exactly_the_domains_actions() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == DOMAIN_ACTIONS


async def test_a_command_travels_as_a_custom_payload_through_the_action_server(db: Database) -> None:
    """The JSON the action server returns to Rasa: texts as `text`, a command as `custom`."""
    executor = ActionExecutor()
    executor.register_package("actions")
    call = {
        "next_action": "action_stop_contact",
        "sender_id": "c1",
        "tracker": {
            "sender_id": "c1",
            "slots": {"borrower_id": "demo-001"},
            "latest_message": {
                "text": "别再发了",
                "intent": {"name": "stop_contact"},
                "entities": [],
                "metadata": {"borrower_id": "demo-001"},
            },
            "events": [],
            "latest_action_name": "action_listen",
        },
        "domain": domain(),
    }
    response = await executor.run(call)
    assert response is not None
    customs = [r["custom"] for r in response["responses"] if r.get("custom")]
    assert [parse_command(c) for c in customs] == [OptOut()]
    assert customs[0]["kuanxian"]["version"] == 2
    assert any("关闭主动还款提醒" in (r.get("text") or "") for r in response["responses"] if not r.get("custom"))


async def test_session_start_takes_the_borrower_from_the_authenticated_metadata() -> None:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.session import ActionSessionStart

    slots = {"session_started_metadata": {"borrower_id": "demo-002"}, "negotiation": {"asked": "terms"}, "pending_offer": "plan_confirm"}
    tracker = Tracker("c1", slots, {}, [], False, None, {}, None)
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, domain())

    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    set_slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert set_slots["borrower_id"] == "demo-002"
    assert set_slots["negotiation"] == {"asked": "terms"}, "the negotiation carries over a new session"
    assert "pending_offer" not in set_slots, "a question from an old session is not answered by a yes in a new one"
