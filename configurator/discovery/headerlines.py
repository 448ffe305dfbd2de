"""The header lines of a text datagram (SSDP, SIP): ``Name: value`` up to the first blank line."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def header_lines(lines: Iterable[str], name_key: Callable[[str], str], *,
                 first_wins: bool = True) -> dict[str, str]:
    """``{name_key(name): value}`` of the ``Name: value`` lines until the first blank one
    (lines without a colon are passed over; of repeated names, the first or the last wins)."""
    headers: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            break
        name, sep, value = line.partition(":")
        key = name_key(name.strip())
        if sep and not (first_wins and key in headers):
            headers[key] = value.strip()
    return headers
