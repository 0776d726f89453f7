"""Where an image URL may point: an http(s) URL to a host whose every address is public.

The URL is handed to the model provider, which fetches it; a self-hosted provider fetches from inside the operator's
network, so a URL to loopback, link-local (cloud metadata), private, multicast, reserved or unspecified addresses is
refused, for literal addresses and for every address a name resolves to.
"""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import urlsplit

from promptsaas.application.ports.network import HostResolver
from promptsaas.domain.errors import InvalidInput

MAX_URL_LENGTH = 4096
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IpAddress = IPv4Address | IPv6Address


def is_public(address: IpAddress) -> bool:
    """A globally routable unicast address; an IPv6 address that carries an IPv4 one is judged by that one."""
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64:
            embedded = IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return None


async def check_url(url: str, field: str, resolver: HostResolver) -> None:
    """Raise `InvalidInput` unless `url` is http(s) to a public host: `attachment_invalid` for a malformed URL,
    `attachment_url_not_allowed` for a host that is, or resolves to, a non-public address (or does not resolve)."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput(
            f"{field}: an image URL is at most {MAX_URL_LENGTH} characters", field=field, code="attachment_invalid"
        )
    host = _http_host(url)
    if host is None:
        raise InvalidInput(f"{field}: an image URL must be http(s) with a host", field=field, code="attachment_invalid")
    literal = _literal(host)
    if literal is not None:
        if not is_public(literal):
            raise _not_allowed(field, f"{host} is not a public address")
        return
    addresses = [_literal(a) for a in await resolver.addresses(host)]
    if not addresses:
        raise _not_allowed(field, f"{host!r} does not resolve")
    if not all(a is not None and is_public(a) for a in addresses):
        raise _not_allowed(field, f"{host!r} resolves to an address that is not public")


def _http_host(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range raises here
    except ValueError:
        return None
    return parts.hostname if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _not_allowed(field: str, why: str) -> InvalidInput:
    return InvalidInput(
        f"{field}: images are fetched from public hosts only; {why}", field=field, code="attachment_url_not_allowed"
    )
