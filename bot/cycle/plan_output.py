"""The plan as people read it: messages with the budget, and the printable document."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from bot.cycle import year_plan
from bot.deployment.services import Services
from bot.texts.i18n import Markup
from bot.render.plan_document import plan_pdf
from bot.render.plan_render import render_plan
from flows.cycle import Cycle, RoundKind
from flows.discussion import proposal_text
from flows.plan import Budget, Plan, budget, counts_released, school_year
from flows.plan_proposal import proposed_item
from flows.team import Team


def plan_budget(svc: Services, team: Team, plan: Plan) -> Budget:
    """The plan's budget for the current school year."""
    return budget(plan, team.pupils, school_year(dt.date.fromtimestamp(svc.now())), svc.config.funds, svc.config.staff_costs)


def source_labels(svc: Services, team: Team, language: str) -> dict[str, str]:
    """Source keys to labels, for showing which sources a measure addresses."""
    return {s.key: s.label(language) for s in svc.storage.cycles.sources(team.id)}


def plan_messages(svc: Services, team: Team, plan: Plan, language: str, leader_notes: bool = False) -> list[Markup]:
    """The plan as readable messages; ``leader_notes`` adds what only the leader's chat may say (such as
    that the operator should configure a newer rate)."""
    released = plan.vote is None or counts_released(plan.vote, svc.config.privacy.min_group_size)
    return render_plan(plan, plan_budget(svc, team, plan), team.name, language, source_labels(svc, team, language), released,
                       leader_notes=leader_notes)


def plan_document(svc: Services, team: Team, plan: Plan, language: str, cycle_id: int | None = None) -> bytes:
    """The plan as a printable PDF; with the schedule of cycle ``cycle_id`` when the leader planned one."""
    released = plan.vote is None or counts_released(plan.vote, svc.config.privacy.min_group_size)
    day = dt.date.fromtimestamp(svc.now())
    schedule = tuple(year_plan.schedule_lines(svc, cycle_id, language)) if cycle_id is not None else ()
    return plan_pdf(plan, plan_budget(svc, team, plan), team.name, language, source_labels(svc, team, language), released, day,
                    schedule=schedule)


def document_name(team: Team) -> str:
    """A file name a school leader recognises."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", team.name).strip("-")[:40] or "team"
    return f"werkdrukplan-{slug}.pdf"


def initial_plan(svc: Services, cycle: Cycle) -> Plan:
    """A new plan from the vote's top three proposals (empty when there was no released vote); a catalogue
    measure comes with the catalogue's proposed fields, for the leader to confirm or change."""
    vote = svc.storage.cycles.last_round(cycle.id, RoundKind.VOTE)
    stored = svc.storage.answers.summary(vote.id) if vote else None
    items = []
    if stored and stored[0]:
        for result in stored[1]["results"][:3]:
            if result["votes"] > 0:
                title = proposal_text(SimpleNamespace(**result), svc.config.language)
                items.append(proposed_item(title, list(result["sources"]), result.get("catalogue_key"), svc.config.language))
    return Plan(items)
