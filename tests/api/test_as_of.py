"""`?as_of=`: a consortium as it stood at an instant, or at the end of a day in Amsterdam."""

from __future__ import annotations

from datetime import timedelta

from tests.api.support import CONSORTIA, admit, field_errors, found, problem_of
from tests.clock import StepClock
from tests.conftest import Api

# The test clock starts on Monday 2 March 2026 at 09:00 UTC (10:00 in Amsterdam, UTC+01:00).


def test_as_of_an_instant_shows_the_state_then(api: Api, clock: StepClock) -> None:
    consortium_id = found(api)["id"]
    clock.advance(timedelta(hours=2))
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    then = api.get(
        f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-02T11:00:00+01:00"}
    )

    assert then.status_code == 200
    assert then.json["members"] == []


def test_as_of_an_instant_includes_what_happened_until_then(api: Api, clock: StepClock) -> None:
    consortium_id = found(api)["id"]
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    clock.advance(timedelta(hours=2))
    admit(api, consortium_id, "Universiteit Utrecht", "academia")

    then = api.get(
        f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-02T11:00:00+01:00"}
    )

    assert [m["party"] for m in then.json["members"]] == ["Gemeente Utrecht"]


def test_as_of_answers_the_instant_asked_for(api: Api, consortium_id: str) -> None:
    then = api.get(f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-02T12:00:00Z"})

    assert then.json["as_of"] == "2026-03-02T13:00:00+01:00"


def test_as_of_a_date_includes_the_evening_of_that_day_in_amsterdam(
    api: Api, clock: StepClock
) -> None:
    consortium_id = found(api)["id"]
    clock.advance(timedelta(hours=13, minutes=30))  # 22:30 UTC: 23:30 in Amsterdam, same day
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    then = api.get(f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-02"})

    assert [m["party"] for m in then.json["members"]] == ["Gemeente Utrecht"]


def test_as_of_a_date_excludes_the_next_day_in_amsterdam_even_if_utc_is_still_that_day(
    api: Api, clock: StepClock
) -> None:
    consortium_id = found(api)["id"]
    clock.advance(timedelta(hours=14, minutes=30))  # 23:30 UTC: already 3 March in Amsterdam
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    then = api.get(f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-02"})

    assert then.json["members"] == []


def test_as_of_a_date_means_the_last_moment_of_that_day(api: Api, consortium_id: str) -> None:
    then = api.get(f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-02"})

    assert then.json["as_of"] == "2026-03-02T23:59:59.999999+01:00"


def test_as_of_with_an_unencoded_plus_offset_is_read_as_that_offset(
    api: Api, clock: StepClock
) -> None:
    consortium_id = found(api)["id"]
    clock.advance(timedelta(hours=2))
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    # Typed in a shell without encoding, "+01:00" arrives as " 01:00".
    then = api.get(f"{CONSORTIA}/{consortium_id}", query_string="as_of=2026-03-02T11:00:00+01:00")

    assert then.status_code == 200
    assert then.json["as_of"] == "2026-03-02T11:00:00+01:00"


def test_as_of_before_founding_is_not_found(api: Api, consortium_id: str) -> None:
    response = api.get(f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-01"})

    assert response.status_code == 404
    assert problem_of(response)["detail"]


def test_as_of_an_instant_without_offset_is_refused_naming_as_of(
    api: Api, consortium_id: str
) -> None:
    response = api.get(
        f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "2026-03-02T12:00:00"}
    )

    assert set(field_errors(response)) == {"as_of"}


def test_as_of_that_is_no_moment_is_refused_naming_as_of(api: Api, consortium_id: str) -> None:
    response = api.get(f"{CONSORTIA}/{consortium_id}", query_string={"as_of": "yesterday"})

    assert set(field_errors(response)) == {"as_of"}


def test_as_of_of_an_unknown_consortium_is_not_found(api: Api) -> None:
    response = api.get(
        f"{CONSORTIA}/00000000-0000-4000-8000-000000000000", query_string={"as_of": "2026-03-02"}
    )

    assert response.status_code == 404
