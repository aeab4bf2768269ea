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

from consortium import figures
from consortium.about import check_about
from consortium.cause import Cause, about_day
from consortium.cost_sharing import KeyKind, Share, allocate
from consortium.errors import (
    AlreadyReversed,
    InsufficientFunds,
    InvalidValue,
    LegacyReversal,
    NothingToRevise,
)
from consortium.figures import ContributionKind
from consortium.ledger import (
    Commitment,
    Contribution,
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

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> Any: ...
        def active_member(self, member_id: UUID, field: str | None = None) -> Member: ...
        @property
        def active_members(self) -> tuple[Member, ...]: ...
        @property
        def members(self) -> tuple[Member, ...]: ...
        def check_milestone_for_spending(self, milestone_id: UUID, amount: Money) -> None: ...
        def _spend_against(self, milestone_id: UUID, amount: Money) -> None: ...

    # -- events -------------------------------------------------------------------------------

    class CommitmentPledged(ConsortiumEvent):
        """A pledge of one kind for a year, or (revision > 1) its revision, with the reason;
        ``pledged_on`` is the day it was made. Pledges recorded before they had a kind and a
        day read as cash, made on the day they were recorded (the defaults)."""

        member_id: UUID
        year: int
        amount: Money
        revision: int
        reason: str | None
        kind: ContributionKind = ContributionKind.CASH
        pledged_on: date | None = None

        def changes(self) -> list[figures.Change]:
            return [figures.pledged(self.member_id, self.year, self.amount, self.kind)]

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.changed(self.changes())

    class CostSharesPledged(ConsortiumEvent):
        """An amount divided by a key, each share pledged by its member for the year."""

        amount: Money
        key: KeyKind
        year: int
        shares: tuple[Share, ...]
        reason: str
        # The version of the consortium's cost-sharing key that made the shares; pledges
        # shared before keys had versions, or by a key given by hand, have none (None).
        key_version: int | None = None

        def changes(self) -> list[figures.Change]:
            return [figures.pledged(s.member_id, self.year, s.amount) for s in self.shares]

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.changed(self.changes())

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

        def changes(self) -> list[figures.Change]:
            return [figures.received(self.member_id, self.year, self.kind, self.amount)]

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.changed(self.changes())

    class ContributionReversed(ConsortiumEvent):
        """A contribution reversed; it names what the contribution was booked as, so that
        folding it needs nothing but the event (version 1 did not: see ``events.replay``)."""

        class_version = 2

        contribution_id: UUID
        reason: str
        # Defaults, so a reversal of version 1 reads as recorded (its history unchanged).
        member_id: UUID | None = None
        year: int | None = None
        kind: ContributionKind | None = None
        amount: Money | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 lacks the four figures: they read as None (see the defaults)."""

        def changes(self) -> list[figures.Change]:
            if self.member_id is None or self.year is None or self.kind is None:
                raise LegacyReversal(self.contribution_id)
            assert self.amount is not None  # noqa: S101 - given with the other three
            return [figures.reversed_(self.member_id, self.year, self.kind, self.amount)]

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.changed(self.changes())

        def with_original(self, original: Contribution) -> Budget.ContributionReversed:
            """This event naming the contribution it reverses (for events of version 1)."""
            completed = object.__new__(type(self))
            completed.__dict__.update(
                vars(self),
                member_id=original.member_id,
                year=original.year,
                kind=original.kind,
                amount=original.amount,
            )
            return completed

    class ExpenditureRecorded(ConsortiumEvent):
        expenditure_id: UUID
        amount: Money
        date: date
        year: int
        description: str
        milestone_id: UUID | None

        def changes(self) -> list[figures.Change]:
            return [figures.spent(self.year, self.amount)]

        def apply(self, consortium: Budget) -> None:
            consortium._ledger = consortium._ledger.changed(self.changes())
            if self.milestone_id is not None:
                consortium._spend_against(self.milestone_id, self.amount)

    # -- commands -----------------------------------------------------------------------------

    def pledge(
        self,
        *,
        member_id: UUID,
        year: int,
        amount: Money,
        reason: str | None,
        kind: ContributionKind = ContributionKind.CASH,
        pledged_on: date | None = None,
        in_force_since: date | None = None,
        cause: Cause,
    ) -> Commitment:
        """A member pledges money (or work in kind) for a year, or revises that pledge (a
        reason is then needed). ``pledged_on``: the day it was made, today by default.

        ``in_force_since``: the day the pledge it revises was made (an entry of the ledger,
        looked up by the use case). A revision is not about an earlier day than that: the books
        read on a day take the pledge last made by then, which must be the last one recorded."""
        check_finished(self._phase)
        member = self._acting_member(member_id)
        self._check_year(year, cause)
        current = self._ledger.pledge(member_id, year, kind)
        on = check_about(
            pledged_on,
            cause,
            start_year=self.start_year,
            field="pledged_on",
            not_before=in_force_since if current is not None else None,
        )
        reason = optional_text(reason, "reason", MAX_REASON)
        # Cash goes unsaid; another kind by its words (in_kind: "in kind").
        what = "" if kind is ContributionKind.CASH else f" {kind.value.replace('_', ' ')}"
        if current is None:
            require_positive(amount)
        else:
            _check_revised_amount(amount)
            if amount == current:
                raise NothingToRevise(
                    f"{member.party} has pledged exactly {amount} euro{what} for {year} already.",
                    current=str(current),
                )
            if reason is None:
                raise InvalidValue(
                    f"{member.party} pledged {current} euro{what} for {year}; "
                    "a revision needs a reason.",
                    field="reason",
                )
        event = self._record(
            self.CommitmentPledged,
            cause,
            member_id=member_id,
            year=year,
            amount=amount,
            revision=self._ledger.revision_count(member_id, year, kind) + 1,
            reason=reason,
            kind=kind,
            pledged_on=on,
        )
        return commitment_of(event)

    def log_contribution(
        self,
        *,
        member_id: UUID,
        kind: ContributionKind,
        amount: Money | None,
        on: date,
        year: int | None = None,
        reference: str | None = None,
        hours: Decimal | None = None,
        rate: Money | None = None,
        cause: Cause,
    ) -> Contribution:
        """Money received from a member, or work it gave in kind, booked against a year.

        Work in kind valued by hours needs no amount: it is hours × rate (one given must be
        exactly that)."""
        check_finished(self._phase)
        self._acting_member(member_id)
        amount = _valuation(kind, amount, hours, rate)
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
        event = self._record(
            self.ContributionLogged,
            cause,
            contribution_id=uuid4(),
            member_id=member_id,
            kind=kind,
            amount=amount,
            date=on,
            year=year,
            reference=optional_text(reference, "reference", MAX_REFERENCE),
            hours=hours,
            rate=rate,
        )
        return contribution_of(event)

    def reverse_contribution(
        self, original: Contribution, *, earlier: Reversal | None, reason: str, cause: Cause
    ) -> Reversal:
        """Correct a contribution booked by mistake; it stays in the ledger, marked reversed.

        The contribution and its earlier reversal, if any, are looked up by the use case (they
        are entries of the ledger, not state of the consortium)."""
        check_finished(self._phase)
        if earlier is not None:
            raise AlreadyReversed(
                f"This contribution was reversed already, on {earlier.reversed_at:%Y-%m-%d} "
                f"by {earlier.reversed_by}.",
                contribution_id=original.id,
            )
        event = self._record(
            self.ContributionReversed,
            cause,
            contribution_id=original.id,
            reason=required_text(reason, "reason", MAX_REASON),
            member_id=original.member_id,
            year=original.year,
            kind=original.kind,
            amount=original.amount,
        )
        return reversal_of(event)

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
        event = self._record(
            self.ExpenditureRecorded,
            cause,
            expenditure_id=uuid4(),
            amount=amount,
            date=on,
            year=on.year,
            description=description,
            milestone_id=milestone_id,
        )
        return expenditure_of(event)

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
        reason: str | None = None,
        key_version: int | None = None,
    ) -> list[Share]:
        """Divide an amount by a key and record each share as its member's pledge for a year;
        ``reason`` says which key made them (by default the key's kind and the amount),
        ``key_version`` which version of the consortium's key, when one did."""
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
            reason=reason or f"Verdeelsleutel ({key.value}) over {amount} euro",
            key_version=key_version,
        )
        return shares

    # -- queries ------------------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    # -- rules --------------------------------------------------------------------------------

    def _acting_member(self, member_id: UUID) -> Member:
        """The member money is booked for: a current member of this consortium."""
        return self.active_member(member_id, field="member_id")

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
        return [self.active_member(m, field="member_ids") for m in member_ids]


def commitment_of(event: Budget.CommitmentPledged) -> Commitment:
    return Commitment(
        member_id=event.member_id,
        year=event.year,
        amount=event.amount,
        revision=event.revision,
        reason=event.reason,
        recorded_at=event.timestamp,
        recorded_by=event.actor,
        kind=event.kind,
        pledged_on=event.pledged_on or about_day(event.timestamp),
    )


def contribution_of(event: Budget.ContributionLogged) -> Contribution:
    return Contribution(
        id=event.contribution_id,
        member_id=event.member_id,
        kind=event.kind,
        amount=event.amount,
        date=event.date,
        year=event.year,
        reference=event.reference,
        hours=event.hours,
        rate=event.rate,
        logged_at=event.timestamp,
        logged_by=event.actor,
    )


def reversal_of(event: Budget.ContributionReversed) -> Reversal:
    return Reversal(
        contribution_id=event.contribution_id,
        reason=event.reason,
        reversed_at=event.timestamp,
        reversed_by=event.actor,
    )


def expenditure_of(event: Budget.ExpenditureRecorded) -> Expenditure:
    return Expenditure(
        id=event.expenditure_id,
        amount=event.amount,
        date=event.date,
        year=event.year,
        description=event.description,
        milestone_id=event.milestone_id,
        recorded_at=event.timestamp,
        recorded_by=event.actor,
    )


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


def _valuation(
    kind: ContributionKind, amount: Money | None, hours: Decimal | None, rate: Money | None
) -> Money:
    """The amount a contribution is booked at: the amount given, or for work in kind valued
    by hours, hours × rate (an amount given as well must be exactly that)."""
    if not kind.may_be_valued_by_hours:
        if hours is not None or rate is not None:
            field = "hours" if hours is not None else "rate"
            raise InvalidValue("Hours and rate are for contributions in kind.", field=field)
        return _given(amount)
    if hours is None and rate is None:
        return _given(amount)  # a valued service: the amount is its value
    if hours is None or rate is None:
        raise InvalidValue(
            "Give both hours and rate, or neither.", field="hours" if hours is None else "rate"
        )
    if not Decimal(0) < hours <= MAX_HOURS:
        raise InvalidValue(f"Hours must be between 0 and {MAX_HOURS}.", field="hours")
    require_positive(rate, field="rate")
    expected = value_of_hours(hours, rate)
    if amount is not None and amount != expected:
        raise InvalidValue(
            f"The amount must be hours × rate = {expected} euro, not {amount}.", field="amount"
        )
    return expected


def _given(amount: Money | None) -> Money:
    if amount is None:
        raise InvalidValue(
            "Give the amount (for work in kind: the amount, or hours and rate).", field="amount"
        )
    return amount
