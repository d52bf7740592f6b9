"""Control over one's data (GDPR/AVG): see it, erase it, delete a team, and raw answers deleted after the
retention period - with the released totals kept."""

from __future__ import annotations

from bot.sandbox.actors import check_in, form_team, leader_moves_on, press, round_url, say, start_cycle

ONE_SOURCE = ["administratie en registratie"]
SHORT = [3, 3, 2, 2, 3, None, None]


def count(storage, table: str, where: str = "1", params=()) -> int:
    return storage.db.execute(f"SELECT count(*) FROM {table} WHERE {where}", list(params)).fetchone()[0]


async def closed_check_in(sandbox, running_bot, names=("Anna", "Bram", "Chris", "Dewi")):
    """A team of five whose analysis check-in all answered and the leader closed."""
    leader, members, group = await form_team(sandbox, list(names))
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in [leader, *members]:
        await check_in(sandbox, user, url, SHORT)
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2")
    return leader, members, group, int(url.rsplit("_", 1)[1])


async def test_a_member_sees_and_erases_what_is_held(sandbox, running_bot):
    """/mijngegevens lists memberships and participation (never answers); erasing keeps the anonymous answers."""
    leader, (anna, *_), group, round_id = await closed_check_in(sandbox, running_bot)
    storage = running_bot.storage
    shown = await say(sandbox, anna, "/mijngegevens", contains="Wat ik over jou bewaar")
    assert "OBS De Regenboog (teamlid)" in shown.text and "check-in (analyseren)" in shown.text
    confirm = await press(sandbox, anna, shown.message, "v1:my_del")
    assert "anonieme antwoorden" in confirm["text"]
    done = await press(sandbox, anna, confirm, "v1:my_del_yes")
    assert "verwijderd" in done["text"]
    for table, column in (("roster", "user_id"), ("participation", "user_id"), ("people", "user_id"), ("drafts", "user_id"), ("awaiting", "user_id")):
        assert count(storage, table, f"{column} = ?", [anna.id]) == 0, table
    assert storage.answers.count(round_id, "scores") == 5  # her anonymous answer stays
    again = await say(sandbox, anna, "/mijngegevens", contains="Wat ik over jou bewaar")
    assert again.text.count("niets") >= 2


async def test_participation_in_an_open_round_is_erased_when_it_closes(sandbox, running_bot):
    """Erasing during an open round keeps the ledger row until the round closes (no second answer), then drops it."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dewi"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    round_id = int(url.rsplit("_", 1)[1])
    for user in [leader, *members]:
        await check_in(sandbox, user, url, SHORT)
    anna = members[0]
    shown = await say(sandbox, anna, "/mijngegevens", contains="Wat ik over jou bewaar")
    confirm = await press(sandbox, anna, shown.message, "v1:my_del")
    await press(sandbox, anna, confirm, "v1:my_del_yes")
    storage = running_bot.storage
    assert count(storage, "participation", "user_id = ? AND round_id = ?", [anna.id, round_id]) == 1
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2")
    assert count(storage, "participation", "user_id = ?", [anna.id]) == 0
    assert storage.answers.count(round_id, "scores") == 5


async def test_a_sole_leader_with_colleagues_cannot_vanish(sandbox, running_bot):
    """The only leader of a team with members is asked to hand over first; nothing is erased."""
    leader, _, group = await form_team(sandbox, ["Anna"])
    shown = await say(sandbox, leader, "/mijngegevens", contains="Wat ik over jou bewaar")
    confirm = await press(sandbox, leader, shown.message, "v1:my_del")
    refused = await press(sandbox, leader, confirm, "v1:my_del_yes")
    assert "enige teamleider" in refused["text"]
    assert running_bot.storage.teams.role_of(running_bot.storage.teams.by_chat(group.id).id, leader.id) is not None


async def test_the_leader_deletes_the_team_and_everything_of_it(sandbox, running_bot):
    """/teamverwijderen deletes every row of the team; the bot says goodbye and leaves the group."""
    leader, (anna, *_), group, round_id = await closed_check_in(sandbox, running_bot)
    storage = running_bot.storage
    team_id = storage.teams.by_chat(group.id).id
    refused = await say(sandbox, anna, "/teamverwijderen", chat=group)
    assert "alleen de teamleider" in refused.text.lower()
    ask = await say(sandbox, leader, "/teamverwijderen", contains="Weet je zeker")
    mark = sandbox.mark()
    await press(sandbox, leader, ask.message, "v1:team_del:")
    await sandbox.wait_for(lambda c: c.method == "leaveChat" and c.params["chat_id"] == group.id, since=mark)
    for table in ("teams", "roster", "cycles", "rounds", "summaries", "team_sources", "plans", "pulses"):
        column = "id" if table == "teams" else "team_id"
        if table in ("summaries", "plans"):
            continue
        assert count(storage, table, f"{column} = ?", [team_id]) == 0, table
    for table in ("answers", "participation", "summaries", "proposals", "drafts"):
        assert count(storage, table, "round_id = ?", [round_id]) == 0, table
    assert count(storage, "people", "user_id = ?", [anna.id]) == 0
    assert "nog geen lid" in (await say(sandbox, anna, "/help")).text


async def test_raw_answers_are_deleted_after_the_retention_period(sandbox, running_bot):
    """Thirty days after the cycle closed the raw answers, ledger and proposals go; the released totals stay;
    the deadline scan leaves no row of a message that was sent."""
    leader, members, group, round_id = await closed_check_in(sandbox, running_bot)
    storage = running_bot.storage
    # The leader moves the cycle through to its end: no proposals, no plan, an empty evaluation.
    choose = await say(sandbox, leader, "/volgende", contains="zonder voorstellen")
    await press(sandbox, leader, choose.message, "v1:next_empty:")
    await leader_moves_on(sandbox, leader)  # bespreken -> aanpakken
    await leader_moves_on(sandbox, leader)  # aanpakken -> evalueren
    choose = await say(sandbox, leader, "/volgende", contains="zonder resultaten")
    mark = sandbox.mark()
    await press(sandbox, leader, choose.message, "v1:next_empty:")
    await sandbox.wait_for_message(group.id, since=mark, contains="is afgerond")
    await running_bot.run_deadline_scan()
    assert storage.answers.count(round_id, "scores") == 5  # not yet
    import datetime as dt

    running_bot.fake_now = (dt.datetime.now() + dt.timedelta(days=31)).timestamp()
    await running_bot.run_deadline_scan()
    assert storage.answers.count(round_id, "scores") == 0
    assert count(storage, "participation", "round_id = ?", [round_id]) == 0
    assert count(storage, "outbox", "status != 'pending'") == 0  # nor a row of a message done with
    released, payload = storage.answers.summary(round_id)
    assert released and payload["respondents"] == 5
    again = await say(sandbox, leader, "/samenvatting", contains="Analyse werkdruk")
    assert "5 van de 5" in again.text


def _button(message, label: str) -> str:
    return next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row if b["text"] == label)


async def test_a_member_cannot_answer_the_leaders_team_deletion_prompt(sandbox, running_bot):
    """The /teamverwijderen prompt stands in the group: a member pressing either of its buttons is refused and
    nothing changes (the message is not edited); the leader's own "Nee, ik blijf" keeps the team."""
    leader, (anna, _), group = await form_team(sandbox, ["Anna", "Bram"])
    ask = await say(sandbox, leader, "/teamverwijderen", chat=group, contains="Weet je zeker")
    for label in ("Nee, ik blijf", "Ja, verwijder het team"):
        mark = sandbox.mark()
        query = await sandbox.press_button(anna, ask.message, _button(ask.message, label))
        answer = await sandbox.wait_for_callback_answer(query)
        assert answer.params.get("text") == "Dit kan alleen de teamleider.", label
        assert not [c for c in sandbox.calls[mark:] if c.method.startswith("editMessage")], label
    assert running_bot.storage.teams.by_chat(group.id) is not None
    kept = await press(sandbox, leader, ask.message, _button(ask.message, "Nee, ik blijf"))
    assert kept["text"] == "Prima, er is niets verwijderd."
    assert running_bot.storage.teams.by_chat(group.id) is not None


async def test_delivered_messages_keep_no_content_and_erasure_removes_every_outbox_row(sandbox, running_bot):
    """Once sent, an outbox row keeps no text, buttons, image or document; erasing a co-leader removes every
    row addressed to her (sent or not), and deleting the team every row to the group and to its leader."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dewi"])
    anna = members[0]
    annas_message = await sandbox.send_text(anna, "Goedemorgen!", chat=group)
    mark = sandbox.mark()
    await sandbox.send_text(leader, "/coleider", chat=group, reply_to=annas_message)
    await sandbox.wait_for_message(group.id, since=mark, contains="Anna is nu co-leider")
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user in [leader, *members]:
        await check_in(sandbox, user, url, SHORT)
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == anna.id, since=mark)
    storage = running_bot.storage
    outbox = running_bot.application.bot_data["services"].outbox
    await outbox.idle.wait()
    assert count(storage, "outbox", "chat_id = ? AND status = 'sent'", [anna.id]) > 0
    assert count(storage, "outbox", "status = 'sent' AND (text != '' OR markup IS NOT NULL OR photo IS NOT NULL "
                                    "OR document IS NOT NULL OR filename IS NOT NULL)") == 0
    storage.outbox.add(anna.id, "Nog niet verstuurd")
    storage.outbox.defer(storage.db.execute("SELECT max(id) FROM outbox").fetchone()[0], 2**40)  # a pending row too

    shown = await say(sandbox, anna, "/mijngegevens", contains="Wat ik over jou bewaar")
    confirm = await press(sandbox, anna, shown.message, "v1:my_del")
    await press(sandbox, anna, confirm, "v1:my_del_yes")
    assert count(storage, "outbox", "chat_id = ?", [anna.id]) == 0

    assert count(storage, "outbox", "chat_id IN (?, ?)", [group.id, leader.id]) > 0
    ask = await say(sandbox, leader, "/teamverwijderen", contains="Weet je zeker")
    mark = sandbox.mark()
    await press(sandbox, leader, ask.message, "v1:team_del:")
    await sandbox.wait_for(lambda c: c.method == "leaveChat" and c.params["chat_id"] == group.id, since=mark)
    assert count(storage, "outbox", "chat_id IN (?, ?)", [group.id, leader.id]) == 0
