"""Transport over real sockets on loopback: auth negotiation, TLS pinning, retries, redaction."""

from __future__ import annotations

import asyncio
import gzip
import logging

import httpx
import pytest
from aiohttp import web

import configurator.core.transport as transport_module
from configurator.core.errors import (
    AuthError,
    CertificateMismatch,
    CertificateRejected,
    DeviceTimeout,
    ProtocolError,
    Unreachable,
)
from configurator.core.transport import (
    Credentials,
    Endpoint,
    MemoryPinStore,
    RedactingFilter,
    Transport,
    redact_params,
)
from configurator.simulators.base import HttpAuthGate, Listener, SimulatedDevice

USERS = {"admin": "s3cret"}


class EchoDevice(SimulatedDevice):
    """A minimal device: /hello answers when the request passes its auth scheme."""

    vendor = "test"

    def __init__(self, host: str, scheme: str = "digest", realm: str = "test", **kw) -> None:
        super().__init__(host, **kw)
        self.auth_scheme = scheme
        self.gate = HttpAuthGate(realm)
        self.requests: list[tuple[str, bool]] = []  # (path, had Authorization)

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/hello", self.hello)
        return app

    async def hello(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, "Authorization" in request.headers))
        user, reason = self.gate.authenticate(request, self.auth_scheme, USERS)
        if user is None:
            return web.json_response({"error": reason}, status=401,
                                     headers=self.gate.challenge_headers(self.auth_scheme,
                                                                         stale=reason == "stale"))
        return web.json_response({"hello": user or "anonymous"})


async def start(host: str, **kw) -> EchoDevice:
    device = EchoDevice(host, **kw)
    await device.start()
    return device


def endpoint_of(device: EchoDevice, scheme: str = "http") -> Endpoint:
    return Endpoint(device.host, device.ports[scheme], scheme)  # type: ignore[arg-type]


async def test_digest_negotiated_then_preemptive(loopback) -> None:
    device = await start(loopback())
    transport = Transport(endpoint_of(device), Credentials("admin", "s3cret"))
    try:
        for _ in range(3):
            reply = await transport.request("GET", "/hello")
            assert reply.json() == {"hello": "admin"}
        assert transport.auth is not None and transport.auth.chosen == "digest"
        # one challenge round trip, then the cached nonce is reused with a growing nc
        assert [had for _, had in device.requests] == [False, True, True, True]
    finally:
        await transport.aclose()
        await device.stop()


async def test_digest_wrong_password_is_auth_error_not_retried(loopback) -> None:
    device = await start(loopback())
    transport = Transport(endpoint_of(device), Credentials("admin", "wrong"))
    try:
        with pytest.raises(AuthError):
            await transport.request("GET", "/hello")
        assert len(device.requests) == 2  # the challenge and one answer, no retry
    finally:
        await transport.aclose()
        await device.stop()


async def test_driver_can_explain_an_auth_failure(loopback) -> None:
    device = await start(loopback())
    transport = Transport(endpoint_of(device), Credentials("admin", "wrong"))

    def explain(response: httpx.Response) -> AuthError | None:
        reason = response.json().get("error")
        return AuthError(f"device says: {reason}") if reason else None

    transport.explain_auth_failure = explain
    try:
        with pytest.raises(AuthError, match="device says: bad"):
            await transport.request("GET", "/hello")
    finally:
        await transport.aclose()
        await device.stop()


async def test_expired_nonce_is_renewed(loopback) -> None:
    device = await start(loopback())
    transport = Transport(endpoint_of(device), Credentials("admin", "s3cret"))
    try:
        assert (await transport.request("GET", "/hello")).status_code == 200
        for nonce in device.gate.digest._nonces.values():  # age every issued nonce
            nonce.issued -= 10_000
        # the cached nonce is now stale: the device answers 401 stale=true and the client
        # must take the fresh nonce instead of failing as if the password were wrong
        reply = await transport.request("GET", "/hello")
        assert reply.status_code == 200
        assert len(device.requests) == 4
    finally:
        await transport.aclose()
        await device.stop()


async def test_basic_only_device_works_with_warning(loopback, caplog) -> None:
    device = await start(loopback(), scheme="basic")
    transport = Transport(endpoint_of(device), Credentials("admin", "s3cret"))
    try:
        with caplog.at_level(logging.WARNING):
            reply = await transport.request("GET", "/hello")
        assert reply.json() == {"hello": "admin"}
        assert transport.auth is not None and transport.auth.chosen == "basic"
        assert "only Basic" in caplog.text
        assert "s3cret" not in caplog.text
    finally:
        await transport.aclose()
        await device.stop()


async def test_explicit_digest_refuses_basic_device(loopback) -> None:
    device = await start(loopback(), scheme="basic")
    transport = Transport(endpoint_of(device), Credentials("admin", "s3cret"), auth="digest")
    try:
        with pytest.raises(AuthError):
            await transport.request("GET", "/hello")
        assert all(not had for _, had in device.requests[:1])
    finally:
        await transport.aclose()
        await device.stop()


async def test_without_credentials_the_401_reaches_the_driver(loopback) -> None:
    device = await start(loopback())
    transport = Transport(endpoint_of(device))
    try:
        reply = await transport.request("GET", "/hello")
        assert reply.status_code == 401
        assert reply.headers["www-authenticate"].startswith("Digest")
    finally:
        await transport.aclose()
        await device.stop()


async def test_no_auth_device(loopback) -> None:
    device = await start(loopback(), scheme="none")
    transport = Transport(endpoint_of(device), Credentials("admin", "s3cret"))
    try:
        assert (await transport.request("GET", "/hello")).json() == {"hello": "anonymous"}
        assert device.requests == [("/hello", False)]  # credentials never sent unasked
    finally:
        await transport.aclose()
        await device.stop()


async def test_https_pins_certificate_on_first_use(loopback) -> None:
    host = loopback()
    device = await start(host, listeners=(Listener("https", 0),), model="A")
    pins = MemoryPinStore()
    transport = Transport(endpoint_of(device, "https"), Credentials("admin", "s3cret"), pins=pins)
    try:
        assert (await transport.request("GET", "/hello")).json() == {"hello": "admin"}
        pinned = transport.pinned_fingerprint
        assert pinned is not None and len(pinned.split(":")) == 32
    finally:
        await transport.aclose()
    port = device.ports["https"]
    await device.stop()

    # Same address and port, a different certificate: refused before any request is sent.
    impostor = EchoDevice(host, listeners=(Listener("https", port),), model="B")
    await impostor.start()
    transport = Transport(Endpoint(host, port, "https"), Credentials("admin", "s3cret"), pins=pins)
    try:
        with pytest.raises(CertificateMismatch, match="certificate changed"):
            await transport.request("GET", "/hello")
        assert impostor.requests == []
    finally:
        await transport.aclose()
        await impostor.stop()


async def test_declined_certificate_sends_nothing(loopback) -> None:
    device = await start(loopback(), listeners=(Listener("https", 0),))

    async def decline(key: str, fp: str) -> bool:
        return False

    transport = Transport(endpoint_of(device, "https"), Credentials("admin", "s3cret"),
                          trust=decline)
    try:
        with pytest.raises(CertificateRejected):
            await transport.request("GET", "/hello")
        assert device.requests == []
        assert transport.pinned_fingerprint is None
    finally:
        await transport.aclose()
        await device.stop()


async def test_connection_refused_is_unreachable(loopback) -> None:
    transport = Transport(Endpoint(loopback(), 9))
    try:
        with pytest.raises(Unreachable, match="connection refused"):
            await transport.request("GET", "/hello")
    finally:
        await transport.aclose()


def _flaky(fail_times: int):
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) <= fail_times:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, json={"ok": True})

    return calls, httpx.MockTransport(handler)


async def test_idempotent_request_retried_once_on_stale_keepalive() -> None:
    calls, mock = _flaky(1)
    retries: list[str] = []
    transport = Transport(Endpoint("device.test"), transport=mock,
                          on_retry=lambda m, p, e: retries.append(p))
    try:
        assert (await transport.request("GET", "/x")).json() == {"ok": True}
        assert calls == ["GET", "GET"] and retries == ["/x"]
    finally:
        await transport.aclose()


async def test_retry_gives_up_after_one_attempt() -> None:
    calls, mock = _flaky(5)
    transport = Transport(Endpoint("device.test"), transport=mock)
    try:
        with pytest.raises(ProtocolError):
            await transport.request("GET", "/x")
        assert calls == ["GET", "GET"]
    finally:
        await transport.aclose()


async def test_control_request_never_retried() -> None:
    calls, mock = _flaky(1)
    transport = Transport(Endpoint("device.test"), transport=mock)
    try:
        with pytest.raises(ProtocolError):
            await transport.request("GET", "/api/switch/ctrl", idempotent=False)
        assert calls == ["GET"]
    finally:
        await transport.aclose()


async def test_redirect_not_followed() -> None:
    mock = httpx.MockTransport(
        lambda r: httpx.Response(302, headers={"Location": "http://evil.test/steal"}))
    transport = Transport(Endpoint("device.test"), Credentials("a", "b"), transport=mock)
    try:
        reply = await transport.request("GET", "/x")
        assert reply.status_code == 302
    finally:
        await transport.aclose()


def test_redaction() -> None:
    assert redact_params({"user": "a", "password": "x", "token": "t", "switch": 1}) == {
        "user": "a", "password": "***", "token": "***", "switch": 1}
    record = logging.LogRecord("t", logging.INFO, __file__, 1,
                               "GET /login?user=a&password=hunter2 Authorization: Digest abc=1",
                               None, None)
    RedactingFilter().filter(record)
    text = record.getMessage()
    assert "hunter2" not in text and "abc=1" not in text
    assert "user=a" in text


def test_credentials_repr_hides_password() -> None:
    assert "hunter2" not in repr(Credentials("admin", "hunter2"))


def test_endpoint_urls() -> None:
    assert Endpoint("10.0.0.1").base_url == "http://10.0.0.1"
    assert Endpoint("10.0.0.1", 8443, "https").base_url == "https://10.0.0.1:8443"
    assert Endpoint("fe80::1", 80).base_url == "http://[fe80::1]"
    assert Endpoint("h", scheme="https").key == "h:443"


async def _concurrent_gets(handler, count: int) -> None:
    from configurator.core.transport import Credentials, Endpoint, Transport

    transport = Transport(Endpoint("127.0.0.1"), Credentials("admin", "pw"),
                          transport=httpx.MockTransport(handler))
    try:
        import asyncio

        await transport.request("GET", "/first")  # answered without a login
        await asyncio.gather(*(transport.request("GET", f"/r{i}") for i in range(count)))
    finally:
        await transport.aclose()


async def test_parallel_requests_wait_for_the_first_challenge() -> None:
    """A device that answers its first request without a login and then challenges: the
    parallel requests after it earn one 401 between them, not one each."""
    import asyncio

    challenges = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal challenges
        await asyncio.sleep(0.01)
        if request.url.path == "/first" or "authorization" in request.headers:
            return httpx.Response(200, json={"success": True})
        challenges += 1
        return httpx.Response(401, headers={
            "WWW-Authenticate": 'Digest realm="HTTP API", nonce="n1", qop="auth"'})

    await _concurrent_gets(handler, 6)
    assert challenges == 1


async def test_a_device_that_never_challenges_is_not_kept_waiting() -> None:
    import asyncio

    in_flight = most = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json={"success": True})

    await _concurrent_gets(handler, 8)
    assert most >= 2  # after three answers without a login the rest run side by side


async def _raw_server(host: str, answer: bytes, then: bytes = b"") -> asyncio.Server:
    """Answers every request with ``answer``, then writes ``then`` again and again."""
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        try:
            while then:
                writer.write(then)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    return await asyncio.start_server(serve, host, 0)


@pytest.mark.parametrize(("head", "then", "message"), [
    (b"Content-Length: 1000000000000\r\n\r\n", b"", "announces 1,000,000,000,000 bytes"),
    (b"Transfer-Encoding: chunked\r\n\r\n", b"10000\r\n" + b"x" * 0x10000 + b"\r\n",
     "does not end"),
])
async def test_an_answer_without_end_is_refused_not_stored(loopback, monkeypatch, head, then,
                                                          message) -> None:
    monkeypatch.setattr(transport_module, "MAX_RESPONSE_BYTES", 4 * 1024 * 1024)
    host = loopback()
    server = await _raw_server(host, b"HTTP/1.1 200 OK\r\n" + head, then)
    transport = Transport(Endpoint(host, server.sockets[0].getsockname()[1]))
    try:
        with pytest.raises(ProtocolError, match=message):
            await transport.request("GET", "/api/system/info")
    finally:
        await transport.aclose()
        server.close()
        await server.wait_closed()


async def test_a_compressed_answer_is_decoded_once(loopback) -> None:
    body = gzip.compress(b'{"success": true}')
    host = loopback()
    server = await _raw_server(host, b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                               b"Content-Length: %d\r\n\r\n" % len(body) + body)
    transport = Transport(Endpoint(host, server.sockets[0].getsockname()[1]))
    try:
        assert (await transport.request("GET", "/api/system/info")).json() == {"success": True}
    finally:
        await transport.aclose()
        server.close()
        await server.wait_closed()


async def test_an_answer_trickling_in_ends_at_its_deadline(loopback) -> None:
    """Each byte comes just inside the read timeout: only the overall deadline stops it."""
    host = loopback()

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        try:
            for _ in range(1000):
                await asyncio.sleep(0.05)
                writer.write(b"x")
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(trickle, host, 0)
    transport = Transport(Endpoint(host, server.sockets[0].getsockname()[1]), read_timeout=0.2)
    try:
        started = asyncio.get_running_loop().time()
        with pytest.raises(DeviceTimeout, match=r"did not complete in 1\.2 s"):
            await transport.request("GET", "/api/system/info")
        assert asyncio.get_running_loop().time() - started < 5
    finally:
        await transport.aclose()
        server.close()
        await server.wait_closed()
