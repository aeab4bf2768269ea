"""GET /api/v1/me: the account of the token used, with its roles per consortium and the names
that make them readable (on each backend: the roles are read from the read model)."""

from __future__ import annotations

from typing import Any, Final

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from events.caller import Caller
from tests.api.support import CONSORTIA, admit, found
from tests.conftest import Api, issue_token

PM: Final = "pm@utrecht.example"
FUNDER: Final = "subsidie@provincie.example"


@pytest.fixture
def manager(client: FlaskClient, store: Store) -> Api:
    system = Caller.system("cli:test", "setup")
    account = store.accounts.open_account(email=PM, name=None, may_found=True, caller=system)
    secret = store.accounts.issue_token(account, name="t", expires_at=None, caller=system).secret
    return Api(client, secret)


def roles_of(api: Api) -> list[dict[str, Any]]:
    roles: list[dict[str, Any]] = api.get("/api/v1/me").json["roles"]
    return roles


def grant(api: Api, consortium_id: str, **fields: Any) -> dict[str, Any]:
    response = api.post(f"{CONSORTIA}/{consortium_id}/roles", json=fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.json
    return body


def test_a_founder_is_programme_manager_of_what_they_founded(manager: Api) -> None:
    first = found(manager, "Langer thuis")
    second = found(manager, "Minder afval")

    assert roles_of(manager) == [
        {
            "consortium_id": c["id"],
            "consortium_name": name,
            "role": "programme_manager",
            "member_id": None,
            "party": None,
        }
        for c, name in ((first, "Langer thuis"), (second, "Minder afval"))
    ]


def test_a_representative_sees_the_member_it_acts_for(
    client: FlaskClient, store: Store, manager: Api
) -> None:
    consortium = found(manager, "Langer thuis")
    member = admit(manager, consortium["id"], "Gemeente Zeist", "municipality", "partner")
    officer = Api(client, issue_token(store, "officer@zeist.example"))
    grant(
        manager,
        consortium["id"],
        account="officer@zeist.example",
        role="member_representative",
        member_id=member["id"],
    )

    (role,) = roles_of(officer)

    assert (role["role"], role["member_id"], role["party"]) == (
        "member_representative",
        member["id"],
        "Gemeente Zeist",
    )


def test_a_revoked_role_is_not_listed(client: FlaskClient, store: Store, manager: Api) -> None:
    consortium = found(manager, "Langer thuis")
    funder = Api(client, issue_token(store, FUNDER))
    granted = grant(manager, consortium["id"], account=FUNDER, role="funder")
    manager.post(f"{CONSORTIA}/{consortium['id']}/roles/{granted['id']}/revoke")

    assert roles_of(funder) == []


def test_an_account_without_roles_lists_none_but_keeps_its_fields(api: Api) -> None:
    me = api.get("/api/v1/me").json

    assert me["roles"] == []
    assert {"id", "email", "name", "language", "is_admin", "may_found"} <= set(me)
