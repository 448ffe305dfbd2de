"""Fast TCP connect scan: thousands of non-blocking connects at once, adaptive timeout.

Only "open" matters for discovery: refused and timed-out ports are simply not reported.
Raw non-blocking sockets (``loop.sock_connect``) are used instead of ``open_connection`` -
no transport or protocol objects per attempt, which keeps a /22 sweep well under a second.

Two passes per address and port, without a barrier between them:

1. a *fast* attempt that gives up after ``RttTracker.timeout()`` - max(25 ms, 8 x p90 of the
   round-trip times measured on this range so far), never more than the long timeout;
2. addresses silent in the fast attempt are tried once more with the long ``timeout``, so a
   slow device is still found (and reported when found).

A host is handed on as soon as all its ports were tried in the fast pass and one is open;
a host that only answers in the second pass is handed on when that answer arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import math
import select
import socket
import struct
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field

ProgressHook = Callable[[int, int], None]

_LINGER_RST = struct.pack("ii", 1, 0)
_TCPI_RTT_OFFSET = 68  # struct tcp_info: 8 x u8, then u32 ... tcpi_rtt is the 16th u32
FAST_FLOOR = 0.025  # seconds: the shortest fast-pass timeout
RTT_FACTOR = 8.0
LAUNCH_BATCH = 64  # hosts launched between two yields to the event loop


def fd_budget(requested: int) -> int:
    """Concurrency that fits in the open-file limit (leaving room for everything else)."""
    try:
        import resource  # Unix only; Windows has no per-process descriptor limit like it

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        soft = 1024
    return max(16, min(requested, soft - 256))


@dataclass
class RttTracker:
    """Round-trip times seen on the swept range and the fast-pass timeout derived from them.

    Samples come from the kernel's own SYN/SYN-ACK measurement (``TCP_INFO``) of accepted
    connections where available - asyncio's wall clock would add event-loop lag when
    thousands of connects start at once - else from the wall clock.
    """

    ceiling: float  # the long timeout: the fast pass never waits longer
    floor: float = FAST_FLOOR
    factor: float = RTT_FACTOR
    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(max(0.0, seconds))

    def p90(self) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]

    def timeout(self) -> float:
        """The fast-pass timeout now; the long timeout until the first RTT is known."""
        p90 = self.p90()
        if p90 is None:
            return self.ceiling
        return min(self.ceiling, max(self.floor, self.factor * p90))


def kernel_rtt(sock: socket.socket) -> float | None:
    """The kernel's smoothed RTT of a connected TCP socket in seconds (Linux), else None."""
    tcp_info = getattr(socket, "TCP_INFO", None)
    if tcp_info is None:
        return None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, tcp_info, 104)
    except OSError:
        return None
    if len(raw) < _TCPI_RTT_OFFSET + 4:
        return None
    (micros,) = struct.unpack_from("I", raw, _TCPI_RTT_OFFSET)
    return micros / 1e6


def _connected_now(sock: socket.socket) -> bool | None:
    """Without waiting: True connected, False refused/failed, None still pending.

    Used before giving up on an attempt, so event-loop lag never turns an answer that
    already arrived into "silent"."""
    if not _writable_now(sock):
        return None
    # Only a peer address proves a connection. Under event-loop lag the connect() may not even
    # have been issued yet: such a socket polls writable with POLLHUP and SO_ERROR 0, which once
    # read as an open port on an absent host (and, judged "refused", would skip the second
    # pass). Not connected and no error: still unknown, let the second pass try again.
    try:
        sock.getpeername()
    except OSError:
        return False if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) else None
    return True


def _writable_now(sock: socket.socket) -> bool:
    """Whether a connecting socket has an outcome yet, without waiting."""
    if hasattr(select, "poll"):  # not select.select: descriptors above 1024 are common here
        poller = select.poll()
        poller.register(sock, select.POLLOUT)
        return bool(poller.poll(0))
    # Windows: no poll(); its select() takes any socket handle (the limit is the set's size,
    # here one), and reports a failed connect in the exception set, not as writable.
    _readable, writable, failed = select.select([], [sock], [sock], 0)
    return bool(writable or failed)


def _socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    # Close with RST: no TIME_WAIT pile-up when sweeping thousands of ports.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RST)
    return sock


# connect() on a non-blocking socket: the answer comes later (Windows: WSAEWOULDBLOCK).
_PENDING = {errno.EINPROGRESS, errno.EALREADY, errno.EWOULDBLOCK,
            getattr(errno, "WSAEWOULDBLOCK", errno.EWOULDBLOCK)}


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


async def connect_once(host: str, port: int, deadline: Callable[[], float],
                       rtts: RttTracker | None = None) -> bool | None:
    """One connect attempt: True open, False refused/unreachable, None silent.

    ``deadline()`` is re-read while waiting (the adaptive timeout tightens as RTTs arrive).
    On selector event loops (Linux/macOS, qasync there) the connect is issued at once and the
    socket watched with one writer callback and one timer per 25 ms slice: no task, no
    ``asyncio.wait`` and no address parsing per attempt (a /24 sweep spent most of its CPU
    there). Other loops (Windows' proactor) go through ``loop.sock_connect``.
    """
    loop = asyncio.get_running_loop()
    if not isinstance(loop, asyncio.selector_events.BaseSelectorEventLoop):
        return await _connect_once_portable(loop, host, port, deadline, rtts)
    sock = _socket()
    started = time.monotonic()
    try:
        try:
            error = sock.connect_ex((host, port))
        except OSError:  # e.g. an address this system cannot send to at all
            return False
        if error == 0:
            state: bool | None = True
        elif error not in _PENDING:
            return False
        else:
            state = await _outcome(loop, sock, started, deadline)
        if state is None:
            return None
        if rtts is not None:
            if state:
                measured = kernel_rtt(sock)
                rtts.add(measured if measured is not None else time.monotonic() - started)
            elif not hasattr(socket, "TCP_INFO"):
                rtts.add(time.monotonic() - started)  # no kernel RTT on this platform
        return state
    finally:
        sock.close()


async def _outcome(loop: asyncio.AbstractEventLoop, sock: socket.socket, started: float,
                   deadline: Callable[[], float]) -> bool | None:
    """Wait until a connecting socket is writable (connected or failed) or the deadline
    passes; then judge it without waiting (:func:`_connected_now`)."""
    fd = sock.fileno()
    while True:
        remaining = deadline() - (time.monotonic() - started)
        if remaining <= 0:
            return _connected_now(sock)
        waiter: asyncio.Future[None] = loop.create_future()
        loop.add_writer(fd, _wake, waiter)
        timer = loop.call_later(min(remaining, FAST_FLOOR), _wake, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            loop.remove_writer(fd)
        state = _connected_now(sock)
        if state is not None:
            return state


async def _connect_once_portable(loop: asyncio.AbstractEventLoop, host: str, port: int,
                                 deadline: Callable[[], float],
                                 rtts: RttTracker | None) -> bool | None:
    """:func:`connect_once` through ``loop.sock_connect`` (event loops without
    ``add_writer``: Windows' proactor)."""
    sock = _socket()
    started = time.monotonic()
    connect = asyncio.ensure_future(loop.sock_connect(sock, (host, port)))
    try:
        while True:
            remaining = deadline() - (time.monotonic() - started)
            if remaining > 0:
                await asyncio.wait({connect}, timeout=min(remaining, FAST_FLOOR))
            if connect.done():
                break
            if remaining <= 0:
                state = _connected_now(sock)
                if state is None:
                    return None
                return state
        if connect.exception() is not None:
            if rtts is not None and not hasattr(socket, "TCP_INFO") \
                    and isinstance(connect.exception(), ConnectionRefusedError):
                rtts.add(time.monotonic() - started)  # no kernel RTT on this platform
            return False
        if rtts is not None:
            measured = kernel_rtt(sock)
            rtts.add(measured if measured is not None else time.monotonic() - started)
        return True
    finally:
        if not connect.done():
            connect.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await connect
        elif not connect.cancelled():
            connect.exception()  # retrieved: no "exception never retrieved" warning
        sock.close()


async def port_open(host: str, port: int, timeout: float) -> bool:
    """True when a TCP connection to host:port is accepted within ``timeout`` seconds."""
    return bool(await connect_once(host, port, lambda: timeout))


@dataclass
class ScanStats:
    """What a scan did, for the summary and the benchmark."""

    fast_timeout: float = 0.0  # the fast-pass timeout at the end of the scan
    rtt_p90: float | None = None
    second_pass: int = 0  # (address, port) pairs tried again after a silent fast attempt
    found_in_second_pass: int = 0


async def scan(
    hosts: Iterable[str],
    ports: Sequence[int],
    *,
    timeout: float = 0.3,
    concurrency: int = 2048,
    progress: ProgressHook | None = None,
    stats: ScanStats | None = None,
    adaptive: bool = True,
) -> AsyncIterator[tuple[str, tuple[int, ...]]]:
    """Yield ``(host, open ports)`` for every host with an open port, as soon as that host's
    ports were tried (see the module doc for the two passes). ``progress(done_hosts,
    total_hosts)`` is called as hosts finish both passes. ``adaptive=False``: one pass with
    the fixed ``timeout``.
    """
    host_list = list(dict.fromkeys(hosts))
    total = len(host_list)
    stats = stats if stats is not None else ScanStats()
    rtts = RttTracker(ceiling=timeout)
    fast = rtts.timeout if adaptive else (lambda: timeout)
    slots = asyncio.Semaphore(fd_budget(concurrency))
    queue: asyncio.Queue[tuple[str, tuple[int, ...]] | None] = asyncio.Queue()
    fast_left = dict.fromkeys(host_list, len(ports))
    all_left = dict.fromkeys(host_list, len(ports))
    found: dict[str, list[int]] = {}
    handed: set[str] = set()
    done_hosts = 0
    tasks: set[asyncio.Task[None]] = set()

    def hand_on(host: str) -> None:
        if host in found and host not in handed:
            handed.add(host)
            queue.put_nowait((host, tuple(sorted(found[host]))))

    async def attempt(host: str, port: int) -> None:
        nonlocal done_hosts
        try:
            state = await connect_once(host, port, fast, rtts)
            if state:
                found.setdefault(host, []).append(port)
            fast_left[host] -= 1
            if fast_left[host] == 0:
                hand_on(host)
            if state is None and adaptive:
                waited = fast()
                if waited < timeout:  # the fast pass was shorter than the long timeout
                    stats.second_pass += 1
                    if await connect_once(host, port, lambda: timeout):
                        stats.found_in_second_pass += 1
                        found.setdefault(host, []).append(port)
                        hand_on(host)  # Assumption: a host already handed on keeps its ports
        finally:
            slots.release()
        all_left[host] -= 1
        if all_left[host] == 0:
            done_hosts += 1
            if progress is not None:
                progress(done_hosts, total)
            if done_hosts == total:
                queue.put_nowait(None)

    async def launcher() -> None:
        for index, host in enumerate(host_list):
            if index % LAUNCH_BATCH == LAUNCH_BATCH - 1:
                # Let answers already in (and their fingerprint probes) run while a large
                # range is still being launched: the first devices surface sooner.
                await asyncio.sleep(0)
            for port in ports:
                await slots.acquire()
                task = asyncio.create_task(attempt(host, port))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

    if not host_list or not ports:
        return
    launch = asyncio.create_task(launcher())
    try:
        while (item := await queue.get()) is not None:
            yield item
    finally:
        stats.fast_timeout, stats.rtt_p90 = fast(), rtts.p90()
        launch.cancel()
        for task in list(tasks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(launch, *tasks, return_exceptions=True)
