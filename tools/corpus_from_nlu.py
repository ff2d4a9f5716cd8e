"""Snapshot NLU examples into the safety corpus as ordinary borrower messages.

    .venv/bin/python tools/corpus_from_nlu.py

n01 holds the project team's examples (data/nlu/*.yml); n02 the independent
NLU batches (data/nlu/independent/u*.yml), written by people who never saw the
safety corpus: everyday borrower language in many voices.

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
NOT_FOR_DISTRESS = {"express_distress", "disclose_hardship", "complain", "cant_afford"}
SOURCES = {
    "n01": ("data/nlu", "*.yml", "the project team's NLU training examples (data/nlu)"),
    "n02": ("data/nlu/independent", "u*.yml", "the independent NLU batches (data/nlu/independent)"),
}


def examples(folder: str = "data/nlu", pattern: str = "*.yml") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / folder).glob(pattern)):
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


def header(kind: str, batch: str, what: str) -> str:
    return "".join(
        f"# {h}\n"
        for h in (
            f"batch: {batch}",
            f"kind: {kind}",
            f"imported: {date.today().isoformat()}",
            f"writer: {what}, snapshot by tools/corpus_from_nlu.py;",
            "        labelled from their intents, not by a safety labeller: ordinary borrower messages.",
        )
    )


def main() -> int:
    for batch, (folder, pattern, what) in SOURCES.items():
        write_batch(batch, examples(folder, pattern), what)
    return 0


def write_batch(batch: str, rows: list[tuple[str, str]], what: str) -> None:
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
        target = ROOT / "kuanxian" / "safety" / "corpus" / kind / f"{batch}.tsv"
        target.write_text(header(kind, batch, what) + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{target}: {len(lines)} lines")


if __name__ == "__main__":
    raise SystemExit(main())
