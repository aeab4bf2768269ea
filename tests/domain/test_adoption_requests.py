"""Adoption requests: asked with a population and a contact, decided once, asked again only
after a decline."""

from __future__ import annotations

from uuid import uuid4

import pytest

from consortium.adoption import (
    AdoptionRequest,
    RequestDecided,
    RequestPending,
    RequestStatus,
    request_id_for,
)
from consortium.errors import InvalidValue
from tests.domain.support import cause

CONSORTIUM = uuid4()
OFFICER = "officer@houten.example"


def ask(party: str = "Gemeente Houten", population: int = 50_000) -> AdoptionRequest:
    return AdoptionRequest.ask(
        consortium_id=CONSORTIUM,
        party=party,
        population=population,
        contact_email=OFFICER,
        cause=cause(actor=OFFICER),
    )


def test_a_request_is_pending_and_remembers_who_asked() -> None:
    request = ask()
    assert (request.status, request.account, request.population) == (
        RequestStatus.PENDING,
        OFFICER,
        50_000,
    )


def test_a_municipality_has_one_stream_per_consortium_whatever_the_case_of_its_name() -> None:
    assert ask("Gemeente Houten").id == request_id_for(CONSORTIUM, "  gemeente HOUTEN ")
    assert request_id_for(CONSORTIUM, "Gemeente Houten") != request_id_for(
        uuid4(), "Gemeente Houten"
    )


@pytest.mark.parametrize("population", [0, -1, 1_000_000_001])
def test_a_population_of_zero_or_absurdly_large_is_refused(population: int) -> None:
    with pytest.raises(InvalidValue) as refused:
        ask(population=population)
    assert refused.value.field == "population"


def test_asking_again_while_pending_is_refused() -> None:
    request = ask()
    with pytest.raises(RequestPending):
        request.ask_again(population=50_000, contact_email=OFFICER, cause=cause(1, actor=OFFICER))


def test_after_a_decline_the_municipality_may_ask_again() -> None:
    request = ask()
    request.decline(reason="Eerst de aanbesteding afronden", cause=cause(1))
    request.ask_again(population=51_000, contact_email=OFFICER, cause=cause(2, actor=OFFICER))
    assert (request.status, request.population, request.reason) == (
        RequestStatus.PENDING,
        51_000,
        None,
    )


def test_an_approved_municipality_cannot_ask_again() -> None:
    request = ask()
    request.approve(member_id=uuid4(), joined_on=cause(1).today, cause=cause(1))
    with pytest.raises(RequestDecided):
        request.ask_again(population=50_000, contact_email=OFFICER, cause=cause(2, actor=OFFICER))


def test_a_decision_is_taken_once() -> None:
    request = ask()
    request.decline(reason="Past niet", cause=cause(1))
    with pytest.raises(RequestDecided):
        request.approve(member_id=uuid4(), joined_on=cause(2).today, cause=cause(2))


def test_a_decline_needs_a_reason() -> None:
    with pytest.raises(InvalidValue) as refused:
        ask().decline(reason="  ", cause=cause(1))
    assert refused.value.field == "reason"
