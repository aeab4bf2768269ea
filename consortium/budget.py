"""The pooled, multi-year budget of a consortium: pledges, contributions, spending, cost shares.

Rules that need "now" (no contribution dated in the future, no pledge decades ahead) take it
from the Cause of the act, never from a clock of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final
from uuid import UUID, uuid4

from consortium.cause import Cause
from consortium.cost_sharing import KeyKind, Share, allocate
from consortium.errors import (
    AlreadyReversed,
    ContributionNotFound,
    DomainError,
    InsufficientFunds,
    InvalidValue,
    MemberNotFound,
    NothingToRevise,
)
from consortium.ledger import (
    Commitment,
    Contribution,
    ContributionKind,
    Expenditure,
    Ledger,
    Reversal,
    value_of_hours,
)
from consortium.members import Member
from consortium.money import MAX_AMOUNT, Money, require_positive
from consortium.phases import Phase, check_finished
from consortium.recording import ConsortiumEvent
from consortium.text import (
    MAX_DESCRIPTION,
    MAX_REASON,
    MAX_REFERENCE,
    optional_text,
    required_text,
)

# Pledges further ahead than this are typing errors, not plans.
MAX_YEARS_AHEAD: Final = 10
MAX_HOURS: Final = Decimal(100_000)


class Budget:
    """Mixin of the Consortium aggregate: its ledger and the rules of money."""

    _ledger: Ledger
    _phase: Phase
    start_year: int

    if TYPE_CHECKING:

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> None: ...
        def active_member(self, member_id: UUID) -> Member: ...
        @property
        def active_members(self) -> tuple[Member, ...]: ...
        @property
        def members(self) -> tuple[Member, ...]: ...
        def check_milestone_for_spending(self, milestone_id: UUID, amount: Money) -> None: ...

    # -- events -------------------------------------------------------------------------------

    class CommitmentPledged(ConsortiumEvent):
        """A pledge for a year, or (revision > 1) its revision, with the reason."""

        member_id: UUID
        year: int
        amount: Money
        revision: int
        reason: str | None

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.with_commitment(
                Commitment(
                    member_id=self.member_id,
                    year=self.year,
                    amount=self.amount,
                    revision=self.revision,
                    reason=self.reason,
                    recorded_at=self.timestamp,
                    recorded_by=self.actor,
                )
            )

    class CostSharesPledged(ConsortiumEvent):
        """An amount divided by a key, each share pledged by its member for the year."""

        amount: Money
        key: KeyKind
        year: int
        shares: tuple[Share, ...]
        reason: str

        def apply(self, consortium: Budget) -> None:
            ledger = consortium._ledger
            for share in self.shares:
                ledger = ledger.with_commitment(
                    Commitment(
                        member_id=share.member_id,
                        year=self.year,
                        amount=share.amount,
                        revision=len(ledger.revisions(share.member_id, self.year)) + 1,
                        reason=self.reason,
                        recorded_at=self.timestamp,
                        recorded_by=self.actor,
                    )
                )
            consortium._ledger = ledger

    class ContributionLogged(ConsortiumEvent):
        contribution_id: UUID
        member_id: UUID
        kind: ContributionKind
        amount: Money
        date: date
        year: int
        reference: str | None
        hours: Decimal | None
        rate: Money | None

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.with_contribution(
                Contribution(
                    id=self.contribution_id,
                    member_id=self.member_id,
                    kind=self.kind,
                    amount=self.amount,
                    date=self.date,
                    year=self.year,
                    reference=self.reference,
                    hours=self.hours,
                    rate=self.rate,
                    logged_at=self.timestamp,
                    logged_by=self.actor,
                )
            )

    class ContributionReversed(ConsortiumEvent):
        contribution_id: UUID
        reason: str

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.with_reversal(
                Reversal(
                    contribution_id=self.contribution_id,
                    reason=self.reason,
                    reversed_at=self.timestamp,
                    reversed_by=self.actor,
                )
            )

    class ExpenditureRecorded(ConsortiumEvent):
        expenditure_id: UUID
        amount: Money
        date: date
        year: int
        description: str
        milestone_id: UUID | None

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.with_expenditure(
                Expenditure(
                    id=self.expenditure_id,
                    amount=self.amount,
                    date=self.date,
                    year=self.year,
                    description=self.description,
                    milestone_id=self.milestone_id,
                    recorded_at=self.timestamp,
                    recorded_by=self.actor,
                )
            )

    # -- commands -----------------------------------------------------------------------------

    def pledge(
        self, *, member_id: UUID, year: int, amount: Money, reason: str | None, cause: Cause
    ) -> Commitment:
        """A member pledges money for a year, or revises its pledge (a reason is then needed)."""
        check_finished(self._phase)
        member = self._acting_member(member_id)
        self._check_year(year, cause)
        reason = optional_text(reason, "reason", MAX_REASON)
        current = self._ledger.pledge(member_id, year)
        if current is None:
            require_positive(amount)
        else:
            _check_revised_amount(amount)
            if amount == current:
                raise NothingToRevise(
                    f"{member.party} has pledged exactly {amount} euro for {year} already.",
                    current=str(current),
                )
            if reason is None:
                raise InvalidValue(
                    f"{member.party} pledged {current} euro for {year}; a revision needs a reason.",
                    field="reason",
                )
        revision = len(self._ledger.revisions(member_id, year)) + 1
        self._record(
            self.CommitmentPledged,
            cause,
            member_id=member_id,
            year=year,
            amount=amount,
            revision=revision,
            reason=reason,
        )
        return self._ledger.revisions(member_id, year)[-1]

    def log_contribution(
        self,
        *,
        member_id: UUID,
        kind: ContributionKind,
        amount: Money,
        on: date,
        year: int | None = None,
        reference: str | None = None,
        hours: Decimal | None = None,
        rate: Money | None = None,
        cause: Cause,
    ) -> Contribution:
        """Money received from a member, or work it gave in kind, booked against a year."""
        check_finished(self._phase)
        self._acting_member(member_id)
        require_positive(amount)
        if on > cause.today:
            raise InvalidValue(
                f"A contribution cannot be dated after today ({cause.today}).", field="date"
            )
        if on.year < self.start_year:
            raise InvalidValue(
                f"The consortium's budget starts in {self.start_year}; "
                f"a contribution dated {on} is before that.",
                field="date",
            )
        year = on.year if year is None else year
        self._check_year(year, cause)
        _check_valuation(kind, amount, hours, rate)
        contribution_id = uuid4()
        self._record(
            self.ContributionLogged,
            cause,
            contribution_id=contribution_id,
            member_id=member_id,
            kind=kind,
            amount=amount,
            date=on,
            year=year,
            reference=optional_text(reference, "reference", MAX_REFERENCE),
            hours=hours,
            rate=rate,
        )
        return self._ledger.contributions[-1]

    def reverse_contribution(self, contribution_id: UUID, *, reason: str, cause: Cause) -> Reversal:
        """Correct a contribution booked by mistake; it stays in the ledger, marked reversed."""
        check_finished(self._phase)
        original = self._ledger.contribution(contribution_id)
        if original is None:
            raise ContributionNotFound(contribution_id)
        earlier = self._ledger.reversal_of(contribution_id)
        if earlier is not None:
            raise AlreadyReversed(
                f"This contribution was reversed already, on {earlier.reversed_at:%Y-%m-%d} "
                f"by {earlier.reversed_by}.",
                contribution_id=contribution_id,
            )
        self._record(
            self.ContributionReversed,
            cause,
            contribution_id=contribution_id,
            reason=required_text(reason, "reason", MAX_REASON),
        )
        return self._ledger.reversals[str(contribution_id)]

    def record_expenditure(
        self,
        *,
        amount: Money,
        on: date,
        description: str,
        milestone_id: UUID | None = None,
        cause: Cause,
    ) -> Expenditure:
        """Spend from the pool: never more than the cash available."""
        check_finished(self._phase)
        require_positive(amount)
        description = required_text(description, "description", MAX_DESCRIPTION)
        if on > cause.today:
            raise InvalidValue(
                f"Spending cannot be dated after today ({cause.today}).", field="date"
            )
        self._check_year(on.year, cause, field="date")
        if milestone_id is not None:
            self.check_milestone_for_spending(milestone_id, amount)
        available = self._ledger.available
        if amount > available:
            raise InsufficientFunds(
                f"Only {available} euro is available (cash received minus spent); "
                f"{amount} euro cannot be spent.",
                available=str(available),
            )
        expenditure_id = uuid4()
        self._record(
            self.ExpenditureRecorded,
            cause,
            expenditure_id=expenditure_id,
            amount=amount,
            date=on,
            year=on.year,
            description=description,
            milestone_id=milestone_id,
        )
        return self._ledger.expenditures[-1]

    def share_costs(
        self,
        *,
        amount: Money,
        key: KeyKind,
        member_ids: Sequence[UUID] | None = None,
        weights: Mapping[UUID, Decimal] | None = None,
    ) -> list[Share]:
        """Divide an amount over members by a key (a calculation; nothing is recorded)."""
        require_positive(amount)
        members = self._sharing_members(key, member_ids, weights)
        return allocate(amount, [(m.id, _weight(key, m, weights)) for m in members])

    def pledge_cost_shares(
        self,
        *,
        amount: Money,
        key: KeyKind,
        year: int,
        member_ids: Sequence[UUID] | None = None,
        weights: Mapping[UUID, Decimal] | None = None,
        cause: Cause,
    ) -> list[Share]:
        """Divide an amount by a key and record each share as its member's pledge for a year."""
        check_finished(self._phase)
        self._check_year(year, cause, field="commit_year")
        shares = self.share_costs(amount=amount, key=key, member_ids=member_ids, weights=weights)
        self._record(
            self.CostSharesPledged,
            cause,
            amount=amount,
            key=key,
            year=year,
            shares=tuple(shares),
            reason=f"Verdeelsleutel ({key.value}) over {amount} euro",
        )
        return shares

    # -- queries ------------------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    # -- rules --------------------------------------------------------------------------------

    def _acting_member(self, member_id: UUID) -> Member:
        """The member money is booked for: one of this consortium (422 otherwise), still in it
        (409 otherwise)."""
        try:
            return self.active_member(member_id)
        except MemberNotFound as error:
            raise InvalidValue(error.message, field="member_id") from None

    def _check_year(self, year: int, cause: Cause, field: str = "year") -> None:
        last = cause.today.year + MAX_YEARS_AHEAD
        if not self.start_year <= year <= last:
            raise InvalidValue(
                f"{year} is outside this consortium's budget years ({self.start_year} to {last}).",
                field=field,
            )

    def _sharing_members(
        self,
        key: KeyKind,
        member_ids: Sequence[UUID] | None,
        weights: Mapping[UUID, Decimal] | None,
    ) -> list[Member]:
        if key is KeyKind.WEIGHTS:
            if not weights:
                raise InvalidValue("The weights key needs a weight per member.", field="weights")
            if member_ids is None:
                # In the order the members joined, whatever order the client sent the weights.
                order = {m.id: n for n, m in enumerate(self.members)}
                member_ids = sorted(weights, key=lambda m: order.get(m, len(order)))
            elif set(weights) - set(member_ids):
                raise InvalidValue(
                    "A weight is given for a member the amount is not shared over.",
                    field="weights",
                )
        elif weights:
            raise InvalidValue("Weights are only used with the weights key.", field="weights")
        if member_ids is None:
            return list(self.active_members)
        if len(set(member_ids)) != len(member_ids):
            raise InvalidValue("A member is listed twice.", field="member_ids")
        members = []
        for member_id in member_ids:
            try:
                members.append(self.active_member(member_id))
            except DomainError as error:  # unknown, or left: the key cannot apply
                raise InvalidValue(error.message, field="member_ids") from None
        return members


def _weight(key: KeyKind, member: Member, weights: Mapping[UUID, Decimal] | None) -> Decimal:
    if key is KeyKind.EQUAL:
        return Decimal(1)
    if key is KeyKind.POPULATION:
        if member.population is None:
            raise InvalidValue(
                f"{member.party} has no population (inwonertal); the population key needs one "
                "for every member.",
                field="member_ids",
                member_id=member.id,
            )
        return Decimal(member.population)
    if weights is None or member.id not in weights:
        raise InvalidValue(f"{member.party} has no weight.", field="weights", member_id=member.id)
    return weights[member.id]


def _check_revised_amount(amount: Money) -> None:
    if amount.amount < 0:
        raise InvalidValue(
            "A pledge cannot be negative; revise it to 0 to withdraw it.", field="amount"
        )
    if amount.amount > MAX_AMOUNT:
        raise InvalidValue(f"The amount may not exceed {MAX_AMOUNT:,.2f} euro.", field="amount")


def _check_valuation(
    kind: ContributionKind, amount: Money, hours: Decimal | None, rate: Money | None
) -> None:
    if kind is ContributionKind.CASH:
        if hours is not None or rate is not None:
            field = "hours" if hours is not None else "rate"
            raise InvalidValue("Hours and rate are for contributions in kind.", field=field)
        return
    if hours is None and rate is None:
        return  # a valued service: the amount is its value
    if hours is None or rate is None:
        raise InvalidValue(
            "Give both hours and rate, or neither.", field="hours" if hours is None else "rate"
        )
    if not Decimal(0) < hours <= MAX_HOURS:
        raise InvalidValue(f"Hours must be between 0 and {MAX_HOURS}.", field="hours")
    require_positive(rate, field="rate")
    expected = value_of_hours(hours, rate)
    if amount != expected:
        raise InvalidValue(
            f"The amount must be hours × rate = {expected} euro, not {amount}.", field="amount"
        )
