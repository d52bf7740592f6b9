"""An adversary's look at everything the bot stored: could any row, log line or message link a member
to an answer?"""

from __future__ import annotations

import json
import re

# Where a person's Telegram id may legitimately appear (who is in which team, who took part, who can be
# messaged, pending input and messages): never next to what they answered.
ALLOWED_PERSON_COLUMNS = {
    ("roster", "user_id"), ("participation", "user_id"), ("people", "user_id"), ("drafts", "user_id"),
    ("awaiting", "user_id"), ("outbox", "chat_id"),
}


def assert_nothing_links(storage, people, log_text: str = "") -> None:
    """Inspect the schema, every stored row and the log after a cycle."""
    db = storage.db
    user_ids = {user.id for user in people}
    names = {user.first_name for user in people}

    # The answers: the round, a random key, the part, the payload - nothing else, in (round, key) order.
    # (Where the rows lie in the file is attacked in tests/storage/test_anonymity_at_rest.py.)
    assert {c.name for c in db["answers"].columns} == {"key", "round_id", "part", "response"}
    assert "WITHOUT ROWID" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'answers'").fetchone()[0]
    by_round = [tuple(row) for row in db.execute("SELECT round_id, key FROM answers NOT INDEXED")]  # the table as stored
    assert by_round and by_round == sorted(by_round), "the lookup order is the round and the random key - never time"
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for _, key in by_round)
    assert {c.name for c in db["drafts"].columns} == {"round_id", "user_id", "data"}, "a draft keeps no time"
    assert {c.name for c in db["participation"].columns} == {"round_id", "user_id"}
    assert {c.name for c in db["proposals"].columns} == {"id", "round_id", "text", "catalogue_key", "sources", "merged_into"}

    # No stored value outside the allowed columns equals a person's id; no answer holds a time or a name.
    for table in db.table_names():
        for column in db[table].columns:
            if (table, column.name) in ALLOWED_PERSON_COLUMNS or column.type not in ("INTEGER", "TEXT", ""):
                continue
            for (value,) in db.execute(f'SELECT "{column.name}" FROM "{table}"'):
                assert value not in user_ids, f"{table}.{column.name} holds a person's id"
                if isinstance(value, str) and value.startswith(("{", "[")):
                    numbers = {int(n) for n in re.findall(r"-?\d{5,}", value)}
                    assert not numbers & user_ids, f"{table}.{column.name} holds a person's id inside {value[:80]}"
    proposal_ids = {str(row[0]) for row in db.execute("SELECT id FROM proposals")}  # ballots name proposals
    for (payload,) in db.execute("SELECT response FROM answers"):
        data = json.loads(payload)
        flat = json.dumps(data)
        assert not any(name in flat for name in names), "an answer mentions a person"
        big = [n for n in re.findall(r"-?\d+", flat) if abs(int(n)) > 10**8 and n not in proposal_ids]
        assert not big, f"an answer holds a time or an id: {flat[:200]}"
    # Drafts of closed rounds are gone.
    assert db.execute("SELECT count(*) FROM drafts WHERE round_id IN (SELECT id FROM rounds WHERE state != 'open')").fetchone()[0] == 0

    # The log never pairs a person with anything they did.
    for user_id in user_ids:
        assert str(user_id) not in log_text, "the log names a person's id"
    for name in names:
        assert name not in log_text, "the log names a person"
