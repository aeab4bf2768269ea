"""Which addresses a consortium's webhook may reach: public ones only, so that nobody can make
the service post to, or probe, the network it runs in (its database, its cache, the cloud's
metadata service).

Checked when a webhook is set (its URL, and what its host name resolves to then) and again at
every delivery (what the name resolves to now: the worker then connects to exactly the
addresses checked, so a name whose answer changes in between gains nothing). Webhooks use
https; plain http only to the host names the operator lists in
``CONSORTIUM_WEBHOOK_ALLOW_HTTP_HOSTS`` (comma-separated, none by default), and those too only
on public addresses.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Final
from urllib.parse import urlsplit

from consortium.errors import InvalidValue
from consortium.reminders import check_webhook_url

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
Resolver = Callable[[str], Sequence[str]]

ALLOW_HTTP_VARIABLE: Final = "CONSORTIUM_WEBHOOK_ALLOW_HTTP_HOSTS"

# Not on the public internet, yet not covered by the flags of ``ipaddress``.
_ALSO_INTERNAL: Final = (ip_network("100.64.0.0/10"),)  # shared address space (carrier NAT)
_NAT64: Final = ip_network("64:ff9b::/96")  # IPv6 addresses that a NAT64 gateway maps to IPv4
# A host whose last label is a number is an IPv4 address, as browsers and resolvers read it
# (WHATWG URL standard): "2130706433", "0177.0.0.1" and "0x7f.1" all mean 127.0.0.1.
_NUMBER: Final = re.compile(r"0x[0-9a-f]*|[0-9]+", re.IGNORECASE)

NOT_PUBLIC: Final = (
    "A webhook must be on the public internet; this address is a private, loopback, "
    "link-local, multicast or reserved one."
)
NOT_RESOLVED_TO_PUBLIC: Final = (
    "A webhook must be on the public internet; this host name does not resolve to public "
    "addresses only."
)
HTTPS_ONLY: Final = (
    "A webhook address starts with https:// (http:// only to hosts the service allows)."
)


class AddressNotAllowed(Exception):
    """A webhook's host is, or resolves to, an address that is not on the public internet."""


def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to now; socket.gaierror when it does not resolve."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host (as ``urlsplit`` gives it) spells out, in any spelling a
    resolver accepts: "127.0.0.1", "127.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "::1",
    "::ffff:127.0.0.1". None for a host name; ValueError for a number that is no address."""
    if ":" in host:
        return ip_address(host)
    labels = host.removesuffix(".").split(".")
    if not _NUMBER.fullmatch(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMBER.fullmatch(label) for label in labels):
        raise ValueError(f"{host!r} is not an IPv4 address")
    try:
        *head, last = [_number(label) for label in labels]
    except ValueError:  # "08": not octal; a resolver refuses it too
        raise ValueError(f"{host!r} is not an IPv4 address") from None
    if any(part > 255 for part in head) or last >= 256 ** (4 - len(head)):
        raise ValueError(f"{host!r} is not an IPv4 address")
    value = last
    for index, part in enumerate(head):
        value += part << (8 * (3 - index))
    return IPv4Address(value)


def _number(label: str) -> int:
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label)


def is_internal(address: IPAddress) -> bool:
    """Whether ``address`` is not on the public internet (or embeds an IPv4 address that is
    not): private, loopback, link-local, multicast, reserved, unspecified, shared."""
    embedded = _embedded_ipv4(address)
    if embedded is not None and is_internal(embedded):
        return True
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, IPv6Address) and address.is_site_local)
        or not address.is_global
        or any(address in network for network in _ALSO_INTERNAL)
    )


def _embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv6 address carries to (mapped, 6to4, Teredo, NAT64)."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class WebhookAddresses:
    """The rules a webhook's address must follow, and the resolver that looks names up.

    ``resolver`` None: the system's (the tests give one of their own). ``allow_networks``:
    internal networks a webhook may reach anyway; no setting fills it (the service allows
    none), the tests' own receivers on 127.0.0.1 use it."""

    allow_http_hosts: frozenset[str] = frozenset()
    resolver: Resolver | None = None
    allow_networks: tuple[IPNetwork, ...] = ()

    def check(self, url: str) -> str:
        """``url`` if a webhook may be set to it now; InvalidValue (field ``url``) if not."""
        url = check_webhook_url(url)
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not self.may_use_scheme(parts.scheme, host):
            raise InvalidValue(HTTPS_ONLY, field="url")
        try:
            literal = literal_address(host)
        except ValueError:
            raise InvalidValue(
                "The host of this webhook address is no valid address.", field="url"
            ) from None
        try:
            self.addresses(host)
        except AddressNotAllowed:
            raise InvalidValue(
                NOT_PUBLIC if literal is not None else NOT_RESOLVED_TO_PUBLIC, field="url"
            ) from None
        except (OSError, UnicodeError):
            # A name that does not resolve now is refused as well, with the same words as one
            # that resolves to an internal address: most often it is a typing error, better
            # heard of now than from failing reminders; and one answer for both means the
            # reply does not tell a caller which names exist inside the service's network.
            raise InvalidValue(NOT_RESOLVED_TO_PUBLIC, field="url") from None
        return url

    def may_use_scheme(self, scheme: str, host: str) -> bool:
        return scheme == "https" or (scheme == "http" and _host_name(host) in self.allow_http_hosts)

    def addresses(self, host: str) -> list[IPAddress]:
        """Every address ``host`` stands for now, each one checked. AddressNotAllowed when any
        of them is internal (a connection could go to any of them); OSError (socket.gaierror)
        when the name does not resolve; ValueError for a malformed numeric host."""
        literal = literal_address(host)
        if literal is not None:
            found = [literal]
        elif _host_name(host) == "localhost" or _host_name(host).endswith(".localhost"):
            raise AddressNotAllowed(f"{host} is this machine (RFC 6761)")
        else:
            answers = (self.resolver or system_resolver)(host)
            try:
                found = [ip_address(a) for a in answers]
            except ValueError:
                raise AddressNotAllowed(f"{host} resolves to {answers!r}") from None
            if not found:
                raise socket.gaierror(socket.EAI_NONAME, f"{host} has no address")
        refused = [a for a in found if not self.may_reach(a)]
        if refused:
            raise AddressNotAllowed(f"{host} is or resolves to {', '.join(map(str, refused))}")
        return found

    def may_reach(self, address: IPAddress) -> bool:
        return not is_internal(address) or any(address in n for n in self.allow_networks)


def _host_name(host: str) -> str:
    return host.strip().lower().removesuffix(".")
