"""The issue's "done when" in a real browser, in Dutch and in English: an officer of a
municipality outside the pilot finds the solution in the catalogue and asks to adopt it (once
refused for a population that is no number), the programme manager approves, the officer sees
its share for next year and its first checkpoint, and the catalogue shows one more adopter at a
lower cost per inhabitant; axe-core checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, dutch_today, screenshot
from tests.browser.solution import ADOPTING, SOLUTION
from tests.pages.world import MANAGER

pytestmark = pytest.mark.slow

ROW = f"main tr:has(th a:text-is('{SOLUTION}'))"


class Walk:
    """A browser of one person, and what axe found on each page it showed."""

    def __init__(self, page: Any, language: str, found: dict[str, list[Any]]) -> None:
        self.page = page
        self.language = language
        self.found = found

    def seen(self, name: str) -> None:
        assert self.page.locator("html").get_attribute("lang") == self.language
        self.found[f"{name}-{self.language}"] = axe_violations(self.page)
        screenshot(self.page, f"adoption-{name}-{self.language}")

    def go(self, path_or_link: str, name: str) -> None:
        if path_or_link.startswith("/"):
            self.page.goto(path_or_link)
        else:
            self.page.click(path_or_link)
        self.page.wait_for_load_state()
        self.seen(name)

    def send(self, name: str) -> None:
        self.page.click("main form[method=post] button[type=submit]")
        self.page.wait_for_load_state()
        self.seen(name)


def in_catalogue(walk: Walk) -> tuple[int, int]:
    """The solution's adopters and cost per inhabitant (in ten-thousandths of a euro)."""
    walk.go("/catalogus", "catalogue")
    cells = walk.page.locator(f"{ROW} td")
    adopters = int(cells.nth(1).inner_text())
    cost = int(re.sub(r"\D", "", cells.nth(3).inner_text()))
    return adopters, cost


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_officer_finds_asks_is_approved_and_sees_its_next_year(
    page_as: Callable[..., Any], language: str
) -> None:
    found: dict[str, list[Any]] = {}
    officer = Walk(page_as(ADOPTING[language], language), language, found)
    adopters, cost = in_catalogue(officer)
    officer.go(f"{ROW} a", "solution")
    party = f"Gemeente {'Houten' if language == 'nl' else 'Bunnik'}"
    officer.page.fill("#party", party)
    officer.page.fill("#population", "veel")
    officer.page.fill("#contact_email", ADOPTING[language])
    officer.page.select_option("#province", "utrecht")
    officer.send("asked-refused")
    summary = officer.page.locator(".error-summary a[href='#population']")
    assert summary.count() == 1
    officer.page.fill("#population", "50.000" if language == "nl" else "50,000")
    officer.send("asked")
    assert officer.page.locator("main form[method=post] #party").count() == 0  # pending

    manager = Walk(page_as(MANAGER, language), language, found)
    manager.go("/", "portfolio")
    manager.go(f"main a:text-is('{SOLUTION}')", "consortium")
    manager.go("main a[href$='/adoption-requests']", "requests")
    manager.go(f"main tr:has(th:text-is('{party}')) a[href$='/approve']", "approve")
    manager.send("approved")

    officer.go("/me", "me")
    next_year = officer.page.locator(f"section.outlook:has(h3:has-text('{party}'))")
    assert str(dutch_today().year + 1) in next_year.locator("dt >> nth=0").inner_text()
    assert "€" in next_year.locator("dd >> nth=0").inner_text()
    assert "Het loket werkt" in next_year.locator("dd >> nth=1").inner_text()

    after = in_catalogue(officer)
    assert after[0] == adopters + 1
    assert after[1] < cost
    assert {name: v for name, v in found.items() if v} == {}
