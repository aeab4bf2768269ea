"""The multi-year pledge grid completed with the keyboard alone: Tab to a year's cell, type the
amount the Dutch way, send with Enter; a mistyped cell takes the keyboard to the summary and on
to that cell."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, dutch_today, focused_id, screenshot, tab_to
from tests.pages.world import OFFICER, World
from tests.service import Service

pytestmark = pytest.mark.slow

Site = tuple[Service, World]


def test_an_officer_pledges_for_two_years_with_the_keyboard_alone(
    page_as: Callable[..., Any], site: Site
) -> None:
    _, world = site
    page = page_as(OFFICER)
    page.goto(f"/consortia/{world.consortium_id}/commitments/new")
    next_year, after = dutch_today().year + 1, dutch_today().year + 2

    tab_to(page, f"pledge_{next_year}_cash")
    page.keyboard.type("30.000,00")
    tab_to(page, f"pledge_{after}_in_kind")
    page.keyboard.type("12.500 euro")  # a mistake
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Verbeter het volgende" in page.evaluate("document.activeElement.innerText")
    assert axe_violations(page) == []
    screenshot(page, "pledge-grid-errors-nl")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the error's link
    assert focused_id(page) == f"pledge_{after}_in_kind"
    page.keyboard.press("Control+a")
    page.keyboard.type("12.500")
    # (Chromium keeps the error link's #fragment across the redirect: RFC 9110, 10.2.2.)
    with page.expect_navigation(url=re.compile(rf"/consortia/{world.consortium_id}(#.*)?$")):
        page.keyboard.press("Enter")

    assert (
        "2 toezeggingen van Gemeente Utrecht vastgelegd, samen €\xa042.500,00"
        in page.inner_text("main")
    )
    screenshot(page, "pledge-grid-recorded-nl")
