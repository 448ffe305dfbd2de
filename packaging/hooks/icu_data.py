"""A smaller ICU data library for the Linux bundle: only the data Qt can ask ICU for.

PySide6's Linux wheels ship ICU 7x whole; ``libicudata.so.NN`` alone is 32 MB, a sixth of the
bundle. Qt 6 calls into ICU for four things only (``nm -D --undefined-only libQt6Core.so.6``):
collation (``ucol_*``: QCollator, e.g. the file dialog's sorting), time-zone display names
(``ucal_*``), legacy text encodings by name (``ucnv_*``: QStringConverter) and locale-aware
case mapping (``u_strToLower``/``u_strToUpper``, whose tables are compiled into
``libicuuc``). Kept: every collation tailoring, the locale and calendar data, normalization,
converter aliases and the table converters of single-byte encodings, time-zone rules and the
root/English zone names. Left out: break iteration dictionaries, units, currencies, language
and region names, transliteration, number spell-out, the other languages' zone names (Qt then
falls back to the root names, e.g. "GMT+01:00"; this program shows none) and the multi-byte
(CJK) converter tables above ``MAX_CONVERTER_BYTES``.

The library holds one symbol, ``icudtNN_dat``: an ICU "common data" package (a header, a
table of contents sorted by name, the items 16-byte aligned). :func:`read_package` and
:func:`write_package` read and write that format; :func:`build_library` assembles the new
package into a shared library with the same soname using binutils (``as``, ``ld``), which
PyInstaller needs on Linux anyway. Any failure leaves the original library in the bundle.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

MAX_CONVERTER_BYTES = 64 * 1024
ALIGN = 16
PAD_BYTE = b"\xaa"  # what ICU's pkgdata pads with
# Sub-trees ICU keeps in their own folders that Qt never reads (see the module's text).
UNUSED_TREES = ("brkitr", "unit", "curr", "lang", "region", "translit", "rbnf")
KEPT_ZONE_ITEMS = ("root.res", "en.res", "pool.res", "res_index.res")


class IcuDataError(Exception):
    """Not an ICU common data package of the expected layout."""


def read_package(blob: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The header (kept as is) and the items by name of an ICU common data package."""
    if len(blob) < 32:
        raise IcuDataError("too short for an ICU data header")
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise IcuDataError("not a little-endian ICU common data package (CmnD)")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    ends = [offset for _, offset in entries[1:]] + [len(blob) - toc]
    items: dict[str, bytes] = {}
    for (name_offset, data_offset), end in zip(entries, ends, strict=True):
        name_end = blob.index(b"\0", toc + name_offset)
        items[blob[toc + name_offset:name_end].decode("ascii")] = \
            blob[toc + data_offset:toc + end]
    return blob[:header_size], items


def _pad(size: int) -> int:
    return -size % ALIGN


def write_package(header: bytes, items: dict[str, bytes]) -> bytes:
    """An ICU common data package of ``items`` (sorted by name, as ICU's binary search needs),
    laid out as ICU's own ``pkgdata`` does (byte for byte): table of contents, names, items
    16-byte aligned.
    The last item is not padded (its size is up to the end of the package)."""
    names = sorted(items)
    toc_size = 4 + 8 * len(names)
    name_offsets, name_blob = [], b""
    for name in names:
        name_offsets.append(toc_size + len(name_blob))
        name_blob += name.encode("ascii") + b"\0"
    offset = toc_size + len(name_blob)
    # Items are aligned relative to the package start (the header size is a multiple of 16).
    offset += _pad(len(header) + offset)
    data_offsets, chunks = [], []
    for i, name in enumerate(names):
        data_offsets.append(offset)
        data = items[name]
        padding = b"" if i == len(names) - 1 else PAD_BYTE * _pad(len(data))
        chunks.append(data + padding)
        offset += len(data) + len(padding)
    toc = struct.pack("<I", len(names)) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True))
    body = toc + name_blob
    body += PAD_BYTE * _pad(len(header) + len(body))
    return header + body + b"".join(chunks)


def kept(name: str) -> bool:
    """Whether the item ``name`` (e.g. ``icudt73l/coll/de.res``) stays in the bundle."""
    parts = name.split("/")
    if len(parts) > 2:
        tree, leaf = parts[1], parts[-1]
        if tree in UNUSED_TREES:
            return False
        return tree != "zone" or leaf in KEPT_ZONE_ITEMS
    return True


def trimmed(blob: bytes) -> bytes:
    """The package ``blob`` without the items :func:`kept` refuses and without converter
    tables larger than ``MAX_CONVERTER_BYTES``."""
    header, items = read_package(blob)
    return write_package(header, {
        name: data for name, data in items.items()
        if kept(name) and not (name.endswith(".cnv") and len(data) > MAX_CONVERTER_BYTES)})


def data_symbol(library: Path) -> tuple[str, int, int]:
    """Name, file offset and size of the ``icudtNN_dat`` symbol of an ICU data library."""
    listing = subprocess.run(["nm", "-D", "-S", str(library)], capture_output=True,
                             text=True, check=True).stdout
    match = re.search(r"^([0-9a-f]+) ([0-9a-f]+) R (icudt\d+_dat)$", listing, re.MULTILINE)
    if not match:
        raise IcuDataError(f"{library.name}: no icudtNN_dat symbol")
    address, size, symbol = int(match[1], 16), int(match[2], 16), match[3]
    sections = subprocess.run(["readelf", "-W", "-S", str(library)], capture_output=True,
                              text=True, check=True).stdout
    for line in sections.splitlines():
        fields = line.replace("[ ", "[").split()
        if len(fields) > 5 and fields[1] == ".rodata":
            section_address, section_offset = int(fields[3], 16), int(fields[4], 16)
            return symbol, address - section_address + section_offset, size
    raise IcuDataError(f"{library.name}: no .rodata section")


def build_library(original: Path, output: Path) -> tuple[int, int]:
    """Write to ``output`` the ICU data library ``original`` with the trimmed package; return
    the two file sizes. Raises IcuDataError/OSError/CalledProcessError when it cannot."""
    for tool in ("nm", "readelf", "as", "ld"):
        if shutil.which(tool) is None:
            raise IcuDataError(f"{tool} (binutils) not found")
    symbol, offset, size = data_symbol(original)
    package = trimmed(original.read_bytes()[offset:offset + size])
    soname = original.name
    work = output.parent
    work.mkdir(parents=True, exist_ok=True)
    (work / "icudata.dat").write_bytes(package)
    (work / "icudata.s").write_text(
        f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n'
        f'\t.balign 16\n{symbol}:\n\t.incbin "icudata.dat"\n'
        f'\t.size {symbol}, . - {symbol}\n\t.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii")
    subprocess.run(["as", "-o", "icudata.o", "icudata.s"], cwd=work, check=True)
    subprocess.run(["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o",
                    str(output), "icudata.o"], cwd=work, check=True)
    check_symbol, _, check_size = data_symbol(output)
    if check_symbol != symbol or check_size != len(package):
        raise IcuDataError(f"{output.name}: the built library does not hold {symbol}")
    return original.stat().st_size, output.stat().st_size
