"""Each account's secret calendar-feed address: made and shown on /me, fetched by a calendar
app without a header or a session, over the consortia that account may see only; a renewed or
closed address answers 404, and no log line holds it."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from flask import Flask
from icalendar import Calendar

from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import MANAGER, OFFICER, World

_FEED = re.compile(r'id="calendar-feed"[^>]*value="http://testserver(/calendar/[^"]+)"')


def feed_address(visitor: Visitor) -> str:
    found = _FEED.search(text_of(visitor.get("/me")))
    assert found is not None, "no calendar address on /me"
    return found.group(1)


def make_address(visitor: Visitor, email: str) -> str:
    visitor.log_in(email)
    assert visitor.send("/me/calendar", {}, form_on="/me").status_code == 302
    return feed_address(visitor)


def test_a_new_account_has_no_address_until_it_asks_for_one(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)

    assert _FEED.search(text_of(visitor.get("/me"))) is None


def test_a_calendar_app_reads_the_feed_without_a_header_or_a_session(
    visitor: Visitor, world: World, app: Flask
) -> None:
    address = make_address(visitor, OFFICER)

    answer = app.test_client().get(address)

    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    assert "Pilot in twee wijken" in text_of(answer)


def test_a_feed_event_links_to_the_milestone_on_its_consortiums_page(
    visitor: Visitor, world: World, app: Flask
) -> None:
    address = make_address(visitor, OFFICER)

    feed = Calendar.from_ical(app.test_client().get(address).data)
    (event,) = feed.walk("VEVENT")

    page = f"/consortia/{world.consortium_id}"
    assert str(event["url"]) == f"http://testserver{page}#milestone-{world.milestone_id}"
    assert f'id="milestone-{world.milestone_id}"' in text_of(visitor.get(page))


def test_the_feed_holds_only_the_consortia_its_account_may_see(
    visitor: Visitor, world: World, app: Flask, store: Store
) -> None:
    store.consortia.plan_milestone(
        world.other_consortium_id, title="Proef op de ring", due_date=date(2026, 9, 1),
        description=None, questions=None, tranche=None, closes_phase=None,
        responsible_member_ids=None, caller=Caller(actor=MANAGER, request_id="t"),
    )  # fmt: skip
    officers = text_of(app.test_client().get(make_address(visitor, OFFICER)))
    managers = text_of(app.test_client().get(make_address(Visitor(app.test_client()), MANAGER)))

    assert "Pilot in twee wijken" in officers
    assert "Proef op de ring" not in officers
    assert "Proef op de ring" in managers


def test_a_renewed_address_replaces_the_old_one(visitor: Visitor, world: World, app: Flask) -> None:
    old = make_address(visitor, OFFICER)
    visitor.send("/me/calendar", {}, form_on="/me")
    new = feed_address(visitor)

    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


def test_a_closed_address_answers_404(visitor: Visitor, world: World, app: Flask) -> None:
    address = make_address(visitor, OFFICER)

    assert visitor.send("/me/calendar/close", {}, form_on="/me").status_code == 302
    assert app.test_client().get(address).status_code == 404
    assert _FEED.search(text_of(visitor.get("/me"))) is None


@pytest.mark.parametrize(
    "secret", ["cal_nonsense", "cal_" + "0" * 32 + "A" * 43, "x" * 500, "../me"]
)
def test_a_made_up_address_answers_404(world: World, app: Flask, secret: str) -> None:
    assert app.test_client().get(f"/calendar/{secret}.ics").status_code == 404


def test_another_accounts_id_with_ones_own_code_answers_404(
    visitor: Visitor, world: World, app: Flask, store: Store
) -> None:
    address = make_address(visitor, OFFICER)
    manager = store.accounts.find_account(MANAGER)
    assert manager is not None
    forged = (
        address[: len("/calendar/cal_")] + manager.id.hex + address[len("/calendar/cal_") + 32 :]
    )

    assert app.test_client().get(forged).status_code == 404


def test_renewing_needs_the_forms_csrf_token(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)

    assert visitor.client.post("/me/calendar").status_code == 403


def test_no_log_line_holds_the_secret(
    visitor: Visitor, world: World, app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    address = make_address(visitor, OFFICER)
    secret = address.removeprefix("/calendar/").removesuffix(".ics")
    with caplog.at_level(logging.DEBUG):
        app.test_client().get(address)
        app.test_client().get(address.replace(".ics", "x.ics"))

    assert secret not in caplog.text
