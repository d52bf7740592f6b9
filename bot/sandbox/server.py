"""Tornado HTTP side of the sandbox: Bot API endpoint, file downloads and webhook delivery.

The handlers run inside the current asyncio event loop.  Every call is decoded,
validated against the spec, optionally hit by an injected fault, applied via
``methods.Api`` and recorded as a ``Call`` (plus violations).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Protocol

import httpx
import tornado.web

from .records import Call, Ctx
from .spec import ParamProblem, UploadedFile, decode_and_validate, load_spec
from .world import ApiError, World



class Host(Protocol):
    """What the HTTP side needs of the sandbox it serves (``sandbox.Sandbox`` is one; it imports this module,
    so this module does not import it back)."""

    world: World
    token: str
    latency: float
    webhook_deliveries: list[tuple[int, int]]
    _active: int

    @property
    def stopping(self) -> bool: ...

    async def _post(self, url: str, body: dict, secret: str | None) -> int: ...

BLOCKING_RULES = ("missing_parameter", "wrong_type", "missing_field")
WEBHOOK_MAX_ATTEMPTS = 5


def resolve_method(name: str) -> str | None:
    """The spec's spelling of a method name (Telegram matches case-insensitively)."""
    methods = load_spec()["methods"]
    if name in methods:
        return name
    lowered = {m.lower(): m for m in methods}
    return lowered.get(name.lower())


def record_call(world: World, method: str, params: dict, *, result: Any = None, error: ApiError | None = None,
                problems: list = (), ctx: Ctx | None = None, fault: str | None = None) -> Call:
    """Append a Call (and its violations/sent message) to the world and wake waiters."""
    index = len(world.calls)
    call = Call(index=index, method=method, params=params, ok=error is None and fault in (None, "drop_after"),
                error_code=error.code if error else None, description=error.description if error else None,
                result=result, time=time.time(), fault=fault)
    world.calls.append(call)
    for problem in problems:
        world.violation(method, problem.rule, problem.detail, index)
    for rule, detail in (ctx.violations if ctx else []):
        world.violation(method, rule, detail, index)
    if error is not None and error.code == 403:
        world.forbidden.append(call)
    if error is not None and error.code == 429 and fault is None:
        world.flood_events.append(call)
    if ctx is not None and ctx.sent is not None and call.ok:
        ctx.sent.call_index = index
        world.sent.append(ctx.sent)
    world.signal.notify()
    return call


def blocking_error(method: str, problems: list) -> ApiError | None:
    """The 400 Telegram would answer for spec problems that make a call unusable."""
    for problem in problems:
        if problem.rule not in BLOCKING_RULES:
            continue
        if problem.rule == "missing_parameter":
            if problem.param == "text":
                return ApiError(400, "Bad Request: message text is empty")
            return ApiError(400, f"Bad Request: {problem.param} is empty")
        return ApiError(400, f"Bad Request: can't parse {problem.param}: {problem.detail.split(': ', 1)[-1]}")
    return None


class BotApiHandler(tornado.web.RequestHandler):
    """``/bot<token>/<method>``: the Bot API endpoint."""

    def initialize(self, sandbox: Host) -> None:  # noqa: D102 - tornado hook
        self.sb = sandbox
        self.closed = False

    def on_connection_close(self) -> None:  # noqa: D102 - tornado hook
        self.closed = True
        self.sb.world.signal.notify()

    def check_xsrf_cookie(self) -> None:  # noqa: D102 - no cookies here
        return None

    async def get(self, token: str, method: str) -> None:  # noqa: D102
        self.sb._active += 1
        try:
            if self.sb.latency:  # the network between the bot and Telegram: the call arrives this much later
                await asyncio.sleep(self.sb.latency)
            await self._handle(token, method)
        finally:
            self.sb._active -= 1
            self.sb.world.signal.notify()

    post = get

    def _reply(self, status: int, body: dict) -> None:
        if self.closed:
            self._finished = True  # nobody is listening any more
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))  # \u-escaped, as Telegram does: a lone surrogate typed by a user survives

    def _reply_error(self, error: ApiError) -> None:
        body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        self._reply(error.code, body)

    def _drop(self) -> None:
        """Close the connection without any response."""
        self._finished = True
        self.request.connection.stream.close()

    def _raw_params(self) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = {k: v[-1].decode("utf-8") for k, v in self.request.query_arguments.items()}
        ctype = self.request.headers.get("Content-Type", "")
        if ctype.startswith("application/json"):
            body = json.loads(self.request.body or b"{}")
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON body must be an object")
            raw.update(body)
        else:
            raw.update({k: v[-1].decode("utf-8") for k, v in self.request.body_arguments.items()})
        files = {name: UploadedFile(f[0].filename, f[0].body, f[0].content_type or "application/octet-stream")
                 for name, f in self.request.files.items()}
        return raw, files

    async def _handle(self, token: str, name: str) -> None:
        sb, world = self.sb, self.sb.world
        if token != sb.token:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = resolve_method(name)
        if method is None:
            problem = ParamProblem("unknown_method", f"method {name!r} does not exist in the Bot API", "")
            record_call(world, name, {}, error=ApiError(404, "Not Found"), problems=[problem])
            self._reply_error(ApiError(404, "Not Found"))
            return
        try:
            raw, files = self._raw_params()
        except (ValueError, ApiError) as err:
            error = err if isinstance(err, ApiError) else ApiError(400, "Bad Request: can't parse JSON body")
            record_call(world, method, {}, error=error, problems=[ParamProblem("bad_body", str(err), "")])
            self._reply_error(error)
            return
        params, problems = decode_and_validate(method, raw, files)
        error = blocking_error(method, problems)
        if error is not None:
            record_call(world, method, params, error=error, problems=problems)
            self._reply_error(error)
            return
        if method == "getUpdates":
            await self._get_updates(params, problems)
            return
        if not await sb._arrived(method, params):
            self._drop()
            return
        fault = sb._take_fault(method)
        if fault is not None and fault["kind"] != "drop_after":
            kind = fault["kind"]
            if kind == "429":
                wait = fault["retry_after"]
                err = ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
                record_call(world, method, params, error=err, problems=problems, fault=kind)
                self._reply_error(err)
            elif kind == "400":
                err = ApiError(400, fault["description"])
                record_call(world, method, params, error=err, problems=problems, fault=kind)
                self._reply_error(err)
            elif kind == "502":
                record_call(world, method, params, error=ApiError(502, "Bad Gateway"), problems=problems,
                            fault=kind)
                self.set_status(502)
                self.set_header("Content-Type", "text/html")
                self.finish("<html><body><h1>502 Bad Gateway</h1></body></html>")
            else:
                record_call(world, method, params, error=ApiError(0, "connection dropped"), problems=problems,
                            fault=kind)
                self._drop()
            return
        ctx = Ctx()
        try:
            result = sb.api.call(method, params, ctx)
        except ApiError as err:
            record_call(world, method, params, error=err, problems=problems, ctx=ctx)
            self._reply_error(err)
            return
        except Exception as exc:  # a sandbox bug must surface in the test, not hang it
            err = ApiError(500, f"Internal Server Error: sandbox failed: {exc!r}")
            crash = ParamProblem("sandbox_error", f"{method}: {exc!r}", "")
            record_call(world, method, params, error=err, problems=[*problems, crash], ctx=ctx)
            self._reply_error(err)
            return
        record_call(world, method, params, result=result, problems=problems, ctx=ctx,
                    fault="drop_after" if fault else None)
        if fault is not None:
            self._drop()
            return
        self._reply(200, {"ok": True, "result": result})

    async def _get_updates(self, params: dict, problems: list) -> None:
        sb, world = self.sb, self.sb.world
        if world.webhook["url"]:
            err = ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
            record_call(world, "getUpdates", params, error=err, problems=problems)
            self._reply_error(err)
            return
        if params.get("allowed_updates") is not None:
            world.allowed_updates = list(params["allowed_updates"])
        limit = params.get("limit") or 100
        limit = min(max(int(limit), 1), 100)
        timeout = max(0, int(params.get("timeout") or 0))
        world.confirm(params.get("offset"), world.allowed_updates)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        world.long_polls += 1
        world.signal.notify()
        try:
            while not (world.pending or sb.stopping or self.closed):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                await world.signal.wait(remaining)
                world.confirm(None, world.allowed_updates)
        finally:
            world.long_polls -= 1
        result = [] if self.closed else world.peek(limit)
        record_call(world, "getUpdates", params, result=result, problems=problems)
        self._reply(200, {"ok": True, "result": result})


class FileHandler(tornado.web.RequestHandler):
    """``/file/bot<token>/<file_path>``: downloads of files the bot uploaded."""

    def initialize(self, sandbox: Host) -> None:  # noqa: D102 - tornado hook
        self.sb = sandbox

    def get(self, token: str, path: str) -> None:  # noqa: D102
        file_id = path.rsplit("/", 1)[-1]
        upload = self.sb.world.files.get(file_id)
        if token != self.sb.token or upload is None:
            self.set_status(404)
            self.finish("Not Found")
            return
        self.set_header("Content-Type", upload.mime_type)
        self.finish(upload.content)


def make_app(sandbox: Host) -> tornado.web.Application:
    """The tornado application serving the sandbox."""
    return tornado.web.Application(
        [(r"/bot([^/]+)/([A-Za-z0-9_]+)/?", BotApiHandler, {"sandbox": sandbox}),
         (r"/file/bot([^/]+)/(.+)", FileHandler, {"sandbox": sandbox})],
        log_function=lambda handler: None)


async def deliver_webhooks(sandbox: Host, client: httpx.AsyncClient) -> None:
    """Background task: POST pending updates to the webhook, one at a time, in order."""
    world = sandbox.world
    attempts = 0
    while not sandbox.stopping:
        hook = world.webhook
        update = None
        if hook["url"]:
            world.confirm(None, hook.get("allowed_updates"))
            if world.pending:
                update = world.pending[0][0]
        if update is None:
            await world.signal.wait(None)
            continue
        status = await sandbox._post(hook["url"], update, hook.get("secret_token"))
        sandbox.webhook_deliveries.append((update["update_id"], status))
        if 200 <= status < 300:
            world.pop_delivered(update)
            attempts = 0
            continue
        attempts += 1
        world.webhook.update(last_error_date=int(time.time()),
                             last_error_message=f"Wrong response from the webhook: {status}")
        if attempts >= WEBHOOK_MAX_ATTEMPTS and status != 0:  # unreachable (a bot restarting): kept, as Telegram does
            world.pop_delivered(update)
            attempts = 0
            continue
        await asyncio.sleep(min(0.02 * 2 ** attempts, 0.5))  # backoff inside the sandbox task only
