"""Log lines: one JSON object each, with what the code knew, and never a secret it quoted."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.configuration import Settings, load_settings
from events.logs import JsonFormatter, loggable_path, scrub, scrub_every
from events.settings import SettingsError

TOKEN = "cst_Zx81Q0wVbq3nYl0sA9d2f4k5"


@pytest.mark.parametrize(
    ("said", "written"),
    [
        (f"token {TOKEN} refused", "token cst_*** refused"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        ("Authorization: Basic b2ZmaWNlcjpwYXNz", "Authorization: Basic ***"),
        ('{"password": "correct horse battery"}', '{"password": "***"}'),
        ("secret=hush&limit=5", "secret=***&limit=5"),
        ("GET /api/v1/invitations/inv_abcdef123/accept", "GET /api/v1/invitations/***/accept"),
        ("GET /calendar/cal_abcdef123.ics HTTP/1.1", "GET /calendar/***.ics HTTP/1.1"),
        ("GET /calendar/anything-else", "GET /calendar/***"),
        ("feed cal_abcdef123 fetched", "feed cal_*** fetched"),
    ],
)
def test_a_secret_in_a_line_is_written_as_stars(said: str, written: str) -> None:
    assert scrub(said) == written


# Pieces of what log lines say: each scrubber's trigger in several cases, and what may follow.
_PIECES = st.sampled_from(
    [
        "/invitations/", "/calendar/", "cst_", "inv_", "cal_", "Bearer ", "BASIC ", "bearer",
        "Password", "TOKEN", "secret", "=", ": ", '"', "'", " ", "/", "?", "&", ".ics",
        "abcdef123", "Zx81Q0wVbq3n", "<token>", "é", "\n",
    ]
)  # fmt: skip


@given(st.lists(_PIECES | st.text(max_size=3), max_size=12).map("".join))
def test_a_line_skipped_by_the_quick_check_holds_nothing_a_scrubber_would_take(
    said: str,
) -> None:
    assert scrub(said) == scrub_every(said)


@pytest.mark.parametrize("route", ["/api/v1/invitations/<token>/accept", "/calendar/<secret>.ics"])
def test_a_route_template_is_not_taken_for_a_secret(route: str) -> None:
    assert scrub(route) == route


def test_a_calendar_feeds_path_is_logged_without_its_secret() -> None:
    assert loggable_path("/calendar/cal_abcdef123.ics") == "/calendar/***.ics"


def record(message: str, **fields: object) -> logging.LogRecord:
    made = logging.LogRecord("web", logging.INFO, __file__, 1, message, None, None)
    made.fields = fields
    return made


def test_a_line_is_one_json_object_with_the_fields_given() -> None:
    line = JsonFormatter().format(record("request", request_id="r-1", status=201, actor=None))

    written = json.loads(line)
    assert (written["message"], written["request_id"], written["status"]) == ("request", "r-1", 201)
    assert written["level"] == "info"
    assert "actor" not in written  # nothing known, nothing written


def test_a_field_cannot_hide_a_secret() -> None:
    line = JsonFormatter().format(record("request", path=f"/api/v1/me?t={TOKEN}"))

    assert TOKEN not in line


def test_an_exceptions_text_is_scrubbed_too() -> None:
    try:
        raise ValueError(f"bad {TOKEN}")
    except ValueError:
        failed = logging.LogRecord("web", logging.ERROR, __file__, 1, "boom", None, None)
        failed.exc_info = sys.exc_info()

    line = JsonFormatter().format(failed)

    assert TOKEN not in line
    assert "ValueError" in json.loads(line)["exception"]


def test_json_is_the_default_and_a_format_unknown_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings.given().log_format == "json"
    assert Settings.given(log_format="TEXT").log_format == "text"
    monkeypatch.setenv("CONSORTIUM_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="CONSORTIUM_LOG_FORMAT"):
        load_settings()
