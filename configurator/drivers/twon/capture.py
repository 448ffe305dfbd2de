"""2N packet capture: start (``pcap/restart``: deletes the records and starts again), stop
(``pcap/stop``) and download (``pcap``: a file Wireshark opens); a live capture
(``pcap/live`` for a few seconds, ``pcap/live/stop``, ``pcap/live/stats``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.device import ActionSpec, Capability
from ...core.downloads import DeviceFile
from ...core.errors import ProtocolError
from ...core.transport import MAX_RESPONSE_BYTES
from .client import TwoNClient

LIVE_SECONDS = 10
LIVE_FILE = DeviceFile("live-capture", f"Live capture ({LIVE_SECONDS} s)", ".pcap",
                       f"Records the intercom's traffic as it happens for {LIVE_SECONDS} s "
                       "(pcap/live), without touching the stored capture.")

CAPTURE_FILE = DeviceFile("capture", "Packet capture", ".pcap",
                          "The network traffic the intercom recorded (pcap: opens in "
                          "Wireshark). Start and stop it with the packet capture actions.")

CAPTURE_ACTIONS = (
    ActionSpec("pcap_restart", "Start packet capture", capability=str(Capability.PCAP),
               help="Deletes the previous recording and starts recording the intercom's "
                    "network traffic (pcap/restart)."),
    ActionSpec("pcap_stop", "Stop packet capture", capability=str(Capability.PCAP),
               help="Stops the recording; download it from Maintenance (pcap/stop)."),
    ActionSpec("pcap_live_stop", "Stop a live capture", capability=str(Capability.PCAP),
               help="Ends a live capture another program started (pcap/live/stop)."),
)


async def run_capture_action(client: TwoNClient, action_id: str,
                             _values: Mapping[str, Any]) -> str:
    """Run one of :data:`CAPTURE_ACTIONS`."""
    if action_id == "pcap_restart":
        await client.pcap_restart()
        return "capture started"
    if action_id == "pcap_live_stop":
        await client.pcap_live_stop()
        return "live capture stopped"
    await client.pcap_stop()
    return "capture stopped"


async def download_capture(client: TwoNClient) -> tuple[bytes, str]:
    """The recorded traffic (the device names no file: the caller picks one)."""
    return await client.pcap_download(), ""


async def download_live(client: TwoNClient, seconds: int = LIVE_SECONDS) -> tuple[bytes, str]:
    """A live capture of ``seconds`` (the device ends it), bounded like every answer."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in client.pcap_live(seconds):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise ProtocolError(f"the live capture went past {MAX_RESPONSE_BYTES // 2**20} MB",
                                host=client.host)
        chunks.append(chunk)
    return b"".join(chunks), ""
