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
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from uuid import UUID

import psycopg
import pytest
from eventsourcing.utils import get_topic
from flask import Flask
from psycopg.sql import SQL, Identifier

from consortium.aggregate import Consortium
from consortium.errors import AlreadyReversed
from consortium.figures import ContributionKind
from consortium.money import Money
from consortium.trace import Selection
from events.bootstrap import Store, migrate, open_store
from events.caller import Caller
from events.configuration import Settings
from events.exports import ledger_rows
from events.settings import StoreSettings
from tests.backends import postgres_schema, run_sql, sqlite_file
from tests.budget.support import recompute_from_events, view_of
from tests.clock import StepClock
from tests.conftest import Api
from web.api.history import origin_only
from web.app import create_app
from web.i18n import translate

HERE: Final = Path(__file__).parent
FIXTURE: Final = json.loads((HERE / "answers_v1.json").read_text())
ROWS: Final = [json.loads(line) for line in (HERE / "store_v1.jsonl").read_text().splitlines()]


def load_rows(settings: StoreSettings) -> None:
    """Write the earlier release's rows into the (empty) tables, in their original order; then
    upgrade, as ``consortium migrate`` does when this release starts on them."""
    migrate(settings)  # the tables
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
        migrate(settings)
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
    migrate(settings)


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
        store=upgraded, settings=Settings.given(secret_key="fixture", base_url="http://testserver")
    )
    return Api(app.test_client(), FIXTURE["admin_token"])


def comparable(content_type: str, body: str) -> Any:
    """A JSON body without the request id (new with every request); an iCalendar body with its
    lines unfolded (RFC 5545, 3.1: where a long line breaks depends on its content); other
    bodies as text."""
    if "calendar" in content_type:
        return body.replace("\r\n ", "")
    if "json" not in content_type:
        return body
    return _without_request_ids(json.loads(body))


# A calendar event's URL was the milestone's API address; it is the milestone on its
# consortium's page now (web/calendar.py).
_API_MILESTONE = re.compile(r"^URL:(\S+?)/api/v1/consortia/([\w-]+)/milestones/([\w-]+)", re.M)


def as_shown_now(app: Flask, path: str, answer: Any) -> Any:
    """What the earlier release answered, with the changes made on purpose since: the history
    shows a webhook's address without its path (it may hold the receiver's secret), an error is
    in the account's language (the earlier release's accounts read Dutch), and a calendar
    event links to the milestone's page."""
    if isinstance(answer, dict) and "title" in answer and "detail" in answer:
        with app.test_request_context(headers={"Accept-Language": "nl"}):
            return {
                **answer,
                "title": translate(answer["title"]),
                "detail": translate(answer["detail"]),
            }
    if isinstance(answer, str) and path.split("?", maxsplit=1)[0].endswith(".ics"):
        return _API_MILESTONE.sub(r"URL:\1/consortia/\2#milestone-\3", answer)
    if not path.split("?", maxsplit=1)[0].endswith("/events"):
        return answer
    for item in answer["items"]:
        if item["type"] == "WebhookSet":
            item["data"]["url"] = origin_only(item["data"]["url"])
    return answer


# Fields added since, which that release could not answer: left out of the comparison (their
# own tests are elsewhere): the roles on /me, and the names of the responsible members.
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
    answered = comparable(recorded["content_type"], response.get_data(as_text=True))
    expected = as_shown_now(
        admin.client.application,
        recorded["path"],
        comparable(recorded["content_type"], recorded["body"]),
    )
    assert extends(answered, expected), f"{answered!r}\ndoes not extend\n{expected!r}"


def extends(answer: Any, recorded: Any) -> bool:
    """The answer says all the recorded one said, the same way; it may say more (fields the
    API gained since): the contract is extended, never changed."""
    if isinstance(recorded, dict):
        return isinstance(answer, dict) and all(
            key in answer and extends(answer[key], value) for key, value in recorded.items()
        )
    if isinstance(recorded, list):
        return (
            isinstance(answer, list)
            and len(answer) == len(recorded)
            and all(extends(a, r) for a, r in zip(answer, recorded, strict=True))
        )
    return bool(answer == recorded)


def test_an_answer_that_changed_a_recorded_value_does_not_extend_it() -> None:
    assert extends({"a": 1, "b": [1, {"c": 2, "d": 3}]}, {"a": 1, "b": [1, {"c": 2}]})
    assert not extends({"a": 1, "b": [1, {"c": 3}]}, {"a": 1, "b": [1, {"c": 2}]})
    assert not extends({"a": 1}, {"a": 1, "b": 2})
    assert not extends({"a": [1, 2, 3]}, {"a": [1, 2]})


# -- working on top of it ------------------------------------------------------------------------


@pytest.fixture
def legacy(settings: StoreSettings) -> Iterator[Store]:
    """The earlier release's rows in this test's own database, opened by this release."""
    load_rows(settings)
    store = open_store(settings, StepClock(datetime.fromisoformat(FIXTURE["now"])))
    yield store
    store.close()


SYSTEM: Final = Caller.system("test", "legacy")
MADE: Final = FIXTURE["made"]
CONSORTIUM: Final = UUID(MADE["consortium"])


def snapshot_topics(store: Store) -> set[str]:
    assert store.consortia.snapshots is not None
    found = store.consortia.snapshots.recorder.select_events(CONSORTIUM, desc=True, limit=10)
    return {s.topic for s in found}


def test_the_snapshot_of_the_unbounded_shape_is_removed_by_the_upgrade(
    legacy: Store,
) -> None:
    assert snapshot_topics(legacy) == set()
    assert legacy.consortia.consortium(CONSORTIUM, SYSTEM).version == 108


def test_new_money_on_top_of_the_earlier_releases_books_adds_up_with_its_history(
    legacy: Store,
) -> None:
    consortia = legacy.consortia
    utrecht = UUID(MADE["members"]["utrecht"])
    kept, reversed_already = (UUID(c) for c in MADE["contributions"])
    consortia.log_contribution(
        CONSORTIUM,
        member_id=utrecht,
        kind=ContributionKind.CASH,
        amount=Money(Decimal("500.00")),
        on=legacy.consortia.today(),
        year=None,
        reference=None,
        hours=None,
        rate=None,
        caller=SYSTEM,
    )
    consortia.reverse_contribution(CONSORTIUM, kept, reason="Na de upgrade", caller=SYSTEM)

    with pytest.raises(AlreadyReversed):
        consortia.reverse_contribution(
            CONSORTIUM, reversed_already, reason="Nog eens", caller=SYSTEM
        )
    budget = consortia.budget(CONSORTIUM, SYSTEM)
    events = list(consortia.events.get(CONSORTIUM))
    assert view_of(budget) == recompute_from_events(events)
    assert budget.totals.received_cash == Money(Decimal("500.00"))


def test_the_upgrade_chains_the_earlier_releases_events_and_new_events_follow_them(
    legacy: Store,
) -> None:
    legacy.consortia.reverse_contribution(
        CONSORTIUM, UUID(MADE["contributions"][0]), reason="Na de upgrade", caller=SYSTEM
    )

    reports = {report.application: report for report in legacy.audit.verify()}

    assert all(report.intact for report in reports.values())
    earlier = sum(1 for r in ROWS if r["table"] == "consortia_events")
    recorded = run_sql(legacy.settings, "SELECT COUNT(*) FROM consortia_events")[0][0]
    assert reports["consortia"].events == recorded > earlier


def test_the_budget_as_of_a_moment_before_the_upgrade_reads_as_it_did_after_new_writes(
    legacy: Store,
) -> None:
    path = f"/api/v1/consortia/{CONSORTIUM}/budget?as_of={MADE['as_of'][1]}"
    (recorded,) = (a for a in FIXTURE["answers"] if a["path"] == path)
    for n in range(25):  # enough for new snapshots of the bounded shape
        legacy.consortia.pledge(
            CONSORTIUM,
            member_id=UUID(MADE["members"]["hu"]),
            year=2030,
            amount=Money(Decimal(100 + n)),
            reason=f"Herziening {n}",
            caller=SYSTEM,
        )
    admin = Api(
        create_app(
            store=legacy,
            settings=Settings.given(secret_key="fixture", base_url="http://testserver"),
        ).test_client(),
        FIXTURE["admin_token"],
    )

    response = admin.get(path)

    assert snapshot_topics(legacy) == {get_topic(Consortium.Snapshot)}
    assert extends(
        comparable(recorded["content_type"], response.get_data(as_text=True)),
        comparable(recorded["content_type"], recorded["body"]),
    )


def test_the_earlier_releases_reversals_are_traced_and_exported_with_their_figures(
    legacy: Store,
) -> None:
    consortia = legacy.consortia
    budget = consortia.budget(CONSORTIUM, SYSTEM)

    traced = consortia.trace(CONSORTIUM, SYSTEM, Selection("received_cash")).trace
    ledger = list(consortia.ledger_table(CONSORTIUM, SYSTEM).rows)

    assert traced.total == budget.totals.received_cash
    reversals = [line for line in traced.lines if line.event == "ContributionReversed"]
    assert reversals
    assert all(line.counted.amount < 0 for line in reversals)
    entry = [column.key for column in ledger_rows.COLUMNS]
    exported = [dict(zip(entry, row, strict=True)) for row in ledger]
    assert all(
        r["amount"] is not None and r["member_id"] is not None
        for r in exported
        if r["entry"] == "reversal"
    )
