"""Exact source positions in JSON manifests, and strict JSON syntax errors.

The JSON reader takes its values from :func:`json.loads`; this module reads
the same text again with a strict RFC 8259 scanner that builds no values, only
a tree of where each object member's key and each value start and end.  It is
run only when a file has findings (positions are computed lazily, see
:class:`validator.model.SourceMap`) or when the text must be checked strictly:

* :func:`scan_json` raises :class:`JsonSyntaxError` at the line and column of
  the first offending character, with a message meant for a person, for
  everything RFC 8259 forbids (including what :func:`json.loads` lets through,
  such as ``NaN``);
* :attr:`JsonIndex.duplicates` lists keys repeated in one object, which
  :func:`json.loads` silently collapses to the last one.

Pointers are tuples of unescaped object keys (``str``) and array indexes
(``int``) from the root.  Spans are 1-based, columns count code points and
``end_column`` is exclusive.  The scanner is iterative (an explicit stack) so
arbitrarily deep nesting cannot exhaust Python's recursion limit, and the
tree costs memory proportional to the text, however deep.
"""

from __future__ import annotations

import json
import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

from validator.model import Pointer, Span

from .positions import LineMap, SpanIndex

__all__ = ["JsonSyntaxError", "JsonIndex", "scan_json", "locate_json"]


class JsonSyntaxError(Exception):
    """The text is not JSON; ``line``/``column`` (1-based) are where it breaks."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


class _Node:
    """Where one value (and, for an object member, its key) is in the text.

    ``key_start`` is None for array elements and the root, whose "key" is the
    value itself.  ``children`` is a dict (object), a list (array) or None.
    """

    __slots__ = ("key_start", "key_end", "start", "end", "children", "first_key")

    def __init__(self, key_start: int | None, key_end: int | None, start: int):
        self.key_start = key_start
        self.key_end = key_end
        self.start = start
        self.end = -1
        self.children: dict | list | None = None
        # For a repeated key: (start, end) of the first occurrence's key.
        self.first_key: tuple[int, int] | None = None


class JsonIndex(SpanIndex):
    """The positions of every member and element of one JSON text.

    When a key is repeated in an object, the pointer leads to the *last*
    member, as it is the one :func:`json.loads` keeps, so spans match the
    values the rules see; :attr:`duplicates` keeps both key positions.
    """

    def __init__(self, text: str, root: _Node, lines: LineMap | None,
                 duplicates: list[tuple[Pointer, Span, Span]]):
        self.text = text
        self._root = root
        self._lines_cache = lines
        #: (pointer, span of the first key, span of the repeated key) for
        #: every key that appears again in the same object, in text order.
        self.duplicates = duplicates

    def _node(self, pointer: Pointer) -> _Node | None:
        node = self._root
        for segment in pointer:
            children = node.children
            if isinstance(children, dict):
                if not isinstance(segment, str):
                    return None
                node = children.get(segment)
                if node is None:
                    return None
            elif isinstance(children, list):
                # bool is an int subclass, but True is not an index here.
                if not isinstance(segment, int) or isinstance(segment, bool):
                    return None
                if not 0 <= segment < len(children):
                    return None
                node = children[segment]
            else:
                return None
        return node

    def key_span(self, pointer: Pointer) -> Span | None:
        """The member's key, quotes included; for elements and the root, the value."""
        node = self._node(tuple(pointer))
        if node is None:
            return None
        if node.key_start is None:
            return self._lines.span(node.start, node.end)
        return self._lines.span(node.key_start, node.key_end)



def locate_json(index: JsonIndex, pointer: Pointer, part: str) -> Span | None:
    """The span of ``pointer``'s key or value (``part``) in the indexed text."""
    return index.locate(pointer, part)


_WS = re.compile(r"[ \t\n\r]*")
# A complete, valid string token; anything else is diagnosed by _string_error.
_STRING = re.compile(r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
# [0-9], not \d: \d would accept non-ASCII digits.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_HEX = frozenset("0123456789abcdefABCDEF")
_CHAR_NAMES = {
    "\n": "a line break",
    "\r": "a carriage return",
    "\t": "a tab",
    " ": "a space",
    "\ufeff": "a byte order mark (U+FEFF)",
}


def _describe(text: str, pos: int) -> str:
    """What is at ``pos``, for "found ..." in messages."""
    if pos >= len(text):
        return "end of input"
    c = text[pos]
    if c in _CHAR_NAMES:
        return _CHAR_NAMES[c]
    if c.isprintable():
        return f"'{c}'"
    return f"U+{ord(c):04X}"


def _string_error(text: str, start: int) -> tuple[int, str]:
    """Why the string token opening at ``start`` is invalid, and where."""
    n = len(text)
    i = start + 1
    while i < n:
        c = text[i]
        if c == '"':  # pragma: no cover - the regex would have matched
            break
        if c == "\\":
            if i + 1 >= n:
                break
            e = text[i + 1]
            if e == "u":
                for k in range(i + 2, i + 6):
                    if k >= n:
                        return start, "unterminated string: missing closing '\"'"
                    if text[k] not in _HEX:
                        return k, f"expected 4 hex digits after '\\u', found {_describe(text, k)}"
                i += 6
                continue
            if e not in '"\\/bfnrt':
                if e in "\n\r":
                    return i + 1, "unterminated string: a line break cannot appear in a string (write \\n)"
                shown = f"'\\{e}'" if e.isprintable() else f"'\\' followed by {_describe(text, i + 1)}"
                return i + 1, (
                    f"invalid escape {shown} in string; JSON allows only"
                    " \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"
                    " (write \\\\ for a backslash, e.g. in a Windows path)"
                )
            i += 2
            continue
        if c < " ":
            if c in "\n\r":
                return i, "unterminated string: a line break cannot appear in a string (write \\n)"
            hint = " (write \\t)" if c == "\t" else f" (write \\u{ord(c):04x})"
            return i, f"control character U+{ord(c):04X} must be escaped in a string{hint}"
        i += 1
    # Reached the end of the text: point at the string that never closes.
    return start, "unterminated string: missing closing '\"'"


def _bad_value(text: str, pos: int) -> str:
    """The message for a character that cannot start a JSON value."""
    found = _describe(text, pos)
    if pos >= len(text):
        return "unexpected end of input: expected a JSON value"
    c = text[pos]
    for word, fix in (("True", "true"), ("False", "false"), ("None", "null"), ("Null", "null")):
        if text.startswith(word, pos):
            return f"expected a JSON value, found '{word}' (JSON literals are lowercase: {fix})"
    if text.startswith("NaN", pos) or text.startswith("Infinity", pos):
        return "NaN and Infinity are not valid JSON numbers"
    hint = {
        "'": " (strings must be in double quotes)",
        "+": " (a number cannot start with '+')",
        ".": " (a number must start with a digit: write 0.5, not .5)",
        "/": " (comments are not allowed in JSON)",
        "#": " (comments are not allowed in JSON)",
        "\ufeff": " (save the file as UTF-8 without a byte order mark)",
    }.get(c, "")
    return f"expected a JSON value, found {found}{hint}"


class _Scanner:
    """One pass over the text; see :func:`scan_json`."""

    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self.lines: LineMap | None = None
        self.duplicates: list[tuple[Pointer, Span, Span]] = []
        # The key of the member whose value comes next (None in arrays).
        self.key: str | None = None
        self.key_start: int | None = None
        self.key_end: int | None = None

    def _lines(self) -> LineMap:
        if self.lines is None:
            self.lines = LineMap(self.text)
        return self.lines

    def fail(self, pos: int, message: str) -> NoReturn:
        line, column = self._lines().position(pos)
        raise JsonSyntaxError(message, line, column)

    def read_key(self, pos: int, after_comma: bool) -> int:
        """Reads ``"key" :`` at ``pos``; returns where the member's value starts."""
        text = self.text
        if pos >= self.n:
            self.fail(pos, "unexpected end of input: expected a string key")
        if text[pos] != '"':
            if after_comma and text[pos] == "}":
                self.fail(pos, "expected a string key after ',', found '}' (trailing commas are not allowed)")
            hint = ""
            if text[pos] == "'":
                hint = " (keys must be in double quotes)"
            elif text[pos].isalpha() or text[pos] == "_":
                hint = " (object keys must be quoted)"
            self.fail(pos, f"expected a string key in double quotes, found {_describe(text, pos)}{hint}")
        m = _STRING.match(text, pos)
        if m is None:
            self.fail(*_string_error(text, pos))
        end = m.end()
        raw = text[pos + 1:end - 1]
        self.key = json.loads(text[pos:end]) if "\\" in raw else raw
        self.key_start, self.key_end = pos, end
        pos = _WS.match(text, end).end()
        if pos >= self.n or text[pos] != ":":
            self.fail(pos, f"expected ':' after object key, found {_describe(text, pos)}")
        return _WS.match(text, pos + 1).end()

    def scalar_end(self, pos: int) -> int:
        """Where the string, number or literal starting at ``pos`` ends."""
        text, n = self.text, self.n
        c = text[pos]
        if c == '"':
            m = _STRING.match(text, pos)
            if m is None:
                self.fail(*_string_error(text, pos))
            return m.end()
        if c == "-" or "0" <= c <= "9":
            m = _NUMBER.match(text, pos)
            if m is None:  # a '-' not followed by a digit
                if text.startswith("Infinity", pos + 1):
                    self.fail(pos, "NaN and Infinity are not valid JSON numbers")
                self.fail(pos + 1, f"expected a digit after '-', found {_describe(text, pos + 1)}")
            end = m.end()
            if end < n:
                d = text[end]
                if "0" <= d <= "9":  # only possible after a lone leading 0
                    self.fail(end, "leading zeros are not allowed in numbers")
                if d == "." and m.group(1) is None and m.group(2) is None:
                    self.fail(end + 1, f"expected a digit after '.', found {_describe(text, end + 1)}")
                if d in "eE" and m.group(2) is None:
                    p = end + 1
                    if p < n and text[p] in "+-":
                        p += 1
                    self.fail(p, f"expected a digit in the exponent, found {_describe(text, p)}")
            return end
        for word in ("true", "false", "null"):
            if c == word[0]:
                if text.startswith(word, pos):
                    return pos + len(word)
                k = 1
                while k < len(word) and pos + k < n and text[pos + k] == word[k]:
                    k += 1
                self.fail(pos + k, f"invalid literal: expected '{word}', found {_describe(text, pos + k)}")
        self.fail(pos, _bad_value(text, pos))
        raise AssertionError("unreachable")  # pragma: no cover

    def scan(self) -> JsonIndex:
        text, n = self.text, self.n
        ws = _WS.match
        root: _Node | None = None
        stack: list[_Node] = []  # the objects and arrays open around pos
        path: list = []  # the key or index being read in each of them
        pos = ws(text, 0).end()
        if pos >= n:
            # Nothing but whitespace: point at the start, not past the blank lines.
            self.fail(0, "empty input: expected a JSON value")
        while True:
            # A value starts at pos (after whitespace).
            if pos >= n:
                self.fail(pos, "unexpected end of input: expected a JSON value")
            node = _Node(self.key_start, self.key_end, pos)
            if not stack:
                root = node
            else:
                parent = stack[-1]
                if isinstance(parent.children, list):
                    parent.children.append(node)
                else:
                    self._add_member(parent.children, node, path)
            c = text[pos]
            if c == "{" or c == "[":
                closing = "}" if c == "{" else "]"
                node.children = {} if c == "{" else []
                p = ws(text, pos + 1).end()
                if p < n and text[p] == closing:
                    node.end = pos = p + 1
                else:
                    stack.append(node)
                    if c == "{":
                        path.append(None)
                        pos = self.read_key(p, after_comma=False)
                    else:
                        path.append(0)
                        self.key_start = self.key_end = None
                        pos = p
                    continue
            else:
                node.end = pos = self.scalar_end(pos)
            # After a value: a separator, or the end of the enclosing containers.
            while stack:
                parent = stack[-1]
                is_array = isinstance(parent.children, list)
                closing = "]" if is_array else "}"
                pos = ws(text, pos).end()
                c = text[pos] if pos < n else ""
                if c == ",":
                    pos = ws(text, pos + 1).end()
                    if is_array:
                        if pos < n and text[pos] == "]":
                            self.fail(pos, "expected a value after ',', found ']' (trailing commas are not allowed)")
                        path[-1] = len(parent.children)
                        self.key_start = self.key_end = None
                    else:
                        pos = self.read_key(pos, after_comma=True)
                    break
                if c == closing:
                    parent.end = pos = pos + 1
                    stack.pop()
                    path.pop()
                    continue
                what = "array element" if is_array else "object member"
                self.fail(pos, f"expected ',' or '{closing}' after {what}, found {_describe(text, pos)}")
            else:
                pos = ws(text, pos).end()
                if pos < n:
                    self.fail(pos, f"unexpected {_describe(text, pos)} after the JSON value"
                                   " (a JSON text holds exactly one value)")
                assert root is not None
                return JsonIndex(text, root, self.lines, self.duplicates)

    def _add_member(self, members: dict, node: _Node, path: list) -> None:
        key = self.key
        path[-1] = key
        old = members.get(key)
        if old is not None:
            first = old.first_key or (old.key_start, old.key_end)
            node.first_key = first
            lines = self._lines()
            self.duplicates.append(
                (tuple(path), lines.span(*first), lines.span(node.key_start, node.key_end))
            )
        members[key] = node


def scan_json(text: str) -> JsonIndex:
    """Checks ``text`` is strict JSON and indexes where every member is.

    Raises :class:`JsonSyntaxError` at the first offending character.
    """
    return _Scanner(text).scan()
