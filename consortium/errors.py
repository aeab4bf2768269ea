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


class GrantNotInForce(NotFound):
    """No grant in force has this id: it never existed, or it was revoked (the use case, which
    can look it up in the records, says which)."""

    def __init__(self, grant_id: object) -> None:
        super().__init__(f"This consortium has no role grant {grant_id}.", grant_id=grant_id)


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


class GateStillOpen(PhaseChangeNotAllowed):
    pass


class InvalidValue(DomainError, ValueError):
    """A value that is wrong whatever the state; ``field`` names the input it came from."""

    title = "Invalid value"

    def __init__(self, message: str, field: str | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.field = field


class MemberNotCurrent(MemberNotFound, InvalidValue):
    """The member is not among the consortium's current members: it never was one, or it left.

    The aggregate keeps only its current members, so it cannot tell which; the use case looks
    the member up in the consortium's records and says (``MemberHasLeft``, or not found).
    ``field`` names the input the member id came from, when it came from one (then it is an
    invalid value of that field, as far as the aggregate can tell)."""

    def __init__(self, member_id: object, field: str | None = None) -> None:
        DomainError.__init__(
            self, f"This consortium has no member {member_id}.", member_id=member_id
        )
        self.field = field


class ContributionNotFound(NotFound):
    def __init__(self, contribution_id: object) -> None:
        super().__init__(
            f"This consortium has no contribution {contribution_id}.",
            contribution_id=contribution_id,
        )


class AlreadyReversed(RuleViolation):
    pass


class LegacyReversal(LookupError):
    """A reversal recorded before reversals named their contribution's figures (version 1),
    met without its contribution: replay it from the consortium's first event."""

    def __init__(self, contribution_id: object) -> None:
        super().__init__(f"reversal of {contribution_id} needs its contribution to be replayed")
        self.contribution_id = contribution_id


class NothingToRevise(RuleViolation):
    pass


class InsufficientFunds(RuleViolation):
    pass


class NotAllowed(DomainError):
    """The caller may see this, but may not do that; the message says why."""

    title = "Forbidden"
