"""Typed hub settings, read from the environment once at start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Optional

from kuanxian.demo import DEMO_ADMIN_TOKEN
from kuanxian.safety.contact import ContactLimits
from kuanxian.safety.crisis import hardship_pause_days
from kuanxian.storage.db import database_url

DEMO_SECRET = "kuanxian-demo-secret-not-for-production-use"
DEMO_BORROWER_SECRET = "kuanxian-demo-borrower-secret-not-for-production"
DEMO_SECRETS = frozenset({DEMO_SECRET, DEMO_BORROWER_SECRET, DEMO_ADMIN_TOKEN, "kuanxian-demo"})


class SettingsError(ValueError):
    """A configuration the hub refuses to start with."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    demo: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = field(default_factory=database_url)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: Optional[str] = None
    actions_url: str = "http://127.0.0.1:5055"
    secret: str = DEMO_SECRET
    borrower_token_secret: str = DEMO_BORROWER_SECRET
    admin_token: str = DEMO_ADMIN_TOKEN
    session_ttl_seconds: int = 12 * 3600
    console_ttl_seconds: int = 12 * 3600
    max_message_chars: int = 2000
    rate_limit_messages: int = 20
    rate_limit_window_seconds: float = 10.0
    rasa_timeout_seconds: float = 30.0
    contact_limits: ContactLimits = field(default_factory=ContactLimits)
    scheduler_interval_seconds: float = 5.0
    scheduler_enabled: bool = True
    # Origins allowed to embed the widget (CORS on /api/widget/*); "*" allows any.
    widget_origins: tuple[str, ...] = ("*",)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        mode = env.get("KUANXIAN_ENV", "development").strip().lower()
        demo_default = "false" if mode == "production" else "true"
        try:
            limits = ContactLimits(
                per_day=int(env.get("KUANXIAN_CONTACT_PER_DAY", "1")),
                per_7_days=int(env.get("KUANXIAN_CONTACT_PER_7_DAYS", "3")),
            )
        except ValueError as exc:
            raise SettingsError(f"contact caps: {exc}") from exc
        try:
            hardship_pause_days()
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc
        settings = cls(
            env=mode,
            demo=_bool(env.get("KUANXIAN_DEMO", demo_default)),
            host=env.get("KUANXIAN_HOST", "127.0.0.1"),
            port=int(env.get("KUANXIAN_PORT", "8000")),
            database_url=database_url(env.get("KUANXIAN_DATABASE_URL") or None),
            rasa_url=env.get("KUANXIAN_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=env.get("KUANXIAN_RASA_TOKEN") or None,
            actions_url=env.get("KUANXIAN_ACTIONS_URL", "http://127.0.0.1:5055").rstrip("/"),
            secret=env.get("KUANXIAN_SECRET", DEMO_SECRET),
            borrower_token_secret=env.get("KUANXIAN_BORROWER_TOKEN_SECRET", DEMO_BORROWER_SECRET),
            admin_token=env.get("KUANXIAN_ADMIN_TOKEN", DEMO_ADMIN_TOKEN),
            contact_limits=limits,
            scheduler_interval_seconds=float(env.get("KUANXIAN_SCHEDULER_INTERVAL", "5")),
            scheduler_enabled=_bool(env.get("KUANXIAN_SCHEDULER", "true")),
            widget_origins=tuple(o.strip() for o in env.get("KUANXIAN_WIDGET_ORIGINS", "*").split(",") if o.strip()),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse demo secrets or demo mode in production."""
        if self.env != "production":
            return
        if self.demo:
            raise SettingsError("KUANXIAN_ENV=production refuses to start with demo mode on (set KUANXIAN_DEMO=false)")
        for name in ("secret", "borrower_token_secret", "admin_token"):
            value = getattr(self, name)
            if value in DEMO_SECRETS or len(value) < 32:
                raise SettingsError(
                    f"KUANXIAN_ENV=production refuses the demo or a short value for {name} "
                    f"(set KUANXIAN_{name.upper()} to a random string of at least 32 characters)"
                )


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
