"""Use cases of a consortium's versioned cost-sharing key: its versions, a new version, and the
preview of a year's shares with and without a candidate adopter.

The key is a stream of its own beside the consortium (``consortium.key_versions``). Until a
programme manager sets one, the consortium shares by the key it would get: over its current
municipalities (every current member when it has none), by population when each has one,
equally otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.cost_sharing import KeyKind, Share
from consortium.errors import InvalidValue
from consortium.financing import figures_per_year
from consortium.key_versions import CostSharingRule, KeyVersion, rule_id, version_for, version_of
from consortium.members import Member, Sector
from consortium.money import Money
from events.caller import Caller
from events.consortium_base import ConsortiumBase, may_manage

# The member id a candidate adopter has in a preview (it is no member yet).
CANDIDATE: Final = uuid5(NAMESPACE_URL, "urn:consortium:candidate-adopter")


@dataclass(frozen=True)
class Preview:
    """A year's shares by the key that applies then, and as they would be with a candidate."""

    year: int
    amount: Money
    version: KeyVersion
    shares: list[Share]
    candidate_version: KeyVersion | None
    candidate_shares: list[Share] | None


def default_version(consortium: Consortium) -> KeyVersion:
    """The key a consortium shares by before one was set."""
    sharing = _municipalities(consortium.members) or list(consortium.members)
    by_population = bool(sharing) and all(m.population for m in sharing)
    return KeyVersion(
        number=0,
        key=KeyKind.POPULATION if by_population else KeyKind.EQUAL,
        from_year=consortium.start_year,
        member_ids=tuple(m.id for m in sharing),
        weights=(),
        reason="De verdeelsleutel zolang er geen is vastgesteld",
    )


def first_open_year(consortium: Consortium, sharing: Sequence[UUID], this_year: int) -> int:
    """The first year a new version may apply to: next year, or the year after the last one a
    member sharing pledged for (years already pledged are never shared again)."""
    pledged = [
        year
        for member, year, amount in consortium.ledger.pledges()
        if member in sharing and amount.is_positive
    ]
    return max(this_year + 1, max(pledged, default=this_year) + 1)


def populations(
    consortium: Consortium, extra: Mapping[UUID, int | None] | None = None
) -> dict[UUID, int | None]:
    return {**{m.id: m.population for m in consortium.members}, **(extra or {})}


class KeyVersionUseCases(ConsortiumBase):
    """The versioned key of :class:`~events.consortia.ConsortiumApplication`."""

    def key_versions(self, consortium_id: UUID, caller: Caller) -> list[KeyVersion]:
        """Every version of the key, the first first (none while none was set)."""
        self.consortium(consortium_id, caller)
        return [
            version_of(e)
            for e in self.events.get(rule_id(consortium_id))
            if isinstance(e, CostSharingRule.VersionAdopted)
        ]

    def set_key(
        self,
        consortium_id: UUID,
        *,
        key: KeyKind,
        member_ids: Sequence[UUID] | None,
        weights: Mapping[UUID, Decimal] | None,
        reason: str,
        caller: Caller,
    ) -> KeyVersion:
        """A programme manager sets the key: a new version from the first year not pledged."""

        def act(consortium: Consortium, cause: Cause) -> tuple[KeyVersion, CostSharingRule]:
            sharing = list(member_ids) if member_ids else [m.id for m in consortium.members]
            for member_id in sharing:
                consortium.active_member(member_id, field="member_ids")
            rule = self._rule(consortium_id, cause)
            version = rule.adopt_version(
                key=key,
                from_year=first_open_year(consortium, sharing, cause.today.year),
                member_ids=sharing,
                weights=weights,
                reason=reason,
                cause=cause,
            )
            version.weighted(populations(consortium))  # the population key needs them all
            return version, rule

        version, _ = self.act_on(consortium_id, caller, may_manage, act, also_save=lambda r: [r[1]])
        return version

    def pledge_by_key(
        self, consortium_id: UUID, *, year: int, amount: Money, caller: Caller
    ) -> tuple[KeyVersion, list[Share]]:
        """Pledge a year's shares by the version of the key that applies to that year; each
        pledge's reason names the version (programme managers)."""

        def pledge(consortium: Consortium, cause: Cause) -> tuple[KeyVersion, list[Share]]:
            versions = self.key_versions(consortium_id, caller)
            version = current_only(
                version_for(versions, year) or default_version(consortium), consortium
            )
            shares = consortium.pledge_cost_shares(
                amount=amount,
                key=version.key,
                year=year,
                member_ids=version.member_ids,
                weights=dict(version.weights) or None,
                cause=cause,
                reason=f"Verdeelsleutel versie {version.number} ({version.key.value}) over "
                f"{amount} euro",
                key_version=version.number,
            )
            return version, shares

        return self.act_on(consortium_id, caller, may_manage, pledge)

    def preview_shares(
        self,
        consortium_id: UUID,
        caller: Caller,
        *,
        year: int | None,
        amount: Money | None,
        candidate_population: int | None,
        candidate_weight: Decimal | None,
    ) -> Preview:
        """A year's shares (by default the first year a new version would apply to), of the
        given amount (by default what the financing plan needs that year)."""
        consortium = self.consortium(consortium_id, caller)
        versions = self.key_versions(consortium_id, caller)
        current = versions[-1] if versions else default_version(consortium)
        year = year or first_open_year(consortium, current.member_ids, self.today().year)
        version = current_only(
            version_for(versions, year) or default_version(consortium), consortium
        )
        if amount is None:
            plan = figures_per_year(consortium.ledger).get(year)
            amount = plan.needed if plan is not None else Money.zero()
        if amount.amount < 0:
            raise InvalidValue("A negative amount is not shared.", field="amount")
        with self.explained(consortium_id):
            shares = version.shares(amount, populations(consortium))
            if candidate_population is None and candidate_weight is None:
                return Preview(year, amount, version, shares, None, None)
            with_candidate = joined(
                version,
                CANDIDATE,
                candidate_weight,
                number=version.number + 1,
                from_year=year,
                field="candidate_weight",
            )
            extra = {CANDIDATE: candidate_population}
            return Preview(
                year,
                amount,
                version,
                shares,
                with_candidate,
                with_candidate.shares(amount, populations(consortium, extra)),
            )

    # -- for the adoption use cases -------------------------------------------------------------

    def _rule(self, consortium_id: UUID, cause: Cause) -> CostSharingRule:
        """The consortium's rule, fresh, or a new one (saved with the act that needs it)."""
        rule = self._find(rule_id(consortium_id), CostSharingRule)
        return rule if rule is not None else CostSharingRule.start(consortium_id, cause)


def joined(
    version: KeyVersion,
    member_id: UUID,
    weight: Decimal | None,
    *,
    number: int,
    from_year: int,
    field: str = "weight",
) -> KeyVersion:
    """The version as it is with one more member sharing (its weight for the weights key)."""
    if version.key is KeyKind.WEIGHTS and weight is None:
        raise InvalidValue(
            "This consortium shares by weights: give the new member's weight.", field=field
        )
    weights = (*version.weights, (member_id, weight)) if version.key is KeyKind.WEIGHTS else ()
    return KeyVersion(
        number=number,
        key=version.key,
        from_year=from_year,
        member_ids=(*version.member_ids, member_id),
        weights=tuple((m, Decimal(w)) for m, w in weights if w is not None),
        reason=version.reason,
    )


def current_only(version: KeyVersion, consortium: Consortium) -> KeyVersion:
    """The version without the members that left since it was made (they share no more)."""
    current = {m.id for m in consortium.members}
    return replace(
        version,
        member_ids=tuple(m for m in version.member_ids if m in current),
        weights=tuple((m, w) for m, w in version.weights if m in current),
    )


def _municipalities(members: Sequence[Member]) -> list[Member]:
    return [m for m in members if m.sector is Sector.MUNICIPALITY]
