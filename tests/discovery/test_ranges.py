from __future__ import annotations

import ipaddress

import pytest

from configurator.core.errors import InvalidValue
from configurator.discovery import DiscoveryOptions, resolve_ranges
from configurator.discovery.ranges import (
    InterfaceInfo,
    check_size,
    count_addresses,
    default_ranges,
    hosts,
    interface_addresses,
    parse_ranges,
)

NET = ipaddress.IPv4Network

OFFICE = [
    InterfaceInfo("lo", "127.0.0.1", "255.0.0.0", loopback=True),
    InterfaceInfo("eth0", "192.168.10.23", "255.255.255.0"),
    InterfaceInfo("wlan0", "10.20.0.7", "22"),
    InterfaceInfo("docker0", "172.17.0.1", "255.255.0.0"),  # a /16: narrowed to a /24
    InterfaceInfo("eth1", "192.168.99.5", "24", up=False),
    InterfaceInfo("usb0", "169.254.3.3", "16"),  # link-local: skipped
]


def test_default_ranges_are_each_interfaces_own_subnet() -> None:
    assert default_ranges(OFFICE) == [NET("10.20.0.0/22"), NET("172.17.0.0/24"),
                                      NET("192.168.10.0/24")]


def test_default_ranges_merge_duplicate_subnets() -> None:
    twice = [InterfaceInfo("a", "192.168.1.2", "24"), InterfaceInfo("b", "192.168.1.9", "24")]
    assert default_ranges(twice) == [NET("192.168.1.0/24")]


def test_default_ranges_empty_without_usable_interface() -> None:
    options = DiscoveryOptions()
    with pytest.raises(InvalidValue, match="no network interface"):
        resolve_ranges(options, [OFFICE[0], OFFICE[4]])


def test_resolve_ranges_uses_given_interface_data_only() -> None:
    assert resolve_ranges(DiscoveryOptions(), OFFICE[:2]) == [NET("192.168.10.0/24")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.77.0/24", [NET("127.0.77.0/24")]),
        ("127.0.77.5", [NET("127.0.77.5/32")]),
        ("127.0.77.9/24", [NET("127.0.77.0/24")]),
        ("127.0.77.4-7", [NET("127.0.77.4/30")]),
        ("127.0.77.1-127.0.77.2", [NET("127.0.77.1/32"), NET("127.0.77.2/32")]),
        ("127.0.1.0/30, 127.0.2.1", [NET("127.0.1.0/30"), NET("127.0.2.1/32")]),
    ],
)
def test_parse_ranges(text: str, expected: list[ipaddress.IPv4Network]) -> None:
    assert parse_ranges([text]) == expected


@pytest.mark.parametrize("bad", ["300.1.1.1/24", "printer", "127.0.0.9-3", "127.0.0.0/40",
                                 "fe80::/64"])
def test_parse_ranges_rejects_bad_input_with_one_line(bad: str) -> None:
    with pytest.raises(InvalidValue) as info:
        parse_ranges([bad])
    assert "\n" not in str(info.value)


def test_absurd_range_refused_before_anything_is_sent() -> None:
    with pytest.raises(InvalidValue, match="refusing to sweep 16777214 addresses"):
        resolve_ranges(DiscoveryOptions(ranges=["10.0.0.0/8"]))
    # several CIDRs add up: two /16s are more than the /16 limit
    with pytest.raises(InvalidValue, match="refusing to sweep"):
        resolve_ranges(DiscoveryOptions(ranges=["127.1.0.0/16", "127.2.0.0/16"]))


def test_size_limit_boundary() -> None:
    assert check_size([NET("127.3.0.0/16")], 65536) == 65534
    assert count_addresses([NET("127.0.0.0/30"), NET("127.0.0.2/31")]) == 2


async def test_discover_refuses_absurd_range_without_sweeping() -> None:
    from configurator.discovery import discover

    with pytest.raises(InvalidValue, match="refusing"):
        async for _event in discover(DiscoveryOptions(ranges=["127.0.0.0/8"])):
            pass


def test_hosts_skip_network_and_broadcast_and_overlaps() -> None:
    listed = list(hosts([NET("127.0.9.0/29"), NET("127.0.9.4/30"), NET("127.0.9.200/32")]))
    assert listed == [f"127.0.9.{n}" for n in range(1, 7)] + ["127.0.9.200"]


def test_multicast_interface_addresses() -> None:
    assert interface_addresses(OFFICE) == ["192.168.10.23", "10.20.0.7", "172.17.0.1",
                                           "169.254.3.3"]
    assert interface_addresses(OFFICE[:1], include_loopback=True) == ["127.0.0.1"]
