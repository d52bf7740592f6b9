"""Property-based proofs of the release rules, over team sizes 1 to 30 and every release path: a result
exists only from min_group_size answers, an unreleased round carries nothing derived from its answers,
open answers need their own threshold, and a trend is made of released rounds only."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.analysis import Thresholds, summarise_analysis
from flows.catalogue import default_sources
from flows.checkin import analysis_questions
from flows.cycle import CloseOutcome, Round, RoundKind, close_round, release_threshold
from flows.evaluation import evaluation_questions, summarise_evaluation
from flows.plan import PlanVote, counts_released
from flows.pulse import pulse_questions, summarise_pulse
from flows.trend import trend_points

QUESTIONS = analysis_questions(default_sources()[:3])
EVALUATION = evaluation_questions(["onderwijsassistent", "<b>eigen</b> & meer"])
PULSE = pulse_questions()
SIZES = st.integers(min_value=1, max_value=30)
MINIMA = st.integers(min_value=3, max_value=10)
FEW = settings(max_examples=60, deadline=None)


def answers(questions, count: int, seed: int) -> tuple[list[dict], list[tuple[str, str]]]:
    """``count`` random respondents: scores for every scale question, and some open answers."""
    rng = random.Random(seed)
    scores, texts = [], []
    for _ in range(count):
        scores.append({q.id: rng.choice([v for v, _ in q.options("nl")]) for q in questions if q.kind != "free_text"})
        texts += [(q.id, f"tekst {rng.randrange(10**6)}") for q in questions if q.kind == "free_text" and rng.random() < 0.6]
    return scores, texts


def summaries(kind: str, count: int, seed: int, thresholds: Thresholds):
    if kind == "analysis":
        scores, texts = answers(QUESTIONS, count, seed)
        return summarise_analysis(QUESTIONS, scores, texts, 30, thresholds, random.Random(seed)), texts
    if kind == "pulse":
        scores, texts = answers(PULSE, count, seed)
        return summarise_pulse(PULSE, scores, texts, 30, thresholds, random.Random(seed)), texts
    scores, texts = answers(EVALUATION, count, seed)
    summary = summarise_evaluation(EVALUATION, scores, texts, 30, thresholds, None, ["onderwijsassistent", "<b>eigen</b> & meer"], (5.0, 4.0), random.Random(seed))
    return summary, texts


@FEW
@given(kind=st.sampled_from(["analysis", "pulse", "evaluation"]), count=SIZES, minimum=MINIMA, seed_a=st.integers(), seed_b=st.integers())
def test_results_exist_only_from_the_threshold(kind, count, minimum, seed_a, seed_b):
    """Released iff at least min_group_size answered; below it two different answer sets give the same summary."""
    thresholds = Thresholds(minimum, minimum + 2)
    first, _ = summaries(kind, count, seed_a, thresholds)
    second, _ = summaries(kind, count, seed_b, thresholds)
    assert first.released is (count >= minimum)
    if not first.released:
        assert first.to_dict() == second.to_dict()  # nothing derived from the answers


@FEW
@given(kind=st.sampled_from(["analysis", "pulse", "evaluation"]), count=SIZES, seed=st.integers())
def test_open_answers_need_their_own_threshold(kind, count, seed):
    """Open answers appear only when a prompt has at least min_group_size_free_text of them - then all of them."""
    thresholds = Thresholds(3, 6)
    summary, texts = summaries(kind, count, seed, thresholds)
    by_prompt: dict[str, list[str]] = {}
    for prompt, text in texts:
        by_prompt.setdefault(prompt, []).append(text)
    shown = summary.free_texts if summary.released else {}
    if not isinstance(shown, dict):  # a pulse and an evaluation have one open prompt
        shown = {texts[0][0]: shown} if shown else {}
    for prompt, given_texts in by_prompt.items():
        if summary.released and len(given_texts) >= 6:
            assert sorted(shown[prompt]) == sorted(given_texts)
        else:
            assert prompt not in shown


@FEW
@given(count=SIZES, minimum=MINIMA, kind=st.sampled_from(list(RoundKind)), explicit=st.booleans())
def test_a_round_closes_with_results_only_from_its_threshold(count, minimum, kind, explicit):
    """Closing releases results only from the threshold; below it only on the leader's explicit choice, without results."""
    round_ = Round(1, 1, 1, kind)
    outcome = close_round(round_, count, release_threshold(kind, minimum), accept_without_results=explicit)
    if count >= release_threshold(kind, minimum):
        assert outcome is CloseOutcome.RELEASED and round_.state == "closed"
    elif explicit:
        assert outcome is CloseOutcome.WITHOUT_RESULTS and round_.state == "closed_without_results"
    else:
        assert outcome is CloseOutcome.TOO_FEW and round_.state == "open"
    if round_.state != "open":  # a closed round is never closed (released) a second time
        state = round_.state
        assert close_round(round_, 99, 1, accept_without_results=True) is CloseOutcome.TOO_FEW
        assert round_.state == state


@FEW
@given(counts=st.lists(SIZES, min_size=1, max_size=8), minimum=MINIMA, seed=st.integers())
def test_a_trend_is_made_of_released_rounds_only(counts, minimum, seed):
    """Unreleased rounds contribute no point, so no round can be recovered by comparing trends."""
    thresholds = Thresholds(minimum, minimum + 2)
    items = []
    for number, count in enumerate(counts):
        summary, _ = summaries("pulse" if number % 2 else "analysis", count, seed + number, thresholds)
        items.append(("pulse" if number % 2 else "analysis", f"2026-{1 + number:02d}-01", "x", summary.to_dict()))
    points = trend_points(items)
    assert [p.respondents for p in points] == [c for c in counts if c >= minimum]


@FEW
@given(voor=st.integers(0, 30), tegen=st.integers(0, 30), onthouding=st.integers(0, 30), minimum=MINIMA)
def test_plan_vote_numbers_only_from_the_threshold(voor, tegen, onthouding, minimum):
    """The plan vote's numbers are shown only from min_group_size voters."""
    vote = PlanVote(voor, tegen, onthouding, members=voor + tegen + onthouding + 1)
    assert counts_released(vote, minimum) is (voor + tegen + onthouding >= minimum)
