"""Chats, membership, errors and rate limits modelled like Telegram."""

from __future__ import annotations

import pytest
from telegram import Bot, ChatFullInfo, ChatMember, ChatMemberAdministrator, ChatMemberOwner
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from bot.sandbox import Sandbox


async def make_bot(sb: Sandbox) -> Bot:
    """An initialized PTB Bot talking to the sandbox."""
    bot = Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url)
    await bot.initialize()
    return bot


async def test_forbidden_and_not_found(sb: Sandbox, raw) -> None:
    """Never-started users, blocked users and chats without the bot give Telegram's 403s; unknown chats 400."""
    anna, piet = sb.add_user("Anna"), sb.add_user("Piet")
    group = sb.add_group("Team", owner=anna, supergroup=True)
    basic = sb.add_group("Oud team", owner=anna, supergroup=False)
    await sb.send_text(piet, "/start")
    sb.block_bot(piet)
    cases = [
        (anna.id, 403, "Forbidden: bot can't initiate conversation with a user"),
        (piet.id, 403, "Forbidden: bot was blocked by the user"),
        (group.id, 403, "Forbidden: bot is not a member of the supergroup chat"),
        (basic.id, 403, "Forbidden: bot is not a member of the group chat"),
        (424242, 400, "Bad Request: chat not found"),
    ]
    for chat_id, code, description in cases:
        status, body = await raw.form("sendMessage", chat_id=chat_id, text="hoi")
        assert (status, body["description"]) == (code, description)
    assert [c.chat_id for c in sb.forbidden] == [anna.id, piet.id, group.id, basic.id]
    assert str(group.id).startswith("-100") and group.type == "supergroup" and basic.type == "group"
    sb.assert_no_violations()


async def test_privacy_mode_delivery(sb: Sandbox) -> None:
    """With privacy mode the bot gets commands (not those for other bots), replies to itself and service
    messages; other messages are stored but not delivered; as admin it gets everything."""
    anna = sb.add_user("Anna")
    group = sb.add_group("Team", owner=anna)
    await sb.add_bot_to_group(group, by=anna)
    kinds = [next(k for k in u if k != "update_id") for u in sb.updates]
    assert kinds == ["my_chat_member", "message"]
    assert sb.updates[1]["message"]["new_chat_members"][0]["id"] == sb.bot_id
    before = len(sb.updates)
    await sb.send_text(anna, "gewoon praten", chat=group)
    await sb.send_text(anna, "/help@other_bot", chat=group)
    await sb.send_text(anna, f"/help@{sb.bot_username} nu", chat=group)
    await sb.send_text(anna, "/status", chat=group)
    bot_msg = sb.world.store(sb.world.new_message(sb.bot_user, group.id, text="vraag"))
    await sb.send_text(anna, "antwoord", chat=group, reply_to=bot_msg)
    delivered = [u["message"]["text"] for u in sb.updates[before:]]
    assert delivered == [f"/help@{sb.bot_username} nu", "/status", "antwoord"]
    assert sb.updates[-1]["message"]["reply_to_message"]["message_id"] == bot_msg["message_id"]
    assert sb.updates[before]["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len(f"/help@{sb.bot_username}")}]
    assert "gewoon praten" in [m.get("text") for m in sb.chat_history(group.id)]
    sb.set_admin(group, sb.bot_user)
    await sb.send_text(anna, "nu wel", chat=group)
    assert sb.updates[-1]["message"]["text"] == "nu wel"
    sb.assert_no_violations()


async def test_members_and_chat_info_parse_in_ptb(sb: Sandbox) -> None:
    """getChat/getChatMember/getChatAdministrators/getChatMemberCount results parse in PTB with the right
    statuses for owner, admin, member, left and the bot itself."""
    anna, piet, kees, els = (sb.add_user(n) for n in ("Anna", "Piet", "Kees", "Els"))
    group = sb.add_group("Team De Regenboog", owner=anna, admins=[piet], members=[kees])
    await sb.add_bot_to_group(group, by=anna, as_admin=True)
    bot = await make_bot(sb)
    try:
        statuses = [(await bot.get_chat_member(group.id, u.id)).status for u in (anna, piet, kees, els)]
        assert statuses == ["creator", "administrator", "member", "left"]
        assert isinstance(await bot.get_chat_member(group.id, anna.id), ChatMemberOwner)
        me = await bot.get_chat_member(group.id, sb.bot_id)
        assert isinstance(me, ChatMemberAdministrator) and me.user.is_bot
        admins = await bot.get_chat_administrators(group.id)
        assert [a.user.id for a in admins] == [anna.id, piet.id, sb.bot_id]
        assert await bot.get_chat_member_count(group.id) == 4
        chat = await bot.get_chat(group.id)
        assert isinstance(chat, ChatFullInfo) and chat.title == "Team De Regenboog"
        sb.remove_member(group, kees)
        assert (await bot.get_chat_member(group.id, kees.id)).status == ChatMember.LEFT
    finally:
        await bot.shutdown()
    sb.assert_no_violations()


async def test_bot_removed_and_leaving(sb: Sandbox) -> None:
    """Removing the bot queues my_chat_member (kicked) and later sends give 403; leaveChat queues left."""
    anna = sb.add_user("Anna")
    group, other = sb.add_group("Team", owner=anna), sb.add_group("Ander team", owner=anna)
    await sb.add_bot_to_group(group, by=anna)
    await sb.add_bot_to_group(other, by=anna)
    update = await sb.remove_bot_from_group(group, by=anna)
    assert update["my_chat_member"]["new_chat_member"] == {"status": "kicked", "user": sb.bot_user.to_dict(),
                                                           "until_date": 0}
    bot = await make_bot(sb)
    try:
        with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
            await bot.send_message(group.id, "hoi")
        assert await bot.leave_chat(other.id)
        assert sb.updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "left"
        with pytest.raises(Forbidden, match="bot is not a member"):
            await bot.send_message(other.id, "hoi")
    finally:
        await bot.shutdown()
    sb.assert_no_violations()


async def test_migration_to_supergroup(sb: Sandbox) -> None:
    """migrate_group queues the migrate service messages; the old id then raises ChatMigrated in PTB."""
    anna = sb.add_user("Anna")
    basic = sb.add_group("Team", owner=anna, supergroup=False)
    await sb.add_bot_to_group(basic, by=anna)
    new = sb.migrate_group(basic)
    assert new.type == "supergroup" and str(new.id).startswith("-100")
    assert sb.updates[-2]["message"]["migrate_to_chat_id"] == new.id
    assert sb.updates[-1]["message"]["migrate_from_chat_id"] == basic.id
    bot = await make_bot(sb)
    try:
        with pytest.raises(ChatMigrated) as info:
            await bot.send_message(basic.id, "hoi")
        assert info.value.new_chat_id == new.id
        await bot.send_message(new.id, "hoi")
    finally:
        await bot.shutdown()
    sb.assert_no_violations()


async def test_editing_and_deleting(sb: Sandbox) -> None:
    """Edits apply to the history, identical edits are "not modified", missing messages give Telegram's
    errors and deletions remove messages."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    bot = await make_bot(sb)
    try:
        msg = await bot.send_message(anna.id, "<b>een</b>", parse_mode="HTML")
        await bot.edit_message_text("twee", chat_id=anna.id, message_id=msg.message_id)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("twee", chat_id=anna.id, message_id=msg.message_id)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=anna.id, message_id=999)
        with pytest.raises(BadRequest, match="(?i)message can.t be edited"):
            await bot.edit_message_text("x", chat_id=anna.id, message_id=1)
        edit = await sb.wait_for_edit(anna.id, msg.message_id)
        assert edit.result["text"] == "twee"
        assert [m["text"] for m in sb.chat_history(anna.id)] == ["/start", "twee"]
        assert await bot.delete_message(anna.id, msg.message_id)
        with pytest.raises(BadRequest, match="(?i)message to delete not found"):
            await bot.delete_message(anna.id, msg.message_id)
        assert [m["text"] for m in sb.chat_history(anna.id)] == ["/start"]
        assert sb.sent_messages(anna.id)[0].html == "<b>een</b>"
    finally:
        await bot.shutdown()
    sb.assert_no_violations()


async def test_callback_queries(sb: Sandbox, raw) -> None:
    """press_button needs a real button; a query can be answered once; press_raw forges anything."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    _, body = await raw.form("sendMessage", chat_id=anna.id, text="kies",
                             reply_markup={"inline_keyboard": [[{"text": "Ja", "callback_data": "ja"}]]})
    with pytest.raises(AssertionError, match="no button"):
        await sb.press_button(anna, body["result"], "nee")
    query_id = await sb.press_button(anna, (anna.id, body["result"]["message_id"]), "ja")
    update = sb.updates[-1]["callback_query"]
    assert update["id"] == query_id and update["data"] == "ja" and update["from"]["id"] == anna.id
    assert update["message"]["reply_markup"] == body["result"]["reply_markup"]
    assert (await raw.form("answerCallbackQuery", callback_query_id=query_id))[0] == 200
    code, again = await raw.form("answerCallbackQuery", callback_query_id=query_id)
    assert code == 400 and "query is too old" in again["description"]
    assert (await raw.form("answerCallbackQuery", callback_query_id="nope"))[0] == 400
    forged = await sb.press_raw(anna, anna.id, 77, "admin:delete_all")
    assert sb.updates[-1]["callback_query"]["data"] == "admin:delete_all"
    assert (await sb.wait_for_callback_answer(query_id)).ok
    assert forged != query_id
    sb.assert_no_violations()


async def test_group_rate_limit(sb: Sandbox, raw) -> None:
    """The 21st send into one group within a minute gets 429 with retry_after, recorded as a flood event."""
    anna = sb.add_user("Anna")
    group = sb.add_group("Team", owner=anna)
    await sb.add_bot_to_group(group, by=anna)
    for i in range(20):
        assert (await raw.form("sendMessage", chat_id=group.id, text=f"bericht {i}"))[0] == 200
    code, body = await raw.form("sendMessage", chat_id=group.id, text="te veel")
    assert code == 429
    assert body["description"].startswith("Too Many Requests: retry after ")
    assert 1 <= body["parameters"]["retry_after"] <= 60
    assert [c.params["text"] for c in sb.flood_events] == ["te veel"]
    assert len(sb.sent_messages(group.id)) == 20
    sb.assert_no_violations()


async def test_global_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """More than global_rate_per_second sends in a sliding second across chats get 429."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 otherwise warns when building RetryAfter
    async with Sandbox(global_rate_per_second=3) as sb:
        users = [sb.add_user(f"U{i}") for i in range(4)]
        bot = await make_bot(sb)
        try:
            for user in users:
                await sb.send_text(user, "/start")
            for user in users[:3]:
                await bot.send_message(user.id, "hoi")
            with pytest.raises(RetryAfter):
                await bot.send_message(users[3].id, "hoi")
        finally:
            await bot.shutdown()
        assert len(sb.flood_events) == 1
        sb.assert_no_violations()


async def test_files_round_trip(sb: Sandbox) -> None:
    """sendPhoto/sendDocument store the uploaded bytes; getFile plus the file URL downloads them."""
    anna = sb.add_user("Anna")
    await sb.send_text(anna, "/start")
    bot = await make_bot(sb)
    try:
        msg = await bot.send_document(anna.id, b"a;b\n1;2\n", filename="scores.csv", caption="<i>cijfers</i>",
                                      parse_mode="HTML")
        photo = await bot.send_photo(anna.id, b"\x89PNG fake", filename="grafiek.png")
        file = await bot.get_file(msg.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"
        await bot.send_document(anna.id, msg.document.file_id)  # re-send by file_id
    finally:
        await bot.shutdown()
    doc = await sb.wait_for_message(anna.id, contains="cijfers")
    assert doc.document.filename == "scores.csv" and doc.text == "cijfers"
    assert sb.sent_messages(anna.id)[1].photo.content == b"\x89PNG fake"
    assert photo.photo[-1].file_id
    assert sb.sent_messages(anna.id)[2].document.content == b"a;b\n1;2\n"
    sb.assert_no_violations()


async def test_wait_for_timeout_lists_recent_calls(sb: Sandbox, raw) -> None:
    """wait_for raises AssertionError naming the recent calls when nothing matches in time."""
    await raw.form("getMe")
    with pytest.raises(AssertionError, match="getMe"):
        await sb.wait_for(lambda c: c.method == "sendMessage", timeout=0.05)
    sb.assert_no_violations()


async def test_user_message_variants(sb: Sandbox) -> None:
    """send_text supports replies by message id, forwards and via_bot; the update carries them."""
    anna, piet = sb.add_user("Anna", username="anna_j"), sb.add_user("Piet", last_name="Jansen")
    first = await sb.send_text(anna, "eerste")
    reply = await sb.send_text(anna, "antwoord", reply_to=first["message_id"])
    assert reply["reply_to_message"]["text"] == "eerste"
    forwarded = await sb.send_text(anna, "doorgestuurd", forward_from=piet)
    assert forwarded["forward_origin"]["sender_user"]["last_name"] == "Jansen"
    via = await sb.send_text(anna, "inline", via_bot=True)
    assert via["via_bot"]["id"] == sb.bot_id
    assert [u["message"]["text"] for u in sb.updates] == ["eerste", "antwoord", "doorgestuurd", "inline"]
    assert sb.updates[0]["message"]["chat"] == {"id": anna.id, "type": "private", "first_name": "Anna",
                                                "username": "anna_j"}
    group = sb.add_group("Team", owner=anna)
    with pytest.raises(AssertionError, match="not in chat"):
        await sb.send_text(piet, "hoi", chat=group)
    sb.assert_no_violations()


async def test_private_chat_pace(sb: Sandbox, raw) -> None:
    """A private chat takes a short burst of three messages; the fourth at once gets 429 with retry_after,
    recorded as a flood event, while another private chat is not affected."""
    anna, bram = sb.add_user("Anna"), sb.add_user("Bram")
    for user in (anna, bram):
        await sb.send_text(user, "/start")
    for i in range(3):
        assert (await raw.form("sendMessage", chat_id=anna.id, text=f"bericht {i}"))[0] == 200
    code, body = await raw.form("sendMessage", chat_id=anna.id, text="te snel")
    assert code == 429 and body["parameters"]["retry_after"] == 1
    assert (await raw.form("sendMessage", chat_id=bram.id, text="hoi"))[0] == 200
    assert [c.params["text"] for c in sb.flood_events] == ["te snel"]
    sb.assert_no_violations()
