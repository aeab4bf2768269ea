"""Domain errors: why a command was refused, in words a programme manager understands.

Three families, so the ways in can answer alike without knowing every rule:
``NotFound`` (the thing does not exist), ``RuleViolation`` (the request is well formed but the
consortium's state forbids it now) and ``InvalidValue`` (a value can never be right).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal by the domain."""

    title = "The request was refused"

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class NotFound(DomainError):
    title = "Not found"


class ConsortiumNotFound(NotFound):
    def __init__(self, consortium_id: object) -> None:
        super().__init__(f"There is no consortium {consortium_id}.", consortium_id=consortium_id)


class MemberNotFound(NotFound):
    def __init__(self, member_id: object) -> None:
        super().__init__(f"This consortium has no member {member_id}.", member_id=member_id)


class RuleViolation(DomainError):
    title = "Not allowed in the current state"


class ConsortiumIsFinished(RuleViolation):
    pass


class MemberHasLeft(RuleViolation):
    pass


class AlreadyMember(RuleViolation):
    pass


class LastLeadCannotLeave(RuleViolation):
    pass


class PhaseChangeNotAllowed(RuleViolation):
    pass


class InvalidValue(DomainError, ValueError):
    """A value that is wrong whatever the state; ``field`` names the input it came from."""

    title = "Invalid value"

    def __init__(self, message: str, field: str | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.field = field


class ContributionNotFound(NotFound):
    def __init__(self, contribution_id: object) -> None:
        super().__init__(
            f"This consortium has no contribution {contribution_id}.",
            contribution_id=contribution_id,
        )


class AlreadyReversed(RuleViolation):
    pass


class NothingToRevise(RuleViolation):
    pass


class InsufficientFunds(RuleViolation):
    pass


class NotAllowed(DomainError):
    """The caller may see this, but may not do that; the message says why."""

    title = "Forbidden"
