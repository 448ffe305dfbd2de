"""Where JPEG frames come from: a device's MJPEG stream, snapshot polling, or any camera URL.

A source hands on the JPEG frames of *one* connection and returns when the stream ends; errors are
typed (``configurator.core.errors``). Reconnecting is the pipeline's job (:mod:`.camera`).

- :class:`MjpegHttpSource` streams ``multipart/x-mixed-replace`` over a device's Transport.
  If the answer is a single JPEG instead, it raises :class:`NotMjpeg` carrying that frame and the
  pipeline falls back to polling.
- :class:`SnapshotPollSource` fetches one JPEG after another at the requested rate.
- :func:`device_camera` and :func:`url_camera` pick the right one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl, urlparse

import httpx

from ..core import safejson
from ..core.abilities import ExplainsCameraErrors, KeepsPastFrames
from ..core.device import Device
from ..core.errors import (
    AuthError,
    DeviceError,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    ProtocolError,
)
from ..core.mjpeg import is_jpeg
from ..core.transport import Credentials, Endpoint, Transport
from .mjpegstream import NotAStream, stream_raw
from .streamthread import FrameSink

STREAM_READ_TIMEOUT = 10.0  # no byte for this long: the stream is dead, reconnect
SNAPSHOT_TIMEOUT = 10.0
MAX_ERROR_BODY = 64 * 1024


class FrameSource(Protocol):
    """One camera connection: ``run`` hands JPEG bytes on until the stream ends."""

    label: str
    host: str

    async def run(self, on_frame: Callable[[bytes], None],
                  sink: FrameSink | None = None) -> None:
        """Each JPEG to ``on_frame`` on the loop, or, for a stream read in a thread, the
        newest one to ``sink`` from there."""


class NotMjpeg(NotSupported):
    """The camera answered one JPEG instead of a stream (poll it instead)."""

    def __init__(self, message: str, *, host: str | None, frame: bytes | None) -> None:
        super().__init__(message, host=host)
        self.frame = frame


def camera_error(response: httpx.Response, body: bytes, host: str,
                 device: Device | None = None) -> DeviceError:
    """The typed error for a camera answer that is neither a stream nor a JPEG."""
    if isinstance(device, ExplainsCameraErrors):
        try:
            device.raise_camera_error(response, body)
        except DeviceError as exc:
            return exc
    status = response.status_code
    if status == 401:
        return AuthError("camera: authentication failed (check user and password)", host=host)
    if status == 403:
        return PermissionDenied("camera: this account may not view the camera", host=host)
    if status in (404, 405, 501):
        return NotSupported(f"camera: no camera at this address (HTTP {status})", host=host)
    description = _json_error(body)
    if description:
        return DeviceError(f"camera refused: {description}", host=host)
    ctype = response.headers.get("content-type", "no content type")
    return ProtocolError(f"camera answered HTTP {status} ({ctype}), not an image", host=host)


def _json_error(body: bytes) -> str:
    try:
        data = safejson.loads(body[:MAX_ERROR_BODY].decode("utf-8", "replace"))
    except ValueError:
        return ""
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            return str(error.get("description") or error.get("code") or "")
        if isinstance(error, str):
            return error
        if data.get("message"):
            return str(data["message"])
    return ""


@dataclass
class MjpegHttpSource:
    """The MJPEG stream at ``path`` (with ``params``) on ``transport``."""

    transport: Transport
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    device: Device | None = None
    label: str = "MJPEG"
    read_timeout: float = STREAM_READ_TIMEOUT
    parse_errors: int = 0

    @property
    def host(self) -> str:
        return self.transport.endpoint.host

    async def run(self, on_frame: Callable[[bytes], None],
                  sink: FrameSink | None = None) -> None:
        """Read the stream (:func:`.mjpegstream.stream_raw`: the newest JPEG to ``sink`` from
        its stream thread, or every JPEG to ``on_frame``); an answer that is not a stream is
        :class:`NotMjpeg` (one JPEG: poll) or the typed error it means."""
        try:
            self.parse_errors += await stream_raw(self.transport, self.path, self.params,
                                                  on_frame, read_timeout=self.read_timeout,
                                                  sink=sink)
        except NotAStream:
            raise await self._not_a_stream() from None

    async def _not_a_stream(self) -> DeviceError:
        """The request again through the Transport (which maps errors and explains 401s):
        what its answer means."""
        async with self.transport.stream("GET", self.path, params=dict(self.params),
                                         read_timeout=self.read_timeout) as response:
            ctype = response.headers.get("content-type", "")
            if response.status_code == 200 and ctype.lower().startswith("multipart/"):
                return ProtocolError("camera stream: the camera answered differently twice",
                                     host=self.host)
            body = await _read_limited(response)
        if response.status_code == 200 and is_jpeg(body):
            return NotMjpeg("camera sends single images, not a stream", host=self.host,
                            frame=body)
        return camera_error(response, body, self.host, self.device)


async def _read_limited(response: httpx.Response) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_raw():
        body += chunk
        if len(body) > 16 * 1024 * 1024:
            break
    return bytes(body)


@dataclass
class SnapshotPollSource:
    """Polls ``fetch()`` for one JPEG at most ``fps`` times a second (endless)."""

    fetch: Callable[[], Awaitable[bytes]]
    fps: float
    host: str = ""
    label: str = "snapshots"
    first: bytes | None = None  # a frame already fetched (from a NotMjpeg answer)

    async def frames(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        interval = 1.0 / max(0.1, self.fps)
        if self.first is not None:
            frame, self.first = self.first, None
            yield frame
        while True:
            started = loop.time()
            data = await self.fetch()
            if not is_jpeg(data):
                raise ProtocolError("camera snapshot is not a JPEG image", host=self.host)
            yield data
            await asyncio.sleep(max(0.0, interval - (loop.time() - started)))

    async def run(self, on_frame: Callable[[bytes], None],
                  sink: FrameSink | None = None) -> None:
        """Each snapshot to ``on_frame`` (polled on the loop: ``sink`` is not needed)."""
        async for frame in self.frames():
            on_frame(frame)


async def fetch_url_image(transport: Transport, path: str, params: Mapping[str, str],
                          device: Device | None = None) -> bytes:
    response = await transport.request("GET", path, params=dict(params),
                                       read_timeout=SNAPSHOT_TIMEOUT)
    body = response.content
    if response.status_code == 200 and is_jpeg(body):
        return body
    raise camera_error(response, body, transport.endpoint.host, device)


async def past_snapshot(device: Device, seconds_ago: int, *, source: str = "",
                        width: int = 0, height: int = 0) -> bytes:
    """A frame from the device's picture memory, ``seconds_ago`` s back (2N ``time=-N``;
    devices that keep past frames are :class:`KeepsPastFrames`)."""
    if not isinstance(device, KeepsPastFrames):
        raise NotSupported("this device keeps no past camera frames", host=device.host)
    if not 0 <= int(seconds_ago) <= device.past_frames_seconds:
        raise InvalidValue(f"a past snapshot must be 0-{device.past_frames_seconds} seconds "
                           "back", param="time")
    data = await device.snapshot(source, width, height, time=-int(seconds_ago))
    if not is_jpeg(data):
        raise ProtocolError("camera snapshot is not a JPEG image", host=device.host)
    return bytes(data)


# -- choosing a source -------------------------------------------------------------------

SourceFactory = Callable[[], FrameSource]


def device_camera(device: Device, *, source: str = "", width: int = 0, height: int = 0,
                  fps: int = 10) -> SourceFactory:
    """MJPEG from the device when it offers it, else snapshot polling."""
    try:
        path, params = device.mjpeg_request(source, width, height, fps)
    except NotSupported:
        path, params = "", {}

    def poll(first: bytes | None = None) -> FrameSource:
        return SnapshotPollSource(lambda: device.snapshot(source, width, height), fps,
                                  host=device.host, label="snapshots", first=first)

    if not path:
        return poll
    return _with_fallback(
        lambda: MjpegHttpSource(device.transport, path, params, device=device), poll)


def url_camera(url: str, credentials: Credentials | None = None, *, fps: int = 10,
               transport: Transport | None = None) -> tuple[SourceFactory, Transport]:
    """A generic "camera by URL": an MJPEG stream or a JPEG snapshot URL (polled).

    Returns the source factory and the Transport it uses (close it when done).
    """
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InvalidValue(f"not a camera URL (http:// or https:// expected): {url!r}")
    try:
        port = parsed.port
    except ValueError as exc:
        raise InvalidValue(f"bad port in camera URL: {url!r}") from exc
    if credentials is None and parsed.username:
        credentials = Credentials(parsed.username, parsed.password or "")
    endpoint = Endpoint(parsed.hostname, port, parsed.scheme)  # type: ignore[arg-type]
    transport = transport or Transport(endpoint, credentials)
    path = parsed.path or "/"
    params = dict(parse_qsl(parsed.query, keep_blank_values=True))

    def poll(first: bytes | None = None) -> FrameSource:
        return SnapshotPollSource(lambda: fetch_url_image(transport, path, params), fps,
                                  host=endpoint.host, label="snapshots", first=first)

    return _with_fallback(
        lambda: MjpegHttpSource(transport, path, params, label="MJPEG"), poll), transport


class _FallbackFactory:
    """Builds the MJPEG source until the camera proves it sends single images; then polls."""

    def __init__(self, mjpeg: Callable[[], FrameSource],
                 poll: Callable[[bytes | None], FrameSource]) -> None:
        self._mjpeg = mjpeg
        self._poll = poll
        self.polling = False

    def __call__(self) -> FrameSource:
        if self.polling:
            return self._poll(None)
        return _FallbackSource(self)


class _FallbackSource:
    def __init__(self, owner: _FallbackFactory) -> None:
        self._owner = owner
        self._inner: FrameSource = owner._mjpeg()
        self.label = self._inner.label
        self.host = self._inner.host

    async def run(self, on_frame: Callable[[bytes], None],
                  sink: FrameSink | None = None) -> None:
        """The MJPEG stream; once the device answers with a single JPEG, snapshots polled
        from here on (that JPEG is the first frame)."""
        try:
            await self._inner.run(on_frame, sink)
            return
        except NotMjpeg as exc:
            self._owner.polling = True
            self._inner = self._owner._poll(exc.frame)
            self.label = self._inner.label
        await self._inner.run(on_frame, sink)


def _with_fallback(mjpeg: Callable[[], FrameSource],
                   poll: Callable[[bytes | None], FrameSource]) -> SourceFactory:
    return _FallbackFactory(mjpeg, poll)


__all__ = ["FrameSource", "MjpegHttpSource", "NotMjpeg", "SnapshotPollSource", "SourceFactory",
           "camera_error", "device_camera", "past_snapshot", "url_camera"]


