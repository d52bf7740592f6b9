"""The roster: teams, who is in which team with which role, and each team's invite (as a hash)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import sqlite_utils

from flows.team import LeaveOutcome, Role, Team


def _team(row: dict | None) -> Team | None:
    if row is None:
        return None
    return Team(id=row["id"], chat_id=row["chat_id"], name=row["name"], state=row["state"], pupils=row["pupils"])


class Teams:
    """Load and save teams and their roster."""

    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock

    def _one(self, where: str, params: list) -> Team | None:
        rows = list(self.db.query(f"SELECT * FROM teams WHERE {where}", params))
        return _team(rows[0] if rows else None)

    def get(self, team_id: int) -> Team | None:
        """The team with this id."""
        return self._one("id = ?", [team_id])

    def by_chat(self, chat_id: int) -> Team | None:
        """The team whose group chat this is."""
        return self._one("chat_id = ?", [chat_id])

    def by_invite(self, code_hash: str) -> Team | None:
        """The team whose current invite has this hash (an old invite finds nothing)."""
        return self._one("invite_hash = ?", [code_hash])

    def register(self, chat_id: int, name: str, leader_id: int, code_hash: str) -> Team:
        """Create a team for a group, with its registrant as leader and a first invite; one transaction."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO teams (chat_id, name, invite_hash, created_on) VALUES (?, ?, ?, ?)",
                [chat_id, name, code_hash, dt.date.fromtimestamp(self.clock()).isoformat()],
            )
            team_id = cursor.lastrowid
            self.db.execute(
                "INSERT INTO roster (team_id, user_id, role) VALUES (?, ?, ?)", [team_id, leader_id, Role.LEADER]
            )
        return self.get(team_id)

    def rename(self, team_id: int, name: str) -> None:
        """Follow a change of the group's title."""
        self.db.execute("UPDATE teams SET name = ? WHERE id = ?", [name, team_id])

    def set_state(self, team_id: int, state: str) -> None:
        """Save the team's lifecycle state."""
        self.db.execute("UPDATE teams SET state = ? WHERE id = ?", [state, team_id])

    def set_pupils(self, team_id: int, pupils: int) -> None:
        """Save the school's number of pupils (the basis of the workload funds)."""
        self.db.execute("UPDATE teams SET pupils = ? WHERE id = ?", [pupils, team_id])

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> Team | None:
        """Follow a group that Telegram upgraded to a supergroup (it gets a new chat id)."""
        self.db.execute("UPDATE teams SET chat_id = ? WHERE chat_id = ?", [new_chat_id, old_chat_id])
        return self.by_chat(new_chat_id)

    def renew_invite(self, team_id: int, code_hash: str) -> None:
        """Replace the team's invite: the previous one stops working at once."""
        self.db.execute("UPDATE teams SET invite_hash = ? WHERE id = ?", [code_hash, team_id])

    def set_invite_message(self, team_id: int, message_id: int) -> None:
        """Remember the group message that carries the current join button."""
        self.db.execute("UPDATE teams SET invite_message_id = ? WHERE id = ?", [message_id, team_id])

    def invite_message(self, team_id: int) -> int | None:
        """The group message that carries the current join button, if known."""
        row = self.db.execute("SELECT invite_message_id FROM teams WHERE id = ?", [team_id]).fetchone()
        return row[0] if row else None

    def role_of(self, team_id: int, user_id: int) -> Role | None:
        """The role of ``user_id`` in the team, or None when not in it."""
        row = self.db.execute(
            "SELECT role FROM roster WHERE team_id = ? AND user_id = ?", [team_id, user_id]
        ).fetchone()
        return Role(row[0]) if row else None

    def teams_of(self, user_id: int) -> list[tuple[Team, Role]]:
        """Every team ``user_id`` is in, with the role, by team name."""
        rows = self.db.query(
            "SELECT teams.*, roster.role AS role FROM roster JOIN teams ON teams.id = roster.team_id "
            "WHERE roster.user_id = ? ORDER BY teams.name, teams.id",
            [user_id],
        )
        return [(_team(row), Role(row["role"])) for row in rows]

    def join(self, team_id: int, user_id: int, role: Role = Role.MEMBER) -> bool:
        """Add ``user_id`` to the team; False when already in it (the role is kept)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO roster (team_id, user_id, role, since) VALUES (?, ?, ?, ?)",
            [team_id, user_id, role, time.time_ns()],
        )
        return cursor.rowcount == 1

    def set_role(self, team_id: int, user_id: int, role: Role) -> None:
        """Give a person in the team a role, adding them to the roster when needed."""
        self.db.execute(
            "INSERT INTO roster (team_id, user_id, role, since) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(team_id, user_id) DO UPDATE SET role = excluded.role, since = excluded.since",
            [team_id, user_id, role, time.time_ns()],
        )

    def leave(self, team_id: int, user_id: int, outcome: LeaveOutcome) -> None:
        """Remove ``user_id`` from the roster (and their drafts in the team's rounds); on a hand-over the
        longest-serving co-leader leads."""
        with self.db.atomic():
            self.db.execute("DELETE FROM roster WHERE team_id = ? AND user_id = ?", [team_id, user_id])
            self.db.execute(
                "DELETE FROM drafts WHERE user_id = ? AND round_id IN (SELECT id FROM rounds WHERE team_id = ?)", [user_id, team_id]
            )
            self.db.execute("DELETE FROM awaiting WHERE user_id = ?", [user_id])
            if outcome is LeaveOutcome.LEFT_AND_HANDED_OVER:
                self.db.execute(
                    "UPDATE roster SET role = ? WHERE team_id = ? AND user_id = "
                    "(SELECT user_id FROM roster WHERE team_id = ? AND role = ? ORDER BY since, user_id LIMIT 1)",
                    [Role.LEADER, team_id, team_id, Role.CO_LEADER],
                )

    def count(self, team_id: int, role: Role | None = None) -> int:
        """How many people the team has (with ``role``, when given)."""
        if role is None:
            row = self.db.execute("SELECT count(*) FROM roster WHERE team_id = ?", [team_id]).fetchone()
        else:
            row = self.db.execute(
                "SELECT count(*) FROM roster WHERE team_id = ? AND role = ?", [team_id, role]
            ).fetchone()
        return row[0]

    def member_ids(self, team_id: int) -> list[int]:
        """Everyone in the team (for private reminders; the leader never sees this list)."""
        return [row[0] for row in self.db.execute("SELECT user_id FROM roster WHERE team_id = ? ORDER BY user_id", [team_id])]

    def unreachable_count(self, team_id: int) -> int:
        """How many in the team the bot cannot write to privately (never started it, or blocked it) - a count only."""
        return self.db.execute(
            "SELECT count(*) FROM roster LEFT JOIN people ON people.user_id = roster.user_id "
            "WHERE roster.team_id = ? AND coalesce(people.reachable, 0) = 0",
            [team_id],
        ).fetchone()[0]

    def leaders(self, team_id: int) -> list[int]:
        """The user ids of the team's leader and co-leaders (for private notices)."""
        rows = self.db.execute(
            "SELECT user_id FROM roster WHERE team_id = ? AND role IN (?, ?)", [team_id, Role.LEADER, Role.CO_LEADER]
        )
        return [row[0] for row in rows]
