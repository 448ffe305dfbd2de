"""Text renderings of discovery results for the CLI."""

from __future__ import annotations

import json

from .model import DiscoveredDevice, Progress, Summary


def json_line(device: DiscoveredDevice) -> str:
    """One JSON object per found device, on one line (``configurator discover --json``)."""
    return json.dumps(device.to_json(), ensure_ascii=False, sort_keys=False,
                      separators=(",", ":"))


def summary_line(summary: Summary) -> str:
    identified = sum(1 for d in summary.devices if d.identified)
    return (f"{len(summary.devices)} device(s) found ({identified} identified), "
            f"{summary.addresses_probed} address(es) probed in {summary.seconds:.2f} s")


def progress_line(progress: Progress) -> str:
    return f"{progress.phase}: {progress.done}/{progress.total}"


def table_line(device: DiscoveredDevice) -> str:
    """Human one-liner: address, vendor model, firmware, serial, MAC, flags."""
    what = " ".join(p for p in (device.vendor, device.model) if p) or "unidentified"
    flags = ["auth required"] if device.auth_required else []
    parts = [device.address.ljust(15), what]
    parts += [f"fw {device.firmware}"] if device.firmware else []
    parts += [f"s/n {device.serial}"] if device.serial else []
    parts += [device.mac] if device.mac else []
    if device.vendor_hint and not device.vendor:
        parts.append(f"(OUI: {device.vendor_hint})")
    parts.append("[" + ",".join([str(f) for f in device.found_by] + flags) + "]")
    return "  ".join(parts)
