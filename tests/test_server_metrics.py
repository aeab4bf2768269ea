"""Metrics and readiness under the real server (`consortium serve`, gunicorn, two workers): a
scrape sums what every worker answered, whichever worker answers the scrape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from tests.service import Service, environment, running

pytestmark = pytest.mark.slow

TOKEN: Final = "scrape-me"
REQUESTS: Final = 12


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    workdir: Path = tmp_path_factory.mktemp("metrics")
    with running(environment(CONSORTIUM_METRICS_TOKEN=TOKEN), workdir, workers=2) as service:
        yield service


def docs_answered(service: Service) -> float:
    answer = service.request("GET", "/metrics", token=TOKEN)
    assert answer.status == 200
    pattern = r'consortium_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)'
    found = re.search(pattern, answer.body.decode())
    return float(found.group(1)) if found else 0.0


def test_every_scrape_counts_the_requests_of_every_worker(service: Service) -> None:
    before = docs_answered(service)
    for _ in range(REQUESTS):
        assert service.request("GET", "/healthz").status == 200

    # Scrapes land on either worker; each must give the sum over both.
    assert [docs_answered(service) for _ in range(8)] == [before + REQUESTS] * 8


def test_the_served_service_is_ready(service: Service) -> None:
    answer = service.request("GET", "/readyz")

    assert answer.status == 200
    assert answer.json()["status"] == "ready"
