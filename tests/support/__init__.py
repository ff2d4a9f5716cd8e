"""Helpers for the test suite (databases, the running stack)."""
