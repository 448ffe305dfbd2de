"""Hostile discovery datagrams (Low finding): a sighting or a quiet ProtocolError, never an
asyncio ERROR traceback per datagram."""

from __future__ import annotations

import logging
import struct

from configurator.discovery.multicast import sightings_from_datagram

SSDP_BAD_PORT = (b"HTTP/1.1 200 OK\r\nLOCATION: http://10.1.2.3:99999/desc.xml\r\n"
                 b"SERVER: x\r\nUSN: uuid:abc\r\n\r\n")


def _name(*labels: bytes) -> bytes:
    return b"".join(bytes([len(label)]) + label for label in labels) + b"\x00"


def test_ssdp_answer_with_an_impossible_port_is_still_a_sighting() -> None:
    (device,) = sightings_from_datagram(SSDP_BAD_PORT, "10.1.2.3")
    assert device.address == "10.1.2.3" and device.port == 0


def test_mdns_answer_with_a_short_srv_record_is_read_without_its_target() -> None:
    service, instance = _name(b"_http", b"_tcp", b"local"), _name(b"cam", b"_http", b"_tcp",
                                                                  b"local")
    header = struct.pack("!HHHHHH", 0, 0x8400, 0, 2, 0, 0)
    ptr = service + struct.pack("!HHIH", 12, 1, 120, len(instance)) + instance
    srv = instance + struct.pack("!HHIH", 33, 1, 120, 3) + b"\x00\x01\x02"
    devices = sightings_from_datagram(header + ptr + srv, "10.1.2.4")
    assert [d.address for d in devices] == ["10.1.2.4"]


def test_the_listener_logs_no_error_for_them(caplog) -> None:
    from configurator.discovery.multicast import _Receiver

    seen: list[object] = []
    listener = _Receiver(lambda data, source: seen.extend(sightings_from_datagram(data,
                                                                                 source)))
    with caplog.at_level(logging.DEBUG):
        listener.datagram_received(SSDP_BAD_PORT, ("10.1.2.3", 1900))
        listener.datagram_received(b"\x00" * 5, ("10.1.2.3", 5353))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
