"""The school year's rhythm through the sandbox: the leader gives the day the plan must be agreed, the bot
proposes the deadlines working back from it, sets them with one tap, applies them to the rounds, reminds the
leader privately, follows a changed deadline, and offers the next year when a cycle closes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.sandbox.actors import form_team, press, say
from bot.cycle.year_plan import schedule_lines

ZONE = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2027, 3, 1, 10, 0, tzinfo=ZONE).timestamp()  # Monday 1 March 2027


def _local(timestamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, ZONE)


async def test_the_leader_plans_from_the_pmr_date_and_the_rounds_follow(sandbox, running_bot):
    """From /cyclus: a bad, a past and a too-close date get clear answers (with the earliest workable date);
    25 June gives a proposal that one tap sets; the check-in then closes on the scheduled day at 17:00;
    /status shows the next step; the leader is reminded privately three days before; the plan's document
    can list the schedule."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris"])
    running_bot.fake_now = MONDAY
    choose = await say(sandbox, leader, "/cyclus")
    assert any("Plan vanaf een datum" in b["text"] for b in choose.buttons)
    asked = await press(sandbox, leader, choose.message, "v1:sch_date:")
    assert "Op welke dag moet het plan zijn afgestemd?" in asked["text"]

    assert "Dat lees ik niet als een datum" in (await say(sandbox, leader, "31-02-2027")).text
    past = await say(sandbox, leader, "01-02-2027")
    assert "al geweest" in past.text and "2 april" in past.text  # 1 March + 32 days, the earliest that fits
    close = await say(sandbox, leader, "15-03-2027")
    assert "te kort" in close.text and "vrijdag 2 april" in close.text
    earliest = await press(sandbox, leader, close.message, "v1:sch_show:")
    assert "Voorstel voor team" in earliest["text"] and "De check-in sluit" in earliest["text"]

    await press(sandbox, leader, earliest, "v1:sch_date:")
    proposal = await say(sandbox, leader, "25-06-2027")
    for label in ("De check-in sluit", "Teamoverleg gehouden", "De stemming over het plan sluit", "De PMR stemt in", "Volgend schooljaar"):
        assert label in proposal.text
    assert "vrijdag 25 juni" in proposal.text
    done = await press(sandbox, leader, proposal.message, "v1:sch_ok:")
    assert "De planning van team OBS De Regenboog staat" in done["text"]
    team = running_bot.storage.teams.by_chat(group.id)
    schedule = running_bot.storage.schedules.active(team.id).schedule
    assert schedule.due == dt.date(2027, 6, 25)

    # One tap more starts the analysis; its deadline can follow the schedule.
    sources = await press(sandbox, leader, done, "v1:cyc_phase:")
    deadline = await press(sandbox, leader, sources, "v1:src_ok:")
    first = deadline["reply_markup"]["inline_keyboard"][0][0]
    assert first["text"].startswith("📅 Volgens de planning") and first["callback_data"].endswith(":-1")
    mark = sandbox.mark()
    await press(sandbox, leader, deadline, first["callback_data"])
    announcement = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 1: analyseren")
    await sandbox.wait_for_message(leader.id, since=mark, contains="Volgens de planning: De check-in sluit")
    round_ = running_bot.storage.cycles.open_round_of(team.id)
    assert _local(round_.closes_at) == dt.datetime.combine(schedule.day("analysis"), dt.time(17, 0), tzinfo=ZONE)
    assert "17:00" in announcement.text

    status = await say(sandbox, leader, "/status")
    assert "Volgens de planning: De check-in sluit" in status.text and "25 juni" in status.text
    cycle_id = running_bot.storage.cycles.current(team.id).id
    lines = schedule_lines(running_bot.application.bot_data["services"], cycle_id, "en")
    assert lines[1].startswith("The check-in closes: ") and lines[-2].startswith("The PMR consents") and "25 June" in lines[-2]

    # Three days before the check-in closes, at 9:00, the leader (only) is reminded; once.
    reminder_at = dt.datetime.combine(schedule.day("analysis") - dt.timedelta(days=3), dt.time(9, 0), tzinfo=ZONE)
    running_bot.fake_now = reminder_at.timestamp() - 60
    mark = sandbox.mark()
    await running_bot.run_deadline_scan()
    running_bot.fake_now = reminder_at.timestamp() + 60
    await running_bot.run_deadline_scan()
    reminded = await sandbox.wait_for_message(leader.id, since=mark, contains="Planning van team")
    assert "de check-in sluit" in reminded.text and "/status" in reminded.text
    await running_bot.run_deadline_scan()
    to_leader = [m for m in sandbox.sent_messages() if m.call_index >= mark and "Planning van team" in m.text]
    assert [m.chat_id for m in to_leader] == [leader.id]


async def test_a_changed_deadline_moves_the_schedule_and_warns_when_the_next_step_gets_too_little(sandbox, running_bot):
    """A tight schedule (PMR on 6 April) starts the check-in today; /deadline "2 weeks" later then leaves the
    proposals less than their minimum: the leader's answer says so and points to /planning. The deadline
    itself is set (and the group told)."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    running_bot.fake_now = MONDAY
    asked = await say(sandbox, leader, "/planning")
    assert "Op welke dag moet het plan zijn afgestemd?" in asked.text
    proposal = await say(sandbox, leader, "6-4-2027")
    done = await press(sandbox, leader, proposal.message, "v1:sch_ok:")
    sources = await press(sandbox, leader, done, "v1:cyc_phase:")
    deadline = await press(sandbox, leader, sources, "v1:src_ok:")
    mark = sandbox.mark()
    await press(sandbox, leader, deadline, deadline["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    await sandbox.wait_for_message(leader.id, since=mark, contains="Volgens de planning")
    team = running_bot.storage.teams.by_chat(group.id)
    planned = running_bot.storage.schedules.active(team.id).schedule.day("analysis")
    assert _local(running_bot.storage.cycles.open_round_of(team.id).closes_at).date() == planned

    choose = await say(sandbox, leader, "/deadline")
    assert choose.buttons[0]["text"].startswith("📅 Volgens de planning")
    mark = sandbox.mark()
    changed = await press(sandbox, leader, choose.message, "v1:dl:" + choose.callback_datas[0].split(":")[2] + ":14")
    assert "⚠️" in changed["text"] and "Teamoverleg gehouden" in changed["text"] and "/planning" in changed["text"]
    await sandbox.wait_for_message(group.id, since=mark, contains="De ronde loopt nu")
    moved = running_bot.storage.schedules.active(team.id).schedule.day("analysis")
    assert moved == dt.date(2027, 3, 15)

    again = await say(sandbox, leader, "/planning")
    assert "De check-in sluit: maandag 15 maart" in again.text
    stopped = await press(sandbox, leader, again.message, "v1:sch_stop:")
    assert "gestopt" in stopped["text"] and running_bot.storage.schedules.active(team.id) is None


async def test_a_closing_cycle_offers_the_next_year_in_english(sandbox, running_bot):
    """An English leader whose cycle closes is offered next year's schedule and a pulse in between; one tap
    shows the proposal (a year ahead), one more sets it, waiting for the next cycle."""
    leader, members, group = await form_team(sandbox, ["Anna"], language_code="en")
    running_bot.fake_now = MONDAY
    choose = await say(sandbox, leader, "/cycle")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:3")  # start at evalueren
    await press(sandbox, leader, deadline, "v1:cyc_go:1:3:0")
    ask = await say(sandbox, leader, "/next", contains="close without results?")
    mark = sandbox.mark()
    await press(sandbox, leader, ask.message, "v1:next_empty:")
    offer = await sandbox.wait_for_message(leader.id, since=mark, contains="Shall I plan the next school year?")
    labels = [b["text"] for b in offer.buttons]
    assert any(label.startswith("📅 Plan next year: plan ready Wednesday 1 March") for label in labels)
    assert any("Pulse in between" in label for label in labels)
    proposal = await press(sandbox, leader, offer.message, "v1:sch_show:")
    assert "Proposal for team" in proposal["text"] and "The check-in closes" in proposal["text"]
    done = await press(sandbox, leader, proposal, "v1:sch_ok:")
    assert "schedule is set" in done["text"]
    stored = running_bot.storage.schedules.active(running_bot.storage.teams.by_chat(group.id).id)
    assert stored.cycle_id is None and stored.schedule.due == dt.date(2028, 3, 1)


async def test_unplannable_dates_in_english(sandbox, running_bot):
    """/schedule in English: a date in the past and one too close each name the earliest workable date."""
    leader, members, group = await form_team(sandbox, ["Anna"], language_code="en")
    running_bot.fake_now = MONDAY
    await say(sandbox, leader, "/schedule", contains="By which day must the plan be agreed?")
    assert "I cannot read that as a date" in (await say(sandbox, leader, "next summer")).text
    past = await say(sandbox, leader, "2026-06-26")
    assert "has passed" in past.text and "Friday 2 April" in past.text
    far = await say(sandbox, leader, "31-12-9999")
    assert "more than two years ahead" in far.text
    close = await say(sandbox, leader, "10-03-2027")
    assert "too short" in close.text and "Friday 2 April" in close.text


async def test_planning_during_a_cycle_starts_at_the_open_step_and_gives_the_open_round_its_deadline(sandbox, running_bot):
    """A check-in already open without a deadline: the schedule starts at its closing (counted from today),
    and one tap gives the open round the scheduled deadline, which the group is told."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    running_bot.fake_now = MONDAY
    choose = await say(sandbox, leader, "/cyclus")
    sources = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:0")
    deadline = await press(sandbox, leader, sources, "v1:src_ok:")
    await press(sandbox, leader, deadline, "v1:cyc_go:1:0:0")  # no deadline
    await say(sandbox, leader, "/planning", contains="Op welke dag")
    proposal = await say(sandbox, leader, "25-06-2027", contains="Voorstel voor team")
    assert "Start (de check-in gaat open)" not in proposal.text and "De check-in sluit" in proposal.text
    mark = sandbox.mark()
    done = await press(sandbox, leader, proposal.message, "v1:sch_ok:")
    assert "De open ronde sluit nu volgens de planning" in done["text"]
    assert not done.get("reply_markup")  # a cycle runs: no "start now"
    await sandbox.wait_for_message(group.id, since=mark, contains="De ronde loopt nu")
    team = running_bot.storage.teams.by_chat(group.id)
    stored = running_bot.storage.schedules.active(team.id)
    assert stored.cycle_id == running_bot.storage.cycles.current(team.id).id
    closes_at = running_bot.storage.cycles.open_round_of(team.id).closes_at
    assert _local(closes_at) == dt.datetime.combine(stored.schedule.day("analysis"), dt.time(17, 0), tzinfo=ZONE)


async def test_planning_next_year_during_the_evaluation_leaves_the_evaluation_as_it_is(sandbox, running_bot):
    """A team evaluating plans the next cycle: the schedule waits for the next cycle (its first step is the
    start), and the open evaluation is not stretched to the next cycle's start seven weeks away."""
    leader, members, group = await form_team(sandbox, ["Anna"])
    running_bot.fake_now = MONDAY
    choose = await say(sandbox, leader, "/cyclus")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:3")
    await press(sandbox, leader, deadline, "v1:cyc_go:1:3:0")
    await say(sandbox, leader, "/planning", contains="Op welke dag")
    proposal = await say(sandbox, leader, "25-06-2027", contains="Voorstel voor team")
    assert "Start (de check-in gaat open)" in proposal.text
    done = await press(sandbox, leader, proposal.message, "v1:sch_ok:")
    assert "De open ronde sluit nu" not in done["text"]
    team = running_bot.storage.teams.by_chat(group.id)
    assert running_bot.storage.schedules.active(team.id).cycle_id is None
    assert running_bot.storage.cycles.open_round_of(team.id).closes_at is None
    choices = await say(sandbox, leader, "/deadline")
    assert not any("Volgens de planning" in b["text"] for b in choices.buttons)
