"""/api/pcap*: download, restart, stop, live capture (chunked), live stop, live stats."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from aiohttp import web

from ..pcap import GLOBAL_HEADER, Capture
from ..protocol import ApiError, ApiRequest, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator


def _capture(sim: TwoNSimulator) -> Capture:
    return sim.extensions["pcap"]


async def download(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    # Assumption: the doc says "application/json" but describes a file Wireshark opens; the
    # simulator sends the pcap file as application/vnd.tcpdump.pcap.
    return web.Response(body=_capture(sim).pcap_file(), content_type="application/vnd.tcpdump.pcap",
                        headers={"Content-Disposition": 'attachment; filename="capture.pcap"'})


async def restart(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    _capture(sim).restart()
    return ok()


async def stop(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    _capture(sim).running = False
    return ok()


async def live(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    capture = _capture(sim)
    duration = req.int_param("duration", default=0, minimum=0) or 0
    if capture.live is not None:
        raise ApiError(18, description="packet capture already running")
    assert req.http is not None
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    capture.live, capture.live_bytes, capture.live_packets = queue, 0, 0
    response = web.StreamResponse(headers={"Content-Type": "application/vnd.tcpdump.pcap"})
    response.enable_chunked_encoding()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration if duration else None
    try:
        await response.prepare(req.http)
        await response.write(GLOBAL_HEADER)
        capture.live_bytes = len(GLOBAL_HEADER)
        while not sim.stopping:
            wait = 0.5 if deadline is None else min(0.5, deadline - loop.time())
            if wait <= 0:
                break
            try:
                async with asyncio.timeout(wait):
                    item = await queue.get()
            except TimeoutError:
                continue
            if item is None:
                break
            await response.write(item)
            capture.live_bytes += len(item)
            capture.live_packets += 1
        with contextlib.suppress(ConnectionError):
            await response.write_eof()
    except ConnectionError:
        pass
    finally:
        capture.live = None
        capture.live_bytes = capture.live_packets = 0
    return response


async def live_stop(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    _capture(sim).stop_live()
    return ok()


async def live_stats(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    capture = _capture(sim)
    running = capture.live is not None
    return ok({"running": running, "bytesSent": capture.live_bytes if running else 0,
               "packetsSent": capture.live_packets if running else 0})
