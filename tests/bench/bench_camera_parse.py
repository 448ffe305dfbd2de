"""Stream-thread CPU per camera frame: HTTP body framing undone and MJPEG parts split.

Run: ``.venv/bin/python tests/bench/bench_camera_parse.py [--rounds 5] [--frames 300]
[--tree NAME=PATH ...] [--cases a,b]``. Without ``--tree`` only this tree is measured; with
several trees (e.g. ``--tree now=. --tree before=/tmp/cfg-baseline``, a ``git worktree``
of an older commit) each round runs every tree once, in turn (A, B, A, B ...), each in a
fresh process whose ``PYTHONPATH`` starts with that tree, on the very same JPEGs. The machine
may be shared: the load average is printed with every run, and the medians and ranges over
the rounds at the end.

Each case is one framing of the same multipart stream (1280x960 JPEGs of the test cameras,
each part with ``Content-Length`` as ``tests/live/mjpeg_server.py`` sends them):

* ``chunked-1``: ``Transfer-Encoding: chunked``, one chunk per frame (aiohttp's server,
  what ``bench_camera.py`` measures);
* ``chunked-1-trickle``: the same bytes, each frame written in 8 pieces 4 ms apart (as a
  frame comes over a LAN: the stream thread may wake up before the frame is all there);
* ``chunked-16k`` / ``chunked-4k``: chunks of 16 / 4 KB (servers that flush per write);
* ``length``: one ``Content-Length`` for the whole body;
* ``close``: the body ends with the connection (how cameras usually send MJPEG);
* ``close-nolen``: the same, parts without ``Content-Length`` (split at the boundary).

Two numbers per case, CPU (``time.thread_time``) of the one thread doing the work, divided
by the frames it completed:

* ``thread_ms``: the real :class:`~configurator.live.streamthread.StreamThread` reading a
  loopback TCP socket (its ``recv`` sizes, receive low-water mark, catch-up reads): a writer
  process sends a frame's bytes (per chunk, one ``sendall`` each) and waits until the stream
  thread has handed the frame on, as a live camera's next frame comes after the last one
  (``close-nolen``: a part is complete only when the next one's boundary has come, so the
  writer waits for the frame before the one it sent).
  Measured in the stream thread between its 20th and last frame.
* ``feed_ms``: the same bytes fed to the body parser directly in 64 KB pieces (no socket):
  the parsing alone.

``thread_faults`` / ``feed_faults``: minor page faults of that thread per frame (memory the
thread touched for the first time: each costs CPU, counted in the ms above).

The code is reached through a thin adapter for the two APIs (the hand parser, before
bb6a080: ``parse_head`` + ``MjpegBody(parser, chunked)`` + ``StreamThread(sock, pending, body,
...)``; with h11, and with llhttp since:
``HttpExchange`` + ``MjpegBody(parser, exchange)`` + ``StreamThread(sock, body, ...)``).
"""

from __future__ import annotations

import argparse
import inspect
import json
import multiprocessing
import os
import pickle
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BOUNDARY = b"myboundary"
CASES = ["chunked-1", "chunked-1-trickle", "chunked-16k", "chunked-4k", "length", "close",
         "close-nolen"]
TRICKLE = 8, 0.004  # pieces per frame, pause between them (s)
FEED_PIECE = 64 * 1024
WARM_UP = 20


# -- the stream's bytes (same for every tree) ----------------------------------------------
def part(jpeg: bytes, with_length: bool = True) -> bytes:
    """One multipart part as the test cameras send it."""
    length = b"Content-Length: %d\r\n" % len(jpeg) if with_length else b""
    return (b"--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\n" + length + b"\r\n"
            + jpeg + b"\r\n")


def wire(case: str, jpegs: list[bytes], frames: int) -> tuple[bytes, list[list[bytes]]]:
    """The answer's head and, per frame, the writes that send it."""
    parts = [part(jpegs[i % len(jpegs)], case != "close-nolen") for i in range(frames)]
    ctype = b"Content-Type: multipart/x-mixed-replace; boundary=" + BOUNDARY + b"\r\n"
    if case == "chunked-1-trickle":
        head, writes = wire("chunked-1", jpegs, frames)
        pieces = []
        for frame in writes:
            data = b"".join(frame)
            step = -(-len(data) // TRICKLE[0])
            pieces.append([data[i:i + step] for i in range(0, len(data), step)])
        return head, pieces
    if case.startswith("chunked"):
        size = {"chunked-1": 0, "chunked-16k": 16 * 1024, "chunked-4k": 4 * 1024}[case]
        head = b"HTTP/1.1 200 OK\r\n" + ctype + b"Transfer-Encoding: chunked\r\n\r\n"
        writes = []
        for data in parts:
            step = size or len(data)
            writes.append([b"%x\r\n" % len(data[i:i + step]) + data[i:i + step] + b"\r\n"
                           for i in range(0, len(data), step)])
        writes[-1].append(b"0\r\n\r\n")
        return head, writes
    if case == "length":
        total = sum(len(p) for p in parts)
        head = b"HTTP/1.1 200 OK\r\n" + ctype + b"Content-Length: %d\r\n\r\n" % total
    else:
        head = b"HTTP/1.0 200 OK\r\n" + ctype + b"\r\n"
    return head, [[p] for p in parts]


# -- adapter: the same steps on either API ---------------------------------------------------
class Adapter:
    """Builds a body parser (and a stream thread) with whatever ``configurator`` is imported."""

    def __init__(self) -> None:
        from configurator.core import mjpeg
        from configurator.live import httpwire, streamthread
        self.mjpeg, self.httpwire, self.streamthread = mjpeg, httpwire, streamthread
        self.exchange_api = hasattr(httpwire, "HttpExchange")
        self.http_parser = ("llhttp" if hasattr(httpwire, "httptools")
                            else "h11" if hasattr(httpwire, "h11") else "by hand")

    def body(self, head: bytes) -> tuple[Any, bytes]:
        """The body parser of an answer whose head (and maybe some body bytes after it) is
        ``head``; and the body bytes the caller must feed first (by hand: those after the
        head; with an exchange, it keeps them itself)."""
        boundary = self.mjpeg.boundary_from_content_type(
            "multipart/x-mixed-replace; boundary=" + BOUNDARY.decode())
        parser = self.mjpeg.MjpegParser(boundary)
        if self.exchange_api:
            exchange = self.httpwire.HttpExchange("bench")
            got = exchange.feed_head(head)
            assert got is not None and got[0] == 200
            return self.httpwire.MjpegBody(parser, exchange), b""
        raw, _, rest = head.partition(b"\r\n\r\n")
        status, headers = self.httpwire.parse_head(raw)
        assert status == 200
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        return self.httpwire.MjpegBody(parser, chunked), rest

    def thread(self, sock: socket.socket, body: Any, pending: bytes, sink: Any) -> Any:
        cls = self.streamthread.StreamThread
        if "pending" in inspect.signature(cls).parameters:
            return cls(sock, pending, body, sink, read_timeout=10.0, host="bench")
        return cls(sock, body, sink, read_timeout=10.0, host="bench")


# -- measurements ---------------------------------------------------------------------------
def feed_ms(adapter: Adapter, head: bytes, writes: list[list[bytes]],
            lag: int) -> tuple[float, float]:
    """CPU ms and page faults per frame of feeding the body, in FEED_PIECE pieces, to its
    parser (``lag``:
    1 when a part is complete only once the next one's boundary has come)."""
    stream = b"".join(b"".join(w) for w in writes)
    pieces = [stream[i:i + FEED_PIECE] for i in range(0, len(stream), FEED_PIECE)]
    body, pending = adapter.body(head)
    frames = len(body.feed(pending)) if pending else 0
    started, faults = time.thread_time(), thread_faults()
    for piece in pieces:
        frames += len(body.feed(piece))
    spent, faults = time.thread_time() - started, thread_faults() - faults
    assert frames == len(writes) - lag, (frames, len(writes))
    return spent * 1000 / frames, faults / frames


def thread_faults() -> int:
    """Minor page faults of the calling thread so far (fresh memory touched: the kernel
    maps a page on first touch, which costs CPU, in the thread, like a copy)."""
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt


class Sink:
    """Counts frames in the stream thread and notes its CPU time at each."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.faults: list[int] = []
        self.sizes: list[int] = []
        self.got = threading.Semaphore(0)
        self.ended = threading.Event()
        self.error: BaseException | None = None

    def frame_in_thread(self, data: bytes, received: float, skipped: int) -> None:
        self.cpu.append(time.thread_time())
        self.faults.append(thread_faults())
        self.sizes.append(len(data))
        self.got.release()

    def post(self, callback: Any, *args: Any) -> None:
        callback(*args)

    def track(self, job: object) -> None:
        pass

    def on_end(self, error: BaseException | None, parse_errors: int) -> None:
        self.error = error
        self.ended.set()


def thread_ms(adapter: Adapter, case: str, head: bytes, writes: list[list[bytes]],
              lag: int) -> tuple[float, float]:
    """CPU ms and page faults per frame of a real stream thread reading the body off a
    loopback socket, written by another process (as a camera's bytes arrive: segment by
    segment while the thread may already be reading)."""
    context = multiprocessing.get_context("fork")  # (before this process has threads)
    acks, writer_end = context.Pipe()
    with socket.create_server(("127.0.0.1", 0)) as server:
        pause = TRICKLE[1] if case.endswith("-trickle") else 0.0
        writer = context.Process(target=write_stream, daemon=True,
                                 args=(server.getsockname(), head, writes, lag, pause, writer_end))
        writer.start()
        reader, _ = server.accept()
    got = b""
    while b"\r\n\r\n" not in got:
        got += reader.recv(65536)
    body, pending = adapter.body(got)
    sink = Sink()
    job = adapter.thread(reader, body, pending, sink)
    job.start(sink.on_end)
    for n in range(len(writes) - lag):  # (in this thread: the stream thread only releases)
        if not sink.got.acquire(timeout=10):
            raise RuntimeError(f"frame {n} did not come through: {sink.error}")
        acks.send_bytes(b"+")
    sink.ended.wait(10)
    writer.join(10)
    assert len(sink.cpu) == len(writes) - lag, (len(sink.cpu), len(writes), sink.error)
    frames = len(sink.cpu) - 1 - WARM_UP
    return ((sink.cpu[-1] - sink.cpu[WARM_UP]) * 1000 / frames,
            (sink.faults[-1] - sink.faults[WARM_UP]) / frames)


def write_stream(address: tuple[str, int], head: bytes, writes: list[list[bytes]], lag: int,
                 pause: float, acks: Any) -> None:
    """The camera (in its own process): each frame's writes (``pause`` s apart), then wait
    until the reader has it (with ``lag``: the frame before it), then the next."""
    sock = socket.create_connection(address)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(head)
    for n, frame in enumerate(writes):
        for i, chunk in enumerate(frame):
            if i and pause:
                time.sleep(pause)
            sock.sendall(chunk)
        if n >= lag:
            acks.recv_bytes()
    sock.close()


def worker(frames_file: str, frames: int, cases: list[str]) -> None:
    """One run in this process: every case, printed as one JSON line."""
    jpegs = pickle.loads(Path(frames_file).read_bytes())
    # The viewer frees decoded pictures (megabytes) all the time, so glibc's malloc has long
    # raised its mmap threshold above a 256 KB recv there; a fresh process has not, and would
    # map (and page-fault) fresh memory for every recv. Freed once here, as in the viewer.
    freed = bytearray(8 << 20)
    del freed
    adapter = Adapter()
    result: dict[str, Any] = {"code": str(Path(adapter.mjpeg.__file__).parents[2]),
                              "http_parser": adapter.http_parser, "load": os.getloadavg()[0]}
    for case in cases:
        head, writes = wire(case, jpegs, frames)
        lag = 1 if case == "close-nolen" else 0
        (thread, thread_pf), (feed, feed_pf) = (thread_ms(adapter, case, head, writes, lag),
                                                feed_ms(adapter, head, writes, lag))
        result[case] = {"thread_ms": thread, "feed_ms": feed, "thread_faults": thread_pf,
                        "feed_faults": feed_pf}
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--tree", action="append", default=[],
                        help="NAME=PATH of a source tree to measure (repeatable)")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--worker", metavar="FRAMES_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cases = args.cases.split(",")
    if args.worker:
        worker(args.worker, args.frames, cases)
        return
    trees = [t.split("=", 1) for t in args.tree] or [["this", str(ROOT)]]
    sys.path.insert(0, str(ROOT))
    from tests.live.mjpeg_server import PALETTE, make_jpeg
    jpegs = [make_jpeg(i, 1280, 960) for i in range(PALETTE)]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in trees}
    with tempfile.NamedTemporaryFile(suffix=".pickle") as tmp:
        tmp.write(pickle.dumps(jpegs))
        tmp.flush()
        for r in range(args.rounds):
            for name, path in trees:
                env = dict(os.environ, PYTHONPATH=str(Path(path).resolve()))
                out = subprocess.run(
                    [sys.executable, __file__, "--worker", tmp.name, "--frames",
                     str(args.frames), "--cases", ",".join(cases)],
                    env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
                if out.returncode:
                    raise SystemExit(f"{name}: the run failed:\n{out.stderr}")
                run = json.loads(out.stdout.strip().splitlines()[-1])
                runs[name].append(run)
                cells = "  ".join(f"{c} {run[c]['thread_ms']:.3f}/{run[c]['feed_ms']:.3f}"
                                  for c in cases)
                print(f"round {r + 1} {name:8} load {run['load']:.2f}->{run['load_after']:.2f}"
                      f"  {cells}", flush=True)
    for name, _ in trees:
        print(f"\n{name}: {runs[name][0]['code']} (HTTP parsed {runs[name][0]['http_parser']}), "
              f"{args.rounds} runs x {args.frames} frames, ms of CPU per frame, "
              f"median [min-max]")
        for case in cases:
            line = []
            for key in ("thread_ms", "feed_ms", "thread_faults", "feed_faults"):
                xs = [run[case][key] for run in runs[name]]
                digits = 3 if key.endswith("ms") else 1
                line.append(f"{key} {statistics.median(xs):.{digits}f} "
                            f"[{min(xs):.{digits}f}-{max(xs):.{digits}f}]")
            print(f"  {case:12} " + "  ".join(line))


if __name__ == "__main__":
    main()
