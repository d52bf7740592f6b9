"""Opening the SQLite database: durable settings, migrations, and the repositories on top."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from storage.answers import Answers, scrub_wal
from storage.awaiting import Awaiting
from storage.cycles import Cycles
from storage.migrations import migrate
from storage.outbox import Outbox
from storage.people import People
from storage.plans import Plans, Pulses
from storage.schedules import Schedules
from storage.privacy import Privacy
from storage.proposals import Proposals
from storage.teams import Teams
from storage.updates import UpdateLog, pending, write_pending, written

BUSY_TIMEOUT_MS = 5000


class Database(sqlite_utils.Database):
    """sqlite-utils' Database whose every outermost transaction also records the update being handled."""

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction, nested calls become savepoints; the first one of an update writes its id, so the
        update and the state change it causes are committed together (``storage/updates.py``)."""
        outermost = not self.conn.in_transaction
        with super().atomic():
            update_id = write_pending(self) if outermost else None
            yield self
        written(update_id)

    def execute(self, sql: str, parameters=None):
        """As sqlite-utils' execute; a write outside a transaction while an update is being handled becomes one,
        so it carries the update's id (a handler that writes twice must use ``atomic`` around both)."""
        if pending() is not None and not self.conn.in_transaction and sql.lstrip()[:6].upper() in _WRITES:
            with self.atomic():
                return super().execute(sql, parameters)
        return super().execute(sql, parameters)


_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})


def connect(path: str | Path) -> Database:
    """Open (or create) the database file with WAL, synchronous=FULL, foreign keys and secure delete."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")
    return db


class Storage:
    """The database of one deployment, migrated, with one repository per concern.

    ``clock`` gives the dates stored with teams, cycles and rounds; ``rng`` the random proposal ids and
    answer keys (unpredictable unless a caller such as the demo injects a seeded source)."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> None:
        self.path = Path(path)
        rng = rng if rng is not None else random.SystemRandom()
        self.db = connect(self.path)
        self.applied_migrations = migrate(self.db)
        scrub_wal(self.db)  # a crash right after a commit may have left old page images in the -wal
        self.teams = Teams(self.db, clock)
        self.people = People(self.db)
        self.updates = UpdateLog(self.db)
        self.cycles = Cycles(self.db, clock)
        self.answers = Answers(self.db, rng)
        self.proposals = Proposals(self.db, rng)
        self.outbox = Outbox(self.db)
        self.awaiting = Awaiting(self.db)
        self.plans = Plans(self.db)
        self.pulses = Pulses(self.db)
        self.schedules = Schedules(self.db)
        self.privacy = Privacy(self.db)

    def atomic(self):
        """One transaction (nested calls become savepoints): a state change and its outbox rows together."""
        return self.db.atomic()

    def close(self) -> None:
        """Fold the write-ahead log into the database (leaving no old page images) and close."""
        scrub_wal(self.db)
        self.db.close()

    def integrity_ok(self) -> bool:
        """Whether SQLite's own integrity check passes."""
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
