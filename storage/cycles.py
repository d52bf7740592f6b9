"""Cycles and rounds of the method, and each team's list of sources of workload."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

import sqlite_utils

from flows.catalogue import Source, default_sources
from flows.checkin import Question
from flows.cycle import CLOSED, Cycle, Round, RoundKind


def _round(row: dict) -> Round:
    return Round(row["id"], row["team_id"], row["cycle_id"], RoundKind(row["kind"]), row["state"], row["closes_at"])


class Cycles:
    """Load and save cycles, their rounds and the team's sources."""

    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock
        self._questions: dict[int, tuple[Question, ...]] = {}

    def _today(self) -> str:
        """Today's date by the storage's clock (ISO)."""
        return dt.date.fromtimestamp(self.clock()).isoformat()

    # cycles ---------------------------------------------------------------------------------
    def start(self, team_id: int, phase: str) -> Cycle:
        """Begin a cycle at ``phase`` (the database refuses a second open cycle for a team)."""
        cursor = self.db.execute(
            "INSERT INTO cycles (team_id, state, started_on) VALUES (?, ?, ?)", [team_id, phase, self._today()]
        )
        return Cycle(cursor.lastrowid, team_id, phase)

    def current(self, team_id: int) -> Cycle | None:
        """The team's open cycle, if any."""
        row = self.db.execute(
            "SELECT id, team_id, state FROM cycles WHERE team_id = ? AND state != ?", [team_id, CLOSED]
        ).fetchone()
        return Cycle(*row) if row else None

    def get(self, cycle_id: int) -> Cycle | None:
        """A cycle by id."""
        row = self.db.execute("SELECT id, team_id, state FROM cycles WHERE id = ?", [cycle_id]).fetchone()
        return Cycle(*row) if row else None

    def save(self, cycle: Cycle) -> None:
        """Store the cycle's phase."""
        closed_on = self._today() if cycle.state == CLOSED else None
        self.db.execute("UPDATE cycles SET state = ?, closed_on = ? WHERE id = ?", [cycle.state, closed_on, cycle.id])

    def history(self, team_id: int) -> list[tuple[int, str, str, str | None]]:
        """All cycles of a team: (id, state, started_on, closed_on), oldest first."""
        rows = self.db.execute(
            "SELECT id, state, started_on, closed_on FROM cycles WHERE team_id = ? ORDER BY id", [team_id]
        )
        return [tuple(row) for row in rows]

    # rounds ---------------------------------------------------------------------------------
    def open_round(
        self,
        cycle: Cycle | None,
        kind: RoundKind,
        questions: list[Question] | None = None,
        settings: dict | None = None,
        closes_at: int | None = None,
    ) -> Round:
        """Open a round in ``cycle`` (None: a pulse of ``team_id``); its questions are kept with it."""
        team_id = cycle.team_id if cycle else settings["team_id"]
        cursor = self.db.execute(
            "INSERT INTO rounds (team_id, cycle_id, kind, state, questions, settings, closes_at, opened_on) "
            "VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
            [
                team_id,
                cycle.id if cycle else None,
                kind,
                json.dumps([q.to_dict() for q in questions or []]),
                json.dumps(settings or {}),
                closes_at,
                self._today(),
            ],
        )
        return Round(cursor.lastrowid, team_id, cycle.id if cycle else None, kind, "open", closes_at)

    def round(self, round_id: int) -> Round | None:
        """A round by id."""
        rows = list(self.db.query("SELECT * FROM rounds WHERE id = ?", [round_id]))
        return _round(rows[0]) if rows else None

    def open_round_of(self, team_id: int) -> Round | None:
        """The team's open round of its cycle, if any (at most one is open at a time)."""
        rows = list(self.db.query(
            "SELECT * FROM rounds WHERE team_id = ? AND state = 'open' AND cycle_id IS NOT NULL ORDER BY id DESC LIMIT 1", [team_id]
        ))
        return _round(rows[0]) if rows else None

    def open_pulse(self, team_id: int) -> Round | None:
        """The team's open pulse round, if any."""
        rows = list(self.db.query(
            "SELECT * FROM rounds WHERE team_id = ? AND state = 'open' AND kind = 'pulse' ORDER BY id DESC LIMIT 1", [team_id]
        ))
        return _round(rows[0]) if rows else None

    def closed_rounds(self, team_id: int, kinds: tuple[str, ...]) -> list[tuple[Round, str]]:
        """The team's closed rounds of ``kinds`` with the day they opened, oldest first (for the trend)."""
        marks = ", ".join("?" for _ in kinds)
        rows = self.db.query(
            f"SELECT * FROM rounds WHERE team_id = ? AND state != 'open' AND kind IN ({marks}) ORDER BY id", [team_id, *kinds]
        )
        return [(_round(row), row["opened_on"] or "") for row in rows]

    def last_round(self, cycle_id: int, kind: RoundKind) -> Round | None:
        """The newest round of ``kind`` in a cycle."""
        rows = list(self.db.query("SELECT * FROM rounds WHERE cycle_id = ? AND kind = ? ORDER BY id DESC LIMIT 1", [cycle_id, kind]))
        return _round(rows[0]) if rows else None

    def closed_on(self, round_: Round | None) -> dt.date | None:
        """The day a round closed (None while open or unknown)."""
        row = self.db.execute("SELECT closed_on FROM rounds WHERE id = ?", [round_.id]).fetchone() if round_ else None
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    def questions(self, round_id: int) -> list[Question]:
        """The questions a round opened with (they never change, so they are kept in memory once read)."""
        cached = self._questions.get(round_id)
        if cached is None:
            row = self.db.execute("SELECT questions FROM rounds WHERE id = ?", [round_id]).fetchone()
            cached = tuple(Question.from_dict(q) for q in json.loads(row[0] or "[]")) if row else ()
            if row:
                if len(self._questions) > 2048:
                    self._questions.clear()
                self._questions[round_id] = cached
        return list(cached)

    def settings(self, round_id: int) -> dict:
        """A round's settings (such as votes per member)."""
        row = self.db.execute("SELECT settings FROM rounds WHERE id = ?", [round_id]).fetchone()
        return json.loads(row[0] or "{}") if row else {}

    def save_round(self, round_: Round) -> None:
        """Store a round's closing (only an open round closes: a second close fails loudly)."""
        cursor = self.db.execute(
            "UPDATE rounds SET state = ?, closes_at = ?, closed_on = ? WHERE id = ? AND state = 'open'",
            [round_.state, round_.closes_at, self._today(), round_.id],
        )
        if cursor.rowcount != 1:
            raise RuntimeError(f"round {round_.id} was closed already")

    def set_deadline(self, round_id: int, closes_at: int | None) -> bool:
        """Set an open round's deadline; False when the round is closed."""
        cursor = self.db.execute("UPDATE rounds SET closes_at = ? WHERE id = ? AND state = 'open'", [closes_at, round_id])
        return cursor.rowcount == 1

    def due_rounds(self, now: int) -> list[Round]:
        """Open rounds whose deadline has passed."""
        rows = self.db.query("SELECT * FROM rounds WHERE state = 'open' AND closes_at IS NOT NULL AND closes_at <= ? ORDER BY id", [now])
        return [_round(row) for row in rows]

    # the team's sources of workload ---------------------------------------------------------------
    def sources(self, team_id: int) -> list[Source]:
        """The team's list (the default list until the leader edits it)."""
        row = self.db.execute("SELECT sources FROM team_sources WHERE team_id = ?", [team_id]).fetchone()
        return [Source.from_dict(s) for s in json.loads(row[0])] if row else default_sources()

    def save_sources(self, team_id: int, sources: list[Source]) -> None:
        """Store the team's edited list."""
        self.db.execute(
            "INSERT INTO team_sources (team_id, sources) VALUES (?, ?) ON CONFLICT(team_id) DO UPDATE SET sources = excluded.sources",
            [team_id, json.dumps([s.to_dict() for s in sources])],
        )
