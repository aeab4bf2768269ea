"""Errors in the caller's language: a problem's title and details follow the account's language
(Dutch or English), or Accept-Language for a caller without a valid token; field names and
values stay as they are. And the Dutch catalogue is whole and compiled from its source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from http import HTTPStatus
from string import Formatter
from typing import Any, Final
from uuid import UUID, uuid4

import marshmallow as ma
import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from consortium import errors
from consortium.access import Role
from consortium.accounts import Language
from consortium.aggregate import Consortium
from consortium.cost_sharing import KeyKind
from consortium.ledger import ContributionKind
from consortium.members import Member
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from events.bootstrap import Store
from tests.conftest import Api, issue_token
from tests.domain.support import START, cause
from tests.domain.test_error_messages import REFUSALS, refusal, with_lead
from tests.http import json_of
from web.i18n import DIRECTORY, init_i18n, translate
from web.problems import _DETAILS

CONSORTIA: Final = "/api/v1/consortia"
CATALOGUE: Final = DIRECTORY / "nl" / "LC_MESSAGES"
NOBODY: Final = "00000000-0000-4000-8000-000000000000"
TODAY: Final = START.date()
CASH, IN_KIND = ContributionKind.CASH, ContributionKind.IN_KIND


def euro(amount: str) -> Money:
    return Money(Decimal(amount))


def problem(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = json_of(response)
    return body


def caller(client: FlaskClient, store: Store, language: str) -> Api:
    """An administrator (who may do anything) reading ``language``."""
    email = f"beheer-{language}@consortium.example"
    return Api(client, issue_token(store, email, admin=True, language=Language(language)))


# -- the account's language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "missing", "unknown"),
    [
        ("nl", "Ongeldige invoer", "Dit verplichte veld ontbreekt.", "Onbekend veld."),
        ("en", HTTPStatus(422).phrase, "Missing data for required field.", "Unknown field."),
    ],
)
def test_field_errors_are_in_the_accounts_language_and_keep_their_field_names(
    client: FlaskClient, store: Store, language: str, title: str, missing: str, unknown: str
) -> None:
    api = caller(client, store, language)

    body = problem(api.post(CONSORTIA, json={"challenge": "Van het gas af", "naam": "x"}), 422)

    assert body["title"] == title
    assert {(e["field"], e["pointer"], e["detail"]) for e in body["errors"]} == {
        ("name", "#/name", missing),
        ("naam", "#/naam", unknown),
    }


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        (
            "nl",
            "Niet toegestaan in de huidige toestand",
            "Een samenwerkingsverband in exploration kan alleen door naar pilot (of worden "
            "gestopt), niet naar adoption.",
        ),
        (
            "en",
            "Not allowed in the current state",
            "A consortium in exploration can only move on to pilot (or be stopped), not to "
            "adoption.",
        ),
    ],
)
def test_a_refusal_with_values_in_it_is_in_the_accounts_language(
    client: FlaskClient, store: Store, consortium_id: str, language: str, title: str, detail: str
) -> None:
    api = caller(client, store, language)

    body = problem(api.post(f"{CONSORTIA}/{consortium_id}/phase", json={"phase": "adoption"}), 409)

    assert (body["title"], body["detail"]) == (title, detail)
    assert body["allowed"] == ["pilot", "stopped"]  # extension members stay as they are


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        ("nl", "Niet gevonden", f"Er is geen samenwerkingsverband {NOBODY}."),
        ("en", "Not found", f"There is no consortium {NOBODY}."),
    ],
)
def test_what_does_not_exist_is_said_in_the_accounts_language(
    client: FlaskClient, store: Store, language: str, title: str, detail: str
) -> None:
    api = caller(client, store, language)

    body = problem(api.get(f"{CONSORTIA}/{NOBODY}"), 404)

    assert (body["title"], body["detail"]) == (title, detail)


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("nl", "Het bedrag moet uren × tarief = 3.400,00 euro zijn, niet 3.000,00."),
        ("en", "The amount must be hours × rate = 3400.00 euro, not 3000.00."),
    ],
)
def test_a_contribution_refused_on_its_amount_says_so_in_the_accounts_language(
    client: FlaskClient, store: Store, api: Api, consortium_id: str, language: str, detail: str
) -> None:
    member = json_of(
        api.post(
            f"{CONSORTIA}/{consortium_id}/members",
            json={"party": "Hogeschool Utrecht", "sector": "academia", "role": "lead"},
        )
    )
    body = {
        "member_id": member["id"],
        "kind": "in_kind",
        "hours": 40,
        "rate": "85.00",
        "amount": "3000.00",
        "date": "2026-03-02",
    }

    refused = problem(
        caller(client, store, language).post(
            f"{CONSORTIA}/{consortium_id}/contributions", json=body
        ),
        422,
    )

    assert (refused["detail"], refused["errors"][0]["detail"]) == (detail, detail)
    assert refused["errors"][0]["field"] == "amount"


def test_a_forbidden_act_is_refused_in_the_accounts_language(
    client: FlaskClient, store: Store
) -> None:
    dutch = Api(client, issue_token(store, "lid@consortium.example", language=Language.NL))

    body = problem(dutch.post(CONSORTIA, json={"name": "Eigen", "challenge": "x"}), 403)

    assert (body["title"], body["detail"]) == (
        "Niet toegestaan",
        "Alleen programmamanagers mogen een samenwerkingsverband oprichten.",
    )


def test_a_problem_says_its_language(client: FlaskClient, store: Store) -> None:
    dutch, english = caller(client, store, "nl"), caller(client, store, "en")

    answers = [a.get(f"{CONSORTIA}/{NOBODY}") for a in (dutch, english)]

    assert [a.headers["Content-Language"] for a in answers] == ["nl", "en"]


# -- without a valid token: Accept-Language ------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "title"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.8", "Niet aangemeld"),
        ("en-GB,en;q=0.9", "Unauthorized"),
        ("de-DE", "Unauthorized"),
        (None, "Unauthorized"),
    ],
)
def test_a_caller_without_a_token_is_answered_in_the_language_it_accepts(
    client: FlaskClient, accept: str | None, title: str
) -> None:
    headers = {} if accept is None else {"Accept-Language": accept}

    body = problem(client.get(CONSORTIA, headers=headers), 401)

    assert body["title"] == title


def test_an_accounts_language_goes_before_accept_language(
    client: FlaskClient, store: Store
) -> None:
    english = caller(client, store, "en")

    body = problem(english.get(f"{CONSORTIA}/{NOBODY}", headers={"Accept-Language": "nl"}), 404)

    assert body["title"] == "Not found"


@pytest.fixture(scope="module")
def words() -> Flask:
    """An app with nothing but the languages (no store): for the words alone."""
    app = Flask("web.app")
    init_i18n(app)
    return app


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        (
            "A contribution cannot be dated after today (2026-12-03).",
            "Een bijdrage kan niet na vandaag (3 december 2026) gedateerd zijn.",
        ),
        (
            "The amount may not exceed 1,000,000,000,000.00 euro.",
            "Het bedrag mag niet hoger zijn dan 1.000.000.000.000,00 euro.",
        ),
    ],
)
def test_amounts_and_days_in_a_message_are_written_the_dutch_way(
    words: Flask, english: str, dutch: str
) -> None:
    with words.test_request_context(headers={"Accept-Language": "nl"}):
        assert translate(english) == dutch


@pytest.mark.parametrize(
    ("english", "written"),
    [
        # a title, as people wrote it
        ("Milestone 2026-06-30 has no open conditions to clear.", "Mijlpaal 2026-06-30 "),
        # text sent, quoted back
        ('"1,000.00" cannot be formatted as a date.', '"1,000.00"'),
    ],
)
def test_text_people_wrote_stays_as_written_however_it_looks(
    words: Flask, english: str, written: str
) -> None:
    with words.test_request_context(headers={"Accept-Language": "nl"}):
        translated = translate(english)

    assert translated.startswith(written)
    assert translated != english  # in Dutch


def test_years_names_and_other_values_stay_as_they_are(words: Flask) -> None:
    with words.test_request_context(headers={"Accept-Language": "nl"}):
        translated = translate("2031 is outside this consortium's budget years (2026 to 2030).")

    assert "2031" in translated
    assert "(2026" in translated


def test_a_message_the_catalogue_lacks_is_answered_as_written(words: Flask) -> None:
    with words.test_request_context(headers={"Accept-Language": "nl"}):
        assert translate("A message no one translated (42).") == "A message no one translated (42)."
        assert translate("Unknown field.") == "Onbekend veld."


# -- the catalogue -------------------------------------------------------------------------------


def read_catalogue() -> dict[str, str]:
    with (CATALOGUE / "messages.po").open("rb") as file:
        return {str(m.id): str(m.string) for m in read_po(file) if m.id}


def test_the_compiled_catalogue_is_compiled_from_its_source() -> None:
    with (CATALOGUE / "messages.mo").open("rb") as file:
        compiled = {str(m.id): str(m.string) for m in read_mo(file) if m.id}

    assert compiled == read_catalogue()


def test_every_message_is_translated_keeping_its_values() -> None:
    for english, dutch in read_catalogue().items():
        assert dutch, english
        assert sorted(_names(dutch)) == sorted(_names(english)), english


def _names(template: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(template) if name]


@pytest.mark.parametrize(
    "message",
    [
        *_DETAILS.values(),
        *(HTTPStatus(s).phrase for s in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500)),
        *(e.title for e in (errors.DomainError, errors.NotFound, errors.RuleViolation)),
        *(e.title for e in (errors.InvalidValue, errors.NotAllowed)),
        *ma.fields.Field.default_error_messages.values(),
        *ma.Schema._default_error_messages.values(),
        *(
            message
            for field in (ma.fields.String, ma.fields.UUID, ma.fields.Integer, ma.fields.Date)
            for message in field.default_error_messages.values()
            if "{" not in message
        ),
    ],
)
def test_every_title_generic_detail_and_field_message_has_its_dutch(message: str) -> None:
    assert message in read_catalogue()


# -- the refusals people meet most, raised by the domain itself --------------------------------


def funded() -> tuple[Consortium, Member]:
    """A consortium with a lead that pledged 100.00 for this year and paid 10.00 in cash."""
    consortium, lead = with_lead()
    consortium.pledge(
        member_id=lead.id, year=START.year, amount=euro("100.00"), reason=None, cause=cause(2)
    )
    consortium.log_contribution(
        member_id=lead.id, kind=CASH, amount=euro("10.00"), on=TODAY, cause=cause(3)
    )
    return consortium, lead


def with_milestone() -> tuple[Consortium, UUID]:
    consortium, _ = with_lead()
    milestone = consortium.plan_milestone(title="Pilot", due_date=TODAY, cause=cause(2))
    return consortium, milestone.id


def evaluate(decision: Decision, answer: AnswerValue = AnswerValue.YES) -> object:
    consortium, milestone_id = with_milestone()
    answers: list[tuple[str, AnswerValue, str | None]] = [
        (key, answer, None) for key in ("works", "next_step", "infrastructure")
    ]
    return consortium.evaluate_checkpoint(
        milestone_id, answers=answers, decision=decision, cause=cause(3)
    )


def pledge(year: int, amount: str) -> object:
    consortium, lead = funded()
    return consortium.pledge(
        member_id=lead.id, year=year, amount=euro(amount), reason=None, cause=cause(4)
    )


def contribute(amount: str | None, on: date = TODAY, **fields: Any) -> object:
    consortium, lead = with_lead()
    kind = IN_KIND if fields else CASH
    amount_given = None if amount is None else euro(amount)
    return consortium.log_contribution(
        member_id=lead.id, kind=kind, amount=amount_given, on=on, cause=cause(2), **fields
    )


MET_MOST: dict[str, Callable[[], object]] = {
    **REFUSALS,
    "a pledge revised without a reason": lambda: pledge(START.year, "90.00"),
    "a pledge for a year far ahead": lambda: pledge(2099, "1.00"),
    "a contribution dated tomorrow": lambda: contribute("1.00", TODAY + timedelta(days=1)),
    "a contribution without an amount": lambda: contribute(None),
    "hours without a rate": lambda: contribute(None, hours=Decimal(40)),
    "an amount that is not hours × rate": lambda: contribute(
        "1.00", hours=Decimal(40), rate=euro("85.00")
    ),
    "spending beyond what is available": lambda: funded()[0].record_expenditure(
        amount=euro("10.01"), on=TODAY, description="Sensoren", cause=cause(4)
    ),
    "weights with another key": lambda: with_lead()[0].share_costs(
        amount=euro("10.00"), key=KeyKind.EQUAL, weights={uuid4(): Decimal(1)}
    ),
    "a checkpoint in the past": lambda: with_lead()[0].plan_milestone(
        title="Pilot", due_date=TODAY - timedelta(days=1), cause=cause(2)
    ),
    "a go when it does not work": lambda: evaluate(Decision.GO, AnswerValue.NO),
    "a redo without a new date": lambda: evaluate(Decision.REDO),
    "a go with conditions without them": lambda: evaluate(Decision.GO_WITH_CONDITIONS),
    "a representative for no member": lambda: with_lead()[0].grant_role(
        account="lid@utrecht.example",
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=None,
        cause=cause(2),
    ),
}


@pytest.mark.parametrize("act", MET_MOST.values(), ids=MET_MOST.keys())
def test_a_refusal_people_meet_often_has_its_dutch(words: Flask, act: Callable[[], object]) -> None:
    message = refusal(act).message

    with words.test_request_context(headers={"Accept-Language": "nl"}):
        dutch = translate(message)

    assert dutch != message
