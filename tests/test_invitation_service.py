"""The whole way on the real server (`consortium serve` on the embedded default, its scanner
sending mail to var/outbox/): a programme manager invites an officer, the officer sets a
password with the address in the mail, makes a token with it, finds their member on /me and
pledges; the service logs JSON lines that say who did what where, and none holds a secret of
the story: the invitation's, the password, either token, not even from malformed requests."""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.error
import urllib.request
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final

import pytest

from tests.service import START_SECONDS, Response, Service, consortium, environment, running

pytestmark = pytest.mark.slow

PASSWORD: Final = "correct horse battery staple"
OFFICER: Final = "officer@zeist.example"
LINK: Final = re.compile(r"/api/v1/invitations/(inv_[A-Za-z0-9_-]+)")


def mailed(outbox: Path) -> EmailMessage:
    """The first mail in the outbox, once the scanner wrote it."""
    deadline = time.monotonic() + START_SECONDS
    while not list(outbox.glob("*.eml")):
        assert time.monotonic() < deadline, "no mail in the outbox"
        time.sleep(0.1)
    (path,) = outbox.glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def with_password(service: Service, path: str, email: str, password: str) -> Response:
    pair = base64.b64encode(f"{email}:{password}".encode()).decode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{service.port}{path}",
        data=b"{}",
        headers={"Authorization": f"Basic {pair}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - http://
            return Response(answer.status, dict(answer.headers), answer.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read())


def test_an_invited_officer_gets_in_and_pledges_on_the_real_server(tmp_path: Path) -> None:
    env = environment(CONSORTIUM_SCAN_INTERVAL="1")
    with running(env, tmp_path, workers=1) as service:
        pm = consortium(env, tmp_path, "token", "create", "--email", "pm@x.example", "--admin")
        pm = pm.strip()
        founded = service.request("POST", "/api/v1/consortia", pm, {"name": "N", "challenge": "C"})
        c = founded.json()["id"]
        member = service.request(
            "POST",
            f"/api/v1/consortia/{c}/members",
            pm,
            {"party": "Gemeente Zeist", "sector": "municipality", "role": "partner"},
        ).json()["id"]
        invited = service.request(
            "POST",
            f"/api/v1/consortia/{c}/invitations",
            pm,
            {"email": OFFICER, "role": "member_representative", "member_id": member},
        )
        part = mailed(tmp_path / "var" / "outbox").get_body(("plain",))
        assert part is not None
        found_link = LINK.search(str(part.get_content()))
        assert found_link is not None
        secret = found_link.group(1)

        accepted = service.request(
            "POST", f"/api/v1/invitations/{secret}/accept", body={"password": PASSWORD}
        )
        issued = with_password(service, "/api/v1/tokens", OFFICER, PASSWORD)
        token = issued.json()["token"]
        me = service.request("GET", "/api/v1/me", token).json()
        pledged = service.request(
            "POST",
            f"/api/v1/consortia/{c}/commitments",
            token,
            {"member_id": me["roles"][0]["member_id"], "year": 2026, "amount": "1000.00"},
        )
        # Secrets where they do not belong: in a request line gunicorn cannot read, beside a
        # header it refuses, in a query.
        service.raw(f"GET /api/v1/me?access_token={token} HTTP/9\r\n\r\n".encode())
        bad_header = f"GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer {pm}\r\nBad Header: y\r\n"
        service.raw(f"{bad_header}\r\n".encode())
        service.request("GET", f"/api/v1/consortia?q={token}", pm)
        service.request("GET", "/api/v1/openapi.json")  # a line after them: they were written
        log = service.log()

    assert invited.status == 201
    assert (accepted.status, issued.status, pledged.status) == (200, 201, 201)
    assert me["roles"][0]["party"] == "Gemeente Zeist"
    for kept_out in (secret, PASSWORD, token, pm):
        assert kept_out not in log
    lines = json_lines(log)
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(a["path"] == "/api/v1/invitations/***/accept" for a in access)
    (pledge_line,) = [a for a in access if a.get("request_id") == pledged.headers["X-Request-ID"]]
    assert pledge_line["actor"] == OFFICER
    assert pledge_line["consortium_id"] == c
    assert pledge_line["route"] == "/api/v1/consortia/<uuid:consortium_id>/commitments"
    assert (pledge_line["method"], pledge_line["status"]) == ("POST", 201)
    assert pledge_line["duration_ms"] >= 0


def json_lines(log: str) -> list[dict[str, Any]]:
    """The log's lines after the start banner, each one JSON object."""
    lines = log.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("{"))
    return [json.loads(line) for line in lines[start:] if line.strip()]
