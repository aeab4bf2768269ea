"""Helpers of the reminder tests: a consortium with the people reminders concern, a clock moved
by whole days, a mailer that keeps what it is given, and a real SMTP server (aiosmtpd) that
counts what it accepts and can refuse or hold a message on demand."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Final
from uuid import UUID

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from consortium.access import Role
from consortium.accounts import Language
from consortium.members import MemberRole, Sector
from consortium.milestones import AnswerValue, Decision
from consortium.phases import Phase
from consortium.reminders import Reminder
from events.bootstrap import Store
from events.caller import Caller
from events.reminders import Due
from tests.clock import StepClock
from workers.delivery import deliver

# The test clock starts at 2026-03-02 09:00 UTC (10:00 in Amsterdam): "today" is 2 March.
TODAY: Final = date(2026, 3, 2)

PM: Final = "pm@utrecht.example"  # the founder (``caller`` of tests/conftest.py)
SECOND_PM: Final = "projectleider@utrecht.example"
LEAD_CONTACT: Final = "wethouder@utrecht.example"
PARTNER_CONTACT: Final = "lector@hu.example"
FUNDER_ACCOUNT: Final = "subsidie@provincie-utrecht.example"

DUTCH_QUESTIONS: Final = (
    "Werkt de oplossing echt?",
    "Kunnen we de volgende stap zetten?",
    "Is de gedeelde infrastructuur op orde?",
)
WAIT_SECONDS: Final = 20.0  # how long a test waits for something that should happen promptly


def days(n: int) -> timedelta:
    return timedelta(days=n)


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds passed (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


# -- a consortium and the people its reminders concern ------------------------------------------


@dataclass
class World:
    """A consortium in a real store, with the clock the store runs on.

    Founded by the programme manager ``PM``, who also made ``SECOND_PM`` a programme manager;
    a funder's account (``FUNDER_ACCOUNT``) may read it. Members: the municipality leading it
    (contact ``LEAD_CONTACT``), a university of applied sciences (``PARTNER_CONTACT``) and the
    province as funder. Nobody but ``PM`` has an account; ``PM`` reads English."""

    store: Store
    clock: StepClock
    caller: Caller
    consortium_id: UUID
    lead_id: UUID
    partner_id: UUID

    # -- time ----------------------------------------------------------------------------------

    def today(self) -> date:
        return self.store.consortia.today()

    def go_to(self, day: date) -> None:
        """Move the clock forward to 09:00 UTC on ``day``."""
        target = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
        self.clock.advance(target - self.clock.peek())

    # -- commands ------------------------------------------------------------------------------

    def plan(self, due: date, responsible: list[UUID] | None = None) -> UUID:
        """Plan a milestone due on ``due``; the lead member is responsible unless told."""
        milestone = self.store.consortia.plan_milestone(
            self.consortium_id,
            title="Pilot in twee wijken",
            due_date=due,
            description=None,
            questions=None,
            tranche=None,
            closes_phase=None,
            responsible_member_ids=[self.lead_id] if responsible is None else responsible,
            caller=self.caller,
        )
        return milestone.id

    def replan(self, milestone_id: UUID, due: date) -> None:
        self.store.consortia.replan_milestone(
            self.consortium_id,
            milestone_id,
            due_date=due,
            reason="Later gestart",
            caller=self.caller,
        )

    def evaluate(self, milestone_id: UUID, decision: Decision) -> None:
        milestone = self.store.consortia.consortium(self.consortium_id, self.caller).milestone(
            milestone_id
        )
        self.store.consortia.evaluate_checkpoint(
            self.consortium_id,
            milestone_id,
            answers=[(q.key, AnswerValue.YES, None) for q in milestone.questions],
            decision=decision,
            conditions=None,
            new_due_date=None,
            clears_conditions_of=None,
            caller=self.caller,
        )

    def stop(self) -> None:
        self.store.consortia.move_to_phase(
            self.consortium_id, Phase.STOPPED, reason="Geen draagvlak", caller=self.caller
        )

    def set_policy(self, offsets: list[int], *, escalate_to_funders: bool = False) -> None:
        self.store.reminders.change_policy(
            self.consortium_id,
            offsets=offsets,
            escalate_to_funders=escalate_to_funders,
            caller=self.caller,
        )

    def scan(self) -> list[Due]:
        return self.store.reminders.scan()

    # -- what the consortium recorded ----------------------------------------------------------

    def reminders(self) -> list[Reminder]:
        """Every reminder scheduled, as the reminders overview lists them."""
        sent, _, _ = self.store.reminders.overview(self.consortium_id, self.caller)
        return sent

    def reminder(self, key: str) -> Reminder:
        return self.store.consortia.reminder(self.consortium_id, key)

    def scheduled(self) -> set[tuple[date, str, int, str]]:
        """(due date, kind, step, recipient) of every reminder scheduled so far."""
        return {(r.due_date, r.kind, r.step, r.recipient) for r in self.reminders()}


def make_world(store: Store, clock: StepClock, caller: Caller) -> World:
    consortium_id, lead_id, partner_id = found_with_people(store, caller)
    return World(store, clock, caller, consortium_id, lead_id, partner_id)


def found_with_people(store: Store, caller: Caller) -> tuple[UUID, UUID, UUID]:
    """Found the consortium of :class:`World`; answers its id, the lead's and the partner's."""
    consortia = store.consortia
    founded = consortia.found(
        name="Langer thuis in de wijk",
        challenge="Ouderen wonen langer zelfstandig thuis",
        description=None,
        caller=caller,
    )
    lead = consortia.admit_member(
        founded.id,
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email="Wethouder@Utrecht.example",  # addresses are compared without case
        population=374_238,
        caller=caller,
    )
    partner = consortia.admit_member(
        founded.id,
        party="Hogeschool Utrecht",
        sector=Sector.ACADEMIA,
        role=MemberRole.PARTNER,
        contact_email=PARTNER_CONTACT,
        population=None,
        caller=caller,
    )
    consortia.admit_member(
        founded.id,
        party="Provincie Utrecht",
        sector=Sector.GOVERNMENT,
        role=MemberRole.FUNDER,
        contact_email="info@provincie-utrecht.example",
        population=None,
        caller=caller,
    )
    for account, role in ((SECOND_PM, Role.PROGRAMME_MANAGER), (FUNDER_ACCOUNT, Role.FUNDER)):
        consortia.grant_role(founded.id, account=account, role=role, member_id=None, caller=caller)
    store.accounts.open_account(email=PM, name=None, caller=caller, language=Language.EN)
    return founded.id, lead.id, partner.id


# -- mail ---------------------------------------------------------------------------------------


class RecordingMailer:
    """A mailer that keeps every message it is given (thread-safe)."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.sent.append(message)

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.sent if m["To"] == recipient]


def deliver_all(world: World, dues: list[Due], mailer: RecordingMailer) -> None:
    for due in dues:
        deliver(world.store, mailer, due, claim=f"test-{due.key}")


@dataclass
class SmtpSink:
    """The handler of a real SMTP server: answers DATA with 250 and keeps the message, except
    for the first ``refuse`` messages (answered 451, kept nowhere) and, with ``hold_first``,
    the first message, which waits until ``release`` is set and is then refused as well (its
    sender is gone by then)."""

    refuse: int = 0
    hold_first: bool = False
    accepted: list[EmailMessage] = field(default_factory=list)
    attempts: int = 0
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.attempts += 1
        if self.hold_first and self.attempts == 1:
            self.first_arrived.set()
            deadline = time.monotonic() + WAIT_SECONDS
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            return "451 4.4.2 Connection lost before the message was accepted"
        if self.attempts <= self.refuse:
            return "451 4.3.0 Mailbox busy, try again later"
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.accepted.append(parsed)
        return "250 2.0.0 Accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(sink: SmtpSink) -> Iterator[int]:
    """Run a real SMTP server on a free port of 127.0.0.1 for the block; answers its port."""
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def text_parts(message: EmailMessage) -> dict[str, str]:
    """The message's text parts by content type (text/plain, text/html)."""
    parts: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_maintype() == "text" and isinstance(part, EmailMessage):
            parts[part.get_content_type()] = str(part.get_content())
    return parts
