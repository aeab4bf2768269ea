"""An account's calendar feed at its secret address, for calendar apps that send no header:
every open checkpoint of the consortia that account may see. A wrong, renewed or closed
secret, or a deactivated account, answers 404; the address is kept out of the logs
(``events.logs``)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, g

from events.caller import Caller
from events.milestones import DUE_SOON_DAYS
from web.api.checkpoints import FEED_DAYS, ICS
from web.auth import store
from web.calendar import checkpoint_calendar

bp = Blueprint("calendar_feed", __name__)
MAX_SECRET_LENGTH = 200


@bp.route("/calendar/<string:secret>.ics")
def account_feed(secret: str) -> Response:
    key = current_app.config["SECRET_KEY"]
    account = (
        store().accounts.calendar_feed_account(secret, key)
        if len(secret) <= MAX_SECRET_LENGTH
        else None
    )
    if account is None:
        abort(404)
    caller = Caller(
        actor=account.email,
        request_id=g.request_id,
        is_admin=account.is_admin,
        may_found=account.may_found,
    )
    checkpoints = store().read.checkpoints(
        caller.principal,
        today=store().consortia.today(),
        due_within_days=FEED_DAYS,
        soon_days=DUE_SOON_DAYS,
    )
    body = checkpoint_calendar(
        checkpoints,
        name="Validatiemomenten",
        base_url=current_app.config["BASE_URL"],
        now=store().consortia.clock(),
    )
    return Response(
        body,
        mimetype=ICS,
        headers={
            "Content-Disposition": "inline; filename=checkpoints.ics",
            "Cache-Control": "private, no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


def init_calendar_feed(app: Flask) -> None:
    app.register_blueprint(bp)
