"""The README's first steps run as written, on any day, against the real service (`consortium
serve` on a SQLite file of its own, as ``./scripts/serve`` runs it), and show only fields the
API has: the commands run unchanged with the reader's ``T`` (the token) and ``C`` (the address
the first one answered); only the port is the test's own."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from tests.service import Service, consortium, environment, running

pytestmark = pytest.mark.slow

README: Final = Path(__file__).resolve().parent.parent / "README.md"
ADDRESS: Final = "http://127.0.0.1:8000"
_CURL_BODY: Final = re.compile(r"-X (POST|PUT|PATCH) (\S+)(?:.|\n)*?-d '([^']*)'")


def first_steps() -> str:
    text = README.read_text()
    return text[text.index("## First steps") : text.index("\n## ", text.index("## First steps"))]


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", first_steps(), re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("first-steps")


@pytest.fixture(scope="module")
def service(workdir: Path) -> Iterator[Service]:
    with running(environment(), workdir, workers=1) as service:
        yield service


@pytest.fixture(scope="module")
def token(service: Service, workdir: Path) -> str:
    """An administrator's, as ./scripts/serve prints it."""
    printed = consortium(
        environment(), workdir, "token", "create", "--email", "a@b.example", "--admin"
    )
    return printed.strip()


@pytest.fixture(scope="module")
def document(service: Service) -> dict[str, Any]:
    body: dict[str, Any] = service.request("GET", "/api/v1/openapi.json").json()
    return body


def run(block: str, service: Service, **variables: str) -> str:
    """A block of the README in bash, as a reader runs it (stopping at a failing command)."""
    script = block.replace(ADDRESS, f"http://127.0.0.1:{service.port}")
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def answers(output: str) -> list[dict[str, Any]]:
    """The JSON answers curl printed, one per line."""
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def founded(service: Service, token: str) -> str:
    """The first step's output: the status line, headers and body of the founding."""
    return run(blocks("sh")[0], service, T=token)


def test_founding_answers_201_with_the_location_of_the_consortium(founded: str) -> None:
    status, *lines = founded.replace("\r\n", "\n").split("\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)}

    assert status.split()[1] == "201"
    assert headers["location"] == f"/api/v1/consortia/{answers(founded)[0]['id']}"


def test_the_next_steps_read_the_consortium_as_it_stood_before_the_pilot(
    service: Service, token: str, founded: str
) -> None:
    location = re.search(r"^Location: (\S+)", founded, re.MULTILINE | re.IGNORECASE)
    assert location
    address = f"http://127.0.0.1:{service.port}{location.group(1)}"

    member, pilot, then, history = answers(run(blocks("sh")[1], service, T=token, C=address))

    assert (member["party"], pilot["phase"], then["phase"]) == (
        "Gemeente Utrecht",
        "pilot",
        "exploration",
    )
    assert [m["party"] for m in then["members"]] == ["Gemeente Utrecht"]
    assert [e["type"] for e in history["items"]][-2:] == ["MemberAdmitted", "PhaseChanged"]


def test_the_answer_shown_has_exactly_the_fields_of_a_consortium(document: dict[str, Any]) -> None:
    (shown,) = blocks("http")
    body = json.loads(shown.split("\n\n", 1)[1])

    assert set(body) == set(document["components"]["schemas"]["ConsortiumOut"]["properties"])


def test_every_field_sent_is_a_field_of_its_request(document: dict[str, Any]) -> None:
    sent = [
        (path, json.loads(body))
        for block in blocks("sh")
        for _, path, body in _CURL_BODY.findall(block)
    ]

    assert len(sent) == 3
    for address, body in sent:
        assert set(body) <= set(_request_fields(document, address)), address


def _request_fields(document: dict[str, Any], address: str) -> dict[str, Any]:
    path = re.sub(r"^(https?://[^/]+)?", "", address.replace("$C", "/api/v1/consortia/{id}"))
    for template, item in document["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", r"[^/]+", template)
        if re.fullmatch(pattern, path) and "post" in item:
            schema = item["post"]["requestBody"]["content"]["application/json"]["schema"]
            name = schema["$ref"].rsplit("/", 1)[1]
            properties: dict[str, Any] = document["components"]["schemas"][name]["properties"]
            return properties
    raise AssertionError(f"no POST at {path}")
