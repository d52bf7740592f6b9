"""The plan of each cycle, the leader's hard figures, recurring pulses and reminders."""

from __future__ import annotations

import json

import sqlite_utils

from flows.plan import Plan


class Plans:
    """Load and save plans and the cycle's hard figures."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def get(self, cycle_id: int) -> Plan | None:
        """The cycle's plan, if one was started."""
        row = self.db.execute("SELECT data FROM plans WHERE cycle_id = ?", [cycle_id]).fetchone()
        return Plan.from_dict(json.loads(row[0])) if row else None

    def save(self, cycle_id: int, plan: Plan) -> None:
        """Store the plan."""
        self.db.execute(
            "INSERT INTO plans (cycle_id, data) VALUES (?, ?) ON CONFLICT(cycle_id) DO UPDATE SET data = excluded.data",
            [cycle_id, json.dumps(plan.to_dict())],
        )

    def set_sick_leave(self, cycle_id: int, before: float, now: float) -> None:
        """The sick-leave percentages the leader entered (hard figures for the evaluation)."""
        self.db.execute("UPDATE cycles SET sick_leave_before = ?, sick_leave_now = ? WHERE id = ?", [before, now, cycle_id])

    def sick_leave(self, cycle_id: int) -> tuple[float | None, float | None]:
        """(before, now), as entered."""
        row = self.db.execute("SELECT sick_leave_before, sick_leave_now FROM cycles WHERE id = ?", [cycle_id]).fetchone()
        return (row[0], row[1]) if row else (None, None)


class Pulses:
    """Recurring pulse schedules (one per team) and reminder rows."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def schedule(self, team_id: int, every_days: int, open_days: int, next_at: int) -> None:
        """Set (or replace) the team's pulse schedule."""
        self.db.execute(
            "INSERT INTO pulses (team_id, every_days, open_days, next_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(team_id) DO UPDATE SET every_days = excluded.every_days, open_days = excluded.open_days, next_at = excluded.next_at",
            [team_id, every_days, open_days, next_at],
        )

    def stop(self, team_id: int) -> bool:
        """Stop the team's pulse; False when none was scheduled."""
        return self.db.execute("DELETE FROM pulses WHERE team_id = ?", [team_id]).rowcount == 1

    def of_team(self, team_id: int) -> tuple[int, int, int] | None:
        """(every_days, open_days, next_at) of the team's pulse."""
        row = self.db.execute("SELECT every_days, open_days, next_at FROM pulses WHERE team_id = ?", [team_id]).fetchone()
        return tuple(row) if row else None

    def due(self, now: int) -> list[tuple[int, int, int]]:
        """(team_id, every_days, open_days) of pulses whose next round is due."""
        rows = self.db.execute("SELECT team_id, every_days, open_days FROM pulses WHERE next_at <= ? ORDER BY team_id", [now])
        return [tuple(row) for row in rows]

    def postpone(self, team_id: int, next_at: int) -> None:
        """When the next pulse opens."""
        self.db.execute("UPDATE pulses SET next_at = ? WHERE team_id = ?", [next_at, team_id])

    # reminders --------------------------------------------------------------------------------
    def remind_at(self, round_id: int, due_at: int) -> None:
        """A reminder for the round's non-participants at ``due_at``."""
        self.db.execute("INSERT OR IGNORE INTO reminders (round_id, due_at) VALUES (?, ?)", [round_id, due_at])

    def due_reminders(self, now: int) -> list[int]:
        """Round ids with a reminder due (for rounds still open)."""
        rows = self.db.execute(
            "SELECT DISTINCT reminders.round_id FROM reminders JOIN rounds ON rounds.id = reminders.round_id "
            "WHERE reminders.done = 0 AND reminders.due_at <= ? AND rounds.state = 'open' ORDER BY reminders.round_id",
            [now],
        )
        return [row[0] for row in rows]

    def reminded(self, round_id: int, now: int) -> None:
        """Mark the round's due reminders as done."""
        self.db.execute("UPDATE reminders SET done = 1 WHERE round_id = ? AND due_at <= ?", [round_id, now])

    def clear_reminders(self, round_id: int) -> None:
        """Forget pending reminders of a round (its deadline changed)."""
        self.db.execute("DELETE FROM reminders WHERE round_id = ? AND done = 0", [round_id])
