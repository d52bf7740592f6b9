"""The evaluation, the pulse and the trend as Telegram HTML messages, in Dutch (default) or English.

Texts come from ``bot/texts/<language>/evaluation.toml`` through :func:`t`, which escapes every value.
User-typed text (team name, measure titles, open answers, trend labels) also goes through
:func:`bot.render.summary_render.user_text`, so right-to-left text or bidi overrides cannot reorder the message.
Open answers are quoted unedited (an enormous one is cut, with a note). Each message holds at most 4096
UTF-16 units and 100 entities; a caption at most 1024 units.
"""

from __future__ import annotations

import datetime as dt

from bot.texts.i18n import DEFAULT_LANGUAGE, LANGUAGES, Markup, format_short_day, t
from bot.render.summary_render import CAPTION_LIMIT, ENTITY_LIMIT, MESSAGE_LIMIT, pack, percent, percent1, user_text, visible_length
from flows.analysis import national_reference
from flows.catalogue import load
from flows.evaluation import EvaluationSummary, tips
from flows.pulse import PulseSummary
from flows.trend import TrendPoint

MAX_TITLE = 200  # a measure title longer than this is cut with "…"
MAX_CAPTION_LABEL = 100


def _lang(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _distribution(kind: str, counts: tuple[int, ...], language: str) -> str:
    labels = load("analysis")["scales"][kind][language]
    return " · ".join(f"{label} {count}" for label, count in zip(labels, counts))


def _response(prefix: str, summary: EvaluationSummary | PulseSummary, language: str) -> str:
    if summary.members > 0:
        return t(language, f"{prefix}_response", respondents=summary.respondents, members=summary.members,
                 rate=percent(summary.response_rate, language))
    return t(language, f"{prefix}_response_no_members", respondents=summary.respondents)


def _quote(language: str, text: str, budget: int) -> str:
    """An open answer as an italic quote; one longer than ``budget`` is cut with a clear note."""
    quoted = t(language, "evaluation_free_item", text=user_text(text))
    if visible_length(quoted) <= budget:
        return quoted
    room = budget - visible_length(t(language, "evaluation_free_truncated", text="")) - 2  # + a bidi isolate
    kept: list[str] = []
    for char in text:
        room -= 2 if ord(char) > 0xFFFF else 1
        if room < 0:
            break
        kept.append(char)
    return t(language, "evaluation_free_truncated", text=user_text("".join(kept).rstrip()))


def _free_pieces(language: str, prompt: str, texts: tuple[str, ...], withheld: int, needed: int) -> list[tuple[str, str]]:
    if withheld:
        return [("\n\n", t(language, "evaluation_free_withheld", prompt=prompt, count=withheld, needed=needed))]
    if not texts:
        return [("\n\n", t(language, "evaluation_free_none"))]
    heading = t(language, "evaluation_free_heading", prompt=prompt, count=len(texts))
    pieces = [("\n\n", heading + "\n\n" + _quote(language, texts[0], MESSAGE_LIMIT - visible_length(heading) - 2))]
    return pieces + [("\n\n", _quote(language, text, MESSAGE_LIMIT)) for text in texts[1:]]


def _opening(kind: str, summary: EvaluationSummary | PulseSummary, language: str, team_name: str) -> list[tuple[str, str]]:
    """The title and the response line; when the results are withheld, also the notice saying so."""
    pieces = [("", t(language, f"{kind}_title", team=user_text(team_name))), ("\n", _response(kind, summary, language))]
    if not summary.released:
        pieces.append(("\n\n", t(language, f"{kind}_withheld_results", respondents=summary.respondents,
                                   needed=summary.min_group_size)))
    return pieces


# --- the evaluation ------------------------------------------------------------------------------
def render_evaluation(summary: EvaluationSummary, language: str, team_name: str) -> list[Markup]:
    """The leader's evaluation as one or more Telegram HTML messages (split between sections and items)."""
    language = _lang(language)
    pieces = _opening("evaluation", summary, language, team_name)
    if not summary.released:
        return pack(pieces)
    if summary.standing:
        pieces.append(("\n\n", t(language, f"evaluation_standing_{summary.standing}")))
        for question in summary.platform:
            if question.id in summary.weak_questions:
                lines = [t(language, "evaluation_tips_heading", question=getattr(question, language))]
                lines += [t(language, "evaluation_tip_item", tip=tip) for tip in tips(question.id, language)]
                pieces.append(("\n\n", "\n".join(lines)))

    if summary.platform:
        lines = [t(language, "evaluation_platform_heading")]
        for q in summary.platform:
            if q.share_yes is None:
                lines.append(t(language, "evaluation_platform_no_answers", question=getattr(q, language)))
            else:
                lines.append(t(language, "evaluation_platform_item", question=getattr(q, language), yes=percent(q.share_yes, language),
                               yes_or_partly=percent(q.share_yes_or_partly, language),
                               distribution=_distribution("agreement", q.distribution, language)))
        pieces.append(("\n\n", "\n".join(lines)))

    baseline = summary.high_workload_before is not None or any(item.share_before is not None for item in summary.nea)
    if summary.nea:
        lines = [t(language, "evaluation_nea_heading" if baseline else "evaluation_nea_heading_no_baseline")]
        for item in summary.nea:
            question, now = getattr(item, language), percent(item.share_often, language)
            if baseline:
                lines.append(t(language, "evaluation_nea_change", question=question, before=percent(item.share_before, language), now=now))
            else:
                lines.append(t(language, "evaluation_nea_now", question=question, now=now))
        pieces.append(("\n\n", "\n".join(lines)))
    if summary.high_workload_share is not None and summary.reference is not None:
        reference = summary.reference
        values = dict(now=percent(summary.high_workload_share, language), national=percent1(reference.value, language), year=reference.year)
        if summary.high_workload_before is not None:
            high = t(language, "evaluation_high_change", before=percent(summary.high_workload_before, language), **values)
        else:
            high = t(language, "evaluation_high_now", **values)
        pieces.append(("\n\n", high + "\n" + t(language, "evaluation_high_source", source=reference.source)))

    for number, measure in enumerate(summary.measures):
        title = user_text(_cut(measure.title, MAX_TITLE))
        if measure.verdict is None:
            item = t(language, "evaluation_measure_no_answers", title=title)
        else:
            item = t(language, "evaluation_measure_item", title=title, verdict=t(language, f"evaluation_verdict_{measure.verdict}"),
                     distribution=_distribution("agreement", measure.distribution, language))
        pieces.append(("\n\n", t(language, "evaluation_measures_heading") + "\n" + item) if number == 0 else ("\n", item))

    if summary.sick_leave_before is not None or summary.sick_leave_now is not None:
        def sick(value: float | None) -> str:
            return "–" if value is None else percent1(value, language)

        pieces.append(("\n\n", t(language, "evaluation_sick_leave", before=sick(summary.sick_leave_before), now=sick(summary.sick_leave_now))))

    pieces += _free_pieces(language, t(language, "evaluation_prompt_free_eval"), summary.free_texts,
                           summary.free_texts_withheld, summary.min_group_size_free_text)
    return pack(pieces)


def evaluation_caption(summary: EvaluationSummary, language: str) -> Markup:
    """A short caption for :func:`bot.render.charts_trend.evaluation_chart`; ValueError if unreleased."""
    if not summary.released:
        raise ValueError("the results of this round were not released")
    language = _lang(language)
    reference = summary.reference or national_reference()[0]
    key = "evaluation_caption" if summary.high_workload_before is not None else "evaluation_caption_no_baseline"
    return t(language, key, respondents=summary.respondents, national=percent1(reference.value, language), year=reference.year)


# --- the pulse -----------------------------------------------------------------------------------
def render_pulse(summary: PulseSummary, language: str, team_name: str) -> list[Markup]:
    """The leader's pulse result as one or more Telegram HTML messages."""
    language = _lang(language)
    pieces = _opening("pulse", summary, language, team_name)
    if not summary.released:
        return pack(pieces)
    if summary.nea:
        lines = [t(language, "pulse_nea_heading")]
        lines += [t(language, "pulse_nea_item", question=getattr(i, language), share=percent(i.share_often, language)) for i in summary.nea]
        if summary.nea_often is not None:
            lines.append(t(language, "pulse_nea_often", share=percent(summary.nea_often, language)))
        pieces.append(("\n\n", "\n".join(lines)))
    if summary.high_workload_share is not None and summary.reference is not None:
        reference = summary.reference
        high = t(language, "pulse_high", team_share=percent(summary.high_workload_share, language),
                 national=percent1(reference.value, language), year=reference.year)
        pieces.append(("\n\n", high + "\n" + t(language, "evaluation_high_source", source=reference.source)))
    pieces += _free_pieces(language, t(language, "pulse_prompt_free_pulse"), summary.free_texts,
                           summary.free_texts_withheld, summary.min_group_size_free_text)
    return pack(pieces)


# --- the trend -----------------------------------------------------------------------------------
def format_day(day: str, language: str) -> str:
    """An ISO date as people read it in a row of figures (CLDR): "12-03-2024" in Dutch, "12/03/2024" in English."""
    return format_short_day(dt.date.fromisoformat(day), _lang(language))


def _row(point: TrendPoint, language: str) -> str:
    kind = t(language, f"trend_kind_{point.kind}")
    values = dict(day=format_day(point.day, language), kind=kind, respondents=point.respondents,
                  often=percent(point.nea_often, language), high=percent(point.high_workload, language))
    if point.label.strip() and point.label.strip().casefold() != kind.casefold():  # a label that only repeats the kind is left out
        return t(language, "trend_row_labelled", label=user_text(_cut(point.label, MAX_CAPTION_LABEL)), **values)
    return t(language, "trend_row", **values)


def render_trend(points: list[TrendPoint], language: str, team_name: str) -> Markup:
    """The trend as one message: a row per released round (the newest that fit), and the national figure."""
    language = _lang(language)
    header = t(language, "trend_title", team=user_text(team_name))
    if not points:
        return Markup(header + "\n\n" + t(language, "trend_empty"))
    reference = national_reference()[0]
    footer = t(language, "trend_national", national=percent1(reference.value, language), year=reference.year) + "\n" + t(language, "trend_note")
    top = header + "\n\n" + t(language, "trend_legend")
    reserve = visible_length(t(language, "trend_omitted", count=len(points))) + 2
    rows: list[str] = []
    for point in reversed(points):  # the newest first, so the oldest are the ones left out
        row = _row(point, language)
        text = "\n".join([top, row, *rows, "", footer])
        if visible_length(text) + reserve > MESSAGE_LIMIT or text.count("<b>") + text.count("<i>") + 1 > ENTITY_LIMIT:
            break
        rows.insert(0, row)
    omitted = len(points) - len(rows)
    lines = [top, *([t(language, "trend_omitted", count=omitted)] if omitted else []), *rows, "", footer]
    return Markup("\n".join(lines))


def trend_caption(points: list[TrendPoint], language: str) -> Markup:
    """A short caption for :func:`bot.render.charts_trend.trend_chart`; ValueError when there are no points."""
    if not points:
        raise ValueError("there is no released round to show")
    language = _lang(language)
    reference = national_reference()[0]
    caption = t(language, "trend_caption", count=len(points), first=format_day(points[0].day, language),
                last=format_day(points[-1].day, language), national=percent1(reference.value, language), year=reference.year)
    if visible_length(caption) > CAPTION_LIMIT:  # pragma: no cover - the texts are short
        raise ValueError("the caption is too long")
    return caption
