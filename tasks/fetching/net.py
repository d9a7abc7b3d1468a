"""An httpx client that will not connect to private, loopback, link-local or otherwise internal
addresses, checked on the resolved address at connection time (so also after every redirect and
against DNS tricks), unless the host is listed in CLAIMTRACK_ALLOW_HOSTS."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

from schemas.settings import Settings

MAX_REDIRECTS = 5


class BlockedAddress(Exception):
    """A connection we refused to open; nothing was sent."""


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries to a router (mapped, NAT64, 6to4, Teredo)."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    return None


def is_public(address: str) -> bool:
    """A global unicast address; an IPv6 address that carries an IPv4 one (NAT64, 6to4, Teredo,
    mapped) only when that IPv4 address is global too; site-local fec0::/10 never."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _SITE_LOCAL or ip in _NAT64_LOCAL:
            return False
        inner = embedded_ipv4(ip)
        if inner is not None:
            return inner.is_global and not inner.is_multicast
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


class DeadlinePassed(Exception):
    """A request ran past its overall deadline (see request_deadline)."""


_deadline = threading.local()


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Every read on this thread's connections must finish within `seconds` from now: httpx's
    timeout bounds each read, so a server trickling one byte per read would otherwise hold a
    request open for ever."""
    previous = getattr(_deadline, "ends", None)
    _deadline.ends = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.ends = previous


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads stop at the deadline of the request using it."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        ends = getattr(_deadline, "ends", None)
        if ends is not None:
            remaining = ends - time.monotonic()
            if remaining <= 0:
                raise DeadlinePassed("request deadline passed")
            timeout = remaining if timeout is None else min(timeout, remaining)
            try:
                return self._stream.read(max_bytes, timeout)
            except httpcore.ReadTimeout as exc:
                if time.monotonic() >= ends:
                    raise DeadlinePassed("request deadline passed") from exc
                raise
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


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
                stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
                return DeadlineStream(stream)
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
