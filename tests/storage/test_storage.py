"""Storage: durable settings, re-runnable migrations, the separated tables, and the roster."""

import sqlite3

import pytest

from flows.team import LeaveOutcome, Role
from storage.db import Storage
from storage.migrations import MIGRATIONS


def test_pragmas_and_migrations_are_safe_to_rerun(tmp_path):
    """The database uses WAL, synchronous=FULL, foreign keys and secure delete; migrating twice changes nothing."""
    path = tmp_path / "w.db"
    first = Storage(path)
    assert first.applied_migrations == [name for name, _ in MIGRATIONS]
    first.teams.register(-1001, "Team", 7, "hash")
    first.close()
    again = Storage(path)
    assert again.applied_migrations == []
    conn = again.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert again.teams.by_chat(-1001).name == "Team"
    assert again.integrity_ok()
    again.close()


def test_roster_ledger_and_answers_are_separate(tmp_path):
    """Roster, participation ledger and answers are separate tables; answers hold no person, chat or time."""
    storage = Storage(tmp_path / "w.db")
    tables = set(storage.db.table_names())
    assert {"roster", "participation", "answers"} <= tables
    answer_columns = {column.name for column in storage.db["answers"].columns}
    assert answer_columns == {"key", "round_id", "part", "response"}
    ledger_columns = {column.name for column in storage.db["participation"].columns}
    assert ledger_columns == {"round_id", "user_id"}
    sql = storage.db.execute("SELECT sql FROM sqlite_master WHERE name = 'answers'").fetchone()[0]
    assert "WITHOUT ROWID" in sql
    storage.close()


def test_team_registration_roles_and_leaving(tmp_path):
    """A registered team has its leader; joining twice is one membership; a leader hands over on leaving."""
    storage = Storage(tmp_path / "w.db")
    teams = storage.teams
    team = teams.register(-1002, "De Regenboog", 10, "h1")
    assert teams.role_of(team.id, 10) is Role.LEADER
    assert teams.join(team.id, 11) is True
    assert teams.join(team.id, 11) is False
    teams.set_role(team.id, 12, Role.CO_LEADER)
    assert teams.count(team.id) == 3 and teams.count(team.id, Role.CO_LEADER) == 1
    teams.leave(team.id, 10, LeaveOutcome.LEFT_AND_HANDED_OVER)
    assert teams.role_of(team.id, 10) is None
    assert teams.role_of(team.id, 12) is Role.LEADER
    assert sorted(teams.leaders(team.id)) == [12]
    storage.close()


def test_renewed_invite_replaces_the_old_hash(tmp_path):
    """Only the current invite hash finds the team."""
    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-1003, "T", 1, "old")
    storage.teams.renew_invite(team.id, "new")
    assert storage.teams.by_invite("old") is None
    assert storage.teams.by_invite("new").id == team.id
    storage.close()


def test_group_upgrade_moves_the_team(tmp_path):
    """A group upgraded to a supergroup keeps its team under the new chat id."""
    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-55, "T", 1, "h")
    moved = storage.teams.move_chat(-55, -1009999)
    assert moved.id == team.id and storage.teams.by_chat(-55) is None
    storage.close()


def test_update_log_applies_each_update_once(tmp_path):
    """An update id is new once; a redelivery is recognised, also after a restart."""
    path = tmp_path / "w.db"
    storage = Storage(path)
    assert storage.updates.first_time(41) is True
    assert storage.updates.first_time(41) is False
    storage.close()
    storage = Storage(path)
    assert storage.updates.first_time(41) is False
    for update_id in range(100, 130):
        storage.updates.first_time(update_id)
    storage.updates.prune(keep=10)
    assert storage.db.execute("SELECT count(*) FROM processed_updates").fetchone()[0] == 10
    storage.close()


def _logged(storage: Storage, update_id: int) -> bool:
    return storage.db.execute("SELECT 1 FROM processed_updates WHERE update_id = ?", [update_id]).fetchone() is not None


def test_update_id_is_committed_with_the_state_change_it_causes(tmp_path):
    """The update's id is written by the first transaction of its handling (one commit per tap), not before it;
    a transaction that rolls back takes the id with it, and ``settle`` then writes it on its own."""
    storage = Storage(tmp_path / "w.db")
    assert storage.updates.begin(7) is True
    assert not _logged(storage, 7)  # nothing committed yet: a crash now lets Telegram's redelivery apply it
    with storage.atomic():
        storage.people.started(5, "nl")
        with storage.atomic():  # a nested savepoint does not write it a second time
            storage.people.started(6, "nl")
        assert _logged(storage, 7)
    assert storage.updates.begin(7) is False  # a redelivery of the same update
    assert storage.updates.begin(8) is True
    with pytest.raises(RuntimeError), storage.atomic():
        storage.people.started(9, "nl")
        raise RuntimeError("the handler failed")
    assert not _logged(storage, 8) and not storage.people.is_reachable(9)
    storage.updates.settle()  # after the handlers: it was handled, so it is recorded
    assert _logged(storage, 8)
    with storage.atomic():  # later transactions (another update's, a job's) do not write it again
        storage.people.started(10, "nl")
    assert storage.db.execute("SELECT count(*) FROM processed_updates").fetchone()[0] == 2
    storage.close()


def test_people_reachability(tmp_path):
    """Only people who started the bot are reachable; blocking and writing again toggle it."""
    storage = Storage(tmp_path / "w.db")
    assert storage.people.is_reachable(5) is False
    storage.people.started(5, "en")
    assert storage.people.is_reachable(5) and storage.people.language(5) == "en"
    storage.people.unreachable(5)
    assert storage.people.is_reachable(5) is False
    storage.people.started(5, "nl")
    assert storage.people.is_reachable(5) and storage.people.language(5) == "nl"
    storage.close()


def test_deleting_a_team_cascades(tmp_path):
    """Deleting a team removes its roster (foreign keys are enforced)."""
    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-77, "T", 1, "h")
    storage.teams.join(team.id, 2)
    storage.db.execute("DELETE FROM teams WHERE id = ?", [team.id])
    assert storage.db.execute("SELECT count(*) FROM roster").fetchone()[0] == 0
    try:
        storage.db.execute("INSERT INTO roster (team_id, user_id, role) VALUES (999, 1, 'member')")
        raise AssertionError("foreign key not enforced")
    except sqlite3.IntegrityError:
        pass
    storage.close()


def test_a_submitted_draft_leaves_no_trace_in_the_wal(tmp_path):
    """After submitting, neither the database nor its write-ahead log still holds the member's draft."""
    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-1, "T", 1, "h")
    cycle = storage.cycles.start(team.id, "analyseren")
    round_ = storage.cycles.open_round(cycle, "analysis")
    marker = "UNIQUE-DRAFT-MARKER-4711"
    storage.answers.save_draft(round_.id, 42, {"answers": {"free_cause": marker}}, now=0)
    assert storage.answers.submit(round_.id, 42, [("scores", {"nea_hard": 4})])
    wal = tmp_path / "w.db-wal"
    for path in (tmp_path / "w.db", wal):
        if path.exists():
            assert marker.encode() not in path.read_bytes()
    assert storage.answers.participants(round_.id) == 1
    storage.close()


def test_a_round_is_closed_and_released_once(tmp_path):
    """Closing a closed round fails, and a second summary for a round cannot be stored (no differencing)."""
    import pytest

    from flows.cycle import close_round

    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-1, "T", 1, "h")
    cycle = storage.cycles.start(team.id, "analyseren")
    round_ = storage.cycles.open_round(cycle, "analysis")
    close_round(round_, 5, 5, accept_without_results=False)
    storage.cycles.save_round(round_)
    storage.answers.save_summary(round_.id, "analysis", True, {"respondents": 5})
    with pytest.raises(RuntimeError):
        storage.cycles.save_round(round_)
    with pytest.raises(sqlite3.IntegrityError):
        storage.answers.save_summary(round_.id, "analysis", True, {"respondents": 6})
    assert storage.answers.summary(round_.id) == (True, {"respondents": 5})
    with pytest.raises(sqlite3.IntegrityError):  # and only one round of a cycle is open at a time
        storage.cycles.open_round(cycle, "proposals")
        storage.cycles.open_round(cycle, "vote")
    storage.close()


def test_a_message_done_with_keeps_no_content_and_its_row_goes(tmp_path):
    """Marking an outbox row sent, unreachable or failed blanks its text, buttons, image and document (secure
    delete zeroes the old bytes); forgetting the finished rows keeps only what is still to be sent."""
    storage = Storage(tmp_path / "w.db")
    rows = [storage.outbox.add(7, f"GEHEIM-{status}", {"inline_keyboard": []}, photo=b"PNG-4711", filename="a.png")
            for status in ("sent", "unreachable", "failed", "pending")]
    for row, status in zip(rows, ("sent", "unreachable", "failed")):
        storage.outbox.mark(row, status)
    kept = storage.db.execute("SELECT text, markup, photo, document, filename FROM outbox WHERE status != 'pending'").fetchall()
    assert kept == [("", None, None, None, None)] * 3
    assert storage.outbox.forget_finished() == 3
    assert [m.text for m in storage.outbox.pending(now=0)] == ["GEHEIM-pending"]
    storage.close()
    raw = (tmp_path / "w.db").read_bytes()
    assert b"GEHEIM-sent" not in raw and b"GEHEIM-failed" not in raw and b"GEHEIM-pending" in raw
