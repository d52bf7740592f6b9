"""The deadline scan: one periodic job closes every round whose deadline has passed - also those that
fell due while the bot was down (it runs shortly after start-up), each exactly once."""

from __future__ import annotations

import datetime as dt
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
        try:  # one team's trouble must not hold up every other team's deadlines
            closed += _close_due(svc, round_)
        except Exception:
            log.exception("closing round %s at its deadline failed", round_.id)
    for task in (pulse.send_reminders, pulse.open_due_pulses):
        try:
            task(svc)
        except Exception:
            log.exception("%s failed", task.__name__)
    svc.storage.answers.expire_drafts(svc.now())
    purged = svc.storage.privacy.purge_raw_answers(dt.date.fromtimestamp(svc.now()), svc.config.privacy.retention_days)
    if purged:
        log.info("deleted the raw answers of %d round(s) after the retention period", purged)
    return closed


def _close_due(svc: Services, round_) -> int:
    team = svc.storage.teams.get(round_.team_id)
    if team is None:
        return 0
    if round_.kind is RoundKind.PULSE:
        engine.close_pulse(svc, team, round_)
        return 1
    current = svc.storage.cycles.open_round_of(round_.team_id)
    if current is None or current.id != round_.id:
        return 0
    engine.move_on(svc, team, accept_without_results=True)
    return 1


async def scan_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue callback."""
    closed = close_due_rounds(context.application.bot_data["services"])
    if closed:
        log.info("closed %d round(s) at their deadline", closed)
