"""Browser tests: Debian's Chromium driven by Playwright, against the real service
(``consortium serve``, tests/service.py) on a world of its own (tests/pages/world.py).

Without /usr/bin/chromium these tests skip with a message, except under CI=true, where they
fail (the test setup installs Chromium there: scripts/setup). Screenshots go to
var/browser/ as artefacts of the run.

To keep the run short, one Chromium and one service serve the whole session, and each role
logs in through the login form once: later pages of that role open in a fresh browser context
that carries the cookies of that login (``page_as``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

import pytest

from consortium.cause import about_day
from events.bootstrap import migrate, open_store
from events.settings import StoreSettings
from tests.browser.solution import build_solution
from tests.pages.world import PASSWORD, World, build_world
from tests.service import Service, environment, running

CHROMIUM: Final = Path("/usr/bin/chromium")
AXE: Final = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS: Final = Path(__file__).parents[2] / "var" / "browser"
WCAG_21_AA: Final = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test on one xdist worker (scripts/test runs with --dist loadgroup), so
    that one Chromium and one service serve them all."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, World]]:
    """The service on a SQLite file that holds the world, and a proven solution in the
    catalogue (tests/browser/solution.py), recorded today."""
    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite://{workdir / 'store.sqlite3'}"
    settings = StoreSettings.from_url(url)
    migrate(settings)
    store = open_store(settings)
    try:
        world = build_world(store, today=store.consortia.today())
        build_solution(store, store.consortia.today())
    finally:
        store.close()
    env = environment(CONSORTIUM_DATABASE_URL=url, CONSORTIUM_BASE_URL="http://127.0.0.1")
    with running(env, workdir, workers=1) as service:
        yield service, world


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium))
        yield launched
        launched.close()


def watched_page(context: Any, refusals: list[str]) -> Any:
    """A new page of the context whose console is watched for the Content-Security-Policy's
    refusals (collected in ``refusals``)."""
    opened = context.new_page()
    opened.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return opened


def new_context(browser: Any, site: tuple[Service, World], **options: Any) -> Any:
    service, _ = site
    return browser.new_context(
        base_url=f"http://127.0.0.1:{service.port}", locale="nl-NL", **options
    )


@pytest.fixture
def page(browser: Any, site: tuple[Service, World]) -> Iterator[Any]:
    """A fresh browser context (no cookies), whose console is watched for refusals by the
    Content-Security-Policy."""
    context = new_context(browser, site)
    refusals: list[str] = []
    yield watched_page(context, refusals)
    context.close()
    assert refusals == [], refusals


@pytest.fixture(scope="session")
def logins(browser: Any, site: tuple[Service, World]) -> Callable[[str], dict[str, Any]]:
    """The browser state (cookies) of each account after its one login through the form."""
    states: dict[str, dict[str, Any]] = {}

    def state_of(email: str) -> dict[str, Any]:
        if email not in states:
            context = new_context(browser, site)
            log_in(context.new_page(), email, PASSWORD)
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return state_of


@pytest.fixture
def page_as(
    browser: Any, site: tuple[Service, World], logins: Callable[[str], dict[str, Any]]
) -> Iterator[Callable[..., Any]]:
    """Opens a page logged in as the account (in a context of its own), in the language
    asked for (chosen with the header's button, as a person would)."""
    contexts: list[Any] = []
    refusals: list[str] = []

    def open_as(email: str, language: str = "nl") -> Any:
        context = new_context(browser, site, storage_state=logins(email))
        contexts.append(context)
        opened = watched_page(context, refusals)
        opened.goto("/me")
        assert "/login" not in opened.url, f"{email} is not logged in"
        if opened.locator("html").get_attribute("lang") != language:
            opened.click("button[name=language]")
            opened.wait_for_load_state()
        return opened

    yield open_as
    for context in contexts:
        context.close()
    assert refusals == [], refusals


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]:has-text('Inloggen'), button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()


def dutch_today() -> date:
    return about_day(datetime.now(UTC))


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def tab_to(page: Any, element_id: str, most: int = 60) -> None:
    """Press Tab until the element has the focus (fails if Tab never gets there)."""
    for _ in range(most):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert focused_id(page) == element_id, f"Tab never reached #{element_id}"


@cache
def axe_script() -> str:
    return AXE.read_text()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """What axe-core finds against WCAG 2.1 A and AA on the page as shown. The script is
    evaluated by the browser's debugging protocol, which the page's CSP does not govern."""
    page.evaluate(axe_script())
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    assert result["passes"], "axe checked nothing"
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
