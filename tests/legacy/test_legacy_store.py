"""A store written by an earlier release opens and answers every read as that release did.

``store_v1.jsonl`` holds every stored row of a store written before the aggregates were made
bounded (see ``make_store``): every kind of consortium event (reminder bookkeeping included),
a snapshot of the old shape, accounts, an idempotent request. ``answers_v1.json`` holds what
that release answered to each read at the end. Here the rows are loaded into a fresh SQLite
file and a fresh PostgreSQL schema, and the current code must answer the same, byte for byte
in the JSON sense (request ids aside), and keep working on top of it.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from uuid import UUID

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from events.bootstrap import Store, open_store
from events.settings import StoreSettings
from tests.backends import postgres_schema, sqlite_file
from tests.clock import StepClock
from tests.conftest import Api
from web.app import create_app
from web.config import WebSettings

HERE: Final = Path(__file__).parent
FIXTURE: Final = json.loads((HERE / "answers_v1.json").read_text())
ROWS: Final = [json.loads(line) for line in (HERE / "store_v1.jsonl").read_text().splitlines()]


def load_rows(settings: StoreSettings) -> None:
    """Write the earlier release's rows into the (empty) tables, in their original order."""
    open_store(settings, StepClock()).close()  # the tables
    rows = [
        (r["table"], r["originator_id"], r["originator_version"], r["topic"], r["state"])
        for r in sorted(ROWS, key=lambda r: (r["table"], r["position"]))
    ]
    if settings.is_postgres:
        env = settings.env
        with psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            user=env["POSTGRES_USER"],
            dbname=env["POSTGRES_DBNAME"],
        ) as conn:
            for table, originator, version, topic, state in rows:
                conn.execute(
                    SQL(
                        "INSERT INTO {}.{} (originator_id, originator_version, topic, state) "
                        "VALUES (%s, %s, %s, %s)"
                    ).format(Identifier(env["POSTGRES_SCHEMA"]), Identifier(table)),
                    (originator, version, topic, base64.b64decode(state)),
                )
        return
    connection = sqlite3.connect(settings.env["SQLITE_DBNAME"])
    with connection:
        for table, originator, version, topic, state in rows:
            connection.execute(
                f"INSERT INTO {table} (originator_id, originator_version, topic, state) "  # noqa: S608
                "VALUES (?, ?, ?, ?)",
                # The SQLite recorder keeps ids as 32 hex digits.
                (UUID(originator).hex, version, topic, base64.b64decode(state)),
            )
    connection.close()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def upgraded_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoreSettings]:
    """The earlier release's rows in a fresh database of each backend (loaded once for all
    the reads of this module: they change nothing)."""
    backend = (
        postgres_schema()
        if request.param == "postgres"
        else sqlite_file(tmp_path_factory.mktemp("legacy"))
    )
    with backend as settings:
        load_rows(settings)
        yield settings


@pytest.fixture(scope="module")
def upgraded(upgraded_settings: StoreSettings) -> Iterator[Store]:
    store = open_store(upgraded_settings, StepClock(datetime.fromisoformat(FIXTURE["now"])))
    yield store
    store.close()


@pytest.fixture(scope="module")
def admin(upgraded: Store) -> Api:
    app = create_app(
        store=upgraded, settings=WebSettings(secret_key="fixture", base_url="http://testserver")
    )
    return Api(app.test_client(), FIXTURE["admin_token"])


def comparable(content_type: str, body: str) -> Any:
    """A JSON body without the request id (new with every request); other bodies as text."""
    if "json" not in content_type:
        return body
    return _without_request_ids(json.loads(body))


def _without_request_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_request_ids(v) for k, v in value.items() if k != "request_id"}
    if isinstance(value, list):
        return [_without_request_ids(v) for v in value]
    return value


@pytest.mark.parametrize(
    "recorded", FIXTURE["answers"], ids=[a["path"] for a in FIXTURE["answers"]]
)
def test_every_read_answers_as_the_earlier_release_did(
    admin: Api, recorded: dict[str, Any]
) -> None:
    response = admin.get(recorded["path"])

    assert response.status_code == recorded["status"]
    assert response.headers["Content-Type"] == recorded["content_type"]
    assert comparable(recorded["content_type"], response.get_data(as_text=True)) == comparable(
        recorded["content_type"], recorded["body"]
    )
