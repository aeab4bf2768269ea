"""Fixtures of the page tests: the small world (tests/pages/world.py) and a visitor who reads
pages and sends their forms with the CSRF token the page gave."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from events import accounts
from events.bootstrap import Store
from events.configuration import Settings
from events.settings import StoreSettings
from tests.backends import sqlite_file
from tests.pages.world import PASSWORD, World, build_world
from web.app import create_app

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[StoreSettings]:
    """The pages on SQLite only: they add no storage of their own, and the use cases under
    them are tested on both backends (tests/store, tests/api)."""
    with sqlite_file(tmp_path) as settings:
        yield settings


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords hashed with argon2id at its lowest cost: the pages' tests log in often, and
    what they test is the pages, not the hash (tests/api covers the service's own)."""
    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def world(store: Store) -> World:
    return build_world(store)


@pytest.fixture
def app(store: Store) -> Flask:
    return create_app(
        store=store,
        settings=Settings.given(secret_key="test", base_url="http://testserver"),
        config={"TESTING": True},
    )


class Visitor:
    """A browser without a browser: follows no redirects unless asked, keeps its cookies."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def token(self, path: str) -> str:
        page = self.get(path)
        found = _TOKEN.search(page.get_data(as_text=True))
        assert found is not None, f"no CSRF token on {path}: {page.status}"
        return found.group(1)

    def hidden(self, path: str) -> dict[str, str]:
        """The hidden fields of the page's forms (its CSRF token, a form's own key)."""
        page = self.get(path).get_data(as_text=True)
        fields = [dict(_ATTRIBUTE.findall(tag)) for tag in _HIDDEN.findall(page)]
        found = {f["name"]: f.get("value", "") for f in fields if "name" in f}
        assert "csrf_token" in found, f"no CSRF token on {path}"
        return found

    def send(self, path: str, data: dict[str, str], *, form_on: str | None = None) -> TestResponse:
        """Send the form of the page at ``form_on`` (default: the same address) to ``path``,
        with the hidden fields it carries, as a browser would."""
        hidden = self.hidden(form_on or path)
        hidden.pop("next", None)  # the language form's
        return self.client.post(path, data={**hidden, **data})

    def log_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        answer = self.send("/login", {"email": email, "password": password})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
        return answer

    def cookie(self) -> str | None:
        cookie = self.client.get_cookie("consortium_session")
        return None if cookie is None else cookie.value


@pytest.fixture
def visitor(client: FlaskClient) -> Visitor:
    return Visitor(client)


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)
