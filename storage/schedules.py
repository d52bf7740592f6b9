"""The school year's rhythm: each team's schedule of milestones and the leader's reminders of them."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from flows.schedule import Schedule


@dataclass(frozen=True)
class StoredSchedule:
    """A team's schedule; ``cycle_id`` is None until the cycle it plans starts."""

    id: int
    team_id: int
    cycle_id: int | None
    schedule: Schedule


def _stored(row) -> StoredSchedule:
    return StoredSchedule(row[0], row[1], row[2], Schedule.from_dict(json.loads(row[3])))


class Schedules:
    """Load and save schedules (one active per team) and their reminder rows."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def active(self, team_id: int) -> StoredSchedule | None:
        """The team's schedule in force, if any."""
        row = self.db.execute(
            "SELECT id, team_id, cycle_id, data FROM schedules WHERE team_id = ? AND state = 'active'", [team_id]
        ).fetchone()
        return _stored(row) if row else None

    def of_cycle(self, cycle_id: int) -> StoredSchedule | None:
        """The schedule a cycle ran by (the newest, if it was planned again)."""
        row = self.db.execute(
            "SELECT id, team_id, cycle_id, data FROM schedules WHERE cycle_id = ? ORDER BY id DESC LIMIT 1", [cycle_id]
        ).fetchone()
        return _stored(row) if row else None

    def last_due(self, team_id: int) -> str | None:
        """The due day (ISO) of the team's newest schedule, active or done."""
        row = self.db.execute("SELECT data FROM schedules WHERE team_id = ? ORDER BY id DESC LIMIT 1", [team_id]).fetchone()
        return json.loads(row[0])["due"] if row else None

    def replace(self, team_id: int, cycle_id: int | None, schedule: Schedule, reminders: list[tuple[str, int]]) -> StoredSchedule:
        """Make ``schedule`` the team's schedule in force, with its reminders. The previous one is dropped,
        unless it belongs to another cycle (one whose plan is made): that one is kept as done, for its plan."""
        self.db.execute(
            "UPDATE schedule_reminders SET done = 1 WHERE schedule_id IN "
            "(SELECT id FROM schedules WHERE team_id = ? AND state = 'active' AND cycle_id IS NOT NULL AND cycle_id IS NOT ?)",
            [team_id, cycle_id],
        )
        self.db.execute(
            "UPDATE schedules SET state = 'done' WHERE team_id = ? AND state = 'active' AND cycle_id IS NOT NULL AND cycle_id IS NOT ?",
            [team_id, cycle_id],
        )
        self.db.execute("DELETE FROM schedules WHERE team_id = ? AND state = 'active'", [team_id])
        cursor = self.db.execute(
            "INSERT INTO schedules (team_id, cycle_id, data) VALUES (?, ?, ?)", [team_id, cycle_id, json.dumps(schedule.to_dict())]
        )
        stored = StoredSchedule(cursor.lastrowid, team_id, cycle_id, schedule)
        self.set_reminders(stored.id, reminders)
        return stored

    def update(self, schedule_id: int, schedule: Schedule, reminders: list[tuple[str, int]]) -> None:
        """Store a changed schedule (a deadline moved) and its pending reminders anew."""
        self.db.execute("UPDATE schedules SET data = ? WHERE id = ?", [json.dumps(schedule.to_dict()), schedule_id])
        self.set_reminders(schedule_id, reminders)

    def set_reminders(self, schedule_id: int, reminders: list[tuple[str, int]]) -> None:
        """Replace the pending reminders (milestone, due time); those already sent stay sent."""
        self.db.execute("DELETE FROM schedule_reminders WHERE schedule_id = ? AND done = 0", [schedule_id])
        for milestone, due_at in reminders:
            self.db.execute(
                "INSERT OR IGNORE INTO schedule_reminders (schedule_id, milestone, due_at) VALUES (?, ?, ?)",
                [schedule_id, milestone, due_at],
            )

    def bind(self, team_id: int, cycle_id: int) -> None:
        """A cycle started: the team's schedule not yet tied to a cycle now plans this one."""
        self.db.execute(
            "UPDATE schedules SET cycle_id = ? WHERE team_id = ? AND state = 'active' AND cycle_id IS NULL", [cycle_id, team_id]
        )

    def finish(self, cycle_id: int) -> None:
        """The cycle closed: its schedule is kept (for its plan) but no longer in force."""
        self.db.execute("UPDATE schedules SET state = 'done' WHERE cycle_id = ? AND state = 'active'", [cycle_id])
        self.db.execute(
            "UPDATE schedule_reminders SET done = 1 WHERE schedule_id IN (SELECT id FROM schedules WHERE cycle_id = ?)", [cycle_id]
        )

    def stop(self, team_id: int) -> bool:
        """The leader drops the schedule in force; False when there was none."""
        return self.db.execute("DELETE FROM schedules WHERE team_id = ? AND state = 'active'", [team_id]).rowcount == 1

    def due_reminders(self, now: int) -> list[tuple[int, int, str]]:
        """(schedule id, team id, milestone) of reminders due, for schedules in force."""
        rows = self.db.execute(
            "SELECT r.schedule_id, s.team_id, r.milestone FROM schedule_reminders r JOIN schedules s ON s.id = r.schedule_id "
            "WHERE r.done = 0 AND r.due_at <= ? AND s.state = 'active' ORDER BY r.schedule_id, r.due_at",
            [now],
        )
        return [tuple(row) for row in rows]

    def reminded(self, schedule_id: int, milestone: str) -> None:
        """Mark one reminder as handled."""
        self.db.execute("UPDATE schedule_reminders SET done = 1 WHERE schedule_id = ? AND milestone = ?", [schedule_id, milestone])
