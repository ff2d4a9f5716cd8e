"""Kuanxian (宽限): humane repayment-plan negotiation with human handoff."""

__version__ = "0.1.0"
