"""/me: one's account, roles and the members one acts for, each linked, so nobody needs an id;
and one's secret calendar-feed address, which one may renew or close."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.access import Role
from events.calendar_feeds import feed_secret
from web.auth import current_account, current_caller, store
from web.pages.blueprint import bp


@bp.route("/me")
def me() -> ResponseReturnValue:
    account = current_account()
    secret = feed_secret(account, current_app.config["SECRET_KEY"])
    feed = None
    if secret is not None:
        feed = current_app.config["BASE_URL"] + url_for("calendar_feed.account_feed", secret=secret)
    roles = store().read.held_roles(account.email)
    caller = current_caller()
    represented = dict.fromkeys(
        r.consortium_id for r in roles if r.role is Role.MEMBER_REPRESENTATIVE
    )
    outlooks = [o for c in represented for o in store().consortia.outlooks(c, caller)]
    return render_template("pages/me.html", roles=roles, feed=feed, outlooks=outlooks)


@bp.route("/me/calendar", methods=["POST"])
def renew_calendar_feed() -> ResponseReturnValue:
    """A new secret address for one's calendar feed; the previous one stops answering."""
    store().accounts.renew_calendar_feed(current_account().id, caller=current_caller())
    flash(_("Your calendar has a new address; the previous one no longer works."), "ok")
    return redirect(url_for("pages.me", _anchor="calendar"))


@bp.route("/me/calendar/close", methods=["POST"])
def close_calendar_feed() -> ResponseReturnValue:
    store().accounts.close_calendar_feed(current_account().id, caller=current_caller())
    flash(_("Your calendar address no longer works."), "ok")
    return redirect(url_for("pages.me", _anchor="calendar"))
