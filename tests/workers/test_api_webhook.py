"""The webhook over the REST API cannot be turned against the service's own network: PUT
/consortia/{id}/webhook refuses an address that is not public (422 on ``url``); the history
never shows the whole address; what a failed delivery shows is its kind only. Real store on
SQLite and PostgreSQL; the DNS is the tests' own."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from events.webhook_addresses import WebhookAddresses
from tests.conftest import Api, issue_token
from tests.dns import PUBLIC_ADDRESS, FakeDns
from tests.http import json_of
from tests.workers.support import FUNDER_ACCOUNT, PM, TODAY, RecordingMailer, World, days
from workers.delivery import deliver
from workers.webhook import WebhookFailed

PROBLEM_JSON: Final = "application/problem+json"
SECRET: Final = "tok3n-f0r-the-receiver"

# What a hostile tester tried: the database, the cloud's metadata, the cache, the office
# network, loopback in decimal; and the same in other spellings and behind names.
REPRODUCTIONS: Final = [
    "http://127.0.0.1:5432/",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:6379/",
    "http://10.0.0.1/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://intranet.example/",
    "http://metadata.example/latest/meta-data/",
]
DNS_NAMES: Final = {
    "hooks.example.org": [PUBLIC_ADDRESS],
    "intranet.example": ["10.0.0.1"],
    "metadata.example": ["169.254.169.254"],
}


def webhook_path(world: World) -> str:
    return f"/api/v1/consortia/{world.consortium_id}/webhook"


def put(api: Api, path: str, body: Any) -> TestResponse:
    return api.client.put(path, json=body, headers=api.headers)


def refused_fields(response: TestResponse) -> set[str]:
    """The fields a 422 problem names (fails on any other answer)."""
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    return {error["field"] for error in json_of(response)["errors"]}


def history(api: Api, world: World) -> list[dict[str, Any]]:
    response = api.get(f"/api/v1/consortia/{world.consortium_id}/events?limit=200")
    assert response.status_code == 200, response.get_data(as_text=True)
    items: list[dict[str, Any]] = json_of(response)["items"]
    return items


@pytest.fixture
def dns() -> FakeDns:
    return FakeDns(DNS_NAMES)


@pytest.fixture
def pm(client: FlaskClient, world: World, dns: FakeDns) -> Api:
    """The programme manager who founded the consortium, over HTTP; the service's rules (no
    http) with the tests' DNS."""
    world.store.reminders.webhook_addresses = WebhookAddresses(resolver=dns)
    return Api(client, issue_token(world.store, PM))


@pytest.fixture
def funder(client: FlaskClient, world: World) -> Api:
    return Api(client, issue_token(world.store, FUNDER_ACCOUNT))


# -- PUT /webhook --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", REPRODUCTIONS)
def test_a_webhook_inside_the_network_is_refused_on_the_url_field(
    world: World, pm: Api, url: str
) -> None:
    assert refused_fields(put(pm, webhook_path(world), {"url": url})) == {"url"}


@pytest.mark.parametrize("url", REPRODUCTIONS)
def test_a_webhook_inside_the_network_is_refused_even_where_http_is_allowed_for_its_host(
    world: World, pm: Api, dns: FakeDns, url: str
) -> None:
    host = urlsplit(url).hostname or ""
    world.store.reminders.webhook_addresses = WebhookAddresses(frozenset({host}), resolver=dns)

    assert refused_fields(put(pm, webhook_path(world), {"url": url})) == {"url"}


@pytest.mark.parametrize(
    "url",
    [
        "https://user:password@hooks.example.org/hook",
        "ftp://hooks.example.org/hook",
        "http://hooks.example.org/hook",  # http is not allowed for any host by default
        "https://nowhere.example/hook",  # does not resolve
    ],
)
def test_a_webhook_with_credentials_another_scheme_or_no_public_address_is_refused(
    world: World, pm: Api, url: str
) -> None:
    assert refused_fields(put(pm, webhook_path(world), {"url": url})) == {"url"}


def test_a_refused_webhook_is_not_set(world: World, pm: Api) -> None:
    put(pm, webhook_path(world), {"url": "http://127.0.0.1:5432/"})

    assert pm.get(webhook_path(world)).status_code == 404
    assert "WebhookSet" not in {e["type"] for e in history(pm, world)}


def test_a_public_https_webhook_is_set(world: World, pm: Api) -> None:
    url = f"https://hooks.example.org/consortium?token={SECRET}"

    response = put(pm, webhook_path(world), {"url": url})

    assert response.status_code == 200, response.get_data(as_text=True)
    assert json_of(response)["url"] == url


def test_a_funder_may_not_set_a_webhook_and_makes_the_service_look_nothing_up(
    world: World, pm: Api, funder: Api, dns: FakeDns
) -> None:
    response = put(funder, webhook_path(world), {"url": "https://intranet.example/"})

    assert (response.status_code, dns.lookups) == (403, [])


# -- the history ---------------------------------------------------------------------------------


def test_the_history_shows_the_scheme_and_host_of_a_webhook_but_not_its_path_or_query(
    world: World, pm: Api, funder: Api
) -> None:
    put(pm, webhook_path(world), {"url": f"https://hooks.example.org:8443/h/{SECRET}?k={SECRET}"})

    for reader in (pm, funder):
        (webhook_set,) = [e for e in history(reader, world) if e["type"] == "WebhookSet"]
        assert webhook_set["data"] == {"url": "https://hooks.example.org:8443/…", "key_version": 1}


def test_no_one_finds_the_webhook_secret_anywhere_in_the_history(
    world: World, pm: Api, funder: Api
) -> None:
    put(pm, webhook_path(world), {"url": f"https://hooks.example.org/hook?token={SECRET}"})

    for reader in (pm, funder):
        response = reader.get(f"/api/v1/consortia/{world.consortium_id}/events?limit=200")
        assert SECRET not in response.get_data(as_text=True)


# -- what a failed delivery shows ----------------------------------------------------------------


def test_a_delivery_refused_for_its_address_shows_that_kind_and_no_address(
    world: World, pm: Api, dns: FakeDns
) -> None:
    put(pm, webhook_path(world), {"url": "https://hooks.example.org/hook"})
    world.plan(TODAY + days(3))
    (due,) = [d for d in world.scan() if d.key.endswith("/webhook")]
    dns.names["hooks.example.org"] = ["10.1.2.3"]  # the name now points inside

    with pytest.raises(WebhookFailed):
        deliver(world.store, RecordingMailer(), due, claim="worker-1")

    sent = json_of(pm.get(f"/api/v1/consortia/{world.consortium_id}/reminders"))["sent"]
    (listed,) = [s for s in sent if s["recipient"] == "webhook"]
    assert listed["last_error"] == "refused: address not allowed"
