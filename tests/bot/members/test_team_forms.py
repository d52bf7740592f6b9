"""End to end: a school team forms in Telegram, through the real bot and the sandbox."""

from __future__ import annotations

from bot.sandbox.actors import join, join_url, register, say
from flows.team import Role


async def test_a_school_team_forms(sandbox, running_bot):
    """The issue's scenario: register, refuse a non-admin, six join, /help per role, renewal, nobody unstarted messaged."""
    sanne = sandbox.add_user("Sanne", language_code="nl")
    kees = sandbox.add_user("Kees", language_code="nl")
    never = sandbox.add_user("Joost", language_code="nl")
    members = [sandbox.add_user(name, language_code="nl") for name in ("Anna", "Bram", "Chris", "Dewi", "Eva")]
    emma = sandbox.add_user("Emma", language_code="en")
    members.append(emma)
    group = sandbox.add_group("OBS De Regenboog", owner=sanne, members=[kees, never, *members])

    # The bot is added: it introduces itself in Dutch and says an administrator registers the team.
    mark = sandbox.mark()
    await sandbox.add_bot_to_group(group, by=sanne)
    intro = await sandbox.wait_for_message(group.id, since=mark, contains="beheerder van deze groep")
    assert "analyseren" in intro.text and "anoniem" in intro.text

    # A non-administrator's /start is refused politely; no team exists.
    refusal = await say(sandbox, kees, "/start", chat=group)
    assert "alleen een beheerder" in refusal.text
    assert running_bot.storage.teams.by_chat(group.id) is None

    # The administrator registers the team; the group title is the team name; she is the leader.
    mark = sandbox.mark()
    await sandbox.send_text(sanne, "/start", chat=group)
    registered = await sandbox.wait_for_message(group.id, since=mark, contains="is geregistreerd")
    assert "OBS De Regenboog" in registered.text and "Sanne is teamleider" in registered.text
    url = join_url(registered)
    team = running_bot.storage.teams.by_chat(group.id)
    assert team.name == "OBS De Regenboog"
    assert running_bot.storage.teams.role_of(team.id, sanne.id) is Role.LEADER

    # Six members join through the deep link and read the privacy explanation in their language.
    for member in members[:5]:
        welcome = await join(sandbox, member, url, "Welkom bij team")
        assert "Wat ik bewaar en wie wat ziet" in welcome.text
        assert "minstens 5 collega's" in welcome.text
    welcome = await join(sandbox, emma, url, "Welcome to team")
    assert "What I store and who sees what" in welcome.text
    assert running_bot.storage.teams.count(team.id, Role.MEMBER) == 6

    # The leader opens the link too: she is recognised as leader, not made a member.
    again = await join(sandbox, sanne, url, "teamleider")
    assert "al teamleider" in again.text

    # /help differs per role, in private and in the group.
    member_help = await say(sandbox, members[0], "/help")
    leader_help = await say(sandbox, sanne, "/help")
    assert "/verlaten" in member_help.text and "/uitnodiging" not in member_help.text
    assert "/uitnodiging" in leader_help.text and "/coleider" in leader_help.text
    english_help = await say(sandbox, emma, "/help")
    assert "/leave" in english_help.text
    outsider_group_help = await say(sandbox, kees, "/help", chat=group)
    leader_group_help = await say(sandbox, sanne, "/help", chat=group)
    assert "Meedoen" in outsider_group_help.text and "/uitnodiging" not in outsider_group_help.text
    assert "/uitnodiging" in leader_group_help.text

    # The leader sees how many members there are, and nothing more about them.
    info = await say(sandbox, sanne, "/team")
    assert "Leden: 7" in info.text
    for member in members:
        assert member.first_name not in info.text

    # A renewed invite invalidates the old one.
    renewed = await say(sandbox, sanne, "/uitnodiging", chat=group, contains="nieuwe uitnodiging")
    new_url = join_url(renewed)
    assert new_url != url
    late = sandbox.add_user("Fleur", language_code="nl")
    sandbox.add_member(group, late)
    refused = await join(sandbox, late, url, "werkt niet")
    assert running_bot.storage.teams.role_of(team.id, late.id) is None
    assert "Vraag je teamleider" in refused.text
    await join(sandbox, late, new_url, "Welkom bij team")
    assert running_bot.storage.teams.role_of(team.id, late.id) is Role.MEMBER

    # Nobody who never started the bot was messaged, or even tried.
    assert sandbox.forbidden == []
    private_targets = {m.chat_id for m in sandbox.sent_messages() if m.chat_id > 0}
    assert never.id not in private_targets and kees.id not in private_targets

    # The command menus are set, in Dutch (default) and English, for private chats and groups.
    menus = [call for call in sandbox.calls if call.method == "setMyCommands" and call.ok]
    assert {(call.params["scope"]["type"], call.params.get("language_code")) for call in menus} == {
        ("all_private_chats", None),
        ("all_group_chats", None),
        ("all_private_chats", "en"),
        ("all_group_chats", "en"),
    }
    sandbox.assert_no_violations()


async def test_team_state_survives_a_restart(sandbox, running_bot):
    """After the bot restarts, the team, its roster and its current invite are all still there."""
    leader = sandbox.add_user("Sanne")
    member = sandbox.add_user("Anna")
    group = sandbox.add_group("Team", owner=leader, members=[member])
    url = join_url(await register(sandbox, leader, group))
    await running_bot.restart()
    await join(sandbox, member, url, "Welkom bij team")
    info = await say(sandbox, leader, "/team")
    assert "Leden: 2" in info.text
