"""Kill -9 at any moment, then restart: `werkdruk-bot run` as a real process against the in-test sandbox,
killed at event-driven points of a scripted cycle - mid check-in, mid vote, while a round closes, while
the outbox sends. Afterwards the database is sound, every completed check-in and ballot is counted
exactly once, drafts resume, each round closes once and its summary arrives. Deadlines and reminders
that fell due while the bot was down are handled at start-up, once. SIGTERM and Ctrl-C stop it cleanly."""

from __future__ import annotations

import json
import signal
import sqlite3
import time

import pytest

from bot.sandbox.actors import (
    answer_questions, check_in, form_team, open_round, press, propose, round_url, say, start_cycle, vote,
)
from bot.sandbox.methods import SEND_METHODS

from .conftest import ONE_SOURCE, SHORT, assert_at_most_one_duplicate, assert_sound, query, texts_sent


def button(message: dict, prefix: str = "", text: str | None = None) -> str:
    """The callback data of the first button starting with ``prefix`` (or labelled ``text``)."""
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if "callback_data" in b and b["callback_data"].startswith(prefix) and text in (None, b["text"]):
                return b["callback_data"]
    raise AssertionError(f"no button {prefix or text!r}")


async def kill_when_answered(sandbox, bot_process, user, message: dict, data: str) -> None:
    """Press a button and SIGKILL the bot the moment it answers the query (its change is committed by then)."""
    query_id = await sandbox.press_button(user, message, data)
    await sandbox.wait_for_callback_answer(query_id, timeout=20)
    await bot_process.restart_after_kill()


async def kill_on_first_send(sandbox, bot_process, user, message: dict, data: str) -> int:
    """Press a button and SIGKILL the bot when Telegram receives the first message it causes; returns the mark."""
    mark = sandbox.mark()
    await sandbox.press_button(user, message, data)
    await sandbox.wait_for(lambda c: c.method in SEND_METHODS and c.ok, since=mark, timeout=20)
    await bot_process.restart_after_kill()
    return mark


async def test_a_cycle_killed_at_six_points_loses_nothing_and_counts_nothing_twice(sandbox, bot_process):
    """SIGKILL mid check-in, right after a submission, while the analysis closes, mid vote, right after a
    ballot, and while the vote's results are being sent - and the cycle still ends where it should."""
    await bot_process.start()
    leader, (anna, bram, chris), group = await form_team(sandbox, ["Anna", "Bram", "Chris"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    analysis = int(url.rsplit("_", 1)[1])
    for user in (leader, anna):
        await check_in(sandbox, user, url, SHORT)

    # 1. Mid check-in: Bram's third answer is stored, then the bot dies.
    question = await open_round(sandbox, bram, url, "Vraag 1 van")
    third = await answer_questions(sandbox, bram, question, SHORT[:2])
    await kill_when_answered(sandbox, bot_process, bram, third, f"v1:ans:{analysis}:2:3")
    resumed = await open_round(sandbox, bram, url, "Vraag 4 van 7")  # the draft resumes after the third answer
    assert any("Je gaat verder" in m.text for m in sandbox.sent_messages(bram.id)[-2:])
    review = await answer_questions(sandbox, bram, resumed, SHORT[3:])
    assert "Dank je wel" in (await press(sandbox, bram, review, "v1:send:"))["text"]

    # 2. Chris sends; the bot dies as it confirms. His check-in counts, once.
    question = await open_round(sandbox, chris, url, "Vraag 1 van")
    review = await answer_questions(sandbox, chris, question, SHORT)
    await kill_when_answered(sandbox, bot_process, chris, review, f"v1:send:{analysis}")
    again = await open_round(sandbox, chris, url, "al ingevuld")
    assert again.text
    assert query(bot_process.db_path, "SELECT count(*) FROM participation WHERE round_id = ?", (analysis,))[0][0] == 4

    # 3. While the round closes: killed when the first of its messages reaches Telegram.
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    mark = await kill_on_first_send(sandbox, bot_process, leader, ask.message, button(ask.message, "v1:next_go:"))
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken", timeout=20)
    summary = await sandbox.wait_for_message(leader.id, since=mark, contains="4 van de 4", timeout=20)
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark, timeout=20)
    assert summary.text
    assert_at_most_one_duplicate(sandbox, since=mark)
    assert query(bot_process.db_path, "SELECT count(*) FROM summaries WHERE round_id = ?", (analysis,)) == [(1,)]

    # Proposals, then the vote opens.
    proposals_url = round_url(bespreken)
    await propose(sandbox, anna, proposals_url, catalogue="onderwijsassistent")
    await propose(sandbox, bram, proposals_url, own_words="Vaste mailmomenten voor ouders")
    await propose(sandbox, chris, proposals_url, catalogue="onderwijsassistent")
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    mark = sandbox.mark()
    await press(sandbox, leader, ask.message, "v1:next_go:")
    screen = await sandbox.wait_for_message(leader.id, since=mark, contains="De voorstellen van team")
    mark = sandbox.mark()
    await press(sandbox, leader, screen.message, "v1:vote_open:")
    vote_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Stemmen"))
    vote_round = int(vote_url.rsplit("_", 1)[1])
    await vote(sandbox, anna, vote_url, ["onderwijsassistent"] * 3)

    # 4. Mid vote: Bram's second vote is stored, then the bot dies; his ballot resumes with two votes.
    mark = sandbox.mark()
    await sandbox.open_deep_link(bram, vote_url)
    ballot = (await sandbox.wait_for_message(bram.id, since=mark, contains="verdeel je 3 stemmen")).message
    ballot = await press(sandbox, bram, ballot, button(ballot, text="1 ➕"))
    await kill_when_answered(sandbox, bot_process, bram, ballot, button(ballot, text="2 ➕"))
    mark = sandbox.mark()
    await sandbox.open_deep_link(bram, vote_url)
    ballot = (await sandbox.wait_for_message(bram.id, since=mark, contains="verdeel je 3 stemmen")).message
    assert ballot["text"].count("●") == 2
    ballot = await press(sandbox, bram, ballot, button(ballot, text="2 ➕"))
    assert "anoniem opgeslagen" in (await press(sandbox, bram, ballot, "v1:vote_send:"))["text"]

    # 5. Chris sends his ballot; the bot dies as it confirms. One ballot.
    mark = sandbox.mark()
    await sandbox.open_deep_link(chris, vote_url)
    ballot = (await sandbox.wait_for_message(chris.id, since=mark, contains="verdeel je 3 stemmen")).message
    for _ in range(3):
        ballot = await press(sandbox, chris, ballot, button(ballot, text="1 ➕"))
    await kill_when_answered(sandbox, bot_process, chris, ballot, button(ballot, "v1:vote_send:"))
    assert "al gestemd" in (await say(sandbox, chris, f"/start round_{vote_round}")).text

    # 6. While the outbox sends the vote's results: killed at the first of them.
    ask = await say(sandbox, leader, "/volgende", contains="Doorgaan?")
    mark = await kill_on_first_send(sandbox, bot_process, leader, ask.message, button(ask.message, "v1:next_go:"))
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 3: aanpakken", timeout=20)
    await sandbox.wait_for_message(leader.id, since=mark, contains="Stuur /plan", timeout=20)
    assert_at_most_one_duplicate(sandbox, since=mark)

    assert await bot_process.stop(signal.SIGTERM) == 0
    rounds = assert_sound(bot_process.db_path)
    assert rounds[analysis][1] == 4 and rounds[vote_round][1] == 3
    ballots = [row[0] for row in query(bot_process.db_path, "SELECT response FROM answers WHERE round_id = ? AND part = 'ballot'", (vote_round,))]
    assert sorted(sum(json.loads(b).values()) for b in ballots) == [3, 3, 3]
    assert query(bot_process.db_path, "SELECT state, count(*) FROM rounds WHERE id IN (?, ?) GROUP BY state", (analysis, vote_round)) == [("closed", 2)]
    assert query(bot_process.db_path, "SELECT count(*) FROM summaries WHERE round_id IN (?, ?)", (analysis, vote_round)) == [(2,)]
    assert query(bot_process.db_path, "SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)]
    assert query(bot_process.db_path, "SELECT count(*) FROM drafts") == [(0,)]
    assert "Traceback" not in bot_process.stderr()


async def test_killed_while_the_outbox_sends_a_long_queue(sandbox, bot_process):
    """Twelve messages waiting; the bot dies after the fourth reaches Telegram: after the restart all
    twelve arrive, in order, and at most the one in flight twice."""
    await bot_process.start()
    anna = sandbox.add_user("Anna")
    await say(sandbox, anna, "/start")
    assert await bot_process.stop() == 0
    texts = [f"Bericht {i:02d}" for i in range(1, 13)]
    conn = sqlite3.connect(bot_process.db_path)
    with conn:
        conn.executemany("INSERT INTO outbox (chat_id, text) VALUES (?, ?)", [(anna.id, text) for text in texts])
    conn.close()
    mark = sandbox.mark()
    await bot_process.start()
    await sandbox.wait_for_message(anna.id, since=mark, contains="Bericht 04", timeout=20)
    await bot_process.restart_after_kill()
    await sandbox.wait_for_message(anna.id, since=mark, contains="Bericht 12", timeout=20)
    delivered = [m.text for m in sandbox.sent_messages(anna.id) if m.call_index >= mark]
    assert list(dict.fromkeys(delivered)) == texts  # every one, in order
    assert_at_most_one_duplicate(sandbox, since=mark)
    assert await bot_process.stop() == 0
    assert query(bot_process.db_path, "SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)]
    assert_sound(bot_process.db_path)


async def test_a_reminder_and_a_deadline_that_fell_due_while_down_are_handled_at_start_up_once(sandbox, bot_process):
    """The reminder comes due while the bot is down: at start-up it reaches only the one who has not
    answered. The deadline passes while it is down again: at start-up the round closes and its summary
    arrives. Later starts do neither again."""
    await bot_process.start()
    leader, (anna, bram, chris), group = await form_team(sandbox, ["Anna", "Bram", "Chris"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    round_id = int(url.rsplit("_", 1)[1])
    for user in (leader, anna, bram):
        await check_in(sandbox, user, url, SHORT)
    await bot_process.kill()

    now = int(time.time())
    conn = sqlite3.connect(bot_process.db_path)
    with conn:  # time passes while the bot is down: the reminder is due
        assert conn.execute("UPDATE reminders SET due_at = ? WHERE round_id = ?", (now - 60, round_id)).rowcount == 1
    mark = sandbox.mark()
    await bot_process.start()
    await sandbox.wait_for_message(chris.id, since=mark, contains="Herinnering", timeout=20)
    await bot_process.kill()
    with conn:  # more time passes: the deadline too
        conn.execute("UPDATE rounds SET closes_at = ? WHERE id = ?", (now - 30, round_id))
    conn.close()
    await bot_process.start()
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken", timeout=20)
    await sandbox.wait_for_message(leader.id, since=mark, contains="3 van de 4", timeout=20)
    assert await bot_process.stop(signal.SIGTERM) == 0  # graceful: the message in flight is finished
    await bot_process.start()
    status = await say(sandbox, leader, "/status")  # the bot is up and has done its start-up scan
    assert "bespreken" in status.text
    assert await bot_process.stop(signal.SIGTERM) == 0

    reminded = [m.chat_id for m in sandbox.sent_messages() if m.call_index >= mark and "Herinnering" in m.text]
    assert reminded == [chris.id]
    sent = texts_sent(sandbox, since=mark)
    assert sum(n for (chat, text), n in sent.items() if chat == group.id and "Fase 2" in text) == 1
    assert query(bot_process.db_path, "SELECT count(*) FROM summaries WHERE round_id = ?", (round_id,)) == [(1,)]
    assert_sound(bot_process.db_path)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_graceful_stop_exits_0_within_10_seconds_and_loses_no_update(sandbox, bot_process, sig):
    """A stop signal arrives just as an update is handed to the bot: it exits 0 within 10 seconds, without
    a traceback, and the update is answered exactly once (before the stop, or after the next start)."""
    await bot_process.start()
    anna = sandbox.add_user("Anna")
    mark = sandbox.mark()
    await sandbox.send_text(anna, "/start")
    await sandbox.wait_for(lambda c: c.method == "getUpdates" and c.result, since=mark, timeout=20)
    started = time.monotonic()
    assert await bot_process.stop(sig, within=10) == 0
    assert time.monotonic() - started < 10
    await bot_process.start()
    await say(sandbox, anna, "/privacy")  # after this, anything still pending was handled
    assert await bot_process.stop(sig) == 0
    answers = [m for m in sandbox.sent_messages(anna.id) if m.call_index >= mark and "nog geen lid" in m.text]
    assert len(answers) == 1
    assert "Traceback" not in bot_process.stderr()
