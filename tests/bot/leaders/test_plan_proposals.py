"""A plan that starts filled in: catalogue measures come with proposed fields the leader confirms with a tap or
changes by typing only what differs; own-words measures start empty; the plan stays coherent when it changes;
a measure's title can be edited."""

from __future__ import annotations

from bot.sandbox.actors import form_team, leader_moves_on, open_vote, press, propose, round_url, say, vote
from flows.catalogue import load

OA, CONCIERGE, VAK = "onderwijsassistent", "conciërge", "vakleerkracht (bijv. gym, muziek)"


def button(message, text: str) -> str:
    """The callback data of the button labelled ``text`` (or starting with it)."""
    keyboard = message["reply_markup"]["inline_keyboard"] if isinstance(message, dict) else message.message["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in keyboard for b in row if b["text"].startswith(text))


def raw(message) -> dict:
    return message if isinstance(message, dict) else message.message


async def tap(sandbox, user, message, text: str) -> dict:
    """Press the button labelled ``text``; the edited message."""
    return await press(sandbox, user, raw(message), button(message, text))


async def team_at_aanpakken(sandbox):
    """Five colleagues propose three catalogue measures and vote: onderwijsassistent 7, conciërge 5, vakleerkracht 3."""
    leader, members, group = await form_team(sandbox, ["Anna", "Bram", "Chris", "Dewi", "Eva"])
    choose = await say(sandbox, leader, "/cyclus")
    deadline = await press(sandbox, leader, choose.message, "v1:cyc_phase:1:1")  # start at bespreken
    mark = sandbox.mark()
    await press(sandbox, leader, deadline, "v1:cyc_go:1:1:0")
    url = round_url(await sandbox.wait_for_message(group.id, since=mark, contains="Fase 2: bespreken"))
    for member, measure in zip(members, [OA, OA, CONCIERGE, CONCIERGE, "vakleerkracht"]):
        await propose(sandbox, member, url, catalogue=measure)
    vote_url = await open_vote(sandbox, leader, group)
    ballots = [[OA] * 3, [OA, OA, CONCIERGE], [OA, CONCIERGE, CONCIERGE], [OA, CONCIERGE, VAK], [CONCIERGE, VAK, VAK]]
    for user, choices in zip([leader, *members], ballots):
        await vote(sandbox, user, vote_url, choices)
    mark = sandbox.mark()
    await leader_moves_on(sandbox, leader)
    hint = await sandbox.wait_for_message(leader.id, since=mark, contains="Stuur /plan")
    return leader, members, group, hint


def stored_plan(running_bot, group):
    storage = running_bot.storage
    return storage.plans.get(storage.cycles.current(storage.teams.by_chat(group.id).id).id)


async def test_three_catalogue_measures_need_one_typed_message_at_most_each(sandbox, running_bot):
    """The plan from three voted catalogue measures starts filled in (marked as proposals); the leader confirms
    two with a tap and types only the cost of the third: one typed message for the whole plan, then the vote."""
    leader, members, group, hint = await team_at_aanpakken(sandbox)
    assert "staan er al in" in hint.text and "voorstel" in hint.text
    proposal = load("measure_plans")["onderwijsassistent"]

    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    plan_text = "\n".join(m.text for m in sandbox.sent_messages(leader.id)[-3:])
    assert f"Doel: {proposal['nl']['goal']} (voorstel)" in plan_text
    assert "Geschatte kosten: €\u00a030.000 (voorstel)" in plan_text
    assert "Velden met ‘voorstel’ heeft de bot alvast ingevuld" in overview.text

    # Not yet confirmed: the plan cannot go to the vote, and the leader is told why.
    refused = await tap(sandbox, leader, overview, "🗳")
    assert "1: voorstel bevestigen" in refused["text"] and "3: voorstel bevestigen" in refused["text"]

    typed = 0
    view = await tap(sandbox, leader, refused, "✏️ 1")
    assert "Maatregel 1: onderwijsassistent" in view["text"] and "✅ Voorstel klopt" in str(view["reply_markup"])
    asked = await tap(sandbox, leader, view, "Kosten")
    assert "kosten" in asked["text"]
    saved = await say(sandbox, leader, "€ 38.000", contains="Opgeslagen")
    typed += 1
    assert "<b>Kosten</b>: €\u00a038.000" in saved.message["text"] or "Kosten: €\u00a038.000" in saved.text
    second = await tap(sandbox, leader, saved, "✅")
    assert "Maatregel 1 is bevestigd" in second["text"] and "Maatregel 2: conciërge" in second["text"]
    third = await tap(sandbox, leader, second, "✅")
    assert "Maatregel 3: vakleerkracht" in third["text"]
    done = await tap(sandbox, leader, third, "✅")
    assert "Alle maatregelen zijn ingevuld en bevestigd" in done["text"]

    mark = sandbox.mark()
    await tap(sandbox, leader, done, "🗳")
    await sandbox.wait_for_message(group.id, since=mark, contains="Stem over het plan")
    plan = stored_plan(running_bot, group)
    assert plan.state == "stemming" and typed <= len(plan.items) == 3
    assert [item.measure for item in plan.items] == ["onderwijsassistent", "concierge", "vakleerkracht"]
    assert [item.cost for item in plan.items] == [38000, 22000, 28000]
    assert all(item.confirmed for item in plan.items) and plan.items[0].goal == proposal["nl"]["goal"]
    group_plan = "\n".join(m.text for m in sandbox.sent_messages(group.id) if m.call_index >= mark)
    assert "(voorstel)" not in group_plan and "€\u00a038.000" in group_plan


async def test_the_plan_stays_coherent_when_it_changes(sandbox, running_bot):
    """Removing a measure moves no proposal or typed answer onto another; an old button of a removed or renamed
    measure does nothing; an added catalogue measure comes filled in, an added own-words measure empty."""
    leader, members, group, _ = await team_at_aanpakken(sandbox)
    older = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    second = await tap(sandbox, leader, overview, "✏️ 2")  # conciërge
    await tap(sandbox, leader, second, "Kosten")  # the bot now expects conciërge's cost...
    view = await tap(sandbox, leader, older, "✏️ 1")
    assert "Maatregel 1: onderwijsassistent" in view["text"]
    ok_button = button(view, "✅")
    removed = await tap(sandbox, leader, view, "🗑")  # ...but the leader removes onderwijsassistent first
    assert "geschrapt" in removed["text"]
    answer = await say(sandbox, leader, "9999")  # the cost question was about a measure's place: it lapsed
    assert "9999" not in answer.text
    plan = stored_plan(running_bot, group)
    assert [item.measure for item in plan.items] == ["concierge", "vakleerkracht"]
    assert [item.cost for item in plan.items] == [22000, 28000] and all(item.proposed for item in plan.items)

    # The removed measure's old ✅ (say from a second device) does not confirm the measure now in its place.
    query = await sandbox.press_raw(leader, leader.id, view["message_id"], ok_button)
    await sandbox.wait_for_callback_answer(query)
    assert all(item.proposed for item in stored_plan(running_bot, group).items)

    # Added by name: a catalogue measure comes with its proposal, words of the team's own start empty.
    await tap(sandbox, leader, removed, "➕")
    added = await say(sandbox, leader, "ICT (apparaten of software)", contains="Maatregel 3")
    assert "(voorstel)" in added.text and "€\u00a05.000" in added.text
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    await tap(sandbox, leader, overview, "➕")
    asked = await say(sandbox, leader, "Vaste mailmomenten voor ouders", contains="doel")
    assert "Maatregel 4 (Vaste mailmomenten voor ouders)" in asked.text
    plan = stored_plan(running_bot, group)
    assert plan.items[2].measure == "ict" and plan.items[2].cost == 5000 and plan.items[2].proposed
    assert plan.items[3].measure is None and plan.items[3].missing() == ["goal", "result", "activities", "who", "cost"]
    assert not plan.items[3].proposed


async def test_a_measure_title_can_be_edited(sandbox, running_bot):
    """The title is edited like the five fields; the proposals stay, and an old button made for the old title
    no longer acts on the measure."""
    leader, members, group, _ = await team_at_aanpakken(sandbox)
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    view = await tap(sandbox, leader, overview, "✏️ 1")
    old_ok = button(view, "✅")
    asked = await tap(sandbox, leader, view, "Naam")
    assert "typ de nieuwe naam" in asked["text"]
    renamed = await say(sandbox, leader, "Onderwijsassistent voor groep 3 tot en met 5", contains="De naam is aangepast")
    assert "Maatregel 1: Onderwijsassistent voor groep 3 tot en met 5" in renamed.text
    query = await sandbox.press_raw(leader, leader.id, view["message_id"], old_ok)
    await sandbox.wait_for_callback_answer(query)
    item = stored_plan(running_bot, group).items[0]
    assert item.title == "Onderwijsassistent voor groep 3 tot en met 5" and item.measure == "onderwijsassistent"
    assert item.proposed  # the old button did not confirm it
    confirmed = await tap(sandbox, leader, renamed, "✅")
    assert "Maatregel 1 is bevestigd" in confirmed["text"]
    assert stored_plan(running_bot, group).items[0].confirmed
    too_long = await tap(sandbox, leader, await say(sandbox, leader, "/plan", contains="Tik op ✏️"), "✏️ 2")
    await tap(sandbox, leader, too_long, "Naam")
    assert "1 tot 300 tekens" in (await say(sandbox, leader, "x" * 301)).text
    assert stored_plan(running_bot, group).items[1].title == "conciërge"
