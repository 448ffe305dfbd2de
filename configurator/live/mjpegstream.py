"""An MJPEG stream read with a raw asyncio Protocol: no httpx/httpcore layers per chunk.

The viewer's main thread spent ~1-2 ms per frame in httpx's stream reading (httpcore and anyio
per 64 KB chunk, one task switch each). Here the socket's ``data_received`` feeds the
:class:`~configurator.core.mjpeg.MjpegParser` directly and every complete JPEG goes to
``on_frame`` from that callback.

Only the *happy path* is handled here: the request is the one httpx would send (built by the
device's ``httpx.AsyncClient``, authorised by the Transport's own auth object, so Digest nonce
counts stay shared), the answer must be ``200`` with a ``multipart/*`` type. Anything else
raises :class:`NeedHttpx` and the caller repeats the request through the Transport, which maps
errors, explains 401s and reads single-JPEG answers exactly as before.

TLS: the Transport's pin is taken first (``ensure_trusted``) and the peer's certificate is
compared with it before the request (with credentials) is sent. The TLS session is run over
memory buffers (:class:`.TlsSession`, public ``ssl`` API) rather than by asyncio's SSL
transport, so that, like a plain connection, it can move to a stream thread with its socket.
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
from .httpwire import CUT_SHORT, MAX_HEAD, Dechunker, MjpegBody, parse_head
from .streamthread import FrameSink, StreamThread
from .tlsbio import TlsSession


class NeedHttpx(Exception):
    """The answer is not a plain MJPEG stream: let the Transport handle this request."""


def raw_capable(transport: Transport) -> bool:
    """True when the Transport talks to a real socket (not a test's mock httpx transport)."""
    return transport.uses_real_sockets


class _StreamProtocol(asyncio.Protocol):
    """Collects the response head, then parses the body into JPEGs in ``data_received``.
    With ``tls``, the connection's bytes go through that :class:`.TlsSession` (handshake
    first: ``secured``), so the session can later move to a stream thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, host: str,
                 on_frame: Callable[[bytes], None], tls: TlsSession | None = None) -> None:
        self.loop = loop
        self.host = host
        self.on_frame = on_frame
        self.tls = tls
        self.conn: asyncio.Transport | None = None
        self.secured: asyncio.Future[None] = loop.create_future()
        self.head: asyncio.Future[tuple[int, httpx.Headers]] = loop.create_future()
        self.done: asyncio.Future[None] = loop.create_future()
        self.last_data = loop.time()
        self.parse_errors = 0
        self._buf = bytearray()
        self._body: MjpegBody | None = None

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
        self.last_data = self.loop.time()
        if self.tls is not None:
            data = self._advance_tls(data)
        if data:
            self._plain_received(data)

    def _plain_received(self, data: bytes) -> None:
        if self._body is None:
            self._buf += data
            if not self.head.done():
                self._read_head()
            return
        try:
            self._frames(data)
        except DeviceError as exc:
            self.fail(exc)

    def _read_head(self) -> None:
        end = self._buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buf) > MAX_HEAD:
                self.fail(ProtocolError("camera answered an oversized HTTP header",
                                        host=self.host))
            return
        raw = bytes(self._buf[:end])
        del self._buf[:end + 4]
        try:
            self.head.set_result(parse_head(raw, self.host))
        except ProtocolError as exc:
            self.fail(exc)

    def take_pending(self) -> bytes:
        """Return the body bytes (plaintext) that came with the head (thread hand-off)."""
        pending, self._buf = bytes(self._buf), bytearray()
        return pending

    def start_body(self, body: MjpegBody) -> None:
        self._body = body
        pending, self._buf = bytes(self._buf), bytearray()
        if pending:
            self._plain_received(pending)

    def _frames(self, data: bytes) -> None:
        body = self._body
        assert body is not None
        for frame in body.feed(data):
            self.on_frame(frame)
        self.parse_errors = body.parse_errors
        if body.complete:
            self.finish(None)

    def fail(self, exc: BaseException) -> None:
        for future in (self.secured, self.head, self.done):
            if not future.done():
                future.set_exception(exc)
                future.exception()  # retrieved: no "never retrieved" warning if unused

    def finish(self, exc: BaseException | None) -> None:
        if exc is not None:
            self.fail(exc)
        elif not self.head.done():
            self.fail(ProtocolError("connection dropped or bad HTTP: no answer",
                                    host=self.host))
        elif not self.done.done():
            self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self.finish(Unreachable(f"network error: {exc}", host=self.host))
        elif self._body is not None and self._body.cut_short:
            self.finish(ProtocolError(CUT_SHORT, host=self.host))
        else:
            self.finish(None)


async def stream_raw(transport: Transport, path: str, params: Mapping[str, str],
                     on_frame: Callable[[bytes], None], *, read_timeout: float,
                     sink: FrameSink | None = None) -> int:
    """Stream ``path`` into ``on_frame`` until the camera ends it; returns the parse errors.

    With a ``sink``, the body (HTTP or HTTPS) is read in a :class:`.StreamThread` that feeds
    the sink instead of ``on_frame``.

    Raises :class:`NeedHttpx` when the answer is not ``200 multipart/*`` (after the auth
    challenge, if any), typed ``DeviceError`` s otherwise.
    """
    await transport.ensure_trusted()
    request = transport.client.build_request("GET", path, params=dict(params))
    flow = transport.auth.auth_flow(request) if transport.auth is not None else None
    if flow is not None:
        request = next(flow)
    while True:
        conn, proto = await _connect(transport, on_frame)
        try:
            proto.send(_serialize(request))
            status, headers = await _wait_head(proto, read_timeout)
            if status == 401 and flow is not None:
                try:
                    request = flow.send(httpx.Response(401, headers=headers, request=request))
                except StopIteration:
                    raise NeedHttpx() from None
                continue  # Assumption: a fresh connection for the answer (no body to drain)
            ctype = headers.get("content-type", "")
            if status != 200 or not ctype.lower().startswith("multipart/"):
                raise NeedHttpx()
            try:
                parser = MjpegParser(boundary_from_content_type(ctype))
            except ValueError as exc:
                raise ProtocolError(f"camera stream: {exc}", host=transport.endpoint.host) from exc
            body = MjpegBody(parser, "chunked" in headers.get("transfer-encoding", "").lower())
            sock = _detached_socket(conn) if sink is not None else None
            if sock is not None:
                return await _stream_in_thread(sock, proto, body, sink, read_timeout)
            proto.start_body(body)
            await _watch(proto, read_timeout, conn)
            return proto.parse_errors
        finally:
            if proto.done.done():
                conn.close()
            else:
                conn.abort()


async def _connect(transport: Transport, on_frame: Callable[[bytes], None],
                   ) -> tuple[asyncio.Transport, _StreamProtocol]:
    loop = asyncio.get_running_loop()
    endpoint = transport.endpoint
    tls = TlsSession(device_ssl_context()) if endpoint.scheme == "https" else None
    try:
        async with asyncio.timeout(transport.connect_timeout):
            conn, proto = await loop.create_connection(
                lambda: _StreamProtocol(loop, endpoint.host, on_frame, tls), endpoint.host,
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


async def _stream_in_thread(sock: socket.socket, proto: _StreamProtocol, body: MjpegBody,
                            sink: FrameSink, read_timeout: float) -> int:
    """Run the body in a :class:`.StreamThread`; returns its parse errors when it ends."""
    ended: asyncio.Future[int] = proto.loop.create_future()

    def on_end(error: BaseException | None, parse_errors: int) -> None:
        if ended.done():
            return
        if error is not None:
            ended.set_exception(error)
        else:
            ended.set_result(parse_errors)

    reader = StreamThread(sock, proto.take_pending(), body, sink, read_timeout=read_timeout,
                          host=proto.host, tls=proto.tls)
    reader.start(on_end)
    try:
        return await ended
    finally:
        reader.stop()


def _serialize(request: httpx.Request) -> bytes:
    head = [b"GET " + request.url.raw_path + b" HTTP/1.1"]
    head += [name + b": " + value for name, value in request.headers.raw]
    return b"\r\n".join(head) + b"\r\n\r\n"


async def _wait_head(proto: _StreamProtocol, timeout: float) -> tuple[int, httpx.Headers]:
    try:
        async with asyncio.timeout(timeout):
            return await asyncio.shield(proto.head)
    except TimeoutError as exc:
        raise DeviceTimeout("the device did not answer in time", host=proto.host) from exc


async def _watch(proto: _StreamProtocol, timeout: float, conn: asyncio.Transport) -> None:
    """Wait for the stream's end; no byte for ``timeout`` seconds is a timeout."""
    while True:
        left = proto.last_data + timeout - proto.loop.time()
        if left <= 0:
            conn.abort()
            raise DeviceTimeout("the device did not answer in time", host=proto.host)
        done, _ = await asyncio.wait([proto.done], timeout=left)
        if done:
            return proto.done.result()


__all__ = ["Dechunker", "NeedHttpx", "raw_capable", "stream_raw"]
