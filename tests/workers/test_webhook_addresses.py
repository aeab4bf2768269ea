"""Which addresses a webhook may have (events/webhook_addresses.py): https on the public
internet; http only to hosts the operator allows; never an address inside the service's own
network, however it is spelt or whatever name stands for it. No I/O: the DNS is the tests'."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

import pytest

from consortium.errors import InvalidValue
from events.configuration import Settings
from events.webhook_addresses import (
    AddressNotAllowed,
    WebhookAddresses,
    is_internal,
    literal_address,
)
from tests.dns import PUBLIC_ADDRESS, FakeDns

DNS = FakeDns(
    {
        "hooks.example.org": [PUBLIC_ADDRESS],
        "intranet.example": ["10.0.0.1"],
        "metadata.example": ["169.254.169.254"],
        "dual.example": [PUBLIC_ADDRESS, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
        "partly-internal.example": [PUBLIC_ADDRESS, "192.168.1.10"],
        "mapped.example": ["::ffff:10.0.0.1"],
    }
)
RULES = WebhookAddresses(resolver=DNS)


def refusal(rules: WebhookAddresses, url: str) -> str:
    """The field a refused URL is refused on (fails when it is accepted)."""
    with pytest.raises(InvalidValue) as refused:
        rules.check(url)
    return str(refused.value.field)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("169.254.43518", "169.254.169.254"),
        ("127.0.0.1.", "127.0.0.1"),
        ("::1", "::1"),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
    ],
)
def test_an_address_is_read_in_every_spelling_a_resolver_accepts(host: str, address: str) -> None:
    assert literal_address(host) == ip_address(address)


@pytest.mark.parametrize("host", ["hooks.example.org", "1.example", "0x.example", "localhost"])
def test_a_host_name_is_no_literal_address(host: str) -> None:
    assert literal_address(host) is None


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "08.0.0.1", "1..1", "4294967296"])
def test_a_number_that_is_no_address_is_refused(host: str) -> None:
    with pytest.raises(ValueError, match="not an IPv4 address"):
        literal_address(host)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.0.0.1",  # private
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # link-local: the cloud's metadata service
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "0.0.0.0",  # unspecified  # noqa: S104 - an address under test, not one to bind
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",  # unique local
        "fec0::1",  # site-local (deprecated, still not public)
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    ],
)
def test_an_address_inside_a_network_is_internal(address: str) -> None:
    assert is_internal(ip_address(address))


@pytest.mark.parametrize(
    "address", [PUBLIC_ADDRESS, "8.8.8.8", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
)
def test_an_address_on_the_public_internet_is_not_internal(address: str) -> None:
    assert not is_internal(ip_address(address))


# -- when a webhook is set ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://2130706433/",
        "https://0177.0.0.1/",
        "https://0x7f.1/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://10.0.0.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost:6379/",
        "https://api.localhost/",
        "https://intranet.example/",
        "https://metadata.example/",
        "https://partly-internal.example/",
        "https://mapped.example/",
        "https://nowhere.example/",  # does not resolve
        "https://256.0.0.1/",
    ],
)
def test_an_address_that_is_not_public_is_refused_on_the_url_field(url: str) -> None:
    assert refusal(RULES, url) == "url"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.org/consortium?token=s3cret",
        "https://dual.example:8443/hook",
        f"https://{PUBLIC_ADDRESS}/hook",
    ],
)
def test_an_https_address_on_the_public_internet_is_accepted(url: str) -> None:
    assert RULES.check(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.org/hook",
        "file:///etc/passwd",
        "gopher://hooks.example.org/",
        "https://user:secret@hooks.example.org/hook",
        "https://user@hooks.example.org/hook",
        "https://hooks.example.org:99999/hook",
        "https://hooks.example.org/a b",
    ],
)
def test_an_address_of_another_scheme_or_with_credentials_is_refused(url: str) -> None:
    assert refusal(RULES, url) == "url"


def test_http_is_refused_unless_the_host_is_allowed() -> None:
    assert refusal(RULES, "http://hooks.example.org/hook") == "url"


def test_the_setting_allows_http_to_the_hosts_it_lists_whatever_their_case() -> None:
    listed = Settings.given(
        webhook_allow_http_hosts=" Hooks.Example.org , other.example"
    ).webhook_addresses()
    rules = WebhookAddresses(listed.allow_http_hosts, resolver=DNS)

    assert rules.check("http://HOOKS.example.org/hook") == "http://HOOKS.example.org/hook"
    assert listed.allow_http_hosts == {"hooks.example.org", "other.example"}


def test_without_the_setting_no_host_may_use_http() -> None:
    assert Settings.given().webhook_addresses().allow_http_hosts == frozenset()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5432/", "http://2130706433/", "http://localhost:6379/"]
)
def test_http_allowed_for_a_host_does_not_allow_an_internal_address(url: str) -> None:
    host = urlsplit(url).hostname or ""
    rules = WebhookAddresses(frozenset({host}), resolver=DNS)

    assert (rules.may_use_scheme("http", host), refusal(rules, url)) == (True, "url")


# -- at delivery ----------------------------------------------------------------------------------


def test_every_address_a_name_resolves_to_is_answered_when_all_are_public() -> None:
    assert RULES.addresses("dual.example") == [ip_address(a) for a in DNS.names["dual.example"]]


def test_one_internal_address_among_public_ones_refuses_the_name() -> None:
    with pytest.raises(AddressNotAllowed):
        RULES.addresses("partly-internal.example")
