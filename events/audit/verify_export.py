#!/usr/bin/env python3
"""Check a consortium's event export offline: the hash chain, the signed checkpoint, the totals.

    python verify_export.py export.jsonl --public-key BASE64_KEY [--public-key OLDER_KEY ...]

Needs nothing but Python 3.11 or newer: no package of the service, no network. Get the public
key from someone you trust (the funder's contact, or ``GET /api/v1/audit/public-key`` on a
connection you trust), not from the export itself. After the service changed its signing key,
give its earlier public keys too (``retired_public_keys`` at that address): the checkpoint must
be signed by one of the keys given.

It prints the budget totals per year, recomputed from the events alone, then ``intact`` (exit
status 0), or ``broken:`` and the first line, event and reason that do not check out (exit
status 1). Malformed input exits with status 2.

What the chain is (the service uses these very functions, so both always agree)::

    canonical(event) = field(topic) + field(originator id, 32 lowercase hex digits)
                       + field(originator version, decimal) + field(state, the stored bytes)
    field(x)         = len(x) as 4 bytes, big-endian, then x
    digest(event)    = SHA-256(canonical(event))
    link(n)          = SHA-256(link(n - 1) + digest(event n)),  link(0) = 32 zero bytes

in the order of the application's notification ids. The state is the stored bytes as recorded
(JSON by default; compressed or encrypted when the service is configured so), and the event's
time is inside it (``timestamp``).

What "intact" proves: the service signed a checkpoint with the key's owner at the export's last
notification id, and every event line in the file is, byte for byte, the event the service had
chained at that position, with nothing added, removed, reordered or changed between the first
event line and the checkpoint. Events of other consortia in between are given only as their
digests ("elided" lines): that keeps their content private, and it also means this script cannot
tell that an elided digest is not an event of this consortium; the totals printed, compared with
the budget the service reports, show whether money events are missing. Events before the first
line of the export are not covered (they belong to other streams).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import struct
import sys
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

FORMAT = "consortium-audit-export/1"
GENESIS = bytes(32)
_pack = struct.Struct(">I").pack
_sha256 = hashlib.sha256


# -- the chain -----------------------------------------------------------------------------


def canonical_bytes(topic: str, originator_id: str, originator_version: int, state: bytes) -> bytes:
    """The bytes an event is chained by (see the module's docstring)."""
    t, o, v = topic.encode(), originator_id.encode(), str(originator_version).encode()
    return b"".join(
        (_pack(len(t)), t, _pack(len(o)), o, _pack(len(v)), v, _pack(len(state)), state)
    )


def event_digest(topic: str, originator_id: str, originator_version: int, state: bytes) -> bytes:
    return _sha256(canonical_bytes(topic, originator_id, originator_version, state)).digest()


def next_link(previous: bytes, digest: bytes) -> bytes:
    return _sha256(previous + digest).digest()


def checkpoint_message(
    application: str, notification_id: int, link: bytes, signed_at: str
) -> bytes:
    """The bytes a checkpoint's Ed25519 signature is over."""
    text = f"{FORMAT}\ncheckpoint\n{application}\n{notification_id}\n{link.hex()}\n{signed_at}\n"
    return text.encode()


# -- Ed25519 verification (RFC 8032, section 5.1.7; after its reference code in section 6) --

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_Point = tuple[int, int, int, int]  # extended homogeneous coordinates (X, Y, Z, T)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    return _P - x if (x & 1) != sign else x


def _add(p: _Point, q: _Point) -> _Point:
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _multiply(scalar: int, point: _Point) -> _Point:
    result: _Point = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _same(p: _Point, q: _Point) -> bool:
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def _decompress(data: bytes) -> _Point | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_BASE: _Point = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``message`` by ``public_key``."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public_key), _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = hashlib.sha512(signature[:32] + public_key + message).digest()
    k = int.from_bytes(h, "little") % _L
    return _same(_multiply(s, _BASE), _add(r, _multiply(k, a)))


# -- the budget, from the events -----------------------------------------------------------


def _plain(value: Any) -> Any:
    """A stored value without the transcoder's tags (``{"_type_": …, "_data_": …}``)."""
    if isinstance(value, dict):
        if "_type_" in value and "_data_" in value:
            return _plain(value["_data_"])
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _amount(value: Any) -> Decimal:
    money = _plain(value)
    return Decimal(money["amount"] if isinstance(money, dict) else money)


class Totals:
    """Per year: committed (cash, in kind), received (cash, in kind) and spent."""

    FIGURES = ("committed_cash", "committed_in_kind", "received_cash", "received_in_kind", "spent")

    def __init__(self) -> None:
        self._pledges: dict[tuple[str, int, str], Decimal] = {}
        self._received: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        self._contributions: dict[str, tuple[int, str, Decimal]] = {}
        self._spent: dict[int, Decimal] = defaultdict(Decimal)

    def add(self, topic: str, state: dict[str, Any]) -> None:
        name = topic.rpartition(".")[2]
        if name == "CommitmentPledged":
            kind = _plain(state.get("kind")) or "cash"
            key = (str(_plain(state["member_id"])), int(state["year"]), kind)
            self._pledges[key] = _amount(state["amount"])  # a revision replaces the pledge
        elif name == "ContributionLogged":
            booked = (int(state["year"]), _plain(state["kind"]), _amount(state["amount"]))
            self._contributions[str(_plain(state["contribution_id"]))] = booked
            self._received[booked[:2]] += booked[2]
        elif name == "ContributionReversed":
            year, kind, amount = self._contributions[str(_plain(state["contribution_id"]))]
            self._received[(year, kind)] -= amount
        elif name == "ExpenditureRecorded":
            self._spent[int(state["year"])] += _amount(state["amount"])

    def years(self) -> dict[int, dict[str, Decimal]]:
        table: dict[int, dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(self.FIGURES, Decimal("0.00"))
        )
        for (_, year, kind), amount in self._pledges.items():
            table[year][f"committed_{kind}"] += amount
        for (year, kind), amount in self._received.items():
            table[year][f"received_{kind}"] += amount
        for year, amount in self._spent.items():
            table[year]["spent"] += amount
        return dict(sorted(table.items()))


def decode_state(state: bytes) -> dict[str, Any] | None:
    """The event's fields, when its state is JSON (or zlib-compressed JSON); None when it is
    encrypted (the chain is still checked, the totals then are not)."""
    try:
        decoded = json.loads(state)
    except ValueError:
        try:
            decoded = json.loads(zlib.decompress(state))
        except (ValueError, zlib.error):
            return None
    return decoded if isinstance(decoded, dict) else None


# -- the export ----------------------------------------------------------------------------


class Broken(Exception):
    """The export does not check out; the message says where and why."""


class Malformed(Exception):
    """The file is not an export of this format."""


def _hex(line: dict[str, Any], name: str, number: int) -> bytes:
    try:
        value = bytes.fromhex(line[name])
    except (KeyError, TypeError, ValueError):
        raise Malformed(f"line {number}: {name!r} must be hexadecimal") from None
    if len(value) != 32:
        raise Malformed(f"line {number}: {name!r} must be 32 bytes")
    return value


def state_bytes(line: dict[str, Any]) -> bytes:
    if line.get("state_encoding") == "utf-8":
        return str(line["state"]).encode()
    return base64.b64decode(line["state"], validate=True)


def verify_lines(
    lines: Iterable[str], public_key: bytes, *older_keys: bytes
) -> tuple[dict[str, Any], Totals]:
    """Check an export; answers its checkpoint and the totals, or raises :class:`Broken`. The
    checkpoint must be signed by ``public_key`` or one of ``older_keys``."""
    totals = Totals()
    previous: bytes | None = None
    last_id = 0
    checkpoint: dict[str, Any] | None = None
    header: dict[str, Any] | None = None
    for number, text in enumerate(lines, start=1):
        try:
            line = json.loads(text)
            kind = line["kind"]
        except (ValueError, KeyError, TypeError):
            raise Malformed(f"line {number} is not a JSON object with a 'kind'") from None
        if checkpoint is not None:
            raise Broken(f"line {number}: nothing may follow the checkpoint")
        if kind == "header":
            if line.get("format") != FORMAT:
                raise Malformed(f"not a {FORMAT} file (format {line.get('format')!r})")
            header = line
        elif header is None:
            raise Malformed("the first line must be the header")
        elif kind == "event":
            previous, last_id = _check_event(line, number, previous, last_id, totals)
        elif kind == "elided":
            previous, last_id = _follow_elided(line, number, previous, last_id)
        elif kind == "checkpoint":
            _check_checkpoint(line, number, previous, last_id, header, (public_key, *older_keys))
            checkpoint = line
        else:
            raise Malformed(f"line {number}: unknown kind {kind!r}")
    if checkpoint is None:
        raise Broken("the export ends without a signed checkpoint: it may have been cut short")
    return checkpoint, totals


def _follow_elided(
    line: dict[str, Any], number: int, previous: bytes | None, last_id: int
) -> tuple[bytes, int]:
    if previous is None:
        raise Broken(f"line {number}: elided events before the first event")
    for digest in line["digests"]:
        previous = next_link(previous, bytes.fromhex(digest))
    return previous, max(last_id, int(line["last_notification_id"]))


def _name(line: dict[str, Any]) -> str:
    return (
        f"notification {line.get('notification_id')}, event {line.get('originator_id')} "
        f"version {line.get('originator_version')} ({str(line.get('topic')).rpartition('.')[2]})"
    )


def _check_event(
    line: dict[str, Any], number: int, previous: bytes | None, last_id: int, totals: Totals
) -> tuple[bytes, int]:
    stated_previous = _hex(line, "previous_link", number)
    if previous is not None and stated_previous != previous:
        raise Broken(f"line {number}, {_name(line)}: its previous link is not the chain's")
    notification_id = int(line["notification_id"])
    if notification_id <= last_id:
        raise Broken(f"line {number}, {_name(line)}: out of order")
    try:
        state = state_bytes(line)
    except (KeyError, ValueError, binascii.Error):
        raise Malformed(f"line {number}: unreadable state") from None
    digest = event_digest(
        str(line["topic"]), str(line["originator_id"]), int(line["originator_version"]), state
    )
    if line.get("link") is None:
        raise Broken(f"line {number}, {_name(line)}: it has no link (not recorded by the service)")
    link = next_link(stated_previous, digest)
    if link != _hex(line, "link", number):
        raise Broken(f"line {number}, {_name(line)}: its content does not match its link")
    fields = decode_state(state)
    if fields is not None:
        totals.add(str(line["topic"]), fields)
    return link, notification_id


def _check_checkpoint(
    line: dict[str, Any],
    number: int,
    previous: bytes | None,
    last_id: int,
    header: dict[str, Any] | None,
    public_keys: tuple[bytes, ...],
) -> None:
    link = _hex(line, "link", number)
    application = str(line["application"])
    if header is not None and application != header.get("application"):
        raise Broken(f"line {number}: the checkpoint is of another application")
    if previous is not None and (link != previous or int(line["notification_id"]) != last_id):
        raise Broken(
            f"line {number}: the chain of the lines before does not reach the signed checkpoint "
            f"(notification {line['notification_id']}): events were changed, added or removed"
        )
    message = checkpoint_message(application, int(line["notification_id"]), link, line["signed_at"])
    signature = base64.b64decode(line["signature"])
    if not any(ed25519_verify(key, message, signature) for key in public_keys):
        keys = "this key" if len(public_keys) == 1 else "any of these keys"
        raise Broken(f"line {number}: the checkpoint's signature is not valid for {keys}")


def _lines(path: str) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for text in handle:
            if text.strip():
                yield text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="the JSON Lines file the service exported")
    parser.add_argument(
        "--public-key",
        required=True,
        action="append",
        help="the service's key, base64 (again for each earlier key of the service)",
    )
    args = parser.parse_args(argv)
    try:
        keys = [base64.b64decode(key, validate=True) for key in args.public_key]
        checkpoint, totals = verify_lines(_lines(args.export), *keys)
    except (Malformed, binascii.Error, OSError) as error:
        print(f"cannot check: {error}", file=sys.stderr)
        return 2
    except Broken as error:
        print(f"broken: {error}")
        return 1
    print(f"{'year':<6}" + "".join(f"{name:>20}" for name in Totals.FIGURES))
    for year, figures in totals.years().items():
        print(f"{year:<6}" + "".join(f"{figures[name]:>20}" for name in Totals.FIGURES))
    print(
        f"checkpoint: {checkpoint['application']} notification {checkpoint['notification_id']}"
        f" signed at {checkpoint['signed_at']}"
    )
    print("intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
