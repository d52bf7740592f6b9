"""The bot's flood limits: new messages stay under Telegram's overall limit; the reactions to a person's own
taps (answers to callback queries, edits) are never held back."""

from __future__ import annotations

import asyncio

from bot.plumbing.updates import FloodLimits, SlidingWindow


class Recorder:
    """Stands in for the HTTP call: notes when each request actually left."""

    def __init__(self, full_after: int) -> None:
        self.left: list[tuple[str, float]] = []
        self.full_after, self.full = full_after, asyncio.Event()

    def call(self, endpoint: str):
        async def send(*_args, **_kwargs):
            self.left.append((endpoint, asyncio.get_running_loop().time()))
            if sum(1 for e, _ in self.left if e == "sendMessage") == self.full_after:
                self.full.set()
            return True

        return send


async def _request(limits: FloodLimits, recorder: Recorder, endpoint: str, chat_id: int):
    return await limits.process_request(recorder.call(endpoint), (), {}, endpoint, {"chat_id": chat_id}, None)


async def test_new_messages_stay_under_the_overall_limit_and_taps_are_never_held():
    """30 private messages at once: the first 25 leave at once, the rest only after a second; meanwhile, with
    the window full, 50 answers and edits - members tapping - go straight through."""
    limits = FloodLimits()
    await limits.initialize()
    recorder = Recorder(full_after=FloodLimits.PER_SECOND)
    loop = asyncio.get_running_loop()
    start = loop.time()
    sends = [asyncio.create_task(_request(limits, recorder, "sendMessage", 1000 + i)) for i in range(30)]
    await recorder.full.wait()
    assert not any(task.done() for task in sends[FloodLimits.PER_SECOND + 1:])  # the rest wait for the window
    tapping = loop.time()
    for i in range(25):
        assert await _request(limits, recorder, "answerCallbackQuery", 2000 + i) is True
        assert await _request(limits, recorder, "editMessageText", 2000 + i) is True
    taps_done = loop.time() - tapping
    assert all(await asyncio.gather(*sends))
    sent = sorted(t for endpoint, t in recorder.left if endpoint == "sendMessage")
    assert len(sent) == 30
    assert sent[FloodLimits.PER_SECOND - 1] - start < 0.5  # a burst within the limit is not spread out
    assert sent[FloodLimits.PER_SECOND] - sent[0] >= 1.0  # the 26th waits for the window
    assert taps_done < 0.5  # the taps did not wait behind the messages
    await limits.shutdown()


async def test_a_message_counts_until_it_was_answered():
    """A message still on its way keeps its place in the window, however long ago it left: Telegram counts
    it when it arrives, which under load can be long after it left. Once answered it counts one more period."""
    window = SlidingWindow(2, period=0.2)
    loop = asyncio.get_running_loop()
    await window.acquire()  # a slow one, still on its way
    await window.acquire()
    window.release()  # a quick one, answered at once
    start = loop.time()
    await window.acquire()  # goes once the quick one's period is over
    assert loop.time() - start >= 0.2 - 0.01
    fourth = asyncio.create_task(window.acquire())
    await asyncio.wait([fourth], timeout=0.4)
    assert not fourth.done()  # the slow one left 0.6 s ago but is still out: it still counts
    answered = loop.time()
    window.release()  # the slow one is answered
    await fourth
    assert loop.time() - answered >= 0.2 - 0.01  # ... and counts for one more period
