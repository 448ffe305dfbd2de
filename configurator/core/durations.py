"""Durations in the words a person reads at a glance."""

from __future__ import annotations

from typing import Any


def running_time(seconds: Any) -> str:
    """``190524`` -> ``2 d 04:55:24``; ``59`` -> ``00:00:59``; not a number -> ``""``."""
    try:
        total = int(seconds)
    except (TypeError, ValueError):
        return ""
    days, rest = divmod(max(total, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{days} d {clock}" if days else clock
