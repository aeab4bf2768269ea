"""The pages' blueprint: who is logged in, in which language, CSRF on every form, strict
headers, and errors as pages (not problem+json) in the page's language."""

from __future__ import annotations

import logging
from typing import Any, Final
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from consortium.accounts import Account
from consortium.errors import DomainError, InvalidValue, NotAllowed, NotFound
from web.i18n import LANGUAGES, language, translate
from web.pages.dutch import amount_text, day_text, number_text
from web.pages.security import csrf, strict_headers
from web.pages.session import chosen_language, logged_in_account
from web.pages.words import register_words
from web.redaction import loggable_path

log = logging.getLogger(__name__)
bp = Blueprint("pages", __name__, template_folder="../templates")

# Pages anyone may open; every other page sends a visitor to the login page first.
PUBLIC: Final = frozenset(
    {"pages.login", "pages.choose_language_view", "pages.catalogue", "pages.catalogue_entry"}
)
DEFAULT_LANGUAGE: Final = "nl"
# Dutch first: a browser that accepts any language ("*") gets Dutch.
_PREFERENCE: Final = (DEFAULT_LANGUAGE, *(o for o in LANGUAGES if o != DEFAULT_LANGUAGE))


@bp.before_request
def _who_and_how() -> ResponseReturnValue | None:
    account = logged_in_account()
    if account is not None:
        g.account = account
    g.language = page_language(account)
    if request.method == "POST":
        csrf.protect()
    if account is None and request.endpoint not in PUBLIC:
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    return None


def page_language(account: Account | None) -> str:
    """The language of a page: the one chosen with the button in this session, else the
    account's, else the better of the browser's Accept-Language (when it names Dutch or
    English), else Dutch."""
    chosen = chosen_language()
    if chosen in LANGUAGES:
        return str(chosen)
    if account is not None:
        return str(account.language.value)
    return request.accept_languages.best_match(_PREFERENCE) or DEFAULT_LANGUAGE


@bp.after_request
def _headers(response: Response) -> Response:
    # A page's language may follow the browser's Accept-Language: caches must keep them apart.
    response.vary.add("Accept-Language")
    return strict_headers(response)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (never another host)."""
    if not target:
        return url_for("pages.portfolio")
    parts = urlsplit(target)
    # Browsers read "/\\host" as "//host": a backslash, like a scheme or host, leaves the site.
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not target.isprintable()
    ):
        return url_for("pages.portfolio")
    return target


def error_page(status: int, message: str) -> tuple[str, int]:
    return render_template("pages/error.html", status=status, message=message), status


_UNEXPECTED: Final = "Something went wrong on our side; it was logged. Please try again."
_MESSAGES: Final = {
    403: "You may not do this.",
    404: "There is nothing at this address, or you may not see it.",
    405: "This address does not accept that method.",
}


@bp.errorhandler(CSRFError)
def _csrf_refused(_error: CSRFError) -> tuple[str, int]:
    return error_page(403, translate("This form has expired or was not sent from this site. "
                                     "Go back, reload the page and try again."))  # fmt: skip


@bp.errorhandler(NotFound)
def _not_found(_error: NotFound) -> tuple[str, int]:
    return error_page(404, translate(_MESSAGES[404]))


@bp.errorhandler(NotAllowed)
def _not_allowed(error: NotAllowed) -> tuple[str, int]:
    return error_page(403, translate(error.message))


@bp.errorhandler(InvalidValue)
def _invalid(error: InvalidValue) -> tuple[str, int]:
    return error_page(422, translate(error.message))


@bp.errorhandler(DomainError)
def _refused(error: DomainError) -> tuple[str, int]:
    return error_page(409, translate(error.message))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    return error_page(status, translate(_MESSAGES.get(status, error.description or "")))


@bp.errorhandler(Exception)
def _unexpected(_error: Exception) -> tuple[str, int]:
    log.exception("unexpected error in %s %s", request.method, loggable_path(request.path))
    return error_page(500, translate(_UNEXPECTED))


@bp.app_template_filter("money")
def _money(value: Any) -> str:
    return amount_text(value, language())


@bp.app_template_filter("day")
def _day(value: Any) -> str:
    return day_text(value, language())


@bp.app_template_filter("translated")
def _translated(message: str) -> str:
    """A message of the domain (such as why the financing is at risk) in the page's language."""
    return translate(message)


@bp.app_template_filter("number")
def _number(value: Any) -> str:
    return number_text(value, language())


@bp.app_context_processor
def _page_globals() -> dict[str, Any]:
    return {"page_language": language(), "account": g.get("account")}


register_words(bp)
