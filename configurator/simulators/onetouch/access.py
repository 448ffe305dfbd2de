"""When an RF card or PIN opens a door (the rfkey rule columns of the document).

# Assumption: the document lists the columns but not the rules. ALLOWED opens at any time;
# FREQUENCY opens while Frequency > 0 (each use counts down); FORBIDDEN never opens; SCHEDULE
# opens on the enabled weekdays between TimeStart and TimeEnd ("00:00"-"00:00" = all day, a
# start after the end wraps past midnight). DoorNum "0" opens no door.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

DAY_KEYS = ("Mon", "Tue", "Wed", "Thur", "Fri", "Sat", "Sun")
DOOR_DIGITS = {"A": "1", "B": "2", "C": "3"}


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes)


def in_schedule(row: Mapping[str, str], at: datetime) -> bool:
    if row.get(DAY_KEYS[at.weekday()], "0") != "1":
        return False
    start, end = _minutes(row.get("TimeStart", "00:00")), _minutes(row.get("TimeEnd", "00:00"))
    now = at.hour * 60 + at.minute
    if start == end == 0:
        return True
    if start <= end:
        return start <= now <= end
    return now >= start or now <= end


def key_allows(row: Mapping[str, str], door: str, at: datetime) -> bool:
    if DOOR_DIGITS.get(door, "?") not in row.get("DoorNum", ""):
        return False
    tag = row.get("Tags", "0")
    if tag == "0":
        return True
    if tag == "1":
        return int(row.get("Frequency", "0") or 0) > 0
    if tag == "3":
        return in_schedule(row, at)
    return False
