"""The hub's client for the internal Rasa server and action server."""

from __future__ import annotations

from typing import Any, Optional

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    """REST channel for turns; the HTTP API for proactive (trigger_intent) turns."""

    def __init__(self, rasa_url: str, actions_url: str, *, token: Optional[str] = None, timeout: float = 30.0) -> None:
        self.rasa_url = rasa_url
        self.actions_url = actions_url
        self._params = {"token": token} if token else {}
        self._http = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=100, max_keepalive_connections=50))

    async def close(self) -> None:
        await self._http.aclose()

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """One borrower turn through the REST channel; returns Rasa's outputs."""
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        return await self._post_list(f"{self.rasa_url}/webhooks/rest/webhook", body)

    async def trigger(
        self, conversation_id: str, intent: str, entities: dict[str, Any], borrower_id: str
    ) -> list[dict[str, Any]]:
        """A proactive turn: make sure the tracker knows the Borrower, then trigger the intent."""
        events_url = f"{self.rasa_url}/conversations/{conversation_id}/tracker/events"
        await self._post(events_url, [{"event": "slot", "name": "borrower_id", "value": borrower_id}])
        url = f"{self.rasa_url}/conversations/{conversation_id}/trigger_intent"
        result = await self._post(url, {"name": intent, "entities": entities})
        return list(result.get("messages") or []) if isinstance(result, dict) else []

    async def health(self) -> dict[str, str]:
        return {"rasa": await self._up(f"{self.rasa_url}/"), "actions": await self._up(f"{self.actions_url}/health")}

    async def _up(self, url: str) -> str:
        try:
            response = await self._http.get(url, timeout=2.0)
            return "ok" if response.status_code == 200 else "down"
        except httpx.HTTPError:
            return "down"

    async def _post(self, url: str, body: Any) -> Any:
        try:
            response = await self._http.post(url, json=body, params=self._params)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        if response.status_code >= 400:
            raise RasaUnavailable(f"{url}: HTTP {response.status_code}: {response.text[:200]}")
        return response.json()

    async def _post_list(self, url: str, body: Any) -> list[dict[str, Any]]:
        result = await self._post(url, body)
        return list(result) if isinstance(result, list) else []
