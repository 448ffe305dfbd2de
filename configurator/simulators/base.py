"""Common machinery of the device simulators: real aiohttp servers on loopback addresses.

A simulator owns its device state and one or more listeners (HTTP and/or HTTPS) bound to its
own loopback address, so every simulated device looks like a separate host on the LAN.
Subclasses build the aiohttp application (``build_app``) from the vendor document.
"""

from __future__ import annotations

import abc
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from aiohttp import web

from .auth import DigestVerifier, check_basic
from .tls import server_context

log = logging.getLogger("configurator.simulators")

AuthScheme = Literal["none", "basic", "digest"]


@dataclass(frozen=True)
class Listener:
    scheme: Literal["http", "https"]
    port: int  # 0: let the OS pick (tests); the real port is in ``SimulatedDevice.ports``


@dataclass(frozen=True)
class SeenRequest:
    """What a fault rule sees of a request: method, path and the raw body (empty where the
    handler streamed it: multipart uploads, the 2N simulator's bodies)."""

    method: str
    path: str
    body: bytes


@dataclass
class AnswerLoss:
    """A fault: the device does what a matching request asks, then the connection drops
    before the answer (a cut cable, a crashed web server). The first ``spare`` matching
    requests are answered normally."""

    matches: Callable[[SeenRequest], bool]
    spare: int = 0


def default_ports() -> tuple[int, int]:
    """Standard ports when we may bind them (root), else unprivileged ones (always on Windows,
    which has no ``geteuid``: an administrator could bind 80, a normal user cannot know)."""
    geteuid = getattr(os, "geteuid", None)
    return (80, 443) if geteuid is not None and geteuid() == 0 else (8080, 8443)


class SimulatedDevice(abc.ABC):
    vendor: ClassVar[str] = ""  # display name, as the device reports it
    driver_id: ClassVar[str] = ""  # the driver registry id that speaks to it

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        listeners: tuple[Listener, ...] = (Listener("http", 0),),
        user: str = "admin",
        password: str = "admin",
        model: str = "",
    ) -> None:
        self.host = host
        self.listeners = listeners
        self.user = user
        self.password = password
        self.model = model
        self.ports: dict[str, int] = {}
        self.answer_losses: list[AnswerLoss] = []
        self.answer_rewrites: list[Callable[[SeenRequest, bytes], bytes | None]] = []
        self._runner: web.AppRunner | None = None

    # -- to implement ---------------------------------------------------------------------
    @abc.abstractmethod
    def build_app(self) -> web.Application: ...

    # -- lifecycle ------------------------------------------------------------------------
    def lose_answers(self, matches: Callable[[SeenRequest], bool], *, spare: int = 0) -> None:
        """From now on, drop the connection after handling each matching request (past the
        first ``spare`` of them); tests of a lost write answer or a lost read-back."""
        self.answer_losses.append(AnswerLoss(matches, spare))

    def garble_answers(self, rewrite: Callable[[SeenRequest, bytes], bytes | None]) -> None:
        """From now on, each answer body is passed through ``rewrite`` after the request was
        handled (the device did what it asked); a non-None result is sent instead: tests of a
        complete answer that is malformed (a broken or hostile device)."""
        self.answer_rewrites.append(rewrite)

    @web.middleware
    async def _answer_loss(self, request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
        response = await handler(request)
        if not (self.answer_losses or self.answer_rewrites) or response.status == 401:
            return response  # 401: an authentication round
        # After the handler: a body it read is cached, one it streamed reads as empty.
        seen = SeenRequest(request.method, request.path, await request.read())
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            for rewrite in self.answer_rewrites:
                garbled = rewrite(seen, response.body)
                if garbled is not None:
                    response.body = garbled
                    break
        rule = next((r for r in self.answer_losses if r.matches(seen)), None)
        if rule is None:
            return response
        if rule.spare > 0:
            rule.spare -= 1
            return response
        if request.transport is not None:
            request.transport.close()
        raise web.HTTPServiceUnavailable()

    @web.middleware
    async def _client_gone(self, request: web.Request, handler: Callable[[web.Request],
                           Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """A client that closes its connection while a handler still reads the request body
        (a window quitting mid-poll) is what any device sees: an answer nobody receives, not
        an error logged with a traceback by aiohttp."""
        try:
            return await handler(request)
        except ConnectionResetError:
            raise web.HTTPBadRequest(reason="connection lost") from None

    async def start(self) -> None:
        app = self.build_app()
        app.middlewares.insert(0, self._answer_loss)
        app.middlewares.insert(0, self._client_gone)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        for listener in self.listeners:
            ssl_ctx = (
                server_context(f"{self.vendor} {self.model}", self.host)
                if listener.scheme == "https"
                else None
            )
            site = web.TCPSite(self._runner, self.host, listener.port, ssl_context=ssl_ctx,
                               reuse_address=True)
            await site.start()
            server = site._server  # aiohttp exposes no public accessor for the bound port
            sockets = server.sockets if server else None
            port = sockets[0].getsockname()[1] if sockets else listener.port
            self.ports[listener.scheme] = port
        log.info("%s %s listening on %s %s", self.vendor, self.model, self.host, self.ports)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SimulatedDevice:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- helpers --------------------------------------------------------------------------
    @property
    def scheme(self) -> str:
        return "https" if "https" in self.ports and "http" not in self.ports else next(
            iter(self.ports), "http")

    @property
    def port(self) -> int:
        return self.ports.get(self.scheme, 0)

    def url(self, scheme: str | None = None) -> str:
        scheme = scheme or self.scheme
        return f"{scheme}://{self.host}:{self.ports[scheme]}"

    def describe(self) -> dict[str, Any]:
        """What ``configurator simulate`` prints for this device."""
        return {
            "vendor": self.vendor,
            "driver": self.driver_id,
            "model": self.model,
            "address": self.host,
            "port": self.port,
            "scheme": self.scheme,
            "ports": dict(self.ports),
            "user": self.user,
            "password": self.password,
        }


class HttpAuthGate:
    """Checks a request against an auth scheme; answers 401 challenges like a device does."""

    def __init__(self, realm: str) -> None:
        self.digest = DigestVerifier(realm)

    def authenticate(
        self, request: web.Request, scheme: AuthScheme, users: Mapping[str, str]
    ) -> tuple[str | None, str | None]:
        """Return (user, None) when allowed, else (None, reason) with reason one of
        ``missing``, ``wrong_method`` (Basic sent where Digest is required), ``bad``, ``stale``.
        With ``scheme == "none"`` the user is ``""``."""
        if scheme == "none":
            return "", None
        header = request.headers.get("Authorization", "")
        if not header:
            return None, "missing"
        if scheme == "basic":
            user = check_basic(header, users)
            return (user, None) if user else (None, "bad")
        if header.lower().startswith("basic"):
            return None, "wrong_method"
        user, stale = self.digest.verify(header, request.method, request.path_qs, users)
        if user:
            return user, None
        return None, "stale" if stale else "bad"

    def challenge_headers(self, scheme: AuthScheme, *, stale: bool = False) -> dict[str, str]:
        if scheme == "basic":
            return {"WWW-Authenticate": f'Basic realm="{self.digest.realm}"'}
        return {"WWW-Authenticate": self.digest.challenge(stale=stale)}
