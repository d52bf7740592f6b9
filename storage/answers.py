"""Drafts, the participation ledger, the anonymous answers and the released summaries of rounds.

Submitting moves a draft into the answers and sets the participation flag in ONE transaction, and
deletes the draft. Answer rows carry a random key and nothing about who gave them or when; the same
transaction re-writes the round's answers, ledger and drafts in a fresh random order (storage/shuffle.py),
so neither their order in the file nor a time says who gave which. Drafts have no per-person time: they
live as long as their round is open.
"""

from __future__ import annotations

import json
import random
import sqlite3

import sqlite_utils

from storage.shuffle import reshuffle_round


def scrub_wal(db: sqlite_utils.Database) -> None:
    """Copy the write-ahead log into the database and truncate it.

    A deleted draft (keyed by the member) and the commit that moved it into the answers would
    otherwise linger as old page images in the -wal file; secure_delete only blanks the main file.
    A checkpoint that is blocked by a reader is retried after the next submission.
    """
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Answers:
    """Everything a round collects, kept apart by design."""

    def __init__(self, db: sqlite_utils.Database, rng: random.Random | None = None) -> None:
        self.db = db
        self.rng = rng if rng is not None else random.SystemRandom()

    # drafts -----------------------------------------------------------------------------------
    def draft(self, round_id: int, user_id: int, now: int) -> dict | None:
        """A member's answers in progress for a round (``now`` is kept for the callers; a draft has no time)."""
        row = self.db.execute("SELECT data FROM drafts WHERE round_id = ? AND user_id = ?", [round_id, user_id]).fetchone()
        return json.loads(row[0]) if row else None

    def save_draft(self, round_id: int, user_id: int, data: dict, now: int) -> None:
        """Keep a member's progress (it survives restarts; it goes when the round closes). No time is kept:
        when each person last acted would tell who proposed or answered when."""
        with self.db.atomic():  # with the id of the update that caused it: a redelivered tap is not applied twice
            self.db.execute(
                "INSERT INTO drafts (round_id, user_id, data) VALUES (?, ?, ?) "
                "ON CONFLICT(round_id, user_id) DO UPDATE SET data = excluded.data",
                [round_id, user_id, json.dumps(data)],
            )

    def delete_draft(self, round_id: int, user_id: int) -> None:
        """Drop a member's draft."""
        self.db.execute("DELETE FROM drafts WHERE round_id = ? AND user_id = ?", [round_id, user_id])

    def expire_drafts(self, now: int) -> int:
        """Delete every draft of a round that is no longer open (``now`` is kept for the callers)."""
        cursor = self.db.execute("DELETE FROM drafts WHERE round_id IN (SELECT id FROM rounds WHERE state != 'open')")
        return cursor.rowcount

    # ledger and answers ------------------------------------------------------------------------
    def has_taken_part(self, round_id: int, user_id: int) -> bool:
        """Whether ``user_id`` completed the round (the ledger knows who, never what)."""
        return self.db.execute(
            "SELECT 1 FROM participation WHERE round_id = ? AND user_id = ?", [round_id, user_id]
        ).fetchone() is not None

    def to_remind(self, round_id: int, team_id: int) -> list[tuple[int, str]]:
        """(user id, language) of the team's members who can be messaged and have not taken part yet."""
        rows = self.db.execute(
            "SELECT roster.user_id, people.language FROM roster JOIN people ON people.user_id = roster.user_id "
            "WHERE roster.team_id = ? AND people.reachable = 1 AND roster.user_id NOT IN "
            "(SELECT user_id FROM participation WHERE round_id = ?) ORDER BY roster.user_id",
            [team_id, round_id],
        )
        return [(row[0], row[1]) for row in rows]

    def participants(self, round_id: int) -> int:
        """How many completed the round."""
        return self.db.execute("SELECT count(*) FROM participation WHERE round_id = ?", [round_id]).fetchone()[0]

    def submit(self, round_id: int, user_id: int, parts: list[tuple[str, object]]) -> bool:
        """Store a member's answers anonymously and mark them as done, in one transaction.

        ``parts`` are (part, payload) pairs, each stored as its own row under a random key, so that
        for instance an open answer is not linked to the scores given with it; then the whole round is
        re-written in a fresh random order (nor lie they side by side in the file). False when the member
        had already completed the round, or the round has closed (nothing is stored then).
        """
        try:
            with self.db.atomic():
                cursor = self.db.execute(
                    "INSERT INTO participation (round_id, user_id) SELECT ?, ? WHERE EXISTS "
                    "(SELECT 1 FROM rounds WHERE id = ? AND state = 'open')",
                    [round_id, user_id, round_id],
                )
                if cursor.rowcount != 1:
                    raise sqlite3.IntegrityError("round closed")
                self.db.execute("DELETE FROM drafts WHERE round_id = ? AND user_id = ?", [round_id, user_id])
                self.db.conn.executemany(
                    "INSERT INTO answers (key, round_id, part, response) VALUES (?, ?, ?, ?)",
                    [(self.rng.randbytes(16).hex(), round_id, part, json.dumps(payload)) for part, payload in parts],
                )
                reshuffle_round(self.db, round_id, self.rng)
        except sqlite3.IntegrityError:
            return False
        scrub_wal(self.db)
        return True

    def responses(self, round_id: int, part: str) -> list:
        """The payloads of one part of a round's answers (in key order, which is random)."""
        rows = self.db.execute("SELECT response FROM answers WHERE round_id = ? AND part = ? ORDER BY key", [round_id, part])
        return [json.loads(row[0]) for row in rows]

    def count(self, round_id: int, part: str) -> int:
        """How many answer rows of one part a round holds."""
        return self.db.execute("SELECT count(*) FROM answers WHERE round_id = ? AND part = ?", [round_id, part]).fetchone()[0]

    # summaries ------------------------------------------------------------------------------------
    def save_summary(self, round_id: int, kind: str, released: bool, payload: dict) -> None:
        """Keep the aggregates released when a round closed (computed once)."""
        self.db.execute(
            "INSERT INTO summaries (round_id, kind, released, payload) VALUES (?, ?, ?, ?)",
            [round_id, kind, int(released), json.dumps(payload)],
        )

    def mark_shared(self, round_id: int) -> bool:
        """Record that the leader shared a summary with the group; False when it was shared before."""
        cursor = self.db.execute("UPDATE summaries SET shared = 1 WHERE round_id = ? AND shared = 0", [round_id])
        return cursor.rowcount == 1

    def is_shared(self, round_id: int) -> bool:
        """Whether the leader already shared the round's summary with the group."""
        row = self.db.execute("SELECT shared FROM summaries WHERE round_id = ?", [round_id]).fetchone()
        return bool(row and row[0])

    def summary(self, round_id: int) -> tuple[bool, dict] | None:
        """(released, payload) of a closed round."""
        row = self.db.execute("SELECT released, payload FROM summaries WHERE round_id = ?", [round_id]).fetchone()
        return (bool(row[0]), json.loads(row[1])) if row else None
