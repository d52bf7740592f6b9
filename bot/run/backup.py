"""A consistent copy of the database while the bot runs: ``werkdruk-bot backup FILE``.

SQLite's ``VACUUM INTO`` reads one snapshot of the database (a read transaction, which in WAL mode
never blocks the running bot's writes, nor is blocked by them) and writes it into a fresh, compacted
file: committed transactions only, no free pages, no write-ahead log. The copy is written next to
``FILE`` under a temporary name, checked with ``PRAGMA integrity_check`` and only then renamed to
``FILE`` (atomically), so a failed or interrupted backup never leaves a half-written ``FILE``.

Restoring is copying the file back while the bot is stopped, see :func:`restore` and the README.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """The backup could not be made; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupResult:
    """What was written."""

    path: Path
    size: int
    tables: int


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a database file ("ok" when it is sound)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(str(row[0]) for row in rows)


def backup(database: str | Path, target: str | Path) -> BackupResult:
    """Copy ``database`` into ``target`` consistently (the bot may be running); check the copy."""
    database, target = Path(database), Path(target)
    if not database.is_file():
        raise BackupError(f"database {database} does not exist")
    if _same_file(database, target) or any(_same_file(Path(f"{database}{s}"), target) for s in SIDE_FILES):
        raise BackupError(f"{target} is the live database; choose another file")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            source.execute("VACUUM INTO ?", [str(partial)])
        finally:
            source.close()
        verdict = integrity(partial)
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict[:200]}")
        with open(partial, "rb+") as handle:  # the copy is on disk before it takes the target's name
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {database}: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    conn = sqlite3.connect(target)
    try:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    finally:
        conn.close()
    return BackupResult(target, target.stat().st_size, tables)


def restore(backup_file: str | Path, database: str | Path) -> None:
    """Put a backup in place of ``database`` - only while the bot is stopped.

    The old write-ahead log and shared-memory files are removed first: SQLite would otherwise
    replay the old database's log onto the restored file.
    """
    backup_file, database = Path(backup_file), Path(database)
    verdict = integrity(backup_file)
    if verdict != "ok":
        raise BackupError(f"{backup_file} failed its integrity check: {verdict[:200]}")
    for suffix in SIDE_FILES:
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    partial = database.with_name(f".{database.name}.restoring")
    partial.write_bytes(backup_file.read_bytes())
    os.replace(partial, database)
