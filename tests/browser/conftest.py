"""Browser tests: Debian's Chromium driven by Playwright, against the real service
(``consortium serve``, tests/service.py) on a world of its own (tests/pages/world.py).

Without /usr/bin/chromium these tests skip with a message, except under CI=true, where they
fail (the test setup installs Chromium there: scripts/browser). Screenshots go to
var/browser/ as artefacts of the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from events.bootstrap import migrate, open_store
from events.settings import StoreSettings
from tests.pages.world import World, build_world
from tests.service import Service, environment, running

CHROMIUM: Final = Path("/usr/bin/chromium")
AXE: Final = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS: Final = Path(__file__).parents[2] / "var" / "browser"
WCAG_21_AA: Final = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, World]]:
    """The service on a SQLite file that holds the world, recorded today."""
    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite://{workdir / 'store.sqlite3'}"
    settings = StoreSettings.from_url(url)
    migrate(settings)
    store = open_store(settings)
    try:
        world = build_world(store, today=store.consortia.today())
    finally:
        store.close()
    env = environment(CONSORTIUM_DATABASE_URL=url, CONSORTIUM_BASE_URL="http://127.0.0.1")
    with running(env, workdir, workers=1) as service:
        yield service, world


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium))
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, site: tuple[Service, World]) -> Iterator[Any]:
    """A fresh browser context (no cookies), whose console is watched for refusals by the
    Content-Security-Policy."""
    service, _ = site
    context = browser.new_context(base_url=f"http://127.0.0.1:{service.port}", locale="nl-NL")
    opened = context.new_page()
    refusals: list[str] = []
    opened.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield opened
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


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """What axe-core finds against WCAG 2.1 A and AA on the page as shown. The script is
    evaluated by the browser's debugging protocol, which the page's CSP does not govern."""
    page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    assert result["passes"], "axe checked nothing"
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
