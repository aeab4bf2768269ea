"""The consortium's webhook: reminders are also posted there as signed JSON, retried until the
receiver takes them, once each; a removed webhook gets nothing more. Only public addresses are
posted to, checked again at every delivery, and a redirect is not followed. The receiver is a
real HTTP(S) server started by the test (tests/workers/receiver.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from consortium.errors import InvalidValue
from consortium.reminders import WEBHOOK
from events.configuration import Settings
from events.reminders import Due
from tests.dns import PUBLIC_ADDRESS, FakeDns
from tests.workers.receiver import (
    LOOPBACK,
    RECEIVER,
    Receiver,
    receiving,
    rules_for_receiver,
    trusting_test_ca,
)
from tests.workers.support import TODAY, RecordingMailer, World, days, free_port
from workers.delivery import deliver
from workers.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    WebhookClient,
    WebhookFailed,
    WebhookRefused,
)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def dns() -> FakeDns:
    return FakeDns({RECEIVER: [LOOPBACK]})


@pytest.fixture
def port(receiver: Receiver) -> Iterator[int]:
    with receiving(receiver) as port:
        yield port


@pytest.fixture
def hook_url(world: World, dns: FakeDns, port: int) -> str:
    """The receiver's address, which the world's rules allow."""
    world.store.reminders.webhook_addresses = rules_for_receiver(dns)
    return f"http://{RECEIVER}:{port}/hooks/consortium"


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


# -- only public addresses, checked at every delivery --------------------------------------------


def last_error(world: World, due: Due) -> str | None:
    return world.reminder(due.key).last_error


@pytest.mark.parametrize(
    "answers_now",
    [[LOOPBACK], [PUBLIC_ADDRESS, LOOPBACK], ["::ffff:127.0.0.1"]],
    ids=["loopback", "public-and-loopback", "ipv4-mapped-loopback"],
)
def test_a_name_that_resolves_to_loopback_at_delivery_is_refused_though_http_is_allowed_for_it(
    world: World, receiver: Receiver, port: int, answers_now: list[str]
) -> None:
    dns = FakeDns({"rebound.example": [PUBLIC_ADDRESS]})  # public when the webhook is set
    allowed = Settings.given(webhook_allow_http_hosts="rebound.example").webhook_addresses()
    world.store.reminders.webhook_addresses = replace(allowed, resolver=dns)
    due, _ = webhook_due(world, f"http://rebound.example:{port}/hooks")
    dns.names["rebound.example"] = answers_now  # and then it points at the service's own host

    with pytest.raises(WebhookFailed):
        deliver(world.store, RecordingMailer(), due, claim="worker-1")

    assert (receiver.requests, last_error(world, due)) == ([], "refused: address not allowed")


def test_the_post_goes_to_the_address_checked_without_looking_the_name_up_again(
    world: World, hook_url: str, receiver: Receiver, port: int, dns: FakeDns
) -> None:
    due, _ = webhook_due(world, hook_url)
    dns.lookups.clear()

    deliver(world.store, RecordingMailer(), due, claim="worker-1")

    # receiver.test exists only in the tests' DNS: reaching it proves the connection went to
    # the address checked; the Host header still names the webhook's host.
    ((headers, _),) = receiver.accepted
    assert (dns.lookups, headers["Host"]) == ([RECEIVER], f"{RECEIVER}:{port}")


def test_http_no_longer_allowed_for_the_host_is_refused_at_delivery(
    world: World, hook_url: str, receiver: Receiver, dns: FakeDns
) -> None:
    due, _ = webhook_due(world, hook_url)
    world.store.reminders.webhook_addresses = replace(
        rules_for_receiver(dns), allow_http_hosts=frozenset()
    )

    with pytest.raises(WebhookFailed):
        deliver(world.store, RecordingMailer(), due, claim="worker-1")

    assert (receiver.requests, last_error(world, due)) == ([], "refused: https required")


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed_and_is_recorded_as_a_failure(
    world: World, hook_url: str, receiver: Receiver, port: int, status: int
) -> None:
    due, _ = webhook_due(world, hook_url)
    receiver.status = status
    receiver.location = f"http://{RECEIVER}:{port}/elsewhere"

    with pytest.raises(WebhookRefused):
        deliver(world.store, RecordingMailer(), due, claim="worker-1")

    assert len(receiver.requests) == 1
    assert last_error(world, due) == f"answered {status} (redirects are not followed)"


# -- https: the certificate is checked for the name, the connection goes to the checked address


@pytest.fixture
def tls_port(receiver: Receiver) -> Iterator[int]:
    with receiving(receiver, tls=True) as port:
        yield port


def test_an_https_webhook_is_posted_with_the_certificate_checked_for_its_host_name(
    world: World, receiver: Receiver, tls_port: int, dns: FakeDns
) -> None:
    world.store.reminders.webhook_addresses = rules_for_receiver(dns)
    due, _ = webhook_due(world, f"https://{RECEIVER}:{tls_port}/hooks")
    client = WebhookClient(world.store.reminders.webhook_addresses, tls=trusting_test_ca())

    delivered = deliver(world.store, RecordingMailer(), due, claim="worker-1", webhooks=client)

    ((headers, _),) = receiver.accepted
    assert (delivered, headers["Host"]) == (True, f"{RECEIVER}:{tls_port}")


def test_an_https_receiver_whose_certificate_names_another_host_is_a_tls_error(
    world: World, receiver: Receiver, tls_port: int
) -> None:
    dns = FakeDns(
        {"other.test": [LOOPBACK]}
    )  # the same server, whose certificate is for receiver.test
    world.store.reminders.webhook_addresses = replace(rules_for_receiver(dns), resolver=dns)
    due, _ = webhook_due(world, f"https://other.test:{tls_port}/hooks")
    client = WebhookClient(world.store.reminders.webhook_addresses, tls=trusting_test_ca())

    with pytest.raises(WebhookFailed):
        deliver(world.store, RecordingMailer(), due, claim="worker-1", webhooks=client)

    assert (receiver.requests, last_error(world, due)) == ([], "TLS error")


def test_an_https_receiver_with_a_certificate_nobody_trusts_is_a_tls_error(
    world: World, receiver: Receiver, tls_port: int, dns: FakeDns
) -> None:
    world.store.reminders.webhook_addresses = rules_for_receiver(dns)
    due, _ = webhook_due(world, f"https://{RECEIVER}:{tls_port}/hooks")

    with pytest.raises(WebhookFailed):
        deliver(world.store, RecordingMailer(), due, claim="worker-1")  # the system's CAs

    assert (receiver.requests, last_error(world, due)) == ([], "TLS error")


# -- what a failure is recorded as: its kind, never the error's own words ------------------------


def test_a_receiver_that_answers_500_is_recorded_as_answered_500(
    world: World, hook_url: str, receiver: Receiver
) -> None:
    due, _ = webhook_due(world, hook_url)
    receiver.refuse = 1

    with pytest.raises(WebhookRefused):
        deliver(world.store, RecordingMailer(), due, claim="worker-1")

    assert last_error(world, due) == "answered 500"


def test_a_port_nobody_listens_on_is_recorded_as_unreachable(world: World, dns: FakeDns) -> None:
    world.store.reminders.webhook_addresses = rules_for_receiver(dns)
    due, _ = webhook_due(world, f"http://{RECEIVER}:{free_port()}/hooks")

    with pytest.raises(WebhookFailed):
        deliver(world.store, RecordingMailer(), due, claim="worker-1")

    assert last_error(world, due) == "unreachable"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    with socket.create_server((LOOPBACK, 0)) as server:
        held: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            server.settimeout(0.1)
            while not stop.is_set():
                try:
                    held.append(server.accept()[0])
                except TimeoutError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        yield server.getsockname()[1]
        stop.set()
        thread.join()
        for connection in held:
            connection.close()


def test_a_receiver_that_does_not_answer_in_time_is_recorded_as_timed_out(
    world: World, dns: FakeDns, silent_port: int
) -> None:
    world.store.reminders.webhook_addresses = rules_for_receiver(dns)
    due, _ = webhook_due(world, f"http://{RECEIVER}:{silent_port}/hooks")
    client = WebhookClient(world.store.reminders.webhook_addresses, timeout=0.2)

    with pytest.raises(WebhookFailed):
        deliver(world.store, RecordingMailer(), due, claim="worker-1", webhooks=client)

    assert last_error(world, due) == "timed out"
