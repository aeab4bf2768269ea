"""A PostgreSQL that acknowledges but never answers (a proxy or a pooler that lost its peer;
here a hole in the test's own proxy, never the shared server): every exchange has to be
answered within POSTGRES_ANSWER_TIMEOUT, so the read model's follower gives up what goes
unanswered and catches up once the server answers again. Migrations wait as long as it takes."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from events.bootstrap import Store, open_store
from events.caller import Caller
from events.postgres import (
    ANSWER_TIMEOUT,
    DEFAULT_ANSWER_SECONDS,
    answer_bound,
    connect,
    without_answer_bound,
)
from events.readmodel import follower as following
from events.settings import StoreSettings
from tests.outage import Proxy, postgres_beside_and_behind_proxy
from tests.workers.support import wait_until

pytestmark = pytest.mark.postgres

CALLER = Caller.system("pm@x.example", "silent")
BOUND = 1.0


@pytest.fixture
def holed() -> Iterator[tuple[Proxy, StoreSettings, StoreSettings]]:
    """The proxy, the settings behind it (answers bounded by a second), and those beside it."""
    with postgres_beside_and_behind_proxy() as (proxy, behind, direct):
        yield proxy, behind.with_env(**{ANSWER_TIMEOUT: str(BOUND)}), direct


def test_an_exchange_nobody_answers_fails_within_the_bound_and_closes_its_connection(
    holed: tuple[Proxy, StoreSettings, StoreSettings],
) -> None:
    proxy, behind, _ = holed
    with connect(behind) as conn:
        conn.execute("SELECT 1")
        proxy.hole()

        with pytest.raises(psycopg.OperationalError, match="did not answer within 1 s"):
            conn.execute("SELECT 1")

        assert conn.closed


def test_a_query_over_the_bound_is_cancelled_on_the_server(
    holed: tuple[Proxy, StoreSettings, StoreSettings],
) -> None:
    _, behind, direct = holed
    with connect(behind) as conn:
        pid = conn.info.backend_pid
        with pytest.raises(psycopg.OperationalError, match="did not answer"):
            conn.execute("SELECT pg_sleep(30)")

    with connect(direct) as watcher:
        still = watcher.execute(
            "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND state = 'active'", (pid,)
        ).fetchall()
    assert still == []  # not sleeping on in the server for the rest of its 30 s


def test_long_work_waits_as_long_as_it_takes(
    holed: tuple[Proxy, StoreSettings, StoreSettings],
) -> None:
    _, behind, _ = holed
    with connect(behind) as conn, without_answer_bound():
        answered = conn.execute("SELECT 'slept' FROM pg_sleep(%s)", (2 * BOUND,)).fetchall()

    assert answered == [("slept",)]


@pytest.mark.parametrize(
    ("given", "bound"),
    [("", DEFAULT_ANSWER_SECONDS), ("2.5", 2.5), ("0", None)],
)
def test_the_bound_is_twenty_seconds_unless_the_settings_say_otherwise(
    given: str, bound: float | None
) -> None:
    assert answer_bound({ANSWER_TIMEOUT: given}) == bound


def test_the_follower_gives_up_unanswered_exchanges_and_catches_up_when_answers_come_again(
    holed: tuple[Proxy, StoreSettings, StoreSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(following, "CHECK_SECONDS", BOUND / 2)
    monkeypatch.setattr(following, "BACKOFF_MAX", 2 * BOUND)  # the test waits less for it
    proxy, behind, direct = holed
    store: Store = open_store(behind)  # leads, and follows the log through the proxy
    beside: Store = open_store(direct, may_lead=False)  # writes, and reads the position
    try:
        store.read.start_following()
        beside.consortia.found(name="Voor", challenge="Stilte", description=None, caller=CALLER)
        head = beside.read.follower.head()
        assert wait_until(lambda: beside.read.follower.position() >= head, timeout=30)

        proxy.hole()  # every open connection: the follower's, its pool's, its LISTEN
        beside.consortia.found(name="Tijdens", challenge="Stilte", description=None, caller=CALLER)
        head = beside.read.follower.head()
        # The follower meets the hole (its listening connection is checked at intervals too).
        assert not wait_until(lambda: beside.read.follower.position() >= head, timeout=3 * BOUND)
        proxy.mend()  # new connections are answered; those in the hole stay lost

        assert wait_until(lambda: beside.read.follower.position() >= head, timeout=60)
    finally:
        proxy.mend()
        beside.close()
        store.close()


def test_the_pools_check_of_an_idle_connection_gets_the_connect_timeout_not_a_querys(
    holed: tuple[Proxy, StoreSettings, StoreSettings],
) -> None:
    proxy, behind, _ = holed
    store = open_store(behind.with_env(**{ANSWER_TIMEOUT: "60"}))  # connect timeout: 1 s
    try:
        pool = store.consortia.recorder.datastore.pool  # type: ignore[attr-defined]
        with pool.connection() as conn:
            conn.execute("SELECT 1")  # one idle connection to check, the next time it is lent
        proxy.hole()
        outcome: list[BaseException] = []

        def borrow() -> None:
            try:
                with pool.connection(timeout=1):
                    pass
            except Exception as error:  # its check failed and nothing else could be had
                outcome.append(error)

        borrowing = threading.Thread(target=borrow, daemon=True)
        borrowing.start()
        borrowing.join(timeout=15)  # a query's bound would hold it a minute

        assert not borrowing.is_alive()
        assert outcome, "a connection was lent through the hole"
    finally:
        proxy.mend()
        store.close()
