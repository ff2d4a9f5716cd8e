"""What must hold in the hub's database whatever the API was sent (kuanxian/storage/schema.py and the domain).

Each query returns the rows that break one rule, so a failure names them. References are checked
although the hub's engine turns SQLite's foreign keys on (kuanxian/storage/db.py): a connection or
migration without them must not go unnoticed. The rest comes from how the hub writes:
- messages: storage/messages.py appends with conversations.last_seq + 1 in one transaction, so the
  seqs of a conversation are exactly 1..last_seq (unique, gapless), and last_read_seq <= last_seq;
- turns: every Borrower message has its turn (hub/turns.py writes both in one transaction), and
  once the hub is idle none is left pending;
- conversations: a status from domain/conversation.py; only with_collector has a collector, only
  waiting_for_collector waits; a conversation with the assistant or resolved has no open handoff;
- plans: installments 1..installment_count whose amounts add up to total_fen; reports: a labelled
  report has its label and category.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from hub.client import Database

from fuzz.kit import Ledger

SETTLE_SECONDS = 60.0

RULES: dict[str, str] = {
    # References.
    "message of a missing conversation": """
        SELECT m.id, m.conversation_id FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id
        WHERE c.id IS NULL""",
    "conversation of a missing borrower": """
        SELECT c.id, c.borrower_id FROM conversations c LEFT JOIN borrowers b ON b.id = c.borrower_id WHERE b.id IS NULL""",
    "message or conversation of a missing collector": """
        SELECT 'message', m.id FROM messages m LEFT JOIN collectors k ON k.id = m.collector_id
        WHERE m.collector_id IS NOT NULL AND k.id IS NULL
        UNION ALL
        SELECT 'conversation', c.id FROM conversations c LEFT JOIN collectors k ON k.id = c.collector_id
        WHERE c.collector_id IS NOT NULL AND k.id IS NULL""",
    "turn, handoff or installment without its parent": """
        SELECT 'turn', t.conversation_id FROM turns t LEFT JOIN conversations c ON c.id = t.conversation_id WHERE c.id IS NULL
        UNION ALL
        SELECT 'handoff', h.conversation_id FROM handoffs h LEFT JOIN conversations c ON c.id = h.conversation_id WHERE c.id IS NULL
        UNION ALL
        SELECT 'installment', CAST(i.plan_id AS TEXT) FROM installments i LEFT JOIN payment_plans p ON p.id = i.plan_id
        WHERE p.id IS NULL""",
    "plan, payment, reminder or promise of a missing borrower": """
        SELECT 'plan', p.borrower_id FROM payment_plans p LEFT JOIN borrowers b ON b.id = p.borrower_id WHERE b.id IS NULL
        UNION ALL
        SELECT 'payment', p.borrower_id FROM payments p LEFT JOIN borrowers b ON b.id = p.borrower_id WHERE b.id IS NULL
        UNION ALL
        SELECT 'reminder', r.borrower_id FROM reminders r LEFT JOIN borrowers b ON b.id = r.borrower_id WHERE b.id IS NULL
        UNION ALL
        SELECT 'promise', p.borrower_id FROM promises p LEFT JOIN borrowers b ON b.id = p.borrower_id WHERE b.id IS NULL""",
    "report by a missing collector": """
        SELECT g.id, g.reported_by FROM guard_reports g LEFT JOIN collectors k ON k.id = g.reported_by WHERE k.id IS NULL""",
    # Message seqs: 1..last_seq, each once.
    "seqs of a conversation not exactly 1..last_seq": """
        SELECT c.id, c.last_seq, COUNT(m.id) AS messages, COUNT(DISTINCT m.seq) AS distinct_seqs, MIN(m.seq), MAX(m.seq)
        FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
        GROUP BY c.id, c.last_seq
        HAVING COUNT(m.id) != c.last_seq OR COUNT(DISTINCT m.seq) != COUNT(m.id)
            OR (COUNT(m.id) > 0 AND (MIN(m.seq) != 1 OR MAX(m.seq) != c.last_seq))""",
    "read mark beyond the last message": """
        SELECT id, last_read_seq, last_seq FROM conversations WHERE last_read_seq < 0 OR last_read_seq > last_seq""",
    "duplicate client_id in a conversation": """
        SELECT conversation_id, client_id, COUNT(*) FROM messages WHERE client_id IS NOT NULL
        GROUP BY conversation_id, client_id HAVING COUNT(*) > 1""",
    # Turns.
    "borrower message without its turn": """
        SELECT m.conversation_id, m.seq FROM messages m LEFT JOIN turns t ON t.conversation_id = m.conversation_id AND t.seq = m.seq
        WHERE m.sender_type = 'borrower' AND t.seq IS NULL""",
    "turn without its borrower message": """
        SELECT t.conversation_id, t.seq FROM turns t
        LEFT JOIN messages m ON m.conversation_id = t.conversation_id AND m.seq = t.seq AND m.sender_type = 'borrower'
        WHERE m.id IS NULL""",
    "turn with an unknown status": "SELECT conversation_id, seq, status FROM turns WHERE status NOT IN ('pending', 'done')",
    # Conversations.
    "conversation with an unknown status or speaker": """
        SELECT id, status, speaker FROM conversations
        WHERE status NOT IN ('bot', 'waiting_for_collector', 'with_collector', 'resolved')
           OR speaker NOT IN ('holder', 'third_party')""",
    "message with an unknown sender": """
        SELECT conversation_id, seq, sender_type FROM messages WHERE sender_type NOT IN ('borrower', 'bot', 'collector', 'system')""",
    "collector set on a conversation nobody holds (or missing on one held)": """
        SELECT id, status, collector_id FROM conversations
        WHERE (status = 'with_collector') != (collector_id IS NOT NULL)""",
    "waiting conversation without waiting_since and priority": """
        SELECT id, waiting_since, priority FROM conversations
        WHERE status = 'waiting_for_collector' AND (waiting_since IS NULL OR priority IS NULL)""",
    "conversation with the assistant or resolved but still waiting or prioritised": """
        SELECT id, status, waiting_since, priority FROM conversations
        WHERE status IN ('bot', 'resolved') AND (waiting_since IS NOT NULL OR priority IS NOT NULL)""",
    "open handoff on a conversation with the assistant or resolved": """
        SELECT h.id, h.conversation_id, c.status FROM handoffs h JOIN conversations c ON c.id = h.conversation_id
        WHERE h.closed_at IS NULL AND c.status IN ('bot', 'resolved')""",
    # Plans and installments.
    "installments of a plan not exactly 1..installment_count": """
        SELECT p.id, p.installment_count, COUNT(i.id), MIN(i.seq), MAX(i.seq) FROM payment_plans p
        LEFT JOIN installments i ON i.plan_id = p.id GROUP BY p.id, p.installment_count
        HAVING COUNT(i.id) != p.installment_count OR MIN(i.seq) != 1 OR MAX(i.seq) != p.installment_count""",
    "installments not adding up to the plan's total": """
        SELECT p.id, p.total_fen, SUM(i.amount_fen) FROM payment_plans p JOIN installments i ON i.plan_id = p.id
        GROUP BY p.id, p.total_fen HAVING SUM(i.amount_fen) != p.total_fen""",
    "plan or installment with an unknown status, or overpaid": """
        SELECT 'plan', id, status FROM payment_plans WHERE status NOT IN ('active', 'completed', 'broken', 'superseded')
        UNION ALL
        SELECT 'installment', id, status FROM installments
        WHERE status NOT IN ('due', 'paid', 'partly_paid', 'missed') OR paid_fen < 0 OR paid_fen > amount_fen""",
    "more than one active plan for a borrower": """
        SELECT borrower_id, COUNT(*) FROM payment_plans WHERE status = 'active' GROUP BY borrower_id HAVING COUNT(*) > 1""",
    # Money and accounts.
    "negative money on an account or payment": """
        SELECT 'borrower', id FROM borrowers WHERE principal_fen < 0 OR interest_and_fees_fen < 0 OR min_installment_fen <= 0
        UNION ALL
        SELECT 'payment', payment_id FROM payments WHERE amount_fen <= 0""",
    # Reports.
    "report with an unknown status, or labelled without label and category": """
        SELECT id, status, label, category FROM guard_reports
        WHERE status NOT IN ('open', 'labelled', 'dismissed')
           OR (status = 'labelled' AND (label IS NULL OR category IS NULL))""",
    "outbox event with an unknown status": "SELECT id, status FROM outbox WHERE status NOT IN ('pending', 'delivered', 'dead')",
}


async def _settled(db: Database) -> list[Any]:
    """Wait until no turn is pending (the hub finishes every accepted message); the ones left after the deadline."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        pending = await db.rows("SELECT conversation_id, seq, attempts FROM turns WHERE status = 'pending'")
        if not pending or time.monotonic() >= deadline:
            return pending
        await asyncio.sleep(0.25)


async def integrity_violations(db: Database) -> list[str]:
    out = []
    pending = await _settled(db)
    if pending:
        out.append(f"turns still pending {SETTLE_SECONDS:.0f}s after fuzzing: {[dict(r) for r in pending][:10]}")
    for rule, sql in RULES.items():
        rows = await db.rows(sql)
        if rows:
            out.append(f"{rule}: {[dict(r) for r in rows][:10]}")
    return out


async def lost_writes(db: Database, ledger: Ledger) -> list[str]:
    """Acknowledged writes (2xx) the database does not have."""
    out = []
    for cid, seq in sorted(ledger.messages):
        if not await db.scalar("SELECT COUNT(*) FROM messages WHERE conversation_id = :cid AND seq = :seq", cid=cid, seq=seq):
            out.append(f"message {cid}#{seq} (acknowledged with its seq)")
    checks = [
        ("borrower", ledger.borrowers, "SELECT COUNT(*) FROM borrowers WHERE id = :key"),
        ("payment", ledger.payments, "SELECT COUNT(*) FROM payments WHERE payment_id = :key"),
        ("report", ledger.reports, "SELECT COUNT(*) FROM guard_reports WHERE id = :key"),
        ("reminder", ledger.reminders, "SELECT COUNT(*) FROM reminders WHERE id = :key"),
        ("conversation", ledger.conversations, "SELECT COUNT(*) FROM conversations WHERE id = :key"),
    ]
    for what, keys, sql in checks:
        for key in sorted(keys, key=str):
            if not await db.scalar(sql, key=key):
                out.append(f"{what} {key!r}")
    return out
