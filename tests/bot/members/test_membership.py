"""End to end: leaders and members managing the team, and what unexpected input gets."""

from __future__ import annotations

from flows.team import Role
from bot.sandbox.actors import join, join_url, register, say


async def formed_team(sandbox, running_bot, *names, language_code="nl"):
    """A registered team whose leader Sanne and the named members have joined."""
    leader = sandbox.add_user("Sanne", language_code=language_code)
    members = [sandbox.add_user(name, language_code=language_code) for name in names]
    group = sandbox.add_group("Team Zonnebloem", owner=leader, members=members)
    url = join_url(await register(sandbox, leader, group))
    await join(sandbox, leader, url, None)
    for member in members:
        await join(sandbox, member, url, "Welkom" if language_code == "nl" else "Welcome")
    team = running_bot.storage.teams.by_chat(group.id)
    return team, group, leader, members


async def test_leader_appoints_a_co_leader_by_reply(sandbox, running_bot):
    """/coleider as a reply makes that colleague co-leader; members cannot; a bare command explains how."""
    team, group, leader, (anna, bram) = await formed_team(sandbox, running_bot, "Anna", "Bram")
    annas_message = await sandbox.send_text(anna, "Goedemorgen!", chat=group)

    mark = sandbox.mark()
    await sandbox.send_text(bram, "/coleider", chat=group, reply_to=annas_message)
    refused = await sandbox.wait_for_message(group.id, since=mark)
    assert "Dat kan alleen de teamleider" in refused.text
    assert running_bot.storage.teams.role_of(team.id, anna.id) is Role.MEMBER

    usage = await say(sandbox, leader, "/coleider", chat=group)
    assert "antwoord in de teamgroep" in usage.text

    mark = sandbox.mark()
    await sandbox.send_text(leader, "/coleider", chat=group, reply_to=annas_message)
    done = await sandbox.wait_for_message(group.id, since=mark)
    assert "Anna is nu co-leider" in done.text
    assert running_bot.storage.teams.role_of(team.id, anna.id) is Role.CO_LEADER

    # The co-leader can renew the invite, but not appoint co-leaders herself.
    renewed = await say(sandbox, anna, "/uitnodiging", chat=group, contains="nieuwe uitnodiging")
    assert renewed.buttons
    co_help = await say(sandbox, anna, "/help")
    assert "co-leider" in co_help.text


async def test_member_leaves_after_confirming(sandbox, running_bot):
    """/verlaten asks first; "Nee" keeps the member, "Ja" removes them and says answers stay anonymous."""
    team, _, _, (anna,) = await formed_team(sandbox, running_bot, "Anna")
    confirm = await say(sandbox, anna, "/verlaten")
    assert "anonieme antwoorden" in confirm.text

    mark = sandbox.mark()
    query = await sandbox.press_button(anna, confirm.message, confirm.callback_datas[1])
    await sandbox.wait_for_callback_answer(query)
    await sandbox.wait_for_edit(anna.id, confirm.message_id, since=mark)
    assert running_bot.storage.teams.role_of(team.id, anna.id) is Role.MEMBER

    confirm = await say(sandbox, anna, "/verlaten")
    mark = sandbox.mark()
    await sandbox.press_button(anna, confirm.message, confirm.callback_datas[0])
    edit = await sandbox.wait_for_edit(anna.id, confirm.message_id, since=mark)
    assert "verlaten" in edit.params["text"]
    assert running_bot.storage.teams.role_of(team.id, anna.id) is None

    # A stale confirmation pressed again does nothing but answer kindly.
    query = await sandbox.press_raw(anna, anna.id, confirm.message_id, confirm.callback_datas[0])
    answer = await sandbox.wait_for_callback_answer(query)
    assert "geen lid" in answer.params["text"]


async def test_last_leader_cannot_leave_but_hands_over_to_co_leader(sandbox, running_bot):
    """The only leader is refused; with a co-leader, the co-leader becomes leader."""
    team, group, leader, (anna,) = await formed_team(sandbox, running_bot, "Anna")
    confirm = await say(sandbox, leader, "/verlaten")
    mark = sandbox.mark()
    await sandbox.press_button(leader, confirm.message, confirm.callback_datas[0])
    edit = await sandbox.wait_for_edit(leader.id, since=mark)
    assert "enige teamleider" in edit.params["text"]
    assert running_bot.storage.teams.role_of(team.id, leader.id) is Role.LEADER

    annas_message = await sandbox.send_text(anna, "Ik help wel", chat=group)
    mark = sandbox.mark()
    await sandbox.send_text(leader, "/coleider", chat=group, reply_to=annas_message)
    await sandbox.wait_for_message(group.id, since=mark, contains="co-leider")
    confirm = await say(sandbox, leader, "/verlaten")
    mark = sandbox.mark()
    await sandbox.press_button(leader, confirm.message, confirm.callback_datas[0])
    edit = await sandbox.wait_for_edit(leader.id, since=mark)
    assert "co-leider is nu teamleider" in edit.params["text"]
    assert running_bot.storage.teams.role_of(team.id, anna.id) is Role.LEADER
    notice = await sandbox.wait_for_message(anna.id, since=mark, contains="jij bent nu de teamleider")
    assert "Team Zonnebloem" in notice.text


async def test_pupils_are_set_by_leaders_only(sandbox, running_bot):
    """/leerlingen sets the count for leaders, explains the format on bad input, refuses members."""
    team, group, leader, (anna,) = await formed_team(sandbox, running_bot, "Anna")
    assert "Gebruik" not in (await say(sandbox, leader, "/leerlingen 212")).text
    assert running_bot.storage.teams.get(team.id).pupils == 212
    usage = await say(sandbox, leader, "/leerlingen veel")
    assert "/leerlingen 212" in usage.text
    refused = await say(sandbox, anna, "/leerlingen 5", chat=group)
    assert "teamleider" in refused.text
    assert running_bot.storage.teams.get(team.id).pupils == 212
    info = await say(sandbox, leader, "/team")
    assert "Leerlingen: 212" in info.text


async def test_english_users_read_english(sandbox, running_bot):
    """A leader and member whose Telegram is in English get English answers and English command names work."""
    _, _, leader, (anna,) = await formed_team(sandbox, running_bot, "Anna", language_code="en")
    assert "Members: 2" in (await say(sandbox, leader, "/team")).text
    assert "pupils" in (await say(sandbox, leader, "/pupils 300")).text
    confirm = await say(sandbox, anna, "/leave")
    assert "Do you want to leave" in confirm.text


async def test_unexpected_input_gets_a_helpful_answer(sandbox, running_bot):
    """Free text, unknown commands, bogus deep links and forged buttons each get a short, clear answer."""
    stranger = sandbox.add_user("Tom")
    assert "/help" in (await say(sandbox, stranger, "hoi, wat moet ik doen?")).text
    assert "ken ik niet" in (await say(sandbox, stranger, "/onzin")).text
    assert "nog geen lid" in (await say(sandbox, stranger, "/start")).text
    assert "nog geen lid" in (await say(sandbox, stranger, "/help")).text
    assert "geen lid" in (await say(sandbox, stranger, "/verlaten")).text
    assert "werkt niet" in (await join(sandbox, stranger, "join_" + "A" * 24, "werkt niet")).text
    assert "werkt niet" in (await join(sandbox, stranger, "something_else", "werkt niet")).text
    query = await sandbox.press_raw(stranger, stranger.id, 1, "v1:leave_yes:1")
    assert "geen lid" in (await sandbox.wait_for_callback_answer(query)).params["text"]
    for forged in ("v9:x", "<b>&", "\u202e\u200b", "v1:leave_yes:" + "9" * 40):
        query = await sandbox.press_raw(stranger, stranger.id, 1, forged)
        assert (await sandbox.wait_for_callback_answer(query)).params["text"] == "Deze knop werkt niet meer."


async def test_outsider_cannot_act_in_a_team(sandbox, running_bot):
    """Someone outside the team cannot renew its invite, set pupils, or see its details from the group."""
    team, group, leader, _ = await formed_team(sandbox, running_bot, "Anna")
    outsider = sandbox.add_user("Olaf")
    sandbox.add_member(group, outsider)
    for command in ("/uitnodiging", "/leerlingen 10", "/team"):
        answer = await say(sandbox, outsider, command, chat=group)
        assert "geen lid" in answer.text
    assert running_bot.storage.teams.get(team.id).pupils is None


async def test_redelivered_update_is_applied_once(sandbox, running_bot):
    """Telegram delivering the same update twice produces one answer and one membership."""
    leader = sandbox.add_user("Sanne")
    anna = sandbox.add_user("Anna")
    group = sandbox.add_group("Team", owner=leader, members=[anna])
    url = join_url(await register(sandbox, leader, group))
    mark = sandbox.mark()
    await sandbox.open_deep_link(anna, url)
    await sandbox.wait_for_message(anna.id, since=mark, contains="Welkom")
    sandbox.redeliver(sandbox.updates[-1]["update_id"])
    follow_up = await say(sandbox, anna, "/team")
    assert "teamlid" in follow_up.text
    welcomes = [m for m in sandbox.sent_messages(anna.id) if "Welkom" in m.text]
    assert len(welcomes) == 1


async def test_bot_removed_pauses_the_team_and_tells_the_leader(sandbox, running_bot):
    """Removing the bot pauses the team and tells the leader privately; adding it back resumes it."""
    team, group, leader, _ = await formed_team(sandbox, running_bot, "Anna")
    mark = sandbox.mark()
    await sandbox.remove_bot_from_group(group, by=leader)
    notice = await sandbox.wait_for_message(leader.id, since=mark)
    assert "staat stil" in notice.text
    assert running_bot.storage.teams.get(team.id).state == "paused"
    mark = sandbox.mark()
    await sandbox.add_bot_to_group(group, by=leader)
    back = await sandbox.wait_for_message(group.id, since=mark)
    assert "Ik ben terug" in back.text
    assert running_bot.storage.teams.get(team.id).state == "active"


async def test_group_upgrade_keeps_the_team(sandbox, running_bot):
    """When Telegram upgrades the group to a supergroup, the team follows the new chat id."""
    leader = sandbox.add_user("Sanne")
    group = sandbox.add_group("Team", owner=leader, supergroup=False)
    await register(sandbox, leader, group)
    team = running_bot.storage.teams.by_chat(group.id)
    new_group = sandbox.migrate_group(group)
    answer = await say(sandbox, leader, "/team", chat=new_group)
    assert "Leden: 1" in answer.text
    assert running_bot.storage.teams.by_chat(new_group.id).id == team.id


async def test_non_admin_start_after_registration_points_to_the_join_message(sandbox, running_bot):
    """A colleague who sends /start in a registered group is pointed at the join message, nothing renewed."""
    leader = sandbox.add_user("Sanne")
    anna = sandbox.add_user("Anna")
    group = sandbox.add_group("Team", owner=leader, members=[anna])
    joined = await register(sandbox, leader, group)
    url = join_url(joined)
    answer = await say(sandbox, anna, "/start", chat=group)
    assert "al geregistreerd" in answer.text
    assert answer.message["reply_to_message"]["message_id"] == joined.message_id
    await join(sandbox, anna, url, "Welkom")


async def test_telegram_failure_gets_a_clear_answer_and_the_bot_keeps_running(sandbox, running_bot):
    """When Telegram fails a call (502), the user is told something went wrong and the next try works."""
    leader = sandbox.add_user("Sanne")
    group = sandbox.add_group("Team", owner=leader)
    mark = sandbox.mark()
    await sandbox.add_bot_to_group(group, by=leader)
    await sandbox.wait_for_message(group.id, since=mark)

    sandbox.inject_fault("getChatMember", "502")
    failed = await say(sandbox, leader, "/start", chat=group)
    assert "kon niet nagaan" in failed.text
    assert running_bot.storage.teams.by_chat(group.id) is None

    sandbox.inject_fault("sendMessage", "502")
    mark = sandbox.mark()
    await sandbox.send_text(leader, "/start", chat=group)
    error = await sandbox.wait_for_message(group.id, since=mark)
    assert "Er ging iets mis" in error.text

    # The team was registered before the failed send; a new /start re-posts the join message.
    again = await say(sandbox, leader, "/start", chat=group, contains="nieuwe uitnodiging")
    assert join_url(again)


async def test_help_in_an_unregistered_group(sandbox, running_bot):
    """/help in a group that is not a team yet says how to register it."""
    leader = sandbox.add_user("Sanne")
    group = sandbox.add_group("Team", owner=leader)
    mark = sandbox.mark()
    await sandbox.add_bot_to_group(group, by=leader)
    await sandbox.wait_for_message(group.id, since=mark)
    answer = await say(sandbox, leader, "/help", chat=group)
    assert "nog geen team" in answer.text
