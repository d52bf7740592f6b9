"""A sample of the every-point crash run (``python -m benchmarks.crash`` tries them all): the whole cycle once
without a kill, then once with the real ``werkdruk-bot run`` killed (SIGKILL) when one Bot API call it makes -
picked at random each run, as is the way it receives updates (long polling or webhook); both named on failure -
arrives at the sandbox. The run must end like the reference:
integrity ok, nothing a person did lost or counted twice, every round closed once, every summary delivered,
at most one message once more."""

from __future__ import annotations

import random

from benchmarks.crash import compare, run


async def test_a_cycle_killed_at_a_random_point_ends_like_the_reference(tmp_path):
    """One point of the every-point run: the outcome (database and delivered summaries) equals the reference."""
    webhook = random.choice([False, True])
    reference = await run(None, tmp_path / "reference", webhook)
    assert reference.state["integrity"] == "ok" and reference.calls > 100
    point = random.randint(1, reference.calls)
    outcome = await run(point, tmp_path / f"point-{point}", webhook)
    mode = "webhook" if webhook else "long polling"
    assert compare(reference, outcome) == [], f"{mode}: killed at Bot API call {point} of {reference.calls}"
