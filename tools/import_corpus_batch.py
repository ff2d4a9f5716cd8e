"""Add an independent writer's batch to the safety corpus with its brief as the header.

    .venv/bin/python tools/import_corpus_batch.py guard g04 incoming/g04.tsv briefs/g04.md

The brief is copied verbatim into the header, so every batch records what its
writer was told (and that they saw nothing else).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from kuanxian.safety.corpus import CORPUS_DIR, parse_batch


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    kind, name, data_path, brief_path = argv
    data = Path(data_path).read_text(encoding="utf-8")
    brief = Path(brief_path).read_text(encoding="utf-8").rstrip("\n")
    header = [
        f"batch: {name}",
        f"kind: {kind}",
        f"imported: {date.today().isoformat()}",
        "writer: an independent helper session (subagent) that was given only the brief below;",
        "        it never saw the rules, the lexicon, the tests, the model or any other batch.",
        "brief:",
    ] + ["| " + line for line in brief.splitlines()]
    body = [line for line in data.splitlines() if line.strip()]
    target = CORPUS_DIR / kind / f"{name}.tsv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(f"# {h}\n" for h in header) + "\n".join(body) + "\n", encoding="utf-8")
    batch = parse_batch(target, kind)  # raises with FILE:LINE if the writer's file is malformed
    print(f"{target}: {len(batch.lines)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
