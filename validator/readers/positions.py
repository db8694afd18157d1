"""What the JSON and TOML position indexes share: offsets to lines, spans by pointer."""

from __future__ import annotations

import re
from bisect import bisect_right

from validator.model import Pointer, Span


class LineMap:
    """Turns character offsets into 1-based (line, column) positions.

    Only "\\n" starts a line: in "\\r\\n" the "\\r" is the last character of its
    line, and a lone "\\r" is not a line break in JSON or TOML.
    """

    __slots__ = ("starts",)

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)


class SpanIndex:
    """Spans of keys and values by pointer; subclasses find the node (``_node``)
    and say what a key's span is (``key_span``)."""

    def __init__(self, text: str):
        self.text = text
        self._lines_cache: LineMap | None = None

    @property
    def _lines(self) -> LineMap:
        if self._lines_cache is None:
            self._lines_cache = LineMap(self.text)
        return self._lines_cache

    def _node(self, pointer: Pointer):
        raise NotImplementedError

    def key_span(self, pointer: Pointer) -> Span | None:
        raise NotImplementedError

    def value_span(self, pointer: Pointer) -> Span | None:
        """The value's token; an array, object or inline table bracket to bracket."""
        node = self._node(tuple(pointer))
        if node is None or node.start is None or node.end is None:
            return None
        return self._lines.span(node.start, node.end)

    def locate(self, pointer: Pointer, part: str) -> Span | None:
        """``part`` is ``"key"`` or ``"value"``; fits :class:`~validator.model.SourceMap`."""
        if part == "key":
            return self.key_span(pointer)
        if part == "value":
            return self.value_span(pointer)
        raise ValueError(f"part must be 'key' or 'value', not {part!r}")
