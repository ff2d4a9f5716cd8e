"""The unread badge: what the bot said while the widget was closed, until it is read."""

from __future__ import annotations

from .kit import HubApi


async def unread_on_return(api: HubApi, borrower_id: str) -> dict:
    token = await api.borrower_token(borrower_id)
    response = await api.http.post("/api/widget/sessions", json={"borrower_token": token})
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_unread_counts_replies_until_marked_read(api: HubApi) -> None:
    session = await api.new_session("read")
    seq = await session.say("你好")
    reply = await session.wait_for_bot(seq)
    before = await unread_on_return(api, session.borrower_id)
    assert before["unread"] >= 1 and before["last_read_seq"] == 0

    marked = await api.http.post("/api/widget/read", json={"seq": reply["seq"]}, headers=session.auth)
    assert marked.status_code == 204
    after = await unread_on_return(api, session.borrower_id)
    assert after["last_read_seq"] == reply["seq"]
    assert after["unread"] == before["unread"] - len([m for m in await session.messages() if m["sender_type"] != "borrower" and m["seq"] <= reply["seq"]])


async def test_a_read_mark_beyond_the_last_message_is_clamped_and_bad_ones_refused(api: HubApi) -> None:
    session = await api.new_session("read")
    seq = await session.say("你好")
    await session.wait_for_bot(seq)
    last = max(m["seq"] for m in await session.messages())
    assert (await api.http.post("/api/widget/read", json={"seq": last + 100}, headers=session.auth)).status_code == 204
    assert (await unread_on_return(api, session.borrower_id))["last_read_seq"] == last
    for bad in ({"seq": -1}, {"seq": "3"}, {}):
        response = await api.http.post("/api/widget/read", json=bad, headers=session.auth)
        assert response.status_code == 422 and response.json()["field"] == "seq"
    assert (await api.http.post("/api/widget/read", json={"seq": 1})).status_code == 401
