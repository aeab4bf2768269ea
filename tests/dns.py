"""A DNS of the tests' own, so that no test looks a name up on the internet.

``tests/conftest.py`` makes ``TEST_DNS`` the resolver every webhook address check uses unless
told otherwise; a test that needs other answers gives the rules a ``FakeDns`` of its own.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from typing import Final

# An address on the public internet (example.org's); no test connects to it.
PUBLIC_ADDRESS: Final = "93.184.215.14"


class FakeDns:
    """Answers from a table; a name not in it does not resolve. Keeps the names looked up."""

    def __init__(self, names: Mapping[str, Sequence[str]]) -> None:
        self.names = {name: list(addresses) for name, addresses in names.items()}
        self.lookups: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.names[host])


# The names tests outside the webhook's own use for a webhook that is set and never called.
TEST_NAMES: Final = {"hooks.example.org": (PUBLIC_ADDRESS,)}
