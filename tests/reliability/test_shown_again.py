"""What the person sees when something went wrong after their change was saved: a failed screen, a doubled
confirmation, a tap delivered again after a restart. The screen says what actually happened; nobody is told
that something failed when it did not; a query is answered once."""

from __future__ import annotations

from bot.sandbox.actors import answer_questions, check_in, form_team, open_round, round_url, say, start_cycle

from .conftest import ONE_SOURCE, SHORT, query
from .test_crash_restart import button


def answers_to(sandbox, query_id: str) -> list:
    """Every answerCallbackQuery call for one query (also refused ones)."""
    return [c for c in sandbox.calls if c.method == "answerCallbackQuery" and str(c.params.get("callback_query_id")) == query_id]


async def test_a_failed_screen_after_a_saved_answer_is_answered_once_and_shows_the_next_question(sandbox, bot):
    """Finding 2: the next question cannot be shown (Telegram fails the edit once) although the answer was
    saved: the tap is answered once (not a second, refused time), the member is not told that something went
    wrong, and the screen then shows the next question."""
    leader, (anna, _), group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    analysis = int(url.rsplit("_", 1)[1])
    question = await open_round(sandbox, anna, url, "Vraag 1 van 7")
    sandbox.inject_fault("editMessageText", "502")
    mark = sandbox.mark()
    query_id = await sandbox.press_button(anna, question, f"v1:ans:{analysis}:0:3")
    shown = await sandbox.wait_for(lambda c: c.method == "editMessageText" and c.ok, since=mark, timeout=10)
    assert "Vraag 2 van 7" in shown.result["text"]
    assert [c.ok for c in answers_to(sandbox, query_id)] == [True]
    await say(sandbox, anna, "/privacy")  # anything the error handler sent, it sent before this
    assert not [m for m in sandbox.sent_messages(anna.id) if "ging iets mis" in m.text]
    assert query(bot.config.storage_path, "SELECT count(*) FROM drafts") == [(1,)]


async def test_a_doubled_ja_ga_door_leaves_the_screen_saying_what_happened(sandbox, bot):
    """Finding 4: the leader taps "Ja, ga door" twice. The round closes once, and the screen does not end on
    "Er is intussen iets veranderd. Stuur /volgende opnieuw." (which would close the next round) but says
    that the step was taken and where the team stands now."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in (leader, *members):
        await check_in(sandbox, user, url, SHORT)
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    data = button(ask.message, "v1:next_go:")
    first = await sandbox.press_button(leader, ask.message, data)
    second = await sandbox.press_raw(leader, leader.id, ask.message["message_id"], data)
    await sandbox.wait_for_callback_answer(first)
    await sandbox.wait_for_callback_answer(second)
    (screen,) = [m for m in sandbox.chat_history(leader.id) if m["message_id"] == ask.message["message_id"]]
    assert "opnieuw" not in screen["text"]
    assert "al gezet" in screen["text"] and "bespreken" in screen["text"]
    assert query(bot.config.storage_path, "SELECT count(*) FROM summaries") == [(1,)]


async def test_a_saved_tap_delivered_again_after_a_restart_shows_the_next_question(sandbox, bot_process):
    """Finding 5: the member's third answer is committed, then the bot dies before the next question goes out.
    Telegram delivers the tap again after the restart: it is not applied twice, and the member's screen moves
    on to question 4 instead of staying on question 3."""
    await bot_process.start()
    leader, (anna, _), group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    analysis = int(url.rsplit("_", 1)[1])
    third = await answer_questions(sandbox, anna, await open_round(sandbox, anna, url, "Vraag 1 van 7"), SHORT[:2])
    assert "Vraag 3 van 7" in third["text"]
    sandbox.hold(lambda method, params: method == "editMessageText" and params.get("chat_id") == anna.id)
    mark = sandbox.mark()
    await sandbox.press_button(anna, third, f"v1:ans:{analysis}:2:3")
    await sandbox.wait_until(lambda: sandbox.held is not None, timeout=20)
    await bot_process.kill()
    sandbox.release(apply=False)  # the next question never reached Telegram
    await bot_process.start()
    shown = await sandbox.wait_for_edit(anna.id, third["message_id"], since=mark, timeout=20)
    assert "Vraag 4 van 7" in shown.result["text"]
    await bot_process.stop()
    (draft,) = query(bot_process.db_path, "SELECT count(*) FROM drafts")[0]
    assert draft == 1
