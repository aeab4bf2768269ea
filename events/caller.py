"""Caller: who asks, in which request, with which powers; the application adds the time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from consortium.access import Principal

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Caller:
    actor: str
    request_id: str
    is_admin: bool = False
    may_found: bool = False

    @property
    def principal(self) -> Principal:
        return Principal(email=self.actor, is_admin=self.is_admin, may_found=self.may_found)

    @classmethod
    def system(cls, actor: str, request_id: str) -> Caller:
        """The service itself or its operator at the command line: may do everything."""
        return cls(actor=actor, request_id=request_id, is_admin=True, may_found=True)
