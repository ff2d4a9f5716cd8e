"""`python -m kuanxian.imports`: CSV rows through the admin API of the running stack."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from kuanxian.dates import Frequency
from kuanxian.storage import SqlAccountRepository, make_engine

from support.fixtures import free_port

from .reminder_kit import ADMIN

SHANGHAI = ZoneInfo("Asia/Shanghai")
BORROWER_HEADER = (
    "borrower_id,display_name,timezone,currency,principal,interest_and_fees,days_overdue,due_day,"
    "min_installment,max_term_months,payment_holiday_days,interest_freeze_on_hardship,allowed_frequencies"
)


def run_import(kind: str, path: Path, *args: str, hub: Any = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KUANXIAN_ADMIN_TOKEN", "KUANXIAN_PORT")}
    argv = [sys.executable, "-m", "kuanxian.imports", kind, str(path), *args]
    if hub is not None:
        argv += ["--hub", hub.hub_url]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


def known(stack: Any, borrower_id: str) -> int:
    response = httpx.get(f"{stack.hub_url}/api/admin/reminders", params={"borrower_id": borrower_id}, headers=ADMIN, timeout=30)
    return response.status_code


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_borrowers_csv_imports_the_good_rows_and_reports_the_bad_ones(stack: Any, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    ids = {k: f"imp-{k}-{tag}" for k in "abcdefg"}
    path = write(tmp_path, "borrowers.csv", "\n".join([
        BORROWER_HEADER,
        f"{ids['a']},赵先生,Asia/Shanghai,CNY,5000.00,200.00,10,5,200.00,12,30,true,monthly|biweekly",
        f"{ids['b']},钱女士,America/New_York,CNY,3000.00,0.00,0,20,100.00,6,0,false",
        f"{ids['c']},孙先生,Asia/Shanghai,CNY,abc,0.00,0,20,100.00,6,0,false",
        f"{ids['d']},李女士,Asia/Shanghai,CNY,1000.00,0.00,3",
        f"{ids['e']},周先生,Mars/Olympus,CNY,1000.00,0.00,3,10,100.00,6,0,false",
        f"{ids['f']},吴女士,Asia/Shanghai,CNY,1000.00,0.00,three,10,100.00,6,0,false",
        "",
        f'{ids["g"]},"郑先生, 二号",Asia/Shanghai,CNY,800.00,0.00,1,10,100.00,6,0,no',
    ]) + "\n")

    done = run_import("borrowers", path, hub=stack)

    assert done.returncode == 1, done.stderr
    errors = done.stderr.strip().splitlines()
    assert [e.split(": ", 1)[0] for e in errors] == [f"{path}:4", f"{path}:5", f"{path}:6", f"{path}:7"]
    assert "principal" in errors[0] and "422" in errors[0]
    assert "columns" in errors[1]
    assert "timezone" in errors[2]
    assert "days_overdue" in errors[3] and "three" in errors[3]
    assert done.stdout.strip().splitlines()[-1] == "imported 3, failed 4"
    assert {k: known(stack, ids[k]) for k in "abcdefg"} == {
        "a": 200, "b": 200, "c": 404, "d": 404, "e": 404, "f": 404, "g": 200,
    }

    engine = make_engine(stack.database_url)
    try:
        accounts = SqlAccountRepository(engine)
        first = await accounts.get_borrower(ids["a"])
        quoted = await accounts.get_borrower(ids["g"])
    finally:
        await engine.dispose()
    assert first is not None and quoted is not None
    assert first.balance == Decimal("5200.00") and first.due_day == 5 and first.days_overdue == 10
    assert first.policy.allowed_frequencies == frozenset({Frequency.MONTHLY, Frequency.BIWEEKLY})
    assert first.policy.interest_freeze_on_hardship is True and first.policy.payment_holiday_days == 30
    assert quoted.display_name == "郑先生, 二号" and quoted.policy.interest_freeze_on_hardship is False


def test_reminders_csv_imports_the_good_rows_and_reports_the_bad_ones(stack: Any, tmp_path: Path) -> None:
    borrower_id = f"imp-r-{uuid.uuid4().hex[:6]}"
    body = {
        "display_name": "冯女士", "timezone": "Asia/Shanghai", "currency": "CNY", "principal": "900.00",
        "interest_and_fees": "0.00", "days_overdue": 2, "due_day": 9,
        "policy": {"min_installment": "100.00", "max_term_months": 6},
    }
    assert httpx.put(f"{stack.hub_url}/api/admin/borrowers/{borrower_id}", json=body, headers=ADMIN, timeout=30).status_code == 201
    day = datetime.now(tz=SHANGHAI).date() + timedelta(days=3)
    due = day + timedelta(days=7)
    path = write(tmp_path, "reminders.csv", "\n".join([
        "borrower_id,send_at,kind,amount,due_date",
        f"{borrower_id},{day}T23:00:00+08:00,upcoming_due,,",
        f"{borrower_id},{day}T10:00:00+08:00,installment_due,300.00,{due}",
        f"nobody-{borrower_id},{day}T10:00:00+08:00,upcoming_due",
        f"{borrower_id},{day}T10:00:00,upcoming_due",
        f"{borrower_id},{day}T10:00:00+08:00,final_demand",
        f"{borrower_id},{day}T10:00:00+08:00",
        f"{borrower_id},2020-01-01T10:00:00+08:00,overdue",
    ]) + "\n")

    done = run_import("reminders", path, "--token", "demo-admin-token", hub=stack)

    assert done.returncode == 1, done.stderr
    errors = done.stderr.strip().splitlines()
    assert [e.split(": ", 1)[0] for e in errors] == [f"{path}:{n}" for n in (4, 5, 6, 7, 8)]
    assert "404" in errors[0]
    assert "send_at" in errors[1] and "time zone" in errors[1]
    assert "kind" in errors[2]
    assert "columns" in errors[3]
    assert "send_at" in errors[4] and "past" in errors[4]
    out = done.stdout.strip().splitlines()
    assert out[-1] == "imported 2, failed 5"
    assert out[0].startswith(f"{path}:2: ") and "deferred" in out[0] and f"{day + timedelta(days=1)}T08:00:00+08:00" in out[0]
    assert "quiet_hours" in out[0]
    assert out[1].startswith(f"{path}:3: ") and "scheduled" in out[1]

    listed = httpx.get(f"{stack.hub_url}/api/admin/reminders", params={"borrower_id": borrower_id}, headers=ADMIN, timeout=30)
    reminders = listed.json()["reminders"]
    assert [(r["kind"], r["status"]) for r in reminders] == [("upcoming_due", "deferred"), ("installment_due", "scheduled")]
    assert (reminders[1]["amount"], reminders[1]["due_date"]) == ("300.00", due.isoformat())


def test_a_clean_file_exits_0(stack: Any, tmp_path: Path) -> None:
    borrower_id = f"imp-ok-{uuid.uuid4().hex[:6]}"
    path = write(tmp_path, "ok.csv", f"\ufeff{borrower_id},蒋先生,Asia/Shanghai,CNY,100.00,0.00,0,1,50.00,2,0,false\n")

    done = run_import("borrowers", path, hub=stack)

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip().splitlines()[-1] == "imported 1, failed 0"
    assert known(stack, borrower_id) == 200


def test_a_wrong_token_stops_at_once(stack: Any, tmp_path: Path) -> None:
    borrower_id = f"imp-tok-{uuid.uuid4().hex[:6]}"
    path = write(tmp_path, "token.csv", f"{borrower_id},韩女士,Asia/Shanghai,CNY,100.00,0.00,0,1,50.00,2,0,false\n" * 3)

    done = run_import("borrowers", path, "--token", "wrong", hub=stack)

    assert done.returncode == 2
    assert f"{path}:1:" in done.stderr and "admin token" in done.stderr
    assert known(stack, borrower_id) == 404


def test_an_unreachable_hub_or_a_missing_file_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "someone,2030-01-01T10:00:00+08:00,upcoming_due\n")
    unreachable = run_import("reminders", path, "--hub", f"http://127.0.0.1:{free_port()}")
    missing = run_import("reminders", tmp_path / "nope.csv", "--hub", "http://127.0.0.1:9")

    assert unreachable.returncode == 2 and "cannot reach the hub" in unreachable.stderr
    assert missing.returncode == 2 and "nope.csv" in missing.stderr and "cannot read" in missing.stderr
