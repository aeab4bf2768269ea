"""The programme manager's main flow in a real browser, in Dutch and in English: open a
consortium from the portfolio, plan a milestone, evaluate it with the three questions, admit a
member and make an account its representative; axe-core checks every page on the way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, dutch_today, screenshot
from tests.pages.world import MANAGER, OUTSIDER, World
from tests.service import Service

pytestmark = pytest.mark.slow

Site = tuple[Service, World]


class Walk:
    """The manager's browser, and what axe found on each page it showed."""

    def __init__(self, page: Any, language: str) -> None:
        self.page = page
        self.language = language
        self.found: dict[str, list[dict[str, Any]]] = {}

    def seen(self, name: str) -> None:
        assert self.page.locator("html").get_attribute("lang") == self.language
        self.found[name] = axe_violations(self.page)
        screenshot(self.page, f"manager-{name}-{self.language}")

    def follow(self, link: str, name: str) -> None:
        self.page.click(link)
        self.page.wait_for_load_state()
        self.seen(name)

    def send(self) -> None:
        self.page.click("main form[method=post] button[type=submit]")
        self.page.wait_for_load_state()

    def milestone(self, title: str) -> Any:
        return self.page.locator(f"section.milestone:has(h3:text-is('{title}'))")


def plan(walk: Walk, title: str) -> None:
    walk.follow("main a[href$='/milestones/new']", "milestone-form")
    walk.page.fill("#title", title)
    walk.page.fill("#due_date", (dutch_today() + timedelta(days=60)).strftime("%d-%m-%Y"))
    walk.send()
    assert walk.milestone(title).count() == 1
    walk.seen("milestone-planned")


def evaluate(walk: Walk, title: str) -> None:
    walk.follow(f"section.milestone:has(h3:text-is('{title}')) a[href$='/evaluation']",
                "evaluation-form")  # fmt: skip
    page = walk.page
    assert page.locator("fieldset:has([id^=answer_])").count() == 3  # the three questions
    page.check("#answer_0-0")  # does it work: yes
    page.check("#answer_1-0")  # the next step: yes
    page.check("#answer_2-1")  # the shared infrastructure: partly
    page.fill("#note_2", "De servers worden nog niet gedeeld.")
    page.check("#decision-0")  # go
    walk.send()
    assert walk.milestone(title).locator("a[href$='/evaluation']").count() == 0  # decided
    walk.seen("evaluated")


def admit(walk: Walk, party: str) -> None:
    walk.follow("main a[href$='/members/new']", "member-form")
    page = walk.page
    page.fill("#party", party)
    page.select_option("#sector", "municipality")
    page.select_option("#role", "partner")
    page.fill("#population", "65.000" if walk.language == "nl" else "65,000")
    walk.send()
    assert page.locator(f"main table :text-is('{party}')").count() >= 1
    walk.seen("member-admitted")


def grant(walk: Walk, party: str) -> None:
    walk.follow("main a[href$='/roles/new']", "roles-form")
    page = walk.page
    page.fill("#account", OUTSIDER)
    page.select_option("#role", "member_representative")
    page.select_option("#member_id", label=party)
    walk.send()
    walk.follow("main a[href$='/roles/new']", "role-granted")
    row = page.locator(f"main tr:has(th:text-is('{OUTSIDER}')):has(td:text-is('{party}'))")
    assert row.count() == 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_programme_manager_plans_evaluates_admits_and_grants(
    page_as: Callable[..., Any], site: Site, language: str
) -> None:
    walk = Walk(page_as(MANAGER, language), language)
    walk.page.goto("/")
    walk.seen("portfolio")
    walk.follow("main a:text-is('Langer thuis in de wijk')", "consortium")

    title = f"Opschaling naar vier wijken ({language})"
    plan(walk, title)
    evaluate(walk, title)
    party = f"Gemeente Zeist ({language})"
    admit(walk, party)
    grant(walk, party)

    assert {name: v for name, v in walk.found.items() if v} == {}
