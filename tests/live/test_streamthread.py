"""The stream thread on a socket pair: newest frame wins, ends and errors, stop."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from configurator.core.errors import DeviceError, DeviceTimeout, ProtocolError
from configurator.core.mjpeg import MjpegParser
from configurator.live.streamthread import StreamThread

from .answer_head import mjpeg_body

BOUNDARY = b"frame"


def jpeg(i: int) -> bytes:
    return b"\xff\xd8" + bytes([i]) * 200 + b"\xff\xd9"


def part(i: int) -> bytes:
    data = jpeg(i)
    return (b"--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\nContent-Length: "
            + str(len(data)).encode() + b"\r\n\r\n" + data + b"\r\n")


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


class Sink:
    """Records what the thread hands on; ``post`` runs at once (there is no loop here)."""

    def __init__(self, on_frame: Callable[[bytes], None] | None = None) -> None:
        self.frames: list[tuple[bytes, int]] = []
        self.ended = threading.Event()
        self.end: tuple[BaseException | None, int] | None = None
        self.jobs: list[StreamThread] = []
        self.on_frame = on_frame
        self.got_frame = threading.Event()

    def frame_in_thread(self, data: bytes, received: float, skipped: int) -> None:
        assert received <= time.monotonic()
        if self.on_frame is not None:
            self.on_frame(data)
        self.frames.append((data, skipped))
        self.got_frame.set()

    def post(self, callback: Callable[..., object], *args: object) -> None:
        callback(*args)

    def track(self, job: StreamThread) -> None:
        self.jobs.append(job)

    def on_end(self, error: BaseException | None, parse_errors: int) -> None:
        self.end = (error, parse_errors)
        self.ended.set()


def start(sink: Sink, *, pending: bytes = b"", chunked: bool = False,
          timeout: float = 5.0) -> tuple[StreamThread, socket.socket]:
    ours, camera = socket.socketpair()
    body = mjpeg_body(MjpegParser(BOUNDARY), chunked=chunked, pending=pending)
    reader = StreamThread(ours, body, sink, read_timeout=timeout, host="camera")
    reader.start(sink.on_end)
    assert sink.jobs == [reader]
    return reader, camera


def wait_done(reader: StreamThread, sink: Sink) -> None:
    assert sink.ended.wait(5)
    for _ in range(500):
        if reader.done():
            return
        time.sleep(0.01)
    raise AssertionError("the stream thread did not end")


def test_frames_in_order_then_the_end() -> None:
    sink = Sink()
    reader, camera = start(sink, pending=part(0)[:50])  # body bytes that came with the head
    camera.sendall(part(0)[50:])
    assert sink.got_frame.wait(5)
    for i in (1, 2):
        sink.got_frame.clear()
        camera.sendall(part(i))
        assert sink.got_frame.wait(5)
    camera.close()
    wait_done(reader, sink)
    assert sink.frames == [(jpeg(0), 0), (jpeg(1), 0), (jpeg(2), 0)]
    assert sink.end == (None, 0)


def test_frames_already_waiting_are_skipped_for_the_newest() -> None:
    gate = threading.Event()
    sink = Sink(on_frame=lambda data: gate.wait(5))  # the first "decode" is held
    reader, camera = start(sink)
    camera.sendall(part(0))
    time.sleep(0.2)  # frame 0 is being "decoded" now
    camera.sendall(b"".join(part(i) for i in range(1, 6)))
    time.sleep(0.2)
    gate.set()
    camera.close()
    wait_done(reader, sink)
    assert sink.frames == [(jpeg(0), 0), (jpeg(5), 4)]


def test_chunked_body_cut_short_is_a_protocol_error() -> None:
    sink = Sink()
    reader, camera = start(sink, chunked=True)
    camera.sendall(chunk(part(0)) + chunk(part(1))[:40])
    assert sink.got_frame.wait(5)
    camera.close()
    wait_done(reader, sink)
    error, _ = sink.end
    assert isinstance(error, ProtocolError) and "connection dropped" in str(error)
    assert [data for data, _ in sink.frames] == [jpeg(0)]


def test_chunked_body_that_ends_properly_is_a_normal_end() -> None:
    sink = Sink()
    reader, camera = start(sink, chunked=True)
    camera.sendall(chunk(part(0)) + b"0\r\n\r\n")
    wait_done(reader, sink)
    assert sink.end == (None, 0) and len(sink.frames) == 1
    camera.close()


def test_silent_camera_times_out() -> None:
    sink = Sink()
    reader, camera = start(sink, timeout=0.2)
    wait_done(reader, sink)
    assert isinstance(sink.end[0], DeviceTimeout)
    camera.close()


def test_stop_ends_a_blocked_read_at_once_and_reports_nothing() -> None:
    sink = Sink()
    reader, camera = start(sink, timeout=30)
    time.sleep(0.1)
    stopped = time.monotonic()
    reader.stop()
    for _ in range(200):
        if reader.done():
            break
        time.sleep(0.005)
    assert reader.done() and time.monotonic() - stopped < 1.0
    assert sink.end is None  # a stop is not an end of the stream
    camera.close()


def test_a_failing_sink_ends_the_stream_with_an_error(caplog, monkeypatch) -> None:
    def broken(data: bytes) -> None:
        raise KeyError("bug")

    escaped: list[object] = []  # exceptions that left a thread unhandled
    monkeypatch.setattr(threading, "excepthook", escaped.append)

    sink = Sink(on_frame=broken)
    reader, camera = start(sink)
    camera.sendall(part(0))
    wait_done(reader, sink)
    error, _ = sink.end
    assert isinstance(error, DeviceError) and "camera stream failed" in str(error)
    assert "camera stream thread failed" in caplog.text
    assert escaped == []
    camera.close()


def test_a_negative_chunk_size_ends_the_stream_with_one_typed_error() -> None:
    """Finding 1: ``-6`` used to make the reader loop for ever (CPU and memory)."""
    sink = Sink()
    reader, camera = start(sink, chunked=True)
    camera.sendall(chunk(part(0)) + chunk(part(1))[:40])
    assert sink.got_frame.wait(5)
    camera.sendall(chunk(part(1))[40:] + b"-6\r\nabcdef\r\n")
    wait_done(reader, sink)
    error, _ = sink.end
    assert isinstance(error, ProtocolError) and "bad chunked encoding" in str(error)
    assert "\n" not in str(error)
    assert [data for data, _ in sink.frames] == [jpeg(0)]
    camera.close()
