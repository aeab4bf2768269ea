"""Eight writers at once: 8 threads, each with its own test client, log 250 contributions each
to one consortium through the API; nothing is lost and nothing is booked twice, so the received
total is exact to the cent with 2,000 contributions recorded (SQLite and PostgreSQL).

The amounts differ per writer and per contribution (1.01 to 9.99 euro, every cent digit used),
so a lost or doubled booking changes the total, and a rounding anywhere shows in the cents.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Final, TypeVar
from uuid import UUID

import pytest
from flask import Flask

from events.bootstrap import Store
from events.caller import Caller
from events.readmodel.records import ContributionFilter
from tests.budget.support import TODAY, contribute, of
from tests.conftest import Api
from tests.http import json_of

T = TypeVar("T")

WRITERS: Final = 8
EACH: Final = 250
TOTAL: Final = WRITERS * EACH


def amount(writer: int, n: int) -> Decimal:
    """1.01 … 9.99 euro: every writer and contribution its own mix of cents."""
    return Decimal(100 + (writer * EACH + n) * 37 % 899) / 100


def all_at_once(work: Callable[[int], T], threads: int = WRITERS) -> list[T]:
    """Run work(0) … work(threads - 1) in as many threads, released together."""
    start = threading.Barrier(threads)

    def worker(number: int) -> T:
        start.wait()
        return work(number)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(worker, range(threads)))


@pytest.mark.slow
def test_eight_writers_log_two_thousand_contributions_exact_to_the_cent(
    app: Flask,
    store: Store,
    caller: Caller,
    pm: Api,
    consortium_id: str,
    members: dict[str, str],
) -> None:
    member_ids = list(members.values())
    token = pm.headers["Authorization"].removeprefix("Bearer ")

    def writer(number: int) -> list[tuple[int, str]]:
        api = Api(app.test_client(), token)  # each writer its own client
        answers = []
        for n in range(EACH):
            response = contribute(
                api,
                consortium_id,
                member_ids[(number + n) % len(member_ids)],
                str(amount(number, n)),
                on=TODAY,
                reference=f"writer {number} #{n}",
            )
            body = json_of(response)
            answers.append((response.status_code, body.get("id", body.get("detail"))))
        return answers

    answers = [a for writer_answers in all_at_once(writer) for a in writer_answers]

    assert [status for status, _ in answers if status != 201] == []
    assert len({contribution_id for _, contribution_id in answers}) == TOTAL
    expected = sum(amount(w, n) for w in range(WRITERS) for n in range(EACH))
    totals = json_of(pm.get(of(consortium_id, "budget")))["totals"]
    assert totals["received_cash"] == totals["received"] == f"{expected:.2f}"
    logged = store.consortia.contributions(
        UUID(consortium_id), caller, ContributionFilter(), start=0, limit=TOTAL + 1
    ).items
    references = sorted(b.contribution.reference or "" for b in logged)
    assert references == sorted(f"writer {w} #{n}" for w in range(WRITERS) for n in range(EACH))
