"""Cause: who did something, in which request, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from consortium.cause import Cause

SUMMER: timezone = timezone(timedelta(hours=2), "CEST")


def test_a_cause_keeps_its_actor_and_request_id() -> None:
    cause = Cause(
        actor="pm@utrecht.example", request_id="req-7", at=datetime(2026, 3, 2, tzinfo=UTC)
    )
    assert (cause.actor, cause.request_id) == ("pm@utrecht.example", "req-7")


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Cause(actor="pm@utrecht.example", request_id="req-1", at=datetime(2026, 3, 2, 9, 0))


def test_a_time_with_an_offset_is_stored_in_utc() -> None:
    cause = Cause(actor="pm", request_id="r", at=datetime(2026, 6, 1, 12, 0, tzinfo=SUMMER))
    assert cause.at.tzinfo is UTC


def test_normalising_to_utc_keeps_the_instant() -> None:
    cause = Cause(actor="pm", request_id="r", at=datetime(2026, 6, 1, 12, 0, tzinfo=SUMMER))
    assert (cause.at.hour, cause.at.minute) == (10, 0)


def test_an_empty_actor_is_refused() -> None:
    with pytest.raises(ValueError, match="actor"):
        Cause(actor="", request_id="req-1", at=datetime(2026, 3, 2, tzinfo=UTC))


def test_today_is_the_date_in_amsterdam_not_in_utc() -> None:
    # 23:30 UTC on 31 December is already half past midnight on New Year's Day in Amsterdam.
    cause = Cause(actor="pm", request_id="r", at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert cause.today == date(2027, 1, 1)


def test_today_follows_summer_time_in_amsterdam() -> None:
    # 22:30 UTC on 30 June is 00:30 on 1 July in Amsterdam (UTC+2 in summer).
    cause = Cause(actor="pm", request_id="r", at=datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    assert cause.today == date(2026, 7, 1)


def test_a_cause_cannot_be_changed() -> None:
    cause = Cause(actor="pm", request_id="r", at=datetime(2026, 3, 2, tzinfo=UTC))
    with pytest.raises(AttributeError):
        cause.actor = "someone else"  # type: ignore[misc]
