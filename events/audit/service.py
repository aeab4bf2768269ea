"""The audit chain as the service uses it: sign checkpoints, verify, export a consortium.

A checkpoint is signed only after the links recorded since the previous one recompute, so a
tampered tail is never signed; signing is skipped while the head has not moved. Checkpoints are
signed by ``consortium audit checkpoint`` (run it from cron, or let the workers' beat run it),
and before every export, so an export always ends at a checkpoint of its own time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Final, cast
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.utils import get_topic, resolve_topic

from consortium.access import Role
from consortium.aggregate import Consortium
from consortium.errors import NotAllowed
from consortium.recording import RecordingAggregate
from events.application import StoreApplication
from events.audit.chain import GENESIS, ChainedRecorder, Checkpoint
from events.audit.export import export_lines
from events.audit.keys import audit_signing_key, public_key_text
from events.audit.verify import ChainReport, verify_chain
from events.audit.verify_export import checkpoint_message
from events.caller import Caller, Clock
from events.consortia import ConsortiumApplication

log = logging.getLogger(__name__)
CONSORTIA = "consortia"
# Events that may hold a secret (a webhook's address carries the receiver's token): exported as
# their digest only, like other streams' events, so the chain still checks.
PRIVATE_TOPICS: Final = frozenset({get_topic(Consortium.WebhookSet)})


class Audit:
    def __init__(
        self,
        applications: Mapping[str, StoreApplication],
        clock: Clock,
        key: Callable[[], Ed25519PrivateKey] = audit_signing_key,
        retired: frozenset[bytes] = frozenset(),
    ) -> None:
        self.applications = dict(applications)
        self.clock = clock
        self._load_key = key
        self.retired_public_keys = retired  # of earlier keys: their checkpoints still verify

    @cached_property
    def key(self) -> Ed25519PrivateKey:
        return self._load_key()

    @property
    def public_key(self) -> bytes:
        return self.key.public_key().public_bytes_raw()

    @property
    def public_key_text(self) -> str:
        return public_key_text(self.key)

    def recorder(self, application: str) -> ChainedRecorder:
        return cast(ChainedRecorder, self.applications[application].recorder)

    def verify(self) -> list[ChainReport]:
        """Every application's chain, recomputed from its first event."""
        return [
            verify_chain(
                name,
                self.recorder(name),
                self.public_key,
                self._naming(name),
                retired=self.retired_public_keys,
            )
            for name in self.applications
        ]

    def sign_checkpoints(self) -> list[Checkpoint | None]:
        return [self.sign_checkpoint(name) for name in self.applications]

    def sign_checkpoint(self, application: str) -> Checkpoint | None:
        """A checkpoint at the chain's head (the latest one when the head has not moved, or
        when the links since it do not recompute)."""
        recorder = self.recorder(application)
        signed = recorder.checkpoints()
        last = signed[-1] if signed else None
        head = recorder.head()
        if head is None or (last is not None and last.notification_id >= head.notification_id):
            return last
        report = verify_chain(
            application,
            recorder,
            self.public_key,
            self._naming(application),
            after=0 if last is None else last.notification_id,
            previous=GENESIS if last is None else last.link,
        )
        if report.broken is not None or report.last_link is None:
            log.warning("no checkpoint signed for %s: %s", application, report.broken)
            return last
        assert report.last_notification_id is not None  # noqa: S101 - set with last_link
        signed_at = self.clock().isoformat()
        message = checkpoint_message(
            application, report.last_notification_id, report.last_link, signed_at
        )
        checkpoint = Checkpoint(
            application,
            report.last_notification_id,
            report.last_link,
            signed_at,
            self.public_key,
            self.key.sign(message),
        )
        recorder.insert_checkpoint(checkpoint)
        return checkpoint

    def export_consortium(self, consortium_id: UUID, caller: Caller) -> Iterator[str]:
        """The consortium's events as JSON Lines, for its funders and programme managers; a
        checkpoint is signed first, so the export reaches the present. Rights are checked
        now, the lines are read as they are consumed."""
        consortia = self.applications[CONSORTIA]
        assert isinstance(consortia, ConsortiumApplication)  # noqa: S101 - as built
        consortium = consortia.consortium(consortium_id, caller)
        roles = consortium.roles_of(caller.principal.email)
        if not (caller.is_admin or roles & {Role.FUNDER, Role.PROGRAMME_MANAGER}):
            raise NotAllowed("Only the consortium's funders and programme managers export it.")
        checkpoint = self.sign_checkpoint(CONSORTIA)
        return export_lines(
            CONSORTIA,
            self.recorder(CONSORTIA),
            consortium_id,
            checkpoint,
            self.clock(),
            private_topics=PRIVATE_TOPICS,
        )

    def _naming(self, application: str) -> Callable[[UUID], UUID | None]:
        app = self.applications[application]
        return lambda originator_id: consortium_of(app, originator_id)


def consortium_of(app: StoreApplication, originator_id: UUID) -> UUID | None:
    """The consortium an event's stream belongs to, if any: the consortium's own stream (known
    by its events' classes, without reading their possibly altered state), or a stream whose
    first event names a ``consortium_id`` (invitations, reminder deliveries)."""
    stored = app.recorder.select_events(originator_id, limit=1)
    if not stored:
        return None
    module, _, qualname = stored[0].topic.partition(":")
    try:
        owner = resolve_topic(f"{module}:{qualname.split('.')[0]}")
    except Exception:
        return None
    if (
        isinstance(owner, type)
        and owner is not RecordingAggregate
        and issubclass(Consortium, owner)
    ):
        return originator_id
    try:
        event = app.mapper.to_domain_event(stored[0])
    except Exception:
        return None
    found = getattr(event, "consortium_id", None)
    return found if isinstance(found, UUID) else None
