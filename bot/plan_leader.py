"""Aanpakken, the leader's side: turn the top proposals into a plan in the work-plan format, see the
budget, put the plan to the team's vote, record the PMR's decision, and get the plan as a document."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import ContextTypes

from bot import engine
from bot.callbacks import Callback, encode
from bot.common import Services, answer_and_edit, reply, services, user_language
from bot.cycle_leader import leader_command, leading_team, leads
from bot.i18n import Markup, escape, t
from bot.plan_output import document_name, initial_plan, plan_document, plan_messages
from flows.cycle import Cycle
from flows.plan import FIELDS, MAX_ITEMS, Plan, PlanItem, clean_field, parse_cost
from flows.team import Team
from flows.text import clean


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows if row])


def overview_keyboard(cycle: Cycle, plan: Plan, language: str) -> InlineKeyboardMarkup:
    """Edit a measure, add one, get the document, put the plan to the vote (or revise a rejected plan)."""
    rows: list[list[tuple[str, str]]] = []
    if plan.state == "opstellen":
        edits = [(f"✏️ {i}", encode("plan_item", cycle.id, i - 1)) for i in range(1, len(plan.items) + 1)]
        rows += [edits[k : k + 5] for k in range(0, len(edits), 5)]
        if len(plan.items) < MAX_ITEMS:
            rows.append([(t(language, "planui_add"), encode("plan_add", cycle.id))])
        rows.append([(t(language, "planui_submit"), encode("plan_submit", cycle.id))])
    elif plan.state in ("verworpen", "pmr_geen_instemming"):
        rows.append([(t(language, "planui_revise"), encode("plan_revise", cycle.id))])
    elif plan.state == "aangenomen":
        rows.append([(t(language, "planui_pmr_yes"), encode("pmr", cycle.id, 1)), (t(language, "planui_pmr_no"), encode("pmr", cycle.id, 0))])
    rows.append([(t(language, "planui_document"), encode("plan_doc", cycle.id))])
    return _keyboard(rows)


def current_plan(svc: Services, team: Team) -> tuple[Cycle, Plan] | None:
    """The running cycle and its plan, created on first use, once the cycle reached aanpakken."""
    cycle = svc.storage.cycles.current(team.id)
    if cycle is None or cycle.state not in ("aanpakken", "evalueren"):
        return None
    plan = svc.storage.plans.get(cycle.id)
    if plan is None:
        plan = initial_plan(svc, cycle)
        svc.storage.plans.save(cycle.id, plan)
    return cycle, plan


@leader_command(5)
async def show_plan(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/plan: the plan with its budget, and what the leader can do with it now."""
    team = team or await leading_team(update, context, show_plan)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    found = current_plan(svc, team)
    if found is None:
        await reply(update, t(language, "planui_not_yet"))
        return
    await send_overview(update, svc, team, *found, language)


async def send_overview(update: Update, svc: Services, team: Team, cycle: Cycle, plan: Plan, language: str) -> None:
    """The plan's messages, the last one with the buttons."""
    messages = plan_messages(svc, team, plan, language)
    for text in messages[:-1]:
        await reply(update, text)
    await reply(update, messages[-1] + "\n\n" + t(language, f"planui_state_{plan.state}"), overview_keyboard(cycle, plan, language))


def _item_view(cycle: Cycle, plan: Plan, index: int, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    item = plan.items[index]
    lines = [t(language, "planui_item_title", number=index + 1, title=item.title)]
    for name in FIELDS:
        value = getattr(item, name)
        shown = (f"€ {value:,}".replace(",", ".") if name == "cost" else value) if value not in ("", None) else t(language, "planui_empty")
        lines.append(Markup(f"<b>{t(language, f'planui_field_{name}')}</b>: {escape(shown) if not isinstance(shown, Markup) else shown}"))
    buttons = [(("✓ " if getattr(item, name) not in ("", None) else "") + t(language, f"planui_field_{name}"), encode("plan_field", cycle.id, index, i)) for i, name in enumerate(FIELDS)]
    rows = [buttons[k : k + 2] for k in range(0, len(buttons), 2)]
    rows.append([(t(language, "planui_remove"), encode("plan_del", cycle.id, index)), (t(language, "planui_back"), encode("plan_back", cycle.id))])
    return Markup("\n".join(lines)), _keyboard(rows)


def _ask_field(svc: Services, user_id: int, cycle: Cycle, plan: Plan, index: int, field_index: int, language: str) -> Markup:
    svc.storage.awaiting.expect(user_id, f"plan_field:{index}:{field_index}", cycle.id, svc.now())
    name = FIELDS[field_index]
    return t(language, f"planui_ask_{name}", number=index + 1, title=plan.items[index].title)


async def plan_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """The plan's buttons (every index is checked against the stored plan)."""
    svc, language, query, user_id = services(context), user_language(update, context), update.callback_query, update.effective_user.id
    cycle = svc.storage.cycles.get(press.args[0]) if press.args else None
    team = leads(svc, cycle.team_id, user_id) if cycle and cycle.is_open else None
    plan = svc.storage.plans.get(cycle.id) if team else None
    if team is None or plan is None:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    args, action = press.args[1:], press.action
    editing = plan.state == "opstellen"
    index_ok = len(args) >= 1 and 0 <= args[0] < len(plan.items)
    # Every change commits before the first call to Telegram (answer and next screen go out together after it).
    if action == "plan_doc":
        await query.answer()
        pdf = plan_document(svc, team, plan, language)
        await context.bot.send_document(user_id, InputFile(pdf, filename=document_name(team)), caption=t(language, "planui_document_caption", team=team.name), parse_mode="HTML")
        return
    if action == "plan_item" and editing and index_ok:
        await answer_and_edit(update, *_item_view(cycle, plan, args[0], language))
    elif action == "plan_field" and editing and index_ok and len(args) == 2 and 0 <= args[1] < len(FIELDS):
        await answer_and_edit(update, _ask_field(svc, user_id, cycle, plan, args[0], args[1], language))
    elif action == "plan_add" and editing and len(plan.items) < MAX_ITEMS:
        svc.storage.awaiting.expect(user_id, "plan_title", cycle.id, svc.now())
        await answer_and_edit(update, t(language, "planui_ask_title"))
    elif action == "plan_del" and editing and index_ok:
        with svc.storage.atomic():
            del plan.items[args[0]]
            svc.storage.plans.save(cycle.id, plan)
        await answer_and_edit(update, t(language, "planui_removed"), overview_keyboard(cycle, plan, language))
    elif action == "plan_back":
        await answer_and_edit(update, t(language, "planui_see_plan"), overview_keyboard(cycle, plan, language))
    elif action == "plan_revise" and plan.fire("revise"):
        svc.storage.plans.save(cycle.id, plan)
        await answer_and_edit(update, t(language, "planui_revising"), overview_keyboard(cycle, plan, language))
    elif action == "plan_submit" and editing:
        if not plan.fire("to_team_vote"):
            missing = [f"{i}: " + ", ".join(t(language, f"planui_field_{n}") for n in item.missing()) for i, item in enumerate(plan.items, 1) if not item.complete]
            await answer_and_edit(update, t(language, "planui_not_ready", missing=Markup("\n".join(escape(m) for m in missing)) if missing else t(language, "planui_no_items")), overview_keyboard(cycle, plan, language))
            return
        engine.open_plan_vote(svc, team, cycle, plan)
        await answer_and_edit(update, t(language, "planui_vote_open"))
    elif action == "pmr" and len(args) == 1 and plan.state == "aangenomen":
        svc.storage.awaiting.expect(user_id, f"pmr_date:{args[0]}", cycle.id, svc.now())
        await answer_and_edit(update, t(language, "planui_ask_pmr_date"), _keyboard([[(t(language, "planui_today"), encode("pmr_today", cycle.id, args[0]))]]))
    elif action == "pmr_today" and len(args) == 1 and plan.state == "aangenomen":
        with svc.storage.atomic():
            svc.storage.awaiting.clear(user_id)
            text = record_pmr(svc, team, cycle, plan, bool(args[0]), dt.date.fromtimestamp(svc.now()), language)
        await answer_and_edit(update, text)
    else:
        await answer_and_edit(update, t(language, "planui_see_plan"), overview_keyboard(cycle, plan, language))


def record_pmr(svc: Services, team: Team, cycle: Cycle, plan: Plan, consent: bool, day: dt.date, language: str) -> Markup:
    """Record the PMR's decision and send the final plan (text and document) to the leaders and the group."""
    if not plan.fire("pmr_consents" if consent else "pmr_refuses", date=day.isoformat()):
        return t(language, "planui_see_plan")
    engine.plan_decided(svc, team, cycle, plan)
    return t(language, "planui_pmr_recorded" if consent else "planui_pmr_refused")


def parse_day(text: str) -> dt.date | None:
    """A date as typed: 12-3-2027, 12/03/2027, 2027-03-12."""
    text = (text or "").strip()
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


async def text_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, cycle_id: int) -> None:
    """Typed text for the plan: a measure's title or one of its fields, or the PMR's date."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    cycle = svc.storage.cycles.get(cycle_id)
    team = leads(svc, cycle.team_id, user_id) if cycle and cycle.is_open else None
    plan = svc.storage.plans.get(cycle.id) if team else None
    if plan is None:
        svc.storage.awaiting.clear(user_id)
        await reply(update, t(language, "cycle_leaders_only"))
        return
    text = clean(update.effective_message.text)
    if kind.startswith("pmr_date:"):
        day = parse_day(text)
        if day is None:
            await reply(update, t(language, "planui_bad_date"))
            return
        with svc.storage.atomic():  # the update's id with its change: a redelivery is not applied twice
            svc.storage.awaiting.clear(user_id)
            text = record_pmr(svc, team, cycle, plan, kind.endswith(":1"), day, language)
        await reply(update, text)
        return
    if plan.state != "opstellen":
        svc.storage.awaiting.clear(user_id)
        await reply(update, t(language, "planui_see_plan"), overview_keyboard(cycle, plan, language))
        return
    if kind == "plan_title":
        title = clean_field(text)
        if title is None:
            await reply(update, t(language, "planui_too_long"))
            return
        plan.items.append(PlanItem(title[:120]))
        index = len(plan.items) - 1
        with svc.storage.atomic():
            svc.storage.plans.save(cycle.id, plan)
            question = _ask_field(svc, user_id, cycle, plan, index, 0, language)
        await reply(update, question)
        return
    _, index, field_index = kind.split(":")
    index, field_index = int(index), int(field_index)
    if index >= len(plan.items):
        svc.storage.awaiting.clear(user_id)
        await reply(update, t(language, "planui_see_plan"), overview_keyboard(cycle, plan, language))
        return
    name = FIELDS[field_index]
    value = parse_cost(text) if name == "cost" else clean_field(text)
    if value is None:
        await reply(update, t(language, "planui_bad_cost" if name == "cost" else "planui_too_long"))
        return
    setattr(plan.items[index], name, value)
    missing = plan.items[index].missing()
    with svc.storage.atomic():  # the field, what is asked next and the update's id: one commit
        svc.storage.plans.save(cycle.id, plan)
        question = _ask_field(svc, user_id, cycle, plan, index, FIELDS.index(missing[0]), language) if missing else None
        if not missing:
            svc.storage.awaiting.clear(user_id)
    if question is not None:
        await reply(update, question)
        return
    await send_overview(update, svc, team, cycle, plan, language)


@leader_command(6)
async def sick_leave(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/verzuim 6,5 4,8: the sick-leave percentage before and now, shown in the evaluation."""
    team = team or await leading_team(update, context, sick_leave)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    cycle = svc.storage.cycles.current(team.id)
    values = [_percentage(arg) for arg in (context.args or [])]
    if cycle is None or len(values) != 2 or None in values:
        await reply(update, t(language, "sickleave_usage"))
        return
    svc.storage.plans.set_sick_leave(cycle.id, values[0], values[1])
    await reply(update, t(language, "sickleave_set", before=_shown(values[0], language), now=_shown(values[1], language)))


def _percentage(text: str) -> float | None:
    try:
        value = float(text.strip().rstrip("%").replace(",", "."))
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


def _shown(value: float, language: str) -> str:
    text = f"{value:.1f}%"
    return text.replace(".", ",") if language == "nl" else text
