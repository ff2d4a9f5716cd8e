"""The hub's API suite: real hub processes (scripted brain) on SQLite and PostgreSQL, over HTTP and WebSockets."""
