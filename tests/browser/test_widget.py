"""The borrower widget, embedded by a lender on another origin, in real headless Chromium.

Each test has its own borrower (lender admin API), so texts need not be unique across tests; they are
fixed on purpose: a random suffix once made the crisis model hand a test conversation to a person.
"""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, Route, expect
from support.polling import eventually_sync

from browser.kit import CONTRAST_JS, HubApi, LenderSite
from browser.pages import MESSAGE, bubbles, open_widget, seq_of, shown, transcript_height, widget_send

STREAM = re.compile(r".*/api/widget/stream\?.*")


def server_view(hub: HubApi, borrower_id: str) -> list[tuple[int, str, str]]:
    session = hub.widget_session(borrower_id)
    return [(m["seq"], m["sender_type"], m["text"]) for m in hub.widget_messages(session["session_token"])]


def test_widget_on_another_origin_sends_receives_and_reloads_closed(new_page: Any, hub: HubApi, lender: LenderSite, shots: Any) -> None:
    """Lender page on its own origin loads the module from the hub; WebSocket chat; reload keeps history, stays closed."""
    borrower = hub.new_borrower("周女士")
    page: Page = new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(f"{lender.url}/lender.html?borrower={borrower}")
    assert page.evaluate("location.origin") == lender.url != hub.url

    expect(page.get_by_test_id("kx-launcher")).to_be_visible()
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线")
    expect(page.get_by_test_id("kx-panel")).to_be_hidden()  # a first visit does not pop open either
    open_widget(page)
    text = "你好，我想问问还款的事"
    widget_send(page, text)
    mine = bubbles(page, "borrower", text)
    expect(mine).to_have_count(1)
    reply = bubbles(page, "bot", f"收到：{text}")
    expect(reply).to_have_count(1)
    assert seq_of(reply) > seq_of(mine)
    assert any(url.startswith(hub.url.replace("http", "ws", 1) + "/api/widget/stream?") for url in sockets), sockets
    shots(page, "answered")
    before = shown(page)
    assert before == server_view(hub, borrower)
    eventually_sync(
        lambda: hub.widget_session(borrower)["last_read_seq"] == before[-1][0], timeout=10, what="the widget's read mark at the hub"
    )

    page.reload()
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线")
    expect(page.locator(f"{MESSAGE}[data-seq]")).to_have_count(len(before))  # history replayed into the closed widget
    expect(page.get_by_test_id("kx-panel")).to_be_hidden()  # ... which did not open by itself
    expect(page.get_by_test_id("kx-badge")).to_be_hidden()  # everything had been read
    shots(page, "reloaded-closed")
    open_widget(page)
    assert shown(page) == before
    expect(bubbles(page, "borrower", text)).to_have_count(1)  # no duplicate after the replay
    shots(page, "reopened")


def test_unread_badge_read_marks_and_quick_replies(new_page: Any, hub: HubApi, lender: LenderSite, shots: Any) -> None:
    """Replies that arrive while closed badge the launcher; opening marks them read at the hub; buttons send payloads."""
    borrower = hub.new_borrower("钱先生")
    page: Page = new_page()
    page.goto(f"{lender.url}/getter.html?borrower={borrower}")  # the lender supplies getBorrowerToken
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线")
    expect(page.get_by_test_id("kx-badge")).to_be_hidden()

    other_device = hub.widget_session(borrower)["session_token"]
    hub.borrower_says(other_device, "我在手机上问一下：能分12期吗")
    expect(page.get_by_test_id("kx-badge")).to_have_text("1")  # the assistant's offer, not the borrower's own line
    expect(page.get_by_test_id("kx-panel")).to_be_hidden()
    shots(page, "badge")

    open_widget(page)
    expect(page.get_by_test_id("kx-badge")).to_be_hidden()
    divider = page.get_by_test_id("kx-unread-divider")
    expect(divider).to_be_visible()
    expect(divider).to_have_text("以下为新消息")

    def read_at_hub() -> bool:
        session = hub.widget_session(borrower)
        return session["unread"] == 0 and session["last_read_seq"] >= max(s for s, _, _ in shown(page))

    eventually_sync(read_at_hub, timeout=10, what="the read mark at the hub")

    page.get_by_test_id("kx-choice").filter(has_text="确认这个计划").click()
    expect(bubbles(page, "borrower", "确认这个计划")).to_have_count(1)  # the hub shows the button's title
    expect(bubbles(page, "bot", "已经为您确认还款计划")).to_have_count(1)
    expect(page.get_by_test_id("kx-choice").first).to_be_disabled()  # old buttons cannot be pressed again
    shots(page, "plan-confirmed")
    # The confirmation was seen with the widget open: it is marked read at the hub (then a reload shows no badge).
    eventually_sync(read_at_hub, timeout=10, what="the read mark of the confirmation at the hub")

    page.reload()
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线")
    expect(page.locator(f"{MESSAGE}[data-seq]")).to_have_count(len(server_view(hub, borrower)))
    expect(page.get_by_test_id("kx-badge")).to_be_hidden()


def test_contrast_of_all_widget_text_meets_wcag_aa(new_page: Any, hub: HubApi, lender: LenderSite, shots: Any) -> None:
    """Computed colours of every visible text (launcher, send button, messages, banner) reach 4.5:1,
    and the lender's careless global CSS does not reach inside."""
    borrower = hub.new_borrower("孙女士")
    page: Page = new_page()
    page.goto(f"{lender.url}/lender.html?borrower={borrower}")
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线")
    widget = page.locator("kuanxian-widget")
    measured: list[dict[str, Any]] = []

    def measure() -> list[dict[str, Any]]:
        found = widget.evaluate(f"el => ({CONTRAST_JS})(el.shadowRoot)")
        measured.extend(found)
        return found

    closed = measure()
    assert any(m["testid"] == "kx-launcher" and m["text"] == "还款协商" for m in closed), closed

    open_widget(page)
    measure()  # the send button disabled (empty draft)
    text = "我这个月收入少了"
    widget_send(page, text)
    expect(bubbles(page, "bot", f"收到：{text}")).to_have_count(1)
    page.get_by_test_id("kx-input").fill("草稿")
    expect(page.get_by_test_id("kx-send")).to_be_enabled()
    opened = measure()
    widget_send(page, "转人工")
    expect(page.get_by_test_id("kx-status")).to_have_text("正在为您转接人工…")
    measure()
    shots(page, "measured")

    def find(testid: str, sender: str = "") -> list[dict[str, Any]]:
        return [m for m in opened if m["testid"] == testid and (not sender or m["sender"] == sender)]

    assert find("kx-send"), "the send button's text was not measured"
    assert find("kx-message-text", "borrower") and find("kx-message-text", "bot"), "message texts were not measured"
    assert any(m["testid"] == "kx-status" for m in measured)
    low = [m for m in measured if m["ratio"] < 4.5]
    assert not low, "text below WCAG AA 4.5:1:\n" + "\n".join(json.dumps(m, ensure_ascii=False) for m in low)
    # The lender's `* { font-size: 40px !important; color: #ff0 !important }` stayed outside the shadow root.
    assert {m["fontSize"] for m in find("kx-message-text")} == {"15px"}
    assert all(m["color"] != "rgb(255, 255, 0)" for m in measured)


def test_transcript_height_is_stable_when_banners_and_notices_show(new_page: Any, hub: HubApi, lender: LenderSite, shots: Any) -> None:
    """The status banner, the typing row and an error notice add to the panel; the transcript keeps its height."""
    borrower = hub.new_borrower("吴先生")
    page: Page = new_page()
    routes: list[Any] = []

    def through(ws: Any) -> None:  # a transparent proxy: lets the test add frames from "the hub"
        ws.connect_to_server()
        routes.append(ws)

    page.route_web_socket(STREAM, through)
    page.goto(f"{lender.url}/lender.html?borrower={borrower}")
    open_widget(page)
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线")
    panel = page.get_by_test_id("kx-panel")
    height = transcript_height(page)
    panel_height = panel.evaluate("el => el.getBoundingClientRect().height")
    assert height >= 180

    widget_send(page, "转人工")
    expect(page.get_by_test_id("kx-status")).to_have_text("正在为您转接人工…")
    assert transcript_height(page) == height

    routes[-1].send(json.dumps({"type": "typing", "on": True}))
    expect(page.get_by_test_id("kx-typing")).to_be_visible()
    assert transcript_height(page) == height

    routes[-1].send(
        json.dumps({"type": "error", "error": "rate_limited", "message": "too many messages; please wait a moment", "retry_after": 7})
    )
    notice = page.get_by_test_id("kx-notice")
    expect(notice).to_have_text("操作有点频繁，请 7 秒后再试。")  # friendly Chinese, not the hub's English
    assert transcript_height(page) == height
    assert panel.evaluate("el => el.getBoundingClientRect().height") > panel_height + 40  # the panel grew instead
    shots(page, "banner-typing-notice")

    routes[-1].send(json.dumps({"type": "error", "error": "internal", "message": "internal error; nothing was changed"}))
    expect(notice).to_have_text("服务暂时出了点问题，什么都没有改变，请稍后再试。")
    assert transcript_height(page) == height


def test_outbox_over_http_shows_failure_retries_and_never_duplicates(new_page: Any, hub: HubApi, lender: LenderSite, shots: Any) -> None:
    """transport="http": POST + polling. A message whose sends fail shows 发送失败 + 重试; a 429 is explained and
    waited out; a send whose answer is lost is retried with the same client_id; the hub stores it once."""
    borrower = hub.new_borrower("郑女士")
    page: Page = new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    client_ids: list[str] = []
    mode = {"now": "drop"}

    def posts(route: Route) -> None:
        request = route.request
        if request.method != "POST":
            route.continue_()
            return
        client_ids.append(json.loads(request.post_data or "{}").get("client_id"))
        if mode["now"] == "drop":  # the network is down
            route.abort("internetdisconnected")
        elif mode["now"] == "429":
            mode["now"] = "lose-answer"
            route.fulfill(
                status=429,
                headers={"Access-Control-Allow-Origin": "*", "Retry-After": "2"},
                json={"error": "rate_limited", "message": "too many messages; please wait a moment", "retry_after": 2},
            )
        elif mode["now"] == "lose-answer":  # the hub stores it, but the 202 never reaches the browser
            mode["now"] = "pass"
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r".*/api/widget/messages$"), posts)
    page.goto(f"{lender.url}/getter.html?borrower={borrower}&transport=http")
    open_widget(page)
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线（兼容模式）")
    text = "我下周发工资后可以先还一部分"
    widget_send(page, text)
    pending = page.locator(f"{MESSAGE}[data-pending]").filter(has_text=text)
    expect(pending).to_have_attribute("data-state", "sending")
    expect(pending).to_have_attribute("data-state", "failed", timeout=20_000)
    expect(pending.get_by_test_id("kx-message-state")).to_have_text("发送失败")
    shots(page, "failed")

    mode["now"] = "429"
    pending.get_by_test_id("kx-retry").click()
    expect(page.get_by_test_id("kx-notice")).to_have_text("操作有点频繁，请 2 秒后再试。")
    expect(bubbles(page, "borrower", text)).to_have_count(1, timeout=20_000)
    expect(bubbles(page, "bot", f"收到：{text}")).to_have_count(1)
    expect(page.locator(f"{MESSAGE}[data-pending]")).to_have_count(0)
    shots(page, "delivered-once")

    assert mode["now"] == "pass" and len(client_ids) >= 5, client_ids
    assert len(set(client_ids)) == 1, client_ids  # every attempt carried the same client_id
    assert [t for _, _, t in server_view(hub, borrower)].count(text) == 1  # ... so the hub stored it once
    assert [t for _, _, t in shown(page)].count(text) == 1
    assert not [url for url in sockets if "/api/widget/stream" in url], sockets  # HTTP only, as asked


def test_socket_reconnects_and_replays_from_the_last_seq(new_page: Any, hub: HubApi, lender: LenderSite, shots: Any) -> None:
    """The hub's socket drops; the widget reconnects with after=<last seq> and shows what it missed, once."""
    borrower = hub.new_borrower("冯先生")
    page: Page = new_page()
    routes: list[Any] = []

    def through(ws: Any) -> None:
        ws.connect_to_server()
        routes.append(ws)

    page.route_web_socket(STREAM, through)
    page.goto(f"{lender.url}/lender.html?borrower={borrower}")
    open_widget(page)
    first = "第一句话"
    widget_send(page, first)
    expect(bubbles(page, "bot", f"收到：{first}")).to_have_count(1)
    last = max(seq for seq, _, _ in shown(page))

    routes[0].close(code=1011, reason="hub restarting")
    other = "我在另一台设备上又问了一句"
    hub.borrower_says(hub.widget_session(borrower)["session_token"], other)
    expect(bubbles(page, "bot", f"收到：{other}")).to_have_count(1)
    expect(page.get_by_test_id("kx-conn")).to_have_text("在线")
    assert len(routes) >= 2 and f"after={last}" in routes[1].url, [r.url for r in routes]
    assert shown(page) == server_view(hub, borrower)  # in order, nothing twice
    shots(page, "replayed")


def test_a_message_typed_while_the_session_is_still_opening_is_sent_when_it_opens(new_page: Any, hub: HubApi, lender: LenderSite) -> None:
    """A slow first load: the borrower types before POST /sessions has answered; the words are kept, not dropped."""
    borrower = hub.new_borrower("慢网络")
    page: Page = new_page()
    held: list[Route] = []
    page.route(re.compile(r".*/api/widget/sessions$"), lambda route: held.append(route))
    page.goto(f"{lender.url}/lender.html?borrower={borrower}")
    open_widget(page)
    eventually_sync(lambda: bool(held) or None, timeout=10, what="the session request, held back")
    text = "网太慢了 我先打一句"
    widget_send(page, text)
    expect(page.get_by_test_id("kx-notice")).to_contain_text("连上后马上为您发送")
    page.unroute(re.compile(r".*/api/widget/sessions$"))  # the held request goes on to the hub now
    expect(bubbles(page, "borrower", text)).to_have_count(1)
    expect(bubbles(page, "bot", f"收到：{text}")).to_have_count(1)
    assert [t for _, _, t in server_view(hub, borrower)].count(text) == 1
