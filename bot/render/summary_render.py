"""The analysis summary and the conversation guide as Telegram HTML messages, in Dutch or English.

Every text the bot sends here is built from ``bot/texts/<language>/analysis.toml`` through :func:`t`, which
escapes every value. What users typed (open answers, the team name, custom source labels) is additionally
wrapped in a Unicode bidi isolate, with explicit bidi controls removed, so right-to-left text or a stray
override cannot reorder the rest of the message. Open answers are otherwise quoted unedited.

Limits follow Telegram: a message holds at most 4096 UTF-16 units after entity parsing (a caption 1024)
and we keep to at most 100 formatting entities per message.
"""

from __future__ import annotations

import html
import re
import unicodedata

from bot.texts.i18n import DEFAULT_LANGUAGE, LANGUAGES, Markup, catalogue, format_number, format_percentage, t
from flows.analysis import AnalysisSummary
from flows.catalogue import load
from flows.guide import Guide

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
ENTITY_LIMIT = 100
MAX_CAPTION_LABEL = 100
_TAG = re.compile(r"<[^>]*>")
_OPEN_TAG = re.compile(r"<[a-z]")
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_BIDI_ISOLATE = frozenset({"R", "AL", "AN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
FREE_TEXT_ORDER = ("free_cause", "free_help")


# --- numbers and user text -------------------------------------------------------------------
def _lang(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def percent(share: float | None, language: str) -> str:
    """A team share (0..1) as a whole percentage, rounded half up: 0.625 -> "63%"; None -> "–"."""
    return "–" if share is None else format_percentage(share * 100, _lang(language))


def percent1(value: float, language: str) -> str:
    """A national percentage with one decimal (CLDR): 45.0 -> "45,0%" / "45.0%"."""
    return format_percentage(value, _lang(language), 1)


def decimal1(value: float | None, language: str) -> str:
    """A mean with one decimal (CLDR): 1.75 -> "1,8" / "1.8"."""
    return "–" if value is None else format_number(value, _lang(language), 1)


def user_text(text: str) -> str:
    """User-typed text without explicit bidi controls; isolated (FSI ... PDI) when it holds right-to-left
    or bidi-control characters, so it cannot reorder the text around it. Escaping is left to t()."""
    if any(unicodedata.bidirectional(char) in _BIDI_ISOLATE for char in text):
        return "\u2068" + text.translate(_BIDI_CONTROLS) + "\u2069"
    return text


def visible_length(markup: str) -> int:
    """The UTF-16 length Telegram counts: tags removed, entities decoded (our markup only has tags)."""
    return len(html.unescape(_TAG.sub("", markup)).encode("utf-16-le")) // 2


def _entities(markup: str) -> int:
    return len(_OPEN_TAG.findall(markup))


def _scale(kind: str, language: str) -> list[str]:
    return load("analysis")["scales"][kind][_lang(language)]


def _distribution(kind: str, counts: tuple[int, ...], language: str) -> str:
    return " · ".join(f"{label} {count}" for label, count in zip(_scale(kind, language), counts))


def _prompt(question_id: str, language: str) -> str:
    key = f"analysis_prompt_{question_id}"
    if key in catalogue(_lang(language)):
        return catalogue(_lang(language))[key]
    for question in load("analysis")["questions"]:
        if question["id"] == question_id:
            return question[_lang(language)]
    return question_id


# --- packing pieces into messages --------------------------------------------------------------
def pack(pieces: list[tuple[str, str]], limit: int = MESSAGE_LIMIT) -> list[Markup]:
    """Join (separator, markup) pieces into as few messages as fit ``limit`` and the entity limit; a
    piece that starts a message drops its separator. Each piece must fit on its own."""
    messages: list[str] = []
    current = ""
    for separator, piece in pieces:
        if visible_length(piece) > limit:
            raise ValueError("a piece is longer than a message")
        candidate = current + separator + piece if current else piece
        if current and (visible_length(candidate) > limit or _entities(candidate) > ENTITY_LIMIT):
            messages.append(current)
            candidate = piece
        current = candidate
    if current:
        messages.append(current)
    return [Markup(m) for m in messages]


def _quote(language: str, text: str, budget: int) -> str:
    """An open answer as an italic quote; an enormous one is cut to ``budget`` with a clear note."""
    quoted = t(language, "analysis_free_item", text=user_text(text))
    if visible_length(quoted) <= budget:
        return quoted
    overhead = visible_length(t(language, "analysis_free_truncated", text="")) + 2  # + a bidi isolate
    room, kept = budget - overhead, []
    for char in text.translate(_BIDI_CONTROLS):
        room -= 2 if ord(char) > 0xFFFF else 1
        if room < 0:
            break
        kept.append(char)
    return t(language, "analysis_free_truncated", text=user_text("".join(kept).rstrip()))


# --- the analysis --------------------------------------------------------------------------------
def render_analysis(summary: AnalysisSummary, language: str, team_name: str) -> list[Markup]:
    """The leader's summary as one or more Telegram HTML messages (split between sections and items)."""
    language = _lang(language)
    header = t(language, "analysis_title", team=user_text(team_name))
    if summary.members > 0:
        response = t(language, "analysis_response", respondents=summary.respondents, members=summary.members,
                     rate=percent(summary.response_rate, language))
    else:
        response = t(language, "analysis_response_no_members", respondents=summary.respondents)
    if not summary.released:
        withheld = t(language, "analysis_withheld_results", respondents=summary.respondents, needed=summary.min_group_size)
        return pack([("", header), ("\n", response), ("\n\n", withheld)])

    pieces: list[tuple[str, str]] = [("", header), ("\n", response)]
    if summary.nea:
        lines = [t(language, "analysis_nea_heading")]
        lines += [t(language, "analysis_nea_item", question=getattr(item, language), share=percent(item.share_often, language))
                  for item in summary.nea]
        pieces.append(("\n\n", "\n".join(lines)))
    if summary.high_workload_share is not None and summary.reference is not None:
        reference = summary.reference
        high = t(language, "analysis_high", team_share=percent(summary.high_workload_share, language),
                 national=percent1(reference.value, language), year=reference.year)
        pieces.append(("\n\n", high + "\n" + t(language, "analysis_high_source", source=reference.source)))

    for rank, source in enumerate(summary.sources, start=1):
        label = user_text(source.label(language))
        if source.mean is None:
            item = t(language, "analysis_source_no_answers", rank=rank, label=label)
        else:
            item = t(language, "analysis_source_item", rank=rank, label=label, mean=decimal1(source.mean, language),
                     share_high=percent(source.share_high, language),
                     distribution=_distribution("pressure", source.distribution, language))
        if rank == 1:
            pieces.append(("\n\n", t(language, "analysis_sources_heading") + "\n" + item))
        else:
            pieces.append(("\n", item))

    if summary.influence is not None and summary.influence.mean is not None:
        pieces.append(("\n\n", t(language, "analysis_influence", mean=decimal1(summary.influence.mean, language),
                                 distribution=_distribution("influence", summary.influence.distribution, language))))

    pieces += _free_text_pieces(summary, language)
    return pack(pieces)


def _free_text_pieces(summary: AnalysisSummary, language: str) -> list[tuple[str, str]]:
    ids = [*FREE_TEXT_ORDER, *sorted(set(summary.free_texts) | set(summary.free_texts_withheld))]
    ids = list(dict.fromkeys(i for i in ids if i in summary.free_texts or i in summary.free_texts_withheld))
    if not ids:
        return [("\n\n", t(language, "analysis_free_none"))]
    pieces: list[tuple[str, str]] = []
    for question_id in ids:
        prompt = _prompt(question_id, language)
        if question_id in summary.free_texts_withheld:
            pieces.append(("\n\n", t(language, "analysis_free_withheld", prompt=prompt,
                                     count=summary.free_texts_withheld[question_id], needed=summary.min_group_size_free_text)))
            continue
        texts = summary.free_texts[question_id]
        heading = t(language, "analysis_free_heading", prompt=prompt, count=len(texts))
        for index, text in enumerate(texts):
            if index == 0:
                # The heading stays with the first answer; the pair must fit in one message.
                budget = MESSAGE_LIMIT - visible_length(heading) - 2
                pieces.append(("\n\n", heading + "\n\n" + _quote(language, text, budget)))
            else:
                pieces.append(("\n\n", _quote(language, text, MESSAGE_LIMIT)))
    return pieces


def analysis_caption(summary: AnalysisSummary, language: str) -> Markup:
    """A short caption for :func:`bot.render.charts.sources_chart` (at most 1024 units); ValueError if unreleased."""
    if not summary.released:
        raise ValueError("the results of this round were not released")
    if not summary.sources or summary.sources[0].mean is None:
        return t(_lang(language), "analysis_caption_no_sources", respondents=summary.respondents)
    label = summary.sources[0].label(language)
    if len(label) > MAX_CAPTION_LABEL:
        label = label[: MAX_CAPTION_LABEL - 1] + "…"
    return t(_lang(language), "analysis_caption", respondents=summary.respondents, top=user_text(label))


# --- the guide -----------------------------------------------------------------------------------
def render_guide(guide: Guide, language: str) -> Markup:
    """The conversation guide as one Telegram HTML message."""
    language = _lang(language)
    parts = [t(language, "guide_heading", minutes=guide.minutes)]
    if guide.note:
        parts.append(t(language, guide.note, needed=guide.min_group_size or ""))
    for number, item in enumerate(guide.items, start=1):
        source = user_text(item.source.label(language)) if item.source else ""
        lines = [t(language, "guide_item", number=number, minutes=item.minutes,
                   title=t(language, item.title_key, source=source))]
        if item.kind == "results" and guide.with_results:
            lines.append(_results_line(guide, language))
        if item.source is not None and item.source.mean is not None:
            lines.append(t(language, "guide_source_figures", share_high=percent(item.source.share_high, language),
                           mean=decimal1(item.source.mean, language)))
        lines += [("   ◦ " if key.startswith("guide_rule_") else "• ") + t(language, key) for key in item.details]
        parts.append("\n".join(lines))
    messages = pack([("\n\n", part) for part in parts])
    if len(messages) != 1:
        raise ValueError("the guide does not fit in one message")
    return messages[0]


def _results_line(guide: Guide, language: str) -> str:
    reference = guide.reference
    values = dict(respondents=guide.respondents, team_share=percent(guide.high_workload_share, language),
                  national=percent1(reference.value, language) if reference else "–", year=reference.year if reference else "–")
    if guide.members:
        return t(language, "guide_results_figures", members=guide.members, rate=percent(guide.response_rate, language), **values)
    return t(language, "guide_results_figures_no_members", **values)
