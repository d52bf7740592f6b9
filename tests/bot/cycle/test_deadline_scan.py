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
