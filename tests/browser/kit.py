"""Helpers for the browser tests: the hub's HTTP API (as lender, borrower and console user) and a lender site."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

ADMIN_TOKEN = "demo-admin-token"  # the development default (Settings); production refuses it
PASSWORD = "kuanxian-demo"


class HubError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class HubApi:
    """The hub's HTTP API, called the way a lender's back-end, a borrower's app or a console would."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def call(self, method: str, path: str, body: Any = None, token: Optional[str] = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                if response.headers.get_content_type() != "application/json":
                    return raw.decode("utf-8")
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                parsed: Any = json.loads(raw)
            except ValueError:
                parsed = raw.decode("utf-8", "replace")
            raise HubError(exc.code, parsed) from None

    # Lender ------------------------------------------------------------------------------------
    def new_borrower(self, name: str = "测试借款人", balance: str = "12000.00") -> str:
        """A fresh borrower (lender admin API), so each test has its own conversation."""
        borrower_id = f"bt-{uuid.uuid4().hex[:12]}"
        self.call(
            "PUT",
            f"/api/admin/borrowers/{borrower_id}",
            {
                "display_name": name,
                "timezone": "Asia/Shanghai",
                "principal": balance,
                "interest_and_fees": "0.00",
                "days_overdue": 12,
                "due_day": 15,
                "policy": {
                    "min_installment": "300.00",
                    "max_term_months": 24,
                    "allowed_frequencies": ["monthly"],
                    "payment_holiday_days": 60,
                    "interest_freeze_on_hardship": True,
                },
            },
            token=ADMIN_TOKEN,
        )
        return borrower_id

    def pay(self, borrower_id: str, amount: str) -> Any:
        return self.call(
            "POST",
            "/api/admin/payments",
            {
                "payment_id": f"pay-{uuid.uuid4().hex[:12]}",
                "borrower_id": borrower_id,
                "amount": amount,
                "paid_at": datetime.now(UTC).isoformat(),
            },
            token=ADMIN_TOKEN,
        )

    def borrower_token(self, borrower_id: str) -> str:
        """What the lender's app signs (here: the hub's demo endpoint does it)."""
        return self.call("POST", "/api/demo/borrower-token", {"borrower_id": borrower_id})["token"]

    # Borrower ----------------------------------------------------------------------------------
    def widget_session(self, borrower_id: str) -> dict[str, Any]:
        return self.call("POST", "/api/widget/sessions", {"borrower_token": self.borrower_token(borrower_id)})

    def borrower_says(self, session_token: str, text: str) -> int:
        return self.call("POST", "/api/widget/messages", {"text": text, "client_id": f"api-{uuid.uuid4().hex}"}, token=session_token)["seq"]

    def widget_messages(self, session_token: str, after: int = 0) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/widget/messages?after={after}", token=session_token)["messages"]

    # Console -----------------------------------------------------------------------------------
    def login(self, username: str) -> str:
        return self.call("POST", "/api/console/login", {"username": username, "password": PASSWORD})["token"]

    def queue(self, token: str) -> list[dict[str, Any]]:
        return self.call("GET", "/api/console/queue", token=token)["conversations"]

    def conversation(self, token: str, conversation_id: str) -> dict[str, Any]:
        return self.call("GET", f"/api/console/conversations/{conversation_id}", token=token)

    def reports(self, token: str, status: str = "open") -> list[dict[str, Any]]:
        return self.call("GET", f"/api/console/reports?status={status}", token=token)["reports"]

    def outcomes(self, token: str, start: str, end: str) -> dict[str, Any]:
        return self.call("GET", f"/api/console/outcomes?from={start}&to={end}", token=token)


LENDER_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>另一家贷款方</title>
<link rel="stylesheet" href="/hostile.css">
<script type="module" src="{hub}/static/js/widget/index.js"></script>
{extra_head}
</head>
<body>
<h1>另一家贷款方的页面</h1>
<p>这个页面在另一个源上，用模块脚本从宽限的服务器加载助手。</p>
{widget}
</body>
</html>
"""

# A careless lender stylesheet: none of it may reach inside the widget.
HOSTILE_CSS = """
* { color: #ffff00 !important; font-size: 40px !important; letter-spacing: 6px !important; line-height: 3 !important; }
button, textarea, p, div { background: #ffff66 !important; color: #ffffff !important; border: 9px solid red !important; }
kuanxian-widget { color: #ffff00; font-family: serif; }
"""

GETTER_JS = """
await customElements.whenDefined("kuanxian-widget");
const widget = document.querySelector("kuanxian-widget");
widget.getBorrowerToken = async () => {
  const response = await fetch("/token" + location.search, { cache: "no-store" });
  return (await response.json()).token;
};
"""


class LenderSite:
    """A static site on its own origin (another port) that embeds the widget from the hub.

    /lender.html?borrower=ID[&transport=http]  the token is signed "server-side" into borrower-token
    /getter.html?borrower=ID[&transport=http]  the page supplies getBorrowerToken (fetching /token)
    """

    def __init__(self, hub: HubApi, port: int) -> None:
        self.hub = hub
        self.url = f"http://127.0.0.1:{port}"
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parsed = urllib.parse.urlparse(self.path)
                query = dict(urllib.parse.parse_qsl(parsed.query))
                try:
                    status, kind, body = site.respond(parsed.path, query)
                except HubError as exc:
                    status, kind, body = 502, "text/plain", str(exc)
                raw = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="lender-site", daemon=True)

    def respond(self, path: str, query: dict[str, str]) -> tuple[int, str, str]:
        borrower = query.get("borrower", "")
        transport = query.get("transport", "")
        transport_attr = f' transport="{transport}"' if transport in ("http", "auto") else ""
        if path == "/hostile.css":
            return 200, "text/css", HOSTILE_CSS
        if path == "/token":
            return 200, "application/json", json.dumps({"token": self.hub.borrower_token(borrower)})
        if path == "/getter.js":
            return 200, "text/javascript", GETTER_JS
        if path == "/lender.html":
            token = self.hub.borrower_token(borrower)
            widget = f'<kuanxian-widget hub="{self.hub.url}" borrower-token="{token}"{transport_attr}></kuanxian-widget>'
            return 200, "text/html", LENDER_PAGE.format(hub=self.hub.url, widget=widget, extra_head="")
        if path == "/getter.html":
            widget = f'<kuanxian-widget hub="{self.hub.url}"{transport_attr}></kuanxian-widget>'
            extra = '<script type="module" src="/getter.js"></script>'
            return 200, "text/html", LENDER_PAGE.format(hub=self.hub.url, widget=widget, extra_head=extra)
        return 404, "text/plain", "not found"

    def start(self) -> LenderSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# WCAG contrast of every visible text in a root (document or a shadow root), from computed styles.
CONTRAST_JS = """
(root) => {
  const parse = (value) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(value || "");
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const parentOf = (el) => el.parentElement || (el.parentNode && el.parentNode.host) || null;
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = parentOf(node)) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let color = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const out = [];
  for (const el of root.querySelectorAll("*")) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(" ");
    if (!own || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    out.push({
      text: own.slice(0, 40), testid: el.dataset.testid || el.closest("[data-testid]")?.dataset.testid || "",
      sender: el.closest("[data-sender]")?.dataset.sender || "", tag: el.tagName.toLowerCase(), cls: el.className && typeof el.className === "string" ? el.className : "",
      ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100, color: style.color, fontSize: style.fontSize,
    });
  }
  return out;
}
"""
