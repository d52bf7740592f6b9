"""The summary, guide and chart as Telegram sees them: valid HTML, within limits, exact figures, escaped."""

import random
import struct
import time

import pytest

from bot.render.charts import sources_chart
from bot.sandbox.html_check import check_text, utf16_len
from bot.render.summary_render import analysis_caption, decimal1, percent, percent1, render_analysis, render_guide
from flows.analysis import Thresholds, summarise_analysis
from flows.catalogue import Source, custom_source, default_sources
from flows.checkin import analysis_questions
from flows.guide import conversation_guide
from tests.flows.test_analysis import QUESTIONS, ROWS, _scores

NASTY = "<b>&amp; \u202eevil\u200b\u05e9\u05dc\u05d5\u05dd"  # HTML, an entity, a RTL override, zero-width, Hebrew


def _valid(message: str, limit: int = 4096) -> str:
    """The plain text Telegram would show; fails if Telegram would refuse the message."""
    plain, entities = check_text(message, "HTML")
    assert plain.strip() and utf16_len(plain) <= limit
    assert len(entities) <= 100
    return plain


def _released(texts=()):
    return summarise_analysis(QUESTIONS, _scores(), list(texts), 12, Thresholds(5, 5), random.Random(0))


def test_number_formats():
    """Whole percentages for the team (half up), one decimal for the nation, a decimal comma in Dutch."""
    assert percent(0.625, "nl") == "63%" and percent(8 / 12, "en") == "67%" and percent(0.0, "nl") == "0%"
    assert percent1(45.0, "nl") == "45,0%" and percent1(45.0, "en") == "45.0%"
    assert decimal1(17 / 8, "nl") == "2,1" and decimal1(1.25, "en") == "1.3"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_released_summary_shows_the_exact_figures(language):
    """Response, NEA shares, the composite beside the national figure, sources, influence."""
    messages = render_analysis(_released(), language, "De Klimop")
    assert len(messages) == 1
    plain = _valid(messages[0])
    if language == "nl":
        assert "8 van de 12 collega's hebben de vragenlijst ingevuld (67%)" in plain
        assert "Moet je extra hard werken om iets af te krijgen? 63%" in plain
        assert "Moet je erg snel werken? 38%" in plain
        assert "in jullie team 63% · landelijk po 45,0% (NEA 2022)" in plain
        assert "NEA (TNO/CBS), via OCW in cijfers" in plain
        assert "1. contact met ouders: 2,1 · 75% veel of heel veel" in plain
        assert "geen 1 · een beetje 1 · veel 2 · heel veel 4" in plain
        assert "2. administratie en registratie: 1,5 · 50%" in plain
        assert "gemiddeld 2,6 (van 1 tot 4)" in plain
        assert "Niemand heeft de open vragen beantwoord." in plain
    else:
        assert "8 of 12 colleagues completed the questionnaire (67%)" in plain
        assert "in your team 63% · national primary education 45.0% (NEA 2022)" in plain
        assert "1. contact with parents: 2.1 · 75% a lot or very much" in plain
        assert "mean 2.6 (from 1 to 4)" in plain
    assert plain.index("ouders" if language == "nl" else "parents") < plain.index("administra")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_unreleased_summary_says_why_and_nothing_else(language):
    """Too few answers: the counts and how many were needed, no figure from the answers."""
    summary = summarise_analysis(QUESTIONS, _scores(ROWS[:3]), [("free_cause", "geheim")] * 9, 12, Thresholds(5, 5))
    messages = render_analysis(summary, language, "De Klimop")
    assert len(messages) == 1
    plain = _valid(messages[0])
    assert ("minstens 5 nodig" if language == "nl" else "at least 5 are needed") in plain
    assert "3" in plain and "geheim" not in plain and "%" in plain  # only the response rate (25%)
    assert "25%" in plain and plain.count("%") == 1
    with pytest.raises(ValueError):
        analysis_caption(summary, language)
    with pytest.raises(ValueError):
        sources_chart(summary, language)


def test_user_text_is_escaped_and_isolated():
    """Team name, custom labels and open answers with HTML, RTL overrides and zero-width characters."""
    source = custom_source(NASTY, [])
    questions = analysis_questions([source, *default_sources()[:2]])
    scores = [{q.id: q.options("nl")[-1][0] for q in questions if q.kind != "free_text"}] * 5
    texts = [("free_cause", NASTY)] * 5
    summary = summarise_analysis(questions, scores, texts, 5, Thresholds(5, 5), random.Random(0), {source.key: (source.nl, source.en)})
    for language in ("nl", "en"):
        messages = render_analysis(summary, language, NASTY)
        plains = [_valid(m) for m in messages]
        joined = "".join(messages)
        assert "&lt;b&gt;&amp;amp; evil" in joined and "<b>&amp; evil" not in joined  # never raw user HTML
        assert "\u202e" not in joined  # the override cannot flip the rest of the message
        expected = "\u2068<b>&amp; evil\u200b\u05e9\u05dc\u05d5\u05dd\u2069"
        assert sum(p.count(expected) for p in plains) == 1 + 1 + 5  # team name, label, five answers
        guide = render_guide(conversation_guide(summary), language)
        assert _valid(guide).count(expected) == 1
        assert expected in _valid(analysis_caption(summary, language), 1024)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_sixty_respondents_with_long_answers_split_into_valid_messages(language):
    """120 long open answers spread over several messages, each valid, none lost, all in order."""
    rng = random.Random(5)
    sources = default_sources() + [Source(f"eigen{i}", "lang label " * 5 + "&<>" + str(i), "x" * 60, True) for i in range(10)]
    questions = analysis_questions(sources)
    scores = [{q.id: rng.choice(q.options("nl"))[0] for q in questions if q.kind != "free_text"} for _ in range(60)]
    texts = [(prompt, f"{prompt} {i}: " + ("werkdruk & <zorg> " * 60)[:990]) for prompt in ("free_cause", "free_help") for i in range(60)]
    summary = summarise_analysis(questions, scores, texts, 70, Thresholds(5, 10), random.Random(1))
    messages = render_analysis(summary, language, "Team")
    assert len(messages) > 5
    plains = [_valid(m) for m in messages]
    joined = "\n".join(plains)
    for prompt in ("free_cause", "free_help"):
        positions = [joined.index(text) for text in summary.free_texts[prompt]]
        assert positions == sorted(positions)  # in the (shuffled) stored order, each one complete
    assert "20. " in joined


def test_an_enormous_answer_is_cut_with_a_note():
    """A single answer longer than a message is shortened with '…' and says so."""
    summary = _released(texts=[("free_cause", "&" * 9000)] + [("free_cause", "kort")] * 4)
    for language in ("nl", "en"):
        plains = [_valid(m) for m in render_analysis(summary, language, "T")]
        assert any("…”" in p and ("ingekort" in p or "shortened" in p) for p in plains)
        assert any("“kort”" in p for p in plains)


def test_withheld_open_answers_show_only_their_count():
    """Below the free-text threshold: the count and the reason, never the text."""
    summary = summarise_analysis(QUESTIONS, _scores(), [("free_help", "mijn geheim")] * 3, 12, Thresholds(5, 10))
    plain = _valid(render_analysis(summary, "nl", "T")[0])
    assert "mijn geheim" not in plain
    assert "3 antwoorden, niet getoond" in plain and "vanaf 10 antwoorden" in plain


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("with_analysis", [True, False])
def test_guide_is_one_valid_message(language, with_analysis):
    """The guide fits in one message, shows the figures and the three questions, and its minutes."""
    summary = _released() if with_analysis else None
    plain = _valid(render_guide(conversation_guide(summary, 45), language))
    questions = {"nl": "Waar komt deze werkdruk vandaan?", "en": "Where does this workload come from?"}[language]
    if with_analysis:
        assert plain.count(questions) == 3
        assert ("in ons team 63% · landelijk po 45,0% (NEA 2022)" if language == "nl" else "45.0%") in plain
    else:
        assert questions not in plain and "%" not in plain
    assert "45" in plain  # the meeting's length


def test_guide_with_long_custom_labels_still_fits():
    """Three custom sources at the maximum label length full of characters to escape."""
    sources = [custom_source("&<>" * 20, []), Source("eigen2", "&" * 60, "&" * 60, True), Source("eigen3", "<" * 60, "<" * 60, True)]
    questions = analysis_questions(sources)
    scores = [{q.id: 3 if q.kind == "pressure" else q.options("nl")[0][0] for q in questions if q.kind != "free_text"}] * 5
    summary = summarise_analysis(questions, scores, [], 5, Thresholds(5, 5), source_labels={s.key: (s.nl, s.en) for s in sources})
    for language in ("nl", "en"):
        _valid(render_guide(conversation_guide(summary, 240), language))


def test_chart_is_a_phone_sized_png_and_fast():
    """A PNG of about 1000x700 px; 20 sources render well under a second (measured: see the report)."""
    summary = _released()
    png = sources_chart(summary, "nl")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1000, 700)
    many = [Source(f"eigen{i}", f"bron nummer {i} met een vrij lange naam", f"source {i}", True) for i in range(20)]
    questions = analysis_questions(many)
    rng = random.Random(2)
    scores = [{q.id: rng.choice(q.options("nl"))[0] for q in questions if q.kind != "free_text"} for _ in range(30)]
    big = summarise_analysis(questions, scores, [], 30, Thresholds(5, 5), source_labels={s.key: (s.nl, s.en) for s in many})
    sources_chart(big, "en")
    start = time.perf_counter()
    png = sources_chart(big, "en")
    assert time.perf_counter() - start < 1.0
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", png[16:20])[0] == 1000


def test_chart_draws_hostile_labels_literally_and_without_warnings():
    """Mathtext dollars, bidi controls and glyphs the font lacks neither crash nor warn (warnings are errors)."""
    labels = ["$\\frac$ kosten $x$", "x\u202ey \u05e9\u05dc\u05d5\u05dd", "\u4e2d\u6587 werk", NASTY]
    sources = [Source(f"eigen{i}", label, label, True) for i, label in enumerate(labels)]
    questions = analysis_questions(sources)
    scores = [{q.id: q.options("nl")[1][0] for q in questions if q.kind != "free_text"}] * 5
    summary = summarise_analysis(questions, scores, [], 5, Thresholds(5, 5), source_labels={s.key: (s.nl, s.en) for s in sources})
    assert sources_chart(summary, "en")[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_round_without_sources_still_gets_a_chart_and_caption():
    """No source questions at all: the summary renders, and chart and caption say there is nothing to show."""
    questions = analysis_questions([])
    scores = [{q.id: q.options("nl")[0][0] for q in questions if q.kind != "free_text"}] * 5
    summary = summarise_analysis(questions, scores, [], 5, Thresholds(5, 5))
    assert summary.sources == ()
    for language in ("nl", "en"):
        assert sources_chart(summary, language)[:8] == b"\x89PNG\r\n\x1a\n"
        _valid(analysis_caption(summary, language), 1024)
        [_valid(m) for m in render_analysis(summary, language, "T")]
    assert conversation_guide(summary).note == "guide_note_no_sources"


def test_caption_is_short_and_valid():
    """The chart's caption names the respondents and the top source within 1024 units."""
    for language in ("nl", "en"):
        plain = _valid(analysis_caption(_released(), language), 1024)
        assert "8" in plain and ("contact met ouders" in plain or "contact with parents" in plain)
