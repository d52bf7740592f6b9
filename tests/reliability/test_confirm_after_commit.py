"""An update is confirmed to Telegram only after its handling committed: the real ``werkdruk-bot run`` process
is killed the moment one of its Bot API calls arrives at the sandbox (the call held there), and after the restart
what the person did has happened - in polling mode and in webhook mode."""

from __future__ import annotations

import json
import signal

import httpx

from bot.sandbox.actors import check_in, form_team, press, round_url, say, start_cycle

from .conftest import ONE_SOURCE, SECRET, SHORT, WebhookProcess, assert_sound, query
from .test_crash_restart import button


async def kill_when_it_arrives(sandbox, bot_process) -> None:
    """Once the call the sandbox holds has arrived: SIGKILL the bot, let the call go on
    (Telegram applies it; nobody reads the answer) and start the bot again."""
    await sandbox.wait_until(lambda: sandbox.held is not None, timeout=20)
    await bot_process.kill()
    sandbox.release()
    await bot_process.start()


async def killed_while_ja_ga_door_is_answered(sandbox, bot_process) -> int:
    """A team of three checks in; the leader taps "Ja, ga door" and the bot dies while its answerCallbackQuery is
    on the way, then starts again. Waits until the phase moved on and the leader's summary arrived; returns the
    analysis round's id."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in (leader, *members):
        await check_in(sandbox, user, url, SHORT)
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    sandbox.hold(lambda method, params: method == "answerCallbackQuery")
    mark = sandbox.mark()
    await sandbox.press_button(leader, ask.message, button(ask.message, "v1:next_go:"))
    await kill_when_it_arrives(sandbox, bot_process)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken", timeout=20)
    await sandbox.wait_for_message(leader.id, since=mark, contains="3 van de 3", timeout=20)
    return int(url.rsplit("_", 1)[1])


async def test_a_kill_while_the_leader_s_ja_ga_door_is_answered_loses_nothing(sandbox, bot_process):
    """Finding 1: the leader taps "Ja, ga door" and the bot dies while its answerCallbackQuery is on the way.
    Telegram delivers the tap again after the restart: the round closes once and its summary arrives."""
    await bot_process.start()
    analysis = await killed_while_ja_ga_door_is_answered(sandbox, bot_process)
    assert await bot_process.stop(signal.SIGTERM) == 0
    assert query(bot_process.db_path, "SELECT state FROM rounds WHERE id = ?", (analysis,)) == [("closed",)]
    assert query(bot_process.db_path, "SELECT count(*) FROM summaries WHERE round_id = ?", (analysis,)) == [(1,)]
    assert_sound(bot_process.db_path)


async def test_in_webhook_mode_a_kill_while_ja_ga_door_is_answered_loses_nothing(sandbox, tmp_path):
    """Finding 1 in webhook mode: the bot dies while the answer to the leader's "Ja, ga door" is on the way;
    the webhook request was not answered, so Telegram delivers the tap again: the round closes once."""
    bot = await WebhookProcess(sandbox, tmp_path).start()
    try:
        analysis = await killed_while_ja_ga_door_is_answered(sandbox, bot)
        assert await bot.stop(signal.SIGTERM) == 0
    finally:
        if bot.process is not None:
            bot.process.kill()
            await bot.process.wait()
    assert query(bot.db_path, "SELECT count(*) FROM summaries WHERE round_id = ?", (analysis,)) == [(1,)]
    assert_sound(bot.db_path)


async def test_a_webhook_body_that_is_not_an_update_gets_400_and_one_line_without_the_body(sandbox, tmp_path):
    """Issue 13, item 11: a body that is not JSON, not UTF-8 or not an update is answered 400 (not 500), and
    logged in one line that does not hold the body; the bot keeps answering real updates."""
    bot = await WebhookProcess(sandbox, tmp_path).start()
    url = f"http://127.0.0.1:{bot.port}/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    try:
        async with httpx.AsyncClient() as client:
            for body in (b"geheim-niet-json{", b"\xff\xfe geheim", b'{"geheim": "geen update"}', b"[1, 2]"):
                assert (await client.post(url, content=body, headers=headers)).status_code == 400
        anna = sandbox.add_user("Anna")
        assert "nog geen lid" in (await say(sandbox, anna, "/start")).text
        assert await bot.stop(signal.SIGTERM) == 0
    finally:
        if bot.process is not None:
            bot.process.kill()
            await bot.process.wait()
    log = bot.stderr()
    assert "geheim" not in log and "CRITICAL" not in log and "Traceback" not in log
    assert log.count("not an update") == 4


async def test_a_typed_plan_field_delivered_again_after_a_kill_is_applied_once(sandbox, bot_process):
    """Finding 6: the leader types a measure's activities; the bot dies while asking for "Wie", and Telegram
    delivers the typed text again after the restart. The field, what is asked next and the update's id were
    committed together: the text is not stored a second time (as "Wie"), and the leader's next answers land
    where they belong."""
    await bot_process.start()
    leader, _, group = await form_team(sandbox, ["Anna"])
    choose = await say(sandbox, leader, "/cyclus")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:2")  # start at aanpakken
    await press(sandbox, leader, deadline, "v1:cyc_go:1:2:0")
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    await press(sandbox, leader, overview.message, button(overview.message, "v1:plan_add:"))
    for value in ("Rust na schooltijd", "Minder administratie", "Twee uur per week minder"):  # own words: no proposed fields
        await say(sandbox, leader, value)
    sandbox.hold(lambda method, params: method == "sendMessage" and params.get("chat_id") == leader.id)
    await sandbox.send_text(leader, "Assistent neemt registraties over")
    typed = sandbox.updates[-1]["update_id"]
    await kill_when_it_arrives(sandbox, bot_process)
    sandbox.redeliver(typed)  # and once more, as Telegram may
    await say(sandbox, leader, "/status")  # both deliveries were handled before this
    await say(sandbox, leader, "Directie en IB")
    await say(sandbox, leader, "50000", contains="Tik op ✏️")
    assert await bot_process.stop(signal.SIGTERM) == 0
    (data,) = query(bot_process.db_path, "SELECT data FROM plans")[0]
    (item,) = json.loads(data)["items"]
    assert (item["activities"], item["who"], item["cost"]) == ("Assistent neemt registraties over", "Directie en IB", 50000)
    assert_sound(bot_process.db_path)
