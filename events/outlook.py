"""What a member's representative sees of its member's next year: its share, the version of
the cost-sharing key that applies, and its first open checkpoint (an adopter's first one is
planned from the consortium's milestones on approval)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from consortium.errors import DomainError
from consortium.members import Member
from consortium.milestones import Milestone
from consortium.money import Money
from events.caller import Caller
from events.key_versions import KeyVersionUseCases


@dataclass(frozen=True)
class Outlook:
    """``share``: the member's pledge for ``year`` when it made one (``pledged``), else its
    share of what the financing plan needs that year by ``key_version``; None when the key
    cannot share it (the weights key without the member's weight)."""

    consortium_id: UUID
    consortium_name: str
    member: Member
    year: int
    share: Money | None
    pledged: bool
    key_version: int | None
    first_checkpoint: Milestone | None


class OutlookUseCases(KeyVersionUseCases):
    """The outlook of :class:`~events.consortia.ConsortiumApplication`."""

    def outlooks(self, consortium_id: UUID, caller: Caller) -> list[Outlook]:
        """One per member the caller represents in the consortium (none for other roles)."""
        consortium = self.consortium(consortium_id, caller)
        represented = consortium.represented_members(caller.actor)
        members = [m for m in consortium.members if m.id in represented]
        if not members:
            return []
        year = self.today().year + 1
        try:
            preview = self.preview_shares(
                consortium_id,
                caller,
                year=year,
                amount=None,
                candidate_population=None,
                candidate_weight=None,
            )
            shares = {s.member_id: s.amount for s in preview.shares}
            version: int | None = preview.version.number
        except DomainError:
            shares, version = {}, None
        found = []
        for member in members:
            pledged = consortium.ledger.pledge(member.id, year)
            checkpoints = [
                m
                for m in consortium.milestones
                if m.is_open and member.id in m.responsible_member_ids
            ]
            found.append(
                Outlook(
                    consortium_id=consortium_id,
                    consortium_name=consortium.name,
                    member=member,
                    year=year,
                    share=pledged if pledged is not None else shares.get(member.id),
                    pledged=pledged is not None,
                    key_version=version,
                    first_checkpoint=min(checkpoints, key=lambda m: m.due_date, default=None),
                )
            )
        return found
