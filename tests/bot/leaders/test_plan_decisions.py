"""Aanpakken without proposals, and the PMR's decision: the leader is told the truth about an empty plan, a
PMR date lies between the team's vote and today, a refused plan is not published as adopted, and notes for the
operator stay in the leader's chat."""

from __future__ import annotations

import datetime as dt
import re

from bot.sandbox.actors import form_team, leader_moves_on, press, say
from flows.plan import rate_for, school_year
from tests.bot.leaders.test_plan_proposals import button, stored_plan, tap


async def plan_adopted_by_the_team(sandbox, running_bot):
    """A team that starts at aanpakken adds one measure in its own words, fills it in and adopts it (2 of 3 in favour)."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram"])
    choose = await say(sandbox, leader, "/cyclus")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:2")  # start at aanpakken
    mark = sandbox.mark()
    await press(sandbox, leader, deadline, "v1:cyc_go:1:2:0")
    hint = await sandbox.wait_for_message(leader.id, since=mark, contains="Tijd voor het plan")
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    await tap(sandbox, leader, overview, "➕")
    await say(sandbox, leader, "Vaste mailmomenten voor ouders", contains="doel")
    for field in ("Rust na schooltijd", "Geen ouderberichten na 17 uur", "Afspraken in de nieuwsbrief", "Teamleider"):
        await say(sandbox, leader, field)
    done = await say(sandbox, leader, "1500", contains="Tik op ✏️")
    mark = sandbox.mark()
    await tap(sandbox, leader, done, "🗳")
    announcement = await sandbox.wait_for_message(group.id, since=mark, contains="Stem over het plan")
    group_plan = "\n".join(m.text for m in sandbox.sent_messages(group.id) if m.call_index >= mark)
    url = announcement.buttons[0]["url"]
    for user, choice in ((leader, 0), (members[0], 0), (members[1], 1)):
        mark = sandbox.mark()
        await sandbox.open_deep_link(user, url)
        ballot = await sandbox.wait_for_message(user.id, since=mark, contains="Wat vind jij van dit plan?")
        confirm = await press(sandbox, user, ballot.message, f"v1:pv:{url.rsplit('_', 1)[1]}:{choice}")
        await press(sandbox, user, confirm, "v1:pv_send:")
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="aangenomen")
    return leader, members, group, hint, group_plan


async def test_an_empty_plan_is_announced_as_empty_and_measures_are_added_by_name(sandbox, running_bot):
    """Starting at aanpakken the leader is not told that voted proposals are in the plan: it is empty, and the
    hint says how to add measures; a catalogue measure added by name comes with a proposal."""
    leader, members, group = await form_team(sandbox, ["Anna"])
    choose = await say(sandbox, leader, "/cyclus")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:2")
    mark = sandbox.mark()
    await press(sandbox, leader, deadline, "v1:cyc_go:1:2:0")
    hint = await sandbox.wait_for_message(leader.id, since=mark, contains="Tijd voor het plan")
    assert "staan er al in" not in hint.text
    assert "Er staan nog geen maatregelen in" in hint.text and "➕" in hint.text
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    assert "Nog geen maatregelen." in "\n".join(m.text for m in sandbox.sent_messages(leader.id)[-2:])
    await tap(sandbox, leader, overview, "➕")
    view = await say(sandbox, leader, "Conciërge", contains="Maatregel 1")
    assert "(voorstel)" in view.text and "✅" in str(view.buttons)


async def test_english_leader_hint_for_an_empty_plan(sandbox, running_bot):
    """The same truth in English for an English-speaking leader."""
    leader, members, group = await form_team(sandbox, ["Anna"], language_code="en")
    choose = await say(sandbox, leader, "/cycle")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:2")
    mark = sandbox.mark()
    await press(sandbox, leader, deadline, "v1:cyc_go:1:2:0")
    hint = await sandbox.wait_for_message(leader.id, since=mark, contains="Time for the plan")
    assert "It has no measures yet" in hint.text and "already in it" not in hint.text


async def test_pmr_date_between_the_vote_and_today_and_a_refusal_is_not_published_as_adopted(sandbox, running_bot):
    """The date example is today, not a future date; a future date and a date before the team's vote get a
    clear message and record nothing; a refusal tells the group what happened and what comes next, without the
    adopted plan's caption or document."""
    leader, members, group, _, _ = await plan_adopted_by_the_team(sandbox, running_bot)
    today = dt.date.today()
    overview = await say(sandbox, leader, "/plan", contains="noteer hier het besluit")
    ask = await tap(sandbox, leader, overview, "PMR: geen instemming")
    example = re.search(r"bijvoorbeeld (\d\d-\d\d-\d{4})", ask["text"]).group(1)
    assert dt.datetime.strptime(example, "%d-%m-%Y").date() <= today

    future = await say(sandbox, leader, (today + dt.timedelta(days=30)).strftime("%d-%m-%Y"), contains="Die datum")
    assert "Die datum ligt in de toekomst" in future.text
    before = await say(sandbox, leader, (today - dt.timedelta(days=1)).strftime("%d-%m-%Y"), contains="Die datum")
    assert "vóór de stemming van het team" in before.text
    assert stored_plan(running_bot, group).state == "aangenomen"
    wrong = await say(sandbox, leader, "morgen", contains="geen datum")
    assert f"Typ bijvoorbeeld {today.strftime('%d-%m-%Y')}" in wrong.text

    mark = sandbox.mark()
    recorded = await say(sandbox, leader, today.strftime("%d-%m-%Y"), contains="niet ingestemd")
    assert "Pas het plan aan" in recorded.text
    told = await sandbox.wait_for_message(group.id, since=mark, contains="niet ingestemd")
    assert "opnieuw" in told.text and "De schoolleider past het plan aan" in told.text
    plan = stored_plan(running_bot, group)
    assert plan.state == "pmr_geen_instemming" and plan.pmr_date == today.isoformat()
    await running_bot.run_deadline_scan()
    to_group = [m for m in sandbox.sent_messages(group.id) if m.call_index >= mark]
    assert not any(m.document for m in to_group)
    assert not any("voor het bestedingsplan en het werkverdelingsplan" in (m.text or "") for m in sandbox.sent_messages())

    # The leader's own PDF of the refused plan says so in its caption.
    overview = await say(sandbox, leader, "/plan", contains="niet ingestemd")
    mark = sandbox.mark()
    await sandbox.press_button(leader, overview.message, button(overview, "📄"))
    document = await sandbox.wait_for(lambda c: c.method == "sendDocument" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    document = next(m for m in sandbox.sent_messages(leader.id) if m.call_index == document.index)
    assert "zonder instemming van de PMR" in document.text and "Pas het aan" in document.text


async def test_operator_notes_only_in_the_leaders_chat(sandbox, running_bot):
    """A budget computed with an older rate: the team and the PDF read which rate was used; only the leader's
    /plan says to set the rate in config.toml."""
    year = school_year(dt.date.fromtimestamp(running_bot.clock()))
    rate_year = rate_for(year, {})[0]
    assert rate_year != year  # precondition: today's school year has no shipped rate yet
    leader, members, group, _, group_plan = await plan_adopted_by_the_team(sandbox, running_bot)
    assert f"Gerekend met het bedrag per leerling van {rate_year}: het bedrag voor {year} is hier nog niet bekend." in group_plan
    assert "config.toml" not in group_plan and "Alleen voor jou" not in group_plan
    mark = sandbox.mark()
    await say(sandbox, leader, "/plan", contains="noteer hier het besluit")
    leader_plan = "\n".join(m.text for m in sandbox.sent_messages(leader.id) if m.call_index >= mark)
    assert "Alleen voor jou: stel het bedrag per leerling" in leader_plan and "config.toml" in leader_plan
    overview = await say(sandbox, leader, "/plan", contains="noteer hier het besluit")
    mark = sandbox.mark()
    await sandbox.press_button(leader, overview.message, button(overview, "📄"))
    document = await sandbox.wait_for(lambda c: c.method == "sendDocument" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    document = next(m for m in sandbox.sent_messages(leader.id) if m.call_index == document.index)
    assert "aangenomen door het team: ter instemming voor de PMR" in document.text
    assert "voor het bestedingsplan en het werkverdelingsplan" not in document.text
