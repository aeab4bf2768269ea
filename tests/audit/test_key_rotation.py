"""The audit chain's signing key can be changed: checkpoints signed by an earlier key still
verify once its public key is listed as retired (CONSORTIUM_AUDIT_RETIRED_PUBLIC_KEYS), in the
service and in the offline verifier, and a checkpoint signed by a key the service never had is
still caught."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from uuid import UUID

import pytest

from events.audit.keys import decode_private, new_key_text, public_key_text
from events.audit.verify import CHECKPOINT, ChainReport
from events.audit.verify_export import Broken, verify_lines
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.configuration import Settings
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.store.support import found
from web.app import create_app

OLD, NEW, STRANGER = new_key_text(), new_key_text(), new_key_text()


def public(key: str) -> str:
    return public_key_text(decode_private(key))


@pytest.fixture
def signed_by_old_key(settings: StoreSettings, clock: StepClock, caller: Caller) -> UUID:
    """A consortium whose events are covered by a checkpoint of the old key."""
    store = open_store(settings, clock, audit_key=OLD)
    try:
        consortium_id = found(store.consortia, caller)
        assert store.audit.sign_checkpoint("consortia") is not None
        return consortium_id
    finally:
        store.close()


def reopened(settings: StoreSettings, clock: StepClock, *retired: str) -> Iterator[Store]:
    store = open_store(settings, clock, audit_key=NEW, audit_retired=[public(k) for k in retired])
    yield store
    store.close()


def consortia(store: Store) -> ChainReport:
    return next(r for r in store.audit.verify() if r.application == "consortia")


def test_checkpoints_of_a_retired_key_still_verify(
    settings: StoreSettings, clock: StepClock, signed_by_old_key: UUID
) -> None:
    for store in reopened(settings, clock, OLD):
        report = consortia(store)

        assert report.intact, report.broken
        assert report.checkpoints == 1


def test_without_the_retired_key_its_checkpoints_are_named(
    settings: StoreSettings, clock: StepClock, signed_by_old_key: UUID
) -> None:
    for store in reopened(settings, clock):
        report = consortia(store)

        assert report.broken is not None
        assert report.broken.problem == CHECKPOINT
        assert "retired" in report.broken.message


def test_a_key_the_service_never_had_is_caught_whatever_is_retired(
    settings: StoreSettings, clock: StepClock, signed_by_old_key: UUID
) -> None:
    for store in reopened(settings, clock, STRANGER):
        assert consortia(store).broken is not None


def test_new_checkpoints_are_signed_by_the_new_key_and_both_verify(
    settings: StoreSettings, clock: StepClock, signed_by_old_key: UUID, caller: Caller
) -> None:
    for store in reopened(settings, clock, OLD):
        found(store.consortia, caller)
        signed = store.audit.sign_checkpoint("consortia")
        assert signed is not None
        assert signed.public_key == base64.b64decode(public(NEW))

        report = consortia(store)

        assert report.intact, report.broken
        assert report.checkpoints == 2


def test_the_public_key_endpoint_lists_the_retired_keys(
    settings: StoreSettings, clock: StepClock, signed_by_old_key: UUID
) -> None:
    for store in reopened(settings, clock, OLD):
        app = create_app(store=store, settings=Settings.given(secret_key="t", base_url="http://t"))

        body = app.test_client().get("/api/v1/audit/public-key").get_json()

        assert body["public_key"] == public(NEW)
        assert body["retired_public_keys"] == [public(OLD)]


def test_the_offline_verifier_takes_the_retired_key_beside_the_new_one(
    settings: StoreSettings, clock: StepClock, signed_by_old_key: UUID, caller: Caller
) -> None:
    for store in reopened(settings, clock, OLD):
        # Nothing happened since the old key's checkpoint: the export ends at that checkpoint.
        lines = list(store.audit.export_consortium(signed_by_old_key, caller))
        new, old = (base64.b64decode(public(k)) for k in (NEW, OLD))

        with pytest.raises(Broken, match="not valid for this key"):
            verify_lines(lines, new)
        checkpoint, _ = verify_lines(lines, new, old)
        assert checkpoint["public_key"] == public(OLD)
