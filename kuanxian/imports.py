"""Bulk import through the hub's admin API: Borrower accounts and Reminders from CSV.

    python -m kuanxian.imports borrowers FILE.csv [--hub URL] [--token TOKEN]
    python -m kuanxian.imports reminders FILE.csv [--hub URL] [--token TOKEN]
    python -m kuanxian.imports payments FILE.csv [--hub URL] [--token TOKEN]

Every row goes through the same endpoint a lender's system would call
(PUT /api/admin/borrowers/{borrower_id}, POST /api/admin/reminders,
POST /api/admin/payments), so the
validation is exactly the API's. A bad row is reported on stderr as
`FILE:LINE: message` and the other rows still import; the last line is
`imported N, failed M`. Exit status: 0 when every row imported, 1 when any
row failed, 2 when nothing could be tried (unreadable file, hub unreachable,
admin token refused).

Columns (a first line naming the columns is optional and skipped):

borrowers: borrower_id,display_name,timezone,currency,principal,interest_and_fees,
           days_overdue,due_day,min_installment,max_term_months,payment_holiday_days,
           interest_freeze_on_hardship[,allowed_frequencies separated by |]
reminders: borrower_id,send_at,kind[,amount,due_date]
payments:  payment_id,borrower_id,amount,paid_at

Posting a reminders file twice schedules its reminders twice; borrower rows are
upserts and payments are idempotent on payment_id, so both are safe to repeat.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, TextIO
from urllib.parse import quote

import httpx

from kuanxian.demo import DEMO_ADMIN_TOKEN

BORROWER_COLUMNS = (
    "borrower_id",
    "display_name",
    "timezone",
    "currency",
    "principal",
    "interest_and_fees",
    "days_overdue",
    "due_day",
    "min_installment",
    "max_term_months",
    "payment_holiday_days",
    "interest_freeze_on_hardship",
    "allowed_frequencies",
)
BORROWER_REQUIRED = len(BORROWER_COLUMNS) - 1
REMINDER_COLUMNS = ("borrower_id", "send_at", "kind", "amount", "due_date")
REMINDER_REQUIRED = 3
PAYMENT_COLUMNS = ("payment_id", "borrower_id", "amount", "paid_at")
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", ""})


class RowError(Exception):
    """This row cannot be imported; the message says why."""


class Fatal(Exception):
    """Nothing more can be imported (hub unreachable, token refused)."""


@dataclass(frozen=True)
class Row:
    line: int
    cells: list[str]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any]
    label: str


def default_hub_url(environ: Optional[dict[str, str]] = None) -> str:
    env = os.environ if environ is None else environ
    return f"http://127.0.0.1:{env.get('KUANXIAN_PORT', '8000') or '8000'}"


def read_rows(stream: TextIO, header_first: str) -> Iterator[Row]:
    """Non-blank CSV records with the line each starts on; a header naming `header_first` is skipped."""
    reader = csv.reader(stream)
    previous_end = 0
    first = True
    for cells in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        cells = [c.strip() for c in cells]
        if first:
            first = False
            if cells[0].lstrip("\ufeff").lower() == header_first:
                continue
        if cells[0].startswith("#"):
            continue
        yield Row(line, cells)


def _columns(row: Row, names: Sequence[str], required: int) -> dict[str, str]:
    count = len(row.cells)
    if not required <= count <= len(names):
        expected = str(required) if required == len(names) else f"{required} to {len(names)}"
        raise RowError(f"expected {expected} columns ({','.join(names)}), got {count}")
    return dict(zip(names, row.cells, strict=False))


def _integer(values: dict[str, str], name: str) -> int:
    raw = values[name]
    try:
        return int(raw)
    except ValueError:
        raise RowError(f"{name}: {raw!r} is not a whole number") from None


def _boolean(values: dict[str, str], name: str) -> bool:
    raw = values[name].lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise RowError(f"{name}: {values[name]!r} is not true or false")


def borrower_request(row: Row) -> Request:
    values = _columns(row, BORROWER_COLUMNS, BORROWER_REQUIRED)
    borrower_id = values["borrower_id"]
    if not borrower_id:
        raise RowError("borrower_id: is empty")
    policy: dict[str, Any] = {
        "min_installment": values["min_installment"],
        "max_term_months": _integer(values, "max_term_months"),
        "payment_holiday_days": _integer(values, "payment_holiday_days"),
        "interest_freeze_on_hardship": _boolean(values, "interest_freeze_on_hardship"),
    }
    frequencies = values.get("allowed_frequencies", "")
    if frequencies:
        policy["allowed_frequencies"] = [f.strip() for f in frequencies.split("|") if f.strip()]
    body = {
        "display_name": values["display_name"],
        "timezone": values["timezone"],
        "currency": values["currency"],
        "principal": values["principal"],
        "interest_and_fees": values["interest_and_fees"],
        "days_overdue": _integer(values, "days_overdue"),
        "due_day": _integer(values, "due_day"),
        "policy": policy,
    }
    return Request("PUT", f"/api/admin/borrowers/{quote(borrower_id, safe='')}", body, f"borrower {borrower_id}")


def reminder_request(row: Row) -> Request:
    values = _columns(row, REMINDER_COLUMNS, REMINDER_REQUIRED)
    body: dict[str, Any] = {"borrower_id": values["borrower_id"], "send_at": values["send_at"], "kind": values["kind"]}
    for optional in ("amount", "due_date"):
        if values.get(optional):
            body[optional] = values[optional]
    return Request("POST", "/api/admin/reminders", body, f"reminder for {values['borrower_id']}")


def payment_request(row: Row) -> Request:
    values = _columns(row, PAYMENT_COLUMNS, len(PAYMENT_COLUMNS))
    body = {k: values[k] for k in PAYMENT_COLUMNS}
    return Request("POST", "/api/admin/payments", body, f"payment {values['payment_id']}")


def _outcome(request: Request, response: httpx.Response) -> str:
    if response.status_code == 401:
        raise Fatal("the hub refused the admin token (HTTP 401); pass --token or set KUANXIAN_ADMIN_TOKEN")
    if response.status_code >= 400:
        try:
            body = response.json()
            message = body.get("message") or body.get("error") or response.text
        except (ValueError, AttributeError):
            message = response.text[:200]
        raise RowError(f"HTTP {response.status_code}: {message}")
    try:
        body = response.json()
    except ValueError:
        body = {}
    if "allocations" in body:  # a Payment: say where it went
        parts = ", ".join(f"installment {a['seq']} {a['amount']}" for a in body["allocations"]) or "the balance"
        again = " (already recorded)" if body.get("duplicate") else ""
        return f"{request.label}: {body['amount']} to {parts}{again}"
    if "status" in body and "id" in body:  # a Reminder: say what the contact rules decided
        when = f" for {body['scheduled_for']}" if body.get("scheduled_for") else ""
        why = f" ({body['reason']})" if body.get("reason") else ""
        return f"{request.label}: reminder {body['id']} {body['status']}{when}{why}"
    return f"{request.label}: {'created' if body.get('created') else 'updated'}"


def run(
    kind: str,
    path: Path,
    client: httpx.Client,
    *,
    out: TextIO,
    err: TextIO,
) -> int:
    builders: dict[str, Callable[[Row], Request]] = {
        "borrowers": borrower_request,
        "reminders": reminder_request,
        "payments": payment_request,
    }
    build = builders[kind]
    first_column = "payment_id" if kind == "payments" else "borrower_id"
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror or exc}", file=err)
        return 2
    imported = failed = 0
    with stream:
        try:
            for row in read_rows(stream, first_column):
                try:
                    request = build(row)
                    response = client.request(request.method, request.path, json=request.body)
                    print(f"{path}:{row.line}: {_outcome(request, response)}", file=out)
                    imported += 1
                except RowError as exc:
                    print(f"{path}:{row.line}: {exc}", file=err)
                    failed += 1
                except httpx.TransportError as exc:
                    raise Fatal(f"cannot reach the hub at {client.base_url}: {exc}") from exc
                except Fatal as exc:
                    raise Fatal(f"{path}:{row.line}: {exc}") from exc
        except UnicodeDecodeError:
            print(f"{path}: is not UTF-8 text", file=err)
            return 2
        except csv.Error as exc:
            print(f"{path}: malformed CSV: {exc}", file=err)
            failed += 1
        except Fatal as exc:
            print(str(exc), file=err)
            print(f"imported {imported}, failed {failed}; stopped", file=out)
            return 2
    print(f"imported {imported}, failed {failed}", file=out)
    return 1 if failed else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kuanxian.imports",
        description="Import Borrower accounts, Reminders or Payments from CSV through the hub's admin API.",
    )
    parser.add_argument("kind", choices=("borrowers", "reminders", "payments"), help="what the CSV file holds")
    parser.add_argument("file", type=Path, help="the CSV file (UTF-8)")
    parser.add_argument("--hub", default=default_hub_url(), help="the hub's base URL (default: %(default)s, from KUANXIAN_PORT)")
    parser.add_argument(
        "--token",
        default=os.environ.get("KUANXIAN_ADMIN_TOKEN") or DEMO_ADMIN_TOKEN,
        help="admin bearer token (default: KUANXIAN_ADMIN_TOKEN, else the demo token)",
    )
    args = parser.parse_args(argv)
    headers = {"Authorization": f"Bearer {args.token}"}
    with httpx.Client(base_url=args.hub.rstrip("/"), headers=headers, timeout=30.0) as client:
        return run(args.kind, args.file, client, out=sys.stdout, err=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
