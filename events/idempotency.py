"""Idempotent writes: a retried request with the same Idempotency-Key is answered, not redone.

The first request's response is kept in the event store, in the same transaction as the events
it caused, so a retry after a timeout, a crash or a restart finds it, and two requests with the
same key racing each other cannot both book: the second one's transaction fails on the record's
unique id, is retried, and then finds the first one's response.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from consortium.cause import Cause
from consortium.errors import InvalidValue

_NAMESPACE: Final = UUID("2b7e1a9c-4d3f-4c11-9a5e-0f6d8c3b2a19")
HEADER: Final = "Idempotency-Key"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdempotencyClaim:
    """A request that asks to be done once: who and where (scope), its key and its content."""

    scope: str
    key: str
    fingerprint: str
    render: Callable[[Any], StoredResponse]

    @property
    def record_id(self) -> UUID:
        return uuid5(_NAMESPACE, f"{self.scope}\n{self.key}")


class IdempotencyKeyReused(InvalidValue):
    def __init__(self) -> None:
        super().__init__(
            f"This {HEADER} was used before for a request with a different body; "
            "use a new key for a new request.",
            field=HEADER,
        )


class AlreadyDone(Exception):
    """The request was done before: answer its first response again."""

    def __init__(self, response: StoredResponse) -> None:
        super().__init__("already done")
        self.response = response


class IdempotentRequest(Aggregate):
    class Event(Aggregate.Event):
        class_version = 1
        actor: str
        request_id: str

    class Recorded(Aggregate.Created, Event):
        scope: str
        key: str
        fingerprint: str
        status: int
        body: Any
        headers: dict[str, str]

    def __init__(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        status: int,
        body: Any,
        headers: dict[str, str],
    ) -> None:
        self.scope = scope
        self.key = key
        self.fingerprint = fingerprint
        self.response = StoredResponse(status, body, dict(headers))

    @classmethod
    def record(cls, claim: IdempotencyClaim, response: StoredResponse, cause: Cause) -> Any:
        return cls._create(
            cls.Recorded,
            id=claim.record_id,
            scope=claim.scope,
            key=claim.key,
            fingerprint=claim.fingerprint,
            status=response.status,
            body=response.body,
            headers=response.headers,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )
