"""Webhook signatures the Standard Webhooks way, checked against vectors computed here, and the retry backoff."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from itertools import pairwise

import pytest

from kuanxian.hub.webhooks import BASE_DELAY, MAX_ATTEMPTS, MAX_DELAY, backoff, secret_bytes, sign

EVENT_ID = "evt_2Lp0cQ1gH6x"
TIMESTAMP = 1736906400  # 2025-01-15T02:00:00Z
BODY = '{"type":"plan.agreed","data":{"installment_amount":"1000.00","installment_count":12},"note":"宽限"}'.encode()
# The Standard Webhooks specification's example secret.
WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def expected(key: bytes, event_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key, event_id.encode() + b"." + str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode("ascii")


def test_a_plain_secret_signs_with_its_utf8_bytes() -> None:
    secret = "lender-shared-secret-0123456789"
    assert sign(secret, EVENT_ID, TIMESTAMP, BODY) == expected(secret.encode("utf-8"), EVENT_ID, TIMESTAMP, BODY)


def test_a_whsec_secret_is_base64_decoded_first() -> None:
    key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    assert secret_bytes(WHSEC) == key and len(key) == 24
    assert sign(WHSEC, EVENT_ID, TIMESTAMP, BODY) == expected(key, EVENT_ID, TIMESTAMP, BODY)
    # ...and not its text: a receiver using the decoded key must agree, one using the text must not.
    assert sign(WHSEC, EVENT_ID, TIMESTAMP, BODY) != expected(WHSEC.encode(), EVENT_ID, TIMESTAMP, BODY)


def test_the_specifications_example_vector() -> None:
    """The example in the Standard Webhooks specification (standardwebhooks.com)."""
    body = b'{"test": 2432232314}'
    signature = sign(WHSEC, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == expected(base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_chinese_secret_is_utf8() -> None:
    secret = "宽限-共享密钥"
    assert secret_bytes(secret) == secret.encode("utf-8")
    assert sign(secret, EVENT_ID, TIMESTAMP, BODY) == expected(secret.encode("utf-8"), EVENT_ID, TIMESTAMP, BODY)


@pytest.mark.parametrize(
    "change",
    [
        {"event_id": "evt_other"},
        {"timestamp": TIMESTAMP + 1},
        {"body": BODY + b" "},
        {"secret": "lender-shared-secret-0123456788"},
    ],
)
def test_every_part_is_covered_by_the_signature(change: dict[str, object]) -> None:
    base: dict[str, object] = {"secret": "lender-shared-secret-0123456789", "event_id": EVENT_ID, "timestamp": TIMESTAMP, "body": BODY}
    assert sign(**{**base, **change}) != sign(**base)  # type: ignore[arg-type]


def test_the_signature_has_the_v1_prefix_and_a_sha256_digest() -> None:
    version, digest = sign("s", EVENT_ID, TIMESTAMP, BODY).split(",", 1)
    assert version == "v1" and len(base64.b64decode(digest)) == 32


def test_a_whsec_secret_that_is_not_base64_is_an_error() -> None:
    with pytest.raises(ValueError):
        secret_bytes("whsec_not base64!")


# -------------------------------------------------------------------- backoff --


class Fixed(random.Random):
    """Jitter pinned to one end of its range (or the middle)."""

    def __init__(self, where: float) -> None:
        super().__init__(0)
        self.where = where

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.where


def test_backoff_doubles_from_five_seconds_without_jitter() -> None:
    middle = Fixed(0.5)
    assert [backoff(n, middle) for n in range(1, 8)] == [5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0]
    assert backoff(0, middle) == BASE_DELAY


def test_backoff_grows_with_each_attempt_until_the_cap() -> None:
    middle = Fixed(0.5)
    delays = [backoff(n, middle) for n in range(1, MAX_ATTEMPTS + 1)]
    capped = delays.index(MAX_DELAY)
    assert capped == 9  # 5 s × 2⁹ = 2560 s is the first past 30 minutes
    assert all(a < b for a, b in pairwise(delays[: capped + 1]))
    assert set(delays[capped:]) == {MAX_DELAY}


@pytest.mark.parametrize("where", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("attempts", [10, 11, MAX_ATTEMPTS, 1000, 10_000])
def test_backoff_never_waits_longer_than_the_cap(where: float, attempts: int) -> None:
    delay = backoff(attempts, Fixed(where))
    assert 0 < delay <= MAX_DELAY


def test_jitter_spreads_retries_between_half_and_one_and_a_half_times() -> None:
    assert backoff(3, Fixed(0.0)) == 10.0 and backoff(3, Fixed(1.0)) == 30.0
    rng = random.Random(7)
    seen = [backoff(3, rng) for _ in range(200)]
    assert all(10.0 <= d <= 30.0 for d in seen) and len(set(seen)) > 100


def test_a_receiver_down_for_an_hour_loses_nothing() -> None:
    """Even with the shortest jitter every time, the tries span more than an hour before the dead letter."""
    low = Fixed(0.0)
    assert sum(backoff(n, low) for n in range(1, MAX_ATTEMPTS)) > 3600
