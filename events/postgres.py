"""A plain PostgreSQL connection from the store settings, for the few things done outside the
event store's own pools (advisory locks that must outlive a transaction)."""

from __future__ import annotations

from typing import Any

import psycopg

from events.settings import StoreSettings


def connect(settings: StoreSettings) -> psycopg.Connection[Any]:
    env = settings.env
    return psycopg.connect(
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD") or None,
        dbname=env["POSTGRES_DBNAME"],
        autocommit=True,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "10")),
    )
