"""Liveness, readiness and metrics: what a load balancer, an orchestrator and Prometheus ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from events.bootstrap import Store
from events.caller import Caller
from events.configuration import Settings, load_settings
from events.settings import SettingsError
from tests.clock import StepClock
from tests.conftest import Api
from web.app import create_app

METRICS_TOKEN = "scraper-secret"
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def app_with(store: Store, **settings: object) -> Flask:
    return create_app(
        store=store,
        settings=Settings.given(secret_key="t", base_url="http://testserver", **settings),
    )


@pytest.fixture
def metered(store: Store) -> FlaskClient:
    return app_with(store, metrics_token=METRICS_TOKEN).test_client()


@pytest.fixture
def behind(store: Store, clock: StepClock, caller: Caller) -> FlaskClient:
    """An app whose read model is followed elsewhere, and nobody follows: one event behind,
    recorded two minutes ago."""
    client = app_with(store, read_model="external").test_client()
    store.consortia.found(name="Achter", challenge="Achterstand", description=None, caller=caller)
    clock.advance(timedelta(minutes=2))
    return client


def scrape(client: FlaskClient) -> str:
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_healthz_answers_without_a_token(client: FlaskClient) -> None:
    answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_store_and_read_model_answer(client: FlaskClient) -> None:
    answer = client.get("/readyz")

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["store"]["ok"] is True
    assert body["checks"]["read_model"] == {"ok": True, "lag_events": 0, "lag_seconds": 0.0}


def test_readyz_is_not_ready_when_the_read_model_lags_beyond_its_bound(
    behind: FlaskClient,
) -> None:
    answer = behind.get("/readyz")

    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    assert answer.headers["Retry-After"]
    read_model = answer.get_json()["checks"]["read_model"]
    assert read_model["ok"] is False
    assert read_model["lag_events"] >= 1
    assert read_model["lag_seconds"] >= 120


def test_readyz_names_a_broker_that_does_not_answer(store: Store) -> None:
    client = app_with(store, broker_url=UNREACHABLE_BROKER).test_client()

    answer = client.get("/readyz")

    assert answer.status_code == 503
    body = answer.get_json()
    assert body["checks"]["broker"]["ok"] is False
    assert "broker" in body["detail"]
    assert body["checks"]["store"]["ok"] is True


def test_metrics_are_off_without_a_metrics_token(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_wrong_token(metered: FlaskClient, admin_token: str) -> None:
    answer = metered.get("/metrics", headers={"Authorization": f"Bearer {admin_token}"})

    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"


def test_metrics_count_requests_by_route_template_and_status(
    metered: FlaskClient, admin_token: str, store: Store, caller: Caller
) -> None:
    founded = store.consortia.found(name="Teller", challenge="T", description=None, caller=caller)
    api = Api(metered, admin_token)
    for _ in range(3):
        assert api.get(f"/api/v1/consortia/{founded.id}").status_code == 200

    text = scrape(metered)

    route = "/api/v1/consortia/<uuid:consortium_id>"
    expected = f'consortium_http_requests_total{{method="GET",route="{route}",status="200"}} 3.0'
    assert expected in text
    assert "consortium_http_request_duration_seconds_bucket" in text


def test_metrics_give_the_events_recorded_and_the_read_model_lag(
    metered: FlaskClient, store: Store
) -> None:
    text = scrape(metered)

    head = store.consortia.recorder.max_notification_id() or 0
    assert f"consortium_events_total {float(head)}" in text
    assert "consortium_read_model_lag_events " in text
    assert 'consortium_reminders{state="delivered"} 0.0' in text


def test_a_lag_bound_that_is_no_number_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSORTIUM_READY_MAX_LAG_SECONDS", "soon")

    with pytest.raises(SettingsError, match="CONSORTIUM_READY_MAX_LAG_SECONDS"):
        load_settings()


def test_the_lag_bound_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSORTIUM_READY_MAX_LAG_SECONDS", "5")

    assert load_settings().ready_max_lag_seconds == 5.0
