"""`consortium audit`: verify the chain from the command line, sign checkpoints, make keys."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events.audit.keys import public_key_text
from events.bootstrap import Store
from events.caller import Caller
from events.settings import StoreSettings
from tests.backends import notification_id_column, run_sql
from tests.store.support import found
from web.cli import main

KEY = Ed25519PrivateKey.generate()


@pytest.fixture(autouse=True)
def own_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # whatever falls back to ./var lands here


def audit(settings: StoreSettings, *args: str) -> Result:
    env = {
        "CONSORTIUM_DATABASE_URL": settings.url,
        "CONSORTIUM_AUDIT_SIGNING_KEY": base64.b64encode(KEY.private_bytes_raw()).decode(),
    }
    return CliRunner(env=env).invoke(main, ["audit", *args])


def test_verify_says_each_chain_is_intact(
    store: Store, settings: StoreSettings, caller: Caller
) -> None:
    found(store.consortia, caller)

    result = audit(settings, "verify")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("consortia: intact, 2 events")


def test_verify_names_an_edited_event_and_exits_1(
    store: Store, settings: StoreSettings, caller: Caller
) -> None:
    consortium_id = found(store.consortia, caller)
    column = notification_id_column(settings)
    run_sql(
        settings,
        f"UPDATE consortia_events SET topic = topic || 'x' WHERE {column} = 2",  # noqa: S608
    )

    result = audit(settings, "verify")

    assert result.exit_code == 1
    line = result.output.splitlines()[0]
    assert line.startswith("consortia: broken at notification 2 (altered)")
    assert f"event {consortium_id} version 2, consortium {consortium_id}" in line


def test_checkpoint_signs_the_head_with_the_configured_key(
    store: Store, settings: StoreSettings, caller: Caller
) -> None:
    found(store.consortia, caller)

    result = audit(settings, "checkpoint")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("consortia: notification 2 signed at")
    (checkpoint,) = store.audit.recorder("consortia").checkpoints()
    assert checkpoint.public_key == KEY.public_key().public_bytes_raw()


def test_new_key_prints_a_key_whose_public_part_public_key_prints() -> None:
    runner = CliRunner()
    key = runner.invoke(main, ["audit", "new-key"]).output.strip()

    shown = runner.invoke(main, ["audit", "public-key", key]).output.strip()

    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(key))
    assert shown == public_key_text(private)
