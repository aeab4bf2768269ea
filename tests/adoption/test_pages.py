"""The public catalogue pages: readable without logging in, Dutch first, showing only what a
consortium published, with the adopters per year as a chart and the same figures in a table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from consortium.publication import Part
from events.bootstrap import Store
from events.settings import StoreSettings
from tests.adoption.support import PM, officer, pilot
from tests.backends import sqlite_file


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[StoreSettings]:
    """The pages are the same on every backend: SQLite only."""
    with sqlite_file(tmp_path) as settings:
        yield settings


def text(client: FlaskClient, path: str, language: str = "nl") -> tuple[int, str]:
    response = client.get(path, headers={"Accept-Language": language})
    return response.status_code, response.get_data(as_text=True)


def test_the_catalogue_opens_without_logging_in_in_dutch(client: FlaskClient, store: Store) -> None:
    solution = pilot(store.consortia)
    status, page = text(client, "/catalogus")
    assert status == 200
    assert "Catalogus van bewezen oplossingen" in page
    assert f"/catalogus/{solution.consortium_id}" in page


def test_the_catalogue_speaks_english_to_an_english_browser(
    client: FlaskClient, store: Store
) -> None:
    pilot(store.consortia)
    assert "Catalogue of proven solutions" in text(client, "/catalogus", "en")[1]


def test_a_solutions_page_has_its_adopters_as_a_chart_and_a_table(
    client: FlaskClient, store: Store
) -> None:
    solution = pilot(store.consortia)
    request = store.consortia.ask_to_adopt(
        solution.consortium_id,
        party="Gemeente Houten",
        population=50_000,
        contact_email="officer@houten.example",
        caller=officer("houten"),
    )
    store.consortia.approve_adoption(solution.consortium_id, request.id, caller=PM)
    status, page = text(client, f"/catalogus/{solution.consortium_id}")
    assert status == 200
    assert "<svg" in page
    assert "Overnemers door de tijd" in page
    assert "Gemeente Houten" in page
    assert "€\xa00,0943" in page  # 60.000 euro over 636.000 inhabitants, as money is written
    _, english = text(client, f"/catalogus/{solution.consortium_id}", language="en")
    assert "€0.0943" in english  # as English pages write money: €1,250.00


def test_a_solutions_page_shows_no_unpublished_part(client: FlaskClient, store: Store) -> None:
    solution = pilot(store.consortia, publish=frozenset({Part.CHALLENGE}))
    page = text(client, f"/catalogus/{solution.consortium_id}")[1]
    assert "vergunningen" in page
    for hidden in ("Gemeente Utrecht", "60.000", "Het loket werkt", "<svg"):
        assert hidden not in page


def test_an_unlisted_consortium_has_no_page(client: FlaskClient, store: Store) -> None:
    hidden = pilot(store.consortia, publish=frozenset())
    assert text(client, f"/catalogus/{hidden.consortium_id}")[0] == 404


def test_an_unknown_filter_value_is_explained(client: FlaskClient, store: Store) -> None:
    status, page = text(client, "/catalogus?band=reusachtig")
    assert status == 200
    assert "Kies een van de mogelijkheden." in page
