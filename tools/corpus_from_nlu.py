"""Snapshot the project's NLU examples into the safety corpus as ordinary borrower messages.

    .venv/bin/python tools/corpus_from_nlu.py

The independent batches are mostly hard cases; a model trained on them alone
has never seen an ordinary "你好" or "分12期" and flags too much. These lines
(written by the project team for intent classification, labelled by intent)
teach the models what everyday messages look like. They are their own batch
(n01), reported separately by `make safety-eval`, never mixed into the
independent batches' figures.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
# Intents whose examples are ordinary, calm messages for the distress check.
NOT_FOR_DISTRESS = {"express_distress", "disclose_hardship", "complain"}


def examples() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu", []):
            if "intent" not in item:
                continue
            for line in str(item["examples"]).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = ENTITY.sub(lambda m: m.group(1) or m.group(2) or "", line[2:]).strip()
                    if text and "\t" not in text:
                        out.append((item["intent"], text))
    return out


def header(kind: str) -> str:
    return "".join(f"# {h}\n" for h in (
        "batch: n01",
        f"kind: {kind}",
        f"imported: {date.today().isoformat()}",
        "writer: the project team's NLU training examples (data/nlu), snapshot by tools/corpus_from_nlu.py;",
        "        labelled from their intents, not by an independent writer: ordinary borrower messages.",
    ))


def main() -> int:
    rows = examples()
    seen: set[str] = set()
    identity, distress = [], []
    for intent, text in rows:
        if text in seen:
            continue
        seen.add(text)
        if intent == "wrong_person":
            identity.append(f"third_party\tother\tstandard\t{text}")
        else:
            identity.append(f"borrower\town_account\tstandard\t{text}")
        if intent not in NOT_FOR_DISTRESS:
            distress.append(f"none\teveryday\tstandard\t{text}")
    for kind, lines in (("identity", identity), ("distress", distress)):
        target = ROOT / "kuanxian" / "safety" / "corpus" / kind / "n01.tsv"
        target.write_text(header(kind) + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{target}: {len(lines)} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
