"""Use cases of the welcome mail an approved adopter gets: which are still to send, claiming one
(with what it says), and recording it sent or failed. The workers send it; this module never
talks to a mail server.

Approvals are few (one per adopting municipality), so the mails still to send are found by the
notification log's index of approvals, without a table of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final
from uuid import UUID

from eventsourcing.utils import get_topic

from consortium.adoption import AdoptionRequest
from consortium.money import Money
from events.adoption import AdoptionRequestNotFound, AdoptionUseCases
from events.caller import Caller

SYSTEM: Final = Caller.system("system:welcome-mail", "welcome-mail")
_APPROVED_TOPIC: Final = get_topic(AdoptionRequest.Approved)
_BATCH: Final = 200


@dataclass(frozen=True)
class WelcomeMail:
    """What the welcome mail says: to whom, which solution, the first checkpoint, and the first
    year the adopter shares in the costs."""

    request_id: UUID
    to: tuple[str, ...]
    party: str
    consortium_id: UUID
    consortium_name: str
    first_checkpoint: tuple[str, date] | None
    first_year: int | None
    first_share: Money | None


class WelcomeMailUseCases(AdoptionUseCases):
    """The welcome mail of :class:`~events.consortia.ConsortiumApplication`."""

    def welcomes_to_send(self) -> list[UUID]:
        found = []
        cursor = None
        while True:
            notifications = self.recorder.select_notifications(
                start=cursor,
                limit=_BATCH,
                topics=[_APPROVED_TOPIC],
                inclusive_of_start=cursor is None,
            )
            for n in notifications:
                request = self._find(UUID(str(n.originator_id)), AdoptionRequest)
                if request is not None and request.welcome_due and request.id not in found:
                    found.append(request.id)
            if len(notifications) < _BATCH:
                return found
            cursor = notifications[-1].id

    def claim_welcome(self, request_id: UUID, claim: str) -> WelcomeMail | None:
        """Claim the mail for one sender; None: nothing to send (sent already)."""
        request, claimed = self._update(
            request_id,
            AdoptionRequest,
            AdoptionRequestNotFound,
            SYSTEM,
            lambda r, cause: r.claim_welcome(claim, cause),
        )
        return self._welcome(request) if claimed else None

    def welcome_sent(self, request_id: UUID, message_id: str) -> None:
        self._update(
            request_id,
            AdoptionRequest,
            AdoptionRequestNotFound,
            SYSTEM,
            lambda r, cause: r.welcome_delivered(message_id=message_id, cause=cause),
        )

    def welcome_failed(self, request_id: UUID, error: str) -> None:
        self._update(
            request_id,
            AdoptionRequest,
            AdoptionRequestNotFound,
            SYSTEM,
            lambda r, cause: r.welcome_not_delivered(error=error, cause=cause),
        )

    def _welcome(self, request: AdoptionRequest) -> WelcomeMail:
        consortium = self._consortium(request.consortium_id)
        own = sorted(
            (m for m in consortium.milestones if request.member_id in m.responsible_member_ids),
            key=lambda m: m.due_date,
        )
        first = (own[0].title, own[0].due_date) if own else None
        year = None
        share = None
        versions = self.key_versions(request.consortium_id, SYSTEM)
        if versions and request.member_id in versions[-1].member_ids:
            year = versions[-1].from_year
            preview = self.preview_shares(
                request.consortium_id,
                SYSTEM,
                year=year,
                amount=None,
                candidate_population=None,
                candidate_weight=None,
            )
            share = next(
                (s.amount for s in preview.shares if s.member_id == request.member_id), None
            )
        to = tuple(dict.fromkeys((request.account, request.contact_email)))
        return WelcomeMail(
            request_id=request.id,
            to=to,
            party=request.party,
            consortium_id=consortium.id,
            consortium_name=consortium.name,
            first_checkpoint=first,
            first_year=year,
            first_share=share,
        )
