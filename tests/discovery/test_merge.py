from __future__ import annotations

import json

import pytest

from configurator.core.errors import InvalidValue
from configurator.discovery import DiscoveredDevice, FoundBy, json_line
from configurator.discovery.merge import Merger, finish, merge_all
from configurator.discovery.neighbours import parse_ip_neigh, parse_proc_arp
from configurator.discovery.oui import normalize_mac, safe_mac, vendor_hint

SWEEP, SSDP, SIP = FoundBy.SWEEP, FoundBy.SSDP, FoundBy.SIP_PNP


def test_same_mac_merges_across_addresses_and_keeps_driver_values() -> None:
    announced = DiscoveredDevice("127.0.1.5", model="X3S", mac="0C:38:3E:00:00:01",
                                 found_by=(SIP,), details={"ua": "Fanvil X3S"})
    swept = DiscoveredDevice("127.0.1.5", vendor="Fanvil", model="X3SG", firmware="2.4",
                             driver="fanvil", mac="0C:38:3E:00:00:01", open_ports=(80,),
                             found_by=(SWEEP,))
    (merged,) = merge_all([announced, swept])
    assert merged.model == "X3SG"  # the driver's fingerprint beats the announcement
    assert merged.firmware == "2.4" and merged.driver == "fanvil"
    assert merged.found_by == (SIP, SWEEP)
    assert merged.details == {"ua": "Fanvil X3S"}


def test_different_macs_on_one_address_stay_apart() -> None:
    a = DiscoveredDevice("127.0.1.6", mac="7C:1E:B3:00:00:01")
    b = DiscoveredDevice("127.0.1.6", mac="7C:1E:B3:00:00:02")
    assert len(merge_all([a, b])) == 2


def test_serial_merges_two_addresses_of_one_device() -> None:
    http = DiscoveredDevice("127.0.1.7", vendor="2N", serial="54-1234-5678", open_ports=(80,),
                            found_by=(SWEEP,))
    ssdp = DiscoveredDevice("127.0.1.8", vendor="2N", serial="54-1234-5678", found_by=(SSDP,))
    (merged,) = merge_all([http, ssdp])
    assert merged.address == "127.0.1.7" and merged.found_by == (SWEEP, SSDP)


def test_a_sighting_that_links_two_records_folds_them() -> None:
    merger = Merger()
    merger.add(DiscoveredDevice("127.0.1.9", found_by=(SWEEP,), open_ports=(80,)))
    merger.add(DiscoveredDevice("127.0.1.10", vendor="2N", serial="S1", found_by=(SSDP,)))
    merged, is_new, changed = merger.add(
        DiscoveredDevice("127.0.1.9", vendor="2N", serial="S1", driver="2n", found_by=(SWEEP,)))
    assert (is_new, changed) == (False, True)
    assert len(merger.devices) == 1
    assert merged.found_by == (SWEEP, SSDP) and merged.open_ports == (80,)


def test_repeated_identical_sighting_is_not_a_change() -> None:
    merger = Merger()
    device = DiscoveredDevice("127.0.1.11", vendor="2N", found_by=(SWEEP,))
    merger.add(device)
    assert merger.add(DiscoveredDevice("127.0.1.11", vendor="2N", found_by=(SWEEP,)))[1:] == (
        False, False)


def test_auth_required_from_identifying_driver_wins() -> None:
    locked = DiscoveredDevice("127.0.1.12", found_by=(SSDP,), auth_required=True)
    probed = DiscoveredDevice("127.0.1.12", driver="2n", auth_required=False)
    assert merge_all([locked, probed])[0].auth_required is False


@pytest.mark.parametrize(("text", "mac"), [
    ("7c-1e-b3-00-11-22", "7C:1E:B3:00:11:22"),
    ("7C1E.B300.1122", "7C:1E:B3:00:11:22"),
    ("0c383e001122", "0C:38:3E:00:11:22"),
])
def test_normalize_mac(text: str, mac: str) -> None:
    assert normalize_mac(text) == mac


@pytest.mark.parametrize("bad", ["7C:1E:B3:00:11", "zz:1e:b3:00:11:22", "7C1EB3001122FF", ""])
def test_bad_mac_is_a_typed_error_and_safe_mac_drops_it(bad: str) -> None:
    with pytest.raises(InvalidValue):
        normalize_mac(bad)
    assert safe_mac(bad) == ""


def test_vendor_hint_from_oui() -> None:
    assert vendor_hint("7c:1e:b3:12:34:56") == "2N"
    assert vendor_hint("0C:38:3E:12:34:56") == "Fanvil"
    assert vendor_hint("00:11:22:33:44:55") == ""  # unknown OUI
    assert vendor_hint("7E:1E:B3:12:34:56") == ""  # locally administered bit set


PROC_ARP = """IP address       HW type     Flags       HW address            Mask     Device
192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
192.0.2.9        0x1         0x0         00:00:00:00:00:00     *        eth0
192.0.2.10       0x1         0x2         7c:1e:b3:0a:0b:0c     *        eth0
"""

IP_NEIGH = """192.0.2.1 dev eth0 lladdr 02:fc:00:00:00:05 REACHABLE
192.0.2.10 dev eth0 lladdr 0c:38:3e:0a:0b:0c STALE
192.0.2.11 dev eth0  FAILED
fe80::1 dev eth0 lladdr 0c:38:3e:0a:0b:0d router STALE
"""


def test_parse_proc_arp_keeps_complete_entries() -> None:
    assert parse_proc_arp(PROC_ARP) == {"192.0.2.1": "02:FC:00:00:00:05",
                                        "192.0.2.10": "7C:1E:B3:0A:0B:0C"}


def test_parse_ip_neigh() -> None:
    table = parse_ip_neigh(IP_NEIGH)
    assert table["192.0.2.10"] == "0C:38:3E:0A:0B:0C"
    assert "192.0.2.11" not in table and len(table) == 3


def test_finish_fills_mac_and_hint_from_neighbours() -> None:
    device = DiscoveredDevice("192.0.2.10")
    finish(device, parse_proc_arp(PROC_ARP))
    assert (device.mac, device.vendor_hint) == ("7C:1E:B3:0A:0B:0C", "2N")


def test_json_line_is_one_line_of_the_device() -> None:
    device = DiscoveredDevice("127.0.1.13", vendor="2N", model="IP Verso", serial="54-1",
                              firmware="2.38.0", driver="2n", auth_required=True,
                              found_by=(SWEEP, SSDP), open_ports=(80, 443))
    line = json_line(device)
    assert "\n" not in line
    data = json.loads(line)
    assert data["model"] == "IP Verso" and data["auth_required"] is True
    assert data["found_by"] == ["sweep", "ssdp"] and data["open_ports"] == [80, 443]


SHARED_MAC = "02:AA:BB:CC:DD:01"


def test_one_mac_on_several_addresses_with_different_serials_stays_apart() -> None:
    # Seen over a veth/bridge/proxy ARP: every address answers with one MAC.
    verso = DiscoveredDevice("10.99.0.3", vendor="2N", model="IP Verso", serial="54-0000-0003",
                             driver="2n", mac=SHARED_MAC, found_by=(SWEEP,))
    style = DiscoveredDevice("10.99.0.9", vendor="2N", model="IP Style", serial="54-0000-0009",
                             driver="2n", mac=SHARED_MAC, found_by=(SWEEP,))
    phone = DiscoveredDevice("10.99.0.14", vendor="Fanvil", model="X3SG", serial="FV-1",
                             driver="fanvil", mac=SHARED_MAC, found_by=(SWEEP,))
    merged = merge_all([verso, style, phone])
    assert [(d.address, d.serial) for d in merged] == [
        ("10.99.0.3", "54-0000-0003"), ("10.99.0.9", "54-0000-0009"), ("10.99.0.14", "FV-1")]


def test_one_mac_with_the_same_serial_still_merges() -> None:
    http = DiscoveredDevice("10.99.0.3", vendor="2N", serial="54-1", driver="2n",
                            mac=SHARED_MAC, found_by=(SWEEP,))
    ssdp = DiscoveredDevice("10.99.0.4", vendor="2N", serial="54-1", mac=SHARED_MAC,
                            found_by=(SSDP,))
    (merged,) = merge_all([http, ssdp])
    assert merged.found_by == (SWEEP, SSDP)


def test_neighbour_mac_shared_by_several_addresses_is_not_used() -> None:
    table = {"10.99.0.3": SHARED_MAC, "10.99.0.9": SHARED_MAC, "10.99.0.14": "0C:38:3E:00:00:0E"}
    devices = [DiscoveredDevice(address, found_by=(SWEEP,), open_ports=(80,))
               for address in ("10.99.0.3", "10.99.0.9", "10.99.0.14")]
    for device in devices:
        finish(device, table)
    assert [d.mac for d in devices] == ["", "", "0C:38:3E:00:00:0E"]
    assert devices[2].vendor_hint == "Fanvil"
    assert len(merge_all(devices)) == 3
