"""Versioned cost-sharing keys: the verdeelsleutel a consortium keeps, as a rule with versions.

A consortium's key (equal, by population, or by weights) is a rule of its own, beside the
consortium: each change is a new version that applies from a given year on, and a version never
changes once recorded. A new member (an adopter) makes a new version that applies from the first
year not yet pledged, so the shares of every year already pledged stay what they were.

The rule is a stream of its own (one per consortium, its id derived from the consortium's), so
the consortium's state stays bounded; it holds only its latest version, the earlier ones are its
events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from consortium.cause import Cause
from consortium.cost_sharing import KeyKind, Share, allocate
from consortium.errors import InvalidValue, RuleViolation
from consortium.money import Money
from consortium.recording import ConsortiumEvent, RecordingAggregate
from consortium.text import MAX_REASON, required_text

_NAMESPACE: Final = uuid5(NAMESPACE_URL, "urn:consortium:cost-sharing-rule")


def rule_id(consortium_id: UUID) -> UUID:
    """The id of a consortium's cost-sharing rule: one per consortium, so the store itself
    refuses a second one."""
    return uuid5(_NAMESPACE, str(consortium_id))


@dataclass(frozen=True, slots=True)
class KeyVersion:
    """One version of the key: who shares, how, from which year on."""

    number: int
    key: KeyKind
    from_year: int
    member_ids: tuple[UUID, ...]
    weights: tuple[tuple[UUID, Decimal], ...]  # for the weights key only
    reason: str

    def shares(self, amount: Money, populations: Mapping[UUID, int | None]) -> list[Share]:
        """The amount divided by this version (to the cent, largest remainder)."""
        return allocate(amount, self.weighted(populations))

    def weighted(self, populations: Mapping[UUID, int | None]) -> list[tuple[UUID, Decimal]]:
        if self.key is KeyKind.EQUAL:
            return [(m, Decimal(1)) for m in self.member_ids]
        if self.key is KeyKind.WEIGHTS:
            return list(self.weights)
        missing = [m for m in self.member_ids if not populations.get(m)]
        if missing:
            raise InvalidValue(
                "The population key needs the population (inwonertal) of every member sharing.",
                field="member_ids",
                member_ids=missing,
            )
        return [(m, Decimal(populations[m] or 0)) for m in self.member_ids]


def version_for(versions: Iterable[KeyVersion], year: int) -> KeyVersion | None:
    """The version that made (or makes) the shares of ``year``: the last one recorded that
    applies from that year or before."""
    found = None
    for version in versions:
        if version.from_year <= year and (found is None or version.number > found.number):
            found = version
    return found


def check_weights(
    key: KeyKind, member_ids: Sequence[UUID], weights: Mapping[UUID, Decimal] | None
) -> tuple[tuple[UUID, Decimal], ...]:
    """The weights of a weights key, one per member sharing and none else; nothing otherwise."""
    if not member_ids:
        raise InvalidValue("A key shares over at least one member.", field="member_ids")
    if len(set(member_ids)) != len(member_ids):
        raise InvalidValue("A member is listed twice.", field="member_ids")
    if key is not KeyKind.WEIGHTS:
        if weights:
            raise InvalidValue("Weights belong to the weights key only.", field="weights")
        return ()
    weights = weights or {}
    if set(weights) != set(member_ids):
        raise InvalidValue(
            "The weights key needs one weight for every member sharing, and no other.",
            field="weights",
        )
    checked = []
    for member_id in member_ids:
        try:
            weight = Decimal(weights[member_id])
        except (InvalidOperation, TypeError, ValueError):
            raise InvalidValue("A weight is a number.", field="weights") from None
        if not weight.is_finite() or weight < 0:
            raise InvalidValue("A weight is a number of zero or more.", field="weights")
        checked.append((member_id, weight))
    if sum(w for _, w in checked) == 0:
        raise InvalidValue("The weights add up to zero; nothing can be divided.", field="weights")
    return tuple(checked)


class CostSharingRule(RecordingAggregate):
    """A consortium's verdeelsleutel and its versions."""

    class Started(Aggregate.Created, ConsortiumEvent):
        consortium_id: UUID

    class VersionAdopted(ConsortiumEvent):
        number: int
        key: KeyKind
        from_year: int
        member_ids: tuple[UUID, ...]
        weights: tuple[tuple[UUID, str], ...]  # decimals as text: exact in JSON
        reason: str

        def apply(self, rule: CostSharingRule) -> None:
            rule.latest = version_of(self)

    def __init__(self, consortium_id: UUID) -> None:
        self.consortium_id = consortium_id
        self.latest: KeyVersion | None = None

    @classmethod
    def start(cls, consortium_id: UUID, cause: Cause) -> CostSharingRule:
        return cls._create(
            cls.Started,
            id=rule_id(consortium_id),
            consortium_id=consortium_id,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def adopt_version(
        self,
        *,
        key: KeyKind,
        from_year: int,
        member_ids: Sequence[UUID],
        weights: Mapping[UUID, Decimal] | None,
        reason: str,
        cause: Cause,
    ) -> KeyVersion:
        """A new version, applying from ``from_year`` on. It never applies to a year before the
        latest version's first year: what was decided for a year is not decided again earlier."""
        checked = check_weights(key, member_ids, weights)
        if self.latest is not None and from_year < self.latest.from_year:
            raise KeyYearTaken(
                f"Version {self.latest.number} of the key applies from {self.latest.from_year}; "
                "a new version cannot apply from an earlier year.",
                from_year=from_year,
            )
        event = self._record(
            self.VersionAdopted,
            cause,
            number=(self.latest.number + 1) if self.latest else 1,
            key=key,
            from_year=from_year,
            member_ids=tuple(member_ids),
            weights=tuple((m, str(w)) for m, w in checked),
            reason=required_text(reason, "reason", MAX_REASON),
        )
        return version_of(event)


class KeyYearTaken(RuleViolation):
    pass


def version_of(event: CostSharingRule.VersionAdopted) -> KeyVersion:
    return KeyVersion(
        number=event.number,
        key=event.key,
        from_year=event.from_year,
        member_ids=tuple(UUID(str(m)) for m in event.member_ids),
        weights=tuple((UUID(str(m)), Decimal(w)) for m, w in event.weights),
        reason=event.reason,
    )
