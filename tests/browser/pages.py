"""Page helpers shared by the browser tests: what a borrower and a collector do and see."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

MESSAGE = '[data-testid="kx-message"]'
SEQ = re.compile(r"^\d+$")


# The widget (Playwright's locators pierce its open shadow root) ---------------------------------
def open_widget(page: Page) -> None:
    page.get_by_test_id("kx-launcher").click()
    expect(page.get_by_test_id("kx-panel")).to_be_visible()
    expect(page.get_by_test_id("kx-input")).to_be_focused()


def widget_send(page: Page, text: str) -> None:
    page.get_by_test_id("kx-input").fill(text)
    page.get_by_test_id("kx-send").click()


def bubbles(page: Page, sender: str, text: str = "") -> Locator:
    """Confirmed messages (they carry the hub's seq) from `sender`, containing `text`."""
    rows = page.locator(f'{MESSAGE}[data-sender="{sender}"][data-seq]')
    return rows.filter(has_text=text) if text else rows


def seq_of(row: Locator) -> int:
    expect(row).to_have_attribute("data-seq", SEQ)
    return int(row.get_attribute("data-seq") or 0)


def shown(page: Page) -> list[tuple[int, str, str]]:
    """(seq, sender, text) of every confirmed message the widget shows, top to bottom."""
    rows = page.locator(f"{MESSAGE}[data-seq]")
    return [
        (
            int(r.get_attribute("data-seq") or 0),
            r.get_attribute("data-sender") or "",
            r.get_by_test_id("kx-message-text").text_content() or "",
        )
        for r in rows.all()
    ]


def transcript_height(page: Page) -> float:
    return page.get_by_test_id("kx-transcript").evaluate("el => el.getBoundingClientRect().height")


# The console ------------------------------------------------------------------------------------
def console_login(page: Page, hub_url: str, username: str, password: str = "kuanxian-demo") -> None:
    page.goto(f"{hub_url}/console")
    page.get_by_test_id("login-user").fill(username)
    page.get_by_test_id("login-pass").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("console-me")).to_be_visible()


def nav_items(page: Page) -> list[str]:
    return [a.text_content() or "" for a in page.locator("#nav a").all()]


def painted_pixels(canvas: Locator, hex_color: str, tolerance: int = 40) -> int:
    """How many pixels of a canvas are close to `hex_color` (proof that the chart drew its data)."""
    return canvas.evaluate(
        """(el, [hex, tol]) => {
        const r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
        const data = el.getContext("2d").getImageData(0, 0, el.width, el.height).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 200 && Math.abs(data[i] - r) <= tol && Math.abs(data[i + 1] - g) <= tol && Math.abs(data[i + 2] - b) <= tol) n++;
        }
        return n;
    }""",
        [hex_color, tolerance],
    )
