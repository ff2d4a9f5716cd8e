"""Storage: one database. The hub writes it (through kuanxian.hub); the action server only reads it.

SQLAlchemy Core, 2.0-style, on SQLAlchemy 1.4 (Rasa venv) and 2.x (hub venv).
Modules are per noun and take a connection, so a caller can make several
changes in one transaction.
"""

from kuanxian.storage.db import create_schema, database_url, make_engine

__all__ = ["create_schema", "database_url", "make_engine"]
