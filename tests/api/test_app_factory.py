"""The app factory builds a whole app, whose URLs are built as werkzeug builds them (with the
building functions compiled once per process), even when CPython 3.11's `ast` failed under
threads while its URL rules compiled (gh-106905), and never hides any other failure."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from werkzeug.routing import Map, Rule

from events.bootstrap import Store
from events.configuration import Settings
from web import app as factory

SETTINGS = Settings.given(secret_key="test", base_url="http://testserver")


def _failing_first(times: int, error: Exception) -> Any:
    real = factory._init_routes
    calls = {"n": 0}

    def init_routes(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        real(*args)

    return init_routes


def test_a_build_that_met_the_ast_race_is_done_again_on_a_new_app(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    race = SystemError("AST constructor recursion depth mismatch (before=84, after=56)")
    monkeypatch.setattr(factory, "_init_routes", _failing_first(1, race))

    app = factory.create_app(store=store, settings=SETTINGS)

    assert app.test_client().get("/api/v1/openapi.json").status_code == 200


def test_a_race_that_goes_on_fails_the_build_in_the_end(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    race = SystemError("AST constructor recursion depth mismatch (before=84, after=56)")
    monkeypatch.setattr(factory, "_init_routes", _failing_first(99, race))

    with pytest.raises(SystemError, match="AST constructor"):
        factory.create_app(store=store, settings=SETTINGS)


def test_any_other_system_error_is_not_tried_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(factory, "_init_routes", _failing_first(1, SystemError("other")))

    with pytest.raises(SystemError, match="other"):
        factory.create_app(store=store, settings=SETTINGS)


def _sample(converter: Any) -> Any:
    """A value each kind of URL argument takes."""
    name = type(converter).__name__
    samples = {"UUIDConverter": UUID(int=7), "IntegerConverter": 7, "PathConverter": "a/b c"}
    return samples.get(name, "x y")


def test_every_url_is_built_as_werkzeug_builds_it_whatever_app_compiled_it_first(
    store: Store,
) -> None:
    first = factory.create_app(store=store, settings=SETTINGS)  # compiles the builders
    app = factory.create_app(store=store, settings=SETTINGS)  # reuses them
    plain = Map(
        [
            Rule(rule.rule, endpoint=rule.endpoint, methods=rule.methods, defaults=rule.defaults)
            for rule in first.url_map.iter_rules()
        ],
        converters=app.url_map.converters,
    )
    ours = app.url_map.bind("testserver")
    theirs = plain.bind("testserver")
    built = 0
    for rule in app.url_map.iter_rules():
        arguments = {name: _sample(rule._converters[name]) for name in rule.arguments}
        for extra in ({}, {"as_of": "2026-03-01", "lang": ["nl", "en"]}):
            assert ours.build(rule.endpoint, {**arguments, **extra}) == theirs.build(
                rule.endpoint, {**arguments, **extra}
            ), rule.rule
            built += 1
    assert built > 200
