"""A screen that no longer applies loses its buttons: a question answered by typing, a check-in screen
replaced by opening the check-in again."""

from __future__ import annotations

from bot.sandbox.actors import answer_questions, form_team, open_round, press, round_url, say, start_cycle
from tests.reliability.conftest import ONE_SOURCE


def buttons_now(sandbox, chat_id: int, message_id: int) -> list[str]:
    """The buttons a message shows in the chat now (edits applied)."""
    message = next(m for m in sandbox.chat_history(chat_id) if m["message_id"] == message_id)
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_a_question_answered_by_typing_loses_its_buttons(sandbox, running_bot):
    """After a member types an open answer, the open question's message no longer shows "Overslaan / Vorige";
    the next question (here the second open one) has them; the last typed answer leaves the review in charge."""
    leader, (anna,), group = await form_team(sandbox, ["Anna"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    first = await open_round(sandbox, anna, url, "Vraag 1 van")
    open_question = await answer_questions(sandbox, anna, first, [3, 3, 3, 2, 3])  # up to the first open question
    assert "Overslaan" in buttons_now(sandbox, anna.id, open_question["message_id"])
    second = await say(sandbox, anna, "Te veel administratie", contains="Vraag 7 van 7")
    assert buttons_now(sandbox, anna.id, open_question["message_id"]) == []
    assert "Overslaan" in buttons_now(sandbox, anna.id, second.message_id)
    review = await say(sandbox, anna, "Minder vergaderen", contains="Klopt alles?")
    assert buttons_now(sandbox, anna.id, second.message_id) == []
    assert buttons_now(sandbox, anna.id, review.message_id)


async def test_reopening_the_check_in_retires_the_old_screen(sandbox, running_bot):
    """Opening the check-in again (the group's button, /open) shows the current question anew; the screen it
    replaces loses its buttons, so only one screen answers."""
    leader, (anna,), group = await form_team(sandbox, ["Anna"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    first = await open_round(sandbox, anna, url, "Vraag 1 van")
    second = await answer_questions(sandbox, anna, first, [3])
    again = await open_round(sandbox, anna, url, "Vraag 2 van")
    assert buttons_now(sandbox, anna.id, second["message_id"]) == []
    assert buttons_now(sandbox, anna.id, again.message_id)
    via_open = await say(sandbox, anna, "/open", contains="Vraag 2 van")
    assert buttons_now(sandbox, anna.id, again.message_id) == []
    assert buttons_now(sandbox, anna.id, via_open.message_id)


async def test_reopening_the_proposals_retires_the_old_screen(sandbox, running_bot):
    """A member who opens the proposal round again (after a proposal, or halfway) gets a fresh catalogue; the
    screen of before - a thank-you with "another proposal", a half-made choice - loses its buttons."""
    from bot.sandbox.actors import propose

    leader, (anna,), group = await form_team(sandbox, ["Anna"])
    await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE)
    mark = sandbox.mark()
    ask = await say(sandbox, leader, "/volgende", contains="zonder resultaten")
    await press(sandbox, leader, ask.message, "v1:next_empty:")
    url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken"))
    await propose(sandbox, anna, url, catalogue="onderwijsassistent")
    thanks = sandbox.sent_messages(anna.id)[-1]
    assert buttons_now(sandbox, anna.id, thanks.message_id)  # "another proposal"
    choose = await open_round(sandbox, anna, url, "Kies een maatregel")
    assert buttons_now(sandbox, anna.id, thanks.message_id) == []
    again = await open_round(sandbox, anna, url, "Kies een maatregel")
    assert buttons_now(sandbox, anna.id, choose.message_id) == []
    assert buttons_now(sandbox, anna.id, again.message_id)


async def test_reopening_the_ballot_retires_the_old_ballot(sandbox, running_bot):
    """A member who opens the vote again gets the ballot anew (with the votes so far); the old ballot loses
    its buttons, so two ballots never both take votes."""
    from bot.sandbox.actors import open_vote, propose

    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dirk", "Eva"])
    await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE)
    mark = sandbox.mark()
    ask = await say(sandbox, leader, "/volgende", contains="zonder resultaten")  # nobody checked in
    await press(sandbox, leader, ask.message, "v1:next_empty:")
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")
    for member in members:
        await propose(sandbox, member, round_url(bespreken), catalogue="onderwijsassistent")
    vote_url = await open_vote(sandbox, leader, group)
    first = await open_round(sandbox, members[0], vote_url, "verdeel je 3 stemmen")
    again = await open_round(sandbox, members[0], vote_url, "verdeel je 3 stemmen")
    assert buttons_now(sandbox, members[0].id, first.message_id) == []
    assert buttons_now(sandbox, members[0].id, again.message_id)
