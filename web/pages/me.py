"""/me: one's account, roles and the members one acts for, each linked, so nobody needs an id."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from web.auth import current_account, store
from web.pages.blueprint import bp


@bp.route("/me")
def me() -> ResponseReturnValue:
    account = current_account()
    return render_template("pages/me.html", roles=store().read.held_roles(account.email))
