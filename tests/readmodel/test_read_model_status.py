"""Through the API: while an event is skipped as failed every list answers, and administrators
see at GET /api/v1/read-model where the read model is and which event failed, and why."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.api.support import CONSORTIA, problem_of
from tests.api.support import found as found_by_api
from tests.conftest import Api, issue_token
from tests.readmodel.faults import POISONED, Faults, admit, found

STATUS = "/api/v1/read-model"


@pytest.fixture
def faults(store: Store, monkeypatch: pytest.MonkeyPatch) -> Faults:
    faults = Faults(store, monkeypatch)
    faults.refuse_nul()
    return faults


@pytest.fixture
def poisoned(store: Store, faults: Faults) -> str:
    """A consortium founded with a NUL in its name (past the API's checks: straight in the store),
    with a member, and whose founding the read model cannot apply."""
    consortium_id = found(store, POISONED)
    admit(store, consortium_id)
    return str(consortium_id)


def status(api: Api) -> dict[str, Any]:
    response = api.get(STATUS)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.json
    return body


@pytest.mark.parametrize(
    "path",
    [
        CONSORTIA,
        "/api/v1/checkpoints",
        "/api/v1/checkpoints.ics",
        f"/api/v1/members/{quote('Gemeente Zeist')}/money",
    ],
)
def test_every_list_answers_while_an_event_is_skipped_as_failed(
    store: Store, api: Api, poisoned: str, path: str
) -> None:
    healthy = found_by_api(api, "Na de storing")
    admit(store, UUID(healthy["id"]))  # Gemeente Zeist takes part in both

    assert api.get(path).status_code == 200


def test_the_portfolio_lists_the_other_consortia(api: Api, poisoned: str) -> None:
    found_by_api(api, "Na de storing")

    names = [item["name"] for item in api.get(CONSORTIA).json["items"]]

    assert names == ["Na de storing"]


def test_administrators_see_which_event_of_which_consortium_failed_and_why(
    api: Api, poisoned: str
) -> None:
    found_by_api(api, "Na de storing")
    api.get(CONSORTIA)  # a list: the read model catches up, past the failure

    body = status(api)

    (failure,) = body["failures"]
    assert (body["failed"], body["lag"], body["position"]) == (1, 0, body["head"])
    assert (failure["consortium_id"], failure["type"], failure["version"]) == (
        poisoned,
        "Founded",
        1,
    )
    assert failure["error"].endswith("DataError")
    assert "NUL" in failure["detail"]
    assert failure["attempts"] == 1


def test_the_status_answers_at_once_with_the_lag(api: Api, store: Store) -> None:
    found_by_api(api, "Bijgewerkt")
    # The app follows the log in the background (create_app): stopped, it applies nothing more.
    store.read.follower.stop()
    found(store, "Nog niet in de lijsten")  # not applied, and nothing catches up

    body = status(api)

    assert (body["lag"], body["failed"], body["failures"]) == (
        body["head"] - body["position"],
        0,
        [],
    )
    assert body["lag"] > 0


def test_after_a_retry_the_status_lists_no_failure(
    api: Api, store: Store, faults: Faults, poisoned: str
) -> None:
    store.read.fresh()
    faults.fix()

    store.read.follower.retry_failed()

    assert (status(api)["failed"], status(api)["failures"]) == (0, [])


def test_only_administrators_see_the_read_model_status(
    client: FlaskClient, store: Store, poisoned: str
) -> None:
    manager = Api(client, issue_token(store, "pm@utrecht.example"))

    response = manager.get(STATUS)

    assert response.status_code == 403
    assert problem_of(response)["status"] == 403
