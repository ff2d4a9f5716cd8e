"""Turn an independent writer's NLU batch (intent<TAB>text) into Rasa YAML with its brief as a header.

.venv/bin/python tools/nlu_batch.py u01 incoming/u01.tsv briefs/u01.md
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    name, data_path, brief_path = argv
    by_intent: dict[str, list[str]] = defaultdict(list)
    for number, line in enumerate(Path(data_path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        intent, _, text = line.partition("\t")
        if not text.strip():
            raise SystemExit(f"{data_path}:{number}: expected intent<TAB>text")
        by_intent[intent.strip()].append(text.strip())
    brief = Path(brief_path).read_text(encoding="utf-8").splitlines()
    head = [
        f"# Independent NLU batch {name}: written by a helper session that saw only the brief below,",
        "# never the project's NLU data, stories or tests. Leave-one-batch-out figures: docs/nlu-evaluation.md.",
        "#",
        *("# | " + line for line in brief),
        "",
    ]
    body = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        body.append(f"- intent: {intent}")
        body.append("  examples: |")
        for text in by_intent[intent]:
            safe = text.replace("[", "［").replace("]", "］")
            body.append(f"    - {safe}")
    target = ROOT / "data" / "nlu" / "independent" / f"{name}.yml"
    target.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    print(f"{target}: {sum(map(len, by_intent.values()))} examples, {len(by_intent)} intents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
