"""The certificate pin checked on every new TLS connection, before a request is written on it.

httpx sends a request as soon as the TLS handshake completes; a check on the answer comes too
late, since the request line, the headers (a Basic ``Authorization``) and the body have already
reached whoever presented the certificate. This module puts the check between the two: an
httpcore network backend whose streams, right after ``start_tls``, hand the peer's certificate
to a callback that raises (``CertificateMismatch``) and closes the connection unused.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

# Receives the peer's DER certificate (None when it presented none); raises to refuse it.
CertificateCheck = Callable[[bytes | None], None]


class _CheckedStream(httpcore.AsyncNetworkStream):
    """A network stream whose TLS upgrade is refused when the certificate is not the pinned one."""

    def __init__(self, inner: httpcore.AsyncNetworkStream, check: CertificateCheck) -> None:
        self._inner = inner
        self._check = check

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        secured = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        ssl_object = secured.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        try:
            self._check(bytes(der) if der else None)
        except BaseException:
            await secured.aclose()  # nothing was written on it
            raise
        return secured

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PinCheckingBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, with every TCP stream's TLS upgrade checked by ``check``."""

    def __init__(self, check: CertificateCheck) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._check = check

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        """A TCP connection whose later TLS upgrade is checked."""
        stream = await self._inner.connect_tcp(host, port, timeout=timeout,
                                               local_address=local_address,
                                               socket_options=socket_options)
        return _CheckedStream(stream, self._check)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        """Unchanged (no TLS on a local socket)."""
        return await self._inner.connect_unix_socket(path, timeout=timeout,
                                                     socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        """Unchanged."""
        await self._inner.sleep(seconds)


class PinCheckingTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport whose connections go through :class:`PinCheckingBackend`."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits,
                 check: CertificateCheck) -> None:
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        # httpx offers no argument for the network backend: the pool it built is replaced by
        # the same one with the checking backend (tests/hostile/test_security_edges.py fails
        # if this stops taking effect).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinCheckingBackend(check),
        )
