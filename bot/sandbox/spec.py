"""Bot API 10.0 specification access and parameter validation for the sandbox.

The machine-readable spec ships as package data (``bot-api-10.0.json``).  This
module loads it lazily once, decodes raw request parameters according to the
declared parameter types and validates values recursively against the spec's
object definitions (unknown fields, missing required fields, wrong types,
abstract types with subtypes, unions).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

SPEC_FILE = "bot-api-10.0.json"
_DISCRIMINATOR = re.compile(r'(?:must be|always) [“"]?([a-z_]+)[”"]?')


@dataclass
class UploadedFile:
    """A file uploaded by the bot through ``multipart/form-data``."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """Return the parsed Bot API spec (loaded once, from package data)."""
    text = resources.files("bot.sandbox").joinpath(SPEC_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def api_version() -> str:
    """Return the spec's version string, e.g. ``"Bot API 10.0"``."""
    return load_spec()["version"]


def method_spec(name: str) -> dict[str, Any] | None:
    """Return the spec entry of a method, or ``None`` if it does not exist."""
    return load_spec()["methods"].get(name)


def type_spec(name: str) -> dict[str, Any] | None:
    """Return the spec entry of a type, or ``None`` if it does not exist."""
    return load_spec()["types"].get(name)


@lru_cache(maxsize=None)
def _discriminator(type_name: str) -> tuple[str, str] | None:
    """For a subtype such as BotCommandScopeChat return ``("type", "chat")``."""
    spec = type_spec(type_name) or {}
    fields = spec.get("fields") or []
    if not fields:
        return None
    first = fields[0]
    if first["name"] not in ("type", "status", "source"):
        return None
    match = _DISCRIMINATOR.search(first.get("description", ""))
    return (first["name"], match.group(1)) if match else None


def check_value(value: Any, type_name: str, path: str) -> list[str]:
    """Check ``value`` against one spec type; return a list of problems (empty = ok)."""
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {type_name}, got {type(value).__name__}"]
        problems: list[str] = []
        inner = type_name[len("Array of "):]
        for i, item in enumerate(value):
            problems += check_value(item, inner, f"{path}[{i}]")
        return problems
    if type_name == "Integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif type_name == "Float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif type_name == "Boolean":
        ok = isinstance(value, bool)
    elif type_name == "String":
        ok = isinstance(value, str)
    elif type_name == "InputFile":
        ok = isinstance(value, UploadedFile)
    else:
        return _check_object(value, type_name, path)
    return [] if ok else [f"{path}: expected {type_name}, got {_describe(value)}"]


def check_union(value: Any, types: list[str], path: str) -> list[str]:
    """Check ``value`` against a union of types: any match is fine."""
    best: list[str] | None = None
    for type_name in types:
        problems = check_value(value, type_name, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    if len(types) > 1 and best and all(p.endswith(_describe(value)) for p in best):
        return [f"{path}: expected {' or '.join(types)}, got {_describe(value)}"]
    return best or []


def _check_object(value: Any, type_name: str, path: str) -> list[str]:
    spec = type_spec(type_name)
    if spec is None:
        return [f"{path}: unknown type {type_name} in spec"]
    if not isinstance(value, dict):
        return [f"{path}: expected {type_name} object, got {_describe(value)}"]
    if "subtypes" in spec:
        subtypes = spec["subtypes"]
        for sub in subtypes:
            disc = _discriminator(sub)
            if disc and value.get(disc[0]) == disc[1]:
                return _check_object(value, sub, path)
        return check_union(value, subtypes, path) and [
            f"{path}: does not match any of {', '.join(subtypes)}"
        ]
    fields = {f["name"]: f for f in spec.get("fields") or []}
    if not fields:
        return []
    problems = []
    for name, item in value.items():
        if name not in fields:
            problems.append(f"{path}.{name}: unknown field of {type_name}")
            continue
        problems += check_union(item, fields[name]["types"], f"{path}.{name}")
    for name, field in fields.items():
        if field["required"] and name not in value:
            problems.append(f"{path}.{name}: required field of {type_name} is missing")
    disc = _discriminator(type_name)
    if disc and disc[0] in value and value[disc[0]] != disc[1]:
        problems.append(f"{path}.{disc[0]}: must be {disc[1]!r} for {type_name}")
    return problems


def _describe(value: Any) -> str:
    text = json.dumps(value, default=lambda o: f"<{type(o).__name__}>")
    return f"{type(value).__name__} {text[:40]}"


def decode_raw(raw: Any, types: list[str], files: dict[str, UploadedFile]) -> Any:
    """Decode one raw parameter value according to its declared types.

    Strings are kept verbatim for ``String`` parameters (even when they look
    like JSON); for other types a string is JSON-decoded.  ``attach://name``
    references are resolved to uploaded files.
    """
    if not isinstance(raw, str):
        return raw
    if raw.startswith("attach://") and "InputFile" in types:
        return files.get(raw[len("attach://"):], raw)
    non_string = [t for t in types if t not in ("String", "InputFile")]
    if not non_string:
        return raw
    try:
        decoded = json.loads(raw)
    except ValueError:
        return raw
    if "String" in types:
        # A union with String: only take the decoded value if it fits another type.
        if any(not check_value(decoded, t, "") for t in non_string):
            return decoded
        return raw
    return decoded


@dataclass
class ParamProblem:
    """One spec problem found in a method call."""

    rule: str
    detail: str
    param: str


def decode_and_validate(
    method: str, raw: dict[str, Any], files: dict[str, UploadedFile]
) -> tuple[dict[str, Any], list[ParamProblem]]:
    """Decode all parameters of a call and validate them against the spec.

    Files uploaded directly under a parameter name (not via ``attach://``)
    become that parameter's value.  Returns the decoded parameters and the
    list of problems (unknown/missing parameters, wrong types).
    """
    spec = method_spec(method)
    assert spec is not None
    fields = {f["name"]: f for f in spec.get("fields") or []}
    params: dict[str, Any] = {}
    problems: list[ParamProblem] = []
    attached = {f"attach://{k}" for k in files}
    consumed: set[str] = set()
    for name, value in raw.items():
        if name not in fields:
            problems.append(ParamProblem("unknown_parameter", f"{method}: unknown parameter {name!r}", name))
            params[name] = value
            continue
        decoded = decode_raw(value, fields[name]["types"], files)
        if isinstance(value, str) and value in attached:
            consumed.add(value[len("attach://"):])
        params[name] = decoded
    for name, upload in files.items():
        if name in fields and name not in params:
            params[name] = upload
            consumed.add(name)
        elif name not in consumed and not _referenced(params, name):
            problems.append(ParamProblem("unknown_parameter", f"{method}: unreferenced upload {name!r}", name))
    for name, value in params.items():
        if name not in fields:
            continue
        for detail in check_union(value, fields[name]["types"], name):
            rule = "unknown_field" if "unknown field" in detail else (
                "missing_field" if "is missing" in detail else "wrong_type")
            problems.append(ParamProblem(rule, f"{method}: {detail}", name))
    for name, field in fields.items():
        if field["required"] and name not in params:
            problems.append(ParamProblem("missing_parameter", f"{method}: required parameter {name!r} is missing", name))
    return params, problems


def _referenced(value: Any, name: str) -> bool:
    """True if ``attach://name`` occurs anywhere inside a decoded value."""
    if isinstance(value, str):
        return value == f"attach://{name}"
    if isinstance(value, dict):
        return any(_referenced(v, name) for v in value.values())
    if isinstance(value, list):
        return any(_referenced(v, name) for v in value)
    return False
