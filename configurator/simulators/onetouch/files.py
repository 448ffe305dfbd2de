"""File formats of the simulated Onetouch exports and imports.

# Assumption: the document names the files (Config.tgz, ICKey.xml, DialReplace.xml,
# DoorLog.xml, History.csv, log.txt, kmsg.txt, log_debug.tar.gz) but not their contents. The
# simulator writes: a tgz holding ``config.ini`` (``key=value`` lines; the real one is
# encrypted), XML files ``<Root><Item Attr="..."/></Root>``, CSV files with a header row.
"""

from __future__ import annotations

import csv
import io
import struct
import tarfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

CONFIG_MEMBER = "config.ini"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Upload:
    content: bytes
    filename: str


class FileFormatError(ValueError):
    """An uploaded file is not in the expected format."""


def config_tgz(config: Mapping[str, str]) -> bytes:
    text = "".join(f"{k}={v}\n" for k, v in sorted(config.items())).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(CONFIG_MEMBER)
        info.size, info.mtime = len(text), int(time.time())
        tar.addfile(info, io.BytesIO(text))
    return buffer.getvalue()


def read_config_tgz(content: bytes) -> dict[str, str]:
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as tar:
            member = tar.extractfile(CONFIG_MEMBER)
            if member is None:
                raise FileFormatError("no config.ini in the archive")
            text = member.read().decode("utf-8")
    except (tarfile.TarError, KeyError, OSError, UnicodeDecodeError, EOFError) as exc:
        raise FileFormatError(f"not a configuration archive ({exc})") from None
    values = {}
    for line in text.splitlines():
        if line.strip():
            key, sep, value = line.partition("=")
            if not sep:
                raise FileFormatError(f"bad line {line!r}")
            values[key.strip()] = value
    return values


def items_xml(root: str, rows: Iterable[Mapping[str, str]]) -> bytes:
    element = etree.Element(root)
    for row in rows:
        etree.SubElement(element, "Item", {k: str(v) for k, v in row.items()})
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read_items_xml(content: bytes, root: str) -> list[dict[str, str]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        element = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise FileFormatError(f"not XML ({exc})") from None
    if element.tag != root:
        raise FileFormatError(f"expected <{root}>, got <{element.tag}>")
    return [dict(item.attrib) for item in element.iter("Item")]


def items_csv(columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_items_csv(content: bytes, required: Iterable[str]) -> list[dict[str, str]]:
    try:
        reader = csv.DictReader(io.StringIO(content.decode("utf-8")))
        rows = [dict(row) for row in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileFormatError(f"not a CSV file ({exc})") from None
    missing = set(required) - set(reader.fieldnames or ())
    if missing:
        raise FileFormatError(f"CSV lacks column(s) {', '.join(sorted(missing))}")
    return rows


def pcap_file(packets: int) -> bytes:
    """A valid libpcap file (Ethernet link type) with ``packets`` small UDP packets."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    frame = bytes(14) + bytes.fromhex("450000200000400040110000c0a80101c0a80102") + bytes(12)
    now = int(time.time())
    for i in range(packets):
        out += struct.pack("<IIII", now, i, len(frame), len(frame)) + frame
    return bytes(out)
