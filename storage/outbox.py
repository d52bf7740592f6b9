"""The outbox: messages that must arrive, written in the same transaction as the change that causes them."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils


@dataclass
class OutboxMessage:
    """One message waiting to be sent."""

    id: int
    chat_id: int
    text: str
    markup: dict | None
    photo: bytes | None
    document: bytes | None
    filename: str | None
    attempts: int


class Outbox:
    """Queue messages and record how sending went."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def add(
        self,
        chat_id: int,
        text: str,
        markup: dict | None = None,
        photo: bytes | None = None,
        document: bytes | None = None,
        filename: str | None = None,
    ) -> int:
        """Queue a message (with a photo or document, ``text`` is its caption)."""
        cursor = self.db.execute(
            "INSERT INTO outbox (chat_id, text, markup, photo, document, filename) VALUES (?, ?, ?, ?, ?, ?)",
            [chat_id, text, json.dumps(markup) if markup else None, photo, document, filename],
        )
        return cursor.lastrowid

    def pending(self, now: int, limit: int = 50) -> list[OutboxMessage]:
        """Messages due to be sent, oldest first."""
        rows = self.db.execute(
            "SELECT id, chat_id, text, markup, photo, document, filename, attempts FROM outbox "
            "WHERE status = 'pending' AND not_before <= ? ORDER BY id LIMIT ?",
            [now, limit],
        )
        return [
            OutboxMessage(r[0], r[1], r[2], json.loads(r[3]) if r[3] else None, r[4], r[5], r[6], r[7]) for r in rows
        ]

    def next_due(self) -> int | None:
        """When the earliest deferred message is due (unix time), if any."""
        row = self.db.execute("SELECT min(not_before) FROM outbox WHERE status = 'pending'").fetchone()
        return row[0]

    def mark(self, message_id: int, status: str) -> None:
        """Record the outcome: 'sent', 'unreachable' (blocked or never started) or 'failed'. The message's
        content is not kept once it is done with (under secure_delete the old bytes are zeroed)."""
        self.db.execute(
            "UPDATE outbox SET status = ?, text = '', markup = NULL, photo = NULL, document = NULL, filename = NULL "
            "WHERE id = ?",
            [status, message_id],
        )

    def forget_finished(self) -> int:
        """Delete the rows of messages that are done with (retention: only pending messages are kept)."""
        return self.db.execute("DELETE FROM outbox WHERE status != 'pending'").rowcount

    def defer(self, message_id: int, until: int) -> None:
        """Try again later (after a 429 or a network error)."""
        self.db.execute("UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?", [until, message_id])

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Pending messages follow a group that was upgraded to a supergroup."""
        self.db.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'", [new_chat_id, old_chat_id])

    def count(self, status: str) -> int:
        """How many messages have ``status``."""
        return self.db.execute("SELECT count(*) FROM outbox WHERE status = ?", [status]).fetchone()[0]
