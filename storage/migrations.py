"""Versioned schema migrations, recorded in a table and safe to run again at every start-up.

Three things are kept apart from the first version on (see ARCHITECTURE.md):
the roster (who is in which team, with which role), the participation ledger (who completed
which round) and the answers (what was answered: no user, chat, message id or time; a random key
in a WITHOUT ROWID table, so no rowid says who answered when). Where rows lie in the file is the
business of storage/shuffle.py (m006).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration; its name is its identity, so never rename one."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_foundation(db: sqlite_utils.Database) -> None:
    """Teams, roster, people, rounds, participation ledger, answers and the update log."""
    db.executescript(
        """
        CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL UNIQUE,
            name TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'active',
            pupils INTEGER,
            invite_hash TEXT UNIQUE,
            invite_message_id INTEGER,
            created_on TEXT NOT NULL
        );
        CREATE TABLE roster (
            team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('leader', 'co_leader', 'member')),
            PRIMARY KEY (team_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX roster_by_user ON roster(user_id);
        CREATE TABLE people (
            user_id INTEGER PRIMARY KEY,
            language TEXT NOT NULL,
            reachable INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            state TEXT NOT NULL
        );
        CREATE TABLE participation (
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            PRIMARY KEY (round_id, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE answers (
            key TEXT PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            response TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE processed_updates (
            update_id INTEGER PRIMARY KEY,
            seen_at INTEGER NOT NULL
        );
        """
    )


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
    done = {row["name"] for row in db.query("SELECT name FROM _migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            fn(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, int(time.time())])
        applied.append(name)
    return applied


@migration
def m002_cycle(db: sqlite_utils.Database) -> None:
    """The team cycle: cycles, rounds with their questions and deadlines, drafts, summaries,
    the team's sources of workload, anonymous proposals, pending text input, and the outbox."""
    db.executescript(
        """
        CREATE TABLE cycles (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            started_on TEXT NOT NULL,
            closed_on TEXT
        );
        CREATE UNIQUE INDEX one_open_cycle_per_team ON cycles(team_id) WHERE state != 'afgesloten';
        ALTER TABLE rounds ADD COLUMN cycle_id INTEGER REFERENCES cycles(id) ON DELETE CASCADE;
        ALTER TABLE rounds ADD COLUMN questions TEXT;
        ALTER TABLE rounds ADD COLUMN settings TEXT;
        ALTER TABLE rounds ADD COLUMN closes_at INTEGER;
        CREATE INDEX rounds_by_team ON rounds(team_id, state);
        ALTER TABLE answers ADD COLUMN part TEXT NOT NULL DEFAULT 'scores';
        CREATE TABLE drafts (
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            data TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (round_id, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE summaries (
            round_id INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            released INTEGER NOT NULL,
            shared INTEGER NOT NULL DEFAULT 0,
            payload TEXT NOT NULL
        );
        CREATE TABLE team_sources (
            team_id INTEGER PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
            sources TEXT NOT NULL
        );
        CREATE TABLE proposals (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            catalogue_key TEXT,
            sources TEXT NOT NULL DEFAULT '[]',
            merged_into INTEGER
        );
        CREATE INDEX proposals_by_round ON proposals(round_id);
        CREATE TABLE awaiting (
            user_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            ref INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL,
            text TEXT NOT NULL,
            markup TEXT,
            photo BLOB,
            document BLOB,
            filename TEXT,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX outbox_pending ON outbox(status, id);
        """
    )


@migration
def m003_plan_evaluation_pulse(db: sqlite_utils.Database) -> None:
    """The plan of a cycle, the leader's hard figures, recurring pulses and reminders."""
    db.executescript(
        """
        CREATE TABLE plans (
            cycle_id INTEGER PRIMARY KEY REFERENCES cycles(id) ON DELETE CASCADE,
            data TEXT NOT NULL
        );
        ALTER TABLE cycles ADD COLUMN sick_leave_before REAL;
        ALTER TABLE cycles ADD COLUMN sick_leave_now REAL;
        CREATE TABLE pulses (
            team_id INTEGER PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
            every_days INTEGER NOT NULL,
            open_days INTEGER NOT NULL,
            next_at INTEGER NOT NULL
        );
        CREATE TABLE reminders (
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            due_at INTEGER NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (round_id, due_at)
        );
        CREATE INDEX reminders_due ON reminders(done, due_at);
        ALTER TABLE rounds ADD COLUMN opened_on TEXT;
        ALTER TABLE roster ADD COLUMN since INTEGER NOT NULL DEFAULT 0;
        CREATE UNIQUE INDEX one_open_cycle_round_per_team ON rounds(team_id) WHERE state = 'open' AND cycle_id IS NOT NULL;
        CREATE UNIQUE INDEX one_open_pulse_per_team ON rounds(team_id) WHERE state = 'open' AND kind = 'pulse';
        """
    )


@migration
def m004_retention(db: sqlite_utils.Database) -> None:
    """When a round closed, and whether its raw answers were deleted after the retention period."""
    db.executescript(
        """
        ALTER TABLE rounds ADD COLUMN closed_on TEXT;
        ALTER TABLE rounds ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;
        """
    )


@migration
def m005_answer_index(db: sqlite_utils.Database) -> None:
    """Find a round's answers without scanning them all (the key stays random: row order says nothing)."""
    db.execute("CREATE INDEX IF NOT EXISTS answers_by_round ON answers(round_id, part)")


@migration
def m006_anonymity_at_rest(db: sqlite_utils.Database) -> None:
    """Nothing in the file's layout or times may pair a person with an answer (storage/shuffle.py).

    The answers are keyed by (round, random key), so a round's rows sit together in a few pages that are
    cheap to re-write in a fresh random order at every submission; drafts carry no per-person expiry (they
    live as long as their round is open); delivered outbox rows keep no content. Existing rows of every
    round are re-written once, in random order, with fresh keys.
    """
    db.executescript(
        """
        CREATE TABLE answers_shuffled (
            round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            part TEXT NOT NULL,
            response TEXT NOT NULL,
            PRIMARY KEY (round_id, key)
        ) WITHOUT ROWID;
        INSERT INTO answers_shuffled (round_id, key, part, response)
            SELECT round_id, lower(hex(randomblob(16))), part, response FROM answers ORDER BY random();
        DROP INDEX IF EXISTS answers_by_round;
        DROP TABLE answers;
        ALTER TABLE answers_shuffled RENAME TO answers;
        ALTER TABLE drafts DROP COLUMN expires_at;
        UPDATE outbox SET text = '', markup = NULL, photo = NULL, document = NULL, filename = NULL WHERE status != 'pending';
        """
    )
    for table in ("participation", "drafts", "proposals"):  # every row written again, in random order
        db.execute(f"CREATE TEMP TABLE shuffled AS SELECT * FROM {table}")
        db.execute(f"DELETE FROM {table}")
        db.execute(f"INSERT INTO {table} SELECT * FROM shuffled ORDER BY random()")
        db.execute("DROP TABLE temp.shuffled")


@migration
def m007_school_year(db: sqlite_utils.Database) -> None:
    """The school year's rhythm: a team's schedule (worked back from the day the plan must be agreed) and
    the leader's reminders of its milestones."""
    db.executescript(
        """
        CREATE TABLE schedules (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            cycle_id INTEGER REFERENCES cycles(id) ON DELETE CASCADE,
            state TEXT NOT NULL DEFAULT 'active',
            data TEXT NOT NULL
        );
        CREATE UNIQUE INDEX one_active_schedule_per_team ON schedules(team_id) WHERE state = 'active';
        CREATE TABLE schedule_reminders (
            schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
            milestone TEXT NOT NULL,
            due_at INTEGER NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (schedule_id, milestone)
        );
        CREATE INDEX schedule_reminders_due ON schedule_reminders(done, due_at);
        """
    )
