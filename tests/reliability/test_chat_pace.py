"""Telegram's pace inside one chat (about one message a second in a private chat, after a short burst): the
outbox keeps it - a closing round's summary, chart and guide reach the leader without a single 429 - and a
chat that waits for its turn never holds up the others."""

from __future__ import annotations

import asyncio

from bot.sandbox.actors import check_in, form_team, round_url, say, start_cycle

from .conftest import ONE_SOURCE, SHORT
from .test_crash_restart import button
from .test_outbox_faults import queue, started_user


async def test_closing_a_round_keeps_the_leader_s_chat_pace(sandbox, bot):
    """Finding 3: closing the analysis sends the leader several messages at once (summary parts, chart,
    guide) right after /volgende asked to confirm: they arrive paced, with no 429 from Telegram, and the group's announcement does not wait behind them."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in (leader, *members):
        await check_in(sandbox, user, url, SHORT)
    mark = sandbox.mark()
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    await sandbox.press_button(leader, ask.message, button(ask.message, "v1:next_go:"))
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken", timeout=20)
    await asyncio.wait_for(_all_sent(bot), 30)
    to_leader = [m for m in sandbox.sent_messages(leader.id) if m.call_index >= mark]
    assert len(to_leader) > 3  # the question, then summary, chart and guide: more than a private chat's burst
    assert sandbox.flood_events == []
    times = [sandbox.calls[m.call_index].time for m in to_leader]
    assert times[3] - times[0] >= 0.9  # after the burst, about one a second


async def _all_sent(bot) -> None:
    """Until no outbox row is pending (woken by the sender's idle event)."""
    services = bot.application.bot_data["services"]
    while bot.storage.outbox.count("pending"):
        services.outbox.idle.clear()
        await services.outbox.idle.wait()


async def test_a_chat_waiting_for_its_turn_does_not_hold_up_others(sandbox, bot):
    """Six messages for Anna and then one for Bram: Bram's arrives right away, before Anna's fourth (which waits
    for Anna's chat's pace), and nothing gets a 429."""
    anna, bram = await started_user(sandbox, "Anna"), await started_user(sandbox, "Bram")
    mark = sandbox.mark()
    queue(bot, anna.id, *[f"Voor Anna {i}" for i in range(1, 7)])
    queue(bot, bram.id, "Voor Bram")
    await sandbox.wait_for_message(anna.id, since=mark, contains="Voor Anna 6", timeout=20)
    order = [m.text for m in sandbox.sent_messages() if m.call_index >= mark]
    assert order.index("Voor Bram") < order.index("Voor Anna 4")
    assert [t for t in order if t.startswith("Voor Anna")] == [f"Voor Anna {i}" for i in range(1, 7)]
    assert sandbox.flood_events == []
