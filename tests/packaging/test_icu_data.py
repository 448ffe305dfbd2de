"""The trimmed ICU data library of the Linux bundle (packaging/hooks/icu_data.py)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging" / "hooks"))
import icu_data

HEADER = (struct.pack("<HBB", 32, 0xDA, 0x27) + struct.pack("<HH", 20, 0) + bytes([0, 0, 2, 0])
          + b"CmnD" + bytes([1, 0, 0, 0]) + bytes([3, 0, 0, 0])).ljust(32, b"\0")


def qt_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found or not sys.platform.startswith("linux"):
        pytest.skip("PySide6 ships no ICU data library here (Linux wheels only)")
    if any(shutil.which(tool) is None for tool in ("nm", "readelf", "as", "ld")):
        pytest.skip("binutils not installed")
    return found[0]


def test_a_package_reads_back_as_written_sorted_and_aligned() -> None:
    items = {"icudt73l/zz.res": b"z" * 5, "icudt73l/a.cnv": b"abc", "icudt73l/coll/de.res": b"d"}
    blob = icu_data.write_package(HEADER, items)
    header, read = icu_data.read_package(blob)
    assert header == HEADER
    assert list(read) == sorted(items)
    for name, data in items.items():
        assert read[name].rstrip(b"\xaa") == data
    (count,) = struct.unpack_from("<I", blob, len(HEADER))
    offsets = [struct.unpack_from("<II", blob, len(HEADER) + 4 + 8 * i)[1] for i in range(count)]
    assert all((len(HEADER) + offset) % 16 == 0 for offset in offsets)


def test_what_is_not_an_icu_package_is_refused() -> None:
    with pytest.raises(icu_data.IcuDataError):
        icu_data.read_package(b"\x7fELF" + b"\0" * 60)
    with pytest.raises(icu_data.IcuDataError):
        icu_data.read_package(HEADER[:8])


def test_which_items_stay() -> None:
    assert icu_data.kept("icudt73l/coll/sv.res")
    assert icu_data.kept("icudt73l/de.res")
    assert icu_data.kept("icudt73l/zone/en.res")
    assert not icu_data.kept("icudt73l/zone/de.res")
    assert not icu_data.kept("icudt73l/brkitr/cjdict.dict")
    assert not icu_data.kept("icudt73l/translit/root.res")


def test_the_real_package_round_trips_byte_for_byte() -> None:
    library = qt_icu_data()
    _symbol, offset, size = icu_data.data_symbol(library)
    blob = library.read_bytes()[offset:offset + size]
    header, items = icu_data.read_package(blob)
    assert icu_data.write_package(header, items) == blob


# Run in a child with the trimmed library preloaded (its soname replaces Qt's own).
CHECK = """
import json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder
words = ["zebra", "\\u00c4pfel", "apple", "\\u00c5ngstr\\u00f6m", "\\u00f6l", "ch", "cz", "10",
         "9", "\\u0130stanbul", "\\u0131i"]
result = {}
for name in ["en_US", "de_DE", "sv_SE", "cs_CZ", "tr_TR"]:
    collator = QCollator(QLocale(name))
    collator.setNumericMode(True)
    result[name] = [sorted(words, key=collator.sortKey), QLocale(name).toUpper("istanbul")]
result["codecs"] = [QStringDecoder(n).isValid() for n in
                    ["windows-1252", "ISO-8859-2", "KOI8-R", "windows-1251", "IBM850"]]
with open("/proc/self/maps") as maps:
    result["icudata"] = sorted({line.split()[-1] for line in maps if "libicudata" in line})
print(json.dumps(result))
"""


def qt_results(preload: Path | None) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          env=env, timeout=60, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_trimmed_library_collates_cases_and_converts_as_the_whole_one(
        tmp_path: Path) -> None:
    library = qt_icu_data()
    trimmed = tmp_path / library.name
    before, after = icu_data.build_library(library, trimmed)
    assert after < before / 2
    whole, cut = qt_results(None), qt_results(trimmed)
    assert whole.pop("icudata") == [str(library)]
    assert cut.pop("icudata") == [str(trimmed)]  # the trimmed one, not Qt's own
    assert cut == whole
    assert cut["sv_SE"][0][-3:] == ["\u00c5ngstr\u00f6m", "\u00c4pfel", "\u00f6l"]  # type: ignore[index]
    assert cut["tr_TR"][1] == "\u0130STANBUL"  # type: ignore[index]
    assert cut["codecs"] == [True] * 5
