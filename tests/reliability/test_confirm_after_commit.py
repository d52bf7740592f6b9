"""An update is confirmed to Telegram only after its handling committed: the real ``werkdruk-bot run`` process
is killed the moment one of its Bot API calls arrives at the sandbox (the call held there), and after the restart
what the person did has happened - in polling mode and in webhook mode."""

from __future__ import annotations

import signal

from bot.sandbox.actors import check_in, form_team, round_url, say, start_cycle

from .conftest import ONE_SOURCE, SHORT, assert_sound, query
from .test_crash_restart import button


async def kill_when_it_arrives(sandbox, bot_process) -> None:
    """Once the call the sandbox holds has arrived: SIGKILL the bot, let the call go on
    (Telegram applies it; nobody reads the answer) and start the bot again."""
    await sandbox.wait_until(lambda: sandbox.held is not None, timeout=20)
    await bot_process.kill()
    sandbox.release()
    await bot_process.start()


async def test_a_kill_while_the_leader_s_ja_ga_door_is_answered_loses_nothing(sandbox, bot_process):
    """Finding 1: the leader taps "Ja, ga door" and the bot dies while its answerCallbackQuery is on the way.
    Telegram delivers the tap again after the restart: the round closes once and its summary arrives."""
    await bot_process.start()
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    analysis = int(url.rsplit("_", 1)[1])
    for user in (leader, *members):
        await check_in(sandbox, user, url, SHORT)
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    sandbox.hold(lambda method, params: method == "answerCallbackQuery")
    mark = sandbox.mark()
    await sandbox.press_button(leader, ask.message, button(ask.message, "v1:next_go:"))
    await kill_when_it_arrives(sandbox, bot_process)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken", timeout=20)
    await sandbox.wait_for_message(leader.id, since=mark, contains="3 van de 3", timeout=20)
    assert await bot_process.stop(signal.SIGTERM) == 0
    assert query(bot_process.db_path, "SELECT state FROM rounds WHERE id = ?", (analysis,)) == [("closed",)]
    assert query(bot_process.db_path, "SELECT count(*) FROM summaries WHERE round_id = ?", (analysis,)) == [(1,)]
    assert_sound(bot_process.db_path)
