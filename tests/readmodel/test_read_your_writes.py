"""Read-your-writes: a list read right after a write has that write in it, through the API and
when another process follows the log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from events.bootstrap import Store, open_store
from events.readmodel.queries import PortfolioFilter
from events.readmodel.side import StaleReadModel
from tests.api.support import CONSORTIA, admit, found
from tests.clock import StepClock
from tests.conftest import Api
from tests.readmodel.support import ADMIN, SYSTEM, portfolio_all

SUMMARY = ("committed", "received", "spent", "available")


def item(api: Api, consortium_id: str) -> dict[str, Any]:
    """The consortium's line in the very next portfolio read."""
    response = api.get(CONSORTIA, query_string={"limit": 200})
    assert response.status_code == 200, response.get_data(as_text=True)
    (line,) = (i for i in response.json["items"] if i["id"] == consortium_id)
    return dict(line)


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.json
    return body


def test_a_consortium_founded_is_in_the_very_next_portfolio(api: Api) -> None:
    for n in range(3):
        consortium = found(api, f"Consortium {n}")

        newest = api.get(CONSORTIA, query_string={"sort": "-founded", "limit": 1}).json

        assert [i["id"] for i in newest["items"]] == [consortium["id"]]


def test_members_admitted_are_counted_in_the_very_next_portfolio(api: Api) -> None:
    consortium_id = found(api)["id"]

    for count, party in enumerate(("Gemeente Utrecht", "Zorgtech BV", "Hogeschool Utrecht"), 1):
        admit(api, consortium_id, party, role="lead" if count == 1 else "partner")

        assert item(api, consortium_id)["active_members"] == count


def test_a_member_leaving_is_counted_in_the_very_next_portfolio(api: Api) -> None:
    consortium_id = found(api)["id"]
    admit(api, consortium_id, "Gemeente Utrecht", role="lead")
    partner = admit(api, consortium_id, "Zorgtech BV")

    api.post(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave", json={})

    assert item(api, consortium_id)["active_members"] == 1


def test_totals_follow_each_money_write_at_once(api: Api) -> None:
    consortium_id = found(api)["id"]
    member = admit(api, consortium_id, "Gemeente Utrecht", role="lead")["id"]
    base = f"{CONSORTIA}/{consortium_id}"
    steps: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        (
            "commitments",
            {"member_id": member, "year": 2026, "amount": "5000.00"},
            {"committed": "5000.00"},
        ),
        (
            "contributions",
            {"member_id": member, "kind": "cash", "amount": "1200.00", "date": "2026-02-01"},
            {"received": "1200.00", "available": "1200.00"},
        ),
        (
            "contributions",
            {"member_id": member, "kind": "in_kind", "amount": "300.00", "date": "2026-02-02"},
            {"received": "1500.00", "available": "1200.00"},
        ),
        (
            "expenditures",
            {"amount": "200.50", "date": "2026-02-03", "description": "Zaalhuur"},
            {"spent": "200.50", "available": "999.50"},
        ),
        (
            "commitments",
            {"member_id": member, "year": 2026, "amount": "4000.00", "reason": "Bezuiniging"},
            {"committed": "4000.00"},
        ),
    ]

    for path, body, expected in steps:
        created(api.post(f"{base}/{path}", json=body))

        line = item(api, consortium_id)
        assert {k: line[k] for k in expected} == expected, path


def test_a_reversal_shows_in_the_very_next_portfolio(api: Api) -> None:
    consortium_id = found(api)["id"]
    member = admit(api, consortium_id, "Gemeente Utrecht", role="lead")["id"]
    base = f"{CONSORTIA}/{consortium_id}/contributions"
    contribution = created(
        api.post(
            base,
            json={"member_id": member, "kind": "cash", "amount": "750.00", "date": "2026-02-01"},
        )
    )

    created(api.post(f"{base}/{contribution['id']}/reversal", json={"reason": "Dubbel geboekt"}))

    assert {k: item(api, consortium_id)[k] for k in ("received", "available")} == {
        "received": "0.00",
        "available": "0.00",
    }


def test_the_portfolio_totals_equal_the_budget_right_after_each_write(api: Api) -> None:
    consortium_id = found(api)["id"]
    base = f"{CONSORTIA}/{consortium_id}"
    member = admit(api, consortium_id, "Gemeente Utrecht", role="lead")["id"]
    other = admit(api, consortium_id, "Gemeente Zeist", sector="municipality")["id"]
    writes = [
        ("commitments", {"member_id": member, "year": 2026, "amount": "999.99"}),
        ("commitments", {"member_id": other, "year": 2027, "amount": "100.01"}),
        ("cost-sharing", {"amount": "1000.00", "key": "equal", "commit_year": 2026}),
        (
            "contributions",
            {"member_id": other, "kind": "cash", "amount": "0.01", "date": "2026-01-01"},
        ),
        ("expenditures", {"amount": "0.01", "date": "2026-01-02", "description": "Koffie"}),
    ]

    for path, body in writes:
        response = api.post(f"{base}/{path}", json=body)
        assert response.status_code in (200, 201), response.get_data(as_text=True)

        totals = api.get(f"{base}/budget").json["totals"]
        line = item(api, consortium_id)
        assert {k: line[k] for k in SUMMARY} == {k: totals[k] for k in SUMMARY}, path


def test_a_milestone_planned_is_the_next_checkpoint_at_once(api: Api) -> None:
    consortium_id = found(api)["id"]

    created(
        api.post(
            f"{CONSORTIA}/{consortium_id}/milestones",
            json={"title": "Eerste validatie", "due_date": "2026-05-01"},
        )
    )

    assert item(api, consortium_id)["next_checkpoint"] == "2026-05-01"
    listed = api.get(CONSORTIA, query_string={"checkpoint_before": "2026-05-02"}).json
    assert [i["id"] for i in listed["items"]] == [consortium_id]


def test_a_phase_change_shows_in_the_very_next_portfolio(api: Api) -> None:
    consortium_id = found(api)["id"]

    response = api.post(f"{CONSORTIA}/{consortium_id}/phase", json={"phase": "pilot"})
    assert response.status_code == 200

    listed = api.get(CONSORTIA, query_string={"phase": "pilot"}).json
    assert [i["id"] for i in listed["items"]] == [consortium_id]


# -- another process follows ----------------------------------------------------------------


@pytest.fixture
def reader(store: Store, clock: StepClock) -> Iterator[Store]:
    """A second store on the same database that never follows the log itself (as a web
    process beside `consortium projections run`)."""
    other = open_store(store.settings, clock, may_lead=False)
    yield other
    other.close()


def test_a_reader_that_may_not_follow_sees_its_write_once_the_follower_applied_it(
    store: Store, reader: Store
) -> None:
    store.read.start_following()

    consortium = reader.consortia.found(
        name="Warme wijk", challenge="Energiearmoede", description=None, caller=SYSTEM
    )

    assert [row.id for row in portfolio_all(reader)] == [consortium.id]


def test_a_reader_that_may_not_follow_says_so_when_nobody_follows(reader: Store) -> None:
    reader.consortia.found(
        name="Warme wijk", challenge="Energiearmoede", description=None, caller=SYSTEM
    )

    with pytest.raises(StaleReadModel):
        reader.read.fresh(timeout=0.2)


def test_a_read_may_wait_for_an_earlier_position_only(store: Store, reader: Store) -> None:
    """Asking for the position of one's own write (not the head) is enough for that write."""
    consortium = store.consortia.found(
        name="Warme wijk", challenge="Energiearmoede", description=None, caller=SYSTEM
    )
    store.read.fresh()
    position = store.read.follower.head()
    reader.consortia.found(name="Later", challenge="Later", description=None, caller=SYSTEM)

    rows, _ = reader.read.portfolio(
        ADMIN, PortfolioFilter(), sort="founded", cursor=None, limit=10, position=position
    )

    assert [row.id for row in rows] == [consortium.id]
