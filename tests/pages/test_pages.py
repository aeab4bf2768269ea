"""What each page shows and to whom: the portfolio with its filters, a consortium's page,
/me, the budget as of a day; pages of a consortium one may not see answer 404."""

from __future__ import annotations

import html
import re

import pytest

from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import FUNDER, MANAGER, OFFICER, OUTSIDER, World
from web.pages import portfolio


def test_the_portfolio_lists_the_consortia_one_may_see(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    page = text_of(visitor.get("/"))
    assert "Langer thuis in de wijk" in page
    assert "Slimme mobiliteit" not in page  # the officer has no role there


def test_the_portfolio_filters_on_text(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    page = text_of(visitor.get("/?q=mobiliteit"))
    assert "Slimme mobiliteit" in page
    assert "Langer thuis in de wijk" not in page


def test_the_portfolio_pages_with_a_link_to_the_next_page(
    visitor: Visitor, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portfolio, "PAGE_SIZE", 1)
    visitor.log_in(MANAGER)
    first = text_of(visitor.get("/?sort=-name"))
    assert "Slimme mobiliteit" in first
    assert "Langer thuis in de wijk" not in first
    found = re.search(r'href="([^"]+)" rel="next"', first)
    assert found is not None
    second = text_of(visitor.get(html.unescape(found.group(1))))
    assert "Langer thuis in de wijk" in second
    assert 'rel="next"' not in second


def test_a_filter_day_typed_the_dutch_way_is_understood(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    page = text_of(visitor.get("/?checkpoint_before=01-12-2026"))
    assert "Langer thuis in de wijk" in page  # its checkpoint is due on 23-11-2026
    assert "Slimme mobiliteit" not in page  # no checkpoint at all


def test_a_filter_that_is_no_day_is_refused_with_a_link_to_the_field(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.get("/?checkpoint_before=morgen")
    assert answer.status_code == 422
    assert 'href="#filter-checkpoint_before"' in text_of(answer)


def test_the_consortium_page_shows_members_milestones_and_money_the_dutch_way(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(OFFICER)
    page = text_of(visitor.get(f"/consortia/{world.consortium_id}"))
    assert "Gemeente Utrecht" in page
    assert "Universiteit Utrecht" in page
    assert "Pilot in twee wijken" in page
    assert "23 november 2026" in page
    assert "Werkt de oplossing echt?" in page
    assert "€\xa050.000,00" in page  # pledged
    assert "€\xa012.500,00" in page  # received
    assert "Bijdrage vastgelegd" in page  # the history


@pytest.mark.parametrize(
    "path",
    ["/consortia/{id}", "/consortia/{id}/budget", "/consortia/{id}/contributions/new"],
)
def test_every_page_of_a_consortium_one_may_not_see_answers_404(
    visitor: Visitor, world: World, path: str
) -> None:
    visitor.log_in(OUTSIDER)
    answer = visitor.get(path.format(id=world.consortium_id))
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"


def test_me_lists_ones_roles_with_the_member_one_acts_for(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    page = text_of(visitor.get("/me"))
    assert "Vertegenwoordiger van een deelnemer" in page
    assert "Gemeente Utrecht" in page
    assert f'href="/consortia/{world.consortium_id}"' in page


def test_a_funder_reads_the_budget_as_it_stood_on_a_day(visitor: Visitor, world: World) -> None:
    visitor.log_in(FUNDER)
    # The consortium's first year is 2026: the day before it, nothing existed yet.
    before = visitor.get(f"/consortia/{world.consortium_id}/budget?as_of=31-12-2025")
    assert before.status_code == 422
    assert "bestond op die dag nog niet" in text_of(before)
    now = text_of(visitor.get(f"/consortia/{world.consortium_id}/budget?as_of=02-03-2026"))
    assert "Zoals vastgelegd tot en met 2 maart 2026" in now
    assert "€\xa012.500,00" in now
    assert "<svg" in now


def test_a_day_of_its_years_before_it_was_entered_points_to_the_booked_reading(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)

    # Entered on 2 March 2026 (the test clock's start), its first year 2026: on 1 March the
    # books as recorded held nothing, those booked for its days do.
    answer = visitor.get(f"/consortia/{world.consortium_id}/budget?as_of=01-03-2026")

    assert answer.status_code == 422
    assert "is op 2 maart 2026 ingevoerd" in text_of(answer)
    assert 'href="#reading-booked"' in text_of(answer)


def test_a_funder_reads_what_was_booked_for_the_days_up_to_a_day(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)
    page = f"/consortia/{world.consortium_id}/budget?reading=booked&as_of="

    # Booked books need not have been recorded by then: any day of the consortium's years.
    before = text_of(visitor.get(page + "01-03-2026"))
    on_the_day = text_of(visitor.get(page + "02-03-2026"))

    assert "Zoals geboekt tot en met 1 maart 2026" in before
    assert "€\xa012.500,00" not in before  # the contribution is dated 2 March
    assert "Zoals geboekt tot en met 2 maart 2026" in on_the_day
    assert "€\xa012.500,00" in on_the_day
    assert "<svg" in on_the_day


def test_booked_books_do_not_go_back_before_the_consortiums_first_year(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)

    answer = visitor.get(f"/consortia/{world.consortium_id}/budget?reading=booked&as_of=31-12-2025")

    assert answer.status_code == 422
    assert "bestond op die dag nog niet" in text_of(answer)


def test_the_page_speaks_english_when_chosen(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    visitor.send("/language", {"language": "en", "next": "/me"}, form_on="/me")
    page = text_of(visitor.get(f"/consortia/{world.consortium_id}"))
    assert '<html lang="en">' in page
    assert "Does the solution really work?" in page
    assert "€50,000.00" in page


def test_pages_forbid_inline_script_and_framing(visitor: Visitor, world: World) -> None:
    headers = visitor.get("/login").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_a_form_without_its_csrf_token_is_refused(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    answer = visitor.client.post("/logout")
    assert answer.status_code == 403


def test_the_api_sets_no_cookie(visitor: Visitor, world: World) -> None:
    answer = visitor.get("/api/v1/openapi.json")
    assert "Set-Cookie" not in answer.headers


def test_every_page_names_an_icon_that_is_served(visitor: Visitor, world: World) -> None:
    page = text_of(visitor.get("/login"))

    (icon,) = re.findall(r'<link rel="icon"[^>]*href="([^"]+)"', page)
    answer = visitor.get(icon)
    assert (answer.status_code, answer.mimetype) == (200, "image/svg+xml")


def history_after_an_admission_by(visitor: Visitor, world: World, store: Store, actor: str) -> str:
    """The consortium's page, as its manager reads it, after ``actor`` admitted a member."""
    store.consortia.admit_member(
        world.consortium_id, party="Gemeente Zeist", sector=Sector.MARKET,
        role=MemberRole.PARTNER, contact_email=None, population=None,
        caller=Caller.system(actor=actor, request_id="check"),
    )  # fmt: skip
    visitor.log_in(MANAGER)
    return text_of(visitor.get(f"/consortia/{world.consortium_id}"))


def test_the_history_says_a_command_on_the_server_did_it_in_words(
    visitor: Visitor, world: World, store: Store
) -> None:
    page = history_after_an_admission_by(visitor, world, store, "cli:root")

    assert "(root via de opdrachtregel)" in page
    assert "cli:root" not in page


def test_an_account_whose_address_begins_like_a_command_is_shown_as_its_address(
    visitor: Visitor, world: World, store: Store
) -> None:
    page = history_after_an_admission_by(visitor, world, store, "cli:root@example.nl")

    assert "(cli:root@example.nl)" in page
