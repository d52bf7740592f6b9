"""Driving people through the sandbox and timing the bot's reactions.

* ``Tracker`` hooks the sandbox's list of recorded calls, so every Bot API call is routed (by chat id or
  callback query id) to the one simulated person waiting for it - one dictionary look-up per call instead of
  hundreds of waiters each re-scanning the call list on every wake-up.
* Latency of a tap = ``Call.time`` of the bot's LAST reaction to it (answerCallbackQuery and the edit of the
  tapped message) minus the moment the update was queued in the sandbox. ``Call.time`` is ``time.time()``
  taken when the sandbox recorded the call (after handling it), so the queue moment is taken with
  ``time.time()`` too, immediately before ``press_button`` (which queues the update synchronously).
* ``ChildBot`` runs the bot under test - the real bot, or the baseline - in its own process
  (``benchmarks/bot_child.py``), as an operator runs it: the sandbox and the people stay here.
* ``build_bare_application`` is the baseline: a bare python-telegram-bot Application with the library's defaults that
  only answers each tap (answerCallbackQuery + editMessageText).
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes

from bot.sandbox import Sandbox

EDITS = ("editMessageText", "editMessageReplyMarkup", "editMessageCaption")
SENDS = ("sendMessage", "sendPhoto", "sendDocument")


# ----------------------------------------------------------------------------- routing the bot's calls
@dataclass
class Expect:
    """What one simulated person waits for after one action."""

    chat_id: int
    t0: float  # time.time() when the update was queued
    message_id: int | None  # the tapped message (None: waiting for a new message with buttons)
    query_id: str | None = None
    answered: float | None = None
    edited: float | None = None
    result: dict | None = None
    future: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def _check(self) -> None:
        needs_answer = self.query_id is not None
        if self.edited is not None and (self.answered is not None or not needs_answer) and not self.future.done():
            self.future.set_result(self)

    @property
    def first(self) -> float:
        return min(t for t in (self.answered, self.edited) if t is not None) - self.t0

    @property
    def complete(self) -> float:
        return max(t for t in (self.answered, self.edited) if t is not None) - self.t0


class _HookedCalls(list):
    """The sandbox's call list, calling a hook on every append (record_call appends exactly once per call)."""

    hook = None

    def append(self, call) -> None:  # noqa: D102
        super().append(call)
        if self.hook is not None:
            self.hook(call)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class Tracker:
    """Routes each recorded call to the person waiting for it."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.world = sandbox.world
        if not isinstance(self.world.calls, _HookedCalls):
            self.world.calls = _HookedCalls(self.world.calls)
        self.world.calls.hook = self._on_call
        self.by_chat: dict[int, Expect] = {}
        self.by_query: dict[str, Expect] = {}
        self.bot_errors = 0  # failed calls of the bot to chats somebody is waiting in

    def close(self) -> None:
        """Stop routing."""
        self.world.calls.hook = None

    def _on_call(self, call) -> None:
        method = call.method
        if method == "answerCallbackQuery":
            expect = self.by_query.pop(str(call.params.get("callback_query_id")), None)
            if expect is not None:
                expect.answered = call.time
                expect._check()
            return
        if method not in EDITS and method not in SENDS:
            return
        chat_id = _int(call.params.get("chat_id"))
        expect = self.by_chat.get(chat_id) if chat_id is not None else None
        if expect is None:
            return
        if not call.ok and call.error_code != 400:
            self.bot_errors += 1
        if method in EDITS and expect.message_id is not None and _int(call.params.get("message_id")) == expect.message_id:
            expect.edited, expect.result = call.time, call.result if call.ok else None
        elif method in SENDS and call.ok and expect.message_id is None and _buttons(call.result):
            expect.edited, expect.result = call.time, call.result
        else:
            return
        expect._check()
        if expect.future.done():
            self.by_chat.pop(chat_id, None)

    def expect(self, chat_id: int, t0: float, message_id: int | None, query_id: str | None) -> Expect:
        expect = Expect(chat_id, t0, message_id, query_id)
        self.by_chat[chat_id] = expect
        if query_id is not None:
            self.by_query[query_id] = expect
        return expect

    def forget(self, expect: Expect) -> None:
        if self.by_chat.get(expect.chat_id) is expect:
            del self.by_chat[expect.chat_id]
        if expect.query_id is not None:
            self.by_query.pop(expect.query_id, None)

    async def tap(self, user, message: dict, data: str) -> Expect:
        """Press a button and return the expectation (await ``.future`` for the reaction)."""
        t0 = time.time()
        # press_button queues the update without suspending, so the bot cannot react before we register.
        query_id = await self.sandbox.press_button(user, message, data)
        return self.expect(message["chat"]["id"], t0, message["message_id"], query_id)

    async def deep_link(self, user, payload: str) -> Expect:
        """Open t.me/<bot>?start=<payload>; the expectation completes with the first message carrying buttons."""
        t0 = time.time()
        expect = self.expect(user.id, t0, None, None)
        await self.sandbox.open_deep_link(user, f"https://t.me/{self.sandbox.bot_username}?start={payload}")
        return expect


def _buttons(message) -> list[str]:
    if not isinstance(message, dict):
        return []
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


def current(sandbox: Sandbox, message: dict) -> dict:
    """The message as it is now in the chat (edits applied)."""
    return sandbox.world.get_message(message["chat"]["id"], message["message_id"]) or message


# ----------------------------------------------------------------------------- statistics
@dataclass
class TapStats:
    """Reactions to the taps of one workload phase."""

    complete: list[float] = field(default_factory=list)  # seconds, tap queued -> last reaction
    first: list[float] = field(default_factory=list)  # seconds, tap queued -> first reaction
    censored: list[float] = field(default_factory=list)  # taps still unanswered when the phase stopped (lower bounds)
    started: float = 0.0
    ended: float = 0.0
    last_reaction: float = 0.0
    timeouts: int = 0

    def add(self, expect: Expect) -> None:
        self.complete.append(expect.complete)
        self.first.append(expect.first)
        self.last_reaction = max(self.last_reaction, expect.t0 + expect.complete)

    @property
    def done(self) -> int:
        return len(self.complete)

    def per_second(self) -> float:
        """Completed taps per second over the phase (first tap queued to last reaction, or to the stop)."""
        end = self.ended if self.censored else (self.last_reaction or self.ended)
        span = end - self.started
        return self.done / span if span > 0 else 0.0

    def percentile(self, p: float, which: str = "complete") -> tuple[float, bool]:
        """(value in seconds, is_lower_bound): unfinished taps count with the time they had waited."""
        values = sorted(getattr(self, which) + self.censored)
        if not values:
            return math.nan, False
        k = min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))
        value = values[k]
        lower_bound = bool(self.censored) and value >= min(self.censored)
        return value, lower_bound


def settle_load_generator() -> None:
    """Before a measured phase: move everything this process holds so far (the sandbox's record of earlier
    calls, the people) out of the cyclic garbage collector's view. Otherwise a full collection of this process
    - Telegram and its users - stalls every chat for up to 60 ms, whichever bot it happens to be measuring."""
    gc.collect()
    gc.freeze()


async def run_people(people, deadline: float, stats: TapStats) -> list:
    """Run the people's coroutines; at ``deadline`` (loop time) stop them, counting unfinished taps as censored.
    Returns each one's result (None when stopped)."""
    settle_load_generator()
    loop = asyncio.get_running_loop()
    stats.started = time.time()
    tasks = [asyncio.create_task(p) for p in people]
    _done, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - loop.time())) if tasks else (set(), set())
    stats.ended = time.time()
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    results = []
    for task in tasks:
        if task.cancelled():
            results.append(None)
        elif task.exception() is not None:
            raise task.exception()
        else:
            results.append(task.result())
    return results


async def await_reaction(tracker: Tracker, expect: Expect, stats: TapStats | None, timeout: float = 120.0) -> Expect | None:
    """Wait for the bot's reaction; on cancellation (the phase stopped) record the tap as censored."""
    try:
        await asyncio.wait_for(asyncio.shield(expect.future), timeout)
    except asyncio.CancelledError:
        if stats is not None:
            stats.censored.append(time.time() - expect.t0)
        tracker.forget(expect)
        raise
    except TimeoutError:
        if stats is not None:
            stats.timeouts += 1
            stats.censored.append(time.time() - expect.t0)
        tracker.forget(expect)
        return None
    if stats is not None:
        stats.add(expect)
    return expect


# ----------------------------------------------------------------------------- simulated people
def choose_checkin_button(message: dict, rng: random.Random, *, wander: bool, last: str | None) -> str | None:
    """The next button a member taps in the check-in: an answer, skip an open question, send at the review.
    ``wander``: never send - answer and go back, over and over (keeps tapping for as long as needed)."""
    datas = _buttons(message)
    answers = [d for d in datas if d.startswith("v1:ans:")]
    back = [d for d in datas if d.startswith("v1:back:")]
    if wander:
        if back and (last == "ans" or not answers):
            return back[0]
        if answers:
            return rng.choice(answers)
        skip = [d for d in datas if d.startswith("v1:skip:")]
        return skip[0] if skip else (back[0] if back else None)
    for prefix in ("v1:send:",):
        found = [d for d in datas if d.startswith(prefix)]
        if found:
            return found[0]
    if answers:
        return rng.choice(answers)
    skip = [d for d in datas if d.startswith("v1:skip:")]
    return skip[0] if skip else None


async def open_checkin(tracker: Tracker, user, round_id: int, timeout: float, stats: TapStats | None = None) -> dict | None:
    """The member opens the check-in from the group's button (deep link); returns the first question."""
    expect = await tracker.deep_link(user, f"round_{round_id}")
    got = await await_reaction(tracker, expect, stats, timeout)
    return got.result if got else None


class Sink:
    """Where a person's tap timings go (a phase may switch it, e.g. when a broadcast starts)."""

    def __init__(self, stats: TapStats | None = None) -> None:
        self.stats = stats or TapStats()


async def checkin_member(tracker: Tracker, user, question: dict, sink: Sink, rng: random.Random, *,
                         keep_going: Callable[[], bool] | None = None, think: tuple[float, float] = (0.0, 0.0),
                         max_taps: int = 100_000) -> bool:
    """Tap through the check-in from ``question`` until it is sent; True when thanked. With ``keep_going``,
    wander instead (answer, back, answer, ...) for as long as it returns True."""
    message, last = question, None
    for _ in range(max_taps):
        if keep_going is not None and not keep_going():
            return True
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))
        message = current(tracker.sandbox, message)
        data = choose_checkin_button(message, rng, wander=keep_going is not None, last=last)
        if data is None:
            return "v1:" not in str(message.get("reply_markup"))  # thanked: the check-in is sent
        last = data.split(":")[1]
        expect = await tracker.tap(user, message, data)
        if await await_reaction(tracker, expect, sink.stats) is None:
            return False
    return False


BARE_BUTTON = "b:{n}"


def bare_start_message(sandbox: Sandbox, user) -> dict:
    """The message the bare bot's people tap on: put straight into their private chat (no API call, untimed set-up)."""
    world = sandbox.world
    user.started_bot = True
    markup = {"inline_keyboard": [[{"text": "Verder", "callback_data": BARE_BUTTON.format(n=0)}]]}
    return world.store(world.new_message(world.bot, user.id, text="Stap 0", reply_markup=markup))


async def bare_member(tracker: Tracker, user, message: dict, taps: int, sink: Sink, rng: random.Random, *,
                      keep_going: Callable[[], bool] | None = None, think: tuple[float, float] = (0.0, 0.0)) -> bool:
    """Tap the bare bot's single button ``taps`` times (or, with ``keep_going``, for as long as it returns True)."""
    for _ in range(taps if keep_going is None else 10**7):
        if keep_going is not None and not keep_going():
            return True
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))
        message = current(tracker.sandbox, message)
        expect = await tracker.tap(user, message, _buttons(message)[0])
        if await await_reaction(tracker, expect, sink.stats) is None:
            return False
    return True


# ----------------------------------------------------------------------------- the baseline bot
async def _bare_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    n = int(query.data.split(":")[1]) + 1
    await query.answer()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Verder", callback_data=BARE_BUTTON.format(n=n))]])
    await query.edit_message_text(f"Stap {n}", reply_markup=markup)


def build_bare_application(token: str, base_url: str, base_file_url: str) -> Application:
    """The baseline: python-telegram-bot with its defaults, one handler that answers every tap."""
    application = ApplicationBuilder().token(token).base_url(base_url).base_file_url(base_file_url).build()
    application.add_handler(CallbackQueryHandler(_bare_tap))
    return application


async def stop_application(application: Application) -> None:
    """Stop polling, drop updates fetched but not yet handled (a stopped phase leaves some), stop and shut down."""
    await application.updater.stop()
    while not application.update_queue.empty():
        application.update_queue.get_nowait()
        application.update_queue.task_done()
    await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()


# ----------------------------------------------------------------------------- the bot under test, in its own process
ROOT = Path(__file__).resolve().parent.parent


class ChildBot:
    """``benchmarks/bot_child.py`` in a child process: ``mode`` is "bot" (the real bot on ``database``) or "bare"."""

    def __init__(self, sandbox: Sandbox, mode: str, database: Path | None = None, log: Path | None = None) -> None:
        self.sandbox, self.mode, self.database = sandbox, mode, database
        self.log = log or Path(os.devnull)
        self.process: asyncio.subprocess.Process | None = None
        self.rss_kb = 0

    async def start(self, timeout: float = 60.0) -> ChildBot:
        args = [sys.executable, "-m", "benchmarks.bot_child", self.mode, self.sandbox.token,
                self.sandbox.base_url.removesuffix("/bot")]
        if self.database is not None:
            args.append(str(self.database))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        with open(self.log, "ab") as errors:
            self.process = await asyncio.create_subprocess_exec(
                *args, cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=errors)
        await self._reply(timeout)
        return self

    async def _reply(self, timeout: float) -> dict:
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            await self.process.wait()
            tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{self.mode} child exited ({self.process.returncode}): {tail}")
        return json.loads(line)

    async def command(self, line: str, timeout: float = 120.0) -> dict:
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()
        return await self._reply(timeout)

    async def stop(self, timeout: float = 60.0) -> None:
        """Stop polling, drop updates fetched but not handled, shut down and wait for the process to end."""
        if self.process is None:
            return
        try:
            if self.process.returncode is None:
                self.rss_kb = (await self.command("stop", timeout)).get("rss_kb", 0)
                await asyncio.wait_for(self.process.wait(), timeout)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
            self.process = None
