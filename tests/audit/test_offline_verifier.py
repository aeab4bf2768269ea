"""The offline verifier a funder runs: its Ed25519 check agrees with `cryptography`, and run as
a plain script on an export it says "intact" with the service's totals, or names the event that
was changed in the database."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events.audit import verify_export
from events.audit.verify_export import ed25519_verify
from events.bootstrap import Store
from events.settings import StoreSettings
from tests.api.support import admit, found
from tests.backends import notification_id_column, run_sql
from tests.conftest import Api

CONSORTIA = "/api/v1/consortia"


@pytest.mark.parametrize("message", [b"", b"checkpoint", bytes(range(256)) * 4])
def test_signatures_made_by_cryptography_verify(message: bytes) -> None:
    key = Ed25519PrivateKey.generate()

    assert ed25519_verify(key.public_key().public_bytes_raw(), message, key.sign(message))


def test_a_signature_of_another_message_does_not_verify() -> None:
    key = Ed25519PrivateKey.generate()

    assert not ed25519_verify(key.public_key().public_bytes_raw(), b"b", key.sign(b"a"))


def test_a_signature_by_another_key_does_not_verify() -> None:
    signer, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()

    assert not ed25519_verify(other.public_key().public_bytes_raw(), b"a", signer.sign(b"a"))


def test_a_signature_with_a_flipped_bit_does_not_verify() -> None:
    key = Ed25519PrivateKey.generate()
    signature = bytearray(key.sign(b"a"))
    signature[40] ^= 1

    assert not ed25519_verify(key.public_key().public_bytes_raw(), b"a", bytes(signature))


def test_the_rfc_8032_test_vector_verifies() -> None:
    # RFC 8032, section 7.1, TEST 2.
    public = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
    signature = bytes.fromhex(
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    )

    assert ed25519_verify(public, b"\x72", signature)


# -- end to end ------------------------------------------------------------------------------


@pytest.fixture
def books(api: Api, store: Store) -> str:
    """A consortium with pledges, contributions (one reversed), in kind work and spending,
    its events interleaved with another consortium's."""
    consortium_id = found(api)["id"]
    other_id = found(api, name="Een ander verband")["id"]
    year = store.consortia.today().year
    day = store.consortia.today().isoformat()
    utrecht = admit(api, consortium_id, "Gemeente Utrecht", sector="municipality")["id"]
    admit(api, other_id, "Gemeente Zeist", sector="municipality")
    college = admit(api, consortium_id, "Hogeschool Utrecht", sector="academia")["id"]
    money = f"{CONSORTIA}/{consortium_id}"
    for body in (
        {"member_id": utrecht, "year": year, "amount": "50000.00"},
        {"member_id": utrecht, "year": year + 1, "amount": "30000.00"},
        {"member_id": utrecht, "year": year, "amount": "45000.00", "reason": "Bijgesteld"},
    ):
        assert api.post(f"{money}/commitments", json=body).status_code in (200, 201)
    contributions = [
        {"member_id": utrecht, "kind": "cash", "amount": "20000.00", "date": day},
        {"member_id": utrecht, "kind": "cash", "amount": "999.99", "date": day},
        {"member_id": college, "kind": "in_kind", "amount": "4000.00", "date": day},
    ]
    logged = [api.post(f"{money}/contributions", json=body).json for body in contributions]
    reversal = api.post(
        f"{money}/contributions/{logged[1]['id']}/reversal", json={"reason": "Dubbel geboekt"}
    )
    assert reversal.status_code in (200, 201), reversal.get_data(as_text=True)
    spent = {"amount": "7250.50", "date": day, "description": "Werksessies"}
    assert api.post(f"{money}/expenditures", json=spent).status_code == 201
    admit(api, other_id, "Gemeente Houten", sector="municipality")
    return str(consortium_id)


def run_verifier(tmp_path: Path, api: Api, store: Store, consortium_id: str) -> Any:
    """Export through the API and run the verifier as a plain script in a directory of its
    own, isolated from the project (``-I``: it must need nothing but the standard library)."""
    export = api.get(f"{CONSORTIA}/{consortium_id}/events.jsonl")
    assert export.status_code == 200
    (tmp_path / "export.jsonl").write_bytes(export.get_data())
    script = tmp_path / "verifier.py"
    script.write_bytes(api.get("/api/v1/audit/verifier.py").get_data())
    return subprocess.run(
        [
            sys.executable,
            "-I",
            str(script),
            "export.jsonl",
            "--public-key",
            store.audit.public_key_text,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def printed_totals(output: str) -> dict[int, dict[str, Decimal]]:
    lines = output.splitlines()
    names = lines[0].split()[1:]
    table = {}
    for line in lines[1:]:
        if not line[:1].isdigit():
            break
        year, *values = line.split()
        table[int(year)] = dict(zip(names, map(Decimal, values), strict=True))
    return table


def test_an_export_verifies_intact_with_the_services_totals(
    api: Api, store: Store, books: str, tmp_path: Path
) -> None:
    result = run_verifier(tmp_path, api, store, books)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "intact"
    budget = api.get(f"{CONSORTIA}/{books}/budget").json
    assert printed_totals(result.stdout) == {
        y["year"]: {name: Decimal(y[name]) for name in verify_export.Totals.FIGURES}
        for y in budget["years"]
    }


def test_the_verifier_names_an_event_edited_in_the_database(
    api: Api, store: Store, settings: StoreSettings, books: str, tmp_path: Path
) -> None:
    run_verifier(tmp_path, api, store, books)  # a checkpoint is signed with the first export
    column = notification_id_column(settings)
    nid, version, state = run_sql(
        settings,
        f"SELECT {column}, originator_version, state FROM consortia_events "  # noqa: S608
        "WHERE topic LIKE ? ORDER BY 1 LIMIT 1",
        ("%.ContributionLogged",),
    )[0]
    edited = bytes(state).replace(b"20000.00", b"2000.00")
    assert edited != bytes(state)
    run_sql(
        settings,
        f"UPDATE consortia_events SET state = ? WHERE {column} = ?",  # noqa: S608
        (edited, nid),
    )
    # A directory of its own: the SQLite store's file lies in tmp_path (removing it once made
    # the store's next connection open an empty database: "no such table").
    after = tmp_path / "after-the-edit"
    after.mkdir()

    result = run_verifier(after, api, store, books)

    assert result.returncode == 1
    assert result.stdout.startswith("broken:")
    assert f"notification {nid}, event {UUID(books).hex} version {version}" in result.stdout
