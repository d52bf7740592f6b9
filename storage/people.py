"""People the bot may write to privately: only those who opened a private chat with it."""

from __future__ import annotations

import sqlite_utils


class People:
    """Who started the bot (so can be messaged), who blocked it, and each person's language."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def started(self, user_id: int, language: str) -> None:
        """Record that ``user_id`` wrote to the bot privately, so it may write back."""
        self.db.execute(
            "INSERT INTO people (user_id, language, reachable) VALUES (?, ?, 1) "
            "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, reachable = 1",
            [user_id, language],
        )

    def unreachable(self, user_id: int) -> None:
        """Mark a person who blocked the bot; they become reachable again when they write."""
        self.db.execute("UPDATE people SET reachable = 0 WHERE user_id = ?", [user_id])

    def is_reachable(self, user_id: int) -> bool:
        """Whether a private message to ``user_id`` may be sent."""
        row = self.db.execute("SELECT reachable FROM people WHERE user_id = ?", [user_id]).fetchone()
        return bool(row and row[0])

    def language(self, user_id: int) -> str | None:
        """The language last seen for ``user_id``, if any."""
        row = self.db.execute("SELECT language FROM people WHERE user_id = ?", [user_id]).fetchone()
        return row[0] if row else None

    def forget(self, user_id: int) -> None:
        """Delete what is held about ``user_id`` as a contact."""
        self.db.execute("DELETE FROM people WHERE user_id = ?", [user_id])
