"""Deadlines as a school uses them: "over een week", at the end of the school day, in the school's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEADLINE_CHOICES = (3, 7, 14)  # days; 0 means no deadline
END_OF_SCHOOL_DAY = dt.time(17, 0)


def deadline_after(now: float, days: int, timezone: str) -> int | None:
    """Unix time of 17:00 local, ``days`` days after ``now``; None for ``days == 0`` (no deadline)."""
    if days <= 0:
        return None
    zone = ZoneInfo(timezone)
    local = dt.datetime.fromtimestamp(now, zone).date() + dt.timedelta(days=days)
    return int(dt.datetime.combine(local, END_OF_SCHOOL_DAY, tzinfo=zone).timestamp())


def is_due(closes_at: int | None, now: float) -> bool:
    """Whether a deadline has passed."""
    return closes_at is not None and closes_at <= now
