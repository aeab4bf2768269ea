"""A member municipality's province (optional): given on admission and on a request to adopt,
read back on the member and in the catalogue, which filters by it; admissions and requests
recorded before provinces read as without one. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.testing import FlaskClient

from consortium.adoption import AdoptionRequest, request_id_for
from consortium.aggregate import Consortium
from consortium.membership import member_of
from events.bootstrap import Store
from tests.adoption.support import pilot
from tests.conftest import Api, issue_token

PROBLEM = "application/problem+json"


def _ask_and_approve(client: FlaskClient, store: Store, province: str) -> str:
    solution = pilot(store.consortia)
    officer = Api(client, issue_token(store, "officer@houten.example"))
    pm = Api(client, issue_token(store, "pm@utrecht.example"))
    requests = f"/api/v1/consortia/{solution.consortium_id}/adoption-requests"
    asked = officer.post(
        requests,
        json={
            "party": "Gemeente Houten",
            "population": 50_000,
            "contact_email": "officer@houten.example",
            "province": province,
        },
    )
    assert asked.status_code == 201, asked.json
    assert asked.json["province"] == province
    approved = pm.post(f"{requests}/{asked.json['id']}/approval")
    assert approved.status_code == 200, approved.json
    assert approved.json["member"]["province"] == province
    return str(solution.consortium_id)


def _found(client: FlaskClient, query: str) -> list[Any]:
    response = client.get(f"/api/v1/catalogue?{query}")
    body: Any = response.json
    assert response.status_code == 200, body
    return [e["consortium_id"] for e in body["items"]]


def test_the_catalogue_filters_by_the_province_of_a_member_municipality(
    client: FlaskClient, store: Store
) -> None:
    consortium_id = _ask_and_approve(client, store, "utrecht")
    assert _found(client, "province=utrecht") == [consortium_id]
    assert _found(client, "province=limburg") == []
    entry: Any = client.get(f"/api/v1/catalogue/{consortium_id}").json
    members = entry["members"]
    assert {m["party"]: m["province"] for m in members}["Gemeente Houten"] == "utrecht"


def test_an_unknown_province_is_refused_field_by_field(client: FlaskClient, store: Store) -> None:
    response = client.get("/api/v1/catalogue?province=Utrecht")
    body: Any = response.json
    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert [e["field"] for e in body["errors"]] == ["province"]


def test_the_catalogue_page_filters_by_province(client: FlaskClient, store: Store) -> None:
    _ask_and_approve(client, store, "utrecht")
    assert "Digitaal ondernemersloket" in client.get("/catalogus?province=utrecht").text
    assert "Digitaal ondernemersloket" not in client.get("/catalogus?province=zeeland").text
    assert client.get("/catalogus?province=atlantis").status_code == 200  # shown as an error


def test_a_province_is_recorded_for_municipalities_only(client: FlaskClient, store: Store) -> None:
    solution = pilot(store.consortia)
    pm = Api(client, issue_token(store, "pm@utrecht.example"))
    members = f"/api/v1/consortia/{solution.consortium_id}/members"
    refused = pm.post(
        members,
        json={"party": "Hogeschool Utrecht", "sector": "academia", "role": "partner",
              "province": "utrecht"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["province"]
    admitted = pm.post(
        members,
        json={"party": "Gemeente Vaals", "sector": "municipality", "role": "partner",
              "province": "limburg"},
    )  # fmt: skip
    assert admitted.status_code == 201
    assert pm.get(admitted.headers["Location"]).json["province"] == "limburg"


def _without_province(store: Store, event: Any) -> Any:
    """The event as an earlier release stored it (no province), read back through the store's
    mapper."""
    stored = store.consortia.mapper.to_stored_event(event)
    state = store.consortia.mapper.transcoder.decode(stored.state)
    del state["province"]
    earlier = type(stored)(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=store.consortia.mapper.transcoder.encode(state),
    )
    return store.consortia.mapper.to_domain_event(earlier)


def test_an_admission_recorded_before_provinces_reads_without_one(store: Store) -> None:
    solution = pilot(store.consortia)
    admitted = next(
        e
        for e in store.consortia.events.get(solution.consortium_id)
        if isinstance(e, Consortium.MemberAdmitted)
    )
    assert member_of(_without_province(store, admitted)).province is None


def test_a_request_recorded_before_provinces_reads_without_one(
    client: FlaskClient, store: Store
) -> None:
    consortium_id = _ask_and_approve(client, store, "utrecht")
    stream = request_id_for(UUID(consortium_id), "Gemeente Houten")
    asked = next(iter(store.consortia.events.get(stream)))
    request = _without_province(store, asked).mutate(None)
    assert isinstance(request, AdoptionRequest)
    assert request.province is None
