"""The periodic deadline scan gives the event loop back between teams: queueing a reminder for hundreds of
teams never holds members' taps for long, and a team's failure does not stop the others."""

from __future__ import annotations

import asyncio

from bot.cycle import deadlines
from bot.cycle import pulses
from bot.deployment.services import Services
from bot.deployment.config import Config
from storage.db import Storage


async def test_the_scan_gives_way_between_teams_and_survives_one_failing(tmp_path, monkeypatch):
    """Three teams' reminders are due; a member's taps are handled between them, and the second team's
    failure leaves the third team's reminder sent."""
    storage = Storage(tmp_path / "w.db")
    svc = Services(config=Config(token="1:test", storage_path=tmp_path / "w.db"), storage=storage)
    order = []

    def send_reminder(_svc, round_id):
        order.append(f"team {round_id}")
        if round_id == 2:
            raise RuntimeError("this team's data is broken")
        return 25

    monkeypatch.setattr(storage.pulses, "due_reminders", lambda now: [1, 2, 3])
    monkeypatch.setattr(pulses, "send_reminder", send_reminder)

    async def member_taps():
        for tap in range(3):
            order.append(f"tap {tap}")
            await asyncio.sleep(0)

    await asyncio.gather(deadlines.scan(svc), member_taps())
    assert [o for o in order if o.startswith("team")] == ["team 1", "team 2", "team 3"]
    assert order.index("tap 1") < order.index("team 3")  # a tap was handled while teams were still queued
    order.clear()
    assert deadlines.close_due_rounds(svc) == 0  # at start-up the same scan runs straight through
    assert order == ["team 1", "team 2", "team 3"]
    storage.close()


def test_a_reminder_reads_in_each_members_own_language(tmp_path, sandbox):
    """The reminder is written once per language, not once per member: Dutch members read Dutch, a member whose
    Telegram is English reads English, each with the button to the round, and nobody who answered is reminded."""
    from benchmarks.dbprep import seed_teams

    storage = Storage(tmp_path / "w.db")
    svc = Services(config=Config(token="1:test", storage_path=tmp_path / "w.db"), storage=storage, bot_username="werkdruk_test_bot")
    team = seed_teams(storage, sandbox, 1, 6, kind="pulse", name="Bestuur", closes_at=2_000_000_000)[0]
    english = {p.id for p in team.members[3:5]}
    storage.db.conn.executemany("UPDATE people SET language = 'en' WHERE user_id = ?", [(u,) for u in english])
    storage.db.conn.commit()
    assert storage.answers.submit(team.round_id, team.members[5].id, [("scores", {"1": 3})])
    sent = pulses.send_reminder(svc, team.round_id)
    rows = {m.chat_id: m for m in storage.outbox.pending(now=2_000_000_000, limit=100)}
    assert sent == len(rows) == 5 and team.members[5].id not in rows
    for user_id, message in rows.items():
        expected = "Reminder: the workload pulse of team <b>Bestuur 0</b> runs" if user_id in english else \
            "Herinnering: de werkdrukpeiling van team <b>Bestuur 0</b> loopt"
        assert expected in message.text, (user_id, message.text)
        assert message.markup["inline_keyboard"][0][0]["url"] == f"https://t.me/werkdruk_test_bot?start=round_{team.round_id}"
    storage.close()
