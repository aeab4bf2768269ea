"""The Flask application factory: wires the store, the API, its documentation and errors, and the
web pages."""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any, ClassVar

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import Rule

from events.bootstrap import Store, open_configured
from events.configuration import Settings, load_settings
from web.api import register_blueprints
from web.auth import init_auth
from web.body import init_body_rules
from web.calendar_feed import init_calendar_feed
from web.docs import docs_config, init_docs
from web.health import init_health
from web.i18n import init_i18n
from web.metrics import init_metrics
from web.outage import init_outage
from web.pages import PAGE_CONFIG, init_pages
from web.problems import PROBLEM_JSON, handle_http_exception, init_problems
from web.ratelimit import init_rate_limits
from web.request_log import init_request_log
from web.schemas.common import Problem
from web.schemas.fields import AsOf, Instant, MoneyField, decimal_as_text, documented_pattern


class ProblemApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, answering and documenting its errors as problem+json.

    The OpenAPI document of a blueprint is written when the document is first read (its
    ``spec``), not when the blueprint is registered: that is most of the time it takes to build
    the app, and a process that never serves the document never pays it."""

    ERROR_SCHEMA = Problem
    DEFAULT_RESPONSE_CONTENT_TYPE: str = "application/json"

    def __init__(self, app: Flask) -> None:
        self._undocumented: list[tuple[Any, str, Any]] = []
        self._documenting = threading.Lock()
        super().__init__(app)

    @property
    def spec(self) -> Any:
        with self._documenting:
            while self._undocumented:
                blp, name, parameters = self._undocumented.pop(0)
                blp.register_views_in_doc(
                    self, self._app, self._spec, name=name, parameters=parameters
                )
                self._spec.tag({"name": name, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """As flask-smorest's, with the blueprint's documentation left for later (``spec``)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def handle_http_exception(self, error: Any) -> Any:
        return handle_http_exception(error)

    def _register_responses(self) -> None:
        # The library documents its shared error responses as application/json; ours are
        # application/problem+json, so document them so.
        default = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = default


class ReusedBuilderRule(Rule):
    """A URL rule whose URL-building functions are compiled once per process for each shape of
    rule, not once per rule of every app built: werkzeug writes them with `ast` and compiles
    them, which was most of the time it takes to build the app (and a test run builds
    thousands). A function depends only on the rule's parts (``_trace``) and whether unknown
    arguments go into the query; it reads the rule's converters from the rule it is bound to.
    Rules with defaults are compiled as werkzeug does, as a default may fold into the URL."""

    _compiled: ClassVar[dict[tuple[Any, ...], Any]] = {}
    _compiling: ClassVar[threading.Lock] = threading.Lock()

    def _compile_builder(self, append_unknown: bool = True) -> Any:
        if self.defaults:
            return super()._compile_builder(append_unknown)
        key = (tuple(self._trace), append_unknown)
        with self._compiling:
            builder = self._compiled.get(key)
            if builder is None:
                builder = self._compiled[key] = super()._compile_builder(append_unknown)
        return builder


class ConsortiumFlask(Flask):
    url_rule_class = ReusedBuilderRule


# The largest legitimate request (a consortium with a long description) is far below this.
MAX_BODY_BYTES = 256 * 1024


_BUILDING = threading.Lock()
log = logging.getLogger(__name__)


def create_app(
    store: Store | None = None,
    settings: Settings | None = None,
    config: dict[str, Any] | None = None,
) -> Flask:
    """The web service, configured by ``settings`` (built once at start: ``load_settings``);
    ``store`` None: the store the settings name. ``config``: Flask settings over ours (tests).
    With no settings given (``gunicorn 'web.app:create_app()'``), they are read now."""
    settings = settings or load_settings()
    if store is None:
        store = open_configured(settings)
        atexit.register(store.close)
    app = _built(store, settings, config or {})
    if not settings.follows_elsewhere:
        # The embedded default: one of the web processes follows the log for the read model
        # (started once the routes are built: see _built).
        store.read.start_following()
    return app


# How often building an app is tried again after CPython 3.11's ast failed under threads.
_AST_ATTEMPTS = 3


def _built(store: Store, settings: Settings, config: dict[str, Any]) -> Flask:
    """A new app on the store. Its URL rules compile with `ast`, which in CPython 3.11 is not
    safe while another thread uses it too ("AST constructor recursion depth mismatch",
    gh-106905): apps are built one at a time, and since a traceback being formatted in any
    other thread (a log line with its exception) parses with `ast` as well, a build that
    failed so is done again from the start, on a new app."""
    for attempt in range(1, _AST_ATTEMPTS + 1):
        app = ConsortiumFlask(__name__)
        app.config.update(docs_config())
        app.config.update(SECRET_KEY=settings.service_secret(), BASE_URL=settings.base_url)
        app.config.update(PAGE_CONFIG)
        app.config.update(config)
        app.extensions["consortium.store"] = store
        logging.getLogger("web").setLevel(logging.INFO)
        try:
            with _BUILDING:
                _init_routes(app, store, settings)
        except SystemError as error:
            if "AST constructor" not in str(error) or attempt == _AST_ATTEMPTS:
                raise
            log.warning("building the app met CPython's ast race (%s); building it again", error)
            continue
        return app
    raise AssertionError("unreachable")  # pragma: no cover


def _init_routes(app: Flask, store: Store, settings: Settings) -> None:
    # First, so that every answer is counted, also those refused by what follows.
    init_metrics(app, store, token=settings.metrics_token_value, broker_url=settings.broker_url)
    init_request_log(app)
    init_outage(app, store)
    # Authentication counts its failures against these limits (web/ratelimit.py).
    init_rate_limits(app, broker_url=settings.broker_url)
    init_auth(app)
    init_body_rules(app, app.config.get("MAX_BODY_BYTES", MAX_BODY_BYTES))
    api = ProblemApi(app)
    api.register_field(MoneyField, "string", "decimal")
    api.register_field(Instant, "string", "date-time")
    api.register_field(AsOf, "string", None)
    api.ma_plugin.converter.add_attribute_function(decimal_as_text)
    api.ma_plugin.converter.add_attribute_function(documented_pattern)
    register_blueprints(api)
    init_docs(app)
    init_problems(app)
    init_i18n(app)
    init_health(app, max_lag_seconds=settings.ready_max_lag_seconds, broker_url=settings.broker_url)
    # The pages for people; the API above keeps no session (web/pages/session.py).
    init_pages(app)
    # Calendar apps fetch an account's feed at its secret address, without a header.
    init_calendar_feed(app)
