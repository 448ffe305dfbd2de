"""The reach counts the README gives per vendor document agree with what each driver page says
and with its coverage table's "reached from" column.

Checked: the README's coverage table equals each page's **Reach** sentence; every function is
reached from a named CLI command, raw only or not reachable (the three add up to the total);
every row of a coverage table says where a person reaches it; a page that counts no raw-only
function has no row marked raw only (and one that counts some has such rows); a page whose
window count covers every reachable function has no row saying the window has none; rows
marked not reachable exist exactly when the page counts some.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "resources" / "docs"


@dataclass(frozen=True)
class Reach:
    functions: int
    window: int
    cli: int
    raw: int
    unreachable: int


# README document name -> (page, the words that start that document's Reach sentence)
PAGES = {
    "2N IP API v2.38": ("2n-driver.md", r"\*\*2N IP API v2\.38\*\*:"),
    "2N Helios IP v2.11": ("2n-driver.md", r"\*\*2N Helios IP v2\.11\*\*:"),
    "Onetouch HTTP API v1.0": ("onetouch.md", r"\*\*Reach\*\*"),
    "Fanvil / OpenVox XML API": ("fanvil.md", r"\*\*Reach\*\*"),
    "FCM5600 REST API": ("fcm5600.md", r"\*\*Reach\*\*"),
}
_SENTENCE = re.compile(
    r"(\d+) functions.*?(\d+) (?:reachable )?from the window, (\d+) from a named CLI\s+"
    r"command, (\d+) raw only(?:, (\d+) not reachable)?", re.S)


def _page_reach(page: str, start: str) -> Reach:
    text = (DOCS / page).read_text(encoding="utf-8")
    found = re.search(start, text)
    assert found, f"{page}: no Reach sentence starting {start}"
    match = _SENTENCE.search(text, found.end())
    assert match, f"{page}: the Reach sentence does not give the counts"
    numbers = [int(g) if g else 0 for g in match.groups()]
    return Reach(*numbers)


def _readme_reach() -> dict[str, Reach]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.index("| document | functions | from the window |")
    rows: dict[str, Reach] = {}
    for line in text[head:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = Reach(*(int(re.match(r"\d+", c).group()) for c in cells[1:6]))
    return rows


def _reached_from_cells(page: str) -> list[str]:
    """The last cell of every row of the page's coverage table(s) (those whose header names
    a "reached from" column)."""
    cells: list[str] = []
    in_table = False
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        if "reached from" in line.lower():
            in_table = True
            continue
        if in_table and not line.startswith("| ---"):
            cells.append(line.rstrip().rstrip("|").rsplit("|", 1)[-1].strip())
    return cells


def test_the_readme_lists_every_document_once() -> None:
    assert set(_readme_reach()) == set(PAGES)


@pytest.mark.parametrize("document", sorted(PAGES))
def test_readme_counts_are_the_pages_counts(document: str) -> None:
    page, start = PAGES[document]
    assert _readme_reach()[document] == _page_reach(page, start)


@pytest.mark.parametrize("document", sorted(PAGES))
def test_every_function_is_reached_somehow_or_said_not_to_be(document: str) -> None:
    reach = _readme_reach()[document]
    assert reach.cli + reach.raw + reach.unreachable == reach.functions
    assert reach.window <= reach.functions - reach.unreachable


@pytest.mark.parametrize("page", sorted({p for p, _ in PAGES.values()}))
def test_coverage_rows_say_where_a_person_reaches_them(page: str) -> None:
    cells = _reached_from_cells(page)
    assert len(cells) >= 10, f"{page}: no coverage table with a 'reached from' column"
    assert all(cells), f"{page}: a coverage row does not say where it is reached"
    documents = [d for d, (p, _) in PAGES.items() if p == page]
    counts = [_readme_reach()[d] for d in documents]
    raw_rows = [c for c in cells if "raw only" in c.lower()]
    assert bool(raw_rows) == any(r.raw for r in counts), raw_rows
    unreachable_rows = [c for c in cells if "not reachable" in c.lower()]
    assert bool(unreachable_rows) == any(r.unreachable for r in counts), unreachable_rows
    if all(r.window == r.functions - r.unreachable for r in counts):
        assert not [c for c in cells if re.search(r"window: none|W: none", c)]
