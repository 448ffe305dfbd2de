"""HTTP(S) transport to one device: one ``httpx.AsyncClient``, auth, TLS pinning, retries.

Decisions (see DESIGN.md):
- One client per device, with its own auth object (Digest nonce counters are per instance).
- ``auth="auto"`` answers the device's challenge and prefers Digest whenever it is offered;
  Basic is used only when it is the sole scheme offered (a warning is logged once when that
  happens over plain HTTP). A second 401 is an :class:`AuthError` and is never retried.
- Devices use self-signed and old TLS: no CA or host name check, ciphers down to SECLEVEL 0,
  and instead the certificate's SHA-256 fingerprint is pinned on first use. The pin is taken
  by a separate handshake *before* the first request, so credentials never go to a certificate
  that was not accepted. Every later TLS connection is checked against the pin right after
  its handshake, before a request is written on it (``core.tlspin``), and every response once
  more.
- Explicit timeouts: connect 4 s, read 10 s; long-polls and streams pass their own read timeout.
- Idempotent requests are retried once, after 0.2 s, on a stale keep-alive
  (``RemoteProtocolError``) or a connect timeout; each retry is reported through ``on_retry``.
- Redirects are not followed (a redirect must never carry credentials to another host).
- Logs name the host and never contain passwords, tokens or Authorization headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import ssl
import warnings
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Mapping,
)
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

from .errors import (
    AuthError,
    CertificateMismatch,
    CertificateRejected,
    DeviceError,
    DeviceTimeout,
    NotSupported,
    PermissionDenied,
    ProtocolError,
    Unreachable,
)
from .tlspin import PinCheckingTransport

AuthMode = Literal["auto", "none", "basic", "digest"]
Scheme = Literal["http", "https"]

log = logging.getLogger("configurator.transport")

CONNECT_TIMEOUT = 4.0
READ_TIMEOUT = 10.0
RETRY_DELAY = 0.2
# A whole answer is never larger (the biggest documented ones, a 2N packet capture buffer or a
# configuration backup, are a few MB): a device or an impostor that streams without end
# gets an error instead of the memory.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# ... nor does it take longer than this many read timeouts (a device trickling one byte just
# inside the read timeout would otherwise hold the request until the size cap).
ANSWER_DEADLINE_READS = 6


@dataclass(frozen=True)
class Endpoint:
    """Where a device answers: host, port and scheme."""

    host: str
    port: int | None = None
    scheme: Scheme = "http"

    @property
    def effective_port(self) -> int:
        """The port, or the scheme's default when none is given."""
        return self.port or (443 if self.scheme == "https" else 80)

    @property
    def base_url(self) -> str:
        """``scheme://host:port`` for requests."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = self.port is None or self.port == (443 if self.scheme == "https" else 80)
        return f"{self.scheme}://{host}" + ("" if default else f":{self.port}")

    @property
    def key(self) -> str:
        """Identity used for certificate pins: host and port."""
        return f"{self.host}:{self.effective_port}"


@dataclass(frozen=True)
class Credentials:
    """User name and password for a device (the password is never logged)."""

    user: str
    password: str

    def __repr__(self) -> str:  # never print the password
        return f"Credentials(user={self.user!r}, password='***')"


# -- TLS -----------------------------------------------------------------------------------

def device_ssl_context() -> ssl.SSLContext:
    """TLS context for devices: self-signed certificates and old TLS versions accepted.

    Trust comes from the pinned fingerprint, not from a CA.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings(), contextlib.suppress(ValueError, ssl.SSLError):
        warnings.simplefilter("ignore", DeprecationWarning)  # old firmware speaks TLS 1.0
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    with contextlib.suppress(ssl.SSLError):
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


def fingerprint(der: bytes) -> str:
    """Colon-separated upper-case SHA-256 fingerprint of a DER certificate."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


class PinStore(Protocol):
    """Where pinned TLS certificate fingerprints are kept (trust on first use)."""

    def get(self, key: str) -> str | None:
        """The fingerprint pinned for ``key``, or None."""

    def put(self, key: str, fingerprint: str) -> None:
        """Pin ``fingerprint`` for ``key``."""


class MemoryPinStore:
    """Pins kept for the process only (tests, CLI without a site)."""

    def __init__(self) -> None:
        self._pins: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        """The fingerprint pinned for ``key``, or None."""
        return self._pins.get(key)

    def put(self, key: str, fingerprint: str) -> None:
        """Pin ``fingerprint`` for ``key``."""
        self._pins[key] = fingerprint


# Called with (endpoint key, fingerprint) the first time a device's certificate is seen;
# returns True to trust and pin it. The GUI asks the user; the CLI trusts and says so.
TrustOnFirstUse = Callable[[str, str], Awaitable[bool]]


async def trust_always(key: str, fp: str) -> bool:
    """A trust-on-first-use policy that accepts every new certificate."""
    log.info("%s: pinned TLS certificate %s on first use", key, fp)
    return True


async def fetch_certificate(endpoint: Endpoint, ctx: ssl.SSLContext, timeout: float) -> bytes:
    """Handshake with the device and return its certificate (DER)."""
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                endpoint.host, endpoint.effective_port, ssl=ctx, server_hostname=None)
    except TimeoutError as exc:
        raise Unreachable("TLS connection timed out", host=endpoint.host) from exc
    except (OSError, ssl.SSLError) as exc:
        raise Unreachable(f"TLS connection failed: {os_reason(exc)}", host=endpoint.host) from exc
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        if not der:
            raise ProtocolError("the device presented no TLS certificate", host=endpoint.host)
        return bytes(der)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        del reader


# -- auth ----------------------------------------------------------------------------------

# Answers without a login in a row after which a device is taken to need none (for queueing).
UNCHALLENGED_ENOUGH = 3


class NegotiatingAuth(httpx.Auth):
    """Answers the device's challenge: Digest whenever offered, Basic only if it is all.

    Once a scheme is chosen it is used pre-emptively (Digest with the cached nonce and a
    growing nonce count), so most requests take one round trip.
    """

    def __init__(self, credentials: Credentials, mode: AuthMode, warn: Callable[[str], None]):
        self._credentials = credentials
        self._mode = mode
        self._digest = httpx.DigestAuth(credentials.user, credentials.password)
        self._basic = httpx.BasicAuth(credentials.user, credentials.password)
        self._warn = warn
        self.chosen: str | None = mode if mode in ("basic", "digest") else None
        self.offered: list[str] = []
        self._unchallenged = 0  # answers in a row that needed no login, before any challenge
        self._learning: asyncio.Lock | None = None

    async def async_auth_flow(
            self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """While no scheme is known, requests without a login go one at a time, so that
        parallel requests wait for the first challenge instead of each earning its own 401
        and a second round trip (a 2N answers system/info without login, then the driver
        reads a dozen things at once). A device that never challenges stops the queueing
        after a few answers."""
        learning = None
        if self.chosen is None and self._unchallenged < UNCHALLENGED_ENOUGH:
            if self._learning is None:
                self._learning = asyncio.Lock()
            learning = self._learning
            await learning.acquire()
            if self.chosen is not None or self._unchallenged >= UNCHALLENGED_ENOUGH:
                learning.release()  # learnt while this one waited
                learning = None
        try:
            flow = self.auth_flow(request)
            outgoing = next(flow)
            while True:
                response = yield outgoing
                try:
                    outgoing = flow.send(response)
                except StopIteration:
                    break
                finally:
                    if learning is not None and learning.locked() and self.chosen is not None:
                        learning.release()  # the scheme is known: the others go pre-emptively
                        learning = None
        finally:
            if learning is not None and learning.locked():
                learning.release()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The flow below, with a malformed challenge (httpx's Digest code raises ValueError,
        KeyError or NotImplementedError for some) turned into one typed error."""
        flow = self._auth_flow(request)
        try:
            outgoing = next(flow)
            while True:
                response = yield outgoing
                outgoing = flow.send(response)
        except StopIteration:
            return
        except (ValueError, KeyError, NotImplementedError, httpx.ProtocolError) as exc:
            raise ProtocolError("the device sent an authentication challenge that cannot be "
                                f"answered ({type(exc).__name__})",
                                host=request.url.host) from exc

    def _auth_flow(self, request: httpx.Request
                   ) -> Generator[httpx.Request, httpx.Response, None]:
        if self.chosen == "digest":
            yield from self._digest.auth_flow(request)
            return
        if self.chosen == "basic":
            yield from self._basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            self._unchallenged += 1
            return
        self.offered = [
            h.split(None, 1)[0].lower()
            for h in response.headers.get_list("www-authenticate")
            if h.strip()
        ]
        if "digest" in self.offered:
            self.chosen = "digest"
            flow = self._digest.auth_flow(request)
            next(flow)
            try:
                retry = flow.send(response)
            except StopIteration:
                return
            yield retry
        elif "basic" in self.offered:
            self.chosen = "basic"
            if request.url.scheme == "http":
                self._warn("device accepts only Basic authentication over plain HTTP: the "
                           "password goes out in clear")
            yield from self._basic.auth_flow(request)


# -- the transport -------------------------------------------------------------------------

RetryHook = Callable[[str, str, BaseException], None]

_SECRET_NAME = re.compile(r"pass|pwd|secret|token|key|auth", re.IGNORECASE)


def redact_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Copy of request parameters with secret-looking values replaced by ``***``."""
    if not params:
        return {}
    return {k: ("***" if _SECRET_NAME.search(str(k)) else v) for k, v in params.items()}


class Transport:
    """All HTTP traffic to one device goes through here."""

    def __init__(
        self,
        endpoint: Endpoint,
        credentials: Credentials | None = None,
        *,
        auth: AuthMode = "auto",
        pins: PinStore | None = None,
        trust: TrustOnFirstUse = trust_always,
        on_retry: RetryHook | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.log = log.getChild(endpoint.host)
        self._warned: set[str] = set()
        self._pins = pins if pins is not None else MemoryPinStore()
        self._trust = trust
        self._on_retry = on_retry
        self._trusted = endpoint.scheme != "https" or transport is not None
        self._trust_lock = asyncio.Lock()
        self._ssl = device_ssl_context()
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.auth: NegotiatingAuth | None = None
        # A driver may turn the device's own 401 body into a precise AuthError (for example
        # "this service requires Digest"); None keeps the generic message.
        self.explain_auth_failure: Callable[[httpx.Response], AuthError | None] | None = None
        if credentials is not None and auth != "none":
            self.auth = NegotiatingAuth(credentials, auth, self._warn_once)
        # True when requests go out on real sockets (no test transport was given): a caller may
        # then open its own connection to the device (the camera's raw MJPEG reader does).
        self.uses_real_sockets = transport is None
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=4)
        if transport is None and endpoint.scheme == "https":
            transport = PinCheckingTransport(self._ssl, limits, self._check_connection_certificate)
        self.client = httpx.AsyncClient(
            base_url=endpoint.base_url,
            auth=self.auth,
            verify=self._ssl,
            timeout=self._timeout(read_timeout),
            follow_redirects=False,
            trust_env=False,  # devices are on the LAN: never through a user's HTTP proxy
            transport=transport,
            headers={"User-Agent": "configurator/0.1"},
            limits=limits,
        )

    def _timeout(self, read: float | None) -> httpx.Timeout:
        return httpx.Timeout(self.connect_timeout, read=read, write=30.0, pool=self.connect_timeout)

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.log.warning("%s", message)

    def warn_cleartext_login(self) -> None:
        """Say so (once) before a password goes out readable by anyone on the path."""
        if self.endpoint.scheme == "http":
            self._warn_once("sending the password in clear (plain HTTP): anyone on the network "
                            "path can read it; use https where the device offers it")

    # -- certificate pinning --------------------------------------------------------------
    @property
    def pinned_fingerprint(self) -> str | None:
        """The fingerprint pinned for this device, or None before the first TLS connection."""
        return self._pins.get(self.endpoint.key)

    async def ensure_trusted(self) -> None:
        """Pin the certificate on first use (before any credentials are sent)."""
        if self._trusted:
            return
        async with self._trust_lock:
            if self._trusted:
                return
            der = await fetch_certificate(self.endpoint, self._ssl, self.connect_timeout)
            self._accept_or_raise(fingerprint(der), first_use_ok=True)
            pinned = self._pins.get(self.endpoint.key)
            if pinned is None:
                fp = fingerprint(der)
                if not await self._trust(self.endpoint.key, fp):
                    raise CertificateRejected(
                        "TLS certificate was not accepted", host=self.endpoint.host
                    )
                self._pins.put(self.endpoint.key, fp)
            self._trusted = True

    def _accept_or_raise(self, fp: str, *, first_use_ok: bool) -> None:
        pinned = self._pins.get(self.endpoint.key)
        if pinned is None and first_use_ok:
            return
        if pinned != fp:
            raise CertificateMismatch(self.endpoint.host, pinned or "none", fp)

    def _check_connection_certificate(self, der: bytes | None) -> None:
        """Right after each TLS handshake, before anything is sent on the connection."""
        self._accept_or_raise(fingerprint(der) if der else "none", first_use_ok=False)

    def _check_response_certificate(self, response: httpx.Response) -> None:
        if self.endpoint.scheme != "https":
            return
        stream = response.extensions.get("network_stream")
        if stream is None:
            return
        ssl_object = stream.get_extra_info("ssl_object")
        if ssl_object is None:
            return
        der = ssl_object.getpeercert(binary_form=True)
        if der:
            self._accept_or_raise(fingerprint(der), first_use_ok=False)

    # -- requests -------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        read_timeout: float | None = None,
        idempotent: bool | None = None,
        anonymous: bool = False,
    ) -> httpx.Response:
        """Send one request and return the complete response (any HTTP status).

        ``anonymous`` sends it without credentials (a probe looking at a device's own 401
        reply); the answer is bounded in size and time like every other one.
        """
        await self.ensure_trusted()
        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD", "OPTIONS")
        attempts = 2 if idempotent else 1
        read = read_timeout or self.read_timeout
        timeout = self._timeout(read)
        self.log.debug("%s %s %s", method, path, redact_params(params))
        for attempt in range(1, attempts + 1):
            try:
                request = self.client.build_request(
                    method, path, params=params, data=data, files=files, json=json,
                    content=content, headers=headers, timeout=timeout)
                response = await self._send_capped(read * ANSWER_DEADLINE_READS, request,
                                                   anonymous=anonymous)
                if not anonymous:
                    self._check_auth(response)
                return response
            except (httpx.RemoteProtocolError, httpx.ConnectTimeout) as exc:
                if attempt < attempts:
                    self._retrying(method, path, exc)
                    await asyncio.sleep(RETRY_DELAY)
                    continue
                raise self._map(exc) from exc
            except httpx.HTTPError as exc:
                raise self._map(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_capped(self, deadline: float, request: httpx.Request, *,
                           anonymous: bool = False) -> httpx.Response:
        """Send ``request`` and read its answer, at most ``MAX_RESPONSE_BYTES`` of it and for
        at most ``deadline`` seconds; the certificate is checked before any body is read."""
        try:
            async with asyncio.timeout(deadline):
                return await self._send_and_read(request, anonymous=anonymous)
        except TimeoutError as exc:
            raise DeviceTimeout(f"the device's answer did not complete in {deadline:g} s",
                                host=self.endpoint.host) from exc

    async def _send_and_read(self, request: httpx.Request, *,
                             anonymous: bool = False) -> httpx.Response:
        auth = None if anonymous else httpx.USE_CLIENT_DEFAULT
        response = await self.client.send(request, stream=True, auth=auth)
        if response.is_stream_consumed:  # read already (an in-memory test transport)
            if len(response.content) > MAX_RESPONSE_BYTES:
                raise self._too_large("does not end")
            return response
        try:
            self._check_response_certificate(response)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
                raise self._too_large(f"announces {int(declared):,} bytes")
            body = bytearray()
            async for chunk in response.aiter_raw():  # still content-encoded
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise self._too_large("does not end")
        finally:
            await response.aclose()
        # The same answer, read: decoded (gzip, ...) once from the raw bytes, as httpx does.
        return httpx.Response(response.status_code, headers=response.headers,
                              content=bytes(body), request=request,
                              extensions=response.extensions)

    def _too_large(self, what: str) -> ProtocolError:
        return ProtocolError(f"the device's answer {what} (more than "
                             f"{MAX_RESPONSE_BYTES // (1024 * 1024)} MB); not read",
                             host=self.endpoint.host)

    @contextlib.asynccontextmanager
    async def stream(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        read_timeout: float | None = 30.0,
    ) -> AsyncIterator[httpx.Response]:
        """Open a streamed response (MJPEG, pcap); the caller iterates ``aiter_raw()``."""
        await self.ensure_trusted()
        self.log.debug("stream %s %s %s", method, path, redact_params(params))
        try:
            async with self.client.stream(
                method, path, params=params, timeout=self._timeout(read_timeout)
            ) as response:
                self._check_response_certificate(response)
                self._check_auth(response)
                yield response
        except httpx.HTTPError as exc:
            raise self._map(exc) from exc

    def _retrying(self, method: str, path: str, exc: BaseException) -> None:
        self.log.warning("retrying %s %s once after %s", method, path, type(exc).__name__)
        if self._on_retry is not None:
            self._on_retry(method, path, exc)

    def _check_auth(self, response: httpx.Response) -> None:
        """A 401 that survives the auth flow means wrong or missing credentials."""
        if response.status_code != 401:
            return
        if self.credentials is None:
            return  # the driver may still read the device's reply; it raises AuthError
        offered = self.auth.offered if self.auth else []
        if self.auth and self.auth.chosen is None and offered:
            schemes = ", ".join(offered)
            raise AuthError(f"device asks for an unsupported authentication ({schemes})",
                            host=self.endpoint.host)
        if self.explain_auth_failure is not None:
            try:
                response.content  # noqa: B018 - only a read response can be explained
            except httpx.ResponseNotRead:
                pass
            else:
                explained = self.explain_auth_failure(response)
                if explained is not None:
                    raise explained
        raise AuthError("authentication failed (check user and password)",
                        host=self.endpoint.host)

    def _map(self, exc: BaseException) -> DeviceError:
        host = self.endpoint.host
        if isinstance(exc, httpx.ConnectTimeout):
            return Unreachable("connection timed out (device offline or wrong address?)", host=host)
        if isinstance(exc, httpx.TimeoutException):
            return DeviceTimeout("the device did not answer in time", host=host)
        if isinstance(exc, httpx.ConnectError):
            return Unreachable(f"cannot connect: {os_reason(exc)}", host=host)
        if isinstance(exc, httpx.RemoteProtocolError):
            return ProtocolError(f"connection dropped or bad HTTP: {exc}", host=host)
        if isinstance(exc, httpx.TooManyRedirects | httpx.InvalidURL | httpx.UnsupportedProtocol):
            return ProtocolError(str(exc), host=host)
        if isinstance(exc, httpx.NetworkError):
            return Unreachable(f"network error: {os_reason(exc)}", host=host)
        return DeviceError(f"HTTP error: {exc}", host=host)

    def raise_for_http_status(self, response: httpx.Response, what: str = "") -> None:
        """Generic mapping of HTTP error statuses for protocols without error bodies."""
        status = response.status_code
        host = self.endpoint.host
        label = f"{what}: " if what else ""
        if status < 400:
            return
        if status == 401:
            raise AuthError(f"{label}authentication failed (check user and password)", host=host)
        if status == 403:
            raise PermissionDenied(f"{label}access forbidden (HTTP 403)", host=host)
        if status in (404, 405, 501):
            raise NotSupported(f"{label}not supported by this device (HTTP {status})", host=host)
        raise DeviceError(f"{label}device answered HTTP {status}", host=host, code=status)

    async def aclose(self) -> None:
        """Close the HTTP client and its connections."""
        await self.client.aclose()


def os_reason(exc: BaseException) -> str:
    """Short words for the OS-level cause of a connection failure."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError) or getattr(current, "errno", None) == 111:
            return "connection refused"
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if "refused" in low:
        return "connection refused"
    if "name or service not known" in low or "nodename nor servname" in low:
        return "unknown host name"
    if "no route" in low or "unreachable" in low:
        return "no route to host"
    if "all connection attempts failed" in low:
        return "connection failed (device offline, wrong address or port?)"
    return text.splitlines()[0] if text else type(exc).__name__


class RedactingFilter(logging.Filter):
    """Scrubs secrets from log records, whatever logged them."""

    _PATTERNS = (
        (re.compile(r"(authorization['\"]?\s*[:=]\s*['\"]?)([^'\",}\r\n]+)", re.I), r"\1***"),
        (re.compile(r"((?:pass(?:word)?|pwd|token|secret)['\"]?\s*[:=]\s*['\"]?)([^'\"&,}\s]+)",
                    re.I), r"\1***"),
    )

    def filter(self, record: logging.LogRecord) -> bool:
        """Remove secrets from the record's message and arguments; always keep the record."""
        message = record.getMessage()
        scrubbed = message
        for pattern, replacement in self._PATTERNS:
            scrubbed = pattern.sub(replacement, scrubbed)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True
