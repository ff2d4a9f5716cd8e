"""All configuration, read once from the environment into a typed, frozen Settings.

`Settings.from_env()` refuses what must never run: an unknown KUANXIAN_ENV,
demo mode or demo secrets in production, weak or repeated secrets, contact
caps looser than the product allows. Generate production secrets with
`python -c "import secrets; print(secrets.token_urlsafe(48))"` (docs/deploy.md).
"""

from __future__ import annotations

import base64
import binascii
import math
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kuanxian.demo import DEMO_ADMIN_TOKEN
from kuanxian.safety.contact import ContactConfigError, ContactLimits
from kuanxian.shutdown import DEFAULT_DRAIN_SECONDS, DrainSettingError, drain_seconds
from kuanxian.storage.db import database_url

DEFAULT_DOMAIN_PATH = Path(__file__).resolve().parents[1] / "domain.yml"

DEMO_SECRET = "kuanxian-demo-secret-not-for-production-use"
DEMO_BORROWER_SECRET = "kuanxian-demo-borrower-secret-not-for-production"
DEMO_SECRETS = frozenset({DEMO_SECRET, DEMO_BORROWER_SECRET, DEMO_ADMIN_TOKEN, "kuanxian-demo"})
ENVIRONMENTS = ("development", "test", "production")
BRAINS = ("rasa", "scripted")
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128.0
# Standard Webhooks: "whsec_" + base64 of a random key of 24 to 64 bytes.
WHSEC_PREFIX = "whsec_"
WHSEC_MIN_BYTES = 24
WHSEC_MAX_BYTES = 64
MAX_HUBS = 32


class SettingsError(ValueError):
    """A configuration the product refuses to start with."""


def webhook_key(secret: str) -> bytes:
    """The HMAC key of a webhook secret: a `whsec_` secret's decoded bytes, else the secret's UTF-8 bytes.

    A `whsec_` secret that is not strict base64 of 24 to 64 bytes is refused (SettingsError),
    so a bad secret stops the hub at start instead of every delivery failing later.
    """
    if not secret.startswith(WHSEC_PREFIX):
        return secret.encode("utf-8")
    encoded = secret[len(WHSEC_PREFIX) :]
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SettingsError(
            "KUANXIAN_WEBHOOK_SECRET starts with whsec_ but the rest is not valid base64 (standard alphabet, with its = padding); "
            "make one with python -c "
            f'"import base64, secrets; print({WHSEC_PREFIX!r} + base64.b64encode(secrets.token_bytes(32)).decode())"'
        ) from None
    if not WHSEC_MIN_BYTES <= len(key) <= WHSEC_MAX_BYTES:
        raise SettingsError(
            f"KUANXIAN_WEBHOOK_SECRET: a whsec_ secret must encode {WHSEC_MIN_BYTES} to {WHSEC_MAX_BYTES} bytes, "
            f"this one encodes {len(key)}"
        )
    return key


def entropy_bits(secret: str) -> float:
    """Shannon entropy of the characters times the length: 32 × "a" is 0 bits."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    n = len(secret)
    per_char = -sum(c / n * math.log2(c / n) for c in counts.values())
    return per_char * n


@dataclass(frozen=True)
class StaffedHours:
    """When people answer in the console, in the lender's zone (outside: say when they're back)."""

    start: time = time(9, 0)
    end: time = time(21, 0)
    zone: str = "Asia/Shanghai"

    @classmethod
    def parse(cls, value: str, zone: str) -> StaffedHours:
        try:
            start_s, end_s = value.split("-")
            start, end = time.fromisoformat(start_s.strip()), time.fromisoformat(end_s.strip())
            ZoneInfo(zone)
        except (ValueError, ZoneInfoNotFoundError) as exc:
            raise SettingsError(f"KUANXIAN_STAFFED_HOURS must look like 09:00-21:00 in a valid zone ({exc})") from exc
        if start == end:
            raise SettingsError("KUANXIAN_STAFFED_HOURS: start and end must differ")
        return cls(start, end, zone)


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    demo: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    instance: str = "0"
    database_url: str = field(default_factory=database_url)
    redis_url: Optional[str] = None
    brain: str = "rasa"
    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    actions_urls: tuple[str, ...] = ("http://127.0.0.1:5055",)
    rasa_token: Optional[str] = None
    rasa_timeout_seconds: float = 30.0
    secret: str = DEMO_SECRET
    borrower_token_secret: str = DEMO_BORROWER_SECRET
    admin_token: str = DEMO_ADMIN_TOKEN
    session_ttl_seconds: int = 12 * 3600
    console_ttl_seconds: int = 12 * 3600
    max_message_chars: int = 2000
    rate_limit_messages: int = 20
    rate_limit_window_seconds: float = 10.0
    login_attempts: int = 5
    login_window_seconds: float = 300.0
    contact_limits: ContactLimits = field(default_factory=ContactLimits)
    hardship_pause_days: int = 7
    crisis_pause_days: int = 30
    scheduler_interval_seconds: float = 5.0
    scheduler_enabled: bool = True
    widget_origins: tuple[str, ...] = ("*",)
    staffed_hours: StaffedHours = field(default_factory=StaffedHours)
    # A waiting Borrower hears from us at most this often (in a crisis: every message).
    acknowledge_every_seconds: float = 180.0
    expected_wait_minutes: int = 10
    installment_grace_days: int = 3
    broken_after_missed: int = 2
    webhook_url: Optional[str] = None
    webhook_secret: Optional[str] = None
    # The Rasa project's domain.yml: its response templates, so a blocked text names its author (trainer or bot).
    domain_path: Path = DEFAULT_DOMAIN_PATH
    # How many hubs share this database (the supervisor sets it from its own KUANXIAN_HUBS).
    hubs: int = 1
    # Graceful stop: in-flight requests get this long, then running turns this long again (kuanxian.shutdown).
    drain_seconds: float = DEFAULT_DRAIN_SECONDS

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if environ is None else environ
        mode = env.get("KUANXIAN_ENV", "development").strip().lower()
        if mode not in ENVIRONMENTS:
            raise SettingsError(f"KUANXIAN_ENV must be one of {', '.join(ENVIRONMENTS)}, got {mode!r}")
        try:
            limits = ContactLimits(per_day=_int(env, "KUANXIAN_CONTACT_PER_DAY", 1), per_7_days=_int(env, "KUANXIAN_CONTACT_PER_7_DAYS", 3))
        except ContactConfigError as exc:
            raise SettingsError(f"KUANXIAN_CONTACT_PER_DAY / KUANXIAN_CONTACT_PER_7_DAYS: {exc}") from exc
        try:
            drain = drain_seconds(env)
        except DrainSettingError as exc:
            raise SettingsError(str(exc)) from exc
        rasa = _urls(env, "KUANXIAN_RASA_URLS", env.get("KUANXIAN_RASA_URL", "http://127.0.0.1:5005"))
        actions = _urls(env, "KUANXIAN_ACTIONS_URLS", env.get("KUANXIAN_ACTIONS_URL", "http://127.0.0.1:5055"))
        settings = cls(
            env=mode,
            demo=_bool(env.get("KUANXIAN_DEMO", "false" if mode == "production" else "true")),
            host=env.get("KUANXIAN_HOST", "127.0.0.1"),
            port=_int(env, "KUANXIAN_PORT", 8000, low=1, high=65535),
            instance=env.get("KUANXIAN_INSTANCE", "0"),
            database_url=database_url(env.get("KUANXIAN_DATABASE_URL") or None),
            redis_url=env.get("KUANXIAN_REDIS_URL") or None,
            brain=env.get("KUANXIAN_BRAIN", "rasa").strip().lower(),
            rasa_urls=rasa,
            actions_urls=actions,
            rasa_token=env.get("KUANXIAN_RASA_TOKEN") or None,
            secret=env.get("KUANXIAN_SECRET", DEMO_SECRET),
            borrower_token_secret=env.get("KUANXIAN_BORROWER_TOKEN_SECRET", DEMO_BORROWER_SECRET),
            admin_token=env.get("KUANXIAN_ADMIN_TOKEN", DEMO_ADMIN_TOKEN),
            contact_limits=limits,
            hardship_pause_days=_int(env, "KUANXIAN_HARDSHIP_PAUSE_DAYS", 7, low=1, high=90),
            scheduler_interval_seconds=_float(env, "KUANXIAN_SCHEDULER_INTERVAL", 5.0),
            scheduler_enabled=_bool(env.get("KUANXIAN_SCHEDULER", "true")),
            widget_origins=tuple(o.strip() for o in env.get("KUANXIAN_WIDGET_ORIGINS", "*").split(",") if o.strip()),
            staffed_hours=StaffedHours.parse(
                env.get("KUANXIAN_STAFFED_HOURS", "09:00-21:00"), env.get("KUANXIAN_STAFFED_ZONE", "Asia/Shanghai")
            ),
            expected_wait_minutes=_int(env, "KUANXIAN_EXPECTED_WAIT_MINUTES", 10, low=1, high=24 * 60),
            installment_grace_days=_int(env, "KUANXIAN_GRACE_DAYS", 3, low=0, high=60),
            broken_after_missed=_int(env, "KUANXIAN_BROKEN_AFTER_MISSED", 2, low=1, high=12),
            webhook_url=env.get("KUANXIAN_WEBHOOK_URL") or None,
            webhook_secret=env.get("KUANXIAN_WEBHOOK_SECRET") or None,
            domain_path=Path(env.get("KUANXIAN_DOMAIN_PATH") or DEFAULT_DOMAIN_PATH),
            hubs=_int(env, "KUANXIAN_HUBS", 1, low=1, high=MAX_HUBS),
            drain_seconds=drain,
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse what must never run."""
        if self.brain not in BRAINS:
            raise SettingsError(f"KUANXIAN_BRAIN must be one of {', '.join(BRAINS)}")
        if self.webhook_url is not None and not self.webhook_url.startswith(("http://", "https://")):
            raise SettingsError("KUANXIAN_WEBHOOK_URL must be an http(s) URL")
        if self.webhook_url is not None and not self.webhook_secret:
            raise SettingsError("KUANXIAN_WEBHOOK_URL needs KUANXIAN_WEBHOOK_SECRET to sign the events")
        if self.webhook_secret:
            webhook_key(self.webhook_secret)
        if self.hubs > 1 and not self.redis_url:
            raise SettingsError(
                f"KUANXIAN_HUBS={self.hubs}: several hubs need KUANXIAN_REDIS_URL (one turn at a time per conversation "
                "and live frames across hubs); set it, or run one hub"
            )
        if self.hubs > 1 and self.database_url.startswith("sqlite"):
            raise SettingsError(
                f"KUANXIAN_HUBS={self.hubs}: several hubs need PostgreSQL (KUANXIAN_DATABASE_URL=postgresql://…); "
                "SQLite cannot share leased work between processes; run one hub on SQLite"
            )
        if not self.production:
            return
        if self.demo:
            raise SettingsError("KUANXIAN_ENV=production refuses demo mode (set KUANXIAN_DEMO=false)")
        if self.brain != "rasa":
            raise SettingsError("KUANXIAN_ENV=production needs KUANXIAN_BRAIN=rasa")
        secrets = {
            "KUANXIAN_SECRET": self.secret,
            "KUANXIAN_BORROWER_TOKEN_SECRET": self.borrower_token_secret,
            "KUANXIAN_ADMIN_TOKEN": self.admin_token,
        }
        for name, value in secrets.items():
            if value in DEMO_SECRETS or len(value) < MIN_SECRET_LENGTH or entropy_bits(value) < MIN_SECRET_BITS:
                raise SettingsError(
                    f"KUANXIAN_ENV=production refuses a demo, short or guessable {name}: use at least "
                    f'{MIN_SECRET_LENGTH} random characters, e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'
                )
        if len(set(secrets.values())) != len(secrets):
            raise SettingsError("KUANXIAN_ENV=production needs three different secrets for tokens, borrower tokens and the admin API")


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int, *, low: int = 0, high: int = 1 << 31) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc
    if not 0 < value < 86400:
        raise SettingsError(f"{name} must be between 0 and 86400 seconds")
    return value


def _urls(env: Mapping[str, str], name: str, default: str) -> tuple[str, ...]:
    raw = env.get(name, "") or default
    urls = tuple(u.strip().rstrip("/") for u in raw.split(",") if u.strip())
    if not urls or not all(u.startswith(("http://", "https://")) for u in urls):
        raise SettingsError(f"{name} must be a comma-separated list of http(s) URLs")
    return urls
