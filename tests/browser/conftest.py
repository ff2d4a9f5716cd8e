"""Real headless Chromium (Debian's) against a real hub with the scripted brain; screenshots kept as artifacts.

The hub runs as a subprocess on a free port with a temporary SQLite database and
KUANXIAN_BRAIN=scripted (no Rasa). A second tiny site on another free port plays
the lender that embeds the widget from the hub's origin.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.services import ROOT, free_port, missing_service
from support.stack import wait_healthy

from browser.kit import HubApi, LenderSite

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOGS = ROOT / "artifacts" / "browser"
STATIC = ROOT / "kuanxian" / "hub" / "static"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent.name == "browser":
            item.add_marker(pytest.mark.browser)


def _front_end_built() -> None:
    """The generated protocol module and the vendored chart library must be there (make setup makes both)."""
    if not (STATIC / "js" / "protocol.js").exists():
        subprocess.run([sys.executable, "-m", "kuanxian.hub.protocol", "--write"], cwd=ROOT, check=True)
    if not (STATIC / "vendor" / "chart.js" / "chart.js").exists():
        if shutil.which("npm") is None:
            missing_service("the vendored Chart.js is missing and npm is not installed (make setup runs tools/vendor.sh)")
        subprocess.run(["bash", "tools/vendor.sh"], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubApi]:
    """The hub with the scripted brain on a free port and a fresh SQLite database."""
    _front_end_built()
    LOGS.mkdir(parents=True, exist_ok=True)
    db = tmp_path_factory.mktemp("hub") / "kuanxian.db"
    port = free_port()
    log_path = LOGS / "hub.log"
    env = {
        **os.environ,
        "KUANXIAN_HOME": str(ROOT),
        "KUANXIAN_BRAIN": "scripted",
        "KUANXIAN_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "KUANXIAN_PORT": str(port),
        "KUANXIAN_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("KUANXIAN_ENV", "KUANXIAN_DEMO", "KUANXIAN_WIDGET_ORIGINS", "KUANXIAN_REDIS_URL"):
        env.pop(name, None)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "kuanxian.hub"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    api = HubApi(f"http://127.0.0.1:{port}")
    try:
        wait_healthy(f"{api.url}/api/health/live", process, log_path, 60)
        # The guard's corpus index is built on first use (~15 s cold): build it now, not inside a test's wait.
        api.call("POST", "/api/console/review", {"text": "您好"}, token=api.login("trainer"))
        yield api
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def lender(hub: HubApi) -> Iterator[LenderSite]:
    """The lender's site, on another origin than the hub."""
    site = LenderSite(hub, free_port()).start()
    try:
        yield site
    finally:
        site.stop()


# Package scope: Playwright's sync API keeps an event loop running in the main thread while it is open,
# so it must close when the browser tests end, before any asyncio test (pytest-asyncio) runs.
@pytest.fixture(scope="package")
def browser(hub: HubApi) -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        missing_service(f"Debian chromium is not installed at {CHROMIUM} (apt-get install -y chromium fonts-wqy-microhei)")
    from playwright.sync_api import expect, sync_playwright

    # In `make test` these pages share two CPUs with the hub suite and the Rasa training: a reply a person would
    # see in a second can take several. Assertions wait up to 15 s (Playwright's default is 5) for what must appear.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


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

    def __call__(self, page: Any, step: str, full_page: bool = False) -> Path:
        self.count += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


class Pages:
    """Opens pages, each in its own browser context (own storage), like separate people.

    Every page's console is watched: a Content-Security-Policy violation or an uncaught
    error fails the test (the pages run under script-src 'self'; style-src 'self').
    """

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.pages: list[Any] = []
        self.problems: list[str] = []

    def __call__(self, viewport: tuple[int, int] = (1280, 860)) -> Any:
        context = self.browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught error: {error}"))
        page.on("console", self._console)
        self.pages.append(page)
        return page

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"CSP violation: {text}")


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest, shots: Shots) -> Iterator[Callable[..., Any]]:
    pages = Pages(browser)
    yield pages
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for index, page in enumerate(pages.pages):
            with contextlib.suppress(Exception):
                shots(page, f"FAILED-page{index + 1}", full_page=True)
    for context in pages.contexts:
        context.close()
    if failed is not None and failed.passed:
        assert not pages.problems, "the pages reported problems:\n" + "\n".join(pages.problems)
