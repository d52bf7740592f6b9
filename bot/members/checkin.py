"""The member's anonymous check-in, in the private chat: one question at a time with buttons,
progress, a way back, a review, and one submission per round. Progress is a draft in SQLite, so a
check-in stopped halfway resumes after a restart of the bot."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.plumbing.callbacks import Callback, encode
from bot.members.common import Services, answer_and_edit, edit, reply, retire, services, user_language
from bot.texts.i18n import Markup, escape, t
from flows.checkin import FREE_TEXT, MAX_FREE_TEXT, Draft, split_response
from flows.cycle import Round
from flows.text import clean


def load_draft(svc: Services, round_: Round, user_id: int) -> Draft:
    """The member's draft for the round (a new one when there is none)."""
    return _load(svc, round_, user_id)[0]


def _load(svc: Services, round_: Round, user_id: int) -> tuple[Draft, int | None]:
    """The draft, and the message that shows its current screen (whose buttons answer it), if known."""
    questions = svc.storage.cycles.questions(round_.id)
    stored = svc.storage.answers.draft(round_.id, user_id, svc.now())
    return (Draft.from_dict(questions, stored) if stored else Draft(questions)), (stored or {}).get("screen")


def save_draft(svc: Services, round_: Round, user_id: int, draft: Draft, screen: int | None = None) -> None:
    """Keep the draft (and the message showing its screen), and expect typed text when the current question
    is an open one (one transaction)."""
    with svc.storage.atomic():
        svc.storage.answers.save_draft(round_.id, user_id, {**draft.to_dict(), "screen": screen}, svc.now())
        current = draft.current
        if current is not None and current.kind == FREE_TEXT:
            svc.storage.awaiting.expect(user_id, "checkin", round_.id, svc.now())
        else:
            svc.storage.awaiting.clear(user_id)


def render(round_: Round, draft: Draft, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    """The current question (or the review) with its buttons."""
    if draft.state == "reviewing":
        return _review(round_, draft, language)
    index, question = draft.position, draft.current
    header = t(language, "checkin_progress", number=index + 1, total=len(draft.questions))
    rows: list[list[InlineKeyboardButton]] = []
    if question.kind == FREE_TEXT:
        body = t(language, "checkin_free_text", question=question.text(language), limit=MAX_FREE_TEXT)
        rows.append([InlineKeyboardButton(t(language, "checkin_skip"), callback_data=encode("skip", round_.id, index))])
    else:
        body = Markup(f"<b>{escape(question.text(language))}</b>")
        options = [InlineKeyboardButton(label, callback_data=encode("ans", round_.id, index, value)) for value, label in question.options(language)]
        rows += [options[:2], options[2:]] if max(len(b.text) for b in options) > 8 else [options]
    if index > 0:
        rows.append([InlineKeyboardButton(t(language, "checkin_back"), callback_data=encode("back", round_.id))])
    return Markup(f"{header}\n\n{body}"), InlineKeyboardMarkup(rows)


def _answer_label(question, value, language: str, limit: int) -> str:
    if question.kind == FREE_TEXT:
        if value is None:
            return t(language, "checkin_skipped")
        return escape(value if len(value) <= limit else value[:limit] + "…")
    return escape(dict(question.options(language)).get(value, "?"))


def _review(round_: Round, draft: Draft, language: str) -> tuple[Markup, InlineKeyboardMarkup]:
    for limit in (MAX_FREE_TEXT, 150):  # long open answers are shortened in the review (never in what is stored)
        lines = [
            f"{i}. {escape(q.text(language))}\n    → <i>{_answer_label(q, draft.answers.get(q.id), language, limit)}</i>"
            for i, q in enumerate(draft.questions, 1)
        ]
        text = t(language, "checkin_review", answers=Markup("\n".join(lines)))
        if len(text) <= 3800:
            break
    rows = [
        [InlineKeyboardButton(t(language, "checkin_send"), callback_data=encode("send", round_.id))],
        [InlineKeyboardButton(t(language, "checkin_change"), callback_data=encode("chg", round_.id, -1))],
        [InlineKeyboardButton(t(language, "checkin_back"), callback_data=encode("back", round_.id))],
    ]
    return text, InlineKeyboardMarkup(rows)


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round) -> None:
    """A member opens the check-in (from the group's button or /open): start or resume it."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    if svc.storage.answers.has_taken_part(round_.id, user_id):
        await reply(update, t(language, "checkin_already_done"))
        return
    stored = svc.storage.answers.draft(round_.id, user_id, svc.now())
    draft, old_screen = _load(svc, round_, user_id)
    save_draft(svc, round_, user_id, draft, old_screen)
    intro = t(language, "checkin_resume" if stored else "checkin_intro", total=len(draft.questions), minimum=svc.config.privacy.min_group_size)
    question, keyboard = render(round_, draft, language)
    await _replace_screen(update, svc, round_, draft, old_screen, Markup(f"{intro}\n\n{question}"), keyboard)


async def _replace_screen(update: Update, svc: Services, round_: Round, draft: Draft, old_screen: int | None,
                          text: Markup, keyboard: InlineKeyboardMarkup) -> None:
    """Send the draft's screen as a new message and take the buttons off the one it replaces (at once)."""
    user_id = update.effective_user.id
    sent, _ = await asyncio.gather(reply(update, text, keyboard), retire(update.get_bot(), user_id, old_screen))
    save_draft(svc, round_, user_id, draft, sent.message_id)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE, press: Callback, round_: Round) -> None:
    """An answer, back, skip, change or send button (every value is checked against the draft)."""
    svc, language, user_id, query = services(context), user_language(update, context), update.effective_user.id, update.callback_query
    if svc.storage.answers.has_taken_part(round_.id, user_id):
        await query.answer(t(language, "checkin_already_done_short"))
        return
    draft = load_draft(svc, round_, user_id)
    args = press.args[1:]
    if press.action == "ans" and len(args) == 2:
        changed = draft.fire("answer", index=args[0], value=args[1])
    elif press.action == "skip" and len(args) == 1:
        changed = draft.fire("answer", index=args[0], value=None)
    elif press.action == "back":
        changed = draft.fire("back")
    elif press.action == "chg" and len(args) == 1 and args[0] == -1 and draft.state == "reviewing":
        await query.answer()
        rows = [[InlineKeyboardButton(str(i), callback_data=encode("chg", round_.id, i - 1)) for i in range(k, min(k + 8, len(draft.questions) + 1))] for k in range(1, len(draft.questions) + 1, 8)]
        await edit(update, t(language, "checkin_pick_change"), InlineKeyboardMarkup(rows))
        return
    elif press.action == "chg" and len(args) == 1:
        changed = draft.fire("change", index=args[0])
    elif press.action == "send":
        await _submit(update, context, round_, draft)
        return
    else:
        changed = False
    if not changed:
        await query.answer(t(language, "checkin_stale"))
        await edit(update, *render(round_, draft, language))
        return
    save_draft(svc, round_, user_id, draft, query.message.message_id if query.message else None)
    await answer_and_edit(update, *render(round_, draft, language))


async def show_current(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round) -> None:
    """A tap applied before comes again (e.g. the bot was stopped before it showed the next question): the
    member's screen becomes the one they are at now."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    if svc.storage.answers.has_taken_part(round_.id, user_id):
        await answer_and_edit(update, t(language, "checkin_thanks"))
        return
    await answer_and_edit(update, *render(round_, load_draft(svc, round_, user_id), language))


async def text_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round) -> None:
    """The member typed an open answer."""
    svc, language, user_id = services(context), user_language(update, context), update.effective_user.id
    draft, old_screen = _load(svc, round_, user_id)
    text = clean(update.effective_message.text)
    current = draft.current
    if current is None or current.kind != FREE_TEXT:
        svc.storage.awaiting.clear(user_id)
        await _replace_screen(update, svc, round_, draft, old_screen, *render(round_, draft, language))
        return
    if len(text) > MAX_FREE_TEXT:
        await reply(update, t(language, "checkin_text_too_long", limit=MAX_FREE_TEXT, length=len(text)))
        return
    draft.fire("answer", index=draft.position, value=text or None)
    save_draft(svc, round_, user_id, draft, old_screen)  # the answer is kept before anything is sent
    await _replace_screen(update, svc, round_, draft, old_screen, *render(round_, draft, language))


async def _submit(update: Update, context: ContextTypes.DEFAULT_TYPE, round_: Round, draft: Draft) -> None:
    svc, language, user_id, query = services(context), user_language(update, context), update.effective_user.id, update.callback_query
    if not draft.fire("submit"):
        await query.answer(t(language, "checkin_stale"))
        await edit(update, *render(round_, draft, language))
        return
    scores, texts = split_response(draft)
    parts = [("scores", scores)] + [(FREE_TEXT, [question_id, text]) for question_id, text in texts]
    stored = svc.storage.answers.submit(round_.id, user_id, parts)
    svc.storage.awaiting.clear(user_id)
    await answer_and_edit(update, t(language, "checkin_thanks" if stored else "checkin_already_done"))
