"""Facts that may be recorded once only, whatever processes race to record them.

A ``Once`` is an aggregate whose id is derived from what it stands for (such as "the reversal
of contribution X"): the store refuses a second first event for the same stream, so two writers
that both pass every check on fresh state cannot both record the fact. The use case saves it in
the same transaction as the consortium's event; the loser's save fails, is retried on fresh
state, and then finds the fact recorded (with who recorded it, and when).
"""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from consortium.cause import Cause

_NAMESPACE: Final = UUID("9d0f6c1e-3a7b-4e25-8c4d-2b1a6f5e7d30")


class Once(Aggregate):
    class Recorded(Aggregate.Created):
        key: str
        actor: str
        request_id: str

    def __init__(self, key: str, actor: str, request_id: str) -> None:
        self.key = key
        self.actor = actor
        self.request_id = request_id

    @staticmethod
    def id_for(key: str) -> UUID:
        return uuid5(_NAMESPACE, key)

    @classmethod
    def record(cls, key: str, cause: Cause) -> Any:
        return cls._create(
            cls.Recorded,
            id=cls.id_for(key),
            key=key,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )


def reversal_key(contribution_id: UUID) -> str:
    return f"reversal/{contribution_id}"
