"""Aanpakken, the leader's side: turn the top proposals into a plan in the work-plan format, see the
budget, put the plan to the team's vote, record the PMR's decision, and get the plan as a document."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import ContextTypes

from bot.cycle import engine
from bot.plumbing.callbacks import Callback, encode
from bot.members.common import Services, answer_and_edit, reply, services, user_language
from bot.leaders.leading import leader_command, leading_team, leads, parse_day
from bot.texts.i18n import Markup, escape, format_percentage, t
from bot.cycle.plan_output import document_name, initial_plan, plan_document, plan_messages
from bot.render.plan_render import format_date, format_euros
from flows.cycle import Cycle, RoundKind
from flows.plan import FIELDS, MAX_ITEMS, MAX_TITLE, Plan, clean_field, parse_cost, pmr_date_problem
from flows.plan_proposal import catalogue_key, proposed_item
from flows.team import Team
from flows.text import clean


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows if row])


def overview_keyboard(cycle: Cycle, plan: Plan, language: str) -> InlineKeyboardMarkup:
    """Edit a measure, add one, get the document, put the plan to the vote (or revise a rejected plan)."""
    rows: list[list[tuple[str, str]]] = []
    if plan.state == "opstellen":
        edits = [(f"✏️ {i}", encode("plan_item", cycle.id, i - 1, item.tag)) for i, item in enumerate(plan.items, 1)]
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


def _state_text(plan: Plan, language: str) -> Markup:
    if plan.state == "opstellen" and not all(item.confirmed for item in plan.items):
        return t(language, "planui_state_opstellen_proposed")
    return t(language, f"planui_state_{plan.state}")


async def send_overview(update: Update, svc: Services, team: Team, cycle: Cycle, plan: Plan, language: str) -> None:
    """The plan's messages (with the leader's notes), the last one with the buttons."""
    messages = plan_messages(svc, team, plan, language, leader_notes=True)
    for text in messages[:-1]:
        await reply(update, text)
    await reply(update, messages[-1] + "\n\n" + _state_text(plan, language), overview_keyboard(cycle, plan, language))


def _item_view(cycle: Cycle, plan: Plan, index: int, language: str, heading: Markup | None = None) -> tuple[Markup, InlineKeyboardMarkup]:
    """One measure with its fields (proposals marked), a button per field and its title, confirm, remove, back."""
    item = plan.items[index]
    lines = [heading] if heading else []
    lines.append(t(language, "planui_item_title", number=index + 1, title=item.title))
    for name in FIELDS:
        value = getattr(item, name)
        shown = (format_euros(value, language) if name == "cost" else value) if value not in ("", None) else t(language, "planui_empty")
        mark = Markup(" " + t(language, "planui_proposed")) if name in item.proposed else ""
        lines.append(Markup(f"<b>{t(language, f'planui_field_{name}')}</b>: {escape(shown) if not isinstance(shown, Markup) else shown}{mark}"))
    if item.proposed:
        lines.append(Markup("\n") + t(language, "planui_item_proposed"))
    filled = lambda name: getattr(item, name) not in ("", None) and name not in item.proposed  # noqa: E731
    buttons = [(("✓ " if filled(name) else "") + t(language, f"planui_field_{name}"), encode("plan_field", cycle.id, index, i, item.tag))
               for i, name in enumerate(FIELDS)]
    buttons.append((t(language, "planui_field_title"), encode("plan_rename", cycle.id, index, item.tag)))
    rows = [buttons[k : k + 2] for k in range(0, len(buttons), 2)]
    if item.proposed:
        rows.append([(t(language, "planui_confirm"), encode("plan_ok", cycle.id, index, item.tag))])
    rows.append([(t(language, "planui_remove"), encode("plan_del", cycle.id, index, item.tag)), (t(language, "planui_back"), encode("plan_back", cycle.id))])
    return Markup("\n".join(lines)), _keyboard(rows)


def _ask_field(svc: Services, user_id: int, cycle: Cycle, plan: Plan, index: int, field_index: int, language: str) -> Markup:
    item = plan.items[index]
    svc.storage.awaiting.expect(user_id, f"plan_field:{index}:{field_index}:{item.tag}", cycle.id, svc.now())
    name = FIELDS[field_index]
    return t(language, f"planui_ask_{name}", number=index + 1, title=item.title)


def _after_confirm(cycle: Cycle, plan: Plan, index: int, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    """After a measure is confirmed: the next measure that still holds a proposal, else the plan's buttons."""
    done = t(language, "planui_confirmed", number=index + 1)
    waiting = [i for i in [*range(index + 1, len(plan.items)), *range(index)] if plan.items[i].proposed]
    if waiting:
        return _item_view(cycle, plan, waiting[0], language, heading=done)
    final = "planui_all_confirmed" if plan.ready_for_vote else "planui_confirmed_see_plan"
    return Markup(done + "\n" + t(language, final)), overview_keyboard(cycle, plan, language)


async def plan_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """The plan's buttons (every measure is checked against the stored plan by its index and title tag)."""
    svc, language, query, user_id = services(context), user_language(update, context), update.callback_query, update.effective_user.id
    cycle = svc.storage.cycles.get(press.args[0]) if press.args else None
    team = leads(svc, cycle.team_id, user_id) if cycle and cycle.is_open else None
    plan = svc.storage.plans.get(cycle.id) if team else None
    if team is None or plan is None:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    args, action = press.args[1:], press.action
    editing = plan.state == "opstellen"
    item = plan.find(args[0], args[-1]) if editing and len(args) >= 2 else None
    # Every change commits before the first call to Telegram (answer and next screen go out together after it).
    if action == "plan_doc":
        await query.answer()
        pdf = plan_document(svc, team, plan, language, cycle.id)
        caption = t(language, f"planui_document_caption_{plan.state}", team=team.name)
        await context.bot.send_document(user_id, InputFile(pdf, filename=document_name(team)), caption=caption, parse_mode="HTML")
        return
    if action == "plan_item" and item is not None and len(args) == 2:
        await answer_and_edit(update, *_item_view(cycle, plan, args[0], language))
    elif action == "plan_field" and item is not None and len(args) == 3 and 0 <= args[1] < len(FIELDS):
        await answer_and_edit(update, _ask_field(svc, user_id, cycle, plan, args[0], args[1], language))
    elif action == "plan_rename" and item is not None and len(args) == 2:
        svc.storage.awaiting.expect(user_id, f"plan_rename:{args[0]}:{item.tag}", cycle.id, svc.now())
        await answer_and_edit(update, t(language, "planui_ask_rename", number=args[0] + 1, title=item.title))
    elif action == "plan_ok" and item is not None and len(args) == 2:
        item.confirm()
        svc.storage.plans.save(cycle.id, plan)
        await answer_and_edit(update, *_after_confirm(cycle, plan, args[0], language))
    elif action == "plan_add" and editing and len(plan.items) < MAX_ITEMS:
        svc.storage.awaiting.expect(user_id, "plan_title", cycle.id, svc.now())
        await answer_and_edit(update, t(language, "planui_ask_title"))
    elif action == "plan_del" and item is not None and len(args) == 2:
        with svc.storage.atomic():
            del plan.items[args[0]]
            svc.storage.plans.save(cycle.id, plan)
            svc.storage.awaiting.clear(user_id)  # a question about a measure refers to it by its place in the list
        await answer_and_edit(update, t(language, "planui_removed"), overview_keyboard(cycle, plan, language))
    elif action == "plan_back":
        await answer_and_edit(update, t(language, "planui_see_plan"), overview_keyboard(cycle, plan, language))
    elif action == "plan_revise" and plan.fire("revise"):
        svc.storage.plans.save(cycle.id, plan)
        await answer_and_edit(update, t(language, "planui_revising"), overview_keyboard(cycle, plan, language))
    elif action == "plan_submit" and editing:
        if not plan.fire("to_team_vote"):
            await answer_and_edit(update, t(language, "planui_not_ready", missing=_not_ready(plan, language)), overview_keyboard(cycle, plan, language))
            return
        engine.open_plan_vote(svc, team, cycle, plan)
        await answer_and_edit(update, t(language, "planui_vote_open"))
    elif action == "pmr" and len(args) == 1 and plan.state == "aangenomen":
        svc.storage.awaiting.expect(user_id, f"pmr_date:{args[0]}", cycle.id, svc.now())
        example = _today(svc).strftime("%d-%m-%Y")
        await answer_and_edit(update, t(language, "planui_ask_pmr_date", example=example), _keyboard([[(t(language, "planui_today"), encode("pmr_today", cycle.id, args[0]))]]))
    elif action == "pmr_today" and len(args) == 1 and plan.state == "aangenomen":
        with svc.storage.atomic():
            svc.storage.awaiting.clear(user_id)
            text = record_pmr(svc, team, cycle, plan, bool(args[0]), _today(svc), language)
        await answer_and_edit(update, text)
    else:
        await answer_and_edit(update, t(language, "planui_see_plan"), overview_keyboard(cycle, plan, language))


def _not_ready(plan: Plan, language: str) -> Markup:
    """Per measure what still stands between the plan and the team's vote: empty fields, a proposal to confirm."""
    lines = []
    for number, item in enumerate(plan.items, 1):
        needs = [t(language, f"planui_field_{name}") for name in item.missing()]
        if item.proposed:
            needs.append(t(language, "planui_needs_confirm"))
        if needs:
            lines.append(escape(f"{number}: " + ", ".join(needs)))
    return Markup("\n".join(lines)) if lines else t(language, "planui_no_items")


def _today(svc: Services) -> dt.date:
    return dt.date.fromtimestamp(svc.now())


def record_pmr(svc: Services, team: Team, cycle: Cycle, plan: Plan, consent: bool, day: dt.date, language: str) -> Markup:
    """Record the PMR's decision and send the plan: adopted, to the leaders and the group as the final plan;
    refused, the group hears so and what comes next."""
    if not plan.fire("pmr_consents" if consent else "pmr_refuses", date=day.isoformat()):
        return t(language, "planui_see_plan")
    engine.plan_decided(svc, team, cycle, plan)
    return t(language, "planui_pmr_recorded" if consent else "planui_pmr_refused")


async def _pmr_date_typed(update: Update, svc: Services, team: Team, cycle: Cycle, plan: Plan, kind: str, text: str, language: str) -> None:
    """The PMR's decision date: a date between the team's vote and today, else a clear message."""
    day, today = parse_day(text), _today(svc)
    example = today.strftime("%d-%m-%Y")
    if day is None:
        await reply(update, t(language, "planui_bad_date", example=example))
        return
    voted = svc.storage.cycles.closed_on(svc.storage.cycles.last_round(cycle.id, RoundKind.PLAN_VOTE))
    problem = pmr_date_problem(day, voted, today)
    if problem is not None:
        shown = lambda d: format_date(d.isoformat(), language)  # noqa: E731
        await reply(update, t(language, f"planui_date_{problem}", voted=shown(voted or today), today=shown(today), example=example))
        return
    with svc.storage.atomic():  # the update's id with its change: a redelivery is not applied twice
        svc.storage.awaiting.clear(update.effective_user.id)
        recorded = record_pmr(svc, team, cycle, plan, kind.endswith(":1"), day, language)
    await reply(update, recorded)


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
        await _pmr_date_typed(update, svc, team, cycle, plan, kind, text, language)
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
        title = title[:MAX_TITLE]
        plan.items.append(proposed_item(title, [], catalogue_key(title), svc.config.language))
        index = len(plan.items) - 1
        with svc.storage.atomic():  # the update's id with its change: a redelivery is not applied twice
            svc.storage.plans.save(cycle.id, plan)
            if plan.items[index].proposed:
                svc.storage.awaiting.clear(user_id)
                screen = _item_view(cycle, plan, index, language)
            else:
                screen = (_ask_field(svc, user_id, cycle, plan, index, 0, language),)
        await reply(update, *screen)
        return
    parts = kind.split(":")
    numbers = [int(part) for part in parts[1:] if part.lstrip("-").isdigit()]
    item = plan.find(numbers[0], numbers[-1]) if len(numbers) >= 2 else None
    if item is None or (parts[0] == "plan_field" and (len(numbers) != 3 or not 0 <= numbers[1] < len(FIELDS))):
        svc.storage.awaiting.clear(user_id)
        await reply(update, t(language, "planui_see_plan"), overview_keyboard(cycle, plan, language))
        return
    index = numbers[0]
    if parts[0] == "plan_rename":
        title = clean_field(text)
        if title is None:
            await reply(update, t(language, "planui_too_long"))
            return
        item.title = title[:MAX_TITLE]
        with svc.storage.atomic():
            svc.storage.plans.save(cycle.id, plan)
            svc.storage.awaiting.clear(user_id)
        await reply(update, *_item_view(cycle, plan, index, language, heading=t(language, "planui_renamed")))
        return
    name = FIELDS[numbers[1]]
    value = parse_cost(text) if name == "cost" else clean_field(text)
    if value is None:
        await reply(update, t(language, "planui_bad_cost" if name == "cost" else "planui_too_long"))
        return
    item.set_field(name, value)
    missing = item.missing()
    with svc.storage.atomic():  # the field and the next expected one with the update's id (finding 6 of issue 12)
        svc.storage.plans.save(cycle.id, plan)
        if item.proposed or not missing:
            svc.storage.awaiting.clear(user_id)
            screen = None
        else:
            screen = _ask_field(svc, user_id, cycle, plan, index, FIELDS.index(missing[0]), language)
    if item.proposed:  # the rest is still a proposal: show the measure, so the leader can confirm it
        await reply(update, *_item_view(cycle, plan, index, language, heading=t(language, "planui_saved")))
    elif screen is not None:
        await reply(update, screen)
    else:
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
    return format_percentage(value, language, 1)
