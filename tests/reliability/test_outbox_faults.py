"""The outbox under Telegram's faults: 429 with retry_after, 502, connections dropped before and after the
call took effect, and members who blocked the bot. Nothing is lost, nothing is sent twice - except,
after a connection dropped *after* Telegram applied the call, that one message once more."""

from __future__ import annotations

import asyncio

import pytest

from bot.sandbox.actors import check_in, form_team, round_url, say, start_cycle

from .conftest import ONE_SOURCE, SHORT, assert_sound, texts_sent


async def started_user(sandbox, name="Anna"):
    """A person who opened a private chat with the bot."""
    user = sandbox.add_user(name)
    await say(sandbox, user, "/start")
    return user


def queue(bot, chat_id: int, *texts: str) -> list[int]:
    """Write rows to the outbox (as a state change does) and wake the sender."""
    ids = [bot.storage.outbox.add(chat_id, text) for text in texts]
    bot.application.bot_data["services"].wake_outbox()
    return ids


async def settled(bot, timeout: float = 10) -> None:
    """Wait until the sender has nothing left that is due (its own event, no polling)."""
    await asyncio.wait_for(bot.application.bot_data["services"].outbox.idle.wait(), timeout)


def status(bot, row_id: int) -> str:
    return bot.storage.db.execute("SELECT status FROM outbox WHERE id = ?", [row_id]).fetchone()[0]


@pytest.mark.parametrize(
    ("kind", "copies_of_first"),
    [("429", 1), ("502", 1), ("drop_before", 1), ("drop_after", 2)],
)
async def test_a_fault_on_the_first_row_delays_it_and_keeps_the_order(sandbox, bot, kind, copies_of_first):
    """The faulted row is retried after the wait (retry_after, or backoff), in order, never dropped;
    only a connection dropped after Telegram applied the call gives one duplicate of that one message."""
    anna = await started_user(sandbox)
    sandbox.inject_fault("sendMessage", kind, retry_after=1)
    mark = sandbox.mark()
    rows = queue(bot, anna.id, "Bericht een", "Bericht twee", "Bericht drie")
    await sandbox.wait_for_message(anna.id, since=mark, contains="Bericht drie")

    faulted = [c for c in sandbox.calls[mark:] if c.fault]
    assert [c.fault for c in faulted] == [kind] and faulted[0].params["text"] == "Bericht een"
    delivered = [m.text for m in sandbox.sent_messages(anna.id) if m.call_index >= mark]
    assert delivered == ["Bericht een"] * copies_of_first + ["Bericht twee", "Bericht drie"]
    retry = next(m for m in sandbox.sent_messages(anna.id) if m.call_index > faulted[0].index and m.text == "Bericht een")
    waited = sandbox.calls[retry.call_index].time - faulted[0].time
    assert waited >= 0.9, f"retried after {waited:.2f}s"  # retry_after=1, or the first backoff step of 1s
    await settled(bot)
    assert all(status(bot, row) == "sent" for row in rows)
    assert sandbox.flood_events == []  # the bot itself never exceeded Telegram's limits


async def test_a_429_beyond_the_rate_limiters_retries_is_deferred_by_the_outbox(sandbox, bot):
    """Four 429s in a row: each goes back to the outbox (the rate limiter never pauses everyone for it),
    which holds that chat for retry_after and tries again - and the message is sent once."""
    anna = await started_user(sandbox)
    sandbox.inject_fault("sendMessage", "429", times=4, retry_after=1)
    mark = sandbox.mark()
    (row,) = queue(bot, anna.id, "Na de file")
    await sandbox.wait_for_message(anna.id, since=mark, contains="Na de file", timeout=15)
    assert [c.fault for c in sandbox.calls[mark:] if c.method == "sendMessage"] == ["429"] * 4 + [None]
    assert texts_sent(sandbox, anna.id, since=mark)[(anna.id, "Na de file")] == 1
    await settled(bot)
    assert status(bot, row) == "sent"
    assert bot.storage.db.execute("SELECT attempts FROM outbox WHERE id = ?", [row]).fetchone()[0] == 4


async def test_a_round_closes_through_429_and_502_with_every_message_once(sandbox, bot):
    """A real round close under faults: the leader's summary text hits a 429, the chart a 502; the
    summary, the chart and the next phase's announcement each arrive exactly once, in order."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in (leader, *members):
        await check_in(sandbox, user, url, SHORT)
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    sandbox.inject_fault("sendMessage", "429", retry_after=1)
    sandbox.inject_fault("sendPhoto", "502")
    mark = sandbox.mark()
    data = next(d for d in ask.callback_datas if d.startswith("v1:next_go:"))
    await sandbox.press_button(leader, ask.message, data)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken", timeout=15)
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok, since=mark, timeout=15)
    await settled(bot, 15)
    assert sorted(c.fault for c in sandbox.calls[mark:] if c.fault) == ["429", "502"]
    sent = texts_sent(sandbox, since=mark)
    assert sent and all(n == 1 for n in sent.values()), sent
    to_leader = [m for m in sandbox.sent_messages(leader.id) if m.call_index >= mark]
    assert "3 van de 3" in "\n".join(m.text for m in to_leader)  # the summary: 3 of the 3 members took part
    assert sum(1 for m in to_leader if m.photo) == 1
    assert bot.storage.outbox.count("pending") == 0 and bot.storage.outbox.count("failed") == 0
    assert_sound(bot.config.storage_path)


async def test_a_member_who_blocked_the_bot_is_skipped_and_reachable_again_after_writing(sandbox, bot):
    """403: the row is marked unreachable and so is the member; later rows to them are skipped without
    calling Telegram, others still get theirs; when the member writes again they are reachable again."""
    anna = await started_user(sandbox, "Anna")
    bram = await started_user(sandbox, "Bram")
    sandbox.block_bot(anna)
    mark = sandbox.mark()
    first, = queue(bot, anna.id, "Voor Anna 1")
    await settled(bot)
    rows = queue(bot, anna.id, "Voor Anna 2") + queue(bot, bram.id, "Voor Bram")
    await sandbox.wait_for_message(bram.id, since=mark, contains="Voor Bram")
    await settled(bot)
    assert [status(bot, row) for row in (first, *rows)] == ["unreachable", "unreachable", "sent"]
    assert len([c for c in sandbox.forbidden if c.index >= mark]) == 1  # the second row was not attempted
    assert not bot.storage.people.is_reachable(anna.id)

    await say(sandbox, anna, "/start")  # she unblocks the bot and writes
    assert bot.storage.people.is_reachable(anna.id)
    mark = sandbox.mark()
    (row,) = queue(bot, anna.id, "Welkom terug")
    await sandbox.wait_for_message(anna.id, since=mark, contains="Welkom terug")
    await settled(bot)
    assert status(bot, row) == "sent"


async def test_a_member_who_writes_anything_after_unblocking_is_reachable_again(sandbox, bot):
    """Writing any private message (here /open, not /start) after unblocking makes a member reachable again."""
    anna = await started_user(sandbox, "Anna")
    sandbox.block_bot(anna)
    first, = queue(bot, anna.id, "Voor Anna")
    await settled(bot)
    assert not bot.storage.people.is_reachable(anna.id)
    await say(sandbox, anna, "/open")
    assert bot.storage.people.is_reachable(anna.id), "a member who writes again must be reachable again"


async def test_blocking_and_unblocking_in_private_is_understood(sandbox, bot):
    """Telegram tells the bot (my_chat_member in the private chat) when a member blocks or unblocks it:
    blocking marks them unreachable, unblocking reachable again, and no group text lands in the private chat."""
    anna = await started_user(sandbox, "Anna")
    chat = {"id": anna.id, "type": "private", "first_name": anna.first_name}

    def status_change(old: str, new: str) -> None:
        bot_user = sandbox.bot_user.to_dict()
        sandbox.world.queue("my_chat_member", {
            "chat": chat, "from": anna.to_dict(), "date": 1,
            "old_chat_member": {"status": old, "user": bot_user} | ({"until_date": 0} if old == "kicked" else {}),
            "new_chat_member": {"status": new, "user": bot_user} | ({"until_date": 0} if new == "kicked" else {}),
        })

    bram = await started_user(sandbox, "Bram")  # his answers show that the updates before them were handled
    mark = sandbox.mark()
    sandbox.block_bot(anna)
    status_change("member", "kicked")
    await say(sandbox, bram, "/privacy")
    assert not bot.storage.people.is_reachable(anna.id), "blocking must mark the member unreachable"
    anna.blocked_bot = False
    status_change("kicked", "member")
    await say(sandbox, bram, "/privacy")
    assert bot.storage.people.is_reachable(anna.id), "unblocking must make the member reachable again"
    stray = [m.text for m in sandbox.sent_messages(anna.id) if m.call_index >= mark]
    assert stray == [], f"the bot wrote into the private chat: {stray}"
