"""The borrower widget and the collector console in real headless Chromium, against the real stack."""

from __future__ import annotations

import re
from typing import Any, Optional

import pytest
from playwright.sync_api import Page, expect

from hub.kit import COLLECTOR_NAME, COLLECTOR_PASSWORD, COLLECTOR_USER, SyncApi, eventually_sync

pytestmark = [pytest.mark.browser, pytest.mark.rasa]

MESSAGE = '[data-testid="kx-message"]'
SEQ = re.compile(r"^\d+$")
PRESSURE = "再不还钱就通知你家人和单位"
FAIR = "您好，我是客服小李。理解您的难处，我们可以先按每月500元来安排，您看可以吗？"
AGREED = "每月15日还款500元，共24期"
SCRIPT = "<script>alert(1)</script>"


# Widget helpers ----------------------------------------------------------------------
def open_widget(page: Page, hub_url: str, borrower_id: Optional[str] = None) -> Page:
    page.goto(f"{hub_url}/" + (f"?borrower={borrower_id}" if borrower_id else ""))
    expect(page.get_by_test_id("kx-panel")).to_be_visible()
    expect(page.get_by_test_id("kx-input")).to_be_editable()
    return page


def send(page: Page, text: str) -> None:
    page.get_by_test_id("kx-input").fill(text)
    page.get_by_test_id("kx-send").click()


def bubbles(page: Page, sender: str) -> Any:
    return page.locator(f'{MESSAGE}[data-sender="{sender}"]')


def sent_bubble(page: Page, text: str) -> int:
    """The borrower's bubble for `text`, once the hub has confirmed it; its seq."""
    row = bubbles(page, "borrower").filter(has_text=text).last
    expect(row).to_have_attribute("data-seq", SEQ)
    return int(row.get_attribute("data-seq") or 0)


def bot_after(page: Page, seq: int, containing: str = "") -> Any:
    """Wait for a bot bubble after `seq` (containing `containing`); return its locator."""
    candidates = bubbles(page, "bot").filter(has_text=containing) if containing else bubbles(page, "bot")

    def newest() -> Any:
        rows = [r for r in candidates.all() if int(r.get_attribute("data-seq") or 0) > seq]
        return rows[-1] if rows else None

    return eventually_sync(newest, what=f"a bot bubble after seq {seq}" + (f" with {containing!r}" if containing else ""))


def shown(page: Page) -> list[tuple[int, str, str]]:
    """What the widget shows: (seq, sender, text) of every confirmed bubble, top to bottom."""
    return [
        (int(seq), sender, text)
        for seq, sender, text in page.eval_on_selector_all(
            f"{MESSAGE}[data-seq]",
            "els => els.map(e => [e.dataset.seq, e.dataset.sender, e.querySelector('[data-testid=kx-message-text]').textContent])",
        )
    ]


def on_server(api: SyncApi, token: str) -> list[tuple[int, str, str]]:
    return [(m["seq"], m["sender_type"], m["text"]) for m in api.messages(token)]


def matches_server(page: Page, api: SyncApi, token: str) -> list[tuple[int, str, str]]:
    """The widget shows exactly the server's messages (waits for in-flight turns to settle)."""
    state: dict[str, Any] = {}

    def same() -> bool:
        state["page"], state["server"] = shown(page), on_server(api, token)
        return state["page"] == state["server"]

    try:
        eventually_sync(same, what="the widget to show exactly the stored messages")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nwidget: {state.get('page')}\nserver: {state.get('server')}") from None
    return state["page"]


# Console helpers ---------------------------------------------------------------------
def console_login(page: Page, hub_url: str) -> Page:
    page.goto(f"{hub_url}/console")
    page.get_by_test_id("kx-login-user").fill(COLLECTOR_USER)
    page.get_by_test_id("kx-login-pass").fill(COLLECTOR_PASSWORD)
    page.get_by_test_id("kx-login-submit").click()
    expect(page.get_by_test_id("kx-queue")).to_be_visible()
    return page


# Tests -------------------------------------------------------------------------------
def test_chatting_on_the_demo_page_and_a_reload_shows_the_same_messages_once(stack: Any, api: SyncApi, new_page: Any, shots: Any) -> None:
    page = open_widget(new_page(), stack.hub_url)  # the demo page's first borrower: demo-001, 王女士
    shots(page, "opened")
    _, token = api.open_session("demo-001")

    send(page, "你好")
    hello = sent_bubble(page, "你好")
    greeting = bot_after(page, hello, containing="王女士")
    expect(page.get_by_test_id("kx-typing")).to_be_hidden()
    shots(page, "bot-greeted")

    balance_button = greeting.get_by_test_id("kx-button").filter(has_text="查询欠款")
    expect(balance_button).to_be_enabled()
    balance_button.click()
    asked = sent_bubble(page, "查询欠款")
    bot_after(page, asked, containing="12,000.00元")
    before = matches_server(page, api, token)
    shots(page, "quick-reply-answered")

    page.reload()
    expect(page.get_by_test_id("kx-panel")).to_be_visible()
    after = matches_server(page, api, token)
    assert after == before
    seqs = [seq for seq, _, _ in after]
    assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs)
    assert page.locator(f"{MESSAGE}:not([data-seq])").count() == 0  # nothing left pending
    shots(page, "after-reload")


def test_a_script_message_is_shown_as_text_and_never_runs(stack: Any, api: SyncApi, new_page: Any, shots: Any) -> None:
    borrower_id = api.new_borrower("xss")
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_widget(page, stack.hub_url, borrower_id)
    payload = SCRIPT + '<img src="x" onerror="alert(2)">'

    send(page, payload)
    seq = sent_bubble(page, SCRIPT)
    bot_after(page, seq)
    row = page.locator(f'{MESSAGE}[data-seq="{seq}"]')
    assert SCRIPT in (row.text_content() or "")
    expect(row.get_by_test_id("kx-message-text")).to_have_text(payload)
    assert page.locator('[data-testid="kx-messages"] script, [data-testid="kx-messages"] img').count() == 0
    shots(page, "script-as-text")

    page.reload()  # rendered again from the stored history
    expect(page.locator(f'{MESSAGE}[data-seq="{seq}"]').get_by_test_id("kx-message-text")).to_have_text(payload)
    assert page.locator('[data-testid="kx-messages"] script, [data-testid="kx-messages"] img').count() == 0
    assert dialogs == []


def test_handoff_round_trip_across_widget_and_console(stack: Any, api: SyncApi, new_page: Any, shots: Any) -> None:
    borrower_id = api.new_borrower("hand", display_name="郑先生")
    console_token = api.console_token()
    widget = open_widget(new_page((420, 760)), stack.hub_url, borrower_id)  # phone-sized
    dialogs: list[str] = []

    send(widget, "我要转人工")
    asked = sent_bubble(widget, "我要转人工")
    bot_after(widget, asked, containing="人工")
    expect(widget.get_by_test_id("kx-status")).to_contain_text("转接人工")
    shots(widget, "widget-asked-for-a-person")
    conversation = eventually_sync(lambda: api.conversation_of(borrower_id, console_token), what="the conversation in the queue")
    cid = conversation["conversation_id"]

    console = console_login(new_page((1440, 900)), stack.hub_url)
    console.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    item = console.locator(f'[data-testid="kx-queue-item"][data-conversation-id="{cid}"]')
    expect(item).to_be_visible()
    expect(item).to_have_attribute("data-priority", "normal")
    expect(item).to_contain_text("郑先生")
    shots(console, "console-queue")

    item.click()
    transcript = console.get_by_test_id("kx-transcript")
    expect(transcript.get_by_test_id("kx-console-message").filter(has_text="我要转人工")).to_be_visible()
    expect(console.get_by_test_id("kx-context")).to_contain_text("郑先生")
    expect(console.get_by_test_id("kx-context")).to_contain_text("12000.00")
    console.get_by_test_id("kx-claim").click()
    expect(console.get_by_test_id("kx-reply")).to_be_enabled()
    shots(console, "console-claimed")

    expect(bubbles(widget, "system").filter(has_text="已加入对话").filter(has_text=COLLECTOR_NAME)).to_be_visible()
    expect(widget.get_by_test_id("kx-status")).to_contain_text("已加入对话")
    send(widget, SCRIPT)  # the console renders borrower text as text too
    expect(transcript.get_by_test_id("kx-console-message").filter(has_text=SCRIPT)).to_be_visible()
    assert console.locator('[data-testid="kx-transcript"] script').count() == 0
    shots(widget, "widget-collector-joined")

    console.get_by_test_id("kx-reply").fill(PRESSURE)
    console.get_by_test_id("kx-reply-send").click()
    violations = console.get_by_test_id("kx-violations")
    expect(violations).to_be_visible()
    expect(violations).not_to_be_empty()
    shots(console, "console-pressure-blocked")

    console.get_by_test_id("kx-reply").fill(FAIR)
    console.get_by_test_id("kx-reply-send").click()
    reply = bubbles(widget, "collector").filter(has_text=FAIR)
    expect(reply).to_be_visible()
    assert bubbles(widget, "collector").filter(has_text="家人").count() == 0
    expect(transcript.get_by_test_id("kx-console-message").filter(has_text=FAIR)).to_be_visible()
    shots(widget, "widget-collector-reply")

    console.get_by_test_id("kx-note").fill("借款人月底发工资，内部备注")
    console.get_by_test_id("kx-note-send").click()
    expect(transcript.get_by_test_id("kx-console-message").filter(has_text="内部备注")).to_be_visible()

    console.get_by_test_id("kx-handback").click()
    console.get_by_test_id("kx-dialog-input").fill(AGREED)
    shots(console, "console-handback-dialog")
    console.get_by_test_id("kx-dialog-confirm").click()
    reply_seq = int(reply.get_attribute("data-seq") or 0)
    bot_after(widget, reply_seq, containing=AGREED)
    expect(widget.get_by_test_id("kx-status")).to_have_text("智能助手")
    assert bubbles(widget, "collector").filter(has_text="内部备注").count() == 0
    assert widget.get_by_text("内部备注").count() == 0
    shots(widget, "widget-bot-resumed")
    shots(console, "console-after-handback")

    send(widget, "好的，谢谢")
    bot_after(widget, sent_bubble(widget, "好的，谢谢"))
    assert dialogs == []
    api.resolve(cid, console_token)
