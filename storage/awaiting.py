"""What the next text a person types in private is for (an open answer, a proposal, a source name)."""

from __future__ import annotations

import sqlite_utils

DAY = 24 * 3600


def _expiry(now: int) -> int:
    """The end of the day after ``now`` (UTC): 24 to 48 hours, coarse, so the row tells only the day on
    which someone was asked to type, not the moment."""
    return (now // DAY + 2) * DAY


class Awaiting:
    """One pending text input per person; the newest request wins."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def expect(self, user_id: int, kind: str, ref: int, now: int) -> None:
        """The next private text of ``user_id`` answers ``kind`` about ``ref``."""
        self.db.execute(
            "INSERT INTO awaiting (user_id, kind, ref, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET kind = excluded.kind, ref = excluded.ref, expires_at = excluded.expires_at",
            [user_id, kind, ref, _expiry(now)],
        )

    def get(self, user_id: int, now: int) -> tuple[str, int] | None:
        """(kind, ref) of what ``user_id``'s next text is for, if anything."""
        row = self.db.execute("SELECT kind, ref FROM awaiting WHERE user_id = ? AND expires_at > ?", [user_id, now]).fetchone()
        return (row[0], row[1]) if row else None

    def clear(self, user_id: int) -> None:
        """Nothing is expected any more."""
        self.db.execute("DELETE FROM awaiting WHERE user_id = ?", [user_id])
