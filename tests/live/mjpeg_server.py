"""A small aiohttp camera for tests and benchmarks: MJPEG, snapshots, cuts and refusals.

Routes: ``/stream`` (multipart/x-mixed-replace at ``fps``), ``/snapshot`` (one JPEG per request),
``/auth`` (401 Digest challenge), ``/disabled`` (a 2N-style JSON error), ``/text`` (HTML).
Frames change colour every frame (frame i has a mean red of ``colour(i)``).
``cut_after`` cuts the first ``cuts`` connections in the middle of frame ``cut_after``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import numpy as np
import simplejpeg
from aiohttp import web

BOUNDARY = "myboundary"
PALETTE = 8


def colour(i: int) -> int:
    return 20 + (i % PALETTE) * 28


def make_jpeg(i: int, width: int, height: int) -> bytes:
    """A frame whose red channel is ``colour(i)``, with some texture so it compresses like video."""
    rng = np.random.default_rng(i)
    img = np.empty((height, width, 3), dtype=np.uint8)
    img[..., 0] = colour(i)
    img[..., 1] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    img[..., 2] = rng.integers(0, 60, size=(height, 1), dtype=np.uint8)
    return simplejpeg.encode_jpeg(img, quality=80, colorspace="RGB")


@dataclass
class CameraServer:
    host: str
    width: int = 320
    height: int = 240
    fps: float = 15.0
    cut_after: int = 0  # 0: never cut
    cuts: int = 1
    tls: bool = False  # HTTPS with a self-signed certificate (the simulators' own)
    pieces: int = 1  # each frame written in this many pieces...
    piece_pause: float = 0.0  # ...this many seconds apart (a frame trickling in over a LAN)
    port: int = 0
    frames_sent: int = 0
    connections: int = 0
    snapshots: int = 0
    send_times: dict[int, float] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)  # every request's path, in order
    _frames: list[bytes] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}{path}"

    async def start(self) -> CameraServer:
        self._frames = [make_jpeg(i, self.width, self.height) for i in range(PALETTE)]
        @web.middleware
        async def record(request: web.Request, handler):  # type: ignore[no-untyped-def]
            self.paths.append(request.path)
            return await handler(request)

        app = web.Application(middlewares=[record])
        app.router.add_get("/stream", self._stream)
        app.router.add_get("/snapshot", self._snapshot)
        app.router.add_get("/auth", self._auth)
        app.router.add_get("/disabled", self._disabled)
        app.router.add_get("/text", self._text)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        context = None
        if self.tls:
            from configurator.simulators.tls import server_context

            context = server_context("test camera", self.host)
        site = web.TCPSite(self._runner, self.host, 0, ssl_context=context)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> CameraServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        self.connections += 1
        connection = self.connections
        fps = float(request.query.get("fps", self.fps))
        response = web.StreamResponse(headers={
            "Content-Type": f"multipart/x-mixed-replace; boundary={BOUNDARY}",
            "Cache-Control": "no-cache"})
        await response.prepare(request)
        interval = 1.0 / fps
        next_at = time.perf_counter()
        n = 0
        while True:
            data = self._frames[self.frames_sent % PALETTE]
            head = (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                    f"Content-Length: {len(data)}\r\n\r\n").encode()
            n += 1
            if self.cut_after and n == self.cut_after and connection <= self.cuts:
                await response.write(head + data[: len(data) // 2])
                await asyncio.sleep(0.05)
                assert request.transport is not None
                request.transport.close()
                return response
            try:
                await self._write_frame(response, head + data + b"\r\n")
            except (ConnectionResetError, RuntimeError):
                return response
            self.send_times[self.frames_sent] = time.perf_counter()
            self.frames_sent += 1
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    async def _write_frame(self, response: web.StreamResponse, frame: bytes) -> None:
        step = -(-len(frame) // self.pieces)
        for start in range(0, len(frame), step):
            if start:
                await asyncio.sleep(self.piece_pause)
            await response.write(frame[start:start + step])

    async def _snapshot(self, request: web.Request) -> web.Response:
        self.snapshots += 1
        return web.Response(body=self._frames[self.snapshots % PALETTE],
                            content_type="image/jpeg")

    async def _auth(self, request: web.Request) -> web.Response:
        return web.Response(status=401, headers={
            "WWW-Authenticate": 'Digest realm="cam", nonce="abc", qop="auth"'})

    async def _disabled(self, request: web.Request) -> web.Response:
        return web.json_response({"success": False, "error": {
            "code": 4, "description": "function is disabled"}})

    async def _text(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>login</html>", content_type="text/html")
