"""The cycle's rules end to end: too few answers, deadlines (also across a restart), later starts,
who may do what, and what odd input gets."""

from __future__ import annotations

from bot.sandbox.actors import (
    answer_questions,
    check_in,
    form_team,
    open_round,
    press,
    register,
    round_url,
    say,
    start_cycle,
)

ONE_SOURCE = ["administratie en registratie"]
# nea x3, administratie, influence, free_cause, free_help
SHORT = [3, 3, 3, 2, 3, None, None]


async def test_too_few_answers_release_nothing(sandbox, running_bot):
    """With fewer answers than min_group_size the leader must choose to close; then no figure is shown."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    for user, answers in zip([leader, *members], ([4, 4, 4, 3, 1, "Alles", None], [1, 1, 1, 0, 4, None, None], SHORT, SHORT)):
        await check_in(sandbox, user, url, answers)
    ask = await say(sandbox, leader, "/volgende")
    assert "pas 4 collega's" in ask.text and "minstens 5" in ask.text
    mark = sandbox.mark()
    closed = await press(sandbox, leader, ask.message, "v1:next_empty:")
    assert "zonder resultaten" in closed["text"]
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")
    assert "Uit de analyse" not in bespreken.text
    await sandbox.wait_for_message(leader.id, since=mark, contains="minstens 5")  # the outbox keeps the chat's pace
    notice = "\n".join(m.text for m in sandbox.sent_messages(leader.id) if m.call_index >= mark)
    assert "altijd" not in notice and "Alles" not in notice and "gemiddeld" not in notice and "minstens 5" in notice
    assert not any(m.photo for m in sandbox.sent_messages() if m.call_index >= mark)
    stored = running_bot.storage.answers.summary(running_bot.storage.cycles.last_round(1, "analysis").id)
    assert stored[0] is False and "nea" not in stored[1] or not stored[1].get("nea")


async def test_deadline_closes_the_round_even_after_a_restart(sandbox, running_bot):
    """A deadline that passed while the bot was down is handled at start-up, once."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dewi"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE, days_prefix="v1:cyc_go:"))
    for user in [leader, *members]:
        await check_in(sandbox, user, url, SHORT)
    round_ = running_bot.storage.cycles.open_round_of(running_bot.storage.teams.by_chat(group.id).id)
    assert round_.closes_at is not None
    await running_bot.stop()
    running_bot.fake_now = round_.closes_at + 60
    mark = sandbox.mark()
    await running_bot.start()
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")
    summary = await sandbox.wait_for_message(leader.id, since=mark, contains="5 van de 5")
    assert "100%" in summary.text
    await running_bot.run_deadline_scan()
    phases = [m for m in sandbox.sent_messages(group.id) if "Fase 2" in m.text]
    assert len(phases) == 1


async def test_a_team_may_start_at_bespreken(sandbox, running_bot):
    """The method is not a blueprint: a cycle can begin with proposals; the guide then uses general questions."""
    leader, members, group = await form_team(sandbox, ["Anna"])
    choose = await say(sandbox, leader, "/cyclus")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:1")  # team 1, phase bespreken
    mark = sandbox.mark()
    await press(sandbox, leader, deadline, "v1:cyc_go:1:1:0")
    announcement = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")
    assert "Jullie beginnen bij het gesprek over oplossingen" in announcement.text
    guide = await sandbox.wait_for_message(leader.id, since=mark, contains="Gespreksleidraad")
    assert "Waar komt onze werkdruk vandaan?" in guide.text or "Waar komt" in guide.text
    status = await say(sandbox, leader, "/status")
    assert "bespreken" in status.text and "voorstellen" in status.text


async def test_only_leaders_steer_and_only_members_answer(sandbox, running_bot):
    """Members cannot start or move a cycle; outsiders and former members cannot open a round or forge answers."""
    leader, (anna, bram), group = await form_team(sandbox, ["Anna", "Bram"])
    assert "alleen de teamleider" in (await say(sandbox, anna, "/cyclus")).text
    assert "alleen de teamleider" in (await say(sandbox, anna, "/volgende")).text
    assert "alleen de teamleider" in (await say(sandbox, anna, "/status", chat=group)).text
    silent = sandbox.add_user("Stil")
    sandbox.add_member(group, silent)
    running_bot.storage.teams.join(running_bot.storage.teams.by_chat(group.id).id, silent.id)  # in the team, never started the bot
    status = await say(sandbox, leader, "/status")
    assert "Leden die ik geen privébericht kan sturen: 1" in status.text and "Stil" not in status.text
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))

    outsider = sandbox.add_user("Olaf")
    assert "geen lid van dit team" in (await open_round(sandbox, outsider, url, "geen lid")).text
    round_id = int(url.rsplit("_", 1)[1])
    query = await sandbox.press_raw(outsider, outsider.id, 1, f"v1:ans:{round_id}:0:4")
    assert "geen lid" in (await sandbox.wait_for_callback_answer(query)).params["text"]
    query = await sandbox.press_raw(anna, anna.id, 1, f"v1:next_go:1:1:{round_id}")
    assert "teamleider" in (await sandbox.wait_for_callback_answer(query)).params["text"]

    # Bram leaves; his old link and forged buttons no longer work.
    confirm = await say(sandbox, bram, "/verlaten")
    await press(sandbox, bram, confirm.message, "v1:leave_yes:")
    assert "geen lid" in (await open_round(sandbox, bram, url, "geen lid")).text
    assert running_bot.storage.answers.participants(round_id) == 0


async def test_odd_input_during_a_check_in(sandbox, running_bot):
    """Out-of-range values, stale buttons, too-long text and forwarded text are refused and nothing is stored wrongly."""
    leader, (anna,), group = await form_team(sandbox, ["Anna"])
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=ONE_SOURCE))
    round_id = int(url.rsplit("_", 1)[1])
    question = await open_round(sandbox, anna, url, "Vraag 1 van 7")
    for forged in (f"v1:ans:{round_id}:0:9", f"v1:ans:{round_id}:3:4", f"v1:ans:{round_id}:0:-1"):
        query = await sandbox.press_raw(anna, anna.id, question.message_id, forged)
        assert "eerdere vraag" in (await sandbox.wait_for_callback_answer(query)).params["text"]
    message = await answer_questions(sandbox, anna, question, [4, 3, 2, 1, 2])
    assert "Vraag 6 van 7" in message["text"]
    too_long = await say(sandbox, anna, "x" * 1001)
    assert "1001 tekens" in too_long.text
    for odd in ({"forward_from": leader}, {"via_bot": True}):  # never taken as her own answer
        mark = sandbox.mark()
        await sandbox.send_text(anna, "Doorgestuurd", **odd)
        unknown = await sandbox.wait_for_message(anna.id, since=mark)
        assert "begrijp ik niet" in unknown.text
    message = await answer_questions(sandbox, anna, message, ["Het rooster  <i>echt</i> & meer", None])
    assert "Klopt alles?" in message["text"] and "&lt;i&gt;" not in message["text"]
    assert "<i>echt</i>" in message["text"]
    # Back from the review, change the first answer, and send.
    message = await press(sandbox, anna, message, "v1:chg:")
    message = await press(sandbox, anna, message, f"v1:chg:{round_id}:0")
    message = await press(sandbox, anna, message, f"v1:ans:{round_id}:0:1")
    assert "Klopt alles?" in message["text"]
    done = await press(sandbox, anna, message, "v1:send:")
    assert "Dank je wel" in done["text"]
    scores = running_bot.storage.answers.responses(round_id, "scores")
    assert scores == [{"nea_hard": 1, "nea_much": 3, "nea_fast": 2, "src:administratie": 1, "influence": 2}]
    texts = running_bot.storage.answers.responses(round_id, "free_text")
    assert texts == [["free_cause", "Het rooster  <i>echt</i> & meer"]]


async def test_english_member_checks_in_in_english(sandbox, running_bot):
    """A member whose Telegram is English gets the check-in and its buttons in English."""
    leader, (emma,), group = await form_team(sandbox, ["Emma"], language_code="en")
    choose = await say(sandbox, leader, "/cycle")
    assert "Where do you start?" in choose.text
    mark = sandbox.mark()
    editor = await press(sandbox, leader, choose.message, "v1:cyc_phase:")
    deadline = await press(sandbox, leader, editor, "v1:src_ok:")
    await press(sandbox, leader, deadline, "v1:cyc_go:")
    announcement = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 1")  # the group reads Dutch
    question = await open_round(sandbox, emma, round_url(announcement), "Question 1 of")
    labels = [b["text"] for b in question.buttons]
    assert labels[:4] == ["always", "often", "sometimes", "never"]
    assert "Do you have to work extra hard" in question.text


async def test_a_leader_of_two_teams_picks_the_team(sandbox, running_bot):
    """A leader of two teams gets a button per team for a private-only command, and each works."""
    leader, _, group_a = await form_team(sandbox, ["Anna"])
    other_member = sandbox.add_user("Olga")
    group_b = sandbox.add_group("OBS Het Anker", owner=leader, members=[other_member])
    await register(sandbox, leader, group_b)
    choose = await say(sandbox, leader, "/samenvatting", contains="Voor welk team?")
    assert {b["text"] for b in choose.buttons} == {"OBS De Regenboog", "OBS Het Anker"}
    anker = next(b for b in choose.buttons if b["text"] == "OBS Het Anker")
    mark = sandbox.mark()
    query = await sandbox.press_button(leader, choose.message, anker["callback_data"])
    await sandbox.wait_for_callback_answer(query)
    answer = await sandbox.wait_for_message(leader.id, since=mark)
    assert "Het Anker" in answer.text and "nog geen samenvatting" in answer.text
    # A forged choice for a team she does not lead is refused.
    outsider = sandbox.add_user("Olaf")
    query = await sandbox.press_raw(outsider, outsider.id, 1, anker["callback_data"])
    assert "teamleider" in (await sandbox.wait_for_callback_answer(query)).params["text"]


async def test_a_double_tap_on_volgende_moves_one_step(sandbox, running_bot):
    """Two confirmations of /volgende (or an old one) move the cycle on once: no phase is skipped."""
    leader, _, group = await form_team(sandbox, ["Anna"])
    choose = await say(sandbox, leader, "/cyclus")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:2")  # start at aanpakken
    await press(sandbox, leader, deadline, "v1:cyc_go:1:2:0")
    first = await say(sandbox, leader, "/volgende", contains="fase 4")
    second = await say(sandbox, leader, "/volgende", contains="fase 4")
    done = await press(sandbox, leader, first.message, "v1:next_go:")
    assert "evalueren" in done["text"]
    stale = await press(sandbox, leader, second.message, "v1:next_go:")
    assert "al gezet" in stale["text"] and "evalueren" in stale["text"]  # what happened, not "send /volgende again"
    assert running_bot.storage.cycles.current(running_bot.storage.teams.by_chat(group.id).id).state == "evalueren"


async def test_a_doubled_source_removal_removes_one(sandbox, running_bot):
    """Pressing ✖ twice on the same source (an old editor message) removes that source only."""
    leader, _, group = await form_team(sandbox, ["Anna"])
    choose = await say(sandbox, leader, "/cyclus")
    editor = await press(sandbox, leader, choose.message, "v1:cyc_phase:")
    data = editor["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await press(sandbox, leader, editor, data)
    query = await sandbox.press_raw(leader, leader.id, editor["message_id"], data)
    await sandbox.wait_for_callback_answer(query)
    labels = [s.key for s in running_bot.storage.cycles.sources(running_bot.storage.teams.by_chat(group.id).id)]
    assert labels[0] == "zorg" and len(labels) == 9
