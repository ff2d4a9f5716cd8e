"""Demo data: the Borrowers and the Collector that `make run` starts with."""

from __future__ import annotations

from decimal import Decimal

from kuanxian.dates import Frequency
from kuanxian.domain.borrower import Borrower
from kuanxian.domain.collector import Role
from kuanxian.domain.policy import Policy

DEMO_PASSWORD = "kuanxian-demo"
DEMO_COLLECTOR = ("demo", DEMO_PASSWORD, "小李")
# Console users of demo mode: (username, password, display name, role). They never log in outside demo mode.
DEMO_USERS = (
    ("demo", DEMO_PASSWORD, "小李", Role.COLLECTOR),
    ("lead", DEMO_PASSWORD, "周组长", Role.LEAD),
    ("trainer", DEMO_PASSWORD, "陈训练师", Role.TRAINER),
)
DEMO_ADMIN_TOKEN = "demo-admin-token"

DEMO_BORROWERS = (
    Borrower(
        borrower_id="demo-001",
        display_name="王女士",
        timezone="Asia/Shanghai",
        currency="CNY",
        principal=Decimal("11200.00"),
        interest_and_fees=Decimal("800.00"),
        days_overdue=15,
        due_day=15,
        policy=Policy(
            min_installment=Decimal("300.00"),
            max_term_months=24,
            allowed_frequencies=frozenset({Frequency.MONTHLY}),
            payment_holiday_days=60,
            interest_freeze_on_hardship=True,
        ),
    ),
    Borrower(
        borrower_id="demo-002",
        display_name="李先生",
        timezone="Asia/Shanghai",
        currency="CNY",
        principal=Decimal("5000.00"),
        interest_and_fees=Decimal("350.00"),
        days_overdue=3,
        due_day=5,
        policy=Policy(
            min_installment=Decimal("200.00"),
            max_term_months=12,
            allowed_frequencies=frozenset({Frequency.MONTHLY}),
            payment_holiday_days=30,
            interest_freeze_on_hardship=False,
        ),
    ),
    Borrower(
        borrower_id="demo-003",
        display_name="陈女士",
        timezone="America/New_York",
        currency="CNY",
        principal=Decimal("2880.00"),
        interest_and_fees=Decimal("120.00"),
        days_overdue=40,
        due_day=28,
        policy=Policy(
            min_installment=Decimal("150.00"),
            max_term_months=18,
            allowed_frequencies=frozenset({Frequency.MONTHLY, Frequency.BIWEEKLY}),
            payment_holiday_days=90,
            interest_freeze_on_hardship=True,
        ),
    ),
)
