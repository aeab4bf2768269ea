"""A PostgreSQL that acknowledges but never answers (a proxy or a pooler that lost its peer;
here a hole in the test's own proxy, never the shared server): every exchange has to be
answered within POSTGRES_ANSWER_TIMEOUT, so the read model's follower gives up what goes
unanswered and catches up once the server answers again. Migrations wait as long as it takes."""

from __future__ import annotations

import contextlib
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


def test_a_migration_waits_as_long_as_it_takes(
    holed: tuple[Proxy, StoreSettings, StoreSettings],
) -> None:
    proxy, behind, _ = holed
    conn = connect(behind)
    proxy.hole()

    def ask() -> None:
        with without_answer_bound(), contextlib.suppress(psycopg.OperationalError):
            conn.execute("SELECT 1")  # until the test ends the wait

    waiting = threading.Thread(target=ask, daemon=True)
    waiting.start()
    waiting.join(timeout=3 * BOUND)

    assert waiting.is_alive()
    conn.pgconn.finish()
    waiting.join(timeout=10)


@pytest.mark.parametrize(
    ("given", "bound"),
    [("", DEFAULT_ANSWER_SECONDS), ("2.5", 2.5), ("0", None)],
)
def test_the_bound_is_a_minute_unless_the_settings_say_otherwise(
    given: str, bound: float | None
) -> None:
    assert answer_bound({ANSWER_TIMEOUT: given}) == bound


def test_the_follower_gives_up_unanswered_exchanges_and_catches_up_when_answers_come_again(
    holed: tuple[Proxy, StoreSettings, StoreSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(following, "PULL_SECONDS", BOUND / 2)
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
        # The follower meets the hole (notified or not: it reads the log at intervals too).
        assert not wait_until(lambda: beside.read.follower.position() >= head, timeout=3 * BOUND)
        proxy.mend()  # new connections are answered; those in the hole stay lost

        assert wait_until(lambda: beside.read.follower.position() >= head, timeout=60)
    finally:
        proxy.mend()
        beside.close()
        store.close()
