"""End to end: a team through all four phases and one pulse - the plan adopted by a majority of the
members, the evaluation compared with the analysis - then the trend."""

from __future__ import annotations

import datetime as dt
import logging
import re

from bot.render.plan_render import format_euros
from flows.plan import rate_for, school_year
from tests.bot.inspect_store import assert_nothing_links
from bot.sandbox.actors import check_in, confirm_measures, fill_item, form_team, leader_moves_on, open_vote, press, propose, round_url, say, start_cycle, vote

KEEP = ["administratie en registratie"]
# nea_hard, nea_much, nea_fast, administratie, influence, free_cause, free_help
ANALYSIS = [
    [4, 4, 3, 3, 2, None, None],  # mean 3.67: high
    [3, 3, 3, 2, 2, None, None],  # 3.0: high
    [3, 2, 3, 2, 3, None, None],  # 2.67: high
    [2, 2, 2, 1, 3, None, None],  # 2.0
    [4, 3, 2, 3, 1, None, None],  # 3.0: high
    [1, 2, 1, 0, 4, None, None],  # 1.33
]  # high workload 4/6 = 67%
# eval_support, eval_influence, eval_discuss, nea_hard, nea_much, nea_fast, measure 1, measure 2, free_eval
EVALUATION = [
    [3, 3, 3, 2, 2, 2, 3, 2, None],  # mean 2.0
    [3, 2, 3, 3, 2, 2, 3, 1, None],  # 2.33
    [2, 2, 3, 3, 3, 3, 2, 1, None],  # 3.0: high
    [3, 3, 2, 1, 2, 1, 3, 2, None],  # 1.33
    [3, 2, 3, 2, 2, 1, 3, 1, None],  # 1.67
    [2, 3, 3, 1, 1, 1, 2, 3, None],  # 1.0
]  # high workload 1/6 = 17%


async def test_all_four_phases_and_a_pulse(sandbox, running_bot, caplog):
    """Analyse, discuss, a plan adopted by 4 of 7 members with the PMR's consent, the evaluation against the analysis, a pulse, the trend."""
    caplog.set_level(logging.DEBUG)
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dewi", "Eva", "Fleur"])
    everyone = [leader, *members]
    await say(sandbox, leader, "/leerlingen 212")

    # 1. Analyseren.
    url = round_url(await start_cycle(sandbox, leader, group, keep_sources=KEEP))
    for user, answers in zip(everyone, ANALYSIS):
        await check_in(sandbox, user, url, answers)
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    bespreken = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken")

    # 2. Bespreken: five colleagues propose (two distinct measures), five vote.
    proposals_url = round_url(bespreken)
    await propose(sandbox, members[0], proposals_url, catalogue="onderwijsassistent", source="administratie en registratie")
    await propose(sandbox, members[1], proposals_url, own_words="Vaste mailmomenten voor ouders")
    for member in members[2:5]:  # proposals are shown only when at least min_group_size (5) took part
        await propose(sandbox, member, proposals_url, catalogue="onderwijsassistent")
    vote_url = await open_vote(sandbox, leader, group)
    for user in everyone[:5]:
        await vote(sandbox, user, vote_url, ["onderwijsassistent", "onderwijsassistent", "Vaste mailmomenten voor ouders"])
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for_message(group.id, since=mark, contains="Fase 3: aanpakken")
    await sandbox.wait_for_message(leader.id, since=mark, contains="Stuur /plan")

    # 3. Aanpakken: the plan from the top proposals, filled in, over budget, put to the team.
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    assert "onderwijsassistent" in overview.text and "Vaste mailmomenten voor ouders" in overview.text
    # The catalogue measure comes filled in: the leader types only its cost and confirms it.
    assert "(voorstel)" in "\n".join(m.text for m in sandbox.sent_messages(leader.id)[-3:])
    confirmed = await confirm_measures(sandbox, leader, overview, costs={1: "70000"})
    assert "Maatregel 1 is bevestigd" in confirmed["text"] and "rest van het plan" in confirmed["text"]
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    mark = sandbox.mark()
    await fill_item(sandbox, leader, overview.message, 2, ["Rust na schooltijd", "Geen ouderberichten na 17 uur", "Afspraken in de nieuwsbrief", "Teamleider", "€ 10.000"])
    overview = await sandbox.wait_for_message(leader.id, since=mark, contains="Tik op ✏️")
    plan_text = "\n".join(m.text for m in sandbox.sent_messages(leader.id) if m.call_index >= mark)
    year = school_year(dt.date.fromtimestamp(running_bot.clock()))
    funds = format_euros(round(212 * rate_for(year, {})[1], 2), "nl")  # 212 pupils x the newest known rate
    assert funds in plan_text
    assert "80.000" in plan_text and "⚠️" in plan_text  # over budget
    mark = sandbox.mark()
    await press(sandbox, leader, overview.message, "v1:plan_submit:")
    plan_vote_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Stem over het plan"))

    # The team votes: 4 for, 1 against, 1 abstains - a majority of the 7 members.
    for user, choice in zip(everyone, (0, 0, 0, 0, 1, 2)):
        mark = sandbox.mark()
        await sandbox.open_deep_link(user, plan_vote_url)
        ballot = await sandbox.wait_for_message(user.id, since=mark, contains="Wat vind jij van dit plan?")
        confirm = await press(sandbox, user, ballot.message, f"v1:pv:{plan_vote_url.rsplit('_', 1)[1]}:{choice}")
        assert "anoniem" in (await press(sandbox, user, confirm, "v1:pv_send:"))["text"]
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    adopted = await sandbox.wait_for_message(group.id, since=mark, contains="aangenomen")
    assert "voor 4 · tegen 1 · onthouding 1 (van 7 leden)" in adopted.text

    # The PMR consents; the plan goes out as text and as a document.
    overview = await say(sandbox, leader, "/plan", contains="noteer hier het besluit")
    ask_date = await press(sandbox, leader, overview.message, "v1:pmr:")
    mark = sandbox.mark()
    await say(sandbox, leader, dt.date.today().strftime("%d-%m-%Y"), contains="ingestemd")
    document = await sandbox.wait_for(lambda c: c.method == "sendDocument" and c.ok and c.params["chat_id"] == group.id, since=mark)
    pdf = next(m for m in sandbox.sent_messages(group.id) if m.call_index == document.index).document
    assert pdf.content.startswith(b"%PDF") and pdf.filename.endswith(".pdf")
    assert ask_date

    # 4. Evalueren, with the sick-leave figures.
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    evalueren = await sandbox.wait_for_message(group.id, since=mark, contains="Fase 4: evalueren")
    assert "9 vragen" in evalueren.text
    assert "4,8%" in (await say(sandbox, leader, "/verzuim 6,5 4,8", contains="Genoteerd")).text
    evaluation_url = round_url(evalueren)
    for user, answers in zip(everyone, EVALUATION):
        await check_in(sandbox, user, evaluation_url, answers)
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=mark)
    closed = await sandbox.wait_for_message(group.id, since=mark, contains="is afgerond")
    evaluation = "\n".join(m.text for m in sandbox.sent_messages(leader.id) if m.call_index >= mark)
    assert "bij de analyse 67% → nu 17%" in evaluation  # high workload: analysis 4/6, evaluation 1/6
    assert "goed bezig" in evaluation and "onderwijsassistent: geholpen" in evaluation
    assert "6,5% → 4,8%" in evaluation
    assert closed.text

    # /samenvatting shows every summary of the cycle again: analysis, vote, the plan vote and the evaluation.
    mark = sandbox.mark()
    await say(sandbox, leader, "/samenvatting")
    evaluation_text = await sandbox.wait_for_message(leader.id, since=mark, contains="bij de analyse 67% → nu 17%")
    await sandbox.wait_for(  # the evaluation's chart comes last
        lambda c: c.method == "sendPhoto" and c.ok and c.params["chat_id"] == leader.id, since=evaluation_text.call_index
    )
    again = "\n".join(m.text for m in sandbox.sent_messages(leader.id) if m.call_index >= mark)
    assert "aangenomen</b>: voor 4 · tegen 1 · onthouding 1 (van 7 leden)" in again or "aangenomen: voor 4 · tegen 1" in again
    assert "onderwijsassistent: geholpen" in again

    # A pulse between cycles: four answer, a reminder reaches only those who did not, then it closes.
    choose = await say(sandbox, leader, "/puls")
    mark = sandbox.mark()
    await press(sandbox, leader, choose.message, "v1:pulse:1:30")
    pulse_url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="werkdrukpeiling"))
    for user, answers in zip(everyone[:5], ([3, 3, 2, None], [2, 2, 2, "Rustiger"], [3, 2, 2, None], [1, 2, 1, None], [2, 1, 1, None])):
        await check_in(sandbox, user, pulse_url, answers)
    pulse_round = running_bot.storage.cycles.open_pulse(running_bot.storage.teams.by_chat(group.id).id)
    running_bot.fake_now = pulse_round.closes_at - 2 * 24 * 3600 + 1
    mark = sandbox.mark()
    await running_bot.run_deadline_scan()
    reminder = await sandbox.wait_for_message(everyone[5].id, since=mark, contains="Herinnering")
    assert reminder.buttons[0]["url"] == pulse_url
    reminded = {m.chat_id for m in sandbox.sent_messages() if m.call_index >= mark and "Herinnering" in m.text}
    assert reminded == {everyone[5].id}
    running_bot.fake_now = pulse_round.closes_at + 1
    mark = sandbox.mark()
    await running_bot.run_deadline_scan()
    pulse_summary = await sandbox.wait_for_message(leader.id, since=mark, contains="5 van de 7")
    assert pulse_summary.text

    # The trend: analysis, evaluation and pulse, in text and as a chart.
    mark = sandbox.mark()
    trend = await say(sandbox, leader, "/trend")
    await sandbox.wait_for(lambda c: c.method == "sendPhoto" and c.ok, since=mark)
    assert len(re.findall(r"67%|17%", trend.text)) >= 2

    # An adversary's look at everything stored and logged: nothing links a member to an answer.
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("bot", "storage", "flows")))
    assert_nothing_links(running_bot.storage, everyone, ours)
    sandbox.assert_no_violations()
