"""The deadline scan: one periodic job closes every round whose deadline has passed - also those that
fell due while the bot was down (it runs shortly after start-up), each exactly once."""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot import engine, pulse
from bot.common import Services
from flows.cycle import RoundKind

log = logging.getLogger(__name__)

SCAN_INTERVAL = 60  # seconds


def close_due_rounds(svc: Services) -> int:
    """Everything with a due time: close rounds past their deadline (a cycle's round moves the cycle on),
    send due reminders, open due pulses, expire drafts. Returns how many rounds were closed."""
    closed = 0
    for round_ in svc.storage.cycles.due_rounds(svc.now()):
        team = svc.storage.teams.get(round_.team_id)
        if team is None:
            continue
        if round_.kind is RoundKind.PULSE:
            engine.close_pulse(svc, team, round_)
            closed += 1
            continue
        current = svc.storage.cycles.open_round_of(round_.team_id)
        if current is None or current.id != round_.id:
            continue
        engine.move_on(svc, team, accept_without_results=True)
        closed += 1
    pulse.send_reminders(svc)
    pulse.open_due_pulses(svc)
    svc.storage.answers.expire_drafts(svc.now())
    return closed


async def scan_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue callback."""
    closed = close_due_rounds(context.application.bot_data["services"])
    if closed:
        log.info("closed %d round(s) at their deadline", closed)
