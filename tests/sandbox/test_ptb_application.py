"""A real python-telegram-bot Application against the sandbox (polling mode)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox import Sandbox


def build_app(sb: Sandbox) -> Application:
    """An Application wired to the sandbox with a /start echo, a button handler and a member lookup."""
    app = (ApplicationBuilder().token(sb.token).base_url(sb.base_url)
           .base_file_url(sb.base_file_url).build())

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = " ".join(context.args)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="answer:yes"),
                                          InlineKeyboardButton("Nee", callback_data="answer:no")]])
        await update.effective_message.reply_html(f"Hallo <b>{update.effective_user.first_name}</b> {args}".strip(),
                                                  reply_markup=keyboard)

    async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        member = await context.bot.get_chat_member(update.effective_chat.id, update.effective_user.id)
        await update.effective_message.reply_text(f"status={member.status}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("Dank je!")
        await query.edit_message_text(f"Gekozen: {query.data}")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("whoami", whoami))
    app.add_handler(CallbackQueryHandler(button))
    return app


async def test_application_polling_roundtrip(sb: Sandbox) -> None:
    """PTB polls the sandbox: /start is echoed, a button press is answered and edited, getChatMember from
    a handler parses into ChatMemberOwner; all waiting is event-driven and there are no violations."""
    anna = sb.add_user("Anna", language_code="nl")
    group = sb.add_group("Team De Regenboog", owner=anna)
    app = build_app(sb)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(timeout=5, poll_interval=0)
    try:
        await sb.add_bot_to_group(group, by=anna)
        mark = sb.mark()
        await sb.open_deep_link(anna, f"https://t.me/{sb.bot_username}?start=team_42")
        greeting = await sb.wait_for_message(anna.id, since=mark, contains="Hallo Anna")
        assert greeting.text == "Hallo Anna team_42"
        assert greeting.html == "Hallo <b>Anna</b> team_42"
        assert greeting.callback_datas == ["answer:yes", "answer:no"]
        assert anna.started_bot

        query_id = await sb.press_button(anna, greeting.message, "answer:yes")
        answer = await sb.wait_for_callback_answer(query_id)
        assert answer.ok and answer.params["text"] == "Dank je!"
        edit = await sb.wait_for_edit(anna.id, greeting.message_id)
        assert edit.result["text"] == "Gekozen: answer:yes"
        assert "reply_markup" not in sb.chat_history(anna.id)[-1]

        mark = sb.mark()
        await sb.send_text(anna, f"/whoami@{sb.bot_username}", chat=group)
        reply = await sb.wait_for_message(group.id, since=mark)
        assert reply.text == "status=creator"
        member_call = next(c for c in sb.calls if c.method == "getChatMember")
        assert member_call.ok and member_call.result["status"] == "creator"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert [c.method for c in sb.calls[:1]] == ["getMe"]
    sb.assert_no_violations()
