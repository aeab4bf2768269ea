"""The real server (`consortium serve`, gunicorn) on the embedded default, in a directory of its
own: what gunicorn answers by itself is problem+json, its access log holds no query values, and
the files the service makes under var/ are its user's alone."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from tests.service import Service, consortium, environment, running, wait_for

pytestmark = pytest.mark.slow

SECRET: Final = "SECRET123"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def service(workdir: Path) -> Iterator[Service]:
    with running(environment(), workdir, workers=2) as service:
        yield service


@pytest.fixture(scope="module")
def token(service: Service, workdir: Path) -> str:
    return consortium(environment(), workdir, "token", "create", "--email", "a@b.example").strip()


def status_and_body(answer: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


# -- what gunicorn answers by itself ---------------------------------------------------------


BAD_REQUESTS: Final = {
    "a request line that is no request line": (b"GARBAGE\r\n\r\n", 400),
    "an address too long": (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    "a header too large": (
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
        431,
    ),
    "too many headers": (
        b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(120)) + b"\r\n",
        431,
    ),
    "a header name with a space": (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400),
}


@pytest.mark.parametrize(("request_bytes", "status"), BAD_REQUESTS.values(), ids=BAD_REQUESTS)
def test_what_gunicorn_cannot_read_is_answered_with_its_status(
    service: Service, request_bytes: bytes, status: int
) -> None:
    line, _, _ = status_and_body(service.raw(request_bytes))

    assert line.split()[1] == str(status)


@pytest.mark.parametrize(("request_bytes", "status"), BAD_REQUESTS.values(), ids=BAD_REQUESTS)
def test_what_gunicorn_cannot_read_is_answered_as_problem_json(
    service: Service, request_bytes: bytes, status: int
) -> None:
    _, headers, body = status_and_body(service.raw(request_bytes))

    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == status


def test_an_unreadable_request_is_not_echoed_in_the_answer(service: Service) -> None:
    _, _, body = status_and_body(
        service.raw(f"GET /?access_token={SECRET} HTTP/9\r\n\r\n".encode())
    )

    assert SECRET not in body.decode()


# -- the access log --------------------------------------------------------------------------


def access_lines(service: Service) -> list[dict[str, Any]]:
    """The access lines written so far (JSON objects, one a line)."""
    lines = [json.loads(line) for line in service.log().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "gunicorn.access"]


def test_the_access_log_writes_a_querys_names_without_their_values(
    service: Service, token: str
) -> None:
    service.request("GET", f"/api/v1/consortia?access_token={SECRET}&limit=5", token)
    written = "/api/v1/consortia?access_token=***&limit=***"

    # The worker writes its access line after answering: wait for it, a loaded machine lags.
    wait_for(lambda: any(a["path"] == written for a in access_lines(service)), service, seconds=10)


def test_no_log_line_holds_a_secret_from_a_query(service: Service, token: str) -> None:
    service.request("GET", f"/api/v1/consortia?access_token={SECRET}", token)
    service.request("GET", f"/api/v1/consortia?q={SECRET}", token)
    service.raw(f"GET /api/v1/consortia?access_token={SECRET} HTTP/9\r\n\r\n".encode())
    service.raw(f"GET /?access_token={SECRET} HTTP/1.1\r\nBad Header: y\r\n\r\n".encode())
    service.request("GET", "/api/v1/openapi.json")  # a line after them: they were written

    assert SECRET not in service.log()


def test_the_access_log_never_holds_the_token(service: Service, token: str) -> None:
    service.request("GET", "/api/v1/consortia", token)

    assert token not in service.log()


def test_the_access_log_never_holds_an_invitations_secret(service: Service) -> None:
    secret = "inv_" + "0" * 32 + SECRET + "A" * (43 - len(SECRET))
    service.request("GET", f"/api/v1/invitations/{secret}")
    service.request("POST", f"/api/v1/invitations/{secret}/accept", body={"password": "p" * 12})
    service.request("GET", "/api/v1/openapi.json")  # a line after them: they were written

    assert SECRET not in service.log()
    accepted = [a for a in access_lines(service) if a["method"] == "POST"]
    assert any(a["path"] == "/api/v1/invitations/***/accept" for a in accepted)


def test_the_access_log_never_holds_a_calendar_feeds_secret(service: Service) -> None:
    secret = "cal_" + "0" * 32 + SECRET + "A" * (43 - len(SECRET))
    service.request("GET", f"/calendar/{secret}.ics")
    service.request("GET", "/api/v1/openapi.json")  # a line after it: it was written

    assert SECRET not in service.log()
    assert any(a["path"] == "/calendar/***.ics" for a in access_lines(service))


# -- files under var/ ------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_var_directory_is_its_users_alone(service: Service, token: str, workdir: Path) -> None:
    assert mode(workdir / "var") == 0o700


def test_every_file_the_service_made_under_var_is_its_users_alone(
    service: Service, token: str, workdir: Path
) -> None:
    service.request("POST", "/api/v1/consortia", token, {"name": "Wijk", "challenge": "Zorg"})
    files = [path for path in (workdir / "var").rglob("*") if path.is_file()]

    assert {f.name for f in files} >= {"consortium.sqlite3", "consortium.sqlite3-wal", "secret_key"}
    assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(0o600) for f in files}
