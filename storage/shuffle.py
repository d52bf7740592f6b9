"""Anonymity at rest: the layout of the file must not tell who answered what.

SQLite writes a new row into the free space of its page, so rows lie in the file in the order they were
written, and a random key only orders the lookup, not the bytes. Left alone, the answer rows of a round
and its participation ledger would both sit in submission order, and pairing the two orders would name
every author. So every change that adds to what a round collects (a check-in, a ballot, a proposal)
re-writes, in the same transaction, all of the round's answers (with fresh random keys), its ledger, its
drafts and its proposals in a fresh random order. Under ``secure_delete`` the old cells are zeroed; the
write-ahead log is checkpointed and truncated right after the commit (``scrub_wal``).

The answers are keyed by (round, random key), so one round's rows share a few pages: the re-write touches
those pages only, whatever the size of the database (no VACUUM).
"""

from __future__ import annotations

import random
import secrets

import sqlite_utils


def _source(rng: random.Random | None) -> random.Random:
    """The shuffle's random source: a generator seeded with 128 bits from the operating system (one system
    call, not one per row), unless a caller such as the demo injected a seeded source of its own."""
    if rng is None or isinstance(rng, random.SystemRandom):
        return random.Random(secrets.randbits(128))
    return rng


def _rewrite(db: sqlite_utils.Database, table: str, columns: tuple[str, ...], round_id: int, rows: list[tuple],
             source: random.Random) -> None:
    """Delete the round's rows of ``table`` and insert ``rows`` again, in a fresh random order."""
    source.shuffle(rows)
    db.execute(f"DELETE FROM {table} WHERE round_id = ?", [round_id])
    marks = ", ".join("?" for _ in columns)
    db.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def reshuffle_round(db: sqlite_utils.Database, round_id: int, rng: random.Random | None = None) -> None:
    """Re-write everything a round holds about its people and their input in a fresh random order.

    Answers get fresh keys (so two copies of the file cannot be matched row by row); the ledger, drafts
    and proposals keep their values (proposal ids are named by ballots). Call inside the transaction of
    the change itself: one durable commit per tap."""
    rows = db.execute("SELECT part, response FROM answers WHERE round_id = ?", [round_id]).fetchall()
    source = _source(rng)
    keys = secrets.token_bytes(16 * len(rows)) if source is not rng else rng.randbytes(16 * len(rows))
    answers = [(round_id, keys[16 * i : 16 * i + 16].hex(), part, response) for i, (part, response) in enumerate(rows)]
    _rewrite(db, "answers", ("round_id", "key", "part", "response"), round_id, answers, source)
    ledger = db.execute("SELECT round_id, user_id FROM participation WHERE round_id = ?", [round_id]).fetchall()
    _rewrite(db, "participation", ("round_id", "user_id"), round_id, ledger, source)
    drafts = db.execute("SELECT round_id, user_id, data FROM drafts WHERE round_id = ?", [round_id]).fetchall()
    _rewrite(db, "drafts", ("round_id", "user_id", "data"), round_id, drafts, source)
    columns = ("id", "round_id", "text", "catalogue_key", "sources", "merged_into")
    proposals = db.execute(f"SELECT {', '.join(columns)} FROM proposals WHERE round_id = ?", [round_id]).fetchall()
    _rewrite(db, "proposals", columns, round_id, proposals, source)
