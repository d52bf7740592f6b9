"""Anonymous proposals of measures (bespreken): no author, a random id; each new proposal re-writes the
round's proposals, ledger and drafts in a fresh random order, so neither id nor place in the file says who
proposed which (storage/shuffle.py)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import sqlite_utils

from storage.shuffle import reshuffle_round


@dataclass
class Proposal:
    """A measure proposed for the team's vote."""

    id: int
    text: str
    catalogue_key: str | None = None
    sources: list[str] = field(default_factory=list)


class Proposals:
    """Load and save a round's proposals."""

    def __init__(self, db: sqlite_utils.Database, rng: random.Random | None = None) -> None:
        self.db = db
        self.rng = rng if rng is not None else random.SystemRandom()

    def add(self, round_id: int, text: str, catalogue_key: str | None, source: str | None) -> int:
        """Store a proposal; the same catalogue measure proposed again is one proposal with more sources."""
        if catalogue_key is not None:
            row = self.db.execute(
                "SELECT id, sources FROM proposals WHERE round_id = ? AND catalogue_key = ? AND merged_into IS NULL",
                [round_id, catalogue_key],
            ).fetchone()
            if row:
                sources = json.loads(row[1])
                if source and source not in sources:
                    sources.append(source)
                self.db.execute("UPDATE proposals SET sources = ? WHERE id = ?", [json.dumps(sources), row[0]])
                return row[0]
        while True:  # a random id (so id order says nothing about who proposed when); retry on a collision
            proposal_id = self.rng.randrange(1, 2**31)
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO proposals (id, round_id, text, catalogue_key, sources) VALUES (?, ?, ?, ?, ?)",
                [proposal_id, round_id, text, catalogue_key, json.dumps([source] if source else [])],
            )
            if cursor.rowcount == 1:
                return proposal_id

    def submit(self, round_id: int, user_id: int, text: str, catalogue_key: str | None, source: str | None, made: int,
               screen: int | None = None) -> bool:
        """A member's proposal, in one transaction: stored without its author, participation noted, the
        member's draft keeping only how many they made (``made``) and which message shows their screen
        (``screen``, so a stale screen can lose its buttons), and the round re-written in a random order.
        False (nothing stored) when the round is no longer open."""
        with self.db.atomic():
            if self.db.execute("SELECT 1 FROM rounds WHERE id = ? AND state = 'open'", [round_id]).fetchone() is None:
                return False
            self.add(round_id, text, catalogue_key, source)
            self.db.execute("INSERT OR IGNORE INTO participation (round_id, user_id) VALUES (?, ?)", [round_id, user_id])
            self.db.execute(
                "INSERT INTO drafts (round_id, user_id, data) VALUES (?, ?, ?) ON CONFLICT(round_id, user_id) DO UPDATE SET data = excluded.data",
                [round_id, user_id, json.dumps({"made": made, "screen": screen})],
            )
            reshuffle_round(self.db, round_id, self.rng)
        return True

    def of_round(self, round_id: int) -> list[Proposal]:
        """The round's proposals that were not merged into another, in random-id order."""
        rows = self.db.execute(
            "SELECT id, text, catalogue_key, sources FROM proposals WHERE round_id = ? AND merged_into IS NULL ORDER BY id",
            [round_id],
        )
        return [Proposal(row[0], row[1], row[2], json.loads(row[3])) for row in rows]

    def count(self, round_id: int) -> int:
        """How many distinct proposals a round has."""
        return self.db.execute(
            "SELECT count(*) FROM proposals WHERE round_id = ? AND merged_into IS NULL", [round_id]
        ).fetchone()[0]

    def merge(self, round_id: int, keep: int, drop: int) -> bool:
        """Fold proposal ``drop`` into ``keep`` (their sources united); False when either is not there."""
        proposals = {p.id: p for p in self.of_round(round_id)}
        if keep == drop or keep not in proposals or drop not in proposals:
            return False
        sources = list(dict.fromkeys(proposals[keep].sources + proposals[drop].sources))
        with self.db.atomic():
            self.db.execute("UPDATE proposals SET sources = ? WHERE id = ?", [json.dumps(sources), keep])
            self.db.execute("UPDATE proposals SET merged_into = ? WHERE id = ? OR merged_into = ?", [keep, drop, drop])
        return True
