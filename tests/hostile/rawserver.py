"""A hostile HTTP server on a real loopback socket: each request gets the answer a script
decides (a 401, a huge body, a trickle...). Bytes written are counted so a test can tell
whether the client stopped reading."""

from __future__ import annotations

import asyncio
import contextlib
import socketserver
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field

Writer = Callable[[asyncio.StreamWriter], Awaitable[None]]


@dataclass
class RawServer:
    host: str
    # request number (1, 2, ...) and its head -> coroutine that writes the answer
    answer: Callable[[int, bytes], Writer]
    requests: list[bytes] = field(default_factory=list)
    sent: int = 0  # bytes of hostile bodies written (fixed answers are not counted)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task] = field(default_factory=set)

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = _content_length(head)
                if length:
                    head += await reader.readexactly(length)  # the body, kept with the head
                self.requests.append(head)
                await self.answer(len(self.requests), head)(writer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError,
                asyncio.CancelledError):
            pass  # the client went away, or the test ended (cancelled by __aexit__)
        finally:
            writer.close()
            self._tasks.discard(task)

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._server.wait_closed()

    # -- answer writers ------------------------------------------------------------------
    def fixed(self, raw: bytes, *, close: bool = False) -> Writer:
        """``raw`` as it is; ``close``: then end the connection (an answer without length)."""
        async def write(writer: asyncio.StreamWriter) -> None:
            writer.write(raw)
            if close:
                await writer.drain()
                writer.close()
                raise ConnectionResetError  # ends this connection's loop
        return write

    def endless_chunks(self, head: bytes, limit: int, piece: int = 0x10000) -> Writer:
        """``head`` then chunks of ``piece`` bytes until ``limit`` bytes went out."""
        chunk = b"%x\r\n" % piece + b"x" * piece + b"\r\n"

        async def write(writer: asyncio.StreamWriter) -> None:
            writer.write(head)
            while self.sent < limit:
                writer.write(chunk)
                self.sent += len(chunk)
                await writer.drain()
        return write

    def trickle(self, head: bytes, every: float, count: int) -> Writer:
        """``head`` then one byte every ``every`` seconds, ``count`` times."""
        async def write(writer: asyncio.StreamWriter) -> None:
            writer.write(head)
            await writer.drain()
            for _ in range(count):
                await asyncio.sleep(every)
                writer.write(b"x")
                self.sent += 1
                await writer.drain()
        return write


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return int(value)
    return 0


@contextlib.asynccontextmanager
async def raw_server(host: str, answer: Callable[[RawServer, int, bytes], Writer]
                     ) -> AsyncIterator[RawServer]:
    server = RawServer(host, lambda n, head: answer(server, n, head))
    async with server:
        yield server


class _FixedHandler(socketserver.StreamRequestHandler):
    server: _FixedTcpServer

    def handle(self) -> None:
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = self.rfile.readline(65536)
                if not line:
                    return
                head += line
            length = _content_length(head)
            if length:
                head += self.rfile.read(length)
            self.server.requests.append(head)
            try:
                self.wfile.write(self.server.answer_for(head))
                self.wfile.flush()
            except OSError:
                return


class _FixedTcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, answer_for: Callable[[bytes], bytes]) -> None:
        super().__init__((host, 0), _FixedHandler)
        self.answer_for = answer_for
        self.requests: list[bytes] = []


@contextlib.contextmanager
def threaded_server(host: str, answer_for: Callable[[bytes], bytes]
                    ) -> Iterator[_FixedTcpServer]:
    """A blocking server in a thread (for tests that run the CLI's own ``asyncio.run``):
    each request (head and body) gets ``answer_for(request)``, on a kept-alive connection."""
    server = _FixedTcpServer(host, answer_for)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def http_answer(body: bytes, status: str = "200 OK", ctype: str = "application/json",
                extra: bytes = b"") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n".encode() + extra
            + b"Content-Length: %d\r\n\r\n" % len(body) + body)
