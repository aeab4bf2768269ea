"""The language of a page: the one chosen with the button in this session, else the account's,
else the browser's Accept-Language (Dutch or English), else Dutch."""

from __future__ import annotations

import pytest

from consortium.accounts import Language
from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import OFFICER, World


def lang_of(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("accept", "language"),
    [("en-GB,en;q=0.9", "en"), ("nl-NL,nl;q=0.9,en;q=0.8", "nl"), ("de-DE,de;q=0.9", "nl"),
     ("de,en;q=0.5", "en"), ("*", "nl"), ("", "nl")],
)  # fmt: skip
def test_an_anonymous_visitor_reads_the_browsers_language_dutch_when_it_names_neither(
    visitor: Visitor, accept: str, language: str
) -> None:
    page = visitor.get("/login", headers={"Accept-Language": accept} if accept else {})

    assert lang_of(text_of(page)) == language
    assert "Accept-Language" in page.headers["Vary"]


def test_the_language_chosen_in_the_session_wins_over_the_browsers(visitor: Visitor) -> None:
    english = {"Accept-Language": "en"}
    visitor.client.post(
        "/language", data={"language": "nl", "csrf_token": visitor.token("/login")}, headers=english
    )

    assert lang_of(text_of(visitor.get("/login", headers=english))) == "nl"


def test_a_logged_in_visitor_reads_the_accounts_language_whatever_the_browser_says(
    visitor: Visitor, world: World, store: Store
) -> None:
    officer = store.accounts.find_account(OFFICER)
    assert officer is not None
    store.accounts.change_account(
        officer.id, language=Language.EN, caller=Caller.system(actor="cli:test", request_id="t")
    )
    visitor.log_in(OFFICER)

    assert lang_of(text_of(visitor.get("/me", headers={"Accept-Language": "nl"}))) == "en"
