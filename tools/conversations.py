"""Play whole conversations as real borrowers would, and judge them whole: `make conversations`.

    .venv/bin/python tools/conversations.py --hub http://127.0.0.1:8200 [--only c1-03] [--json out.json]

Each persona script (tests/conversations/personas/*.yaml, written by independent
writers) is played through the hub's public API against a fresh copy of its demo
account. After the last turn the outcome is checked (a plan within policy with the
dates asked for, a deferral, a handoff with its reason, nothing disclosed to a
third party, the right answer, no alarm for the calm), and the whole transcript is
checked for loops (the same question more than twice), disclosures and silent
waits (a message with no reply or acknowledgment for more than 60 s).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = ROOT / "tests" / "conversations" / "personas"
ADMIN = {"Authorization": "Bearer demo-admin-token"}
SILENT_LIMIT = 60.0
SETTLE = 1.2
# While a person is awaited, one acknowledgment covers the messages of the next few minutes.
ACK_WINDOW = 200.0
QUICK = 10.0
sys.path.insert(0, str(ROOT))

from kuanxian.dates import parse_date  # noqa: E402
from kuanxian.demo import DEMO_BORROWERS  # noqa: E402
from kuanxian.hub.delivery import discloses_account  # noqa: E402

CRISIS_MARK = "12356"
ANSWER_CUES = {
    "balance": re.compile(r"待还金额|还剩|欠款.{0,6}\d"),
    "due_date": re.compile(r"还款日|号|下一期"),
    "payment_method": re.compile(r"我的账户|还款方式|App|支付宝|银行卡"),
    "consequences": re.compile(r"征信|民事"),
    "fears": re.compile(r"不会上门|不会联系您的家人|不会.{0,12}(家人|通讯录|上门|公开)"),
    "plan_details": re.compile(r"第一期|下一期|还款计划"),
    "bot": re.compile(r"自动程序|不是真人|智能"),
}


@dataclass
class Result:
    script_id: str
    outcome: str
    passed: bool
    reasons: list[str] = field(default_factory=list)
    loops: int = 0
    disclosures: int = 0
    silent: int = 0
    latencies: list[float] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)


def account_body(template_id: str) -> dict[str, Any]:
    b = next(x for x in DEMO_BORROWERS if x.borrower_id == template_id)
    p = b.policy
    return {
        "display_name": b.display_name,
        "timezone": b.timezone,
        "currency": b.currency,
        "principal": str(b.principal),
        "interest_and_fees": str(b.interest_and_fees),
        "days_overdue": b.days_overdue,
        "due_day": b.due_day,
        "policy": {
            "min_installment": str(p.min_installment),
            "max_term_months": p.max_term_months,
            "allowed_frequencies": sorted(f.value for f in p.allowed_frequencies),
            "payment_holiday_days": p.payment_holiday_days,
            "interest_freeze_on_hardship": p.interest_freeze_on_hardship,
        },
    }


class Player:
    def __init__(self, hub: str) -> None:
        self.http = httpx.Client(base_url=hub, timeout=30)

    def start(self, template: str) -> tuple[str, dict[str, str], str]:
        borrower_id = f"conv-{template}-{uuid.uuid4().hex[:8]}"
        r = self.http.put(f"/api/admin/borrowers/{borrower_id}", json=account_body(template), headers=ADMIN)
        r.raise_for_status()
        token = self.http.post("/api/demo/borrower-token", json={"borrower_id": borrower_id}).json()["token"]
        session = self.http.post("/api/widget/sessions", json={"borrower_token": token}).json()
        return borrower_id, {"Authorization": f"Bearer {session['session_token']}"}, session["conversation_id"]

    def messages(self, auth: dict[str, str]) -> list[dict[str, Any]]:
        return self.http.get("/api/widget/messages", headers=auth).json()["messages"]

    def say(self, auth: dict[str, str], text: str) -> tuple[int, Optional[float]]:
        """Send one message; wait until replies stop arriving. Returns (seq, seconds to the first reply or None)."""
        sent = time.monotonic()
        r = self.http.post("/api/widget/messages", json={"text": text, "client_id": uuid.uuid4().hex}, headers=auth)
        r.raise_for_status()
        seq = r.json()["seq"]
        first: Optional[float] = None
        last_count = -1
        quiet_since = time.monotonic()
        while time.monotonic() - sent < SILENT_LIMIT + 5:
            everything = self.messages(auth)
            later = [m for m in everything if m["seq"] > seq]
            if not later and time.monotonic() - sent > QUICK and self._acknowledged_recently(everything, seq):
                return seq, 0.0
            if later and first is None:
                first = time.monotonic() - sent
            if len(later) != last_count:
                last_count = len(later)
                quiet_since = time.monotonic()
            elif first is not None and time.monotonic() - quiet_since >= SETTLE:
                break
            time.sleep(0.2)
        return seq, first

    @staticmethod
    def _acknowledged_recently(messages: list[dict[str, Any]], seq: int) -> bool:
        """A waiting conversation: an acknowledgment from our side shortly before this message covers it."""
        ours = [m for m in messages if m["seq"] < seq and m["sender_type"] in ("system", "collector", "bot")]
        if not ours:
            return False
        last = datetime.fromisoformat(ours[-1]["created_at"])
        mine = next(m for m in messages if m["seq"] == seq)
        return (datetime.fromisoformat(mine["created_at"]) - last).total_seconds() <= ACK_WINDOW

    def state(self, borrower_id: str) -> dict[str, Any]:
        return self.http.get(f"/api/admin/borrowers/{borrower_id}", headers=ADMIN).json()

    def handoff_reasons(self, conversation_id: str) -> list[str]:
        token = self.http.post("/api/console/login", json={"username": "lead", "password": "kuanxian-demo"}).json()["token"]
        body = self.http.get(f"/api/console/conversations/{conversation_id}", headers={"Authorization": f"Bearer {token}"}).json()
        handoff = body.get("handoff") or {}
        reasons = [handoff["reason"]] if handoff.get("reason") else []
        if body.get("conversation", {}).get("reason"):
            reasons.append(body["conversation"]["reason"])
        return reasons


def _said_date(text: str, today: date) -> Optional[date]:
    found = parse_date(str(text), today=today)
    return found.date


def judge(
    script: dict[str, Any], result: Result, state: dict[str, Any], messages: list[dict[str, Any]], reasons: list[str], today: date
) -> None:
    expect = script["expect"]
    outcome = expect["outcome"]
    plans = [p for p in state.get("plans", []) if p["status"] == "active"]
    flags = state.get("flags", {})
    ours = [m for m in messages if m["sender_type"] in ("bot", "system", "collector")]
    texts = "\n".join(m["text"] for m in ours)
    fail = result.reasons.append
    if outcome == "plan":
        if not plans:
            fail("no plan was agreed")
        else:
            plan = plans[-1]
            if "installments" in expect and plan["count"] != int(expect["installments"]):
                fail(f"plan has {plan['count']} installments, expected {expect['installments']}")
            if "monthly_amount" in expect and Decimal(plan["installment_amount"]) != Decimal(str(expect["monthly_amount"])):
                fail(f"plan pays {plan['installment_amount']} a month, expected {expect['monthly_amount']}")
            if "day_of_month" in expect and date.fromisoformat(plan["first_date"]).day != int(expect["day_of_month"]):
                fail(f"plan falls on day {date.fromisoformat(plan['first_date']).day}, expected {expect['day_of_month']}")
            if "first_date" in expect:
                wanted = _said_date(expect["first_date"], today)
                if wanted and plan["first_date"] != wanted.isoformat():
                    fail(f"first payment {plan['first_date']}, expected {wanted}")
            if expect.get("holiday") and not plan["holiday_days"]:
                fail("no payment holiday in the plan")
            if "interest_frozen" in expect and bool(plan["interest_frozen"]) != bool(expect["interest_frozen"]):
                fail(f"interest_frozen is {plan['interest_frozen']}")
    elif outcome == "deferral":
        if expect.get("handoff"):
            if "deferral" not in reasons and not any(p["holiday_days"] for p in plans):
                fail(f"no deferral handoff (handoffs: {reasons})")
        elif not any(p["holiday_days"] for p in plans) and "deferral" not in reasons:
            fail("no holiday granted and no deferral handoff")
    elif outcome == "handoff":
        if expect.get("reason") not in reasons:
            fail(f"no handoff for {expect.get('reason')} (handoffs: {reasons})")
    elif outcome in ("third_party", "wrong_number"):
        if plans or flags.get("dispute_open") or flags.get("opted_out") or state.get("promises"):
            fail("a third party's words changed the account")
        if outcome == "wrong_number" and not flags.get("wrong_contact") and "third_party" not in reasons:
            fail("the wrong number was not marked")
    elif outcome == "opt_out":
        changes = state.get("account_changes", [])
        if expect.get("then_opt_in"):
            if flags.get("opted_out"):
                fail("reminders were not turned back on")
            if "暂停" not in texts and "关闭" not in texts and "不会再主动" not in texts:
                fail("reminders were never turned off")
        elif not flags.get("opted_out"):
            fail("reminders were not stopped")
        del changes
    elif outcome == "promise":
        wanted = _said_date(expect.get("date", ""), today)
        got = [p["promised_for"] for p in state.get("promises", [])]
        if not got:
            fail("no promise was recorded")
        elif wanted and wanted.isoformat() not in got:
            fail(f"promise on {got}, expected {wanted}")
    elif outcome == "answer":
        for topic in expect.get("topics", []):
            cue = ANSWER_CUES.get(topic)
            if cue is not None and not cue.search(texts):
                fail(f"no answer about {topic}")
    if expect.get("no_alarm") and (CRISIS_MARK in texts or "crisis" in reasons or "distress" in reasons):
        fail("a calm person was treated as in distress or crisis")
    if outcome in ("third_party", "wrong_number"):
        result.disclosures = sum(1 for m in ours if discloses_account(m["text"]))
        if result.disclosures:
            fail(f"{result.disclosures} replies disclosed account detail to someone else")
    questions = [m["text"] for m in ours if m["sender_type"] == "bot" and ("？" in m["text"] or "?" in m["text"])]
    for text in set(questions):
        if questions.count(text) > 2:
            result.loops += 1
    if result.loops:
        fail(f"{result.loops} question(s) asked more than twice")
    if result.silent:
        fail(f"{result.silent} message(s) got no reply within {SILENT_LIMIT:.0f} s")
    result.passed = not result.reasons


def play(player: Player, script: dict[str, Any]) -> Result:
    result = Result(script["id"], script["expect"]["outcome"], False)
    borrower_id, auth, conversation_id = player.start(script["account"])
    # Dates the person says ("下周五") are read in the account's own zone, as the assistant reads them.
    zone = next(x for x in DEMO_BORROWERS if x.borrower_id == script["account"]).zone
    today = datetime.now(zone).date()
    for turn in script["turns"]:
        _, latency = player.say(auth, str(turn))
        if latency is None:
            result.silent += 1
        else:
            result.latencies.append(latency)
    messages = player.messages(auth)
    result.transcript = [f"{m['sender_type']}: {m['text']}" for m in messages]
    state = player.state(borrower_id)
    try:
        token = player.http.post("/api/console/login", json={"username": "lead", "password": "kuanxian-demo"}).json()["token"]
        context = player.http.get(f"/api/console/conversations/{conversation_id}", headers={"Authorization": f"Bearer {token}"}).json()
        state["account_changes"] = context.get("account_changes", [])
    except (httpx.HTTPError, KeyError, ValueError):
        pass
    judge(script, result, state, messages, player.handoff_reasons(conversation_id), today)
    return result


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default="http://127.0.0.1:8000")
    parser.add_argument("--only", action="append", default=[], help="a script id (c3-04) or a batch (c3); repeatable")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--jobs", type=int, default=4, help="scripts played at once (each on its own account)")
    args = parser.parse_args(argv)
    scripts = []
    for path in sorted(PERSONAS.glob("*.yaml")):
        scripts += yaml.safe_load(path.read_text(encoding="utf-8"))
    if args.only:
        scripts = [s for s in scripts if s["id"] in args.only or s["id"].split("-")[0] in args.only]
    results: list[Result] = []
    local = threading.local()

    def run(script: dict[str, Any]) -> Result:
        if not hasattr(local, "player"):
            local.player = Player(args.hub)
        return play(local.player, script)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for result in pool.map(run, scripts):
            results.append(result)
            mark = "ok  " if result.passed else "FAIL"
            print(f"{mark} {result.script_id:<8} {result.outcome:<12} {'; '.join(result.reasons)}", flush=True)
            if args.verbose and not result.passed:
                print("      " + "\n      ".join(result.transcript))
    latencies = [x for r in results for x in r.latencies]
    passed = sum(r.passed for r in results)
    print()
    print(f"personas: {len(results)}; right outcome: {passed} ({passed / max(1, len(results)):.0%})")
    print(
        f"loops: {sum(r.loops for r in results)}; disclosures to a third party: {sum(r.disclosures for r in results)}; "
        f"silent waits over {SILENT_LIMIT:.0f} s: {sum(r.silent for r in results)}"
    )
    if latencies:
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        print(f"first reply: p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s over {len(latencies)} turns")
    by_outcome: dict[str, list[bool]] = {}
    for r in results:
        by_outcome.setdefault(r.outcome, []).append(r.passed)
    print("by outcome: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_outcome.items())))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
