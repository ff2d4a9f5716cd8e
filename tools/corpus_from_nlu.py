"""Snapshot NLU examples, and calm people's turns in the conversation scripts, into the safety corpus.

    .venv/bin/python tools/corpus_from_nlu.py [n01|n02|n03 ...]

n01 holds the project team's examples (data/nlu/*.yml); n02 the independent
NLU batches (data/nlu/independent/u*.yml), written by people who never saw the
safety corpus: everyday borrower language in many voices.

The independent batches are mostly hard cases; a model trained on them alone
has never seen an ordinary "你好" or "分12期" and flags too much. These lines
(written by the project team for intent classification, labelled by intent)
teach the models what everyday messages look like. They are their own batch
(n01), reported separately by `make safety-eval`, never mixed into the
independent batches' figures.

n03 holds every turn of the conversation scripts (tests/conversations/personas)
whose writer marked the person calm (`expect.no_alarm: true`): whole chats of
practical questions ("如果我再拖一段时间会怎么样", "工资只发一半") that single-line
batches under-represent, so the model had learnt 如果 and 拖 as crisis words. The
newest script batches are left out (SCRIPT_HOLDOUT): they stay unseen, for
`make conversations` figures on wording nobody tuned against.
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
# Script batches kept out of n03, so whole conversations can still be scored on unseen wording.
SCRIPT_HOLDOUT = ("c21", "c22", "c23", "c24", "c25", "c26", "c27", "c28", "c29", "c30", "c31", "c32")
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


BY_INTENT = "labelled from their intents, not by a safety labeller: ordinary borrower messages."
BY_SCRIPT = "labelled none because each script's writer marked the person calm (expect.no_alarm), not by a safety labeller."


def header(kind: str, batch: str, what: str, how: str = BY_INTENT) -> str:
    return "".join(
        f"# {h}\n"
        for h in (
            f"batch: {batch}",
            f"kind: {kind}",
            f"imported: {date.today().isoformat()}",
            f"writer: {what}, snapshot by tools/corpus_from_nlu.py;",
            f"        {how}",
        )
    )


def calm_turns(folder: str = "tests/conversations/personas") -> list[tuple[str, str]]:
    """(intent-like tag, text) for every turn of a script whose person is calm, held-out batches left out."""
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / folder).glob("c*.yaml"), key=lambda p: int(p.stem[1:])):
        if path.stem in SCRIPT_HOLDOUT:
            continue
        for script in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if (script.get("expect") or {}).get("no_alarm") is True:
                out += [("script_calm", str(t).strip()) for t in script.get("turns") or [] if str(t).strip() and "\t" not in str(t)]
    return out


def main(argv: list[str] | None = None) -> int:
    import sys

    wanted = set(sys.argv[1:] if argv is None else argv) or {*SOURCES, "n03"}
    for batch, (folder, pattern, what) in SOURCES.items():
        if batch in wanted:
            write_batch(batch, examples(folder, pattern), what)
    if "n03" in wanted:
        what = "the calm people's turns of the conversation scripts (tests/conversations/personas, no_alarm)"
        write_batch("n03", calm_turns(), what, kinds=("distress",), how=BY_SCRIPT)
    return 0


def write_batch(
    batch: str, rows: list[tuple[str, str]], what: str, kinds: tuple[str, ...] = ("identity", "distress"), how: str = BY_INTENT
) -> None:
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
        if kind not in kinds:
            continue
        target = ROOT / "kuanxian" / "safety" / "corpus" / kind / f"{batch}.tsv"
        target.write_text(header(kind, batch, what, how) + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{target}: {len(lines)} lines")


if __name__ == "__main__":
    raise SystemExit(main())
