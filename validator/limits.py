"""Limits on input (MS005): nesting depth and number of entries.

A pre-commit hook must never hang, crash or exhaust memory on a stray file, so
each limit is checked before the work it protects, as cheaply as possible:

- **Depth** is measured on the bytes, before ``json``/``tomllib`` recurse (a
  JSON array nested 100,000 deep would otherwise hit Python's recursion limit
  in the parser, and jsonschema-rs refuses data deeper than about 255).  The
  fast path keeps only the brackets (``bytes.translate``, in C) and strips
  innermost ``[]``/``{}`` pairs level by level; brackets inside strings and
  comments only make that estimate larger, so a precise, string-aware scan runs
  only when the estimate is over the limit, and gives the position.
- **Entries** are first bounded by counting separators (``=`` or ``:``, which
  also appear in strings, so again an over-estimate); only above the limit
  are the parsed entries counted exactly.

Everything here is linear in the input and never recursive.
"""

from __future__ import annotations

import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

from .model import Span

_NOT_BRACKETS = bytes(i for i in range(256) if i not in b"[]{}")
_NOT_DOTS = bytes(i for i in range(256) if i not in b".\n")
_EMPTY_PAIR = re.compile(rb"\[\]|\{\}")

# Tokens a precise depth scan must see: strings and comments (skipped) and brackets.
_JSON_TOKENS = rb'(?s)"(?:[^"\\]|\\.)*"?|[\[\]{}]'  # compiled when a JSON file needs it
_TOML_TOKENS = (
    rb'"""[\s\S]*?(?:"""|\Z)|\'\'\'[\s\S]*?(?:\'\'\'|\Z)|"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?'
    rb"|#[^\n]*|[\[\]{}]")  # compiled when a deep-looking file needs the exact scan
_OPEN = frozenset(b"[{")
# TOML also nests by dotted keys (``[a.b.c]``, ``a.b.c = 1``): a run of bare
# key parts, each one level of tables (tomllib slows down quadratically on them).
# Anchored at line starts, where keys and table headers begin, to stay cheap.
_TOML_DOTTED = "(?m)^[ \t]*\\[*[ \t]*(?:[A-Za-z0-9_-]+[ \t]*\\.[ \t]*){%d,}"


def estimated_depth(data: bytes, limit: int) -> int:
    """An upper estimate of the bracket nesting depth, exact for clean input.

    Stops counting once the estimate is over ``limit``.
    """
    brackets = data.translate(None, _NOT_BRACKETS)
    passes = 0
    while brackets and passes <= limit:
        stripped = _EMPTY_PAIR.sub(b"", brackets)
        if len(stripped) == len(brackets):
            break
        brackets = stripped
        passes += 1
    # What is left is unbalanced or deeper than the limit: count it directly.
    depth = deepest = 0
    for byte in brackets:
        if byte in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if passes + deepest > limit:
                    break
        elif depth:
            depth -= 1
    return passes + deepest


def too_deep(data: bytes, fmt: str, limit: int) -> Span | None:
    """Where the nesting of a JSON or TOML text first goes deeper than ``limit``.

    ``None`` when it never does.  The position is that of the opening bracket
    one level too deep.
    """
    if fmt == "toml" and b"." * limit in data.translate(None, _NOT_DOTS):
        # Some line has that many dots: look for a key of that many parts.
        dotted = re.search(_TOML_DOTTED.encode() % limit, data)
        if dotted is not None:
            return _span_at(data, dotted.start())
    if estimated_depth(data, limit) <= limit:
        return None
    tokens = re.compile(_JSON_TOKENS if fmt == "json" else _TOML_TOKENS)
    depth = 0
    for match in tokens.finditer(data):
        byte = data[match.start()]
        if byte in _OPEN:
            depth += 1
            if depth > limit:
                return _span_at(data, match.start())
        elif byte in b"]}":
            if depth:
                depth -= 1
    return None


def _span_at(data: bytes, offset: int) -> Span:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return Span(line, column, line, column + 1)


def may_exceed_entries(data: bytes, fmt: str, limit: int) -> bool:
    """False when ``data`` surely holds at most ``limit`` entries (a cheap bound)."""
    if fmt == "json":
        return data.count(b":") > limit
    if fmt == "toml":
        return data.count(b"=") > limit
    # MAPISVC.INF: an entry is a line (UTF-16 text still has one b"\n" per line).
    return data.count(b"\n") + 1 > limit


def manifest_entry_over(data: Any, limit: int) -> tuple | None:
    """The pointer of the first member or array element past ``limit``, if any.

    Walks the parsed data breadth-first, without recursion.
    """
    count = 0
    queue: list[tuple[Any, tuple]] = [(data, ())]
    for node, pointer in queue:
        if isinstance(node, dict):
            children: Iterator = iter(node.items())
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            continue
        for key, value in children:
            count += 1
            if count > limit:
                return pointer + (key,)
            if isinstance(value, (dict, list)):
                queue.append((value, pointer + (key,)))
    return None


def inf_entry_over(doc: Any, limit: int) -> int | None:
    """The 1-based line of the first INF entry past ``limit``, if any."""
    count = 0
    for number, line in enumerate(getattr(doc, "lines", ()), start=1):
        if line.kind == "entry":
            count += 1
            if count > limit:
                return number
    return None
