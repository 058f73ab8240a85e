"""The connecting half of checker.ingest.fetch, imported only when a URL is fetched: an httpcore
network backend that resolves each host once, refuses it if any of its addresses is loopback,
private, link-local, multicast, unspecified or reserved (unless allowed), connects to the
address it checked (no second DNS answer, so no rebinding), and bounds every read and write of
the connection by the fetch's deadline."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from typing import Any

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """A host resolved to an address the fetch may not connect to."""


class DeadlinePassed(Exception):
    """The whole fetch took longer than its deadline."""


def address_refusal(ip: IPAddress) -> str | None:
    """Why a connection to `ip` is refused (loopback, private, ...), or None for a public address.
    IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are judged as the IPv4 address they carry."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the resolver's order, each once."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.SyncBackend):
    """Resolves once, checks every address, connects to a checked address; every stream it
    returns is bounded by the fetch's deadline."""

    def __init__(self, *, end: float, allow_private: bool) -> None:
        self.end, self.allow_private = end, allow_private

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port)
        if not self.allow_private:
            for address in addresses:
                reason = address_refusal(ipaddress.ip_address(address))
                if reason:
                    shown = host if host == address else f"{host} ({address})"
                    raise AddressRefused(f"{shown} is a {reason} address: refused (allow with --allow-private)")
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                stream = super().connect_tcp(address, port, _left(self.end, timeout), local_address, socket_options)
                return DeadlineStream(stream, self.end)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write waits at most until the deadline, so a server
    trickling its headers or body a byte at a time cannot hold the fetch past it."""

    def __init__(self, inner: httpcore.NetworkStream, end: float) -> None:
        self.inner, self.end = inner, end

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _left(self.end, timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _left(self.end, timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, _left(self.end, timeout)), self.end)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


def _left(end: float, timeout: float | None) -> float:
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlinePassed
    return left if timeout is None else min(timeout, left)


def guarded_transport(backend: httpcore.NetworkBackend) -> Any:
    """httpx's own transport (its exception mapping, its response streams) over a connection pool
    that connects through `backend`. httpx has no public switch for the network backend, so the
    pool it builds is replaced; tests/test_fetch.py fails loudly if that stops taking effect."""
    import httpx

    ssl_context = httpx.create_ssl_context()  # certifi's roots, SSL_CERT_FILE and SSL_CERT_DIR honoured
    transport = httpx.HTTPTransport(verify=ssl_context, trust_env=False)
    transport._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)
    return transport
