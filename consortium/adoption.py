"""Adoption requests: a municipality outside a consortium asks to join its proven solution.

"Develop once, share 380 times": a municipality (an account with no role in the consortium)
asks to adopt, with its population (inwonertal) and a contact address; the programme manager
approves (it then becomes a member with the role adopter) or declines with a reason.

Each municipality's requests to one consortium are one stream, its id derived from the pair,
so "a second request while one is pending" is refused on the state of that stream, and two
first requests at once collide in the store (one of them is then refused on fresh state). A
declined municipality may ask again; an approved one is a member, and gets a welcome mail (its
bookkeeping, claimed by one worker at a time and sent once, is in this stream too).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from consortium.cause import Cause
from consortium.errors import InvalidValue, RuleViolation
from consortium.invitations import MAIL_LEASE, MAX_MAIL_ERROR, MailClaimedElsewhere
from consortium.members import Sector, check_contact_email, check_party, check_population
from consortium.provinces import Province
from consortium.recording import ConsortiumEvent, RecordingAggregate
from consortium.text import MAX_REASON, required_text

_NAMESPACE: Final = uuid5(NAMESPACE_URL, "urn:consortium:adoption-request")


class RequestStatus(Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


def request_id_for(consortium_id: UUID, party: str) -> UUID:
    """The one stream of a municipality's requests to a consortium (its name, ignoring case)."""
    return uuid5(_NAMESPACE, f"{consortium_id}:{party.strip().casefold()}")


class RequestPending(RuleViolation):
    pass


class RequestDecided(RuleViolation):
    pass


class AdoptionRequest(RecordingAggregate):
    """A municipality's request to adopt one consortium's solution; its latest round only."""

    # A request's state of before provinces (a snapshot of it) reads as without one.
    province: Province | None = None

    class Asked(Aggregate.Created, ConsortiumEvent):
        consortium_id: UUID
        party: str
        population: int
        contact_email: str
        account: str
        # Where the municipality lies; requests asked before provinces had none (None).
        province: Province | None = None

    class AskedAgain(ConsortiumEvent):
        """After a decline: the same municipality asks again."""

        population: int
        contact_email: str
        account: str
        province: Province | None = None

        def apply(self, request: AdoptionRequest) -> None:
            request.population = self.population
            request.province = self.province
            request.contact_email = self.contact_email
            request.account = self.account
            request.asked_at = self.timestamp
            request.status = RequestStatus.PENDING
            request.reason = None
            request.member_id = None

    class Approved(ConsortiumEvent):
        member_id: UUID
        joined_on: date

        def apply(self, request: AdoptionRequest) -> None:
            request.status = RequestStatus.APPROVED
            request.member_id = self.member_id
            request.decided_at = self.timestamp

    class WelcomeClaimed(ConsortiumEvent):
        """One worker took on the welcome mail (the bookkeeping of the mail lives here, in the
        request's stream, never in the consortium's history)."""

        claim: str

        def apply(self, request: AdoptionRequest) -> None:
            request.welcome_claim = self.claim
            request.welcome_claimed_at = self.timestamp

    class WelcomeSent(ConsortiumEvent):
        message_id: str

        def apply(self, request: AdoptionRequest) -> None:
            request.welcome_sent_at = self.timestamp

    class WelcomeFailed(ConsortiumEvent):
        error: str

        def apply(self, request: AdoptionRequest) -> None:
            request.welcome_error = self.error

    class Declined(ConsortiumEvent):
        reason: str

        def apply(self, request: AdoptionRequest) -> None:
            request.status = RequestStatus.DECLINED
            request.reason = self.reason
            request.decided_at = self.timestamp

    def __init__(
        self,
        consortium_id: UUID,
        party: str,
        population: int,
        contact_email: str,
        account: str,
        province: Province | None = None,
    ) -> None:
        self.consortium_id = consortium_id
        self.province = province
        self.party = party
        self.population = population
        self.contact_email = contact_email
        self.account = account
        self.status = RequestStatus.PENDING
        self.asked_at = self.created_on
        self.decided_at: datetime | None = None
        self.reason: str | None = None
        self.member_id: UUID | None = None
        self.welcome_claim: str | None = None
        self.welcome_claimed_at: datetime | None = None
        self.welcome_sent_at: datetime | None = None
        self.welcome_error: str | None = None

    @classmethod
    def ask(
        cls,
        *,
        consortium_id: UUID,
        party: str,
        population: int,
        contact_email: str,
        province: Province | None = None,
        cause: Cause,
    ) -> AdoptionRequest:
        party = check_party(party)
        return cls._create(
            cls.Asked,
            id=request_id_for(consortium_id, party),
            consortium_id=consortium_id,
            party=party,
            population=_population(population),
            contact_email=_email(contact_email),
            account=cause.actor,
            province=province,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def ask_again(
        self,
        *,
        population: int,
        contact_email: str,
        province: Province | None = None,
        cause: Cause,
    ) -> None:
        if self.status is RequestStatus.PENDING:
            raise RequestPending(
                f"{self.party} asked to adopt this solution already; the programme manager has "
                "not decided yet.",
                request_id=self.id,
            )
        if self.status is RequestStatus.APPROVED:
            raise RequestDecided(f"{self.party} adopted this solution already.", request_id=self.id)
        self._record(
            self.AskedAgain,
            cause,
            population=_population(population),
            contact_email=_email(contact_email),
            account=cause.actor,
            province=province,
        )

    def approve(self, *, member_id: UUID, joined_on: date, cause: Cause) -> None:
        self.check_pending()
        self._record(self.Approved, cause, member_id=member_id, joined_on=joined_on)

    def decline(self, *, reason: str, cause: Cause) -> None:
        self.check_pending()
        self._record(self.Declined, cause, reason=required_text(reason, "reason", MAX_REASON))

    @property
    def welcome_due(self) -> bool:
        """Approved, and its welcome mail not sent yet."""
        return self.status is RequestStatus.APPROVED and self.welcome_sent_at is None

    def claim_welcome(self, claim: str, cause: Cause) -> bool:
        """One worker claims the welcome mail; another may take over once the lease ran out.
        False: nothing to send."""
        if not self.welcome_due:
            return False
        if (
            self.welcome_claim not in (None, claim)
            and self.welcome_claimed_at is not None
            and cause.at - self.welcome_claimed_at < MAIL_LEASE
        ):
            raise MailClaimedElsewhere(f"The welcome mail of {self.id} is being sent elsewhere.")
        self._record(self.WelcomeClaimed, cause, claim=claim)
        return True

    def welcome_delivered(self, *, message_id: str, cause: Cause) -> None:
        if self.welcome_sent_at is None:
            self._record(self.WelcomeSent, cause, message_id=message_id)

    def welcome_not_delivered(self, *, error: str, cause: Cause) -> None:
        if self.welcome_sent_at is None:
            self._record(self.WelcomeFailed, cause, error=error[:MAX_MAIL_ERROR])

    def check_pending(self) -> None:
        if self.status is not RequestStatus.PENDING:
            raise RequestDecided(
                f"This request was {self.status.value} already.", request_id=self.id
            )


def _population(population: int | None) -> int:
    checked = check_population(Sector.MUNICIPALITY, population)
    if checked is None:
        raise InvalidValue("A municipality asking to adopt gives its population.", "population")
    return checked


def _email(email: str | None) -> str:
    checked = check_contact_email(email)
    if checked is None:
        raise InvalidValue("A request to adopt gives a contact address.", field="contact_email")
    return checked
