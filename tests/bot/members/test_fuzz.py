"""Fuzzing every text input and callback data through the real bot: no crash, every message the bot
sends is valid for Telegram (the sandbox records zero violations), and the person always gets an answer."""

from __future__ import annotations

import logging
import random

from bot.sandbox.actors import answer_questions, form_team, open_round, press, round_url, say

NASTY = [
    "<b>&", "</b><i>", "&amp;&lt;", "\u202eevil\u202c", "zero\u200bwidth\u200d", "a\ud800b", "\udfff", "x" * 5000, "😀" * 1500,
    "\x00\x07ctl", "مرحبا بالعالم", "' OR 1=1 --", "{team} {0}", "%s %d", "\n\n\n", "   ", "/", "/start join_", "🏳️‍🌈" * 50,
]
CALLBACKS = [
    "", "v1", "v1:", "v1:ans", "v1:ans:x", "v9:ans:1:0:4", "v1:nope:1", "<b>&", "\u202e", "a\ud800", "v1:ans:" + "9" * 60,
    "v1:ans:1:0:4:5:6", "v1:leave_yes:-1", "v1:src_del:1:999:0", "v1:vote:1:2147483647", "x" * 300, "v1:ans:1:0:4\n",
]


async def test_typed_text_anywhere(sandbox, running_bot, caplog):
    """Nasty text as an unknown message, as open answers, as a proposal, as a source name and as command arguments."""
    caplog.set_level(logging.ERROR)
    leader, (anna,), group = await form_team(sandbox, ["Anna"])
    for text in NASTY:  # nothing expected: a short pointer to /help (or /start handling)
        assert (await say(sandbox, anna, text)).text
    for text in NASTY:
        assert (await say(sandbox, leader, f"/leerlingen {text}")).text
        assert (await say(sandbox, leader, f"/verzuim {text} {text}")).text
    # a source name typed by the leader
    choose = await say(sandbox, leader, "/cyclus")
    editor = await press(sandbox, leader, choose.message, "v1:cyc_phase:")
    for text in random.Random(7).sample(NASTY, 6):
        await press(sandbox, leader, editor, "v1:src_add:")
        editor = (await say(sandbox, leader, text)).message
    # an open answer in the check-in
    editor = await press(sandbox, leader, editor, "v1:src_ok:")
    mark = sandbox.mark()
    await press(sandbox, leader, editor, "v1:cyc_go:")
    url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Fase 1"))
    question = await open_round(sandbox, anna, url, "Vraag 1 van")
    count = len(running_bot.storage.cycles.questions(int(url.rsplit("_", 1)[1])))
    message = await answer_questions(sandbox, anna, question, [3] * (count - 2))
    for text in NASTY:
        assert (await say(sandbox, anna, text)).text
    assert not [r for r in caplog.records if "error while handling" in r.getMessage()]
    assert message


async def test_callback_data_of_any_shape(sandbox, running_bot, caplog):
    """Every malformed, unknown or oversized callback is answered and changes nothing."""
    caplog.set_level(logging.ERROR)
    leader, (anna,), group = await form_team(sandbox, ["Anna"])
    for person in (leader, anna):
        for data in CALLBACKS:
            query = await sandbox.press_raw(person, person.id, 1, data)
            answer = await sandbox.wait_for_callback_answer(query)
            if person is anna:  # not entitled to anything here: always told why
                assert answer.params.get("text"), data
    assert not [r for r in caplog.records if "error while handling" in r.getMessage()]
