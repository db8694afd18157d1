"""Exact source positions in TOML manifests.

The TOML reader takes its values from :mod:`tomllib`, which keeps no
positions.  This module reads the same text again, only to find where each
table, key and value is, so that findings can point at them.  It runs only
when a file has findings (see :class:`validator.model.SourceMap`).

What a pointer locates:

* a table defined by a header ``[a.b]``: key and value span are the whole
  header, brackets included; the n-th ``[[x.y]]`` is ``("x", "y", n)`` (and
  ``("x", "y")`` is its first header);
* ``key = value`` and dotted ``a.b.c = value``: the key span is the last key
  segment's token (quotes included), the value span the value's token (a
  string with its quotes, an array or inline table bracket to bracket);
  tables created implicitly by dotted keys or by a header's leading segments
  get the span of their segment token;
* array elements (their key span is their value span) and inline-table
  members, at any depth.

The first definition of a pointer wins, except that a table header replaces
what an implicit creation recorded (``[a.b]`` then ``[a]``).

The index is tolerant: it is meant for text :mod:`tomllib` accepted, never
raises, never hangs, and on anything it cannot read it stops and keeps what it
found.  Nesting is handled with an explicit stack, and the index is a tree, so
neither depth nor size can exhaust the recursion limit or memory.
"""

from __future__ import annotations

import re

from validator.model import Pointer, Span

from .positions import LineMap, SpanIndex

__all__ = ["TomlIndex", "index_toml", "locate_toml"]


class _Node:
    """One pointer's key and value offsets, and the pointers under it.

    ``weak`` marks spans recorded for an implicitly created table, which a
    header for that table replaces.  ``aot`` counts the ``[[...]]`` headers
    of an array of tables.
    """

    __slots__ = ("children", "key_start", "key_end", "start", "end", "weak", "aot")

    def __init__(self) -> None:
        self.children: dict | None = None
        self.key_start: int | None = None
        self.key_end: int | None = None
        self.start: int | None = None
        self.end: int | None = None
        self.weak = False
        self.aot: int | None = None

    def child(self, segment: str | int) -> "_Node":
        if self.children is None:
            self.children = {}
        node = self.children.get(segment)
        if node is None:
            node = self.children[segment] = _Node()
        return node

    def set(self, start: int, end: int, weak: bool) -> None:
        self.key_start = self.start = start
        self.key_end = self.end = end
        self.weak = weak


class TomlIndex(SpanIndex):
    """The positions of tables, keys and values in one TOML text."""

    def __init__(self, text: str, root: _Node):
        self.text = text
        self._root = root
        self._lines_cache: LineMap | None = None

    def _node(self, pointer: Pointer) -> _Node | None:
        node = self._root
        for segment in pointer:
            # bool hashes like 0 and 1; it is never a segment.
            if isinstance(segment, bool) or not isinstance(segment, (str, int)):
                return None
            if node.children is None:
                return None
            node = node.children.get(segment)
            if node is None:
                return None
        return node

    def key_span(self, pointer: Pointer) -> Span | None:
        """The last key segment's token, the table header, or an element's value."""
        node = self._node(tuple(pointer))
        if node is None or node.key_start is None or node.key_end is None:
            return None
        return self._lines.span(node.key_start, node.key_end)



def locate_toml(index: TomlIndex, pointer: Pointer, part: str) -> Span | None:
    """The span of ``pointer``'s key or value (``part``) in the indexed text."""
    return index.locate(pointer, part)


_WS = re.compile(r"[ \t]*")
# Between array elements (and, tolerantly, inline-table members): blanks,
# line breaks and comments.
_GAP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC_RUN = re.compile(r'[^"\\]*')
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?"
    r"|[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
)
# Ordered: the first alternative that matches wins, so prefixed integers come
# before the decimal form that would stop at their leading 0.
_NUMBER = re.compile(
    r"[+-]?(?:inf|nan)"
    r"|0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*"
    r"|0o[0-7](?:_?[0-7])*"
    r"|0b[01](?:_?[01])*"
    r"|[+-]?[0-9](?:_?[0-9])*(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
)
_BOOL = re.compile(r"true|false")
# Last resort for a scalar none of the above reads: its run of plausible
# characters, so one surprise does not lose every position after it.
_OTHER = re.compile(r"[A-Za-z0-9_+\-.:]+")
_ESCAPE = re.compile(r'\\(?:([btnfr"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unescape_escape(m: re.Match) -> str:
    if m.group(1):
        return _SIMPLE_ESCAPES[m.group(1)]
    code = int(m.group(2) or m.group(3), 16)
    return chr(code) if code <= 0x10FFFF else m.group(0)


def _unescape(raw: str) -> str:
    """The key a basic-string key token names (unknown escapes kept as written)."""
    return _ESCAPE.sub(_unescape_escape, raw) if "\\" in raw else raw


class _Scanner:
    """One pass over the text; see :func:`index_toml`.  Methods return None
    where the text stops making sense, and the scan ends there."""

    def __init__(self, text: str, root: _Node):
        self.text = text
        self.n = len(text)
        self.root = root

    def run(self) -> None:
        text, n = self.text, self.n
        table = self.root
        # tomllib rejects a byte order mark; skipping it costs nothing here.
        pos = 1 if text.startswith("\ufeff") else 0
        while True:
            pos = _GAP.match(text, pos).end()
            if pos >= n:
                return
            if text[pos] == "[":
                found = self.header(pos)
                if found is None:
                    return
                pos, table = found
            else:
                member = self.keyval(pos, table)
                if member is None:
                    return
                node, claim, pos = member
                pos = self.value(pos, node, claim)
                if pos is None:
                    return
            # The rest of the line may hold only blanks and a comment.
            pos = _WS.match(text, pos).end()
            if pos < n and text[pos] not in "#\r\n":
                return

    def key(self, pos: int) -> tuple[list[tuple[str, int, int]], int] | None:
        """Reads a dotted key: its segments (name, start, end) and where it ends."""
        text, n = self.text, self.n
        segments = []
        while True:
            if pos >= n:
                return None
            c = text[pos]
            if c == '"':
                m = _BASIC.match(text, pos)
                if m is None:
                    return None
                name = _unescape(text[pos + 1:m.end() - 1])
            elif c == "'":
                m = _LITERAL.match(text, pos)
                if m is None:
                    return None
                name = text[pos + 1:m.end() - 1]
            else:
                m = _BARE_KEY.match(text, pos)
                if m is None:
                    return None
                name = m.group()
            segments.append((name, pos, m.end()))
            pos = m.end()
            after = _WS.match(text, pos).end()
            if after < n and text[after] == ".":
                pos = _WS.match(text, after + 1).end()
                continue
            return segments, pos

    def header(self, pos: int) -> tuple[int, _Node] | None:
        """Reads ``[table]`` or ``[[array]]``; returns its end and its table."""
        text = self.text
        array = text.startswith("[[", pos)
        found = self.key(_WS.match(text, pos + (2 if array else 1)).end())
        if found is None:
            return None
        segments, p = found
        p = _WS.match(text, p).end()
        closing = "]]" if array else "]"
        if not text.startswith(closing, p):
            return None
        end = p + len(closing)
        node = self.root
        for name, start, stop in segments[:-1]:
            node = node.child(name)
            if node.key_start is None:
                node.set(start, stop, weak=True)
            if node.aot:
                # [a.b] after [[a]] is under a's latest element.
                node = node.child(node.aot - 1)
        node = node.child(segments[-1][0])
        if array:
            if node.key_start is None or node.weak:
                node.set(pos, end, weak=False)
            index = node.aot or 0
            node.aot = index + 1
            node = node.child(index)
        if node.key_start is None or node.weak:
            node.set(pos, end, weak=False)
        return end, node

    def keyval(self, pos: int, table: _Node) -> tuple[_Node, bool, int] | None:
        """Reads ``key =``; returns the member's node, whether this definition
        records its spans (the first does), and where the value starts."""
        text = self.text
        found = self.key(pos)
        if found is None:
            return None
        segments, p = found
        node = table
        for name, start, stop in segments[:-1]:
            node = node.child(name)
            if node.key_start is None:
                node.set(start, stop, weak=True)
        name, start, stop = segments[-1]
        node = node.child(name)
        claim = node.key_start is None
        if claim:
            node.key_start, node.key_end = start, stop
        p = _WS.match(text, p).end()
        if p >= self.n or text[p] != "=":
            return None
        return node, claim, _WS.match(text, p + 1).end()

    def value(self, pos: int, node: _Node, claim: bool) -> int | None:
        """Reads the value at ``pos`` for ``node``, descending into arrays and
        inline tables; returns where it ends."""
        text, n = self.text, self.n
        gap = _GAP.match
        # Open arrays and inline tables: [is_array, node, claim, start, next index].
        stack: list[list] = []
        while True:
            if pos >= n:
                return None
            c = text[pos]
            if c == "[" or c == "{":
                stack.append([c == "[", node, claim, pos, 0])
                pos = gap(text, pos + 1).end()
                if pos >= n:
                    return None
                if text[pos] not in "]}":
                    if c == "[":
                        node = self._element(stack[-1])
                        claim = node.key_start is None
                        continue
                    member = self.keyval(pos, node)
                    if member is None:
                        return None
                    node, claim, pos = member
                    continue
                # An empty container: closed by the loop below.
            else:
                end = self.scalar(pos)
                if end is None:
                    return None
                self._finish(node, claim, pos, end)
                pos = end
            # After a value: a comma, or the end of the innermost container.
            while stack:
                frame = stack[-1]
                pos = gap(text, pos).end()
                if pos >= n:
                    return None
                c = text[pos]
                if c == ",":
                    pos = gap(text, pos + 1).end()
                    if pos >= n:
                        return None
                    if text[pos] in "]}":
                        continue  # a trailing comma
                    if frame[0]:
                        node = self._element(frame)
                        claim = node.key_start is None
                    else:
                        member = self.keyval(pos, frame[1])
                        if member is None:
                            return None
                        node, claim, pos = member
                    break
                if c == ("]" if frame[0] else "}"):
                    stack.pop()
                    pos += 1
                    self._finish(frame[1], frame[2], frame[3], pos)
                    continue
                return None
            else:
                return pos

    @staticmethod
    def _element(frame: list) -> _Node:
        node = frame[1].child(frame[4])
        frame[4] += 1
        return node

    @staticmethod
    def _finish(node: _Node, claim: bool, start: int, end: int) -> None:
        if not claim:
            return
        node.start, node.end = start, end
        if node.key_start is None:  # an array element: its key is its value
            node.key_start, node.key_end = start, end

    def scalar(self, pos: int) -> int | None:
        """Where the string, number, boolean or date/time at ``pos`` ends."""
        text = self.text
        c = text[pos]
        if c == '"':
            if text.startswith('"""', pos):
                return self._ml_basic_end(pos)
            m = _BASIC.match(text, pos)
            return m.end() if m else None
        if c == "'":
            if text.startswith("'''", pos):
                close = text.find("'''", pos + 3)
                return None if close < 0 else self._extra_quotes(close, "'")
            m = _LITERAL.match(text, pos)
            return m.end() if m else None
        for pattern in (_DATETIME, _NUMBER, _BOOL, _OTHER):
            m = pattern.match(text, pos)
            if m and m.end() > pos:
                return m.end()
        return None

    def _ml_basic_end(self, pos: int) -> int | None:
        text, n = self.text, self.n
        i = pos + 3
        while True:
            i = _ML_BASIC_RUN.match(text, i).end()
            if i >= n:
                return None
            if text[i] == "\\":
                i += 2  # an escape, or a line-ending backslash
            elif text.startswith('"""', i):
                return self._extra_quotes(i, '"')
            else:
                i += 1

    def _extra_quotes(self, close: int, quote: str) -> int:
        """The end of a multi-line string whose closing delimiter starts at
        ``close``: up to two more quotes belong to the content (``'a'''''``)."""
        end = close + 3
        for _ in range(2):
            if end < self.n and self.text[end] == quote:
                end += 1
        return end


def _scan(text: str, root: _Node) -> None:
    _Scanner(text, root).run()


def index_toml(text: str) -> TomlIndex:
    """Indexes where every table, key and value of a TOML text is.

    Never raises: on text it cannot read it keeps what it found before.
    """
    root = _Node()
    try:
        _scan(text, root)
    except Exception:  # pragma: no cover - a safety net; the scanner is built not to raise
        # A position lookup must never turn a finding into a crash.
        pass
    return TomlIndex(text, root)
