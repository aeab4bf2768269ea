"""Warnings that arrive in time: when a running consortium's pledges no longer reach far enough
ahead, its programme managers and funders get one warning each (a real SMTP server, a real
store on SQLite and PostgreSQL), once per change of state: a second scan sends nothing, a
consortium secured and then at risk again warns again. The scan judges by the clock, so the
year rolling over is enough to put a consortium at risk."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from typing import Final

import pytest
import redis

from consortium.access import Role
from consortium.aggregate import Consortium
from consortium.money import Money
from consortium.phases import Phase
from consortium.reminders import WEBHOOK
from events.bootstrap import open_store
from events.caller import Caller
from events.readmodel import financing
from events.readmodel.recorders import Tx
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.dns import FakeDns
from tests.workers.celery_support import REDIS_URL, Workers, settled
from tests.workers.receiver import LOOPBACK, RECEIVER, Receiver, receiving, rules_for_receiver
from tests.workers.support import (
    FUNDER_ACCOUNT,
    LEAD_CONTACT,
    PM,
    SECOND_PM,
    TODAY,
    RecordingMailer,
    SmtpSink,
    World,
    deliver_all,
    found_with_people,
    text_parts,
    wait_until,
)
from workers.delivery import deliver
from workers.embedded import send_due
from workers.mail import SmtpMailer
from workers.tasks import scan_due_reminders

THIS_YEAR: Final = TODAY.year
NEW_YEAR: Final = date(THIS_YEAR + 1, 1, 1)
LATER_PM: Final = "opvolger@utrecht.example"


@pytest.fixture
def mailer(smtp_port: int) -> SmtpMailer:
    return SmtpMailer(f"smtp://127.0.0.1:{smtp_port}", timeout=10)


def in_pilot_pledged_through(world: World, last_year: int) -> None:
    """The lead pledges 10,000 euro a year from this year through ``last_year``; the consortium
    then moves on to its pilot."""
    for year in range(THIS_YEAR, last_year + 1):
        world.store.consortia.pledge(
            world.consortium_id,
            member_id=world.lead_id,
            year=year,
            amount=euro("10000.00"),
            reason=None,
            caller=world.caller,
        )
    world.store.consortia.move_to_phase(
        world.consortium_id, Phase.PILOT, reason=None, caller=world.caller
    )


def euro(amount: str) -> Money:
    return Money(Decimal(amount))


def warnings(messages: list[EmailMessage]) -> list[EmailMessage]:
    return [m for m in messages if "Financ" in str(m["Subject"])]


def warnings_to(sink: SmtpSink, recipient: str) -> list[EmailMessage]:
    return [m for m in warnings(sink.accepted) if m["To"] == recipient]


def facts(world: World) -> list[str]:
    """The financing judgements the consortium's history records, oldest first."""
    kinds = (Consortium.FinancingAtRisk, Consortium.FinancingSecured)
    return [
        type(e).__name__
        for e in world.store.consortia.events.get(world.consortium_id)
        if isinstance(e, kinds)
    ]


def test_a_programme_manager_gets_one_warning_when_the_horizon_shrinks_below_two_years(
    world: World, sink: SmtpSink, mailer: SmtpMailer
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR + 1)
    send_due(world.store, mailer)
    assert warnings(sink.accepted) == []

    world.go_to(NEW_YEAR)
    send_due(world.store, mailer)
    send_due(world.store, mailer)

    assert len(warnings_to(sink, PM)) == 1
    assert facts(world) == ["FinancingAtRisk"]


def test_a_tranche_due_next_year_beyond_its_pledges_warns_without_a_financing_plan(
    world: World, sink: SmtpSink, mailer: SmtpMailer
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR + 1)
    send_due(world.store, mailer)
    assert warnings(sink.accepted) == []

    world.store.consortia.plan_milestone(
        world.consortium_id,
        title="Opschalen",
        due_date=date(THIS_YEAR + 1, 6, 1),
        description=None,
        questions=None,
        tranche=euro("30000.00"),
        closes_phase=None,
        responsible_member_ids=None,
        caller=world.caller,
    )
    send_due(world.store, mailer)

    assert len(warnings_to(sink, PM)) == 1
    assert facts(world) == ["FinancingAtRisk"]


def test_programme_managers_and_funders_are_warned_and_the_members_contacts_are_not(
    world: World, sink: SmtpSink, mailer: SmtpMailer
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)

    send_due(world.store, mailer)

    assert sorted(m["To"] for m in warnings(sink.accepted)) == sorted(
        [PM, SECOND_PM, FUNDER_ACCOUNT]
    )
    assert warnings_to(sink, LEAD_CONTACT) == []


def test_the_warning_says_why_in_the_readers_language(
    world: World, sink: SmtpSink, mailer: SmtpMailer
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)

    send_due(world.store, mailer)

    (english,) = warnings_to(sink, PM)  # PM reads English
    (dutch,) = warnings_to(sink, SECOND_PM)  # no account: Dutch
    assert english["Subject"] == "Financing at risk: Langer thuis in de wijk"
    assert dutch["Subject"] == "Financiering in gevaar: Langer thuis in de wijk"
    assert (
        f"The pledges cover 1 year from {THIS_YEAR}; 2 are needed."
        in (text_parts(english)["text/plain"])
    )
    assert (
        f"De toezeggingen dekken 1 jaar vanaf {THIS_YEAR}; er zijn er 2 nodig."
        in (text_parts(dutch)["text/plain"])
    )
    page = f"/consortia/{world.consortium_id}/budget#chart-horizon-heading"
    assert page in text_parts(dutch)["text/html"]


def test_at_risk_then_secured_then_at_risk_again_sends_two_warnings(
    world: World, sink: SmtpSink, mailer: SmtpMailer
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)
    send_due(world.store, mailer)
    world.store.consortia.pledge(
        world.consortium_id,
        member_id=world.lead_id,
        year=THIS_YEAR + 1,
        amount=euro("10000.00"),
        reason=None,
        caller=world.caller,
    )
    send_due(world.store, mailer)
    world.store.consortia.watch_financing(
        world.consortium_id, years_ahead=3, gap_threshold=euro("0.00"), caller=world.caller
    )

    send_due(world.store, mailer)
    send_due(world.store, mailer)

    assert facts(world) == ["FinancingAtRisk", "FinancingSecured", "FinancingAtRisk"]
    assert len(warnings_to(sink, PM)) == 2
    assert len({m["Message-ID"] for m in warnings_to(sink, PM)}) == 2


def test_a_warning_not_yet_delivered_when_the_financing_is_secured_is_not_sent(
    world: World,
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)
    found = [d for d in world.scan() if d.key.startswith("financing/")]
    world.store.consortia.pledge(
        world.consortium_id,
        member_id=world.lead_id,
        year=THIS_YEAR + 1,
        amount=euro("10000.00"),
        reason=None,
        caller=world.caller,
    )
    world.scan()  # judges it secured
    mailer = RecordingMailer()

    deliver_all(world, found, mailer)

    assert found
    assert mailer.sent == []
    cancelled = world.store.consortia.reminder(world.consortium_id, found[0].key)
    assert cancelled.cancel_reason == "the financing was secured again"


def test_those_warned_are_who_held_the_role_when_the_financing_came_at_risk(
    world: World,
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)
    first = world.scan()
    world.store.consortia.grant_role(
        world.consortium_id,
        account=LATER_PM,
        role=Role.PROGRAMME_MANAGER,
        member_id=None,
        caller=world.caller,
    )

    again = world.scan()

    assert sorted(d.key.rsplit("/", 1)[1] for d in first) == sorted([PM, SECOND_PM, FUNDER_ACCOUNT])
    assert again == []


def test_without_a_webhook_the_warning_goes_to_people_only(world: World) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)

    keys = [d.key for d in world.scan()]

    assert sorted(k.rsplit("/", 1)[1] for k in keys) == sorted([PM, SECOND_PM, FUNDER_ACCOUNT])


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def hook_url(world: World, receiver: Receiver) -> Iterator[str]:
    """A real receiver's address, which the world's rules allow."""
    world.store.reminders.webhook_addresses = rules_for_receiver(FakeDns({RECEIVER: [LOOPBACK]}))
    with receiving(receiver) as port:
        yield f"http://{RECEIVER}:{port}/hooks/consortium"


def test_a_webhook_gets_the_warning_once_as_json_facts(
    world: World, hook_url: str, receiver: Receiver
) -> None:
    world.store.reminders.set_webhook(world.consortium_id, hook_url, caller=world.caller)
    in_pilot_pledged_through(world, THIS_YEAR)
    (due,) = [d for d in world.scan() if d.key.endswith(f"/{WEBHOOK}")]

    deliver(world.store, RecordingMailer(), due, claim="worker-1")
    deliver(world.store, RecordingMailer(), due, claim="worker-2")

    ((_, body),) = receiver.accepted
    payload = json.loads(body)
    assert payload["type"] == "financing.at_risk"
    assert (payload["financing"]["years_covered"], payload["financing"]["years_ahead"]) == (1, 2)
    assert payload["consortium"]["id"] == str(world.consortium_id)


def test_a_finished_consortium_warns_nobody(world: World) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)
    world.stop()

    assert world.scan() == []
    assert facts(world) == []


def test_two_scans_at_once_record_the_change_once_and_schedule_each_warning_once(
    world: World, settings: StoreSettings, clock: StepClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_pilot_pledged_through(world, THIS_YEAR)
    world.store.read.start_following()
    other = open_store(settings, clock)  # another process of the service, on the same database
    # Force the race: each scan reads the standings and waits for the other to have read them
    # too, so both find the consortium not yet judged at risk and go on to judge it.
    barrier = threading.Barrier(2, timeout=20)
    read_standings = financing.standings

    def read_then_wait(tx: Tx, this_year: int) -> list[financing.Standing]:
        found = read_standings(tx, this_year)
        barrier.wait()
        return found

    monkeypatch.setattr(financing, "standings", read_then_wait)
    try:
        with ThreadPoolExecutor(2) as pool:
            scans = [pool.submit(s.reminders.scan) for s in (world.store, other)]
            dues = [due for scan in scans for due in scan.result()]
    finally:
        other.close()

    assert facts(world) == ["FinancingAtRisk"]
    assert sorted(d.key.rsplit("/", 1)[1] for d in dues) == sorted([PM, SECOND_PM, FUNDER_ACCOUNT])


def test_the_beat_scan_run_twice_by_a_celery_worker_warns_each_person_once(
    workers: Workers,
    queue: str,
    sink: SmtpSink,
    redis_client: redis.Redis,
    worker_database: StoreSettings,
    caller: Caller,
) -> None:
    # The workers run on the real clock: pledged for this (real) year only, in its pilot.
    store = open_store(worker_database)
    try:
        consortium_id, lead_id, _ = found_with_people(store, caller)
        store.consortia.pledge(
            consortium_id,
            member_id=lead_id,
            year=store.consortia.today().year,
            amount=euro("10000.00"),
            reason=None,
            caller=caller,
        )
        store.consortia.move_to_phase(consortium_id, Phase.PILOT, reason=None, caller=caller)
    finally:
        store.close()
    worker = workers.start()

    with scan_due_reminders.app.connection_for_write(REDIS_URL) as connection:
        scan_due_reminders.apply_async(queue=queue, connection=connection)
        scan_due_reminders.apply_async(queue=queue, connection=connection)

    assert wait_until(lambda: len(warnings(sink.accepted)) >= 3), worker.log
    assert wait_until(lambda: settled(redis_client, queue)), worker.log
    assert sorted(m["To"] for m in warnings(sink.accepted)) == sorted(
        [PM, SECOND_PM, FUNDER_ACCOUNT]
    )
