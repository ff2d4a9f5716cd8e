"""The collector console with a borrower in the widget, a trainer's review and a lead's dashboard."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from support.polling import eventually_sync

from browser.kit import HubApi, HubError
from browser.pages import bubbles, console_login, nav_items, open_widget, painted_pixels, seq_of, widget_send

PRESSURE = "再不还钱就通知你家人和单位"
FAIR = "您好，我是客服小李。理解您的难处，我们可以一起看看每月500元是否可行，您方便时告诉我就好。"


def queue_item(page: Page, borrower_id: str) -> Any:
    return page.locator(f'[data-testid="queue-item"][data-borrower="{borrower_id}"]')


def test_collector_handles_a_handoff_end_to_end(new_page: Any, hub: HubApi, shots: Any) -> None:
    """Live queue → claim → a blocked reply explained and reported (nothing sent) → a fair reply reaches the
    widget → internal note stays internal → plan calculator with a policy exception → hand back with a plan →
    the widget shows the hand-back and the assistant's own words."""
    borrower = hub.new_borrower("王女士")
    console: Page = new_page((1440, 900))
    console_login(console, hub.url, "demo")
    assert nav_items(console) == ["队列"]
    expect(console.get_by_test_id("console-conn")).to_have_text("实时连接正常")

    widget: Page = new_page((1100, 860))
    widget.goto(f"{hub.url}/?borrower={borrower}")  # the demo lender page, under the hub's strict CSP
    open_widget(widget)
    widget_send(widget, "转人工")
    expect(widget.get_by_test_id("kx-status")).to_have_text("正在为您转接人工…")

    item = queue_item(console, borrower)
    expect(item).to_be_visible()  # pushed by the console stream: nobody reloaded
    expect(item).to_contain_text("要求人工")
    item.click()
    expect(console.get_by_test_id("ws-status")).to_have_attribute("data-status", "waiting_for_collector")
    expect(console.get_by_test_id("reply-send")).to_be_disabled()
    expect(console.get_by_test_id("ctx-account")).to_contain_text("¥12,000.00")
    console.get_by_test_id("claim").click()
    expect(console.get_by_test_id("ws-status")).to_have_attribute("data-status", "with_collector")
    expect(widget.get_by_test_id("kx-status")).to_have_text("客服 小李 已加入")
    cid = item.get_attribute("data-conversation-id")

    # A pressure reply: reviewed while typing, blocked on send, explained, reported; nothing reaches the borrower.
    draft = console.get_by_test_id("reply-input")
    draft.fill(PRESSURE)
    expect(console.get_by_test_id("review-warn")).to_contain_text("牵扯第三方")
    console.get_by_test_id("reply-send").click()
    blocked = console.get_by_test_id("blocked")
    expect(blocked).to_be_visible()
    reasons = blocked.get_by_test_id("violation")
    expect(reasons.first).to_be_visible()
    assert "third_party" in {r.get_attribute("data-category") for r in reasons.all()}
    expect(blocked).to_contain_text("牵扯第三方")
    expect(blocked.locator(".alternative").first).to_contain_text("可以这样说")
    blocked.get_by_text("模型和语料怎么看").click()
    expect(blocked.get_by_test_id("explanation")).to_contain_text("模型判断为施压话术的可能性")
    shots(console, "blocked")
    blocked.get_by_test_id("report-block").click()
    expect(blocked.get_by_test_id("report-status")).to_contain_text("已提交给训练师复核")
    trainer = hub.login("trainer")
    assert any(r["text"] == PRESSURE and r["conversation_id"] == cid for r in hub.reports(trainer))
    session = hub.widget_session(borrower)["session_token"]
    assert PRESSURE not in [m["text"] for m in hub.widget_messages(session)]

    # A fair reply goes through and reaches the widget.
    draft.fill(FAIR)
    expect(console.get_by_test_id("review-ok")).to_be_visible()
    console.get_by_test_id("reply-send").click()
    expect(bubbles(widget, "collector", FAIR)).to_have_count(1)
    expect(widget.locator('[data-sender="collector"]').last).to_contain_text("客服 小李")
    expect(blocked).to_be_hidden()

    # An internal note: set apart in the console, never shown to the borrower.
    note = "内部：借款人说下月起收入稳定"
    console.get_by_test_id("mode-note").check()
    draft.fill(note)
    console.get_by_test_id("reply-send").click()
    shown_note = console.get_by_test_id("console-note").filter(has_text=note)
    expect(shown_note).to_have_attribute("data-internal", "true")
    expect(shown_note).to_contain_text("借款人看不到")
    console.get_by_test_id("mode-reply").check()

    # The plan calculator: 400 × 30 months is outside the policy (24 months at most) and needs a lead.
    console.get_by_test_id("plan-amount").fill("400.00")
    console.get_by_test_id("plan-count").fill("30")
    console.get_by_test_id("plan-calculate").click()
    exception = console.get_by_test_id("plan-exception")
    expect(exception).to_have_attribute("data-code", "term_too_long")
    expect(exception).to_contain_text("需组长")
    expect(console.get_by_test_id("handback-plan")).to_be_disabled()
    shots(console, "plan-exception")
    console.get_by_test_id("plan-use-nearest").click()
    expect(console.get_by_test_id("plan-within-policy")).to_be_visible()
    rows = console.get_by_test_id("plan-preview").locator("tbody tr")
    expect(rows).to_have_count(int(console.get_by_test_id("plan-count").input_value()))
    summary = console.get_by_test_id("plan-summary").text_content() or ""
    console.get_by_test_id("handback-note").fill("已与借款人商定每月还款计划")
    console.get_by_test_id("handback-plan").click()
    expect(console.get_by_test_id("ws-status")).to_have_attribute("data-status", "bot")
    expect(console.get_by_test_id("ctx-plans")).to_contain_text("执行中")
    shots(console, "handed-back")

    # The widget: the hub's hand-back notice, then the assistant speaking for itself again.
    notice = bubbles(widget, "system", "已将对话交回")
    expect(notice).to_have_count(1)
    assistant = bubbles(widget, "bot").last
    expect(assistant).to_contain_text("交回给我")
    assert seq_of(assistant) > seq_of(notice)
    expect(widget.get_by_test_id("kx-status")).to_be_hidden()
    shots(widget, "assistant-back")

    plans = hub.conversation(hub.login("demo"), cid)["payment_plans"]
    assert len(plans) == 1 and plans[0]["agreed_by"].startswith("collector:"), plans
    assert f"× {plans[0]['count']} 期" in summary
    texts = [m["text"] for m in hub.widget_messages(session)]
    assert note not in texts and "已与借款人商定每月还款计划" not in texts
    expect(widget.get_by_text(note)).to_have_count(0)


def test_trainer_labels_a_reported_block(new_page: Any, hub: HubApi, shots: Any) -> None:
    """A report filed with 这条不该拦 is labelled by a trainer (here: the block was right, pressure + category)
    and leaves the open list."""
    text = "三天之内不还，后果你自己负责"
    report = hub.call("POST", "/api/console/reports", {"text": text}, token=hub.login("demo"))
    page: Page = new_page()
    console_login(page, hub.url, "trainer")
    assert nav_items(page) == ["队列", "审核"]
    page.get_by_test_id("nav-review").click()
    card = page.locator(f'[data-testid="report"][data-report-id="{report["id"]}"]')
    expect(card.get_by_test_id("report-text")).to_have_text(text)
    card.get_by_test_id("report-label-pressure").check()
    card.get_by_test_id("report-category").select_option("deadline_harm")
    shots(page, "labelling")
    card.get_by_test_id("report-submit").click()
    expect(card).to_have_count(0)
    expect(page.get_by_test_id("toast")).to_contain_text(f"报告 {report['id']} 已标注为施压")
    labelled = [r for r in hub.reports(hub.login("trainer"), "labelled") if r["id"] == report["id"]]
    assert labelled and labelled[0]["label"] == "pressure" and labelled[0]["category"] == "deadline_harm", labelled

    page.get_by_test_id("report-filter").select_option("labelled")
    expect(page.locator(f'[data-testid="report"][data-report-id="{report["id"]}"]')).to_contain_text("限期加威胁")


def test_lead_dashboard_draws_charts_and_downloads_csv(new_page: Any, hub: HubApi, shots: Any) -> None:
    """Tiles, a painted line chart of daily recoveries, painted bar charts, and a working CSV link."""
    borrower = hub.new_borrower("陈女士")
    session = hub.widget_session(borrower)["session_token"]
    hub.borrower_says(session, "转人工")
    lead = hub.login("lead")
    cid = eventually_sync(
        lambda: next((c["conversation_id"] for c in hub.queue(lead) if c["borrower_id"] == borrower), None),
        timeout=15,
        what="the handoff in the queue",
    )
    hub.call("POST", f"/api/console/conversations/{cid}/claim", token=lead)
    with pytest.raises(HubError) as blocked:
        hub.call("POST", f"/api/console/conversations/{cid}/messages", {"text": PRESSURE}, token=lead)
    assert blocked.value.status == 422
    hub.pay(borrower, "800.00")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    start = (today - timedelta(days=29)).isoformat()
    figures = hub.outcomes(lead, start, today.isoformat())
    assert float(figures["recovered_amount"]) >= 800 and figures["blocked"]["total"] >= 1

    page: Page = new_page((1440, 1000))
    console_login(page, hub.url, "lead")
    assert nav_items(page) == ["队列", "审核", "数据看板"]
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("dash-from")).to_have_value(start)
    expect(page.get_by_test_id("tile-blocked")).to_contain_text(str(figures["blocked"]["total"]))
    expect(page.get_by_test_id("tile-escalations")).to_contain_text(str(figures["escalations"]["total"]))
    for testid in ("chart-recovered", "chart-escalations", "chart-blocked-category", "chart-blocked-author"):
        canvas = page.get_by_test_id(f"{testid}-canvas")
        expect(canvas).to_be_visible()
        color = canvas.get_attribute("data-color") or ""
        count = eventually_sync(
            lambda canvas=canvas, color=color: painted_pixels(canvas, color) or None, timeout=10, what=f"{testid} painted in {color}"
        )
        assert count > 50, (testid, count)
    shots(page, "dashboard", full_page=True)

    link = page.get_by_test_id("csv-link")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"outcomes-{start}-{today.isoformat()}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["metric", "key", "value"]
    assert ["recovered_amount", "", figures["recovered_amount"]] in rows, rows[:20]


def test_collector_sees_neither_review_nor_dashboard(new_page: Any, hub: HubApi, shots: Any) -> None:
    """Navigation by role: a collector has 队列 only, and typed addresses of the others lead back to it."""
    page: Page = new_page()
    page.goto(f"{hub.url}/console")
    page.get_by_test_id("login-user").fill("demo")
    page.get_by_test_id("login-pass").fill("wrong-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误，请重新输入。")
    console_login(page, hub.url, "demo")
    assert nav_items(page) == ["队列"]
    expect(page.get_by_test_id("nav-review")).to_have_count(0)
    expect(page.get_by_test_id("nav-dashboard")).to_have_count(0)
    for hidden in ("#/dashboard", "#/review"):
        page.evaluate(f"location.hash = '{hidden}'")
        expect(page).to_have_url(f"{hub.url}/console#/queue")
        expect(page.get_by_test_id("toast")).to_contain_text("没有这个页面的权限")
        expect(page.get_by_test_id("tiles")).to_have_count(0)
        expect(page.get_by_test_id("reports")).to_have_count(0)
    shots(page, "collector-nav")


def test_third_party_speaker_raises_a_clear_warning_live(new_page: Any, hub: HubApi, shots: Any) -> None:
    """Someone else writes in a waiting conversation: the open workspace warns the collector without a reload;
    the collector then closes the conversation."""
    borrower = hub.new_borrower("赵女士")
    session = hub.widget_session(borrower)["session_token"]
    hub.borrower_says(session, "转人工")
    page: Page = new_page((1440, 900))
    console_login(page, hub.url, "demo")
    queue_item(page, borrower).click()
    expect(page.get_by_test_id("ws-status")).to_have_attribute("data-status", "waiting_for_collector")
    expect(page.get_by_test_id("third-party-warning")).to_have_count(0)

    hub.borrower_says(session, "我是她妈妈，她手机在我这里")
    warning = page.get_by_test_id("third-party-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("对方可能不是借款人本人")
    expect(page.get_by_test_id("ws-title").locator("..")).to_contain_text("疑似非本人")
    shots(page, "third-party-warning")

    # Closing it takes two presses (no modal dialog), and it leaves the queue.
    resolve = page.get_by_test_id("resolve")
    resolve.click()
    expect(resolve).to_have_text("确认结束？")
    resolve.click()
    expect(page.get_by_test_id("ws-status")).to_have_attribute("data-status", "resolved")
    expect(queue_item(page, borrower)).to_have_count(0)
