"""Anonymity at rest, attacked through the file: after submissions in a known order (never the order of the
user ids), the raw bytes of the database and its -wal are parsed into b-tree pages and cells
(tests/storage/sqlite_file.py), and the physical order of the answers is lined up against the submission
order and against the participation ledger's physical order - the pairing that named every author before.

Each repetition uses a fresh database of one round of ten, so its cells share one page: on a layout that
follows the order of writing, every statistic below is exactly +1 or -1; on a random layout the mean rank
correlation of eight repetitions has a standard deviation of 0.12, so the bound of 0.6 fails by chance
with a probability below one in a million.
"""

from __future__ import annotations

import json
import random
from statistics import mean

import pytest

from storage.db import Storage

from .sqlite_file import DatabaseFile, spearman

MEMBERS = 10
REPETITIONS = 8
BOUND = 0.6


def _parts(kind: str, k: int) -> list[tuple[str, object]]:
    """Member ``k``'s submission; its payload tells the test (not the file) whose it is."""
    if kind == "checkin":
        return [("scores", {"nea_hard": k % 4 + 1, "nea_fast": k // 4 + 1, "marker": k}),
                ("free_text", ["free_cause", f"oorzaak van lid {k}"])]
    if kind == "ballot":
        return [("ballot", {str(1000 + k): 3})]
    return [("plan_ballot", f"voor {k}")]


def _author(kind: str, response: str) -> tuple[str, int]:
    """(part, member) of an answer cell's payload."""
    data = json.loads(response)
    if isinstance(data, dict) and "marker" in data:
        return "scores", data["marker"]
    if isinstance(data, dict):
        return "ballot", int(next(iter(data))) - 1000
    if isinstance(data, list):
        return "free_text", int(data[1].rsplit(" ", 1)[1])
    return "plan_ballot", int(data.rsplit(" ", 1)[1])


def _response(values: tuple) -> str | None:
    """The JSON payload among a cell's values (its column position differs between schema versions)."""
    for value in values:
        if isinstance(value, str) and value[:1] in "{[\"":
            return value
    return None


def _round_with_drafts(path, order: list[int], rng: random.Random):
    """A team of ``MEMBERS`` whose members each keep a draft (saved in a shuffled order), then submit in ``order``."""
    storage = Storage(path)
    team = storage.teams.register(-100, "T", 1, "h")
    users = [5000 + k for k in range(MEMBERS)]
    for user in users[1:]:
        storage.teams.join(team.id, user)
    round_ = storage.cycles.open_round(storage.cycles.start(team.id, "analyseren"), "analysis")
    for k in rng.sample(range(MEMBERS), MEMBERS):
        storage.answers.save_draft(round_.id, users[k], {"answers": {"nea_hard": 1}, "position": k}, now=0)
    return storage, round_, users


def _layouts(path, kind: str, users: list[int]):
    """Per image on disk: the answers' (part, member) in byte order, and the ledger's members in byte order."""
    disk = DatabaseFile(path)
    answers = [[_author(kind, _response(c.values)) for c in layout if _response(c.values)] for layout in disk.layouts("answers")]
    ledger = [[users.index(c.values[1]) for c in layout if c.values[1] in users] for layout in disk.layouts("participation")]
    return [a for a in answers if a], [ledger_ for ledger_ in ledger if ledger_]


@pytest.mark.parametrize("crash", [False, True], ids=["checkpointed", "crash-before-checkpoint"])
@pytest.mark.parametrize("kind", ["checkin", "ballot", "plan_ballot"])
def test_no_order_in_the_file_pairs_a_member_with_an_answer(tmp_path, monkeypatch, kind, crash):
    """Answers (scores, each open answer, dot-vote and plan ballots) lie in the file in an order that follows
    neither the order of submission nor the ledger's physical order, and a member's open answer does not lie
    next to their scores - in the main file and in every -wal frame, right after the last submission: also
    when the files are read as a crash leaves them between the last commit and its checkpoint."""
    import storage.answers

    by_submission, by_ledger, ledger_by_submission, beside, exact = [], [], [], 0, []
    main = "scores" if kind == "checkin" else kind
    for repetition in range(REPETITIONS):
        rng = random.Random(repetition)
        order = list(range(MEMBERS))
        while order == sorted(order):
            rng.shuffle(order)
        path = tmp_path / f"{kind}-{repetition}.db"
        storage_, round_, users = _round_with_drafts(path, order, rng)
        for k in order:
            if crash and k == order[-1]:  # the commit reaches the -wal; the checkpoint after it never runs
                monkeypatch.setattr(storage.answers, "scrub_wal", lambda db: None)
            assert storage_.answers.submit(round_.id, users[k], _parts(kind, k))
        answer_layouts, ledger_layouts = _layouts(path, kind, users)
        assert any(len(layout) >= MEMBERS for layout in answer_layouts)
        monkeypatch.undo()
        submitted = {k: i for i, k in enumerate(order)}
        for layout in answer_layouts:
            authors = [k for part, k in layout if part == main]
            if len(authors) < MEMBERS:
                continue
            exact.append(authors in (order, order[::-1]))
            by_submission.append(spearman(list(range(len(authors))), [submitted[k] for k in authors]))
            for ledger in (ledger for ledger in ledger_layouts if len(ledger) == MEMBERS):
                by_ledger.append(spearman([ledger.index(k) for k in authors], list(range(len(authors)))))
            for i, (part, k) in enumerate(layout):
                if part == "free_text":
                    beside += ((main, k) in layout[max(0, i - 1) : i] + layout[i + 1 : i + 2])
        for ledger in ledger_layouts:
            ledger_by_submission.append(spearman(list(range(len(ledger))), [submitted[k] for k in ledger]))
        storage_.close()
    assert min(len(by_submission), len(ledger_by_submission), len(by_ledger)) >= REPETITIONS
    assert not any(exact), "the answers lie in the file in the order they were submitted"
    assert abs(mean(by_submission)) < BOUND, f"answers follow the submission order: {by_submission}"
    assert abs(mean(ledger_by_submission)) < BOUND, f"the ledger follows the submission order: {ledger_by_submission}"
    assert abs(mean(by_ledger)) < BOUND, f"the answers' order pairs with the ledger's: {by_ledger}"
    if kind == "checkin":
        assert beside <= REPETITIONS * MEMBERS * 3 // 8, f"{beside} open answers lie next to their own scores"


def test_drafts_keep_no_time_of_a_persons_action(tmp_path):
    """A draft holds the round, the member and the answers in progress - no expiry or other time that would
    tell when each person last acted (and so who proposed or answered when)."""
    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-100, "T", 1, "h")
    round_ = storage.cycles.open_round(storage.cycles.start(team.id, "analyseren"), "analysis")
    moments = [1_800_000_000 + 3600 * k for k in range(5)]
    for k, now in enumerate(moments):
        storage.answers.save_draft(round_.id, 7000 + k, {"made": 1}, now=now)
    storage.close()
    cells = DatabaseFile(tmp_path / "w.db").cells("drafts")
    assert len(cells) == 5
    for cell in cells:
        numbers = [v for v in cell.values if isinstance(v, int) and v > 10**6 and not 7000 <= v < 7005]
        assert not numbers, f"a draft keeps a time: {cell.values}"


def test_upgrading_rewrites_what_older_versions_left_in_order(tmp_path, monkeypatch):
    """A database of the previous version (answers keyed by a random key only, drafts with a per-person expiry,
    delivered messages with their content) is upgraded in place: every answer, ledger row and proposal is kept
    but no longer lies in the order it was written, drafts lose their time, delivered messages their content -
    and the old bytes are gone from the file."""
    from storage import migrations

    path = tmp_path / "old.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] != "m006_anonymity_at_rest"])
    storage = Storage(path)
    team = storage.teams.register(-100, "T", 1, "h")
    round_ = storage.cycles.open_round(storage.cycles.start(team.id, "analyseren"), "analysis")
    order = [3, 9, 0, 6, 2, 8, 5, 1, 7, 4]
    with storage.atomic():
        for k in order:
            storage.db.execute("INSERT INTO participation (round_id, user_id) VALUES (?, ?)", [round_.id, 5000 + k])
            storage.db.execute("INSERT INTO answers (key, round_id, part, response) VALUES (?, ?, 'scores', ?)",
                               [f"{k:032x}", round_.id, json.dumps({"nea_hard": 1, "nea_fast": 1, "marker": k})])
            storage.db.execute("INSERT INTO proposals (id, round_id, text) VALUES (?, ?, ?)", [100 + k, round_.id, f"Voorstel {k}"])
        storage.db.execute("INSERT INTO drafts (round_id, user_id, data, expires_at) VALUES (?, 77, '{}', 1812345678)", [round_.id])
        storage.db.execute("INSERT INTO outbox (chat_id, text, status) VALUES (77, 'OUD-BERICHT-4711', 'sent')")
        storage.db.execute("INSERT INTO outbox (chat_id, text) VALUES (77, 'nog te versturen')")
    storage.close()
    monkeypatch.undo()

    storage = Storage(path)
    assert storage.applied_migrations == ["m006_anonymity_at_rest"]
    assert sorted(r["marker"] for r in storage.answers.responses(round_.id, "scores")) == list(range(MEMBERS))
    assert storage.answers.participants(round_.id) == MEMBERS and storage.proposals.count(round_.id) == MEMBERS
    assert [row[0] for row in storage.db.execute("SELECT text FROM outbox ORDER BY id")] == ["", "nog te versturen"]
    assert storage.integrity_ok()
    storage.close()
    disk = DatabaseFile(path)
    answers = [json.loads(_response(c.values))["marker"] for c in disk.layouts("answers")[0]]
    ledger = [c.values[1] - 5000 for c in disk.layouts("participation")[0]]
    proposals = [c.values[0] - 100 for c in disk.layouts("proposals")[0]]
    for layout in (answers, ledger, proposals):
        assert sorted(layout) == list(range(MEMBERS)) and layout not in (order, order[::-1]), layout
    raw = path.read_bytes() + (disk.wal or b"")
    assert b"OUD-BERICHT-4711" not in raw
    assert (1812345678).to_bytes(4, "big") not in raw
