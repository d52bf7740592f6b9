"""The update log: every Telegram update is applied at most once, even when it is delivered twice."""

from __future__ import annotations

import time

import sqlite_utils

KEEP_UPDATES = 10_000


class UpdateLog:
    """Remembers recent ``update_id``s."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._since_prune = 0

    def first_time(self, update_id: int) -> bool:
        """Record ``update_id``; False when it was seen before (a redelivery)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO processed_updates (update_id, seen_at) VALUES (?, ?)",
            [update_id, int(time.time())],
        )
        self._since_prune += 1
        if self._since_prune >= 1000:
            self.prune()
        return cursor.rowcount == 1

    def prune(self, keep: int = KEEP_UPDATES) -> None:
        """Forget all but the newest ``keep`` update ids."""
        self._since_prune = 0
        self.db.execute(
            "DELETE FROM processed_updates WHERE update_id <= "
            "(SELECT update_id FROM processed_updates ORDER BY update_id DESC LIMIT 1 OFFSET ?)",
            [keep],
        )
