"""Pulses the engine opens on schedule, and the private reminders to members who have not answered a round yet
(both run from the deadline scan; the leader's /puls and /trend are in ``bot/leaders/pulse.py``)."""

from __future__ import annotations

from bot.cycle.rounds_render import deadline_text, link_button, round_link
from bot.deployment.services import Services
from bot.texts.i18n import t
from flows.cycle import RoundKind
from flows.deadlines import deadline_after
from flows.pulse import PULSE_OPEN_DAYS, pulse_questions
from flows.team import Team

DAY = 24 * 3600


def open_pulse(svc: Services, team: Team) -> bool:
    """Open a pulse round for the team now, unless one is open already; announce it in the group."""
    if svc.storage.cycles.open_pulse(team.id) is not None:
        return False
    schedule = svc.storage.pulses.of_team(team.id)
    open_days = schedule[1] if schedule else PULSE_OPEN_DAYS
    closes_at = deadline_after(svc.now(), open_days, svc.config.timezone)  # at 17:00, like every deadline
    language = svc.config.language
    with svc.storage.atomic():
        round_ = svc.storage.cycles.open_round(None, RoundKind.PULSE, pulse_questions(), settings={"team_id": team.id}, closes_at=closes_at)
        svc.storage.pulses.remind_at(round_.id, closes_at - 2 * DAY)
        text = t(language, "pulseui_announcement", deadline=deadline_text(svc, closes_at, language), minimum=svc.config.privacy.min_group_size)
        svc.storage.outbox.add(team.chat_id, text, link_button(t(language, "pulseui_button"), round_link(svc, round_.id)))
    svc.wake_outbox()
    return True


def open_due_pulses(svc: Services) -> int:
    """Open every scheduled pulse that is due, and plan the next one."""
    opened = 0
    for team_id, every_days, _ in svc.storage.pulses.due(svc.now()):
        team = svc.storage.teams.get(team_id)
        if team is not None and team.state == "active" and open_pulse(svc, team):
            opened += 1
        svc.storage.pulses.postpone(team_id, svc.now() + every_days * DAY)
    return opened


def send_reminder(svc: Services, round_id: int) -> int:
    """Privately remind the members who have not answered the round (its reminder is due), in one
    transaction; return how many."""
    round_ = svc.storage.cycles.round(round_id)
    team = svc.storage.teams.get(round_.team_id)
    sent = 0
    rendered: dict[str, tuple[str, dict]] = {}  # per language: every member reads the same reminder
    with svc.storage.atomic():
        for user_id, language in svc.storage.answers.to_remind(round_id, team.id):
            language = language or svc.config.language
            if language not in rendered:
                text = t(language, f"reminder_{round_.kind.value}", team=team.name, deadline=deadline_text(svc, round_.closes_at, language))
                rendered[language] = text, link_button(t(language, "reminder_button"), round_link(svc, round_id))
            svc.storage.outbox.add(user_id, *rendered[language])
            sent += 1
        svc.storage.pulses.reminded(round_id, svc.now())
    return sent
