"""The Flask application factory: wires the store, the API, its documentation and errors, and the
web pages."""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from flask import Flask
from flask_smorest import Api

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
    """flask-smorest's Api, answering and documenting its errors as problem+json."""

    ERROR_SCHEMA = Problem
    DEFAULT_RESPONSE_CONTENT_TYPE: str = "application/json"

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


# The largest legitimate request (a consortium with a long description) is far below this.
MAX_BODY_BYTES = 256 * 1024


_BUILDING = threading.Lock()


def create_app(
    store: Store | None = None,
    settings: Settings | None = None,
    config: dict[str, Any] | None = None,
) -> Flask:
    """The web service, configured by ``settings`` (built once at start: ``load_settings``);
    ``store`` None: the store the settings name. ``config``: Flask settings over ours (tests).
    With no settings given (``gunicorn 'web.app:create_app()'``), they are read now."""
    settings = settings or load_settings()
    external = settings.follows_elsewhere
    if store is None:
        store = open_configured(settings)
        atexit.register(store.close)
    if not external:
        # The embedded default: one of the web processes follows the log for the read model.
        store.read.start_following()

    app = Flask(__name__)
    app.config.update(docs_config())
    app.config.update(SECRET_KEY=settings.service_secret(), BASE_URL=settings.base_url)
    app.config.update(PAGE_CONFIG)
    app.config.update(config or {})
    app.extensions["consortium.store"] = store
    logging.getLogger("web").setLevel(logging.INFO)

    # Rules compile with `ast`; CPython 3.11's ast is not safe when threads build apps at once
    # ("AST constructor recursion depth mismatch", gh-106905): one app is built at a time.
    with _BUILDING:
        _init_routes(app, store, settings)
    return app


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
