"""Use cases that read a consortium's records: its memberships (past ones included), role
grants (revoked ones included), pledge revisions, contributions, expenditures, and the
replans and evaluations of its milestones. The caller's right to read is checked on the
consortium; the records are read from the read model as they stood at the consortium's version.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from consortium.access import Grant
from consortium.aggregate import Consortium
from consortium.errors import ContributionNotFound, MemberNotFound, NotFound
from consortium.ledger import Commitment, Expenditure
from consortium.members import Member
from events.caller import Caller
from events.consortium_base import ConsortiumBase, Page
from events.readmodel import records
from events.readmodel.records import Booked, ContributionFilter, MilestoneHistory


class RecordUseCases(ConsortiumBase):
    """Record reads of :class:`~events.consortia.ConsortiumApplication`."""

    def with_members(
        self, consortium_id: UUID, caller: Caller, as_of: datetime | None = None
    ) -> tuple[Consortium, list[Member]]:
        """The consortium (now, or as of an instant) and every membership it had by then."""
        consortium = (
            self.consortium(consortium_id, caller)
            if as_of is None
            else self.consortium_as_of(consortium_id, as_of, caller)
        )
        return consortium, self.memberships_of(consortium)

    def memberships_of(self, consortium: Consortium) -> list[Member]:
        return self.records(lambda tx: records.memberships(tx, consortium.id, consortium.version))

    def members(self, consortium_id: UUID, caller: Caller) -> list[Member]:
        return self.with_members(consortium_id, caller)[1]

    def member(self, consortium_id: UUID, member_id: UUID, caller: Caller) -> Member:
        consortium = self.consortium(consortium_id, caller)
        found = self.records(
            lambda tx: records.membership(tx, consortium_id, member_id, consortium.version)
        )
        if found is None:
            raise MemberNotFound(member_id)
        return found

    def grants(self, consortium_id: UUID, caller: Caller) -> list[Grant]:
        self.consortium(consortium_id, caller)
        return self.records(lambda tx: records.grants(tx, consortium_id))

    def grant(self, consortium_id: UUID, grant_id: UUID, caller: Caller) -> Grant:
        self.consortium(consortium_id, caller)
        found = self.records(lambda tx: records.grant(tx, consortium_id, grant_id))
        if found is None:
            raise NotFound(f"This consortium has no role grant {grant_id}.")
        return found

    def pledge_revisions(self, consortium_id: UUID, caller: Caller) -> list[Commitment]:
        """Every revision of every pledge, by year, member and revision."""
        self.consortium(consortium_id, caller)
        return self.records(lambda tx: records.revisions(tx, consortium_id))

    def commitment(self, consortium_id: UUID, commitment_id: UUID, caller: Caller) -> Commitment:
        self.consortium(consortium_id, caller)
        found = self.records(lambda tx: records.commitment(tx, consortium_id, commitment_id))
        if found is None:
            raise NotFound(f"This consortium has no commitment {commitment_id}.")
        return found

    def contributions(
        self,
        consortium_id: UUID,
        caller: Caller,
        where: ContributionFilter,
        *,
        start: int,
        limit: int,
    ) -> Page[Booked]:
        """Contributions in the order they were logged; ``start`` counts the matches before."""
        self.consortium(consortium_id, caller)
        found, more = self.records(
            lambda tx: records.contributions(tx, consortium_id, where, start=start, limit=limit)
        )
        return Page(found, start + limit if more else None)

    def contribution(self, consortium_id: UUID, contribution_id: UUID, caller: Caller) -> Booked:
        self.consortium(consortium_id, caller)
        found = self.records(lambda tx: records.contribution(tx, consortium_id, contribution_id))
        if found is None:
            raise ContributionNotFound(contribution_id)
        return found

    def expenditures(self, consortium_id: UUID, caller: Caller) -> list[Expenditure]:
        self.consortium(consortium_id, caller)
        return self.records(lambda tx: records.expenditures(tx, consortium_id))

    def expenditure(self, consortium_id: UUID, expenditure_id: UUID, caller: Caller) -> Expenditure:
        self.consortium(consortium_id, caller)
        found = self.records(lambda tx: records.expenditure(tx, consortium_id, expenditure_id))
        if found is None:
            raise NotFound(f"This consortium has no expenditure {expenditure_id}.")
        return found

    def milestone_histories(self, consortium: Consortium) -> dict[UUID, MilestoneHistory]:
        """The replans and evaluations of the consortium's milestones, up to its version (the
        caller's right to read it was checked when it was read)."""
        return self.records(
            lambda tx: records.milestone_histories(tx, consortium.id, consortium.version)
        )
