"""Settings refuse what must never run, and say which variable is wrong."""

from __future__ import annotations

import base64
import secrets
import string

import pytest

from kuanxian.demo import DEMO_ADMIN_TOKEN
from kuanxian.safety.contact import ContactLimits
from kuanxian.settings import (
    DEMO_BORROWER_SECRET,
    DEMO_SECRET,
    MIN_SECRET_BITS,
    Settings,
    SettingsError,
    StaffedHours,
    entropy_bits,
    webhook_key,
)

# Fixed strong secrets (random once, written here so the test is the same every run).
STRONG = (
    "q8Zt3VnR1xKp0WmLc5YbHs7JdEf2GuAo9TiNy4Qe6Rw",
    "Lk3Pz9Xc1Vb7Nm5Qa2Ws8Ed4Rf6Tg0YhUjIoKlMnBvCx",
    "m4N8b2V6c0X9z3L7k1J5h8G2f6D0s4A9p3O7i1U5y8T",
)


def production(**overrides: str) -> dict[str, str]:
    env = {
        "KUANXIAN_ENV": "production",
        "KUANXIAN_DEMO": "false",
        "KUANXIAN_SECRET": STRONG[0],
        "KUANXIAN_BORROWER_TOKEN_SECRET": STRONG[1],
        "KUANXIAN_ADMIN_TOKEN": STRONG[2],
        "KUANXIAN_DATABASE_URL": "postgresql://kuanxian@db/kuanxian",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def refused(env: dict[str, str]) -> str:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    return str(caught.value)


# ------------------------------------------------------------------ environment --


def test_development_starts_with_the_demo_and_its_secrets() -> None:
    settings = Settings.from_env({})
    assert settings.env == "development" and settings.demo and not settings.production
    assert (settings.secret, settings.borrower_token_secret, settings.admin_token) == (DEMO_SECRET, DEMO_BORROWER_SECRET, DEMO_ADMIN_TOKEN)
    assert settings.contact_limits == ContactLimits(1, 3) and settings.port == 8000 and settings.hardship_pause_days == 7


def test_a_sound_production_configuration_starts() -> None:
    settings = Settings.from_env(production())
    assert settings.production and not settings.demo
    assert settings.database_url.startswith("postgresql+asyncpg://")


def test_production_turns_the_demo_off_by_default() -> None:
    env = production()
    del env["KUANXIAN_DEMO"]
    assert not Settings.from_env(env).demo


@pytest.mark.parametrize("value", ["prod", "staging", "PRODUCTIO", "live", "dev"])
def test_an_unknown_environment_is_refused(value: str) -> None:
    message = refused({"KUANXIAN_ENV": value})
    assert "KUANXIAN_ENV" in message and repr(value.lower()) in message
    assert "development, test, production" in message


@pytest.mark.parametrize("value", [" Production ", "PRODUCTION"])
def test_the_environment_name_ignores_case_and_spaces(value: str) -> None:
    assert Settings.from_env(production(KUANXIAN_ENV=value)).production


# ------------------------------------------------------------------ production --


@pytest.mark.parametrize("value", ["true", "1", "yes", "on"])
def test_production_refuses_demo_mode(value: str) -> None:
    message = refused(production(KUANXIAN_DEMO=value))
    assert "demo mode" in message and "KUANXIAN_DEMO=false" in message


SECRET_NAMES = ("KUANXIAN_SECRET", "KUANXIAN_BORROWER_TOKEN_SECRET", "KUANXIAN_ADMIN_TOKEN")


@pytest.mark.parametrize("name", SECRET_NAMES)
@pytest.mark.parametrize("value", [DEMO_SECRET, DEMO_BORROWER_SECRET, DEMO_ADMIN_TOKEN, "kuanxian-demo"])
def test_production_refuses_every_demo_secret_in_every_place(name: str, value: str) -> None:
    message = refused(production(**{name: value}))
    assert name in message


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_production_refuses_a_missing_secret_because_the_demo_one_would_be_used(name: str) -> None:
    env = production()
    del env[name]
    assert name in refused(env)


@pytest.mark.parametrize("name", SECRET_NAMES)
@pytest.mark.parametrize(
    "value",
    [
        "a" * 32,  # long enough, no entropy
        "a" * 200,
        "ab" * 16,  # 32 bits
        "Zx9!" * 8,  # 64 bits
        STRONG[0][:31],  # random but one short of 32 characters
        "",
    ],
    ids=["32a", "200a", "ab16", "pattern", "short", "empty"],
)
def test_production_refuses_short_or_guessable_secrets(name: str, value: str) -> None:
    message = refused(production(**{name: value}))
    assert name in message and "32" in message


def test_a_generated_secret_is_strong_enough() -> None:
    for _ in range(20):
        Settings.from_env(production(KUANXIAN_SECRET=secrets.token_urlsafe(48)))


@pytest.mark.parametrize("pair", [(0, 1), (0, 2), (1, 2)])
def test_production_refuses_the_same_value_for_two_secrets(pair: tuple[int, int]) -> None:
    env = production(**{SECRET_NAMES[pair[1]]: STRONG[pair[0]], SECRET_NAMES[pair[0]]: STRONG[pair[0]]})
    message = refused(env)
    assert "three different secrets" in message


def test_development_accepts_what_production_refuses() -> None:
    settings = Settings.from_env({"KUANXIAN_SECRET": "a" * 32, "KUANXIAN_ADMIN_TOKEN": "a" * 32})
    assert settings.secret == "a" * 32 and not settings.production


def test_entropy_bits() -> None:
    assert entropy_bits("") == 0.0
    assert entropy_bits("a" * 32) == 0.0
    assert entropy_bits("ab" * 16) == pytest.approx(32.0)
    assert entropy_bits(string.ascii_letters[:32]) == pytest.approx(160.0)
    assert entropy_bits(STRONG[0]) >= MIN_SECRET_BITS


# ---------------------------------------------------------------- contact caps --


@pytest.mark.parametrize("per_day, per_week", [("1", "3"), ("2", "7"), ("3", "7"), ("1", "1")])
def test_contact_caps_at_or_below_the_ceiling_are_accepted(per_day: str, per_week: str) -> None:
    settings = Settings.from_env({"KUANXIAN_CONTACT_PER_DAY": per_day, "KUANXIAN_CONTACT_PER_7_DAYS": per_week})
    assert settings.contact_limits == ContactLimits(int(per_day), int(per_week))


@pytest.mark.parametrize(
    "per_day, per_week, words",
    [
        ("4", "7", "ceiling of 3"),
        ("1", "8", "ceiling of 7"),
        ("3", "2", "cannot exceed"),
        ("0", "3", "at least 1"),
        ("1", "0", "at least 1"),
    ],
)
def test_contact_caps_above_the_ceiling_or_inconsistent_are_refused(per_day: str, per_week: str, words: str) -> None:
    message = refused({"KUANXIAN_CONTACT_PER_DAY": per_day, "KUANXIAN_CONTACT_PER_7_DAYS": per_week})
    assert words in message
    assert "KUANXIAN_CONTACT_PER_DAY" in message and "KUANXIAN_CONTACT_PER_7_DAYS" in message


# ---------------------------------------------------------------- bad numbers --


@pytest.mark.parametrize(
    "name, value",
    [
        ("KUANXIAN_PORT", "eighty"),
        ("KUANXIAN_PORT", "80.5"),
        ("KUANXIAN_PORT", "-1"),
        ("KUANXIAN_PORT", "--5"),
        ("KUANXIAN_PORT", "70000"),
        ("KUANXIAN_PORT", "0"),
        ("KUANXIAN_CONTACT_PER_DAY", "one"),
        ("KUANXIAN_CONTACT_PER_7_DAYS", "3.5"),
        ("KUANXIAN_HARDSHIP_PAUSE_DAYS", "0"),
        ("KUANXIAN_HARDSHIP_PAUSE_DAYS", "91"),
        ("KUANXIAN_HARDSHIP_PAUSE_DAYS", "seven"),
        ("KUANXIAN_EXPECTED_WAIT_MINUTES", "0"),
        ("KUANXIAN_GRACE_DAYS", "61"),
        ("KUANXIAN_BROKEN_AFTER_MISSED", "13"),
        ("KUANXIAN_SCHEDULER_INTERVAL", "fast"),
        ("KUANXIAN_SCHEDULER_INTERVAL", "0"),
        ("KUANXIAN_SCHEDULER_INTERVAL", "-1"),
        ("KUANXIAN_SCHEDULER_INTERVAL", "nan"),
        ("KUANXIAN_SCHEDULER_INTERVAL", "inf"),
        ("KUANXIAN_SCHEDULER_INTERVAL", "86400"),
    ],
)
def test_a_bad_number_is_refused_naming_the_variable(name: str, value: str) -> None:
    message = refused({name: value})
    assert name in message
    assert value in message or "between" in message


@pytest.mark.parametrize(
    "name, value, attribute, expected",
    [
        ("KUANXIAN_PORT", "8080", "port", 8080),
        ("KUANXIAN_PORT", " 9000 ", "port", 9000),
        ("KUANXIAN_PORT", "", "port", 8000),
        ("KUANXIAN_HARDSHIP_PAUSE_DAYS", "90", "hardship_pause_days", 90),
        ("KUANXIAN_HARDSHIP_PAUSE_DAYS", "1", "hardship_pause_days", 1),
        ("KUANXIAN_SCHEDULER_INTERVAL", "0.5", "scheduler_interval_seconds", 0.5),
        ("KUANXIAN_GRACE_DAYS", "0", "installment_grace_days", 0),
    ],
)
def test_good_numbers_are_read(name: str, value: str, attribute: str, expected: object) -> None:
    assert getattr(Settings.from_env({name: value}), attribute) == expected


# ------------------------------------------------------------------ the rest --


@pytest.mark.parametrize("value", ["9-21", "09:00", "21:00-09:00-10:00", "09:00-09:00"])
def test_bad_staffed_hours_are_refused_naming_the_variable(value: str) -> None:
    assert "KUANXIAN_STAFFED_HOURS" in refused({"KUANXIAN_STAFFED_HOURS": value})


def test_staffed_hours_in_a_zone_that_does_not_exist_are_refused() -> None:
    assert "KUANXIAN_STAFFED_HOURS" in refused({"KUANXIAN_STAFFED_ZONE": "Mars/Olympus"})


def test_staffed_hours_are_read() -> None:
    hours = Settings.from_env({"KUANXIAN_STAFFED_HOURS": "08:30-20:00", "KUANXIAN_STAFFED_ZONE": "Asia/Shanghai"}).staffed_hours
    assert hours == StaffedHours.parse("08:30-20:00", "Asia/Shanghai")
    assert (hours.start.hour, hours.start.minute, hours.end.hour) == (8, 30, 20)


@pytest.mark.parametrize(
    "name, value", [("KUANXIAN_RASA_URLS", "ftp://rasa"), ("KUANXIAN_ACTIONS_URLS", "localhost:5055"), ("KUANXIAN_RASA_URLS", " , ")]
)
def test_urls_must_be_http(name: str, value: str) -> None:
    assert name in refused({name: value})


def test_a_webhook_needs_an_http_url_and_a_secret() -> None:
    assert "KUANXIAN_WEBHOOK_URL" in refused({"KUANXIAN_WEBHOOK_URL": "lender.example/hooks", "KUANXIAN_WEBHOOK_SECRET": "s"})
    assert "KUANXIAN_WEBHOOK_SECRET" in refused({"KUANXIAN_WEBHOOK_URL": "https://lender.example/hooks"})
    settings = Settings.from_env({"KUANXIAN_WEBHOOK_URL": "https://lender.example/hooks", "KUANXIAN_WEBHOOK_SECRET": "s"})
    assert settings.webhook_url == "https://lender.example/hooks"


def test_an_unknown_brain_is_refused() -> None:
    assert "KUANXIAN_BRAIN" in refused({"KUANXIAN_BRAIN": "gpt"})
    assert "KUANXIAN_BRAIN=rasa" in refused(production(KUANXIAN_BRAIN="scripted"))


def test_settings_errors_are_value_errors() -> None:
    assert issubclass(SettingsError, ValueError)


# ------------------------------------------------------------------ webhook secrets --
WEBHOOK = "https://lender.example/hooks"


def whsec(size: int) -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(size)).decode()


@pytest.mark.parametrize("size", [24, 32, 64])
def test_a_standard_webhooks_secret_of_24_to_64_bytes_starts(size: int) -> None:
    secret = whsec(size)
    settings = Settings.from_env({"KUANXIAN_WEBHOOK_URL": WEBHOOK, "KUANXIAN_WEBHOOK_SECRET": secret})
    assert webhook_key(settings.webhook_secret or "") == base64.b64decode(secret[6:])


@pytest.mark.parametrize(
    "secret, words",
    [
        ("whsec_not base64!", "not valid base64"),
        ("whsec_" + base64.b64encode(b"x" * 24).decode()[:-1], "not valid base64"),  # truncated: bad padding
        ("whsec_", "encode 24 to 64 bytes, this one encodes 0"),
        (whsec(23), "this one encodes 23"),
        (whsec(65), "this one encodes 65"),
    ],
)
def test_a_malformed_standard_webhooks_secret_is_refused_at_start(secret: str, words: str) -> None:
    message = refused({"KUANXIAN_WEBHOOK_URL": WEBHOOK, "KUANXIAN_WEBHOOK_SECRET": secret})
    assert "KUANXIAN_WEBHOOK_SECRET" in message and words in message
    # In production too, and even without a URL (a secret set for later is checked now, not at the first delivery).
    assert "KUANXIAN_WEBHOOK_SECRET" in refused(production(KUANXIAN_WEBHOOK_SECRET=secret))


def test_a_plain_webhook_secret_is_still_its_utf8_bytes() -> None:
    settings = Settings.from_env({"KUANXIAN_WEBHOOK_URL": WEBHOOK, "KUANXIAN_WEBHOOK_SECRET": "宽限-shared"})
    assert webhook_key(settings.webhook_secret or "") == "宽限-shared".encode()


# ------------------------------------------------------------------ several hubs --
PG = "postgresql://kuanxian@db/kuanxian"
REDIS = "redis://redis.internal:6379/0"


def test_several_hubs_without_redis_are_refused() -> None:
    message = refused({"KUANXIAN_HUBS": "2", "KUANXIAN_DATABASE_URL": PG})
    assert "KUANXIAN_HUBS=2" in message and "KUANXIAN_REDIS_URL" in message


def test_several_hubs_on_sqlite_are_refused() -> None:
    message = refused({"KUANXIAN_HUBS": "3", "KUANXIAN_DATABASE_URL": "sqlite:///var/k.db", "KUANXIAN_REDIS_URL": REDIS})
    assert "KUANXIAN_HUBS=3" in message and "PostgreSQL" in message


def test_several_hubs_on_postgresql_with_redis_start_and_one_hub_needs_neither() -> None:
    assert Settings.from_env({"KUANXIAN_HUBS": "2", "KUANXIAN_DATABASE_URL": PG, "KUANXIAN_REDIS_URL": REDIS}).hubs == 2
    assert Settings.from_env({"KUANXIAN_DATABASE_URL": "sqlite:///var/k.db"}).hubs == 1
    assert "KUANXIAN_HUBS" in refused({"KUANXIAN_HUBS": "0"})


# ------------------------------------------------------------------ drain budget --
def test_the_drain_budget_is_read_and_bounded() -> None:
    assert Settings.from_env({}).drain_seconds == 10.0
    assert Settings.from_env({"KUANXIAN_DRAIN_SECONDS": "25"}).drain_seconds == 25.0
    for bad in ("0", "-3", "nan", "soon", "301"):
        assert "KUANXIAN_DRAIN_SECONDS" in refused({"KUANXIAN_DRAIN_SECONDS": bad})
