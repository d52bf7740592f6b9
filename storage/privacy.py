"""People's control over their data (GDPR/AVG): what is held about a person, erasure, deleting a team,
and deleting raw answers after the retention period (only the released aggregates stay)."""

from __future__ import annotations

import datetime as dt

import sqlite_utils


class Privacy:
    """Inspect and erase personal data; purge raw answers."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def held_about(self, user_id: int) -> dict:
        """Everything stored that names ``user_id``: memberships, participation, contact details, drafts."""
        teams = [
            {"team": row[0], "role": row[1]}
            for row in self.db.execute(
                "SELECT teams.name, roster.role FROM roster JOIN teams ON teams.id = roster.team_id WHERE roster.user_id = ? ORDER BY teams.name",
                [user_id],
            )
        ]
        rounds = [
            {"team": row[0], "kind": row[1], "opened_on": row[2]}
            for row in self.db.execute(
                "SELECT teams.name, rounds.kind, rounds.opened_on FROM participation JOIN rounds ON rounds.id = participation.round_id "
                "JOIN teams ON teams.id = rounds.team_id WHERE participation.user_id = ? ORDER BY rounds.id",
                [user_id],
            )
        ]
        person = self.db.execute("SELECT language, reachable FROM people WHERE user_id = ?", [user_id]).fetchone()
        drafts = self.db.execute("SELECT count(*) FROM drafts WHERE user_id = ?", [user_id]).fetchone()[0]
        return {"teams": teams, "rounds": rounds, "person": person, "drafts": drafts}

    def forget_person(self, user_id: int) -> None:
        """Erase ``user_id``: memberships, drafts, pending input, contact details, every outbox row to them,
        and participation in closed rounds. Participation in a round still open is kept until it closes
        (see :meth:`drop_departed`), so nobody can take part twice; anonymous answers stay anonymous."""
        with self.db.atomic():
            self.db.execute("DELETE FROM roster WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM drafts WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM awaiting WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM people WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM outbox WHERE chat_id = ?", [user_id])  # sent or not
            self.db.execute(
                "DELETE FROM participation WHERE user_id = ? AND round_id IN (SELECT id FROM rounds WHERE state != 'open')", [user_id]
            )

    def drop_departed(self, round_id: int, team_id: int) -> None:
        """When a round closes: forget the participation of people who are no longer in the team."""
        self.db.execute(
            "DELETE FROM participation WHERE round_id = ? AND user_id NOT IN (SELECT user_id FROM roster WHERE team_id = ?)",
            [round_id, team_id],
        )

    def delete_team(self, team_id: int, chat_id: int) -> None:
        """Delete a team and everything of it (rounds, answers, summaries, plans, pulses, roster), every outbox
        row to its group, and the contact details and outbox rows of people who are in no other team."""
        with self.db.atomic():
            members = [row[0] for row in self.db.execute("SELECT user_id FROM roster WHERE team_id = ?", [team_id])]
            self.db.execute("DELETE FROM outbox WHERE chat_id = ?", [chat_id])  # sent or not
            self.db.execute("DELETE FROM teams WHERE id = ?", [team_id])
            for user_id in members:
                if self.db.execute("SELECT 1 FROM roster WHERE user_id = ?", [user_id]).fetchone() is None:
                    self.db.execute("DELETE FROM people WHERE user_id = ?", [user_id])
                    self.db.execute("DELETE FROM awaiting WHERE user_id = ?", [user_id])
                    self.db.execute("DELETE FROM outbox WHERE chat_id = ?", [user_id])

    def purge_raw_answers(self, today: dt.date, retention_days: int, limit: int = 50) -> int:
        """Delete the raw answers, ledger and proposals of rounds whose cycle (or, for a pulse, the round
        itself) closed more than ``retention_days`` ago; the released summaries stay. Returns how many rounds."""
        cutoff = (today - dt.timedelta(days=retention_days)).isoformat()
        rows = self.db.execute(
            "SELECT rounds.id FROM rounds LEFT JOIN cycles ON cycles.id = rounds.cycle_id "
            "WHERE rounds.purged = 0 AND rounds.state != 'open' AND "
            "((rounds.cycle_id IS NULL AND rounds.closed_on <= ?) OR (cycles.closed_on IS NOT NULL AND cycles.closed_on <= ?)) "
            "ORDER BY rounds.id LIMIT ?",  # a bounded batch per scan: start-up never waits on a backlog
            [cutoff, cutoff, limit],
        ).fetchall()
        with self.db.atomic():
            for (round_id,) in rows:
                for table in ("answers", "participation", "proposals", "drafts", "reminders"):
                    self.db.execute(f"DELETE FROM {table} WHERE round_id = ?", [round_id])
                self.db.execute("UPDATE rounds SET purged = 1 WHERE id = ?", [round_id])
        return len(rows)
