"""The update log: every Telegram update is applied at most once, even when it is delivered twice.

An update's id is recorded in the same transaction as the first state change it causes (every transaction
opened through ``storage.db.Database.atomic`` writes it), so a tap costs one durable commit, not two, and an
update whose handling was cut off before it changed anything is applied when Telegram delivers it again. An
update that changes nothing is recorded on its own when its handling ends (``UpdateLog.settle``).
"""

from __future__ import annotations

import time
from contextvars import ContextVar

import sqlite_utils

KEEP_UPDATES = 10_000

# The update being handled in this task whose id is not yet written (each update is handled in its own task).
_pending: ContextVar[int | None] = ContextVar("pending_update", default=None)


class UpdateLog:
    """Remembers recent ``update_id``s."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._since_prune = 0

    def begin(self, update_id: int) -> bool:
        """Start handling ``update_id``: False when it was applied before (a redelivery). Its id is written with
        the handling's first transaction, or by ``settle``."""
        self.settle()
        if self.db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", [update_id]).fetchone():
            return False
        self._since_prune += 1
        if self._since_prune >= 1000:
            self.prune()
        _pending.set(update_id)
        return True

    def settle(self) -> None:
        """Handling ended: write the update's id if no transaction did (it changed nothing, or failed)."""
        if _pending.get() is None:
            return
        with self.db.atomic():  # writes it
            pass

    def first_time(self, update_id: int) -> bool:
        """Record ``update_id`` at once, in its own transaction; False when it was seen before."""
        if not self.begin(update_id):
            return False
        self.settle()
        return True

    def prune(self, keep: int = KEEP_UPDATES) -> None:
        """Forget all but the newest ``keep`` update ids."""
        self._since_prune = 0
        self.db.execute(
            "DELETE FROM processed_updates WHERE update_id <= "
            "(SELECT update_id FROM processed_updates ORDER BY update_id DESC LIMIT 1 OFFSET ?)",
            [keep],
        )


def pending() -> int | None:
    """The id of the update being handled in this task, while it is not yet written."""
    return _pending.get()


def write_pending(db: sqlite_utils.Database) -> int | None:
    """Inside a transaction: write the id of the update being handled, if not yet written; returns it."""
    update_id = _pending.get()
    if update_id is not None:
        db.execute("INSERT OR IGNORE INTO processed_updates (update_id, seen_at) VALUES (?, ?)",
                   [update_id, int(time.time())])
    return update_id


def written(update_id: int | None) -> None:
    """The transaction that wrote ``update_id`` committed."""
    if update_id is not None and _pending.get() == update_id:
        _pending.set(None)
