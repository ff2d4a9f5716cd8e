"""Real headless Chromium (Debian's) against the shared stack's hub; screenshots kept as artifacts."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from hub.kit import ROOT, SyncApi, missing_service, shared_stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Any:
    """The same stack the hub tests use (started once per run)."""
    return shared_stack(request)


@pytest.fixture(scope="module")
def browser(stack: Any) -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        missing_service(f"Debian chromium is not installed at {CHROMIUM} (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


class Shots:
    """Numbered screenshots per test in artifacts/screenshots/."""

    def __init__(self, test_name: str) -> None:
        self.prefix = re.sub(r"[^A-Za-z0-9_-]+", "_", test_name).removeprefix("test_")[:90]
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{self.prefix}-*.png"):
            old.unlink()

    def __call__(self, page: Any, step: str) -> Path:
        self.count += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{step}.png"
        page.screenshot(path=str(path))
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest, shots: Shots) -> Iterator[Any]:
    """Opens pages, each in its own browser context (its own storage), like separate people."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def open_page(viewport: tuple[int, int] = (1280, 860)) -> Any:
        context = browser_context(browser, viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        pages.append(page)
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for index, page in enumerate(pages):
            try:
                shots(page, f"FAILED-page{index + 1}")
            except Exception:  # noqa: BLE001 - a screenshot must never hide the real failure
                pass
    for context in contexts:
        context.close()


def browser_context(browser: Any, viewport: tuple[int, int]) -> Any:
    return browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN",
                               timezone_id="Asia/Shanghai")


@pytest.fixture
def api(stack: Any) -> Iterator[SyncApi]:
    client = SyncApi(stack.hub_url)
    try:
        yield client
    finally:
        client.close()
