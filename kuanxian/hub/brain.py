"""The hub's Brain: what understands a Borrower's message and decides the reply.

`RasaBrain` is the real one: the REST channel for turns, `trigger_intent` for
proactive turns, several Rasa instances with each Conversation routed to one of
them by a stable hash of its id, failing over to the next when one is down
(the tracker store is shared, so the next one sees the history). Rasa 3.6's
open-source Redis lock store races across instances, which is why one
Conversation always goes to the same instance while it is up.

`kuanxian.hub.scripted_brain.ScriptedBrain` is a fake for tests and demos without a model.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol

import httpx

from kuanxian.commands import COMMAND_VERSION, PAYLOAD_KEY, Command, CommandError, parse_command
from kuanxian.domain.message import Button

logger = logging.getLogger(__name__)

DOWN_FOR_SECONDS = 10.0


class BrainUnavailable(Exception):
    """No Rasa instance answered (or every one answered with an error)."""


@dataclass(frozen=True)
class BotText:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class RejectedCommand:
    """A command payload that breaks the contract (kuanxian.commands): never applied, always logged and counted.

    `command` is the payload's `type` when it names one, else "unknown"; `reason` a short code
    (`unsupported_version`, `unknown_type`, `invalid_payload`); `detail` what exactly was wrong.
    """

    command: str
    reason: str
    detail: str


@dataclass(frozen=True)
class BrainReply:
    """What the Brain said and decided: texts for the Borrower, commands for the hub."""

    texts: tuple[BotText, ...] = ()
    commands: tuple[Command, ...] = ()
    rejected: tuple[RejectedCommand, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing to show and nothing to do: e.g. the action server failed and Rasa said 200 []."""
        return not self.texts and not self.commands


@dataclass(frozen=True)
class TurnContext:
    """What the hub tells the Brain with every turn (Rasa message metadata)."""

    borrower_id: str
    conversation_id: str
    recent: tuple[str, ...] = ()
    safety: str = "none"
    hardship_pause_days: int = 7
    # A person has been asked for and not yet joined: the assistant still answers, and says so.
    awaiting_person: bool = False

    def metadata(self) -> dict[str, Any]:
        return {
            "borrower_id": self.borrower_id,
            "conversation_id": self.conversation_id,
            "recent": list(self.recent),
            "safety": self.safety,
            "hardship_pause_days": self.hardship_pause_days,
            "awaiting_person": self.awaiting_person,
        }


class Brain(Protocol):
    async def turn(self, text: str, context: TurnContext) -> BrainReply:
        """One Borrower turn."""
        ...

    async def trigger(self, intent: str, entities: Mapping[str, str], context: TurnContext) -> BrainReply:
        """A proactive turn (a reminder, a hand-back)."""
        ...

    async def health(self) -> dict[str, str]: ...

    async def close(self) -> None: ...


def _rejected(custom: object, exc: CommandError) -> RejectedCommand:
    body = custom.get(PAYLOAD_KEY) if isinstance(custom, Mapping) else None
    kind = body.get("type") if isinstance(body, Mapping) else None
    command = kind[:48] if isinstance(kind, str) and kind else "unknown"
    detail = str(exc)
    if isinstance(body, Mapping) and body.get("version") != COMMAND_VERSION:
        reason = "unsupported_version"
    elif detail.startswith("unknown command type"):
        reason = "unknown_type"
    else:
        reason = "invalid_payload"
    return RejectedCommand(command, reason, detail[:300])


def parse_outputs(outputs: Sequence[object]) -> BrainReply:
    """Rasa's REST outputs as typed texts and commands; malformed payloads are set aside, never applied."""
    texts: list[BotText] = []
    commands: list[Command] = []
    rejected: list[RejectedCommand] = []
    for output in outputs:
        if not isinstance(output, Mapping):
            continue
        custom = output.get("custom")
        if custom is not None:
            try:
                command = parse_command(custom)
            except CommandError as exc:
                rejected.append(_rejected(custom, exc))
                continue
            if command is not None:
                commands.append(command)
            continue
        text = output.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in output.get("buttons") or [] if isinstance(b, Mapping)
        )
        texts.append(BotText(text, buttons))
    return BrainReply(tuple(texts), tuple(commands), tuple(rejected))


@dataclass
class _Instance:
    rasa_url: str
    actions_url: str
    down_until: float = 0.0


@dataclass
class RasaBrain:
    rasa_urls: Sequence[str]
    actions_urls: Sequence[str]
    token: Optional[str] = None
    timeout: float = 30.0
    _instances: list[_Instance] = field(init=False)
    _http: httpx.AsyncClient = field(init=False)

    def __post_init__(self) -> None:
        actions = list(self.actions_urls) + [self.actions_urls[-1]] * (len(self.rasa_urls) - len(self.actions_urls))
        self._instances = [_Instance(r, a) for r, a in zip(self.rasa_urls, actions, strict=False)]
        self._http = httpx.AsyncClient(timeout=self.timeout, limits=httpx.Limits(max_connections=200, max_keepalive_connections=100))

    def route(self, conversation_id: str) -> list[_Instance]:
        """The Conversation's own instance first, then the others in order (failover)."""
        start = int.from_bytes(hashlib.sha256(conversation_id.encode()).digest()[:8], "big") % len(self._instances)
        ordered = self._instances[start:] + self._instances[:start]
        now = time.monotonic()
        up = [i for i in ordered if i.down_until <= now]
        return up + [i for i in ordered if i.down_until > now]

    async def turn(self, text: str, context: TurnContext) -> BrainReply:
        body = {"sender": context.conversation_id, "message": text, "metadata": context.metadata()}
        result = await self._call(context.conversation_id, "/webhooks/rest/webhook", body)
        return parse_outputs(result if isinstance(result, list) else [])

    async def trigger(self, intent: str, entities: Mapping[str, str], context: TurnContext) -> BrainReply:
        cid = context.conversation_id
        await self._call(
            cid, f"/conversations/{cid}/tracker/events", [{"event": "slot", "name": "borrower_id", "value": context.borrower_id}]
        )
        result = await self._call(cid, f"/conversations/{cid}/trigger_intent", {"name": intent, "entities": dict(entities)})
        messages = result.get("messages") if isinstance(result, Mapping) else None
        return parse_outputs(messages if isinstance(messages, list) else [])

    async def _call(self, conversation_id: str, path: str, body: object) -> object:
        errors = []
        params = {"token": self.token} if self.token else {}
        for instance in self.route(conversation_id):
            try:
                response = await self._http.post(instance.rasa_url + path, json=body, params=params)
            except httpx.HTTPError as exc:
                errors.append(f"{instance.rasa_url}: {type(exc).__name__}")
                instance.down_until = time.monotonic() + DOWN_FOR_SECONDS
                continue
            if response.status_code >= 500:
                errors.append(f"{instance.rasa_url}: HTTP {response.status_code}")
                instance.down_until = time.monotonic() + DOWN_FOR_SECONDS
                continue
            if response.status_code >= 400:
                raise BrainUnavailable(f"{instance.rasa_url}{path}: HTTP {response.status_code}: {response.text[:200]}")
            try:
                return response.json()
            except ValueError as exc:
                raise BrainUnavailable(f"{instance.rasa_url}{path}: not JSON") from exc
        raise BrainUnavailable("; ".join(errors) or "no Rasa instance configured")

    async def health(self) -> dict[str, str]:
        """`rasa`, `actions`, `rasa1`, `actions1`, …: "ok" or "down" for every instance, probed at once (2 s each)."""
        probes = [self._up(i.rasa_url + "/") for i in self._instances] + [self._up(i.actions_url + "/health") for i in self._instances]
        results = await asyncio.gather(*probes)
        count = len(self._instances)
        status: dict[str, str] = {}
        for n in range(count):
            status[f"rasa{n or ''}"] = results[n]
            status[f"actions{n or ''}"] = results[count + n]
        return status

    async def _up(self, url: str) -> str:
        try:
            response = await self._http.get(url, timeout=2.0)
            return "ok" if response.status_code == 200 else "down"
        except httpx.HTTPError:
            return "down"

    async def close(self) -> None:
        await self._http.aclose()
