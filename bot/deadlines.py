"""The deadline scan: one periodic job closes every round whose deadline has passed - also those that
fell due while the bot was down (it runs shortly after start-up), each exactly once."""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot import engine
from bot.common import Services

log = logging.getLogger(__name__)

SCAN_INTERVAL = 60  # seconds


def close_due_rounds(svc: Services) -> int:
    """Move on every team whose open round is past its deadline; return how many were closed."""
    closed = 0
    for round_ in svc.storage.cycles.due_rounds(svc.now()):
        team = svc.storage.teams.get(round_.team_id)
        current = svc.storage.cycles.open_round_of(round_.team_id)
        if team is None or current is None or current.id != round_.id:
            continue
        engine.move_on(svc, team, accept_without_results=True)
        closed += 1
    svc.storage.answers.expire_drafts(svc.now())
    return closed


async def scan_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue callback."""
    closed = close_due_rounds(context.application.bot_data["services"])
    if closed:
        log.info("closed %d round(s) at their deadline", closed)
