"""The budget in people through the sandbox: with employer costs per fte configured, the leader and the team
read what the budget and each personnel measure mean in capacity (and how the plan splits beside other
schools); a role without a figure is named only to the leader."""

from __future__ import annotations

import pytest

from bot.run.local import sandbox_config
from bot.sandbox.actors import confirm_measures, say
from tests.bot.leaders.test_plan_proposals import tap, team_at_aanpakken


@pytest.fixture
def config(sandbox, tmp_path):
    """Employer costs for two roles; the conciërge has no figure."""
    return sandbox_config(sandbox, tmp_path / "werkdruk.db", staff_costs={"onderwijsassistent": 60000, "vakleerkracht": 110000})


async def test_budget_and_measures_in_people_and_a_role_without_a_figure(sandbox, running_bot):
    """/plan shows the funds as fte or days a week and each personnel measure's capacity; the missing
    conciërge figure is a note for the leader only; the team's copy of the plan shows the people, not the note."""
    leader, members, group, _ = await team_at_aanpakken(sandbox)
    await say(sandbox, leader, "/leerlingen 212", contains="212")
    overview = await say(sandbox, leader, "/plan", contains="Tik op ✏️")
    leader_plan = "\n".join(m.text for m in sandbox.sent_messages(leader.id)[-3:])
    assert "👥 In mensen: " in leader_plan and "fte onderwijsassistent, of " in leader_plan
    assert "€\u00a030.000 (voorstel) · ongeveer 2,5 dagen per week een onderwijsassistent" in leader_plan
    assert "€\u00a028.000 (voorstel) · ongeveer 1,5 dagen per week een vakleerkracht" in leader_plan
    assert "werkgeverskosten per fte nodig van: conciërge" in leader_plan
    view = await confirm_measures(sandbox, leader, overview)  # the helper the demo can use: three taps, nothing typed
    assert "Alle maatregelen zijn ingevuld en bevestigd" in view["text"]
    mark = sandbox.mark()
    await tap(sandbox, leader, view, "🗳")
    await sandbox.wait_for_message(group.id, since=mark, contains="Stem over het plan")
    group_plan = "\n".join(m.text for m in sandbox.sent_messages(group.id) if m.call_index >= mark)
    assert "👥 In mensen: " in group_plan and "ongeveer 2,5 dagen per week een onderwijsassistent" in group_plan
    assert "Alleen voor jou" not in group_plan and "staff_costs" not in group_plan
    # ... and the team's split beside other schools (AVS poll 2019): 30000, 22000 and 28000 of 80000.
    assert "📊 Jullie verdeling naast die van andere scholen" in group_plan
    assert "onderwijsassistent: jullie 38% · scholen 28%" in group_plan and "conciërge: jullie 28% · scholen 6%" in group_plan
    assert "extra vakleerkracht: jullie 35% · scholen 17%" in group_plan
