"""The camera's one MJPEG reader: connect, request and answer head on the event loop, the body
in a stream thread (:mod:`.streamthread`), every byte of HTTP parsed by llhttp (:mod:`.httpwire`).

No httpx/httpcore layers per chunk: the viewer's main thread used to spend ~1-2 ms per frame in
httpx's stream reading (httpcore and anyio per 64 KB chunk, one task switch each). Here an
asyncio Protocol connects, sends the request (the one httpx would send: built by the device's
``httpx.AsyncClient``, authorised by the Transport's own auth object, so Digest nonce counts
stay shared) and reads the answer's head; a ``200 multipart/*`` answer's socket then moves to a
:class:`.StreamThread`, which reads, splits and hands on the JPEGs. Anything else raises
:class:`NotAStream` and the caller repeats the request through the Transport, which maps
errors, explains 401s and reads single-JPEG answers.

TLS: the Transport's pin is taken first (``ensure_trusted``) and the peer's certificate is
compared with it before the request (with credentials) is sent. The TLS session is run over
memory buffers (:class:`.TlsSession`, public ``ssl`` API) rather than by asyncio's SSL
transport, so that, like a plain connection, it moves to the stream thread with its socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Callable, Mapping

import httpx

from ..core.errors import (
    CertificateMismatch,
    DeviceError,
    DeviceTimeout,
    ProtocolError,
    Unreachable,
)
from ..core.mjpeg import MjpegParser, boundary_from_content_type
from ..core.transport import Transport, device_ssl_context, fingerprint, os_reason
from .httpwire import HttpExchange, MjpegBody
from .streamthread import FrameSink, StreamThread
from .tlsbio import TlsSession


class NotAStream(Exception):
    """The answer is not a plain MJPEG stream: the Transport makes this request again and
    reads its answer (one JPEG, or an error to explain)."""


class _HeadProtocol(asyncio.Protocol):
    """Connects (and secures, with ``tls``: ``secured``), sends the request and reads the
    answer's head into ``head``; the body is left to a :class:`.StreamThread`. With ``tls``,
    the connection's bytes go through that :class:`.TlsSession`, so the session can move to
    the thread with the socket."""

    def __init__(self, loop: asyncio.AbstractEventLoop, host: str,
                 tls: TlsSession | None = None) -> None:
        self.loop = loop
        self.host = host
        self.tls = tls
        self.exchange = HttpExchange(host)
        self.conn: asyncio.Transport | None = None
        self.secured: asyncio.Future[None] = loop.create_future()
        self.head: asyncio.Future[tuple[int, httpx.Headers]] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.conn = transport  # type: ignore[assignment]
        if self.tls is None:
            self.secured.set_result(None)
        else:
            self._advance_tls(b"")

    def send(self, data: bytes) -> None:
        assert self.conn is not None
        self.conn.write(self.tls.encrypt(data) if self.tls is not None else data)

    def _advance_tls(self, raw: bytes) -> bytes:
        """Feed received bytes to the TLS session; returns the plaintext they completed."""
        tls = self.tls
        assert tls is not None and self.conn is not None
        plain = b""
        try:
            if raw:
                tls.feed(raw)
            if tls.handshake():
                plain = tls.read_plain()
                if not self.secured.done():
                    self.secured.set_result(None)
        except ssl.SSLError as exc:
            self.fail(Unreachable(f"TLS connection failed: {exc.reason or exc}", host=self.host))
            self.conn.abort()
            return b""
        out = tls.take_output()
        if out:
            self.conn.write(out)
        return plain

    def data_received(self, data: bytes) -> None:
        if self.tls is not None:
            data = self._advance_tls(data)
        if not data:
            return
        if self.head.done():  # body bytes before the socket moved: kept for the thread
            self.exchange.keep(data)
            return
        try:
            head = self.exchange.feed_head(data)
        except ProtocolError as exc:
            self.fail(exc)
            return
        if head is not None:
            self.head.set_result(head)

    def fail(self, exc: BaseException) -> None:
        for future in (self.secured, self.head):
            if not future.done():
                future.set_exception(exc)
                future.exception()  # retrieved: no "never retrieved" warning if unused

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self.fail(Unreachable(f"network error: {exc}", host=self.host))
        else:
            self.fail(ProtocolError("connection dropped or bad HTTP: no answer", host=self.host))


async def stream_raw(transport: Transport, path: str, params: Mapping[str, str],
                     on_frame: Callable[[bytes], None], *, read_timeout: float,
                     sink: FrameSink | None = None) -> int:
    """Stream ``path`` until the camera ends it; returns the parse errors.

    The body (HTTP or HTTPS) is read in a :class:`.StreamThread`, which hands the newest
    JPEG to ``sink``; without a sink, every JPEG goes to ``on_frame`` on the event loop.

    Raises :class:`NotAStream` when the answer is not ``200 multipart/*`` (after the auth
    challenge, if any), typed ``DeviceError`` s otherwise.
    """
    await transport.ensure_trusted()
    request = transport.client.build_request("GET", path, params=dict(params))
    flow = transport.auth.auth_flow(request) if transport.auth is not None else None
    if flow is not None:
        request = next(flow)
    while True:
        conn, proto = await _connect(transport)
        try:
            proto.send(proto.exchange.request(request))
            status, headers = await _wait_head(proto, read_timeout)
            if status == 401 and flow is not None:
                try:
                    request = flow.send(httpx.Response(401, headers=headers, request=request))
                except StopIteration:
                    raise NotAStream() from None
                continue  # Assumption: a fresh connection for the answer (no body to drain)
            ctype = headers.get("content-type", "")
            if status != 200 or not ctype.lower().startswith("multipart/"):
                raise NotAStream()
            try:
                parser = MjpegParser(boundary_from_content_type(ctype))
            except ValueError as exc:
                raise ProtocolError(f"camera stream: {exc}", host=transport.endpoint.host) from exc
            sock = _detached_socket(conn)
            if sock is None:
                raise Unreachable("the camera stream's connection cannot be read here",
                                  host=transport.endpoint.host)
            body = MjpegBody(parser, proto.exchange)
            if sink is None:
                return await _stream_in_thread(sock, proto, body, _LoopSink(proto.loop, on_frame),
                                               read_timeout, newest_only=False)
            return await _stream_in_thread(sock, proto, body, sink, read_timeout)
        finally:
            conn.abort()  # (a stream thread reads its own duplicate of the socket)


class _LoopSink:
    """The :class:`.FrameSink` of a caller without one: every JPEG to ``on_frame`` on the
    loop, in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop,
                 on_frame: Callable[[bytes], None]) -> None:
        self._loop = loop
        self._on_frame = on_frame

    def frame_in_thread(self, data: bytes, received: float, skipped: int) -> None:
        self.post(self._on_frame, data)

    def post(self, callback: Callable[..., object], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody listens
            self._loop.call_soon_threadsafe(callback, *args)

    def track(self, job: StreamThread) -> None:
        """``stream_raw`` stops its thread itself."""


async def _connect(transport: Transport) -> tuple[asyncio.Transport, _HeadProtocol]:
    loop = asyncio.get_running_loop()
    endpoint = transport.endpoint
    tls = TlsSession(device_ssl_context()) if endpoint.scheme == "https" else None
    try:
        async with asyncio.timeout(transport.connect_timeout):
            conn, proto = await loop.create_connection(
                lambda: _HeadProtocol(loop, endpoint.host, tls), endpoint.host,
                endpoint.effective_port)
    except TimeoutError as exc:
        raise Unreachable("connection timed out (device offline or wrong address?)",
                          host=endpoint.host) from exc
    except OSError as exc:
        raise Unreachable(f"cannot connect: {os_reason(exc)}", host=endpoint.host) from exc
    if tls is not None:
        try:
            async with asyncio.timeout(transport.connect_timeout):
                await asyncio.shield(proto.secured)
        except TimeoutError as exc:
            conn.abort()
            raise Unreachable("TLS connection failed: no handshake answer",
                              host=endpoint.host) from exc
        except DeviceError:
            conn.abort()
            raise
        der = tls.peer_certificate()
        fp = fingerprint(der) if der else "none"
        pinned = transport.pinned_fingerprint
        if pinned != fp:  # before any credentials are sent
            conn.abort()
            raise CertificateMismatch(endpoint.host, pinned or "none", fp)
    return conn, proto  # type: ignore[return-value]


def _detached_socket(conn: asyncio.Transport) -> socket.socket | None:
    """A blocking duplicate of the connection's TCP socket, asyncio no longer reading it
    (its own descriptor is closed with the transport; the duplicate keeps the connection).
    TLS, if any, lives in the protocol's :class:`.TlsSession`, which moves along. None where
    duplicating is not possible."""
    raw = conn.get_extra_info("socket")
    if raw is None:
        return None
    try:
        conn.pause_reading()
        sock = socket.fromfd(raw.fileno(), raw.family, raw.type)
    except (OSError, AttributeError, ValueError):
        with contextlib.suppress(RuntimeError):
            conn.resume_reading()
        return None
    sock.setblocking(True)
    return sock


async def _stream_in_thread(sock: socket.socket, proto: _HeadProtocol, body: MjpegBody,
                            sink: FrameSink, read_timeout: float, *,
                            newest_only: bool = True) -> int:
    """Run the body in a :class:`.StreamThread`; returns its parse errors when it ends."""
    ended: asyncio.Future[int] = proto.loop.create_future()

    def on_end(error: BaseException | None, parse_errors: int) -> None:
        if ended.done():
            return
        if error is not None:
            ended.set_exception(error)
        else:
            ended.set_result(parse_errors)

    reader = StreamThread(sock, body, sink, read_timeout=read_timeout, host=proto.host,
                          tls=proto.tls, newest_only=newest_only)
    reader.start(on_end)
    try:
        return await ended
    finally:
        reader.stop()


async def _wait_head(proto: _HeadProtocol, timeout: float) -> tuple[int, httpx.Headers]:
    try:
        async with asyncio.timeout(timeout):
            return await asyncio.shield(proto.head)
    except TimeoutError as exc:
        raise DeviceTimeout("the device did not answer in time", host=proto.host) from exc


__all__ = ["NotAStream", "stream_raw"]
