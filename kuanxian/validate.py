"""`make validate`: the project's own content checks for trainers, reported as file:line.

Complements `rasa data validate` with checks it does not make: enough varied
examples per intent, the same example under two intents, unknown entities,
hardship values outside the agreed categories, and story or rule steps that name
intents, actions or responses the domain does not have.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from kuanxian.domain.hardship import HardshipCategory

HARDSHIP_CATEGORIES = tuple(c.value for c in HardshipCategory)

MIN_EXAMPLES = 20
ENTITY = re.compile(r"\[([^\]]+)\](?:\((\w+)(?::([^)]+))?\)|(\{[^}]*\}))")
BUILTIN_ACTIONS = {
    "action_listen",
    "action_restart",
    "action_default_fallback",
    "action_deactivate_loop",
    "action_two_stage_fallback",
    "action_unlikely_intent",
    "action_back",
    "action_session_start",
}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def compose(path: Path) -> tuple[Optional[yaml.Node], Optional[Problem]]:
    try:
        return yaml.compose(path.read_text(encoding="utf-8")), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return None, Problem(path, line, f"YAML error: {getattr(exc, 'problem', exc)}")


def mapping_get(node: yaml.Node, key: str) -> Optional[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def example_lines(node: yaml.ScalarNode) -> Iterator[tuple[int, str]]:
    """(line, text) for each '- example' of a block scalar."""
    first = node.start_mark.line + (1 if node.style in ("|", ">") else 0)
    for offset, raw in enumerate(node.value.splitlines()):
        text = raw.strip()
        if text.startswith("- "):
            yield first + offset + 1, text[2:].strip()


def plain_text(example: str) -> str:
    return ENTITY.sub(lambda m: m.group(1), example)


def load_domain(root: Path) -> tuple[dict[str, Any], list[Problem]]:
    _node, problem = compose(root / "domain.yml")
    if problem:
        return {}, [problem]
    return yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8")) or {}, []


def check(root: Path) -> list[Problem]:
    domain, problems = load_domain(root)
    if problems:
        return problems
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents", [])}
    entities = {e if isinstance(e, str) else next(iter(e)) for e in domain.get("entities", [])}
    actions = set(domain.get("actions", [])) | set(domain.get("responses", {})) | set(domain.get("forms", {})) | BUILTIN_ACTIONS
    counts: dict[str, int] = {}
    first_seen: dict[str, tuple[str, Path, int]] = {}
    for path in sorted((root / "data").rglob("*.yml")):
        node, problem = compose(path)
        if problem:
            problems.append(problem)
            continue
        if node is None:
            continue
        for item in _items(node, "nlu"):
            problems += _check_nlu_item(path, item, intents, entities, counts, first_seen)
        for key in ("stories", "rules"):
            for item in _items(node, key):
                problems += _check_steps(path, item, intents, actions)
    for intent in sorted(intents):
        if intent.startswith("EXTERNAL_"):
            continue
        if counts.get(intent, 0) < MIN_EXAMPLES:
            problems.append(
                Problem(
                    root / "domain.yml", 1, f"intent '{intent}' has {counts.get(intent, 0)} examples; at least {MIN_EXAMPLES} are needed"
                )
            )
    return problems


def _items(node: yaml.Node, key: str) -> list[yaml.Node]:
    section = mapping_get(node, key)
    return list(section.value) if isinstance(section, yaml.SequenceNode) else []


def _check_nlu_item(
    path: Path,
    item: yaml.Node,
    intents: set[str],
    entities: set[str],
    counts: dict[str, int],
    first_seen: dict[str, tuple[str, Path, int]],
) -> list[Problem]:
    problems: list[Problem] = []
    intent_node = mapping_get(item, "intent")
    examples = mapping_get(item, "examples")
    if intent_node is None or not isinstance(examples, yaml.ScalarNode):
        return problems
    intent = intent_node.value
    if intent not in intents:
        problems.append(Problem(path, intent_node.start_mark.line + 1, f"intent '{intent}' is not in domain.yml"))
    for line, example in example_lines(examples):
        counts[intent] = counts.get(intent, 0) + 1
        for match in ENTITY.finditer(example):
            name, value = match.group(2), match.group(3)
            if match.group(4):
                try:
                    spec = yaml.safe_load(match.group(4))
                    name, value = spec.get("entity"), spec.get("value")
                except (yaml.YAMLError, AttributeError):
                    problems.append(Problem(path, line, f"bad entity annotation {match.group(0)}"))
                    continue
            if name not in entities:
                problems.append(Problem(path, line, f"entity '{name}' is not in domain.yml"))
            if name == "hardship_type" and value and value not in HARDSHIP_CATEGORIES:
                problems.append(Problem(path, line, f"hardship_type value '{value}' is not one of the agreed categories"))
        key = re.sub(r"[\s\W_]+", "", plain_text(example).lower())
        seen = first_seen.get(key)
        if seen and seen[0] != intent:
            problems.append(Problem(path, line, f"example '{plain_text(example)}' is also under intent '{seen[0]}' ({seen[1]}:{seen[2]})"))
        elif not seen:
            first_seen[key] = (intent, path, line)
    return problems


def _check_steps(path: Path, item: yaml.Node, intents: set[str], actions: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    for section in ("steps", "condition"):
        steps = mapping_get(item, section)
        if not isinstance(steps, yaml.SequenceNode):
            continue
        for step in steps.value:
            intent = mapping_get(step, "intent")
            action = mapping_get(step, "action")
            if intent is not None and intent.value not in intents and intent.value != "nlu_fallback":
                problems.append(Problem(path, intent.start_mark.line + 1, f"intent '{intent.value}' is not in domain.yml"))
            if action is not None and action.value not in actions:
                problems.append(Problem(path, action.start_mark.line + 1, f"action '{action.value}' is not in domain.yml"))
    return problems


def main(argv: Optional[list[str]] = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    root = Path(args[0]) if args else Path.cwd()
    problems = check(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.")
        return 1
    print("content checks: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
