"""The language of what the bot writes: in a group always the group's language (`[general] language`),
whoever asked; in private the person's own Telegram language."""

from __future__ import annotations

import pytest

from bot.run.local import RunningBot, sandbox_config
from bot.sandbox.actors import join, join_url, register
from tests.conftest import BOT_USERNAME

# Every command of the README's table as a member sends it in the group (and one the bot does not know).
GROUP_COMMANDS = [
    "/start", "/help", "/team", "/privacy", "/leave", "/verlaten", "/leerlingen 200", "/uitnodiging",
    "/coleider", "/cyclus", "/status", "/volgende", "/deadline", "/verzuim 6,5 4,8", "/puls",
    "/teamverwijderen", "/open", "/plan", "/samenvatting", "/summary", "/trend", "/mijngegevens", f"/onzin@{BOT_USERNAME}",
]


@pytest.fixture(params=[("nl", "en"), ("en", "nl")], ids=["group-nl", "group-en"])
async def team_with_twins(request, sandbox, tmp_path):
    """A team whose group speaks ``group_language``, with two members of the same name: one whose Telegram
    speaks the group's language, one whose Telegram speaks the other."""
    group_language, other = request.param
    bot = await RunningBot(sandbox_config(sandbox, tmp_path / "werkdruk.db", language=group_language)).start()
    try:
        leader = sandbox.add_user("Sanne", language_code=group_language)
        same, foreign = sandbox.add_user("Alex", language_code=group_language), sandbox.add_user("Alex", language_code=other)
        group = sandbox.add_group("OBS De Regenboog", owner=leader, members=[same, foreign])
        mark = sandbox.mark()
        await sandbox.add_bot_to_group(group, by=leader)
        await sandbox.wait_for_message(group.id, since=mark)
        mark = sandbox.mark()
        await sandbox.send_text(leader, "/start", chat=group)
        url = join_url(await sandbox.wait_for_message(group.id, since=mark))
        for user in (leader, same, foreign):
            await join(sandbox, user, url, None)
        yield group, same, foreign, other
    finally:
        await bot.stop()


async def answer_in_group(sandbox, user, group, command: str) -> str:
    mark = sandbox.mark()
    await sandbox.send_text(user, command, chat=group)
    return (await sandbox.wait_for_message(group.id, since=mark)).text


@pytest.mark.parametrize("command", GROUP_COMMANDS)
async def test_a_member_with_another_language_is_answered_in_the_groups_language(sandbox, team_with_twins, command):
    """A command sent in the group by a member whose Telegram speaks another language is answered exactly as
    the same command from a member whose Telegram speaks the group's language: the whole group reads it."""
    group, same, foreign, _ = team_with_twins
    expected = await answer_in_group(sandbox, same, group, command)
    assert await answer_in_group(sandbox, foreign, group, command) == expected


async def test_private_messages_follow_the_persons_language(sandbox, team_with_twins):
    """In private the same member is answered in their own Telegram language, not the group's."""
    group, same, foreign, other = team_with_twins
    answers = {}
    for user in (same, foreign):
        mark = sandbox.mark()
        await sandbox.send_text(user, "/help")
        answers[user.language_code] = (await sandbox.wait_for_message(user.id, since=mark)).text
    assert answers[same.language_code] != answers[foreign.language_code]
    assert answers[other].startswith({"en": "What can you do?", "nl": "Wat kun je doen?"}[other])
