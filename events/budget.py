"""Use cases of the pooled budget: pledges, contributions, reversals, spending, cost shares,
and the budget view now or as of a past moment."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from consortium.access import Principal
from consortium.aggregate import Consortium
from consortium.budget_view import BudgetView, budget_view, tranche_lines
from consortium.cost_sharing import KeyKind, Share
from consortium.errors import ContributionNotFound, NotFound
from consortium.ledger import Commitment, Contribution, ContributionKind, Expenditure, Reversal
from consortium.money import Money
from events.caller import Caller
from events.consortium_base import ConsortiumBase, may_manage
from events.idempotency import IdempotencyClaim


def _acts_for(member_id: UUID) -> Callable[[Consortium, Principal], None]:
    return lambda consortium, who: consortium.check_can_act_for(who, member_id)


def _may_reverse(contribution_id: UUID) -> Callable[[Consortium, Principal], None]:
    def check(consortium: Consortium, who: Principal) -> None:
        consortium.check_can_read(who)
        original = consortium.ledger.contribution(contribution_id)
        if original is None:
            raise ContributionNotFound(contribution_id)
        consortium.check_can_act_for(who, original.member_id)

    return check


class BudgetUseCases(ConsortiumBase):
    """Budget use cases of :class:`~events.consortia.ConsortiumApplication`."""

    def pledge(
        self,
        consortium_id: UUID,
        *,
        member_id: UUID,
        year: int,
        amount: Money,
        reason: str | None,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
    ) -> Commitment:
        return self.act_on(
            consortium_id,
            caller,
            _acts_for(member_id),
            lambda c, cause: c.pledge(
                member_id=member_id, year=year, amount=amount, reason=reason, cause=cause
            ),
            claim,
        )

    def log_contribution(
        self,
        consortium_id: UUID,
        *,
        member_id: UUID,
        kind: ContributionKind,
        amount: Money,
        on: date,
        year: int | None,
        reference: str | None,
        hours: Decimal | None,
        rate: Money | None,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
    ) -> Contribution:
        return self.act_on(
            consortium_id,
            caller,
            _acts_for(member_id),
            lambda c, cause: c.log_contribution(
                member_id=member_id,
                kind=kind,
                amount=amount,
                on=on,
                year=year,
                reference=reference,
                hours=hours,
                rate=rate,
                cause=cause,
            ),
            claim,
        )

    def reverse_contribution(
        self,
        consortium_id: UUID,
        contribution_id: UUID,
        *,
        reason: str,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
    ) -> Reversal:
        return self.act_on(
            consortium_id,
            caller,
            _may_reverse(contribution_id),
            lambda c, cause: c.reverse_contribution(contribution_id, reason=reason, cause=cause),
            claim,
        )

    def record_expenditure(
        self,
        consortium_id: UUID,
        *,
        amount: Money,
        on: date,
        description: str,
        milestone_id: UUID | None,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
    ) -> Expenditure:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.record_expenditure(
                amount=amount,
                on=on,
                description=description,
                milestone_id=milestone_id,
                cause=cause,
            ),
            claim,
        )

    def share_costs(
        self,
        consortium_id: UUID,
        *,
        amount: Money,
        key: KeyKind,
        member_ids: Sequence[UUID] | None,
        weights: Mapping[UUID, Decimal] | None,
        commit_year: int | None,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
    ) -> list[Share]:
        """Divide an amount by a key; with ``commit_year`` the shares are pledged for that year
        (a programme manager's act); without, it is a calculation anyone who reads may make."""
        if commit_year is None:
            return self.consortium(consortium_id, caller).share_costs(
                amount=amount, key=key, member_ids=member_ids, weights=weights
            )
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.pledge_cost_shares(
                amount=amount,
                key=key,
                year=commit_year,
                member_ids=member_ids,
                weights=weights,
                cause=cause,
            ),
            claim,
        )

    def budget(
        self, consortium_id: UUID, caller: Caller, as_of: datetime | None = None
    ) -> BudgetView:
        consortium = (
            self.consortium(consortium_id, caller)
            if as_of is None
            else self.consortium_as_of(consortium_id, as_of, caller)
        )
        return budget_of(consortium)

    def budgets_of_party(
        self, party: str, caller: Caller, as_of: datetime | None = None
    ) -> Iterator[tuple[Consortium, BudgetView]]:
        """The budget of every consortium the caller may see that the party is or was a member
        of. Reads every consortium: fine for hundreds; a read model replaces it at scale."""
        for current in self.all_consortia():
            if not (_party_matches(current, party) and current.can_read(caller.principal)):
                continue
            consortium = current
            if as_of is not None:
                try:
                    consortium = self.consortium_as_of(current.id, as_of, caller)
                except NotFound:
                    continue  # founded after that moment
                if not _party_matches(consortium, party):
                    continue
            yield consortium, budget_of(consortium)


def _party_matches(consortium: Consortium, party: str) -> bool:
    return any(m.party.casefold() == party.casefold() for m in consortium.members)


def budget_of(consortium: Consortium) -> BudgetView:
    return budget_view(
        consortium.ledger,
        consortium.members,
        needs_per_year=consortium.tranches_due_per_year(),
        tranches=tranche_lines(
            consortium.milestones,
            consortium.ledger,
            consortium_finished=consortium.phase.is_finished,
        ),
    )
