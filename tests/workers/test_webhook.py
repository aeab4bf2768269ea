"""The consortium's webhook: reminders are also posted there as signed JSON, retried until the
receiver takes them, once each; a removed webhook gets nothing more. The receiver is a real
HTTP server started by the test."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from consortium.errors import InvalidValue
from consortium.reminders import WEBHOOK
from events.reminders import Due
from tests.workers.support import TODAY, RecordingMailer, World, days
from workers.delivery import deliver
from workers.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, WebhookRefused


@dataclass
class Receiver:
    """What the webhook's server received; it answers 500 to the first ``refuse`` requests."""

    refuse: int = 0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    accepted: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def hook_url(receiver: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with receiver.lock:
                receiver.requests.append((dict(self.headers), body))
                refused = len(receiver.requests) <= receiver.refuse
                if not refused:
                    receiver.accepted.append((dict(self.headers), body))
            self.send_response(500 if refused else 204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/consortium"
    server.shutdown()
    server.server_close()


def webhook_due(world: World, url: str) -> tuple[Due, str]:
    """Set the webhook, plan a checkpoint due in 3 days, scan: the webhook's reminder and key."""
    _, key = world.store.reminders.set_webhook(world.consortium_id, url, caller=world.caller)
    world.plan(TODAY + days(3))
    (due,) = [d for d in world.scan() if d.key.endswith(f"/{WEBHOOK}")]
    return due, key


def test_a_reminder_is_posted_to_the_webhook_as_json_with_its_checkpoint(
    world: World, hook_url: str, receiver: Receiver
) -> None:
    due, _ = webhook_due(world, hook_url)

    deliver(world.store, RecordingMailer(), due, claim="worker-1")

    ((_, body),) = receiver.accepted
    payload = json.loads(body)
    assert (payload["type"], payload["step"], payload["milestone"]["due_date"]) == (
        "checkpoint.reminder",
        3,
        (TODAY + days(3)).isoformat(),
    )
    assert [q["key"] for q in payload["milestone"]["questions"]] == [
        "works",
        "next_step",
        "infrastructure",
    ]


def test_the_body_is_signed_with_the_key_shown_when_the_webhook_was_set(
    world: World, hook_url: str, receiver: Receiver
) -> None:
    due, key = webhook_due(world, hook_url)

    deliver(world.store, RecordingMailer(), due, claim="worker-1")

    ((headers, body),) = receiver.accepted
    expected = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected


def test_a_receiver_that_fails_twice_gets_the_reminder_once_on_the_third_try(
    world: World, hook_url: str, receiver: Receiver
) -> None:
    due, _ = webhook_due(world, hook_url)
    receiver.refuse = 2

    for _ in range(2):  # what the task's retries do: the same reminder, the same claim
        with pytest.raises(WebhookRefused):
            deliver(world.store, RecordingMailer(), due, claim="task-1")
    sent = deliver(world.store, RecordingMailer(), due, claim="task-1")
    again = deliver(world.store, RecordingMailer(), due, claim="task-1")

    assert (sent, again, len(receiver.accepted), len(receiver.requests)) == (True, False, 1, 3)


def test_every_try_names_the_same_delivery_so_the_receiver_can_drop_repeats(
    world: World, hook_url: str, receiver: Receiver
) -> None:
    due, _ = webhook_due(world, hook_url)
    receiver.refuse = 1

    with pytest.raises(WebhookRefused):
        deliver(world.store, RecordingMailer(), due, claim="task-1")
    deliver(world.store, RecordingMailer(), due, claim="task-1")

    assert len({headers[DELIVERY_HEADER] for headers, _ in receiver.requests}) == 1


def test_a_webhook_removed_before_delivery_gets_nothing_and_the_reminder_is_cancelled(
    world: World, hook_url: str, receiver: Receiver
) -> None:
    due, _ = webhook_due(world, hook_url)
    world.store.reminders.remove_webhook(world.consortium_id, caller=world.caller)

    sent = deliver(world.store, RecordingMailer(), due, claim="worker-1")

    reminder = world.reminder(due.key)
    assert (sent, receiver.requests, reminder.cancel_reason) == (
        False,
        [],
        "the webhook was removed",
    )


def test_changing_the_webhook_gives_a_new_key(world: World, hook_url: str) -> None:
    reminders = world.store.reminders
    first, first_key = reminders.set_webhook(world.consortium_id, hook_url, caller=world.caller)
    second, second_key = reminders.set_webhook(
        world.consortium_id, hook_url + "/v2", caller=world.caller
    )

    assert (second.key_version, second_key != first_key) == (first.key_version + 1, True)


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "not a url", "https://"])
def test_a_webhook_is_an_http_address(world: World, url: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        world.store.reminders.set_webhook(world.consortium_id, url, caller=world.caller)

    assert refused.value.field == "url"


def test_without_a_webhook_no_reminder_goes_to_one(world: World) -> None:
    world.plan(TODAY + days(3))

    assert [d for d in world.scan() if d.key.endswith(f"/{WEBHOOK}")] == []
