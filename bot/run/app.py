"""Wiring: build the python-telegram-bot Application with one table of handlers."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.leaders import cycle_leader, leading, plan_leader, pulse, schedule, summaries
from bot.cycle import deadlines
from bot.members import group, info, mydata, private, rounds_member
from bot.plumbing.delivery import ConfirmingUpdater, InFlight
from bot.plumbing.outbox import OutboxSender
from bot.plumbing.transport import AiohttpRequest
from bot.plumbing.updates import MAX_CONCURRENT, FloodLimits, PerChatUpdates
from bot.plumbing.callbacks import decode
from bot.plumbing.commands import BY_KEY, COMMANDS, publish_menus
from bot.members.common import Services, services, user_language
from bot.deployment.config import Config
from bot.run.errors import on_error, show_current
from bot.texts.i18n import t
from storage.db import Storage

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
# Forwarded messages and messages sent through other bots are never taken as someone's own input.
OWN = filters.UpdateType.MESSAGE & ~filters.FORWARDED & ~filters.VIA_BOT


class WerkdrukBot(ExtBot):
    """The Bot API client: a button press whose query Telegram no longer accepts an answer for (too old,
    or the bot was restarted in between) is still applied - only the little "loading" answer is skipped.
    A query is answered once: a second answer (say, by the error handler) is not sent."""

    async def initialize(self) -> None:
        """Connect and learn who the bot is (getMe); when Telegram refuses, the connections are closed again."""
        try:
            await super().initialize()
        except TelegramError:
            await self.shutdown()
            raise

    ANSWERED_KEPT = 4096

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._answered: OrderedDict[str, None] = OrderedDict()

    async def answer_callback_query(self, callback_query_id, *args, **kwargs) -> bool:
        key = str(callback_query_id)
        if key in self._answered:
            return True
        self._answered[key] = None  # from the first attempt on: even a failed one is not repeated
        if len(self._answered) > self.ANSWERED_KEPT:
            self._answered.popitem(last=False)
        try:
            return await super().answer_callback_query(callback_query_id, *args, **kwargs)
        except BadRequest as exc:
            if "query is too old" in exc.message.lower() or "query id is invalid" in exc.message.lower():
                return False
            raise


def build_application(
    config: Config, storage: Storage, clock: Callable[[], float] = time.time, rng: random.Random | None = None
) -> Application:
    """The bot for ``config``, storing in ``storage``; call ``post_init`` after ``initialize``. ``clock`` and
    ``rng`` are real time and the system's random source unless a caller (tests, the demo) injects its own."""
    urls = {"base_url": config.api_base_url, "base_file_url": config.file_base_url} if config.api_base_url else {}
    bot = WerkdrukBot(
        config.token,
        defaults=Defaults(tzinfo=ZoneInfo(config.timezone)),
        rate_limiter=FloodLimits(),
        request=AiohttpRequest(connection_pool_size=MAX_CONCURRENT + 8),  # every update in flight, the outbox, jobs
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        **urls,
    )
    in_flight = InFlight()  # an update is confirmed to Telegram only once its handling ended (bot/plumbing/delivery.py)
    updater = ConfirmingUpdater(bot, asyncio.Queue(), in_flight)
    application = (
        ApplicationBuilder().updater(updater).concurrent_updates(PerChatUpdates(in_flight))
        .post_init(post_init).post_stop(post_stop).build()
    )
    application.bot_data["services"] = Services(config=config, storage=storage, clock=clock, rng=rng or random.SystemRandom())
    add_handlers(application)
    return application


def settle_heap() -> None:
    """Call once the application is built: what start-up loaded (libraries, fonts, tables, handlers) lives as
    long as the process, so move it out of the cyclic garbage collector's view. A full collection then walks
    only what handling updates creates; before, each one stalled every chat for about 60 ms (benchmarks/)."""
    gc.collect()
    gc.freeze()


async def post_init(application: Application) -> None:
    """After connecting: learn the bot's username, publish the menus, start the outbox and deadline scan."""
    services = application.bot_data["services"]
    services.bot_username = application.bot.username
    await publish_menus(application.bot)
    services.outbox = OutboxSender(application.bot, services.storage, services.clock, services.config.messages_per_second)
    services.outbox.start()
    deadlines.close_due_rounds(services)  # deadlines that passed while the bot was down, handled now
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            deadlines.scan_job, interval=deadlines.SCAN_INTERVAL, first=deadlines.SCAN_INTERVAL, name="deadlines"
        )


async def post_stop(application: Application) -> None:
    """Before shutting down: let the outbox sender finish the message in flight."""
    services = application.bot_data["services"]
    if isinstance(application.updater, ConfirmingUpdater):
        await application.updater.confirm_handled()  # everything received was handled by now
    if services.outbox is not None:
        await services.outbox.stop()


def _command(key: str, callback, chats: filters.BaseFilter) -> CommandHandler:
    return CommandHandler(BY_KEY[key].names, callback, filters=chats & OWN)


LAST_GROUP = 99  # after every feature's handlers


def add_handlers(application: Application) -> None:
    """The whole handler table, in one place."""
    application.add_handler(TypeHandler(Update, apply_once), group=-1)
    application.add_handler(TypeHandler(Update, applied), group=LAST_GROUP)
    application.add_handlers(
        [
            ChatMemberHandler(group.bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
            _command("start", private.start_private, PRIVATE),
            _command("start", group.register_team, GROUPS),
            _command("help", info.show_help, PRIVATE | GROUPS),
            _command("team", info.show_team, PRIVATE | GROUPS),
            _command("privacy", private.show_privacy, PRIVATE | GROUPS),
            _command("pupils", info.set_pupils, PRIVATE | GROUPS),
            _command("invite", info.renew_invite, PRIVATE | GROUPS),
            _command("coleader", group.appoint_co_leader, GROUPS),
            _command("leave", private.leave, PRIVATE),
            _command("open", rounds_member.open_rounds, PRIVATE),
            _command("cycle", cycle_leader.start_cycle, PRIVATE | GROUPS),
            _command("status", cycle_leader.show_status, PRIVATE | GROUPS),
            _command("next", cycle_leader.move_on, PRIVATE | GROUPS),
            _command("deadline", cycle_leader.set_deadline, PRIVATE | GROUPS),
            _command("summary", summaries.show_summaries, PRIVATE),
            _command("plan", plan_leader.show_plan, PRIVATE),
            _command("sickleave", plan_leader.sick_leave, PRIVATE | GROUPS),
            _command("pulse", pulse.pulse_command, PRIVATE | GROUPS),
            _command("schedule", schedule.schedule_command, PRIVATE | GROUPS),
            _command("trend", pulse.trend_command, PRIVATE),
            _command("mydata", mydata.my_data, PRIVATE),
            _command("deleteteam", mydata.delete_team, PRIVATE | GROUPS),
            # every command sent where it does not work gets an answer saying where it does
            *[_command(command.key, info.wrong_place, GROUPS) for command in COMMANDS if not command.group],
            *[_command(command.key, info.wrong_place, PRIVATE) for command in COMMANDS if not command.private],
            CallbackQueryHandler(button_pressed),
            MessageHandler(filters.StatusUpdate.MIGRATE, group.group_migrated),
            MessageHandler(filters.StatusUpdate.NEW_CHAT_TITLE, group.group_renamed),
            MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, rounds_member.private_text),
            MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, info.unknown_private),
            MessageHandler(GROUPS & filters.COMMAND, info.unknown_group_command),
        ]
    )
    application.add_error_handler(on_error)


async def apply_once(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update is applied at most once: a redelivered ``update_id`` stops here."""
    if not services(context).storage.updates.begin(update.update_id):
        log.info("update %s delivered again: not applied again; showing where the person is", update.update_id)
        await show_again(update, context)
        raise ApplicationHandlerStop
    chat, user = update.effective_chat, update.effective_user
    if update.message and chat and chat.type == ChatType.PRIVATE and user:
        # Whoever writes to the bot privately can be written to (again, after unblocking it).
        services(context).storage.people.started(user.id, user_language(update, context))


async def show_again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An update applied before comes again - the bot was stopped after committing it, before (or while) it
    showed the result: the person sees where they are now (a check-in's current question); any other button
    press gets its answer, so it stops loading. Handled by this process already: its result was shown."""
    in_flight = context.application.update_processor.in_flight
    if in_flight is not None and update.update_id in in_flight.handled_here:
        if update.callback_query:
            await update.callback_query.answer()  # answered before: not sent again (WerkdrukBot)
        return
    await show_current(update, context)


async def applied(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After every handler (also a failed one): record the update if no transaction of its handling did."""
    services(context).storage.updates.settle()


BUTTONS = {
    "leave": private.leave_button,
    "leave_yes": private.leave_button,
    "leave_no": private.leave_button,
    "team": info.team_button,
    **{action: cycle_leader.cycle_button for action in ("cyc_phase", "src_del", "src_add", "src_reset", "src_ok", "cyc_go")},
    **{action: cycle_leader.move_on_button for action in ("next_go", "next_empty", "next_wait")},
    "dl": cycle_leader.deadline_button,
    "share": summaries.share_button,
    **{action: cycle_leader.proposals_button for action in ("merge", "merge_a", "merge_b", "vote_open")},
    **{action: plan_leader.plan_button for action in (
        "plan_item", "plan_field", "plan_add", "plan_del", "plan_back", "plan_revise", "plan_submit", "plan_doc", "plan_ok", "plan_rename",
        "pmr", "pmr_today",
    )},
    "pulse": pulse.pulse_button,
    **{action: schedule.schedule_button for action in schedule.BUTTONS},
    "as_team": leading.as_team_button,
    **{action: mydata.my_data_button for action in ("my_del", "my_del_yes", "my_del_no")},
    **{action: mydata.delete_team_button for action in ("team_del", "team_del_no")},
    "open_round": rounds_member.open_round_button,
    **{action: rounds_member.round_button for action in rounds_member.BUTTONS},
}


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button press by its decoded callback data; anything unknown is answered kindly."""
    press = decode(update.callback_query.data)
    if press is None or press.action not in BUTTONS:
        await update.callback_query.answer(t(user_language(update, context), "button_expired"))
        return
    await BUTTONS[press.action](update, context, press)
