from __future__ import annotations

import pytest

from configurator.core.errors import ProtocolError
from configurator.discovery import mdns, sippnp, ssdp, wsd
from configurator.discovery.multicast import sightings_from_datagram
from configurator.discovery.responders import (
    DeviceDescription,
    Responders,
    mdns_answer,
    ssdp_answer,
    wsd_answer,
)

DESC = DeviceDescription("127.0.0.9", "2N", "IP Style", serial="54-9", mac="7C:1E:B3:00:00:09",
                         firmware="2.38.1", http_port=8080)


def test_mdns_query_and_answer_round_trip_with_compression_free_names() -> None:
    query = mdns.parse(mdns.build_query(ident=7))
    assert not query.is_response and ("_http._tcp.local", mdns.TYPE_PTR) in query.questions
    answer = mdns.parse(mdns_answer(DESC, query))  # type: ignore[arg-type]
    assert answer.is_response and answer.ident == 7
    (item,) = mdns.services_in(answer)
    assert (item.address, item.port) == ("127.0.0.9", 8080)
    assert item.txt == {"vendor": "2N", "model": "IP Style", "serial": "54-9",
                        "mac": "7C:1E:B3:00:00:09", "fw": "2.38.1"}


def test_mdns_name_compression_is_followed() -> None:
    # header, one answer: PTR _http._tcp.local -> "dev" + pointer to offset 12
    name = mdns.encode_name("_http._tcp.local")
    rdata = b"\x03dev\xc0\x0c"
    packet = (b"\x00\x00\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00" + name
              + b"\x00\x0c\x00\x01\x00\x00\x00\x78" + len(rdata).to_bytes(2, "big") + rdata)
    (record,) = mdns.parse(packet).records
    assert record.data == "dev._http._tcp.local"


@pytest.mark.parametrize("packet", [
    b"\x00\x01",  # shorter than the header
    b"\x00\x00\x84\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05ab",  # truncated name
    b"\x00\x00\x84\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x0c\x00\x01",  # pointer loop
])
def test_mdns_malformed_is_protocol_error(packet: bytes) -> None:
    with pytest.raises(ProtocolError):
        mdns.parse(packet)


def test_ssdp_msearch_and_answer() -> None:
    start, headers = ssdp.parse_headers(ssdp.build_msearch())
    assert start.startswith("M-SEARCH") and headers["MAN"] == '"ssdp:discover"'
    parsed = ssdp.parse_response(ssdp_answer(DESC, "ssdp:all"))  # type: ignore[arg-type]
    assert (parsed["host"], parsed["port"]) == ("127.0.0.9", "8080")
    assert parsed["uuid"] == DESC.uuid and "2N-IP_Style/2.38.1" in parsed["server"]
    assert ssdp_answer(DESC, "urn:schemas-upnp-org:device:Printer:1") is None


def test_ssdp_rejects_non_answers() -> None:
    with pytest.raises(ProtocolError):
        ssdp.parse_response(b"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\n")
    with pytest.raises(ProtocolError):
        ssdp.parse_headers(b"\x00\x01binary")


def test_wsd_probe_and_match() -> None:
    probe = wsd.build_probe("urn:uuid:1234")
    assert wsd.probe_message_id(probe) == "urn:uuid:1234"
    (match,) = wsd.parse_probe_matches(wsd_answer(DESC, "urn:uuid:1234"))
    assert match["host"] == "127.0.0.9" and match["hardware"] == "IP Style"
    assert match["serial"] == "54-9" and match["mac"] == "7C:1E:B3:00:00:09"


def test_wsd_probes_name_the_types_real_responders_expect() -> None:
    """wsdd (Linux file servers) ignores a Probe without Types and answers wsdp:Device."""
    asked = [wsd.probe_types(p) for p in wsd.build_probes()]
    assert asked == [
        {("http://schemas.xmlsoap.org/ws/2006/02/devprof", "Device")},
        {("http://www.onvif.org/ver10/network/wsdl", "NetworkVideoTransmitter")},
        {("http://www.onvif.org/ver10/device/wsdl", "Device")},
    ]
    assert all(wsd.probe_message_id(p).startswith("urn:uuid:") for p in wsd.build_probes())
    assert wsd.probe_types(wsd.build_probe("urn:uuid:1")) == set()
    with pytest.raises(ProtocolError, match="undeclared prefix"):
        wsd.probe_types(wsd.build_probe().replace(b"<d:Probe/>",
                                                   b"<d:Probe><d:Types>x:Y</d:Types></d:Probe>"))


def test_wsd_responder_answers_only_probes_for_types_it_implements() -> None:
    responder = Responders(DESC)
    sent: list[bytes] = []
    responder._send = lambda payload, target: sent.append(payload)  # type: ignore[method-assign]
    for probe in wsd.build_probes():
        responder.on_wsd(probe, "127.0.0.1", 3702)
    responder.on_wsd(wsd.build_probe(), "127.0.0.1", 3702)  # no Types: every target answers
    assert responder.answered["wsd"] == 3  # dn: and tds: and the untyped one, not wsdp:Device
    (match,) = wsd.parse_probe_matches(sent[0])
    assert "dn:NetworkVideoTransmitter" in match["types"]


@pytest.mark.parametrize("packet", [b"<not-xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY"
                                    b" a 'b'>]><x/>", b"<a/>"])
def test_wsd_rejects_bad_xml(packet: bytes) -> None:
    with pytest.raises(ProtocolError):
        wsd.parse_probe_matches(packet)


FANVIL_SUBSCRIBE = (
    b"SUBSCRIBE sip:MAC%3a0c383e0a0b0c@224.0.1.75 SIP/2.0\r\n"
    b"v: SIP/2.0/UDP 192.0.2.77:5060;branch=z9hG4bK1\r\n"
    b"From: <sip:MAC%3a0c383e0a0b0c@224.0.1.75>;tag=1\r\n"
    b"Event: ua-profile;profile-type=\"device\";vendor=\"Fanvil\";model=\"X4U\";"
    b"version=\"2.12.3\"\r\n"
    b"User-Agent: Fanvil X4U 2.12.3 0c383e0a0b0c\r\n\r\n")


def test_sip_pnp_subscribe_parsed() -> None:
    pnp = sippnp.parse_subscribe(FANVIL_SUBSCRIBE, "192.0.2.99")
    assert pnp == sippnp.PnpAnnouncement("192.0.2.77", "0C:38:3E:0A:0B:0C", "Fanvil", "X4U",
                                         "2.12.3", "Fanvil X4U 2.12.3 0c383e0a0b0c")
    (sighting,) = sightings_from_datagram(FANVIL_SUBSCRIBE, "192.0.2.99")
    assert sighting.model == "X4U" and str(sighting.found_by[0]) == "sip-pnp"


def test_sip_pnp_round_trip_and_rejections() -> None:
    packet = sippnp.build_subscribe(address="127.0.0.4", mac="0C:38:3E:00:00:04",
                                    vendor="Fanvil", model="X3SG", firmware="2.4.1")
    assert sippnp.parse_subscribe(packet, "127.0.0.1").mac == "0C:38:3E:00:00:04"
    with pytest.raises(ProtocolError):
        sippnp.parse_subscribe(packet.replace(b"ua-profile", b"presence"), "127.0.0.1")
    with pytest.raises(ProtocolError):
        sippnp.parse_subscribe(b"REGISTER sip:x SIP/2.0\r\n\r\n", "127.0.0.1")
