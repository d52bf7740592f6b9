"""Telegram's own errors, handled as a user would want: the message to edit is gone, the callback query
is too old, the group became a supergroup (also while the bot was down, with a deadline falling due),
the bot was removed from the group. ("Message is not modified" is shown in test_at_most_once.py.)"""

from __future__ import annotations

import asyncio

from bot.sandbox.actors import check_in, form_team, join, join_url, open_round, register, round_url, say, start_cycle

from .conftest import ONE_SOURCE, SHORT, assert_sound


def errors_told(sandbox, chat_id: int, since: int) -> list[str]:
    return [m.text for m in sandbox.sent_messages(chat_id) if m.call_index >= since and "Er ging iets mis" in m.text]


async def a_check_in_begun(sandbox):
    leader, (anna, bram), group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    question = await open_round(sandbox, anna, url, "Vraag 1 van")
    return anna, bram, int(url.rsplit("_", 1)[1]), question.message


async def test_message_to_edit_not_found_sends_the_next_question_anew(sandbox, bot):
    """The member deleted the chat's messages while their click was on its way: the answer counts and the
    next question arrives as a new message, without an error."""
    anna, bram, round_id, question = await a_check_in_begun(sandbox)
    mark = sandbox.mark()
    query = await sandbox.press_button(anna, question, f"v1:ans:{round_id}:0:3")
    sandbox.world.history[anna.id].clear()  # the chat is emptied before the bot handles the click
    await sandbox.wait_for_callback_answer(query)
    fresh = await sandbox.wait_for_message(anna.id, since=mark, contains="Vraag 2 van 7")
    assert any("message to edit not found" in (c.description or "") for c in sandbox.calls[mark:fresh.call_index])
    assert errors_told(sandbox, anna.id, mark) == []
    services = bot.application.bot_data["services"]
    assert bot.storage.answers.draft(round_id, anna.id, services.now())["position"] == 1


async def test_a_query_too_old_still_applies_the_click(sandbox, bot):
    """Telegram refuses to answer a callback query that is too old (the bot was slow or down): the click
    still counts, the question moves on, and the member is not told that something went wrong."""
    anna, bram, round_id, question = await a_check_in_begun(sandbox)
    mark = sandbox.mark()
    query = await sandbox.press_button(anna, question, f"v1:ans:{round_id}:0:3")
    del sandbox.world.callback_queries[query]  # expired before the bot answers it
    await sandbox.wait_for_edit(anna.id, question["message_id"], since=mark)  # the click was handled
    assert bram
    assert any("query is too old" in (c.description or "") for c in sandbox.calls[mark:])
    services = bot.application.bot_data["services"]
    assert bot.storage.answers.draft(round_id, anna.id, services.now())["position"] == 1
    assert errors_told(sandbox, anna.id, mark) == []
    assert "Vraag 2 van 7" in sandbox.world.get_message(anna.id, question["message_id"])["text"]


async def test_group_upgraded_while_the_bot_was_down_and_a_deadline_passed(sandbox, bot):
    """The deadline passes and the group becomes a supergroup while the bot is down: at start-up the round
    closes once, its messages follow the team to the new chat id, and the team works there."""
    leader = sandbox.add_user("Sanne")
    members = [sandbox.add_user(name) for name in ("Anna", "Bram")]
    group = sandbox.add_group("OBS De Linde", owner=leader, members=members, supergroup=False)
    url = join_url(await register(sandbox, leader, group))
    for user in (leader, *members):
        await join(sandbox, user, url, None)
    check_in_url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in (leader, *members):
        await check_in(sandbox, user, check_in_url, SHORT)
    team = bot.storage.teams.by_chat(group.id)
    round_ = bot.storage.cycles.open_round_of(team.id)

    await bot.stop()
    supergroup = sandbox.migrate_group(group)
    bot.fake_now = round_.closes_at + 60
    mark = sandbox.mark()
    await bot.start()
    await sandbox.wait_for_message(supergroup.id, since=mark, contains="Fase 2: bespreken")
    await sandbox.wait_for_message(leader.id, since=mark, contains="3 van de 3")
    assert bot.storage.teams.get(team.id).chat_id == supergroup.id
    assert not [m for m in sandbox.sent_messages(group.id) if m.call_index >= mark]

    await bot.run_deadline_scan()  # the periodic scan after start-up finds nothing more to do
    status = await say(sandbox, leader, "/status", chat=supergroup)
    assert "bespreken" in status.text
    assert len([m for m in sandbox.sent_messages(supergroup.id) if "Fase 2" in m.text]) == 1
    assert bot.storage.db.execute("SELECT count(*) FROM summaries WHERE round_id = ?", [round_.id]).fetchone()[0] == 1
    await asyncio.wait_for(bot.application.bot_data["services"].outbox.idle.wait(), 10)  # the paced sender is done
    assert bot.storage.outbox.count("pending") == 0 and bot.storage.outbox.count("failed") == 0
    assert_sound(bot.config.storage_path)


async def test_bot_removed_pauses_the_team_tells_the_leader_and_the_outbox_goes_on(sandbox, bot):
    """Removed from the group: the team is paused, the leader told privately; a message for the group is
    marked unreachable instead of blocking the messages behind it."""
    leader, (anna,), group = await form_team(sandbox, ["Anna"])
    team = bot.storage.teams.by_chat(group.id)
    mark = sandbox.mark()
    await sandbox.remove_bot_from_group(group, by=leader)
    notice = await sandbox.wait_for_message(leader.id, since=mark, contains="staat stil")
    assert team.name in notice.text
    assert bot.storage.teams.get(team.id).state == "paused"

    group_row = bot.storage.outbox.add(group.id, "Voor de groep")
    bot.storage.outbox.add(anna.id, "Voor Anna")
    bot.application.bot_data["services"].wake_outbox()
    await sandbox.wait_for_message(anna.id, since=mark, contains="Voor Anna")
    assert bot.storage.db.execute("SELECT status FROM outbox WHERE id = ?", [group_row]).fetchone()[0] == "unreachable"
    assert not [m for m in sandbox.sent_messages(group.id) if m.call_index >= mark]
