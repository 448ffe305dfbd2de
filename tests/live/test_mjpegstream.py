"""The camera's MJPEG reader: chunks (llhttp), frames, auth, hand-over to the Transport, cuts."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import httpx
import pytest

from configurator.core.errors import AuthError, CertificateMismatch, DeviceTimeout, ProtocolError
from configurator.core.transport import Credentials, Endpoint, MemoryPinStore, Transport
from configurator.drivers.registry import connect
from configurator.live.mjpegstream import NotAStream, _wait_head, stream_raw
from configurator.live.sources import MjpegHttpSource
from configurator.simulators.twon.device import DEFAULT_PASSWORD, DEFAULT_USER, create

from ..timelimit import time_limit
from .answer_head import exchange_past_head
from .mjpeg_server import PALETTE, CameraServer


def test_chunked_body_fed_byte_by_byte_is_undone() -> None:
    wire = b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n"
    chunks = exchange_past_head(chunked=True)
    out = b"".join(b"".join(chunks.feed_body(wire[i:i + 1])) for i in range(len(wire)))
    assert out == b"hello, world"
    assert chunks.finished
    whole = exchange_past_head(chunked=True)
    assert b"".join(whole.feed_body(wire)) == b"hello, world" and whole.finished


def test_a_body_ending_with_the_connection_passes_on_in_order_until_the_close() -> None:
    """No framing to undo (how cameras send MJPEG): bytes that came with the head, bytes
    kept before the thread reads, then what arrives, in order; the close is the proper end."""
    body = exchange_past_head(pending=b"ab")
    body.keep(b"cd")
    assert b"".join(body.feed_body(b"ef")) == b"abcdef" and not body.finished
    body.keep(b"gh")
    assert b"".join(body.feed_body(b"")) == b"gh"
    assert body.feed_body(b"ij", closed=True) == [b"ij"] and body.finished
    assert body.feed_body(b"late") == []


def test_a_bad_size_line_is_a_typed_error() -> None:
    with pytest.raises(ProtocolError, match="chunked"):
        exchange_past_head(chunked=True).feed_body(b"zz\r\nhello\r\n")


@pytest.mark.parametrize("size", [b"-6", b"+6", b"0x6", b"1_0", b" -0", b"\xb2", b"6 6",
                                  b"", b"1" * 17, b"-" + b"9" * 5000])
def test_every_malformed_chunk_size_is_a_typed_error_not_a_hang(size: bytes) -> None:
    """A negative size used to consume no byte: the reader looped for ever, growing memory."""
    with time_limit(5), pytest.raises(ProtocolError, match="bad chunked encoding"):
        exchange_past_head(chunked=True).feed_body(size + b"\r\nabcdef\r\n0\r\n\r\n")


def test_chunk_sizes_that_are_plain_hex_still_work() -> None:
    """White space before a chunk extension's ``;`` is read (RFC 9112's BWS; the hand parser
    read it, h11 refused it for a while, llhttp reads it with the leniency we switch on)."""
    wire = b"A\r\n0123456789\r\n00000002 ;name=value\r\nab\r\n0\r\n\r\n"
    chunks = exchange_past_head(chunked=True)
    assert b"".join(chunks.feed_body(wire)) == b"0123456789ab" and chunks.finished


def test_white_space_after_a_chunk_extensions_semicolon_is_one_typed_error() -> None:
    """Changed with the parser: ``2 ; name=value`` was read by the hand parser; h11 refused
    the space before ``;``, llhttp refuses the one after it (RFC 9112 allows both, but no
    camera sends chunk extensions at all): one typed error ends the stream (bounded, no
    traceback) and the pipeline reconnects."""
    chunks = exchange_past_head(chunked=True)
    with pytest.raises(ProtocolError, match="bad chunked encoding"):
        chunks.feed_body(b"00000002 ; name=value\r\nab\r\n0\r\n\r\n")


@pytest.mark.parametrize("digits", [15, 16])
def test_a_huge_chunk_size_passes_data_on_without_holding_it(digits: int) -> None:
    """llhttp takes sizes of up to 16 hexadecimal digits (64 bits; the hand parser stopped
    at 15, h11 took 20). Memory stays bounded all the same: a chunk's data is handed on as
    it arrives, never held until the chunk is complete, and the MJPEG parser limits a part
    (max_part_size) whatever the chunk size says."""
    chunks = exchange_past_head(chunked=True)
    assert chunks.feed_body(b"f" * digits + b"\r\n") == []
    for _ in range(64):
        assert b"".join(chunks.feed_body(b"x" * 65536)) == b"x" * 65536
    assert not chunks.finished
    with pytest.raises(ProtocolError, match="connection dropped"):
        chunks.feed_body(b"", closed=True)  # the chunk is cut short


async def _collect(transport: Transport, path: str, params: dict[str, str],
                   count: int) -> list[bytes]:
    got: list[bytes] = []
    done = asyncio.get_running_loop().create_future()

    def take(frame: bytes) -> None:
        got.append(frame)
        if len(got) == count and not done.done():
            done.set_result(None)

    task = asyncio.ensure_future(stream_raw(transport, path, params, take, read_timeout=5))
    try:
        await asyncio.wait_for(asyncio.shield(done), 5)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    return got


async def test_raw_stream_delivers_the_cameras_jpegs(loopback) -> None:
    async with CameraServer(loopback(), fps=50) as cam:
        transport = Transport(Endpoint(cam.host, cam.port))
        try:
            got = await _collect(transport, "/stream", {}, 4)
        finally:
            await transport.aclose()
        assert got == [cam._frames[i % PALETTE] for i in range(4)]


async def test_other_answers_are_handed_to_the_transport(loopback) -> None:
    async with CameraServer(loopback()) as cam:
        transport = Transport(Endpoint(cam.host, cam.port))
        try:
            for path in ("/snapshot", "/text", "/disabled"):
                with pytest.raises(NotAStream):
                    await stream_raw(transport, path, {}, lambda f: None, read_timeout=5)
        finally:
            await transport.aclose()


async def test_cut_stream_is_a_protocol_error(loopback) -> None:
    async with CameraServer(loopback(), fps=50, cut_after=3) as cam:
        transport = Transport(Endpoint(cam.host, cam.port))
        got: list[bytes] = []
        try:
            with pytest.raises(ProtocolError, match="connection dropped"):
                await stream_raw(transport, "/stream", {}, got.append, read_timeout=5)
        finally:
            await transport.aclose()
        assert len(got) == 2  # the two whole frames before the cut


async def test_digest_camera_streams_raw(loopback) -> None:
    host = loopback()
    sim = create(host, http_port=0, https_port=None)
    await sim.start()
    try:
        device = await connect(Endpoint(host, sim.ports["http"]),
                               Credentials(DEFAULT_USER, DEFAULT_PASSWORD), driver_id="2n")
        try:
            path, params = device.mjpeg_request("", 320, 240, 15)
            got = await _collect(device.transport, path, params, 2)
            assert len(got) == 2 and all(frame[:2] == b"\xff\xd8" for frame in got)
        finally:
            await device.aclose()
    finally:
        await sim.stop()


async def test_refused_credentials_end_as_auth_error_through_the_transport(loopback) -> None:
    async with CameraServer(loopback()) as cam:
        bad = Transport(Endpoint(cam.host, cam.port), Credentials("admin", "wrong"))
        try:
            with pytest.raises(AuthError):
                await MjpegHttpSource(bad, "/auth").run(lambda f: None)
            assert bad.auth is not None and bad.auth.chosen == "digest"
        finally:
            await bad.aclose()


async def test_https_stream_is_checked_against_the_pin(loopback) -> None:
    host = loopback()
    sim = create(host, http_port=None, https_port=0)
    await sim.start()
    try:
        endpoint = Endpoint(host, sim.ports["https"], "https")
        pins = MemoryPinStore()
        device = await connect(endpoint, Credentials(DEFAULT_USER, DEFAULT_PASSWORD),
                               driver_id="2n", pins=pins)
        try:
            path, params = device.mjpeg_request("", 320, 240, 15)
            got = await _collect(device.transport, path, params, 2)
            assert len(got) == 2 and got[0][:2] == b"\xff\xd8"
            pins.put(endpoint.key, "00" * 32)  # the device's certificate changed since
            sent: list[bytes] = []
            with pytest.raises(CertificateMismatch):
                await stream_raw(device.transport, path, params, sent.append, read_timeout=5)
            assert sent == []
        finally:
            await device.aclose()
    finally:
        await sim.stop()


async def test_silent_camera_times_out(loopback) -> None:
    writers: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; "
                     b"boundary=b\r\n\r\n")
        await asyncio.sleep(2)

    server = await asyncio.start_server(silent, loopback(), 0)
    host, port = server.sockets[0].getsockname()[:2]
    transport = Transport(Endpoint(host, port))
    try:
        started = asyncio.get_running_loop().time()
        with pytest.raises(DeviceTimeout):
            await stream_raw(transport, "/", {}, lambda f: None, read_timeout=0.2)
        assert asyncio.get_running_loop().time() - started < 1.5
    finally:
        await transport.aclose()
        for writer in writers:  # the handler still sleeps: close its connection here
            writer.close()
        server.close()
        await server.wait_closed()


async def test_https_stream_moves_to_a_stream_thread_with_its_tls_session(loopback) -> None:
    """Handshake, pin check, Digest and head on the loop; then the same TLS session is read
    and decrypted in the stream thread, where the frames are decoded."""
    from configurator.live.camera import CameraPipeline
    from configurator.live.decode import decode_rgb
    from configurator.live.sources import device_camera

    host = loopback()
    sim = create(host, http_port=None, https_port=0)
    await sim.start()
    try:
        device = await connect(Endpoint(host, sim.ports["https"], "https"),
                               Credentials(DEFAULT_USER, DEFAULT_PASSWORD), driver_id="2n",
                               pins=MemoryPinStore())
        pipeline = CameraPipeline(device_camera(device, width=320, height=240, fps=15))
        threads: set[str] = set()

        def decode(data, min_size):
            threads.add(threading.current_thread().name)
            return decode_rgb(data, min_size)

        pipeline.decode = decode
        pipeline.start()
        try:
            loop = asyncio.get_running_loop()
            end = loop.time() + 10
            while pipeline.stats.decoded < 4:
                assert loop.time() < end, (pipeline.state, pipeline.message)
                await asyncio.sleep(0.02)
        finally:
            await pipeline.aclose()
            await device.aclose()
    finally:
        await sim.stop()
    assert threads and all(name.startswith("mjpeg-") for name in threads), threads
    assert pipeline.stats.decode_errors == 0 and pipeline.stats.reconnects == 0


async def test_a_stop_arriving_with_the_cameras_answer_is_not_lost():
    """Python 3.11's ``asyncio.wait_for`` returns the result and drops a cancel that lands in
    the same loop turn as the answer: the stream then went on after ``stop()`` and the
    pipeline's ``aclose`` (window shutdown) waited forever. Seen in about half the runs of
    a window test that changes the camera resolution twice in a row."""
    loop = asyncio.get_running_loop()
    proto = SimpleNamespace(head=loop.create_future(), host="127.0.0.1")
    task = asyncio.ensure_future(_wait_head(proto, 5.0))
    await asyncio.sleep(0)
    proto.head.set_result((200, httpx.Headers()))
    await asyncio.sleep(0)  # the answer is in; the waiting task is scheduled, not yet run
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
