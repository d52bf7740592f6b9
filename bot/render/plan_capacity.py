"""The budget in people, as sentences: "€ 55.281 is ongeveer 1,1 fte onderwijsassistent, of 4 dagen per week
een vakleerkracht", and per personnel measure what its cost buys. Shared by the messages and the PDF."""

from __future__ import annotations

from bot.texts.i18n import Markup, t
from bot.render.summary_render import decimal1
from flows.capacity import BUDGET_ROLES, Capacity, capacity, role_of
from flows.plan import Budget, PlanItem

BUDGET_OPTIONS = 2  # roles named in the budget's line


def _number(value: float, language: str) -> str:
    return str(int(value)) if float(value).is_integer() else decimal1(value, language)


def capacity_text(found: Capacity, language: str) -> Markup:
    """One capacity in words: "0,9 fte onderwijsassistent", "2 dagen per week een vakleerkracht", "6 uur per week een conciërge"."""
    role = found.role.label(language)
    if found.days is None and found.hours is None:
        return t(language, "plan_capacity_fte", fte=_number(found.fte, language), role=role)
    if found.days is not None:
        key = "plan_capacity_day" if found.days <= 1 else "plan_capacity_days"
        return t(language, key, days=_number(found.days, language), role=role)
    return t(language, "plan_capacity_hour" if found.hours == 1 else "plan_capacity_hours", hours=found.hours, role=role)


def budget_capacity(budget: Budget, amount_text: str, language: str) -> Markup | None:
    """The funds in people, in the first roles (in the order schools chose them) that have a cost figure."""
    if budget.funds is None:
        return None
    options = [capacity(budget.funds, role) for role in (budget.role(key) for key in BUDGET_ROLES) if role is not None]
    options = [option for option in options if option is not None][:BUDGET_OPTIONS]
    if not options:
        return None
    joined = Markup(t(language, "plan_capacity_or").join(capacity_text(option, language) for option in options))
    return t(language, "plan_capacity_budget", funds=amount_text, options=joined)


def item_capacity(item: PlanItem, budget: Budget, language: str) -> Markup | None:
    """What a personnel measure's cost buys of its role (None for other measures or a role without a figure)."""
    role = budget.role(role_of(item.measure))
    found = capacity(item.cost, role) if role is not None and item.cost else None
    return t(language, "plan_capacity_item", capacity=capacity_text(found, language)) if found else None


def missing_costs_note(budget: Budget, language: str) -> Markup | None:
    """For the leader only: which roles the plan needs that have no cost figure, and where to set them."""
    wanted = list(budget.measure_roles)
    if budget.funds is not None and not any((budget.role(key) or None) and budget.role(key).cost for key in BUDGET_ROLES):
        wanted = [BUDGET_ROLES[0], *wanted]
    missing = [budget.role(key) for key in dict.fromkeys(wanted) if budget.role(key) and budget.role(key).cost is None]
    if not missing:
        return None
    return t(language, "plan_capacity_missing", roles=", ".join(role.label(language) for role in missing))
