"""Commands sent where they do not work: one short answer saying where they do work - with a button that
opens the private chat when that is the place - for every command, in both forms `/cmd` and `/cmd@bot`."""

from __future__ import annotations

import pytest

from bot.plumbing.commands import COMMANDS
from bot.sandbox.actors import form_team
from tests.conftest import BOT_USERNAME

PRIVATE_ONLY = [name for command in COMMANDS if not command.group for name in command.names]
GROUP_ONLY = [name for command in COMMANDS if not command.private for name in command.names]
FORMS = ["/{}", "/{}@" + BOT_USERNAME]


def test_the_readme_table_agrees_with_the_commands():
    """Every command the README's command table marks private-only or group-only is one here, and back."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    where = {}
    for row in table.splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        for name in (part.strip("`() ").split()[0].lstrip("/") for part in cells[0].split("`") if part.strip("`() ")):
            where.setdefault(name, set()).add(cells[2])
    for command in COMMANDS:
        for name in command.names:
            if name in where:
                expected = {"private"} if not command.group else {"group"} if not command.private else None
                assert expected is None or where[name] == expected, (name, where[name])
    assert {"open", "samenvatting", "plan", "trend", "verlaten"} <= set(PRIVATE_ONLY) and "coleider" in GROUP_ONLY


@pytest.mark.parametrize("form", FORMS, ids=["plain", "addressed"])
@pytest.mark.parametrize("name", PRIVATE_ONLY)
async def test_a_private_command_in_the_group_points_to_the_private_chat(sandbox, running_bot, name, form):
    """A private-only command in the group (leader's or member's) gets one answer naming the command and the
    private chat, with a button that opens it - never "unknown command", never silence."""
    leader, _, group = await form_team(sandbox, ["Anna"])
    mark = sandbox.mark()
    await sandbox.send_text(leader, form.format(name), chat=group)
    answer = await sandbox.wait_for_message(group.id, since=mark)
    assert f"/{name}" in answer.text and "privégesprek" in answer.text, answer.text
    assert "ken ik niet" not in answer.text
    assert [b["url"] for b in answer.buttons] == [f"https://t.me/{BOT_USERNAME}"]
    # exactly one answer: the next thing in the group is the answer to the next command
    mark2 = sandbox.mark()
    await sandbox.send_text(leader, "/team", chat=group)
    await sandbox.wait_for_message(group.id, since=mark2, contains="OBS De Regenboog")
    assert len([m for m in sandbox.sent_messages(group.id) if m.call_index >= mark]) == 2


@pytest.mark.parametrize("form", FORMS, ids=["plain", "addressed"])
@pytest.mark.parametrize("name", GROUP_ONLY)
async def test_a_group_command_in_private_points_to_the_group(sandbox, running_bot, name, form):
    """A group-only command in private gets one answer naming the command and the team's group."""
    leader, _, group = await form_team(sandbox, ["Anna"])
    mark = sandbox.mark()
    await sandbox.send_text(leader, form.format(name))
    answer = await sandbox.wait_for_message(leader.id, since=mark)
    assert f"/{name}" in answer.text and "in de groep van je team" in answer.text, answer.text
    mark2 = sandbox.mark()
    await sandbox.send_text(leader, "/team")
    await sandbox.wait_for_message(leader.id, since=mark2, contains="OBS De Regenboog")
    assert len([m for m in sandbox.sent_messages(leader.id) if m.call_index >= mark]) == 2
