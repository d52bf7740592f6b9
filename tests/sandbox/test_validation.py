"""Spec validation of raw Bot API calls (httpx, the way python-telegram-bot encodes them)."""

from __future__ import annotations

import httpx

from bot.sandbox import Sandbox


async def started_user(sb: Sandbox):
    """A user who pressed Start."""
    user = sb.add_user("Anna")
    await sb.send_text(user, "/start")
    return user


def rules(sb: Sandbox) -> list[str]:
    """The violation rules recorded so far."""
    return [v.rule for v in sb.violations]


async def test_wrong_token_is_unauthorized(sb: Sandbox, client: httpx.AsyncClient) -> None:
    """A call with a wrong token gets 401 Unauthorized and is not recorded as a bot call."""
    response = await client.post(f"{sb.base_url}123:wrong/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert sb.calls == []
    sb.assert_no_violations()


async def test_unknown_method_is_404_and_violation(sb: Sandbox, raw) -> None:
    """A method that is not in the Bot API spec answers 404 Not Found and records a violation."""
    code, body = await raw.form("sendMessagee", chat_id=1, text="x")
    assert code == 404 and body["description"] == "Not Found"
    assert rules(sb) == ["unknown_method"]


async def test_method_names_are_case_insensitive(sb: Sandbox, raw) -> None:
    """Telegram matches method names case-insensitively; the call is recorded under the spec's name."""
    code, body = await raw.form("GETME")
    assert code == 200 and body["result"]["username"] == "werkdruk_test_bot"
    assert sb.calls[-1].method == "getMe"
    sb.assert_no_violations()


async def test_unknown_parameter_is_a_violation_but_ignored(sb: Sandbox, raw) -> None:
    """An unknown parameter is ignored like Telegram does, but recorded as a violation."""
    anna = await started_user(sb)
    code, body = await raw.form("sendMessage", chat_id=anna.id, text="hoi", reply_to_message_id=5)
    assert code == 200 and body["ok"]
    assert rules(sb) == ["unknown_parameter"]
    assert "reply_to_message_id" in sb.violations[0].detail


async def test_missing_required_parameter(sb: Sandbox, raw) -> None:
    """Leaving out a required parameter answers 400 and records missing_parameter."""
    code, body = await raw.form("sendMessage", text="hoi")
    assert code == 400 and body["description"] == "Bad Request: chat_id is empty"
    assert rules(sb) == ["missing_parameter"]


async def test_wrong_type_top_level(sb: Sandbox, raw) -> None:
    """A Boolean parameter given a string that is not JSON true/false is a wrong_type violation and 400."""
    anna = await started_user(sb)
    code, body = await raw.form("sendMessage", chat_id=anna.id, text="hoi", disable_notification="yes")
    assert code == 400 and "disable_notification" in body["description"]
    assert rules(sb) == ["wrong_type"]


async def test_string_parameters_are_kept_verbatim(sb: Sandbox, raw) -> None:
    """A String parameter that looks like JSON stays a string; chat_id (Integer or String) decodes to int."""
    anna = await started_user(sb)
    code, body = await raw.form("sendMessage", chat_id=str(anna.id), text="123")
    assert code == 200 and body["result"]["text"] == "123"
    code, body = await raw.form("sendMessage", chat_id=anna.id, text='{"a": 1}')
    assert body["result"]["text"] == '{"a": 1}'
    assert sb.calls[-1].params["chat_id"] == anna.id
    sb.assert_no_violations()


async def test_json_body_and_query_string_are_accepted(sb: Sandbox, raw, client: httpx.AsyncClient) -> None:
    """Parameters may come as a JSON body or as a GET query string."""
    anna = await started_user(sb)
    code, body = await raw.json("sendMessage", chat_id=anna.id, text="json",
                                reply_markup={"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]})
    assert code == 200 and body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"
    response = await client.get(f"{sb.base_url}{sb.token}/sendMessage",
                                params={"chat_id": anna.id, "text": "query"})
    assert response.json()["result"]["text"] == "query"
    sb.assert_no_violations()


async def test_nested_objects_are_validated(sb: Sandbox, raw) -> None:
    """Unknown fields and wrong types inside InlineKeyboardMarkup -> InlineKeyboardButton are violations."""
    anna = await started_user(sb)
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "x", "colour": "red"}]]}
    code, _ = await raw.form("sendMessage", chat_id=anna.id, text="hoi", reply_markup=markup)
    assert code == 200
    assert rules(sb) == ["unknown_field"]
    assert "reply_markup.inline_keyboard[0][0].colour" in sb.violations[0].detail
    markup = {"inline_keyboard": [[{"text": 5, "callback_data": "x"}]]}
    code, _ = await raw.form("sendMessage", chat_id=anna.id, text="hoi", reply_markup=markup)
    assert code == 400
    assert rules(sb) == ["unknown_field", "wrong_type"]


async def test_button_needs_exactly_one_action(sb: Sandbox, raw) -> None:
    """An inline button with no action, or with two, is refused and recorded as button_action."""
    anna = await started_user(sb)
    for button in ({"text": "a"}, {"text": "a", "callback_data": "x", "url": "https://example.org"}):
        code, _ = await raw.form("sendMessage", chat_id=anna.id, text="hoi",
                                 reply_markup={"inline_keyboard": [[button]]})
        assert code == 400
    assert rules(sb) == ["button_action", "button_action"]


async def test_abstract_types_use_subtypes(sb: Sandbox, raw) -> None:
    """BotCommandScope accepts any subtype, discriminated by its type field; a wrong shape is a violation."""
    cmds = [{"command": "start", "description": "Begin"}]
    code, _ = await raw.form("setMyCommands", commands=cmds, scope={"type": "all_group_chats"})
    assert code == 200
    code, _ = await raw.form("setMyCommands", commands=cmds, scope={"type": "chat", "chat_id": -100123})
    assert code == 200
    sb.assert_no_violations()
    code, _ = await raw.form("setMyCommands", commands=cmds, scope={"type": "chat"})
    assert code == 400
    assert rules(sb) == ["missing_field"]


async def test_bot_commands_rules(sb: Sandbox, raw) -> None:
    """setMyCommands checks command names, descriptions, the 100 limit and language codes; commands are
    stored per scope and language."""
    ok_cmds = [{"command": "help", "description": "Hulp"}]
    assert (await raw.form("setMyCommands", commands=ok_cmds, language_code="nl"))[0] == 200
    _, body = await raw.form("getMyCommands", language_code="nl")
    assert body["result"] == ok_cmds
    _, body = await raw.form("getMyCommands")
    assert body["result"] == []
    bad = [
        {"commands": [{"command": "Help", "description": "x"}]},
        {"commands": [{"command": "help", "description": ""}]},
        {"commands": [{"command": f"c{i}", "description": "x"} for i in range(101)]},
        {"commands": ok_cmds, "language_code": "NL"},
    ]
    for params in bad:
        code, _ = await raw.form("setMyCommands", **params)
        assert code == 400
    assert rules(sb) == ["bot_command", "bot_command", "bot_command", "language_code"]
    assert (await raw.form("deleteMyCommands", language_code="nl"))[0] == 200
    assert (await raw.form("getMyCommands", language_code="nl"))[1]["result"] == []


async def test_parse_mode_must_be_known(sb: Sandbox, raw) -> None:
    """parse_mode other than HTML/MarkdownV2/Markdown is refused and recorded."""
    anna = await started_user(sb)
    code, _ = await raw.form("sendMessage", chat_id=anna.id, text="hoi", parse_mode="XML")
    assert code == 400
    assert rules(sb) == ["parse_mode"]


async def test_other_spec_methods_return_true(sb: Sandbox, raw) -> None:
    """Methods without special modelling are validated and answer true."""
    code, body = await raw.form("setMyDescription", description="Werkdruk", language_code="nl")
    assert code == 200 and body["result"] is True
    code, body = await raw.form("setChatMenuButton", menu_button={"type": "commands"})
    assert body["result"] is True
    sb.assert_no_violations()
