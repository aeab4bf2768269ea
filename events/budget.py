"""Use cases of the pooled budget: pledges, contributions, reversals, spending, cost shares,
and the budget view now or as of a past moment."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from consortium import figures
from consortium.access import Principal
from consortium.aggregate import Consortium
from consortium.budget import contribution_of
from consortium.budget_view import BudgetView, budget_of, consortium_budget, with_key_versions
from consortium.cause import Cause, about_day
from consortium.cost_sharing import KeyKind, Share
from consortium.errors import (
    ContributionNotFound,
    DomainError,
    InvalidValue,
    NotFound,
    RuleViolation,
)
from consortium.ledger import (
    Commitment,
    Contribution,
    ContributionKind,
    Expenditure,
    Ledger,
    Reversal,
)
from consortium.members import Member
from consortium.money import Money
from consortium.party_names import same_party
from events.caller import Caller
from events.consortium_base import ConsortiumBase, may_manage
from events.idempotency import IdempotencyClaim
from events.once import Once, reversal_key
from events.readmodel import records
from events.readmodel.recorders import Tx
from events.readmodel.records import Booked


def _acts_for(member_id: UUID) -> Callable[[Consortium, Principal], None]:
    return lambda consortium, who: consortium.check_can_act_for(who, member_id)


# One cell of a pledge grid: the year, the kind, and the amount pledged (or revised to).
PledgeCell = tuple[int, ContributionKind, Money]


class PledgesRefused(RuleViolation):
    """Some pledges of a grid were refused, so none was recorded; ``refusals`` says why, per
    (year, kind)."""

    def __init__(self, refusals: Mapping[tuple[int, ContributionKind], DomainError]) -> None:
        super().__init__("None of the pledges was recorded: some were refused.")
        self.refusals = dict(refusals)


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
        kind: ContributionKind = ContributionKind.CASH,
        pledged_on: date | None = None,
        claim: IdempotencyClaim | None = None,
    ) -> Commitment:

        def pledge(c: Consortium, cause: Cause) -> Commitment:
            # A revision is not about a day before the pledge it revises: that day is an
            # entry of the ledger (a first pledge needs no look-up).
            in_force = self._in_force_since(c, member_id, year, kind)
            return c.pledge(
                member_id=member_id,
                year=year,
                amount=amount,
                reason=reason,
                kind=kind,
                pledged_on=pledged_on,
                in_force_since=in_force,
                cause=cause,
            )

        return self.act_on(consortium_id, caller, _acts_for(member_id), pledge, claim)

    def pledge_years(
        self,
        consortium_id: UUID,
        *,
        member_id: UUID,
        cells: Sequence[PledgeCell],
        reason: str | None,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
    ) -> list[Commitment]:
        """A member pledges for several years (and kinds) at once, or revises those pledges
        (one reason for every revision): all are recorded in one transaction, or, when any is
        refused, none is and :class:`PledgesRefused` says why for each cell refused; once per
        ``claim``."""

        def pledge_all(c: Consortium, cause: Cause) -> list[Commitment]:
            made: list[Commitment] = []
            refused: dict[tuple[int, ContributionKind], DomainError] = {}
            for year, kind, amount in cells:
                in_force = self._in_force_since(c, member_id, year, kind)
                try:
                    made.append(
                        c.pledge(
                            member_id=member_id,
                            year=year,
                            amount=amount,
                            reason=reason,
                            kind=kind,
                            in_force_since=in_force,
                            cause=cause,
                        )
                    )
                except (InvalidValue, RuleViolation) as refusal:
                    refused[year, kind] = refusal
            if refused:
                raise PledgesRefused(refused)
            return made

        return self.act_on(consortium_id, caller, _acts_for(member_id), pledge_all, claim)

    def _in_force_since(
        self, c: Consortium, member_id: UUID, year: int, kind: ContributionKind
    ) -> date | None:
        """The day the pledge in force was made (an entry of the ledger), or None for none."""
        if c.ledger.pledge(member_id, year, kind) is None:
            return None
        in_force = self.records(lambda tx: records.pledge_in_force(tx, c.id, member_id, year, kind))
        return None if in_force is None else in_force.pledged_on

    def log_contribution(
        self,
        consortium_id: UUID,
        *,
        member_id: UUID,
        kind: ContributionKind,
        amount: Money | None,
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
        """Reverse a contribution, once: the contribution is an entry of the ledger (found by
        the read model, read from the event store), and that it was reversed is recorded
        once only, in the same transaction as the consortium's event (see ``events.once``)."""
        self.consortium(consortium_id, caller)
        original, recorded = self.logged_contribution(consortium_id, contribution_id)
        mark = Once.id_for(reversal_key(contribution_id))

        def reverse(c: Consortium, cause: Cause) -> Reversal:
            # The mark stops reversals that race each other; the records know those made
            # before marks were kept (by an earlier release).
            once = self._find(mark, Once)
            earlier = recorded or (
                None if once is None else Reversal(contribution_id, "", once.created_on, once.actor)
            )
            return c.reverse_contribution(original, earlier=earlier, reason=reason, cause=cause)

        return self.act_on(
            consortium_id,
            caller,
            _acts_for(original.member_id),
            reverse,
            claim,
            also_save=lambda reversal: [
                Once.record(
                    reversal_key(contribution_id),
                    Cause(caller.actor, caller.request_id, reversal.reversed_at),
                )
            ],
        )

    def logged_contribution(
        self, consortium_id: UUID, contribution_id: UUID
    ) -> tuple[Contribution, Reversal | None]:
        """A contribution as its event recorded it (the read model says which event), and its
        reversal if the records know one."""
        booked = self.records(lambda tx: records.contribution(tx, consortium_id, contribution_id))
        if booked is None:
            raise ContributionNotFound(contribution_id)
        (event,) = self.events.get(consortium_id, gt=booked.version - 1, lte=booked.version)
        if not (
            isinstance(event, Consortium.ContributionLogged)
            and event.contribution_id == contribution_id
        ):  # pragma: no cover - the read model would have to be corrupt
            raise ContributionNotFound(contribution_id)
        return contribution_of(event), booked.reversal

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
            with self.explained(consortium_id):
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
        return self.budget_of(consortium, about_day(as_of) if as_of else self.today())

    def budget_on(self, consortium_id: UUID, caller: Caller, on: date) -> BudgetView:
        """The books as booked for the days up to ``on``, as they are known now: the facts
        whose day (a pledge's, a contribution's, a spending's, a joining) lies on or before it,
        corrections included; the plan as it stands. ``as_of`` asks instead what the books said
        at an instant."""
        consortium = self.consortium(consortium_id, caller)

        def facts(tx: Tx) -> tuple[list[Commitment], list[Booked], list[Expenditure]]:
            everything = records.ContributionFilter()
            booked, _ = records.contributions(tx, consortium_id, everything, start=0, limit=2**31)
            return (
                records.revisions(tx, consortium_id),
                booked,
                records.expenditures(tx, consortium_id),
            )

        revisions, booked, spending = self.records(facts)
        in_force = _latest(revisions, on)
        changes = [
            *(figures.pledged(c.member_id, c.year, c.amount, c.kind) for c in in_force),
            *(
                figures.received(c.member_id, c.year, c.kind, c.amount)
                for c in (b.contribution for b in booked if b.reversal is None)
                if c.date <= on
            ),
            *(figures.spent(e.year, e.amount) for e in spending if e.date <= on),
            *(
                change
                for _, year, kind, amount in consortium.ledger.rows()
                if figures.is_need(kind)
                for change in [figures.Change(None, year, kind, amount, replaces=True)]
            ),
        ]
        everyone = self.records(
            lambda tx: records.memberships(tx, consortium.id, consortium.version)
        )
        # The members of that day, and any whose money is booked by then (dated before it
        # joined): every figure in the totals has its member's line.
        with_money = {change.member_id for change in changes if change.member_id is not None}
        shown = [
            m
            if m.left_on is None or m.left_on <= on
            else replace(m, left_at=None, left_on=None, leave_reason=None)
            for m in everyone
            if m.joined_on is None or m.joined_on <= on or m.id in with_money
        ]
        view = consortium_budget(consortium, Ledger().changed(changes), shown, on)
        shared = {
            (c.member_id, c.year): c.key_version
            for c in in_force
            if c.kind is ContributionKind.CASH and c.key_version is not None
        }
        return with_key_versions(view, shared)

    def budget_of(self, consortium: Consortium, today: date | None = None) -> BudgetView:
        """The budget of the consortium as it stands at its version (members who had left by
        then included, as the records show them), its financing judged on ``today``."""
        members, versions = self.records(
            lambda tx: (
                records.memberships(tx, consortium.id, consortium.version),
                records.key_versions(tx, consortium.id, consortium.ledger.pledges_in_force()),
            )
        )
        return with_key_versions(budget_of(consortium, members, today or self.today()), versions)

    def budgets_of_party(
        self, party: str, caller: Caller, as_of: datetime | None = None
    ) -> Iterator[tuple[Consortium, BudgetView]]:
        """The budget of every consortium the caller may see that the party is or was a member
        of. Reads every consortium: fine for hundreds; a read model replaces it at scale."""
        for current in self.all_consortia():
            if not current.can_read(caller.principal):
                continue
            consortium = current
            if as_of is not None:
                try:
                    consortium = self.consortium_as_of(current.id, as_of, caller)
                except NotFound:
                    continue  # founded after that moment
            view = self.budget_of(consortium, about_day(as_of) if as_of else None)
            if any(_is_party(row.member, party) for row in view.members):
                yield consortium, view


def _is_party(member: Member, party: str) -> bool:
    return same_party(member.party, party)


def _latest(revisions: list[Commitment], on: date) -> list[Commitment]:
    """The pledge in force on that day per member, year and kind: its last revision made by
    then."""
    latest: dict[tuple[UUID, int, ContributionKind], Commitment] = {}
    for revision in revisions:
        if revision.pledged_on is not None and revision.pledged_on <= on:
            latest[revision.member_id, revision.year, revision.kind] = revision
    return list(latest.values())
