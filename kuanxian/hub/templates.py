"""The trainers' response templates (`responses:` in the Rasa project's domain.yml), so that a blocked text can be
attributed to its author: a template a trainer wrote, or text the action server composed.

Rasa's REST channel does not say which response a text came from, so the hub matches the text itself: a template's
`{slot}` placeholders match any text. Read once at start-up (`Templates.load`, off the event loop).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["Templates"]

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass(frozen=True)
class Templates:
    patterns: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_domain(cls, text: str) -> Templates:
        """The response texts of a domain file's contents (an unreadable file has none, and says so in the log)."""
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            logger.error("domain.yml is not valid YAML; blocked texts are attributed to the bot: %s", exc)
            return cls()
        responses = data.get("responses") if isinstance(data, dict) else None
        found: list[re.Pattern[str]] = []
        for variants in (responses or {}).values():
            for variant in variants if isinstance(variants, list) else ():
                body = variant.get("text") if isinstance(variant, dict) else None
                if isinstance(body, str) and body.strip():
                    parts = _PLACEHOLDER.split(body.strip())
                    found.append(re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL))
        return cls(tuple(found))

    @classmethod
    async def load(cls, path: Path) -> Templates:
        try:
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        except OSError as exc:
            logger.warning("no response templates read from %s: %s", path, exc)
            return cls()
        return cls.from_domain(text)

    def written_by_trainer(self, text: str) -> bool:
        """Is `text` one of the templates (with its placeholders filled in)?"""
        stripped = text.strip()
        return any(p.fullmatch(stripped) for p in self.patterns)
