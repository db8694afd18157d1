"""The manifest's JSON Schema: where it lives, and its errors as MS1xx findings.

Two engines validate, with the same results: :mod:`validator.schema_lite`, a
small interpreter of the keywords our schema uses (no import cost: what one
pre-commit run on a manifest or two wants), and jsonschema-rs, a compiled
validator (~10 ms to import, then microseconds per manifest: what a run over
a whole repository wants).  A process starts with the interpreter and moves
to jsonschema-rs once it has validated ``COMPILED_AFTER`` manifests.
python-jsonschema (190 ms to import) is the reference in the test suite,
which checks that both engines agree with it on generated manifests.

Each schema error becomes one finding on the key at fault, under the code of
its keyword (cfn-lint's approach): ``required`` → MS101, ``type`` → MS102,
``enum``/``pattern`` → MS103, ``additionalProperties`` → MS104, bounds →
MS105, anything about ``manifest_version`` → MS106.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)

from .model import Finding, Loc
from .suggest import close_matches as _close_matches

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Iterator

SCHEMA_FILE = "manifest.schema.json"

KEYWORD_CODES = {
    "required": "MS101",
    "type": "MS102",
    "enum": "MS103", "const": "MS103", "pattern": "MS103", "format": "MS103",
    "propertyNames": "MS103",
    "additionalProperties": "MS104", "unevaluatedProperties": "MS104",
    "minLength": "MS105", "maxLength": "MS105", "minItems": "MS105", "maxItems": "MS105",
    "minimum": "MS105", "maximum": "MS105", "exclusiveMinimum": "MS105",
    "exclusiveMaximum": "MS105", "uniqueItems": "MS105", "minProperties": "MS105",
    "maxProperties": "MS105", "multipleOf": "MS105",
}

# What the objects under each $defs entry are called in messages.
_OBJECT_NAMES = {"service": "service", "provider": "provider", "section": "section",
                 "property": "property"}


def _schema_file() -> str:
    """The schema file as a string path (pathlib costs ~4 ms of imports at start-up)."""
    from . import _schema

    return os.path.join(os.path.dirname(_schema.__file__), SCHEMA_FILE)


def schema_path() -> Path:
    """The schema file: ``schema/`` in a checkout, the package's copy in a wheel."""
    # The package's own directory (importlib.resources would cost ~10 ms of
    # imports at start-up for the same answer with a regular file system).
    from pathlib import Path

    return Path(_schema_file())


@lru_cache(maxsize=1)
def load_schema() -> dict:
    with open(_schema_file(), encoding="utf-8") as handle:
        return json.load(handle)


COMPILED_AFTER = 8
_validated = 0


@lru_cache(maxsize=1)
def _compiled():
    import jsonschema_rs

    return jsonschema_rs.validator_for(load_schema())


@lru_cache(maxsize=1)
def _interpreted():
    from .schema_lite import Interpreter

    return Interpreter(load_schema())


def _validator(engine: str = "auto"):
    global _validated
    _validated += 1
    if engine == "compiled" or (engine == "auto" and _validated > COMPILED_AFTER):
        return _compiled()
    return _interpreted()


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _at(data: Any, pointer: tuple) -> Any:
    for part in pointer:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _schema_node(schema_path: list) -> dict:
    node: Any = load_schema()
    for part in schema_path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, dict) else {}


def _owner(schema_path: list, pointer: tuple) -> str:
    """'service 'CONTOSO'' or 'the manifest', for messages."""
    if len(schema_path) >= 2 and schema_path[0] == "$defs" and schema_path[1] in _OBJECT_NAMES:
        name = next((p for p in reversed(pointer) if isinstance(p, str)), "")
        # The object's own name is the pointer element after its table name.
        for table in ("services", "providers", "sections", "properties"):
            if table in pointer:
                index = pointer.index(table)
                if index + 1 < len(pointer):
                    name = pointer[index + 1]
                    break
        return f"{_OBJECT_NAMES[schema_path[1]]} '{name}'"
    return "the manifest"


def _member(pointer: tuple) -> str:
    parts = [str(p) if isinstance(p, str) else f"[{p}]" for p in pointer[-2:]]
    if pointer and isinstance(pointer[-1], int) and len(pointer) >= 2:
        return f"{pointer[-2]}[{pointer[-1]}]"
    return parts[-1] if parts else "manifest"


def _leaves(error) -> Iterator[tuple[str, Any]]:
    """The innermost errors of an anyOf/oneOf, as (keyword, error)."""
    kind = error.kind
    name = kind.name
    if name in ("anyOf", "oneOf") and getattr(kind, "context", None):
        for branch in kind.context:
            for sub in branch:
                yield from _leaves(sub)
    else:
        yield name, error


def _pick(error) -> tuple[str, Any]:
    """One keyword for an error: for anyOf, the branch that says most."""
    if error.kind.name not in ("anyOf", "oneOf"):
        return error.kind.name, error
    leaves = list(_leaves(error))
    if not leaves:
        return error.kind.name, error
    if all(k == "required" for k, _ in leaves):
        return "anyOf-required", error
    specific = [(k, e) for k, e in leaves if k not in ("type", "enum")]
    if specific:
        return specific[0]
    if any(k == "enum" for k, _ in leaves) and not all(k == "type" for k, _ in leaves):
        # Only enum and type failed: in our enum-or-string unions that is a
        # value that is not a string (flags = [1], type = 33).  Reported as not
        # one of the allowed values (MS103), whose message lists them.
        return next((k, e) for k, e in leaves if k == "enum")
    return "type", leaves[0][1]


def _allowed_types(schema_path: list) -> list[str]:
    node = _schema_node(schema_path)
    if "anyOf" in node:
        types = []
        for branch in node["anyOf"]:
            t = branch.get("type")
            if isinstance(t, list):
                types.extend(t)
            elif t:
                types.append(t)
        return types
    t = node.get("type")
    return t if isinstance(t, list) else [t] if t else []


def _finding(error, data: Any) -> Iterator[tuple[Finding, str | None]]:
    """The findings for one schema error, each with the member name it concerns
    (missing, or suggested for a misspelt one) where there is one."""
    pointer = _pointer_in(data, error.instance_path)
    schema_path = list(error.schema_path)
    keyword, leaf = _pick(error)
    leaf_path = list(leaf.schema_path)
    owner = _owner(schema_path, pointer)
    value = _at(data, pointer)

    if pointer[:1] == ("manifest_version",) or (
            keyword == "required" and leaf.kind.property == "manifest_version"):
        if keyword == "required":
            yield Finding("MS106", "the manifest has no `manifest_version`", Loc((), "key"),
                          help="add `manifest_version = 1` at the top"), None
        else:
            yield Finding("MS106", f"manifest_version {json.dumps(value)} is not supported;"
                          " this mapisvc reads version 1", Loc(pointer, "value"),
                          help="set `manifest_version = 1`"), None
        return
    if keyword == "anyOf-required":
        yield Finding("MS101", f"{owner} needs `id`, or `set` with `name` or `lid`",
                      Loc(pointer, "key"), help="add `id = 0x66NN` for a profile property"), None
        return
    if keyword == "required":
        missing = leaf.kind.property
        yield Finding("MS101", f"{owner} is missing required member `{missing}`",
                      Loc(pointer, "key"), help=f"add `{missing}`"), missing
        return
    if keyword == "additionalProperties":
        known = list(_schema_node(leaf_path[:-1]).get("properties", {}))
        for name in leaf.kind.unexpected:
            close = _close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            yield Finding("MS104", f"unknown member `{name}` in {owner}{hint}",
                          Loc(pointer + (name,), "key"),
                          help=f"known members: {', '.join(known)}" if not close else
                          f"rename it to `{close[0]}`"), close[0] if close else None
        return
    code = KEYWORD_CODES.get(keyword, "MS103")
    member = _member(pointer)
    if keyword == "type":
        allowed = _allowed_types(leaf_path[:-1]) or _allowed_types(schema_path[:-1])
        wanted = " or ".join(dict.fromkeys(allowed)) or "another type"
        message = f"`{member}` must be {_article(wanted)}, not {_article(_json_type(value))}"
    elif keyword == "enum":
        options = _schema_node(leaf_path[:-1]).get("enum", [])
        message = f"`{member}` is {json.dumps(value)}; expected one of {', '.join(map(str, options))}"
    elif keyword == "pattern":
        message = f"`{member}` {json.dumps(value)} does not have the required form"
    elif keyword in ("minLength", "minItems") and value in ("", []):
        message = f"`{member}` must not be empty"
    else:
        message = f"`{member}`: {leaf.message}"
    yield Finding(code, message, Loc(pointer, "value")), None


#: Above this many services, providers, sections and properties together, the
#: interpreter costs more than importing jsonschema-rs: a 50,000-property
#: manifest took 1.2 s more through it.
SMALL_MANIFEST = 100


def _small(data: Any) -> bool:
    if not isinstance(data, dict):
        return True
    return sum(len(table) for key in ("services", "providers", "sections", "properties")
               if isinstance(table := data.get(key), (dict, list))) <= SMALL_MANIFEST


def _pointer_in(data: Any, path) -> tuple:
    """The error's path with each part typed as the data has it.

    jsonschema-rs 0.60 gives an object key that looks like a number ("0") as
    an int; the readers' positions and messages need the key as written.
    """
    out = []
    for part in path:
        if isinstance(data, dict):
            part = str(part)  # manifest keys are always strings
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            data = None
        out.append(part)
    return tuple(out)


def _has_empty_key(data: Any) -> bool:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "" in node:
                return True
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def _article(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def validate(data: Any, engine: str = "auto") -> list[Finding]:
    """Schema findings for parsed manifest data (empty when it is valid).

    ``engine`` is ``"auto"``, ``"compiled"`` (jsonschema-rs) or ``"interpreted"``.
    """
    if engine == "auto" and not _small(data):
        engine = "compiled"  # the interpreter's per-member cost overtakes the import
    validator = _validator(engine)
    if validator.is_valid(data):
        return []
    if validator is not _interpreted() and _has_empty_key(data):
        # jsonschema-rs 0.60 drops "" segments from error.instance_path (a
        # service named "" is reported on `services` itself): the interpreter
        # knows where. Found by tests/test_schema_oracle.py.
        validator = _interpreted()
    found = [pair for error in validator.iter_errors(data) for pair in _finding(error, data)]
    # One fault, one finding: a misspelt required member is reported once, as
    # the unknown member (MS104, with its suggestion), not also as missing.
    misspelt = {(f.loc.pointer[:-1], name) for f, name in found if f.code == "MS104" and name}
    out, seen = [], set()
    for finding, name in found:
        if finding.code == "MS101" and (finding.loc.pointer, name) in misspelt:
            continue
        key = (finding.code, finding.loc.pointer, finding.message if finding.code == "MS104" else "")
        if key in seen:  # e.g. `type` and `enum` both failing on one value
            continue
        seen.add(key)
        out.append(finding)
    return out
