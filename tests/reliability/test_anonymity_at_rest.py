"""Anonymity at rest through the real bot: members check in and propose through the sandbox in a known order
(never the order of their user ids); then the database file and its -wal are read as raw bytes
(tests/storage/sqlite_file.py) - also right after a SIGKILL that follows a submission - and the physical
order of the answers and proposals is lined up against the submission order, the ledger's and the drafts'.

With nine members a random layout equals a given order (or its reverse) with probability 2/9! (1 in
180,000); a layout in order of writing always does.
"""

from __future__ import annotations

import json

from bot.sandbox.actors import check_in, form_team, leader_moves_on, open_round, answer_questions, propose, round_url, start_cycle
from tests.storage.sqlite_file import DatabaseFile

from .conftest import ONE_SOURCE, assert_sound

NAMES = ["Anna", "Bram", "Chris", "Dewi", "Eva", "Fleur", "Gijs", "Hans"]
ORDER = [3, 0, 6, 8, 1, 5, 2, 7, 4]  # who submits when (0 is the leader, then NAMES in order of user id)


def _answers(k: int) -> list:
    """Member ``k``'s check-in: two scores that tell the test (not the file) whose it is, and an open answer."""
    return [k % 4 + 1, k // 4 + 1, 3, 2, 3, f"Oorzaak van lid {k}", None]


def _answer_layouts(disk: DatabaseFile) -> list[list[tuple[str, int]]]:
    """Every image's answer cells on disk (main file, each -wal frame) in byte order, as (part, member)."""
    layouts = []
    for cells in disk.layouts("answers"):
        out = []
        for cell in cells:
            data = json.loads(next(v for v in cell.values if isinstance(v, str) and v[:1] in "{["))
            if isinstance(data, dict):
                first, second = list(data.values())[:2]
                out.append(("scores", (first - 1) + 4 * (second - 1)))
            else:
                out.append(("free_text", int(data[1].rsplit(" ", 1)[1])))
        layouts.append(out)
    return layouts


def _assert_nobody_paired(disk: DatabaseFile, ids: list[int]) -> int:
    """No image of the answers on disk follows the submission order or a ledger image's order, nor lies an
    open answer beside its author's scores (at most 6 of 9: a random layout has 1 on average). Returns
    how many complete images of the answers were checked."""
    ledgers = [[ids.index(c.values[1]) for c in cells if c.values[1] in ids] for cells in disk.layouts("participation")]
    ledgers = [ledger for ledger in ledgers if len(ledger) == len(ids)]
    for ledger in ledgers:
        _assert_no_order(ledger, ORDER)
    checked = 0
    for layout in _answer_layouts(disk):
        authors = [k for part, k in layout if part == "scores"]
        if sorted(authors) != list(range(len(ids))):
            continue
        checked += 1
        _assert_no_order(authors, ORDER, *ledgers)
        beside = sum(("scores", k) in layout[max(0, i - 1) : i] + layout[i + 1 : i + 2]
                     for i, (part, k) in enumerate(layout) if part == "free_text")
        assert beside <= 6, f"{beside} of 9 open answers lie next to their author's scores"
    return checked


def _assert_no_order(layout: list[int], *orders: list[int]) -> None:
    for order in orders:
        assert layout not in (order, order[::-1]), f"{layout} follows {order}"


async def test_after_a_sigkill_right_after_a_submission_the_file_pairs_nobody_with_an_answer(sandbox, bot_process):
    """Nine check-ins in a known order, the bot SIGKILLed the moment it confirms the last one: in the main file
    and the -wal neither the answers' order nor the ledger's follows the submission order, the two do not pair,
    and open answers do not lie beside their author's scores. After a restart the database is sound, and
    after the round closed the same holds."""
    await bot_process.start()
    leader, members, group = await form_team(sandbox, NAMES)
    people = [leader, *members]
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    round_id = int(url.rsplit("_", 1)[1])
    for k in ORDER[:-1]:
        await check_in(sandbox, people[k], url, _answers(k))
    last = people[ORDER[-1]]
    review = await answer_questions(sandbox, last, await open_round(sandbox, last, url, "Vraag 1 van"), _answers(ORDER[-1]))
    await bot_process.kill_after_answer(sandbox, last, review, f"v1:send:{round_id}")

    ids = [p.id for p in people]
    assert _assert_nobody_paired(DatabaseFile(bot_process.db_path), ids) >= 1
    await bot_process.start()
    assert assert_sound(bot_process.db_path)[round_id][1] == len(people)

    # After the round closed (the answers stay until the retention period ends): still nobody paired.
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")
    await bot_process.kill()
    assert _assert_nobody_paired(DatabaseFile(bot_process.db_path), ids) >= 1


async def test_proposals_lie_in_no_order_of_their_authors(sandbox, bot):
    """Nine members propose in a known order: in the file the proposals follow neither that order nor the
    ledger's nor the drafts' (which remember how many proposals each made)."""
    leader, members, group = await form_team(sandbox, NAMES)
    people = [leader, *members]
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for person in people:
        await check_in(sandbox, person, url, [3, 3, 3, 2, 3, None, None])
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    proposals_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken"))
    for k in ORDER:
        await propose(sandbox, people[k], proposals_url, own_words=f"Voorstel van lid {k}")

    disk = DatabaseFile(bot.storage.path)
    ids = [p.id for p in people]
    proposals = [int(t.rsplit(" ", 1)[1]) for c in disk.layouts("proposals")[0] for t in c.values if isinstance(t, str) and t.startswith("Voorstel van lid")]
    assert sorted(proposals) == list(range(len(people)))
    proposals_round = int(proposals_url.rsplit("_", 1)[1])
    ledger = [ids.index(c.values[1]) for c in disk.layouts("participation")[0] if c.values[0] == proposals_round]
    drafts = [ids.index(c.values[1]) for c in disk.layouts("drafts")[0] if c.values[0] == proposals_round]
    assert sorted(ledger) == sorted(drafts) == list(range(len(people)))
    _assert_no_order(proposals, ORDER, ledger, drafts)
    _assert_no_order(ledger, ORDER)
    _assert_no_order(drafts, ORDER)


def test_a_backup_lays_every_table_out_in_key_order(tmp_path):
    """`werkdruk-bot backup` (VACUUM INTO) writes each table afresh in key order: in the copy the answers lie
    in the order of their random keys and the ledger in the order of user ids - neither in submission order."""
    from bot.run.backup import backup
    from storage.db import Storage

    storage = Storage(tmp_path / "w.db")
    team = storage.teams.register(-100, "T", 1, "h")
    round_ = storage.cycles.open_round(storage.cycles.start(team.id, "analyseren"), "analysis")
    for k in ORDER:
        storage.teams.join(team.id, 5000 + k)
        assert storage.answers.submit(round_.id, 5000 + k, [("scores", {"marker": k})])
    backup(tmp_path / "w.db", tmp_path / "copy.db")
    storage.close()
    disk = DatabaseFile(tmp_path / "copy.db")
    answer_keys = [c.values[1] for c in disk.layouts("answers")[0]]
    ledger = [c.values[1] for c in disk.layouts("participation")[0]]
    assert len(answer_keys) == len(ledger) == len(ORDER)
    assert answer_keys == sorted(answer_keys, reverse=True)  # written downward from the end of the page
    assert ledger == sorted(ledger, reverse=True)
