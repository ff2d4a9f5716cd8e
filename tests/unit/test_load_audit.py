"""The load benches' audit: what counts as lost, doubled or covered by an acknowledgment."""

from __future__ import annotations

from typing import Any

from kuanxian.hub.loadgen import audit


class _Response:
    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body

    def json(self) -> dict[str, Any]:
        return self._body


class _Hubs:
    """Answers GET /api/widget/messages with one conversation per session."""

    def __init__(self, conversations: list[list[dict[str, Any]]]) -> None:
        self.conversations = conversations

    async def call(self, method: str, path: str, index: int, **_: Any) -> _Response:
        assert (method, path) == ("GET", "/api/widget/messages")
        return _Response({"messages": self.conversations[index]})


def _m(sender: str, text: str, at: str, client_id: str | None = None) -> dict[str, Any]:
    return {"sender_type": sender, "text": text, "created_at": f"2026-12-06T10:{at}+00:00", "client_id": client_id}


async def test_an_unanswered_message_is_lost_unless_a_recent_acknowledgment_covers_it() -> None:
    answered = [_m("borrower", "我还欠多少", "00:00", "a"), _m("bot", "12,000元", "00:01")]
    waiting = [
        _m("borrower", "转人工", "00:00", "b"),
        _m("system", "已为您转接，请稍等", "00:01"),
        _m("borrower", "有人吗", "01:00", "c"),  # 59 s after the acknowledgment: covered
        _m("borrower", "还在吗", "05:00", "d"),  # 5 minutes later: nobody said anything
    ]
    result = await audit(_Hubs([answered, waiting]), [("s1", {}), ("s2", {})])  # type: ignore[arg-type]
    assert (result.borrower_messages, result.lost, result.covered) == (4, 1, 1)
    assert not result.ok


async def test_one_message_stored_twice_or_one_answer_sent_twice_is_counted() -> None:
    doubled = [
        _m("borrower", "你好", "00:00", "x"),
        _m("borrower", "你好", "00:00", "x"),
        _m("bot", "您好", "00:01"),
        _m("bot", "您好", "00:02"),
    ]
    result = await audit(_Hubs([doubled]), [("s", {})])  # type: ignore[arg-type]
    assert (result.duplicated_messages, result.doubled_answers) == (1, 1)
