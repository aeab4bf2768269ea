"""How the Consortium aggregate records events: with their cause, on immutable state.

Every attribute of a consortium holds an immutable value (tuples, frozen dataclasses, mappings
that are replaced, never changed), and each event's ``apply`` *replaces* attributes. That makes a
copy of a consortium as cheap as copying its ``__dict__``, which matters because the store hands
out a copy of its cached aggregate for every command.
"""

from __future__ import annotations

from typing import Any, Self

from eventsourcing.domain import Aggregate
from eventsourcing.domain import Snapshot as LibrarySnapshot

from consortium.cause import Cause


class ConsortiumEvent(Aggregate.Event):
    """Every consortium event says who caused it and in which request."""

    class_version = 1
    actor: str
    request_id: str


class RecordingAggregate(Aggregate):
    """Base of aggregates whose events carry a Cause and whose state is immutable."""

    class Snapshot(LibrarySnapshot):
        """A snapshot's state comes back from JSON with lists where the aggregate had tuples;
        they are made tuples again, so a snapshot restores exactly what a replay builds."""

        def mutate(self, _: None) -> Any:
            aggregate = super().mutate(None)
            for name, value in vars(aggregate).items():
                if isinstance(value, list) and name != "_pending_events":
                    object.__setattr__(aggregate, name, tuple(value))
            return aggregate

    def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> Any:
        """Record an event caused by ``cause``, and answer it."""
        # An event is never dated before its predecessor, so versions and times agree
        # and "the state as of an instant" is well defined even if clocks differ a little.
        self.trigger_event(
            event_class,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=max(cause.at, self.modified_on),
            **fields,
        )
        return self._pending_events[-1]

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.__dict__["_pending_events"] = []
        return clone
