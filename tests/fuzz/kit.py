"""What the fuzz suite shares: its budget and configuration, the world it fuzzes in, and the ledger of acknowledged writes."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from schemathesis.config import SchemathesisConfig

EXAMPLES = int(os.environ.get("KUANXIAN_FUZZ_EXAMPLES", "15"))
SEED = int(os.environ.get("KUANXIAN_FUZZ_SEED", "20240611"))
REQUEST_TIMEOUT = 30.0
MAX_PATH_PARAM = 128  # spec.py declares every path parameter as a string of at most 128 characters

# 4xx the API answers to schema-valid input whose meaning is wrong (a zone that is not an IANA zone,
# a send_at in the past, a plan outside the policy, a reply the guard blocks): the schema cannot say it.
# 413: a text within the schema's 20,000 characters but beyond the 2,000 a message may have.
POSITIVE_STATUSES = ["2xx", "401", "403", "404", "409", "413", "422", "429"]
# What a schema-violating request may get: the documented error statuses (413: a body beyond 64 KiB).
NEGATIVE_STATUSES = ["400", "401", "403", "404", "405", "409", "413", "422", "429"]


@dataclass
class World:
    """What exists before fuzzing starts (ids the generated requests may reuse)."""

    admin_token: str
    lead_token: str
    collector_token: str
    widget_token: str
    borrower_token: str  # a lender-signed token for fz-widget (POST /api/widget/sessions)
    widget_conversation: str
    borrower_ids: list[str]
    conversation_ids: list[str]
    report_ids: list[int]


@dataclass
class Ledger:
    """Writes the hub acknowledged with a 2xx: each must still be in the database after fuzzing."""

    messages: set[tuple[str, int]] = field(default_factory=set)  # (conversation_id, seq)
    borrowers: set[str] = field(default_factory=set)
    payments: set[str] = field(default_factory=set)
    reports: set[int] = field(default_factory=set)
    reminders: set[int] = field(default_factory=set)
    conversations: set[str] = field(default_factory=set)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)  # (operation label, status) -> responses

    def record(self, method: str, path: str, path_parameters: dict[str, Any], status: int, body: Any, widget_conversation: str) -> None:
        """`path` is the operation's template (/api/console/conversations/{conversation_id}/notes)."""
        self.statuses[(f"{method} {path}", status)] += 1
        if not 200 <= status < 300 or not isinstance(body, dict):
            return
        if (method, path) == ("POST", "/api/widget/messages"):
            self.messages.add((widget_conversation, int(body["seq"])))
        elif method == "POST" and path in (
            "/api/console/conversations/{conversation_id}/messages",
            "/api/console/conversations/{conversation_id}/notes",
        ):
            self.messages.add((str(path_parameters["conversation_id"]), int(body["message"]["seq"])))
        elif (method, path) == ("PUT", "/api/admin/borrowers/{borrower_id}"):
            self.borrowers.add(str(body["borrower_id"]))
        elif (method, path) == ("POST", "/api/admin/payments"):
            self.payments.add(str(body["payment_id"]))
        elif (method, path) == ("POST", "/api/console/reports"):
            self.reports.add(int(body["id"]))
        elif (method, path) == ("POST", "/api/admin/reminders"):
            self.reminders.add(int(body["id"]))
        elif (method, path) == ("POST", "/api/widget/sessions"):
            self.conversations.add(str(body["conversation_id"]))

    def summary(self) -> str:
        by_operation: dict[str, Counter[int]] = {}
        for (label, status), n in sorted(self.statuses.items()):
            by_operation.setdefault(label, Counter())[status] += n
        return "\n".join(f"{label}: {dict(sorted(c.items()))}" for label, c in sorted(by_operation.items()))


def fuzz_config(auth: dict[str, str], *, examples: int = EXAMPLES) -> SchemathesisConfig:
    """The project's schemathesis configuration (a dict in schemathesis.toml's shape)."""
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",  # schema-valid and schema-violating requests
                "max-examples": examples,
                "deterministic": True,  # Hypothesis derandomize: the same requests on every run
                "database": "none",  # no example database: nothing carried over between runs
            },
            "phases": {"stateful": {"enabled": False}},  # test_zz_nothing_lost_... checks the state its own way
            "checks": {
                "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES},
                "negative_data_rejection": {"expected-statuses": NEGATIVE_STATUSES},
            },
            "request-timeout": REQUEST_TIMEOUT,
            **({"auth": {"openapi": {scheme: {"bearer": token} for scheme, token in auth.items()}}} if auth else {}),
        }
    )
