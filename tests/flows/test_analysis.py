"""The analysis summary: exact figures from the answers, nothing below the threshold, open answers guarded."""

import json
import random

import pytest

from flows.analysis import AnalysisSummary, Thresholds, national_reference, summarise_analysis
from flows.catalogue import Source, default_sources
from flows.checkin import Question, analysis_questions

SOURCES = [s for s in default_sources() if s.key in ("administratie", "zorg", "ouders")]
QUESTIONS = analysis_questions(SOURCES)

# Eight respondents: (nea_hard, nea_much, nea_fast), (administratie, zorg, ouders), influence.
ROWS = [
    ((4, 4, 4), (0, 1, 3), 1),  # NEA sum 12: high
    ((3, 3, 2), (1, 1, 3), 2),  # 8: high (mean 2.67)
    ((3, 2, 2), (2, 1, 3), 3),  # 7: not high (mean 2.33)
    ((2, 2, 2), (3, 1, 2), 4),
    ((4, 3, 1), (3, 2, 0), 4),  # 8: high
    ((1, 1, 1), (2, 2, 1), 3),
    ((3, 3, 3), (1, 2, 2), 2),  # high
    ((2, 3, 3), (0, 2, 3), 2),  # high
]


def _scores(rows=ROWS):
    return [
        {"nea_hard": n[0], "nea_much": n[1], "nea_fast": n[2], "src:administratie": s[0], "src:zorg": s[1], "src:ouders": s[2], "influence": i}
        for n, s, i in rows
    ]


def _summary(rows=ROWS, texts=(), members=12, thresholds=Thresholds(5, 5), rng=None):
    return summarise_analysis(QUESTIONS, _scores(rows), list(texts), members, thresholds, rng or random.Random(0))


def test_exact_figures_from_eight_respondents():
    """Every share, mean and count follows by hand from the eight rows above."""
    summary = _summary()
    assert summary.released and summary.respondents == 8 and summary.members == 12
    assert summary.response_rate == pytest.approx(8 / 12)
    assert [item.id for item in summary.nea] == ["nea_hard", "nea_much", "nea_fast"]
    hard, much, fast = summary.nea
    assert hard.share_often == 0.625 and hard.distribution == (2, 3, 2, 1)  # altijd, vaak, soms, nooit
    assert much.share_often == 0.625 and much.distribution == (1, 4, 2, 1)
    assert fast.share_often == 0.375 and fast.distribution == (1, 2, 3, 2)
    assert hard.nl.startswith("Moet je extra hard") and hard.en.startswith("Do you have to work extra hard")
    assert summary.high_workload_share == 0.625  # five of eight have a mean of 2.5 or more
    assert summary.reference.value == 45.0 and summary.reference.year == 2022
    assert summary.reference.source == "NEA (TNO/CBS), via OCW in cijfers"

    ouders, administratie, zorg = summary.sources  # zorg ties administratie on mean and share: by label
    assert (ouders.key, ouders.mean, ouders.distribution, ouders.share_high) == ("ouders", 17 / 8, (1, 1, 2, 4), 0.75)
    assert (administratie.mean, administratie.distribution, administratie.share_high) == (1.5, (2, 2, 2, 2), 0.5)
    assert (zorg.key, zorg.mean, zorg.distribution, zorg.share_high) == ("zorg", 1.5, (0, 4, 4, 0), 0.5)
    assert administratie.nl == "administratie en registratie" and administratie.en == "administration and record keeping"
    assert summary.influence.mean == 21 / 8 and summary.influence.distribution == (1, 3, 2, 2)


def test_composite_threshold_is_inclusive():
    """A mean of exactly 2.5 counts as high workload (OCW/NEA rule); just under does not."""
    two = [Question("a", "frequency", "a", "a"), Question("b", "frequency", "b", "b")]
    scores = [{"a": 3, "b": 2}, {"a": 2, "b": 2}, {"a": 4, "b": 1}, {"a": 1, "b": 3}]
    summary = summarise_analysis(two, scores, [], 4, Thresholds(3, 3), random.Random(0))
    assert summary.high_workload_share == 0.5
    assert national_reference()[1] == 2.5


def test_sources_sort_by_share_when_means_tie():
    """Equal means: the source with more 'veel'/'heel veel' answers ranks first."""
    questions = analysis_questions([Source("x", "x", "x"), Source("y", "y", "y")])
    scores = [{"src:x": 1, "src:y": 0}, {"src:x": 1, "src:y": 0}, {"src:x": 1, "src:y": 3}]
    summary = summarise_analysis(questions, scores, [], 3, Thresholds(3, 3), random.Random(0))
    assert [s.key for s in summary.sources] == ["y", "x"]


def test_source_labels_argument_and_fallbacks():
    """Labels come from the argument, else the default list, else the key."""
    questions = analysis_questions([Source("eigen1", "Rapporten <b>&", "Rapporten <b>&", True), Source("ict", "a", "b"), Source("zzz", "q", "q")])
    scores = [{"src:eigen1": 1, "src:ict": 2, "src:zzz": 0}] * 3
    summary = summarise_analysis(questions, scores, [], 3, Thresholds(3, 3), random.Random(0), source_labels={"eigen1": ("Rapporten <b>&", "Reports <b>&")})
    labels = {s.key: (s.nl, s.en) for s in summary.sources}
    assert labels == {"eigen1": ("Rapporten <b>&", "Reports <b>&"), "ict": ("ICT en digitale systemen", "ICT and digital systems"), "zzz": ("zzz", "zzz")}


def test_too_few_respondents_show_nothing_that_depends_on_answers():
    """Below the threshold only counts are kept; two very different answer sets give identical summaries."""
    texts = [("free_cause", "alles")] * 10
    low = _summary(rows=ROWS[:4], texts=texts)
    other = _summary(rows=[((1, 1, 1), (0, 0, 0), 1)] * 4)
    assert not low.released
    assert low.to_dict() == other.to_dict()
    assert low.nea == () and low.sources == () and low.influence is None and low.reference is None
    assert low.high_workload_share is None and low.free_texts == {} and low.free_texts_withheld == {}
    assert (low.respondents, low.members, low.min_group_size) == (4, 12, 5)
    assert "alles" not in json.dumps(low.to_dict())
    assert _summary(rows=ROWS[:5]).released  # exactly the threshold releases


def test_free_text_below_threshold_is_withheld_and_at_threshold_shuffled_and_complete():
    """Per prompt: below the free-text threshold only a count; at it, every text, shuffled with the rng."""
    cause = [f"oorzaak {i}" for i in range(6)]
    texts = [("free_cause", c) for c in cause] + [("free_help", "hulp-een"), ("free_help", "hulp-twee"), ("free_help", "  "), ("other", "x")]
    summary = _summary(texts=texts, thresholds=Thresholds(5, 6), rng=random.Random(42))
    expected = list(cause)
    random.Random(42).shuffle(expected)
    assert summary.free_texts == {"free_cause": tuple(expected)}
    assert sorted(summary.free_texts["free_cause"]) == sorted(cause)
    assert summary.free_texts_withheld == {"free_help": 2}  # blank answers do not count
    dumped = json.dumps(summary.to_dict())
    assert "hulp-een" not in dumped and "hulp-twee" not in dumped and "\"x\"" not in dumped


def test_free_text_shuffle_is_not_the_answer_order():
    """With the default (system) randomness the order is not the order of answering, in the long run."""
    texts = [("free_cause", str(i)) for i in range(20)]
    orders = {summarise_analysis(QUESTIONS, _scores(), texts, 8, Thresholds(5, 5)).free_texts["free_cause"] for _ in range(5)}
    assert len(orders) > 1


def test_response_rate_edges():
    """No members: no rate; more respondents than members (people left): clamped to 1."""
    assert _summary(members=0).response_rate is None
    assert _summary(members=6).response_rate == 1.0


def test_off_scale_answers_are_refused_and_missing_ones_skipped():
    """A stored value off the scale is a bug, not data; a missing answer only lowers that item's count."""
    bad = _scores()
    bad[0]["nea_hard"] = 7
    with pytest.raises(ValueError):
        summarise_analysis(QUESTIONS, bad, [], 8, Thresholds(5, 5))
    partial = _scores()
    del partial[0]["src:ouders"]
    summary = summarise_analysis(QUESTIONS, partial, [], 8, Thresholds(5, 5))
    assert sum(next(s for s in summary.sources if s.key == "ouders").distribution) == 7


def test_thresholds_must_be_positive():
    """A threshold of zero would release an empty round."""
    with pytest.raises(ValueError):
        Thresholds(0, 5)


def test_json_round_trip():
    """A stored summary comes back equal, released or not."""
    for summary in (_summary(texts=[("free_cause", f"t{i}") for i in range(5)] + [("free_help", "h")]), _summary(rows=ROWS[:2])):
        assert AnalysisSummary.from_dict(json.loads(json.dumps(summary.to_dict()))) == summary


def test_property_shares_in_range_and_distributions_complete():
    """Over many random rounds: shares in [0, 1], means on their scale, distributions sum to respondents."""
    rng = random.Random(20240501)
    pool = default_sources()
    for _ in range(300):
        questions = analysis_questions(rng.sample(pool, rng.randint(0, len(pool))))
        scored = [q for q in questions if q.kind != "free_text"]
        respondents = rng.randint(0, 40)
        scores = [{q.id: rng.choice(q.options("nl"))[0] for q in scored} for _ in range(respondents)]
        texts = [(rng.choice(["free_cause", "free_help"]), "t") for _ in range(rng.randint(0, 30))]
        thresholds = Thresholds(rng.randint(1, 10), rng.randint(1, 15))
        summary = summarise_analysis(questions, scores, texts, rng.randint(0, 50), thresholds, random.Random(1))
        assert summary.released == (respondents >= thresholds.min_group_size)
        assert summary.response_rate is None or 0 <= summary.response_rate <= 1
        if not summary.released:
            assert summary.nea == () and summary.sources == () and summary.free_texts == {} and summary.free_texts_withheld == {}
            continue
        assert 0 <= summary.high_workload_share <= 1
        for item in summary.nea:
            assert 0 <= item.share_often <= 1 and sum(item.distribution) == respondents
        for source in summary.sources:
            assert 0 <= source.share_high <= 1 and 0 <= source.mean <= 3 and sum(source.distribution) == respondents
        means = [s.mean for s in summary.sources]
        assert means == sorted(means, reverse=True)
        assert 1 <= summary.influence.mean <= 4 and sum(summary.influence.distribution) == respondents
        shown = sum(len(v) for v in summary.free_texts.values()) + sum(summary.free_texts_withheld.values())
        assert shown == len(texts)
        assert all(len(v) >= thresholds.min_group_size_free_text for v in summary.free_texts.values())
        assert all(v < thresholds.min_group_size_free_text for v in summary.free_texts_withheld.values())
