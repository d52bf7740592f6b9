"""Moving a team through its cycle: open rounds, close them, advance phases - each as ONE transaction
that also writes the outbox rows announcing it. Used by the leader's commands and the deadline scan."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cycle import year_plan
from bot.deployment.services import Services
from bot.texts.i18n import t
from bot.cycle.plan_output import document_name, initial_plan, plan_document, plan_messages
from bot.render.plan_render import format_date
from bot.cycle.rounds_render import close_messages, deadline_text, leaders_to_tell, link_button, phase_messages, round_link
from flows.checkin import analysis_questions
from flows.evaluation import evaluation_questions
from flows.plan import Plan, adopted
from flows.cycle import CloseOutcome, Cycle, Round, RoundKind, close_round, first_round, release_threshold
from flows.discussion import VOTES_PER_MEMBER, Step, advances_after_closing, next_step
from flows.team import Team


REMIND_BEFORE = 24 * 3600


@dataclass(frozen=True)
class MoveResult:
    """What a move did, for the leader's confirmation."""

    step: Step
    outcome: CloseOutcome | None = None
    answers: int = 0
    needed: int = 0
    phase: str = ""


def enter_phase(svc: Services, team: Team, cycle: Cycle, closes_at: int | None = None) -> Round | None:
    """Inside a transaction: open the phase's first round and announce the phase in the group."""
    storage = svc.storage
    kind = first_round(cycle.state)
    round_ = None
    if closes_at is None and kind is not None:
        closes_at = year_plan.planned_close(svc, team.id, kind)  # the school year's schedule, if the leader set one
    if kind is RoundKind.ANALYSIS:
        questions = analysis_questions(storage.cycles.sources(team.id))
        round_ = storage.cycles.open_round(cycle, kind, questions, closes_at=closes_at)
    elif kind is RoundKind.EVALUATION:
        plan = storage.plans.get(cycle.id)
        measures = [item.title for item in plan.items] if plan and adopted(plan) else []
        questions = evaluation_questions(measures)
        round_ = storage.cycles.open_round(cycle, kind, questions, settings={"measures": measures}, closes_at=closes_at)
    elif kind is RoundKind.PROPOSALS:
        round_ = storage.cycles.open_round(cycle, kind, closes_at=closes_at)
    elif cycle.state == "aanpakken" and storage.plans.get(cycle.id) is None:
        storage.plans.save(cycle.id, initial_plan(svc, cycle))
    for chat_id, text, markup in phase_messages(svc, team, cycle, round_):
        storage.outbox.add(chat_id, text, markup)
    if round_ is not None and round_.closes_at is not None:
        schedule_reminder(svc, round_)
    year_plan.phase_note(svc, team)
    year_plan.cycle_closed(svc, team, cycle)
    return round_


def schedule_reminder(svc: Services, round_: Round) -> None:
    """One reminder for those who have not answered, a day before the deadline (if that is still ahead)."""
    due = round_.closes_at - REMIND_BEFORE
    if due > svc.now():
        svc.storage.pulses.remind_at(round_.id, due)


def start_cycle(svc: Services, team: Team, phase: str, closes_at: int | None) -> Cycle:
    """Begin a cycle at ``phase`` and announce it."""
    with svc.storage.atomic():
        cycle = svc.storage.cycles.start(team.id, phase)
        svc.storage.schedules.bind(team.id, cycle.id)
        enter_phase(svc, team, cycle, closes_at)
    svc.wake_outbox()
    return cycle


def planned_step(svc: Services, team: Team) -> Step:
    """What moving on would do now (see flows.discussion.next_step)."""
    storage = svc.storage
    cycle = storage.cycles.current(team.id)
    open_round = storage.cycles.open_round_of(team.id)
    proposals_round = storage.cycles.last_round(cycle.id, RoundKind.PROPOSALS)
    released = proposals_round is not None and proposals_round.state == "closed"  # closed WITH results
    proposals = storage.proposals.count(proposals_round.id) if released else 0
    vote_held = storage.cycles.last_round(cycle.id, RoundKind.VOTE) is not None
    return next_step(cycle.state, open_round.kind if open_round else None, proposals, vote_held)


def move_on(svc: Services, team: Team, *, accept_without_results: bool) -> MoveResult:
    """What the leader's /volgende (or a passed deadline) does."""
    storage = svc.storage
    cycle = storage.cycles.current(team.id)
    open_round = storage.cycles.open_round_of(team.id)
    proposals_round = storage.cycles.last_round(cycle.id, RoundKind.PROPOSALS)
    step = planned_step(svc, team)
    if step is Step.CLOSE_ROUND:
        return _close(svc, team, cycle, open_round, accept_without_results)
    with storage.atomic():
        if step is Step.OPEN_VOTE:
            open_vote(svc, team, cycle, proposals_round)
        else:
            cycle.fire("advance")
            storage.cycles.save(cycle)
            enter_phase(svc, team, cycle)
    svc.wake_outbox()
    return MoveResult(step, phase=cycle.state)


def open_vote(svc: Services, team: Team, cycle: Cycle, proposals_round: Round, closes_at: int | None = None) -> Round:
    """Inside a transaction: open the vote on the proposals and announce it."""
    storage, language = svc.storage, svc.config.language
    proposals = storage.proposals.of_round(proposals_round.id)
    settings = {"proposals_round": proposals_round.id, "votes": VOTES_PER_MEMBER}
    closes_at = closes_at if closes_at is not None else year_plan.planned_close(svc, team.id, RoundKind.VOTE)
    round_ = storage.cycles.open_round(cycle, RoundKind.VOTE, settings=settings, closes_at=closes_at)
    if closes_at is not None:
        schedule_reminder(svc, round_)
    text = t(
        language, "vote_announcement", votes=VOTES_PER_MEMBER, proposals=len(proposals),
        deadline=deadline_text(svc, closes_at, language),
    )
    storage.outbox.add(team.chat_id, text, link_button(t(language, "vote_button"), round_link(svc, round_.id)))
    return round_


def open_plan_vote(svc: Services, team: Team, cycle: Cycle, plan: Plan) -> Round:
    """The plan goes to the team's anonymous vote (its state is already 'stemming')."""
    language = svc.config.language
    with svc.storage.atomic():
        svc.storage.plans.save(cycle.id, plan)
        closes_at = year_plan.planned_close(svc, team.id, RoundKind.PLAN_VOTE)
        round_ = svc.storage.cycles.open_round(cycle, RoundKind.PLAN_VOTE, closes_at=closes_at)
        if closes_at is not None:
            schedule_reminder(svc, round_)
        messages = plan_messages(svc, team, plan, language)
        for text in messages:
            svc.storage.outbox.add(team.chat_id, text)
        button = link_button(t(language, "pv_button"), round_link(svc, round_.id))
        text = t(language, "pv_announcement", members=svc.storage.teams.count(team.id))
        if closes_at is not None:
            text += " " + t(language, "pv_until", deadline=deadline_text(svc, closes_at, language))
        svc.storage.outbox.add(team.chat_id, text, button)
    svc.wake_outbox()
    return round_


def plan_decided(svc: Services, team: Team, cycle: Cycle, plan: Plan) -> None:
    """The PMR decided. With consent: the final plan, as text and as a document, to the leaders and the group.
    Without: the group hears what happened and what comes next (revise, vote again); no plan is published
    as if adopted."""
    with svc.storage.atomic():
        svc.storage.plans.save(cycle.id, plan)
        if plan.state == "pmr_geen_instemming":
            date = format_date(plan.pmr_date, svc.config.language)
            svc.storage.outbox.add(team.chat_id, t(svc.config.language, "planui_pmr_refused_group", team=team.name, date=date))
        else:
            readers = [(team.chat_id, svc.config.language), *leaders_to_tell(svc, team)]
            for chat_id, language in readers:
                for text in plan_messages(svc, team, plan, language):
                    svc.storage.outbox.add(chat_id, text)
                caption = t(language, f"planui_document_caption_{plan.state}", team=team.name)
                svc.storage.outbox.add(
                    chat_id, caption, document=plan_document(svc, team, plan, language, cycle.id), filename=document_name(team)
                )
    svc.wake_outbox()


def answers_in(svc: Services, round_: Round) -> int:
    """How many took part: this decides whether a round may release results."""
    return svc.storage.answers.participants(round_.id)


def _close(svc: Services, team: Team, cycle: Cycle, round_: Round, accept_without_results: bool) -> MoveResult:
    storage = svc.storage
    answers = answers_in(svc, round_)
    needed = release_threshold(round_.kind, svc.config.privacy.min_group_size)
    outcome = close_round(round_, answers, needed, accept_without_results=accept_without_results)
    if outcome is CloseOutcome.TOO_FEW:
        return MoveResult(Step.CLOSE_ROUND, outcome, answers, needed, cycle.state)
    messages = close_messages(svc, team, round_, outcome)  # computed before the transaction
    with storage.atomic():
        storage.cycles.save_round(round_)
        if messages.plan is not None:
            storage.plans.save(cycle.id, messages.plan)
        storage.answers.save_summary(round_.id, round_.kind, outcome is CloseOutcome.RELEASED, messages.summary)
        storage.privacy.drop_departed(round_.id, team.id)
        for chat_id, text, markup, photo in messages.rows:
            storage.outbox.add(chat_id, text, markup, photo=photo)
        storage.answers.expire_drafts(svc.now())
        if advances_after_closing(round_.kind):
            cycle.fire("advance")
            storage.cycles.save(cycle)
            enter_phase(svc, team, cycle)
    svc.wake_outbox()
    return MoveResult(Step.CLOSE_ROUND, outcome, answers, needed, cycle.state)


def set_deadline(svc: Services, round_: Round, closes_at: int | None) -> bool:
    """Give the open round a (new) deadline, and tell the group; False when it closed meanwhile."""
    round_.closes_at = closes_at
    team = svc.storage.teams.get(round_.team_id)
    language = svc.config.language
    with svc.storage.atomic():
        if not svc.storage.cycles.set_deadline(round_.id, closes_at):
            return False
        svc.storage.pulses.clear_reminders(round_.id)
        if closes_at is not None:
            schedule_reminder(svc, round_)
        svc.storage.outbox.add(team.chat_id, t(language, "deadline_changed", deadline=deadline_text(svc, closes_at, language)))
    svc.wake_outbox()
    return True


def close_pulse(svc: Services, team: Team, round_: Round) -> CloseOutcome:
    """Close a pulse at its deadline: results only from the threshold, to the leaders privately."""
    answers = svc.storage.answers.participants(round_.id)
    outcome = close_round(round_, answers, svc.config.privacy.min_group_size, accept_without_results=True)
    messages = close_messages(svc, team, round_, outcome)
    with svc.storage.atomic():
        svc.storage.cycles.save_round(round_)
        svc.storage.answers.save_summary(round_.id, round_.kind, outcome is CloseOutcome.RELEASED, messages.summary)
        svc.storage.privacy.drop_departed(round_.id, team.id)
        for chat_id, text, markup, photo in messages.rows:
            svc.storage.outbox.add(chat_id, text, markup, photo=photo)
        svc.storage.answers.expire_drafts(svc.now())
    svc.wake_outbox()
    return outcome
