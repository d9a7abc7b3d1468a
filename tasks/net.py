"""An httpx client that will not connect to private, loopback, link-local or otherwise internal
addresses, checked on the resolved address at connection time (so also after every redirect and
against DNS tricks), unless the host is listed in CLAIMTRACK_ALLOW_HOSTS."""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Iterable

import httpcore
import httpx

from schemas.settings import Settings

MAX_REDIRECTS = 5


class BlockedAddress(Exception):
    """A connection we refused to open; nothing was sent."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class AddressPolicy:
    """Which (host, port) pairs may be connected to."""

    def __init__(self, allow_hosts: Iterable[str] = ()):
        self.allowed = {entry.strip().lower() for entry in allow_hosts if entry.strip()}

    def is_allowed_host(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]")
        return host in self.allowed or f"{host}:{port}" in self.allowed

    def check(self, host: str, port: int, addresses: Iterable[str]) -> None:
        if self.is_allowed_host(host, port):
            return
        for address in addresses:
            if not is_public(address):
                raise BlockedAddress(
                    f"refused: {host} resolves to {address}, a private or internal address "
                    "(list the host in CLAIMTRACK_ALLOW_HOSTS to allow it)"
                )


class GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, checks every address, then connects to a checked address."""

    def __init__(self, policy: AddressPolicy):
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        self.policy.check(host, port, addresses)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the connection pool rebuilt on the guarded network backend."""

    def __init__(self, policy: AddressPolicy):
        super().__init__(trust_env=False)  # a proxy would connect for us, unchecked
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(policy),
        )


def guarded_client(settings: Settings) -> httpx.Client:
    """The client every fetch uses: timeouts, our User-Agent, a few redirects (each hop goes
    through the guarded transport again)."""
    return httpx.Client(
        transport=GuardedTransport(AddressPolicy(settings.allow_hosts)),
        timeout=settings.fetch_timeout_s,
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
    )
