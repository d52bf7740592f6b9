"""The leader's side of the cycle: start it (choosing the phase, the sources, the deadline), see its
status, move on, set deadlines, share summaries, merge proposals and open the vote."""

from __future__ import annotations

import zlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.cycle import engine, year_plan
from bot.plumbing.callbacks import Callback, encode
from bot.members.common import Services, answer_and_edit, reply, services, user_language
from bot.leaders.leading import led_by_presser, leader_command, leading_team, leads
from bot.texts.i18n import Markup, escape, t
from bot.cycle.rounds_render import deadline_text, leaders_to_tell, proposals_screen
from flows.catalogue import MAX_SOURCES, custom_source, default_sources
from flows.cycle import CYCLE_STATES, PHASES, CloseOutcome, RoundKind, first_round, release_threshold
from flows.deadlines import DEADLINE_CHOICES, deadline_after
from flows.discussion import Step, proposal_text, short
from flows.team import Team
from flows.text import name


PLANNED = -1  # the deadline choice "as scheduled" (see bot/cycle/year_plan.py)


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows])


# --- starting a cycle --------------------------------------------------------------------------
@leader_command(1)
async def start_cycle(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/cyclus: start a new cycle of the method; the leader chooses where the team begins."""
    team = team or await leading_team(update, context, start_cycle)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    if svc.storage.cycles.current(team.id):
        await reply(update, t(language, "cycle_already_running") + "\n\n" + status_text(svc, team, language))
        return
    rows = [[(t(language, f"phase_choice_{phase}"), encode("cyc_phase", team.id, i))] for i, phase in enumerate(PHASES)]
    rows.append([(t(language, "phase_choice_schedule"), encode("sch_date", team.id))])
    await reply(update, t(language, "cycle_choose_phase", team=team.name), _keyboard(rows))


async def cycle_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """The buttons of starting a cycle: phase, sources of workload, deadline, go."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    team = await led_by_presser(update, svc, press, language)
    if team is None:
        return
    if svc.storage.cycles.current(team.id):
        await query.answer()
        await answer_and_edit(update, t(language, "cycle_already_running") + "\n\n" + status_text(svc, team, language))
        return
    action, args = press.action, press.args
    phase_index = args[1] if len(args) > 1 and 0 <= args[1] < len(PHASES) else 0
    if action == "src_del" and len(args) == 3:
        sources = svc.storage.cycles.sources(team.id)
        if 0 <= args[1] < len(sources) and len(sources) > 1 and source_check(sources[args[1]]) == args[2]:
            del sources[args[1]]
            svc.storage.cycles.save_sources(team.id, sources)
        await answer_and_edit(update, *sources_editor(svc, team, language))
    elif action == "src_reset":
        svc.storage.cycles.save_sources(team.id, default_sources())
        await answer_and_edit(update, *sources_editor(svc, team, language))
    elif action == "src_add":
        svc.storage.awaiting.expect(update.effective_user.id, "source", team.id, svc.now())
        await answer_and_edit(update, t(language, "source_type_it"))
    elif action == "cyc_phase" and PHASES[phase_index] == "analyseren":
        await answer_and_edit(update, *sources_editor(svc, team, language))
    elif action in ("cyc_phase", "src_ok"):
        kind = first_round(PHASES[phase_index])
        planned = year_plan.planned_deadline_row(svc, team.id, kind, language, encode("cyc_go", team.id, phase_index, PLANNED)) if kind else []
        keyboard = deadline_keyboard(language, "cyc_go", team.id, phase_index, planned=planned)
        await answer_and_edit(update, t(language, "cycle_choose_deadline", phase=t(language, f"phase_name_{PHASES[phase_index]}")), keyboard)
    elif action == "cyc_go" and len(args) == 3:
        closes_at = deadline_after(svc.now(), args[2], svc.config.timezone) if args[2] in DEADLINE_CHOICES else None
        kind = first_round(PHASES[phase_index])
        if args[2] == PLANNED and kind is not None:
            closes_at = year_plan.planned_close(svc, team.id, kind)
        engine.start_cycle(svc, team, PHASES[phase_index], closes_at)
        await answer_and_edit(update, t(language, "cycle_started", team=team.name, phase=t(language, f"phase_name_{PHASES[phase_index]}")))
    else:
        await query.answer()


def sources_editor(svc: Services, team: Team, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    """The team's sources of workload, each removable, with add / default list / done."""
    sources = svc.storage.cycles.sources(team.id)
    lines = Markup("\n".join(f"{i}. {escape(s.label(language))}" for i, s in enumerate(sources, 1)))
    rows = [[(f"✖ {i}. {s.label(language)[:28]}", encode("src_del", team.id, i - 1, source_check(s)))] for i, s in enumerate(sources, 1)]
    extra = [(t(language, "source_add_button"), encode("src_add", team.id))] if len(sources) < MAX_SOURCES else []
    rows.append(extra + [(t(language, "source_reset_button"), encode("src_reset", team.id))])
    rows.append([(t(language, "source_done_button"), encode("src_ok", team.id, 0))])
    return t(language, "sources_editor", count=len(sources), sources=lines), _keyboard(rows)


def source_check(source) -> int:
    """A short checksum of a source's key: a stale or doubled ✖ press cannot remove another source."""
    return zlib.crc32(source.key.encode()) & 0xFFFF


def deadline_keyboard(language: str, action: str, *args: int, planned: list | None = None) -> InlineKeyboardMarkup:
    """Buttons for 3 days / 1 week / 2 weeks / no deadline (first "as scheduled" when ``planned`` gives it)."""
    rows = [planned] if planned else []
    rows += [[(t(language, f"deadline_choice_{days}"), encode(action, *args, days))] for days in DEADLINE_CHOICES]
    rows.append([(t(language, "deadline_choice_0"), encode(action, *args, 0))])
    return _keyboard(rows)


async def source_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, team_id: int) -> None:
    """The leader typed the name of a source of workload to add to the team's list."""
    svc, language = services(context), user_language(update, context)
    svc.storage.awaiting.clear(update.effective_user.id)
    team = leads(svc, team_id, update.effective_user.id)
    if team is None:
        await reply(update, t(language, "cycle_leaders_only"))
        return
    sources = svc.storage.cycles.sources(team.id)
    label = name(update.effective_message.text, fallback="")
    if label and len(sources) < MAX_SOURCES:
        sources.append(custom_source(label, sources))
        svc.storage.cycles.save_sources(team.id, sources)
    await reply(update, *sources_editor(svc, team, language))


# --- status, moving on, deadlines ----------------------------------------------------------------
def status_text(svc: Services, team: Team, language: str) -> Markup:
    """Phase, what is open, the deadline and how many took part - never who."""
    cycle = svc.storage.cycles.current(team.id)
    round_ = svc.storage.cycles.open_round_of(team.id)
    members = svc.storage.teams.count(team.id)
    if cycle is None:
        text = t(language, "status_no_cycle", team=team.name)
    else:
        if round_ is None:
            open_text = t(language, "status_nothing_open")
        else:
            open_text = t(
                language, f"status_open_{round_.kind.value}", done=svc.storage.answers.participants(round_.id),
                members=members, deadline=deadline_text(svc, round_.closes_at, language),
            )
        text = t(language, "status", team=team.name, phase=t(language, f"phase_name_{cycle.state}"), open=open_text)
    pulse = svc.storage.cycles.open_pulse(team.id)
    if pulse is not None:  # the count, never who
        text = Markup(text + "\n" + t(
            language, "status_open_pulse", done=svc.storage.answers.participants(pulse.id), members=members,
            deadline=deadline_text(svc, pulse.closes_at, language),
        ))
    planned = year_plan.status_line(svc, team, language)
    if planned:
        text = Markup(text + "\n" + planned)
    unreachable = svc.storage.teams.unreachable_count(team.id)
    if unreachable:
        text = Markup(text + "\n" + t(language, "status_unreachable", count=unreachable))
    return text


@leader_command(2)
async def show_status(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/status: where the team's cycle stands."""
    team = team or await leading_team(update, context, show_status)
    if team:
        await reply(update, status_text(services(context), team, user_language(update, context)))


def _step_key(svc: Services, team: Team) -> tuple[int, int, int]:
    """What the leader is confirming: the cycle, its open round and its phase (a double tap or an old
    confirmation no longer matches once the step was taken)."""
    cycle = svc.storage.cycles.current(team.id)
    round_ = svc.storage.cycles.open_round_of(team.id)
    phase = CYCLE_STATES.index(cycle.state) if cycle else 0
    return (cycle.id if cycle else 0), (round_.id if round_ else 0), phase


@leader_command(3)
async def move_on(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/volgende: say what moving on will do, and ask to confirm."""
    team = team or await leading_team(update, context, move_on)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    cycle = svc.storage.cycles.current(team.id)
    if cycle is None:
        await reply(update, t(language, "status_no_cycle", team=team.name))
        return
    key = _step_key(svc, team)
    round_ = svc.storage.cycles.round(key[1]) if key[1] else None
    wait = [(t(language, "next_wait_button"), encode("next_wait", team.id))]
    if round_ is not None:
        done = engine.answers_in(svc, round_)
        needed = release_threshold(round_.kind, svc.config.privacy.min_group_size)
        if done < needed:
            text = t(language, f"next_too_few_{round_.kind.value}", done=done, needed=needed)
            rows = [[(t(language, "next_close_empty_button"), encode("next_empty", team.id, *key[:2]))], wait]
            await reply(update, text, _keyboard(rows))
            return
        text = t(language, f"next_close_{round_.kind.value}", done=done)
    elif engine.planned_step(svc, team) is Step.OPEN_VOTE:
        text = t(language, "next_open_vote")
    else:
        text = t(language, f"next_from_{cycle.state}")
    rows = [[(t(language, "next_go_button"), encode("next_go", team.id, *key))], wait]
    await reply(update, text, _keyboard(rows))


async def move_on_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """The confirmation of /volgende (re-checked: is this still the step the leader saw?)."""
    svc, language = services(context), user_language(update, context)
    team = await led_by_presser(update, svc, press, language)
    if team is None:
        return
    if press.action == "next_wait":
        await answer_and_edit(update, t(language, "next_waiting"))
        return
    current = _step_key(svc, team)
    seen = tuple(press.args[1:])
    if current[0] == 0 or seen not in (current, current[:2]) or (press.action == "next_go") != (len(seen) == 3):
        if current[0] != 0 and seen[:1] == current[:1]:  # a doubled or old confirmation: that step was taken
            await answer_and_edit(update, t(language, "next_already", status=status_text(svc, team, language)))
            return
        await answer_and_edit(update, t(language, "next_stale"))
        return
    result = engine.move_on(svc, team, accept_without_results=press.action == "next_empty")
    text = moved_text(result, language)
    if result.step is Step.CLOSE_ROUND and not leaders_to_tell(svc, team):
        text += "\n\n" + t(language, "leader_unreachable", bot=svc.bot_username)
    await answer_and_edit(update, text)


def moved_text(result: engine.MoveResult, language: str) -> Markup:
    """The leader's confirmation of a move."""
    phase = t(language, f"phase_name_{result.phase}")
    if result.step is Step.OPEN_VOTE:
        return t(language, "moved_vote_open")
    if result.step is Step.ADVANCE:
        return t(language, "moved_phase", phase=phase)
    if result.outcome is CloseOutcome.RELEASED:
        return t(language, "moved_closed", phase=phase)
    return t(language, "moved_closed_empty", phase=phase)


@leader_command(4)
async def set_deadline(update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None = None) -> None:
    """/deadline: choose (or change) when the open round closes."""
    team = team or await leading_team(update, context, set_deadline)
    if team is None:
        return
    svc, language = services(context), user_language(update, context)
    round_ = svc.storage.cycles.open_round_of(team.id)
    if round_ is None:
        await reply(update, t(language, "deadline_nothing_open"))
        return
    planned = year_plan.planned_deadline_row(svc, team.id, round_.kind, language, encode("dl", round_.id, PLANNED))
    keyboard = deadline_keyboard(language, "dl", round_.id, planned=planned)
    await reply(update, t(language, "deadline_choose", current=deadline_text(svc, round_.closes_at, language)), keyboard)


async def deadline_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """A deadline chosen for the open round."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    round_ = svc.storage.cycles.round(press.args[0]) if len(press.args) == 2 else None
    if round_ is None or leads(svc, round_.team_id, update.effective_user.id) is None:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    round_ = svc.storage.cycles.round(round_.id)  # fresh: the deadline scan may have closed it meanwhile
    closes_at = deadline_after(svc.now(), press.args[1], svc.config.timezone) if press.args[1] in DEADLINE_CHOICES else None
    if press.args[1] == PLANNED:
        closes_at = year_plan.planned_close(svc, round_.team_id, round_.kind)
        if closes_at is None:  # the scheduled day came too close meanwhile
            await answer_and_edit(update, t(language, "button_expired"))
            return
    if not round_.is_open or not engine.set_deadline(svc, round_, closes_at):
        await answer_and_edit(update, t(language, "round_closed_already"))
        return
    text = t(language, "deadline_set", deadline=deadline_text(svc, closes_at, language))
    followed = year_plan.deadline_moved(svc, svc.storage.teams.get(round_.team_id), round_, closes_at, language)
    await answer_and_edit(update, Markup(text + "\n" + followed) if followed else text)


# --- after a round: share, merge, vote -----------------------------------------------------------
async def proposals_button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback) -> None:
    """Merging duplicate proposals (without learning who made them), then opening the vote."""
    svc, language, query = services(context), user_language(update, context), update.callback_query
    round_ = svc.storage.cycles.round(press.args[0]) if press.args else None
    team = leads(svc, round_.team_id, update.effective_user.id) if round_ and round_.kind is RoundKind.PROPOSALS else None
    cycle = svc.storage.cycles.get(round_.cycle_id) if team else None
    if team is None or cycle is None or not cycle.is_open:
        await query.answer(t(language, "cycle_leaders_only_short"))
        return
    if round_.is_open or svc.storage.cycles.last_round(cycle.id, RoundKind.VOTE) is not None:
        await query.answer(t(language, "proposals_locked"))
        return
    proposals = svc.storage.proposals.of_round(round_.id)
    if press.action == "merge":
        rows = [[(f"{i}", encode("merge_a", round_.id, p.id)) for i, p in enumerate(proposals, 1)][k : k + 6] for k in range(0, len(proposals), 6)]
        await answer_and_edit(update, t(language, "merge_pick_keep") + "\n\n" + _numbered(proposals, language), _keyboard(rows))
    elif press.action == "merge_a" and len(press.args) == 2:
        rows = [[(f"{i}", encode("merge_b", round_.id, press.args[1], p.id)) for i, p in enumerate(proposals, 1) if p.id != press.args[1]][k : k + 6] for k in range(0, len(proposals), 6)]
        await answer_and_edit(update, t(language, "merge_pick_drop") + "\n\n" + _numbered(proposals, language), _keyboard([r for r in rows if r]))
    elif press.action == "merge_b" and len(press.args) == 3:
        svc.storage.proposals.merge(round_.id, press.args[1], press.args[2])
        text, markup = proposals_screen(svc, team, round_, language)
        await answer_and_edit(update, text, InlineKeyboardMarkup.de_json(markup, context.bot) if markup else None)
    elif press.action == "vote_open":
        if not proposals:
            await answer_and_edit(update, t(language, "proposals_none", team=team.name))
            return
        with svc.storage.atomic():
            engine.open_vote(svc, team, cycle, round_)
        svc.wake_outbox()
        await answer_and_edit(update, t(language, "moved_vote_open"))
    else:
        await query.answer()


def _numbered(proposals: list, language: str) -> Markup:
    return Markup("\n".join(f"{i}. {escape(short(proposal_text(p, language)))}" for i, p in enumerate(proposals, 1)))
