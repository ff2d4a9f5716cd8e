"""The labelled safety corpus: batches of lines with their provenance.

Layout (kuanxian/safety/corpus/)::

    guard/<batch>.tsv      messages TO a borrower: pressure | fair
    distress/<batch>.tsv   messages FROM a borrower: crisis | distress | none
    identity/<batch>.tsv   messages in a borrower's chat: third_party (someone else is
                           typing) | borrower

Each file is one batch by one writer. It opens with `#` comment lines that
record who wrote it and the brief they were given, then one line per example::

    label<TAB>category<TAB>register<TAB>text

A distress text may be a short sequence of the same person's messages, oldest
first, joined by " ||| "; the label is for the last message read in the light
of the earlier ones.

Errors name the file and line, so a trainer's broken edit is easy to fix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "CATEGORIES",
    "CORPUS_DIR",
    "LABELS",
    "SEQUENCE_SEPARATOR",
    "Batch",
    "CorpusError",
    "CorpusLine",
    "Kind",
    "corpus_digest",
    "load_batches",
    "parse_batch",
]

CORPUS_DIR = Path(__file__).with_name("corpus")
SEQUENCE_SEPARATOR = " ||| "

Kind = Literal["guard", "distress", "identity"]
KINDS: tuple[Kind, ...] = ("guard", "distress", "identity")

LABELS: dict[str, tuple[str, ...]] = {
    "guard": ("pressure", "fair"),
    "distress": ("crisis", "distress", "none"),
    "identity": ("third_party", "borrower"),
}

CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "guard": {
        "pressure": (
            "third_party",
            "surveillance",
            "publication",
            "legal_authority",
            "character",
            "deadline_harm",
            "borrow_sell",
            "contact_frequency",
            "intimidation",
        ),
        "fair": (
            "account_facts",
            "options",
            "care",
            "rights_help",
            "promise_not",
            "warning_illegal",
            "apology",
            "borrower_choice",
            "truthful_answer",
        ),
    },
    "distress": {
        "crisis": (
            "ideation_direct",
            "ideation_indirect",
            "plan",
            "farewell",
            "self_harm",
            "passive_wish",
            "practical_question",
        ),
        "distress": ("hopeless_money", "overwhelm", "shame", "anger", "life_event", "mental_health"),
        "none": ("everyday", "hyperbole", "other_case", "denial", "research", "mild_negative"),
    },
    "identity": {
        "third_party": ("parent", "spouse", "child", "sibling_relative", "friend_colleague", "other"),
        "borrower": ("mentions_family", "family_help", "privacy_worry", "own_account", "other_people"),
    },
}


class CorpusError(ValueError):
    """A corpus file that does not follow the format; the message names FILE:LINE."""


@dataclass(frozen=True)
class CorpusLine:
    """One labelled example."""

    batch: str
    label: str
    category: str
    register: str
    text: str
    line: int

    @property
    def messages(self) -> tuple[str, ...]:
        """The messages of a sequence (one element for a plain line), oldest first."""
        return tuple(part.strip() for part in self.text.split(SEQUENCE_SEPARATOR.strip()) if part.strip())

    @property
    def last(self) -> str:
        """The message the label is about."""
        return self.messages[-1]

    @property
    def context(self) -> tuple[str, ...]:
        """Earlier messages of a sequence; empty for a plain line."""
        return self.messages[:-1]


@dataclass(frozen=True)
class Batch:
    """One writer's file."""

    name: str
    kind: Kind
    path: Path
    header: str
    lines: tuple[CorpusLine, ...]


def parse_batch(path: Path, kind: Kind) -> Batch:
    """Read one batch file, checking every field."""
    if kind not in KINDS:
        raise CorpusError(f"unknown corpus kind {kind!r}")
    labels = LABELS[kind]
    categories = CATEGORIES[kind]
    header: list[str] = []
    lines: list[CorpusLine] = []
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if not lines:
                header.append(line[1:].strip())
            continue
        fields = line.split("\t")
        where = f"{path}:{number}"
        if len(fields) != 4:
            raise CorpusError(f"{where}: expected 4 TAB-separated fields (label, category, register, text), got {len(fields)}")
        label, category, register, text = (f.strip() for f in fields)
        if label not in labels:
            raise CorpusError(f"{where}: unknown label {label!r} (one of {', '.join(labels)})")
        if category not in categories[label]:
            raise CorpusError(f"{where}: unknown category {category!r} for {label} (one of {', '.join(categories[label])})")
        if not text:
            raise CorpusError(f"{where}: empty text")
        lines.append(CorpusLine(path.stem, label, category, register or "standard", text, number))
    if not lines:
        raise CorpusError(f"{path}: no examples")
    return Batch(path.stem, kind, path, "\n".join(header), tuple(lines))


def batch_paths(kind: Kind, root: Path = CORPUS_DIR) -> list[Path]:
    """The batch files of one kind, in name order."""
    return sorted((root / kind).glob("*.tsv"))


def load_batches(kind: Kind, root: Path = CORPUS_DIR) -> list[Batch]:
    """Every batch of one kind, in name order."""
    return [parse_batch(path, kind) for path in batch_paths(kind, root)]


def corpus_digest(kind: Kind, root: Path = CORPUS_DIR) -> str:
    """SHA-256 over the batch files' names and bytes: what the model was trained on."""
    digest = hashlib.sha256()
    for path in batch_paths(kind, root):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        digest.update(b"\0")
    return digest.hexdigest()
