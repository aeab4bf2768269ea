"""Logging in and out with an e-mail address and password, and choosing the page's language.
Wrong passwords count against the same limits as the API's (web/ratelimit.py)."""

from __future__ import annotations

import logging
from typing import Final

from flask import Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from web.auth import password_account
from web.i18n import LANGUAGES, translate
from web.pages.blueprint import bp, safe_next
from web.pages.forms import LoginForm
from web.pages.session import choose_language, log_in, log_out
from web.ratelimit import login_blocked, too_many_failed_logins

log = logging.getLogger(__name__)
_NO_MATCH: Final = "This e-mail address and password do not match an account."


def _too_many(refused: Response) -> ResponseReturnValue:
    wait = refused.headers.get("Retry-After", "60")
    message = translate(
        f"Too many failed attempts from this address or for this account; "
        f"try again in {wait} seconds."
    )
    body = render_template("pages/error.html", status=429, message=message)
    return body, 429, {"Retry-After": wait}


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if g.get("account") is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip()
        refused = login_blocked(request.remote_addr, email)
        if refused is not None:
            return _too_many(refused)
        account = password_account(email, form.password.data)
        if account is not None:
            log_in(account)
            return redirect(safe_next(request.args.get("next")))
        refused = too_many_failed_logins(request.remote_addr, email)
        # Never the address tried nor the password; the request id ties this to the visitor.
        log.warning(
            "rejected password on the login page from %s (request %s)%s",
            request.remote_addr,
            g.request_id,
            "" if refused is None else ", answered 429: too many failures",
        )
        if refused is not None:
            return _too_many(refused)
        form.form_errors.append(translate(_NO_MATCH))
        status = 401
    elif form.errors:
        status = 422
    return render_template("pages/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    log_out()
    return redirect(url_for("pages.login"))


@bp.route("/language", methods=["POST"])
def choose_language_view() -> ResponseReturnValue:
    chosen = request.form.get("language", "")
    if chosen in LANGUAGES:
        choose_language(chosen)
    return redirect(safe_next(request.form.get("next")))
