"""The team's plan (aanpakken) as Telegram HTML messages, in Dutch or English.

Per measure the platform's work-plan format: goal, desired result, activities, who, and the estimated cost;
then the budget (pupils x the funds per pupil against the planned costs), the team's vote and the PMR's
decision. Texts come from ``bot/texts/<language>/plan.toml`` through :func:`t`, which escapes every value;
what users typed is also wrapped in a bidi isolate (:func:`bot.render.summary_render.user_text`).

The budget, vote and PMR lines are built as (icon, markup) pairs so :mod:`bot.render.plan_document` can print the
same sentences in the PDF.
"""

from __future__ import annotations

import datetime as dt

from bot.texts.i18n import DEFAULT_LANGUAGE, LANGUAGES, Markup, escape, format_amount, format_day, format_number, t
from bot.render.plan_capacity import budget_capacity, item_capacity, missing_costs_note
from bot.render.plan_sector import render_sector
from bot.render.summary_render import MESSAGE_LIMIT, pack, user_text, visible_length
from flows.plan import Budget, Plan, PlanItem, adopted, majority_in_favour

MAX_SHOWN = 1000  # characters of one user-typed field (the bot accepts 300; older or foreign data is cut)
MAX_LABEL = 100  # characters of one source label
MAX_LABELS = 20  # sources named per measure
TEXT_FIELDS = ("goal", "result", "activities", "who")
ICON_TITLE, ICON_BUDGET, ICON_WARNING, ICON_INFO, ICON_PEOPLE = "📋", "💶", "⚠️", "ℹ️", "👥"
ICON_DRAFT, ICON_VOTE, ICON_YES, ICON_NO, ICON_PMR = "📝", "🗳", "✅", "❌", "🤝"

Line = tuple[str, Markup]  # (icon, sentence): the icon is left out in the PDF


def _lang(language: str) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """User text cut to ``limit`` characters (with "…" when cut)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- numbers and dates ----------------------------------------------------------------------------
def format_euros(amount: float, language: str) -> str:
    """Euros as people read them (CLDR): whole euros unless there are cents, rounded half up.

    Dutch "€ 12.500" / "€ 55.281,12" / "€ -500", English "€12,500" / "€55,281.12" / "-€500".
    """
    return format_amount(amount, _lang(language))


def format_date(iso: str | None, language: str) -> str:
    """An ISO date as people read it: "2027-03-12" -> "12 maart 2027" / "12 March 2027"."""
    if not iso:
        return t(_lang(language), "plan_date_unknown")
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return str(iso)
    return format_day(day, _lang(language))


# --- budget, vote and PMR: shared with the PDF --------------------------------------------------------
def budget_lines(budget: Budget, language: str, leader_notes: bool = False) -> list[Line]:
    """The budget sentences: the sum, the over-budget warning, and which rate was used. What the operator or
    the leader should do about a missing rate or pupil count is said only with ``leader_notes`` (the
    leader's own chat), never in what the team, the group or the PMR reads."""
    language = _lang(language)
    euros = lambda amount: format_euros(amount, language)  # noqa: E731
    lines: list[Line] = []
    if budget.funds is not None:
        sum_line = t(language, "plan_budget", year=budget.year, pupils=format_number(budget.pupils, language), per_pupil=euros(budget.per_pupil),
                     funds=euros(budget.funds), planned=euros(budget.planned))
        if not budget.over:
            sum_line = Markup(sum_line + " · " + t(language, "plan_budget_left", left=euros(budget.left)))
        lines.append((ICON_BUDGET, sum_line))
        people = budget_capacity(budget, euros(budget.funds), language)
        if people is not None:
            lines.append((ICON_PEOPLE, people))
        if budget.over:
            lines.append((ICON_WARNING, t(language, "plan_budget_over", over=euros(-budget.left), planned=euros(budget.planned),
                                          funds=euros(budget.funds))))
    else:
        lines.append((ICON_BUDGET, t(language, "plan_budget_unknown", year=budget.year, planned=euros(budget.planned))))
        if budget.per_pupil is None and leader_notes:
            lines.append((ICON_INFO, t(language, "plan_budget_no_rate", year=budget.year)))
        if not budget.pupils and leader_notes:
            lines.append((ICON_INFO, t(language, "plan_budget_no_pupils")))
    if budget.per_pupil is not None and budget.rate_year != budget.year:
        lines.append((ICON_INFO, t(language, "plan_budget_old_rate", rate_year=budget.rate_year, year=budget.year)))
        if leader_notes:
            lines.append((ICON_INFO, t(language, "plan_budget_set_rate", year=budget.year)))
    note = missing_costs_note(budget, language) if leader_notes else None
    if note is not None:
        lines.append((ICON_INFO, note))
    return lines


def vote_lines(plan: Plan, language: str, vote_released: bool = True) -> list[Line]:
    """Where the plan stands with the team: draft, voting, or the vote (counts only when released)."""
    language = _lang(language)
    lines: list[Line] = []
    if plan.state == "opstellen":
        lines.append((ICON_DRAFT, t(language, "plan_status_draft")))
    elif plan.state == "stemming":
        lines.append((ICON_VOTE, t(language, "plan_status_voting")))
    vote = plan.vote
    if vote is None:
        return lines
    current = plan.state not in ("opstellen", "stemming")
    heading = t(language, "plan_vote" if current else "plan_vote_previous")
    if vote_released:
        heading = Markup(heading + ": " + t(language, "plan_vote_counts", voor=vote.voor, tegen=vote.tegen,
                                            onthouding=vote.onthouding, members=vote.members))
    lines.append((ICON_VOTE, heading))
    passed = adopted(plan) if current else majority_in_favour(vote)
    lines.append((ICON_YES if passed else ICON_NO, t(language, "plan_adopted" if passed else "plan_not_adopted", members=vote.members)))
    return lines


def pmr_line(plan: Plan, language: str) -> Line | None:
    """The PMR's decision and its date; "not decided" once the team adopted the plan; else None."""
    language = _lang(language)
    if plan.state == "pmr_instemming":
        return ICON_PMR, t(language, "plan_pmr_consent", date=format_date(plan.pmr_date, language))
    if plan.state == "pmr_geen_instemming":
        return ICON_PMR, t(language, "plan_pmr_refused", date=format_date(plan.pmr_date, language))
    if plan.state == "aangenomen":
        return ICON_PMR, t(language, "plan_pmr_pending")
    return None


def source_labels(item: PlanItem, language: str, sources: dict[str, str] | None) -> list[str]:
    """The labels of the sources a measure addresses (the key when no label is known), clipped."""
    labels = [clip((sources or {}).get(key) or key, MAX_LABEL) for key in item.sources]
    return labels if len(labels) <= MAX_LABELS else [*labels[:MAX_LABELS], "…"]


# --- Telegram -----------------------------------------------------------------------------------------
def _with_icon(line: Line) -> str:
    icon, text = line
    return f"{icon} {text}"


def render_budget_line(budget: Budget, language: str, leader_notes: bool = False) -> Markup:
    """The budget as one Telegram HTML text (several lines), e.g. while the leader edits the plan."""
    return Markup("\n".join(_with_icon(line) for line in budget_lines(budget, language, leader_notes)))


def _item_lines(number: int, item: PlanItem, language: str, sources: dict[str, str] | None, budget: Budget | None = None) -> list[str]:
    missing = t(language, "plan_missing")
    field = lambda name, value: t(language, "plan_field", label=t(language, f"plan_label_{name}"), value=value)  # noqa: E731
    lines = [t(language, "plan_item_title", number=number, title=user_text(clip(item.title)) if item.title else missing)]
    labels = source_labels(item, language, sources)
    if labels:
        lines.append(field("sources", Markup(", ".join(escape(user_text(label)) for label in labels))))
    proposed = lambda name: Markup(" " + t(language, "plan_proposed")) if name in item.proposed else ""  # noqa: E731
    for name in TEXT_FIELDS:
        value = getattr(item, name)
        lines.append(Markup(field(name, user_text(clip(value)) if value else missing) + proposed(name)))
    cost = missing if item.cost is None else format_euros(item.cost, language)
    people = item_capacity(item, budget, language) if budget is not None else None
    lines.append(Markup(field("cost", cost) + proposed("cost") + (Markup(" · ") + people if people else "")))
    return lines


def _item_pieces(number: int, item: PlanItem, language: str, sources: dict[str, str] | None, budget: Budget) -> list[tuple[str, str]]:
    """One piece per measure; line by line when a measure does not fit in one message on its own."""
    lines = _item_lines(number, item, language, sources, budget)
    whole = "\n".join(lines)
    if visible_length(whole) <= MESSAGE_LIMIT:
        return [("\n\n", whole)]
    return [("\n\n" if index == 0 else "\n", line) for index, line in enumerate(lines)]


def render_plan(plan: Plan, budget: Budget, team_name: str, language: str, sources: dict[str, str] | None = None,
                vote_released: bool = True, leader_notes: bool = False) -> list[Markup]:
    """The plan as Telegram HTML messages of at most 4096 UTF-16 units each (split between measures)."""
    language = _lang(language)
    pieces: list[tuple[str, str]] = [("", f"{ICON_TITLE} " + t(language, "plan_title", team=user_text(clip(team_name, 200)),
                                                                 year=budget.year))]
    if not plan.items:
        pieces.append(("\n\n", t(language, "plan_no_items")))
    for number, item in enumerate(plan.items, start=1):
        pieces += _item_pieces(number, item, language, sources, budget)
    pieces.append(("\n\n", render_budget_line(budget, language, leader_notes)))
    sector = render_sector(plan, language)
    if sector is not None:
        pieces.append(("\n\n", sector))
    status = vote_lines(plan, language, vote_released)
    pmr = pmr_line(plan, language)
    if pmr is not None:
        status.append(pmr)
    if status:
        pieces.append(("\n\n", "\n".join(_with_icon(line) for line in status)))
    return pack(pieces)
