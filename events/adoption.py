"""Use cases of adoption: a municipality asks to adopt a listed solution, the programme manager
approves or declines.

Approval is one transaction over three streams: the consortium (the adopter admitted, its
representative granted, its own checkpoints planned from the consortium's milestones), the
request (approved) and the cost-sharing key (a new version with the adopter, from the first year
not yet pledged). It is retried on fresh state when another writer came between.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Final
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from consortium.access import Role
from consortium.adopter_plan import adopter_steps
from consortium.adoption import AdoptionRequest, request_id_for
from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import AlreadyMember, ConsortiumNotFound, NotAllowed, NotFound
from consortium.key_versions import CostSharingRule
from consortium.members import Member, MemberRole, Sector, check_party
from consortium.party_names import same_party
from consortium.phases import check_finished
from consortium.provinces import Province
from events.application import MAX_ATTEMPTS, StoreBusy
from events.caller import Caller
from events.catalogue import CatalogueUseCases
from events.consortium_base import may_manage
from events.key_versions import (
    KeyVersionUseCases,
    current_only,
    default_version,
    first_open_year,
    joined,
)

_ASKED_TOPIC: Final = get_topic(AdoptionRequest.Asked)
_BATCH: Final = 200


class AdoptionRequestNotFound(NotFound):
    def __init__(self, request_id: object) -> None:
        super().__init__(f"There is no adoption request {request_id}.", request_id=request_id)


class AdoptionUseCases(CatalogueUseCases, KeyVersionUseCases):
    """Adoption of :class:`~events.consortia.ConsortiumApplication`."""

    def ask_to_adopt(
        self,
        consortium_id: UUID,
        *,
        party: str,
        population: int,
        contact_email: str,
        caller: Caller,
        province: Province | None = None,
    ) -> AdoptionRequest:
        """A municipality asks to adopt a listed solution: an account with no role in it, for a
        municipality that is no member of it, with no request of its own still pending."""
        party = check_party(party)
        for _ in range(MAX_ATTEMPTS):
            if self._entry(consortium_id) is None:
                raise ConsortiumNotFound(consortium_id)
            consortium = self._consortium(consortium_id)
            _check_may_ask(consortium, party, caller)
            cause = self.cause(caller)
            request = self._find(request_id_for(consortium_id, party), AdoptionRequest)
            if request is None:
                request = AdoptionRequest.ask(
                    consortium_id=consortium_id,
                    party=party,
                    population=population,
                    contact_email=contact_email,
                    province=province,
                    cause=cause,
                )
            else:
                request.ask_again(
                    population=population,
                    contact_email=contact_email,
                    province=province,
                    cause=cause,
                )
            try:
                self.save(request)
            except IntegrityError:
                continue  # asked at the same moment: refused on the fresh state
            return request
        raise StoreBusy(f"Too many simultaneous requests to {consortium_id}; please try again.")

    def adoption_request(
        self, consortium_id: UUID, request_id: UUID, caller: Caller
    ) -> AdoptionRequest:
        """A request, for the account that asked or a programme manager of the consortium."""
        request = self._find(request_id, AdoptionRequest)
        if request is None or request.consortium_id != consortium_id:
            raise AdoptionRequestNotFound(request_id)
        if request.account != caller.actor:
            self._consortium(consortium_id).check_can_manage(caller.principal)
        return request

    def own_adoption_request(self, consortium_id: UUID, caller: Caller) -> AdoptionRequest | None:
        """The request to adopt this solution the caller's account asked last, if any (reads
        every request: fine for the hundreds a catalogue gets; a read model replaces it at
        scale)."""
        account = caller.actor.strip().casefold()
        mine = [
            r
            for r in self._all_requests()
            if r.consortium_id == consortium_id and r.account.casefold() == account
        ]
        return max(mine, key=lambda r: r.asked_at, default=None)

    def holds_role_in(self, consortium_id: UUID, caller: Caller) -> bool:
        """Whether the caller's account holds a role in the consortium (then it does not ask
        to adopt it); for a listed consortium, which anyone may know of."""
        if self._entry(consortium_id) is None:
            raise ConsortiumNotFound(consortium_id)
        return bool(self._consortium(consortium_id).roles_of(caller.actor))

    def adoption_requests(self, consortium_id: UUID, caller: Caller) -> list[AdoptionRequest]:
        """Every request to adopt the consortium's solution, in the order first asked
        (programme managers)."""
        self.consortium(consortium_id, caller).check_can_manage(caller.principal)
        return [r for r in self._all_requests() if r.consortium_id == consortium_id]

    def approve_adoption(
        self,
        consortium_id: UUID,
        request_id: UUID,
        *,
        caller: Caller,
        weight: Decimal | None = None,
    ) -> tuple[AdoptionRequest, Member]:
        """Admit the municipality as adopter: its member, its representative, its checkpoints
        and its place in the cost-sharing key from the first year not yet pledged."""

        def approve(
            consortium: Consortium, cause: Cause
        ) -> tuple[AdoptionRequest, Member, CostSharingRule]:
            request = self._request_of(consortium_id, request_id)
            request.check_pending()
            adopters = [m.id for m in consortium.members if m.role is MemberRole.ADOPTER]
            rule = self._rule(consortium_id, cause)
            before = rule.latest or default_version(consortium)
            if rule.latest is None and before.member_ids:
                # The key the consortium shared by so far becomes its first version.
                rule.adopt_version(
                    key=before.key,
                    from_year=before.from_year,
                    member_ids=before.member_ids,
                    weights=dict(before.weights),
                    reason=before.reason,
                    cause=cause,
                )
            member = consortium.admit_member(
                party=request.party,
                sector=Sector.MUNICIPALITY,
                role=MemberRole.ADOPTER,
                contact_email=request.contact_email,
                population=request.population,
                province=request.province,
                cause=cause,
            )
            consortium.grant_role(
                account=request.account,
                role=Role.MEMBER_REPRESENTATIVE,
                member_id=member.id,
                cause=cause,
            )
            joined_on = member.joined_on or cause.today
            for step in adopter_steps(consortium.milestones, member.party, joined_on, adopters):
                consortium.plan_milestone(
                    title=step.title,
                    description=step.description,
                    due_date=step.due_date,
                    questions=list(step.questions),
                    responsible_member_ids=[member.id],
                    cause=cause,
                )
            still = current_only(before, consortium)
            sharing = list(still.member_ids)
            after = joined(
                still,
                member.id,
                weight,
                number=0,
                from_year=first_open_year(consortium, sharing, cause.today.year),
            )
            rule.adopt_version(
                key=after.key,
                from_year=after.from_year,
                member_ids=after.member_ids,
                weights=dict(after.weights),
                reason=f"{member.party} neemt de oplossing over",
                cause=cause,
            )
            request.approve(member_id=member.id, joined_on=joined_on, cause=cause)
            return request, member, rule

        request, member, _ = self.act_on(
            consortium_id, caller, may_manage, approve, also_save=lambda r: [r[0], r[2]]
        )
        return request, member

    def decline_adoption(
        self, consortium_id: UUID, request_id: UUID, *, reason: str, caller: Caller
    ) -> AdoptionRequest:
        for _ in range(MAX_ATTEMPTS):
            self.consortium(consortium_id, caller).check_can_manage(caller.principal)
            request = self._request_of(consortium_id, request_id)
            request.decline(reason=reason, cause=self.cause(caller))
            try:
                self.save(request)
            except IntegrityError:
                continue
            return request
        raise StoreBusy(f"Too many simultaneous changes to {request_id}; please try again.")

    # -- internals --------------------------------------------------------------------------

    def _request_of(self, consortium_id: UUID, request_id: UUID) -> AdoptionRequest:
        request = self._find(request_id, AdoptionRequest)
        if request is None or request.consortium_id != consortium_id:
            raise AdoptionRequestNotFound(request_id)
        return request

    def _all_requests(self) -> Iterator[AdoptionRequest]:
        cursor = None
        while True:
            notifications = self.recorder.select_notifications(
                start=cursor, limit=_BATCH, topics=[_ASKED_TOPIC], inclusive_of_start=cursor is None
            )
            for n in notifications:
                request = self._find(UUID(str(n.originator_id)), AdoptionRequest)
                if request is not None:
                    yield request
            if len(notifications) < _BATCH:
                return
            cursor = notifications[-1].id


def _check_may_ask(consortium: Consortium, party: str, caller: Caller) -> None:
    check_finished(consortium.phase)
    if any(g.account == caller.actor.strip().casefold() for g in consortium.grants):
        raise NotAllowed(
            "You hold a role in this consortium; a municipality asks to adopt from an account "
            "of its own."
        )
    for m in consortium.members:
        if same_party(m.party, party):
            raise AlreadyMember(
                f"{m.party} is already a member of this consortium.", member_id=m.id
            )
