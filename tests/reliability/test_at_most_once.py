"""At most once: an update Telegram delivers again (same update_id) changes nothing and sends nothing,
and a double click on a button counts as one answer - during a check-in and during a vote."""

from __future__ import annotations

import re

from bot.sandbox.actors import (
    answer_questions, check_in, form_team, leader_moves_on, open_round, open_vote, press, propose, round_url, say, start_cycle, vote,
)

from .conftest import ONE_SOURCE, SHORT, assert_sound


def last_update_id(sandbox, kind: str) -> int:
    """The id of the newest update of ``kind`` ("message" or "callback_query")."""
    return next(u["update_id"] for u in reversed(sandbox.updates) if kind in u)


async def redeliver_and_settle(sandbox, update_id: int, witness) -> list:
    """Deliver ``update_id`` again, then let ``witness`` act; return the bot's calls caused by the redelivery.

    Updates are handled one after another, so once the witness has its answer the redelivered update
    has been handled too; every call in between that is not the witness's own is the redelivery's doing.
    """
    mark = sandbox.mark()
    sandbox.redeliver(update_id)
    answer = await say(sandbox, witness, "/privacy")
    return [c for c in sandbox.calls[mark:answer.call_index] if c.method != "getUpdates"]


def draft_of(bot, round_id: int, user_id: int) -> dict:
    return bot.storage.answers.draft(round_id, user_id, bot.application.bot_data["services"].now())


async def test_redelivered_updates_during_a_check_in_count_once(sandbox, bot):
    """A redelivered "back", typed open answer and "send" change nothing: one answer, one ledger entry."""
    leader, (anna, bram), group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    round_id = int(url.rsplit("_", 1)[1])
    question = await open_round(sandbox, anna, url, "Vraag 1 van")
    message = await answer_questions(sandbox, anna, question, SHORT[:3])
    message = await press(sandbox, anna, message, f"v1:back:{round_id}")  # now at question 3
    assert await redeliver_and_settle(sandbox, last_update_id(sandbox, "callback_query"), bram) == []
    assert "Vraag 3 van 7" in message["text"] and draft_of(bot, round_id, anna.id)["position"] == 2

    message = await answer_questions(sandbox, anna, message, [3, 2, 3, "Te veel vergaderingen"])  # open answer 1 typed
    assert await redeliver_and_settle(sandbox, last_update_id(sandbox, "message"), bram) == []
    assert "Vraag 7 van 7" in message["text"]  # the redelivered text did not also answer question 7

    review = await answer_questions(sandbox, anna, message, [None])
    done = await press(sandbox, anna, review, f"v1:send:{round_id}")
    assert "Dank je wel" in done["text"]
    assert await redeliver_and_settle(sandbox, last_update_id(sandbox, "callback_query"), bram) == []
    assert bot.storage.answers.participants(round_id) == 1
    assert bot.storage.answers.count(round_id, "scores") == 1
    assert bot.storage.answers.count(round_id, "free_text") == 1
    assert_sound(bot.config.storage_path)


async def voting_team(sandbox, names=("Anna", "Bram", "Chris")):
    """A team past its analysis and proposals, with the vote open; returns (leader, members, vote url)."""
    leader, members, group = await form_team(sandbox, list(names))
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in (leader, *members[:2]):
        await check_in(sandbox, user, url, SHORT)
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    proposals_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken"))
    for member, (catalogue, words) in zip(members, [("onderwijsassistent", None), (None, "Vaste mailmomenten"), ("onderwijsassistent", None)]):
        await propose(sandbox, member, proposals_url, catalogue=catalogue, own_words=words)
    vote_url = await open_vote(sandbox, leader, group)
    return leader, members, vote_url


async def test_redelivered_updates_during_a_vote_count_once(sandbox, bot):
    """A redelivered vote does not add a second vote; a redelivered "send" stores no second ballot."""
    leader, (anna, bram, chris), vote_url = await voting_team(sandbox)
    round_id = int(vote_url.rsplit("_", 1)[1])
    mark = sandbox.mark()
    await sandbox.open_deep_link(anna, vote_url)
    ballot = (await sandbox.wait_for_message(anna.id, since=mark, contains="verdeel je 3 stemmen")).message
    ballot = await press(sandbox, anna, ballot, next(b["callback_data"] for row in ballot["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "1 ➕"))
    assert await redeliver_and_settle(sandbox, last_update_id(sandbox, "callback_query"), bram) == []
    assert sum(draft_of(bot, round_id, anna.id)["votes"].values()) == 1
    done = await press(sandbox, anna, ballot, "v1:vote_send:")
    assert "anoniem opgeslagen" in done["text"]
    assert await redeliver_and_settle(sandbox, last_update_id(sandbox, "callback_query"), bram) == []
    assert bot.storage.answers.participants(round_id) == 1
    assert [sum(ballot.values()) for ballot in bot.storage.answers.responses(round_id, "ballot")] == [1]
    assert_sound(bot.config.storage_path)


async def double_click(sandbox, user, message: dict, data: str) -> tuple[str, str]:
    """Two presses of the same button before the bot answered the first; both queries get an answer."""
    first = await sandbox.press_button(user, message, data)
    second = await sandbox.press_button(user, message, data)
    await sandbox.wait_for_callback_answer(first)
    await sandbox.wait_for_callback_answer(second)
    return first, second


async def test_a_double_click_on_an_answer_button_is_one_answer(sandbox, bot):
    """Double clicks on an answer and on "send" in a check-in, and on "send" of a ballot: one answer each,
    the second click told kindly, and an unchanged message is not an error."""
    leader, (anna, bram), group = await form_team(sandbox, ["Anna", "Bram"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    round_id = int(url.rsplit("_", 1)[1])
    question = (await open_round(sandbox, anna, url, "Vraag 1 van")).message
    mark = sandbox.mark()
    await double_click(sandbox, anna, question, f"v1:ans:{round_id}:0:3")
    assert draft_of(bot, round_id, anna.id)["position"] == 1  # one answer, not two
    current = sandbox.world.get_message(anna.id, question["message_id"])
    assert "Vraag 2 van 7" in current["text"]
    await say(sandbox, bram, "/privacy")  # updates are handled in order: the second click is done now
    assert any("not modified" in (c.description or "") for c in sandbox.calls[mark:])  # the second click redraws
    assert not [m for m in sandbox.sent_messages(anna.id) if m.call_index >= mark]  # no error message, nothing new

    review = await answer_questions(sandbox, anna, current, SHORT[1:])
    mark = sandbox.mark()
    await double_click(sandbox, anna, review, f"v1:send:{round_id}")
    await say(sandbox, bram, "/privacy")
    answers = [c.params.get("text") for c in sandbox.calls[mark:] if c.method == "answerCallbackQuery"]
    assert answers[1] == "Je hebt deze check-in al ingevuld."
    assert bot.storage.answers.participants(round_id) == 1 and bot.storage.answers.count(round_id, "scores") == 1
    assert not [m for m in sandbox.sent_messages(anna.id) if m.call_index >= mark]
    assert_sound(bot.config.storage_path)


async def test_a_double_click_on_send_ballot_is_one_ballot(sandbox, bot):
    """Two clicks on "send" of a ballot store one ballot."""
    leader, (anna, bram, chris), vote_url = await voting_team(sandbox)
    round_id = int(vote_url.rsplit("_", 1)[1])
    mark = sandbox.mark()
    await sandbox.open_deep_link(anna, vote_url)
    ballot = (await sandbox.wait_for_message(anna.id, since=mark, contains="verdeel je 3 stemmen")).message
    numbers = re.findall(r"^(\d+)\. ", ballot["text"], re.M)
    ballot = await press(sandbox, anna, ballot, next(b["callback_data"] for row in ballot["reply_markup"]["inline_keyboard"] for b in row if b["text"] == f"{numbers[0]} ➕"))
    await double_click(sandbox, anna, ballot, next(b["callback_data"] for row in ballot["reply_markup"]["inline_keyboard"] for b in row if b["callback_data"].startswith("v1:vote_send:")))
    assert bot.storage.answers.participants(round_id) == 1 and bot.storage.answers.count(round_id, "ballot") == 1
    await vote(sandbox, bram, vote_url, ["onderwijsassistent"] * 3)
    assert bot.storage.answers.count(round_id, "ballot") == 2
    assert_sound(bot.config.storage_path)
