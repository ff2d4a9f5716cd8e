"""Storage: the project's one database, shared by the action server and the hub."""

from __future__ import annotations

import importlib
import os

from sqlalchemy.ext.asyncio import AsyncEngine

from kuanxian.accounts import AccountRepository
from kuanxian.storage.accounts import SqlAccountRepository
from kuanxian.storage.db import create_schema, database_url, make_engine

REPOSITORY_ENV = "KUANXIAN_ACCOUNT_REPOSITORY"

__all__ = [
    "SqlAccountRepository",
    "create_schema",
    "database_url",
    "load_account_repository",
    "make_engine",
]


def load_account_repository(engine: AsyncEngine) -> AccountRepository:
    """The SQL repository, or the lender's own one named in KUANXIAN_ACCOUNT_REPOSITORY.

    The named factory ("package.module:callable") is called with the engine and
    must return an object implementing `AccountRepository`.
    """
    target = os.environ.get(REPOSITORY_ENV, "").strip()
    if not target:
        return SqlAccountRepository(engine)
    module_name, _, attr = target.partition(":")
    if not attr:
        raise ValueError(f"{REPOSITORY_ENV} must look like 'package.module:factory', got {target!r}")
    factory = getattr(importlib.import_module(module_name), attr)
    repository = factory(engine)
    if not isinstance(repository, AccountRepository):
        raise TypeError(f"{target} did not return an AccountRepository")
    return repository
