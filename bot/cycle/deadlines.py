"""The deadline scan: one periodic job closes every round whose deadline has passed - also those that
fell due while the bot was down (it runs shortly after start-up), each exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterator

from telegram.ext import ContextTypes

from bot.cycle import engine, year_plan
from bot.cycle import pulses
from bot.deployment.services import Services
from flows.cycle import RoundKind

log = logging.getLogger(__name__)

SCAN_INTERVAL = 60  # seconds


def close_due_rounds(svc: Services) -> int:
    """Everything with a due time, at once (at start-up, before any update is handled). Returns how many
    rounds were closed."""
    counts = {"closed": 0}
    for _ in _scan(svc, counts):
        pass
    return counts["closed"]


async def scan(svc: Services) -> int:
    """Everything with a due time, giving the event loop back after each team's part, so members' taps
    are handled in between (queueing a reminder to 10,000 members otherwise held every tap for 0.4 s,
    benchmarks/). Returns how many rounds were closed."""
    counts = {"closed": 0}
    for _ in _scan(svc, counts):
        await asyncio.sleep(0)
    return counts["closed"]


def _scan(svc: Services, counts: dict) -> Iterator[None]:
    """Close rounds past their deadline (a cycle's round moves the cycle on), send due reminders, open due
    pulses, expire drafts, purge raw answers after retention; each round's part in its own transaction, a
    pause (``yield``) after each."""
    for round_ in svc.storage.cycles.due_rounds(svc.now()):
        try:  # one team's trouble must not hold up every other team's deadlines
            counts["closed"] += _close_due(svc, round_)
        except Exception:
            log.exception("closing round %s at its deadline failed", round_.id)
        yield
    for round_id in svc.storage.pulses.due_reminders(svc.now()):
        try:
            if pulses.send_reminder(svc, round_id):
                svc.wake_outbox()  # the first reminders go out while the next team's are queued
        except Exception:
            log.exception("the reminder of round %s failed", round_id)
        yield
    try:
        pulses.open_due_pulses(svc)
    except Exception:
        log.exception("opening due pulses failed")
    yield
    try:
        year_plan.send_due_reminders(svc)
    except Exception:
        log.exception("the leaders' schedule reminders failed")
    yield
    svc.storage.answers.expire_drafts(svc.now())
    svc.storage.outbox.forget_finished()  # delivered (or undeliverable) messages leave no row behind
    purged = svc.storage.privacy.purge_raw_answers(dt.date.fromtimestamp(svc.now()), svc.config.privacy.retention_days)
    if purged:
        log.info("deleted the raw answers of %d round(s) after the retention period", purged)


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
    closed = await scan(context.application.bot_data["services"])
    if closed:
        log.info("closed %d round(s) at their deadline", closed)
