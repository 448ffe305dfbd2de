"""2N packet capture: start (``pcap/restart``: deletes the records and starts again), stop
(``pcap/stop``) and download (``pcap``: a file Wireshark opens)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.device import ActionSpec, Capability
from ...core.downloads import DeviceFile
from .client import TwoNClient

CAPTURE_FILE = DeviceFile("capture", "Packet capture", ".pcap",
                          "The network traffic the intercom recorded (pcap: opens in "
                          "Wireshark). Start and stop it with the packet capture actions.")

CAPTURE_ACTIONS = (
    ActionSpec("pcap_restart", "Start packet capture", capability=str(Capability.PCAP),
               help="Deletes the previous recording and starts recording the intercom's "
                    "network traffic (pcap/restart)."),
    ActionSpec("pcap_stop", "Stop packet capture", capability=str(Capability.PCAP),
               help="Stops the recording; download it from Maintenance (pcap/stop)."),
)


async def run_capture_action(client: TwoNClient, action_id: str,
                             _values: Mapping[str, Any]) -> str:
    """Run one of :data:`CAPTURE_ACTIONS`."""
    if action_id == "pcap_restart":
        await client.pcap_restart()
        return "capture started"
    await client.pcap_stop()
    return "capture stopped"


async def download_capture(client: TwoNClient) -> tuple[bytes, str]:
    """The recorded traffic (the device names no file: the caller picks one)."""
    return await client.pcap_download(), ""
