"""The main flows in a real browser: a municipal officer logs work in kind with the keyboard
alone; a funder reads the budget as of a day with its chart; axe-core finds no WCAG 2.1 A or
AA violation on any page, in Dutch and in English."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser.conftest import (
    axe_violations,
    dutch_today,
    focused_id,
    screenshot,
    tab_to,
)
from tests.browser.solution import SOLUTION
from tests.pages.world import FUNDER, MANAGER, OFFICER, PASSWORD, World
from tests.service import Service

pytestmark = pytest.mark.slow

Site = tuple[Service, World]


def test_an_officer_logs_work_in_kind_with_the_keyboard_alone(page: Any, site: Site) -> None:
    _, world = site
    page.goto("/login")
    tab_to(page, "email")
    page.keyboard.type(OFFICER)
    tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    page.goto(f"/consortia/{world.consortium_id}/contributions/new")
    tab_to(page, "kind-0")
    page.keyboard.press("ArrowDown")  # from "Geld" to "Werk of diensten (in natura)"
    tab_to(page, "hours")
    page.keyboard.type("12,5")
    tab_to(page, "rate")
    page.keyboard.type("95,00")
    tab_to(page, "date")
    page.keyboard.type(dutch_today().strftime("%d-%m-%Y"))
    screenshot(page, "contribution-form-nl")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/consortia/{world.consortium_id}")
    # 12,5 hours at € 95,00: the amount is computed.
    assert "Bijdrage van €\xa01.187,50 vastgelegd" in page.inner_text("main")
    screenshot(page, "consortium-nl")


def test_form_errors_take_the_keyboard_to_the_summary_and_on_to_the_field(
    page_as: Callable[..., Any], site: Site
) -> None:
    _, world = site
    page = page_as(OFFICER)
    page.goto(f"/consortia/{world.consortium_id}/contributions/new")
    page.fill("#amount", "veel")
    page.press("#amount", "Enter")
    page.wait_for_load_state()
    assert focused_id(page) == ""  # the summary (no id) has the focus
    assert "Verbeter het volgende" in page.evaluate("document.activeElement.innerText")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first error's link
    assert focused_id(page) == "amount"
    screenshot(page, "contribution-errors-nl")


def test_a_funder_reads_the_budget_as_of_a_day_with_its_chart(
    page_as: Callable[..., Any], site: Site
) -> None:
    page = page_as(FUNDER)
    page.click("text=Begroting lezen")
    page.fill("#as_of", "01-01-2000")
    page.click("main button[type=submit]")
    assert "bestond op die dag nog niet" in page.inner_text("main")
    page.fill("#as_of", dutch_today().strftime("%d-%m-%Y"))
    page.click("main button[type=submit]")
    assert "Zoals vastgelegd tot en met" in page.inner_text("main")
    assert page.locator("svg[role=img] rect.chart-received").count() >= 1
    assert "€\xa050.000,00" in page.inner_text("table")  # pledged for this year
    screenshot(page, "budget-funder-nl")


def test_a_funder_is_led_to_the_booked_books_of_a_month_ago(
    page_as: Callable[..., Any], site: Site
) -> None:
    """The world was entered today with its year begun: read as recorded a month ago it was not
    there yet, and the page leads (by keyboard) to the books as booked for those days."""
    today = dutch_today()
    day = max(today - timedelta(days=30), date(today.year, 1, 1))
    if day == today:
        pytest.skip("on the first of January the consortium's year has no earlier day")
    page = page_as(FUNDER)
    page.click("text=Begroting lezen")
    page.fill("#as_of", day.strftime("%d-%m-%Y"))
    with page.expect_navigation():
        page.press("#as_of", "Enter")
    assert "met zijn eerdere jaren met terugwerkende kracht" in page.inner_text("main")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link: to the booked reading
    assert focused_id(page) == "reading-booked"
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Zoals geboekt tot en met" in page.inner_text("main")
    assert page.locator("svg[role=img]").count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "budget-funder-month-ago-nl")


def on_a_phone(
    page: Any, pages: dict[str, str], found: dict[str, list[dict[str, Any]]]
) -> dict[str, int]:
    """On a phone's width the tables scroll sideways, and only they: each must be reachable by
    keyboard (axe, into ``found``), and the page no wider than the screen (the widths)."""
    page.set_viewport_size({"width": 375, "height": 800})
    widths = {}
    for name, path in pages.items():
        page.goto(path)
        found[f"{name}-narrow"] = axe_violations(page)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    return widths


@pytest.mark.parametrize("language", ["nl", "en"])
def test_axe_finds_no_wcag_21_aa_violation_on_any_page(
    page: Any, page_as: Callable[..., Any], site: Site, language: str
) -> None:
    _, world = site
    page.goto("/login")
    if language == "en":
        page.click("button[name=language]")
    found: dict[str, list[dict[str, Any]]] = {"login": axe_violations(page)}
    screenshot(page, f"login-{language}")
    anonymous = page
    page = page_as(MANAGER, language)
    consortium = f"/consortia/{world.consortium_id}"
    pages = {
        "portfolio": "/",
        "portfolio-refused": "/?checkpoint_before=morgen",
        "consortium": consortium,
        "budget": f"{consortium}/budget",
        "trace": f"{consortium}/budget/trace?figure=received&member_id={world.municipality_id}",
        "me": "/me",
        "contribution": f"{consortium}/contributions/new",
        "pledge": f"{consortium}/commitments/new",
        "expenditure": f"{consortium}/expenditures/new",
        "contributions": f"{consortium}/contributions",
        "evaluation": f"{consortium}/milestones/{world.milestone_id}/evaluation",
        "member": f"{consortium}/members/new",
        "milestone": f"{consortium}/milestones/new",
        "replan": f"{consortium}/milestones/{world.milestone_id}/replan",
        "roles": f"{consortium}/roles/new",
        "reminder-policy": f"{consortium}/reminder-policy",
        "catalogue": "/catalogus",
        "catalogue-refused": "/catalogus?band=reusachtig",
    }
    for name, path in pages.items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        found[name] = axe_violations(page)
        screenshot(page, f"{name}-{language}")
    widths = on_a_phone(
        page, {n: pages[n] for n in ("consortium", "budget", "trace", "contributions")}, found
    )
    assert widths == dict.fromkeys(widths, 375)
    page.goto(pages["contribution"])
    page.fill("#amount", "veel")
    page.press("#amount", "Enter")
    page.wait_for_load_state()
    found["contribution-refused"] = axe_violations(page)
    page.goto(pages["pledge"])
    cell = f"#pledge_{dutch_today().year + 1}_cash"
    page.fill(cell, "veel")
    page.press(cell, "Enter")
    page.wait_for_load_state()
    found["pledge-refused"] = axe_violations(page)
    screenshot(page, f"pledge-refused-{language}")
    page.goto(pages["contributions"])
    page.click("main a:has-text('Terugdraaien'), main a:has-text('Reverse')")
    found["reversal"] = axe_violations(page)
    page.goto(pages["roles"])
    page.click("main a[href$='/revoke'] >> nth=0")
    found["revoke-role"] = axe_violations(page)
    screenshot(page, f"revoke-role-{language}")
    page.goto("/me")
    page.click("main form[action='/me/calendar'] button")
    found["me-calendar"] = axe_violations(page)
    # One solution of the catalogue (the manager holds a role there: no form), and as an
    # anonymous visitor reads it (tests/browser/test_adoption_flow.py checks it with the form).
    page.goto("/catalogus")
    page.click(f"main a:text-is('{SOLUTION}')")
    page.wait_for_load_state()
    found["catalogue-entry"] = axe_violations(page)
    solution = page.url
    anonymous.goto(solution)
    assert anonymous.locator("html").get_attribute("lang") == language
    found["catalogue-entry-anonymous"] = axe_violations(anonymous)
    screenshot(anonymous, f"catalogue-entry-anonymous-{language}")
    assert {name: v for name, v in found.items() if v} == {}
