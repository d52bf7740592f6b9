"""The house's rules, read from the code: every import of every module in flows/, storage/ and bot/ (also the
ones inside functions) is checked against the layers and against the rooms of bot/ (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The rooms of bot/ and the rooms each may import (a room may always import itself; run may import all).
MAY_IMPORT: dict[str, set[str]] = {
    "texts": set(),
    "plumbing": {"texts"},
    "deployment": {"plumbing", "texts"},
    "render": {"texts"},
    "cycle": {"render", "plumbing", "deployment", "texts"},
    "members": {"cycle", "render", "plumbing", "deployment", "texts", "leaders"},
    "leaders": {"cycle", "render", "plumbing", "deployment", "texts", "members"},
    "run": {"texts", "plumbing", "deployment", "render", "cycle", "members", "leaders", "sandbox"},
    "sandbox": set(),
}
# Handlers (members, leaders) share only their toolkits; a router hands an update on to the handler it belongs to.
HANDLER_ROOMS = {"members", "leaders"}
TOOLKITS = {"bot.members.common", "bot.leaders.leading"}
ROUTERS = {"bot.members.rounds_member"}
# Our own top-level packages, and what each may not import at all.
FORBIDDEN: dict[str, set[str]] = {
    "flows": {"bot", "storage", "telegram", "sqlite3", "sqlite_utils", "aiohttp", "httpx"},  # pure: no I/O
    "storage": {"bot", "telegram", "aiohttp", "httpx"},
    "bot.texts": {"flows", "storage"},
    "bot.plumbing": {"flows"},  # plumbing knows nothing of the method
    "bot.render": {"storage"},  # rendering is computed from the method's results, it reads no database
    "bot.sandbox": {"flows", "storage"},  # the stand-in for Telegram knows nothing of the bot
}


def module_name(path: Path) -> str:
    """``bot/cycle/engine.py`` -> ``bot.cycle.engine``; a package's ``__init__.py`` -> the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """Whether a dotted name is one of our modules or packages."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved, ``from p import m`` as ``p.m`` when m is a module."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.append((node.lineno, target if is_module(target) else base))
    return found


def within(name: str, scope: str) -> bool:
    """Whether a dotted module name is ``scope`` or inside it."""
    return name == scope or name.startswith(scope + ".")


def room_of(name: str) -> str | None:
    """The room of a bot module (``bot.cycle.engine`` -> ``cycle``); None outside bot/."""
    parts = name.split(".")
    return parts[1] if parts[0] == "bot" and len(parts) > 1 else None


def our_modules() -> list[Path]:
    return sorted(p for top in ("bot", "flows", "storage") for p in (ROOT / top).rglob("*.py"))


def violations() -> list[str]:
    """Every import that crosses a seam the wrong way, as ``file:line: importer -> imported (rule)``."""
    found = []
    for path in our_modules():
        importer = module_name(path)
        where = f"{path.relative_to(ROOT)}"
        room = room_of(importer)
        if importer.startswith("bot.") and room not in MAY_IMPORT:
            found.append(f"{where}: bot/ module outside every room (put it in one of {sorted(MAY_IMPORT)})")
            continue
        for line, imported in imports_of(path):
            for scope, banned in FORBIDDEN.items():
                hit = next((b for b in banned if within(imported, b)), None) if within(importer, scope) else None
                if hit:
                    found.append(f"{where}:{line}: {importer} -> {imported} ({scope} must not import {hit})")
            target = room_of(imported)
            if room is None or target is None or imported == importer:
                continue
            if target != room and target not in MAY_IMPORT[room]:
                allowed = ", ".join(sorted(MAY_IMPORT[room])) or "nothing of bot"
                found.append(f"{where}:{line}: {importer} -> {imported} (bot.{room} may import only: {allowed})")
            elif room in HANDLER_ROOMS and target in HANDLER_ROOMS and importer not in ROUTERS and imported not in TOOLKITS | ROUTERS:
                found.append(
                    f"{where}:{line}: {importer} -> {imported} (a handler uses another handler's internals: move what they "
                    f"share into a toolkit ({', '.join(sorted(TOOLKITS))}), the engine (bot.cycle) or rendering)"
                )
    return found


def test_no_import_crosses_a_seam_the_wrong_way():
    """No module imports across a layer or a room of bot/ the wrong way: flows is pure, storage knows no Telegram,
    plumbing nothing of the method, rendering nothing of handlers, the engine nothing of handlers, handlers only
    each other's toolkits, and the sandbox nothing of the bot. The message names each offending import."""
    found = violations()
    assert not found, "imports across a seam the wrong way (see docs/architecture.md):\n  " + "\n  ".join(found)


def import_circles() -> list[list[str]]:
    """Every set of our modules that import each other round in a circle (also through imports made only for type
    checking or inside a function: a circle is a tangle to read even when Python can load it)."""
    graph = {module_name(p): {m for _, m in imports_of(p) if is_module(m)} - {module_name(p)} for p in our_modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = [stack.pop()]
            while component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_import_circles():
    """No two modules of ours import each other, directly or round a circle (the sandbox's methods and admin
    methods, and its sandbox and server, once did)."""
    assert not import_circles(), import_circles()


def test_the_rule_reads_every_module():
    """The rule is not vacuous: it reads every room, and its reading of imports finds known ones."""
    rooms = {room_of(module_name(p)) for p in our_modules()} - {None}
    assert rooms == set(MAY_IMPORT), rooms
    engine = dict((name, line) for line, name in imports_of(ROOT / "bot" / "cycle" / "engine.py"))
    assert "flows.cycle" in engine and "bot.texts.i18n" in engine


def test_no_folder_in_bot_is_crowded_and_no_module_is_long():
    """Each room of bot/ holds at most 12 modules and no module of ours passes 400 lines."""
    for folder in [ROOT / "bot", *(p for p in (ROOT / "bot").iterdir() if p.is_dir())]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 12, f"{folder.relative_to(ROOT)} holds {len(modules)} modules"
    long = [f"{p.relative_to(ROOT)}: {n}" for p in our_modules() if (n := len(p.read_text(encoding='utf-8').splitlines())) > 400]
    assert not long, long


def test_every_room_states_its_rule():
    """Every sub-package of bot/ has a docstring that says what lives there, what it may import and what not."""
    for room in MAY_IMPORT:
        doc = ast.get_docstring(ast.parse((ROOT / "bot" / room / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import" in doc and "Must not" in doc, f"bot/{room}/__init__.py: {doc!r}"
