"""Tests for validator.readers.toml_source: where tables, keys and values are."""

from __future__ import annotations

import datetime as dt
import random
import re
import time
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.model import Loc, SourceMap, Span

from ._shared import sliced
from validator.readers import toml_source
from validator.readers.toml_source import TomlIndex, index_toml, locate_toml


def both(index: TomlIndex, pointer) -> tuple[Span | None, Span | None]:
    return index.key_span(pointer), index.value_span(pointer)


MANIFEST = """\
# A MAPI message service
manifest_version = 1

[services.CONTOSO]   # the service
display_name = "Contoso Store"
providers = [
    "CONTOSO_MS",  # message store
    "CONTOSO_XP",
]

[providers.CONTOSO_MS]
dll = 'contoso.dll'
flags = ["SERVICE_A", "SERVICE_B"]
settings = { PR_X = "a", PR_Y = [1, 2] }
"""


class TestTables:
    def test_header_is_key_and_value(self):
        index = index_toml(MANIFEST)
        header = Span(11, 1, 11, 23)
        assert both(index, ("providers", "CONTOSO_MS")) == (header, header)
        assert both(index, ("services", "CONTOSO")) == (Span(4, 1, 4, 19), Span(4, 1, 4, 19))

    def test_header_leading_segments_are_implicit_tables(self):
        index = index_toml(MANIFEST)
        # "services" is only ever created by its sub-table's header: its token.
        assert both(index, ("services",)) == (Span(4, 2, 4, 10), Span(4, 2, 4, 10))
        assert index.key_span(("providers",)) == Span(11, 2, 11, 11)

    def test_quoted_and_spaced_header(self):
        text = '[ a . "b.c" . \'d e\' ]\nx = 1\n'
        index = index_toml(text)
        assert both(index, ("a", "b.c", "d e")) == (Span(1, 1, 1, 22), Span(1, 1, 1, 22))
        assert index.key_span(("a", "b.c")) == Span(1, 7, 1, 12)
        assert index.value_span(("a", "b.c", "d e", "x")) == Span(2, 5, 2, 6)

    def test_super_table_header_overrides_implicit(self):
        text = "[a.b.c]\nx = 1\n[a.b]\ny = 2\n[a]\nz = 3\n"
        index = index_toml(text)
        assert both(index, ("a", "b")) == (Span(3, 1, 3, 6), Span(3, 1, 3, 6))
        assert both(index, ("a",)) == (Span(5, 1, 5, 4), Span(5, 1, 5, 4))
        assert index.key_span(("a", "b", "c")) == Span(1, 1, 1, 8)

    def test_header_overrides_implicit_from_dotted_keys(self):
        # tomllib rejects redefining a dotted table, but the rule stands.
        index = index_toml("b.c = 1\n[b]\n")
        assert index.key_span(("b",)) == Span(2, 1, 2, 4)
        assert index.key_span(("b", "c")) == Span(1, 3, 1, 4)

    def test_sub_table_header_keeps_dotted_parent(self):
        text = "[a]\nb.c = 1\n[a.b.d]\ne = 2\n"
        assert tomllib.loads(text) == {"a": {"b": {"c": 1, "d": {"e": 2}}}}
        index = index_toml(text)
        assert both(index, ("a", "b")) == (Span(2, 1, 2, 2), Span(2, 1, 2, 2))
        assert index.key_span(("a", "b", "d")) == Span(3, 1, 3, 8)

    def test_first_definition_wins(self):
        # Invalid TOML, but the index must still keep the first definition.
        index = index_toml("[a]\nx = 1\nx = 2\n[a]\n")
        assert both(index, ("a",)) == (Span(1, 1, 1, 4), Span(1, 1, 1, 4))
        assert both(index, ("a", "x")) == (Span(2, 1, 2, 2), Span(2, 5, 2, 6))


class TestArraysOfTables:
    TEXT = """\
[[svc.list]]
name = "one"
[svc.list.extra]
k = 1
[[svc.list.inner]]
v = 1
[[svc.list]]
name = "two"
[[svc.list.inner]]
v = 2
[[svc.list.inner]]
v = 3
"""

    def test_the_text_is_what_we_think(self):
        assert tomllib.loads(self.TEXT) == {"svc": {"list": [
            {"name": "one", "extra": {"k": 1}, "inner": [{"v": 1}]},
            {"name": "two", "inner": [{"v": 2}, {"v": 3}]},
        ]}}

    def test_nth_header(self):
        index = index_toml(self.TEXT)
        assert both(index, ("svc", "list", 0)) == (Span(1, 1, 1, 13), Span(1, 1, 1, 13))
        assert both(index, ("svc", "list", 1)) == (Span(7, 1, 7, 13), Span(7, 1, 7, 13))
        assert index.value_span(("svc", "list", 2)) is None

    def test_the_array_is_its_first_header(self):
        index = index_toml(self.TEXT)
        assert both(index, ("svc", "list")) == (Span(1, 1, 1, 13), Span(1, 1, 1, 13))

    def test_keys_under_an_element(self):
        index = index_toml(self.TEXT)
        assert both(index, ("svc", "list", 1, "name")) == (Span(8, 1, 8, 5), Span(8, 8, 8, 13))
        assert both(index, ("svc", "list", 0, "extra")) == (Span(3, 1, 3, 17), Span(3, 1, 3, 17))
        assert index.value_span(("svc", "list", 0, "extra", "k")) == Span(4, 5, 4, 6)

    def test_nested_arrays_of_tables(self):
        index = index_toml(self.TEXT)
        assert index.key_span(("svc", "list", 0, "inner", 0)) == Span(5, 1, 5, 19)
        assert index.key_span(("svc", "list", 1, "inner", 0)) == Span(9, 1, 9, 19)
        assert index.key_span(("svc", "list", 1, "inner", 1)) == Span(11, 1, 11, 19)
        assert index.value_span(("svc", "list", 1, "inner", 1, "v")) == Span(12, 5, 12, 6)
        assert index.key_span(("svc", "list", 1, "inner")) == Span(9, 1, 9, 19)


class TestKeys:
    def test_plain_key(self):
        index = index_toml(MANIFEST)
        assert both(index, ("manifest_version",)) == (Span(2, 1, 2, 17), Span(2, 20, 2, 21))
        assert both(index, ("providers", "CONTOSO_MS", "dll")) == (Span(12, 1, 12, 4), Span(12, 7, 12, 20))

    def test_dotted_key_last_segment(self):
        text = 'a . "b.c" . d = 1\na.e = 2\n'
        index = index_toml(text)
        assert both(index, ("a", "b.c", "d")) == (Span(1, 13, 1, 14), Span(1, 17, 1, 18))
        assert both(index, ("a", "e")) == (Span(2, 3, 2, 4), Span(2, 7, 2, 8))

    def test_dotted_key_implicit_tables_first_mention(self):
        index = index_toml('a . "b.c" . d = 1\na.e = 2\n')
        assert both(index, ("a",)) == (Span(1, 1, 1, 2), Span(1, 1, 1, 2))
        assert both(index, ("a", "b.c")) == (Span(1, 5, 1, 10), Span(1, 5, 1, 10))

    def test_dotted_keys_inside_a_table(self):
        index = index_toml("[t]\nx.y = true\n")
        assert both(index, ("t", "x", "y")) == (Span(2, 3, 2, 4), Span(2, 7, 2, 11))
        assert index.key_span(("t", "x")) == Span(2, 1, 2, 2)

    def test_quoted_keys(self):
        text = '"\\u0041\\t\\"q" = 1\n\'C:\\path\' = 2\n"" = 3\n"\\U0001F600" = 4\n'
        assert tomllib.loads(text) == {'A\t"q': 1, "C:\\path": 2, "": 3, "\U0001F600": 4}
        index = index_toml(text)
        assert both(index, ('A\t"q',)) == (Span(1, 1, 1, 14), Span(1, 17, 1, 18))
        assert both(index, ("C:\\path",)) == (Span(2, 1, 2, 10), Span(2, 13, 2, 14))
        assert both(index, ("",)) == (Span(3, 1, 3, 3), Span(3, 6, 3, 7))
        assert index.key_span(("\U0001F600",)) == Span(4, 1, 4, 13)

    def test_numeric_looking_keys(self):
        text = "3.14159 = 'pi'\n1979-05-27 = 1\n"
        assert tomllib.loads(text) == {"3": {"14159": "pi"}, "1979-05-27": 1}
        index = index_toml(text)
        assert index.key_span(("3", "14159")) == Span(1, 3, 1, 8)
        assert index.value_span(("1979-05-27",)) == Span(2, 14, 2, 15)


VALUES = [
    # (value text, what tomllib reads) -- the value span must cover exactly it.
    ('"basic \\"q\\" \\u00e9"', 'basic "q" é'),
    ("'lit \\ eral'", "lit \\ eral"),
    ('"""\nml "quoted" \\\n    basic"""', 'ml "quoted" basic'),
    ('"""a\\"""b"""', 'a"""b'),
    ('"""a\\\\"""', "a\\"),
    ('"""ends with quotes"""""', 'ends with quotes""'),
    ('"""one"""" ', 'one"'),
    ("'''\nml 'lit'\n  eral'''", "ml 'lit'\n  eral"),
    ("'''x'''''", "x''"),
    ('""', ""),
    ("''", ""),
    ("42", 42),
    ("+17", 17),
    ("-1_000", -1000),
    ("0xDEAD_beef", 0xDEADBEEF),
    ("0o755", 0o755),
    ("0b1101_0101", 0b11010101),
    ("3.1415", 3.1415),
    ("-6.626e-34", -6.626e-34),
    ("5e+22", 5e22),
    ("1_000.5E1_0", 1000.5e10),
    ("inf", float("inf")),
    ("-inf", float("-inf")),
    ("+nan", None),  # nan != nan: checked separately
    ("true", True),
    ("false", False),
    ("1979-05-27T07:32:00Z", dt.datetime(1979, 5, 27, 7, 32, tzinfo=dt.timezone.utc)),
    ("1979-05-27 07:32:00.999-07:00",
     dt.datetime(1979, 5, 27, 7, 32, 0, 999000, tzinfo=dt.timezone(dt.timedelta(hours=-7)))),
    ("1979-05-27t07:32:00", dt.datetime(1979, 5, 27, 7, 32)),
    ("1979-05-27", dt.date(1979, 5, 27)),
    ("07:32:00.5", dt.time(7, 32, 0, 500000)),
    ("[]", []),
    ("[ 1, [2, [3]], ]", [1, [2, [3]]]),
    ("[\n  1, # one\n  # alone\n  2,\n]", [1, 2]),
    ("{}", {}),
    ('{ a = 1, b.c = "x" }', {"a": 1, "b": {"c": "x"}}),
]


class TestValues:
    @pytest.mark.parametrize("value_text,expected", VALUES)
    def test_value_token(self, value_text, expected):
        text = f"key = {value_text}  # trailing comment\nnext = 1\n"
        data = tomllib.loads(text)
        if expected is not None:
            assert data["key"] == expected
        index = index_toml(text)
        span = index.value_span(("key",))
        assert span.line == 1 and span.column == 7
        assert sliced(text, span) == value_text.rstrip()
        assert index.key_span(("key",)) == Span(1, 1, 1, 4)
        # Whatever the value was, what follows it is still found.
        lines = value_text.count("\n")
        assert index.key_span(("next",)) == Span(2 + lines, 1, 2 + lines, 5)

    def test_multiline_string_span(self):
        text = 's = """\nline one\nline two"""\n'
        assert index_toml(text).value_span(("s",)) == Span(1, 5, 3, 12)

    def test_array_elements(self):
        index = index_toml(MANIFEST)
        pointer = ("services", "CONTOSO", "providers")
        assert index.value_span(pointer) == Span(6, 13, 9, 2)
        assert both(index, pointer + (0,)) == (Span(7, 5, 7, 17), Span(7, 5, 7, 17))
        assert both(index, pointer + (1,)) == (Span(8, 5, 8, 17), Span(8, 5, 8, 17))
        assert index.value_span(pointer + (2,)) is None
        assert index.value_span(("providers", "CONTOSO_MS", "flags", 1)) == Span(13, 23, 13, 34)

    def test_inline_table_members(self):
        index = index_toml(MANIFEST)
        settings_ = ("providers", "CONTOSO_MS", "settings")
        assert both(index, settings_) == (Span(14, 1, 14, 9), Span(14, 12, 14, 41))
        assert both(index, settings_ + ("PR_X",)) == (Span(14, 14, 14, 18), Span(14, 21, 14, 24))
        assert both(index, settings_ + ("PR_Y",)) == (Span(14, 26, 14, 30), Span(14, 33, 14, 39))
        assert both(index, settings_ + ("PR_Y", 1)) == (Span(14, 37, 14, 38), Span(14, 37, 14, 38))

    def test_nested_inline_tables_and_arrays(self):
        text = 'x = [{ a = [ { b.c = "d" } ] }, { "e f" = {} }]\n'
        index = index_toml(text)
        assert index.value_span(("x", 0, "a", 0, "b", "c")) == Span(1, 22, 1, 25)
        assert index.key_span(("x", 0, "a", 0, "b")) == Span(1, 16, 1, 17)
        assert index.value_span(("x", 0, "a", 0)) == Span(1, 14, 1, 27)
        assert both(index, ("x", 1, "e f")) == (Span(1, 35, 1, 40), Span(1, 43, 1, 45))

    def test_multiline_array_inside_inline_table(self):
        text = "t = { a = [\n  1, # c\n  2\n] }\n"
        assert tomllib.loads(text) == {"t": {"a": [1, 2]}}
        index = index_toml(text)
        assert index.value_span(("t", "a")) == Span(1, 11, 4, 2)
        assert index.value_span(("t",)) == Span(1, 5, 4, 4)
        assert index.value_span(("t", "a", 1)) == Span(3, 3, 3, 4)


class TestText:
    def test_crlf(self):
        text = "[t]\r\na = [\r\n  1,\r\n  2,\r\n]\r\nb = 'x'\r\n"
        index = index_toml(text)
        assert index.value_span(("t", "a")) == Span(2, 5, 5, 2)
        assert index.value_span(("t", "a", 1)) == Span(4, 3, 4, 4)
        assert both(index, ("t", "b")) == (Span(6, 1, 6, 2), Span(6, 5, 6, 8))

    def test_crlf_in_multiline_string(self):
        text = 's = """a\r\nb"""\r\nn = 1\r\n'
        index = index_toml(text)
        assert index.value_span(("s",)) == Span(1, 5, 2, 5)
        assert index.key_span(("n",)) == Span(3, 1, 3, 2)

    def test_comments_everywhere(self):
        text = "# top\n[a] # c\n# between\nk = 1 # c\n  # indented\n[b]#c\nv = [ # c\n 1 # c\n ]  # c\n"
        index = index_toml(text)
        assert index.key_span(("b",)) == Span(6, 1, 6, 4)
        assert index.value_span(("b", "v")) == Span(7, 5, 9, 3)
        assert index.value_span(("b", "v", 0)) == Span(8, 2, 8, 3)

    def test_columns_count_code_points(self):
        text = '"\U0001F600é" = "ü\U0001F600" # \U0001F600\nk = 1\n'
        index = index_toml(text)
        assert both(index, ("\U0001F600é",)) == (Span(1, 1, 1, 5), Span(1, 8, 1, 12))

    def test_byte_order_mark_is_skipped(self):
        assert index_toml("\ufeffa = 1\n").value_span(("a",)) == Span(1, 6, 1, 7)


class TestLookups:
    def test_missing_and_odd_pointers(self):
        index = index_toml(MANIFEST)
        assert both(index, ()) == (None, None)
        assert both(index, ("nope",)) == (None, None)
        assert index.value_span(("services", "CONTOSO", "providers", True)) is None
        assert index.value_span(("services", "CONTOSO", "providers", "0")) is None
        assert index.value_span(("manifest_version", "x")) is None
        assert index.value_span((1.5,)) is None

    def test_locate_toml(self):
        index = index_toml(MANIFEST)
        pointer = ("providers", "CONTOSO_MS", "dll")
        assert locate_toml(index, pointer, "key") == Span(12, 1, 12, 4)
        assert locate_toml(index, pointer, "value") == Span(12, 7, 12, 20)
        with pytest.raises(ValueError):
            locate_toml(index, pointer, "both")

    def test_source_map_integration(self):
        index = index_toml(MANIFEST)
        source = SourceMap("m.toml", MANIFEST, index.locate)
        # A missing member points at its table's header, as in the CLI spec.
        assert source.span(Loc(("providers", "CONTOSO_MS", "uuid"))) == Span(11, 1, 11, 23)
        piece = Loc(("services", "CONTOSO", "display_name"), "value", offset=1, length=7)
        assert source.span(piece) == Span(5, 17, 5, 24)
        # Nothing at all: the start of the file.
        assert source.span(Loc(("zzz",))) == Span(1, 1, 1, 1)


class TestTolerance:
    def test_stops_at_garbage_keeping_what_came_before(self):
        index = index_toml("a = 1\nb = ?!\nc = 3\n")
        assert index.value_span(("a",)) == Span(1, 5, 1, 6)
        assert index.key_span(("b",)) == Span(2, 1, 2, 2)
        assert index.value_span(("b",)) is None
        assert index.key_span(("c",)) is None

    @pytest.mark.parametrize("text", [
        "", "[", "[[", "[a", "[a.]", "a", "a =", "a = [", "a = [1,", "a = {", "a = {b", "a = {b =",
        'a = "', 'a = """', "a = '''x''", "a = 'x", "=", "[a]\n[[b", "a = [1 2]", "a = {b = 1 c = 2}",
        "a = ]", "a = }", "\x00", "a = 1 b = 2", "a = [}", "a = {]", "\r", "a = \"\\", 'a = """\\',
    ])
    def test_never_raises(self, text):
        assert isinstance(index_toml(text), TomlIndex)

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("[]{}=,.\"'#\\ \n\r\tab01-_:+eT") + ["é"]), max_size=40))
    def test_random_text_never_raises(self, text):
        # The scanner itself, not index_toml's safety net, must not raise.
        toml_source._scan(text, toml_source._Node())

    @settings(max_examples=50, deadline=None)
    @given(st.integers(min_value=0, max_value=len(MANIFEST)))
    def test_truncated_text_never_raises(self, cut):
        toml_source._scan(MANIFEST[:cut], toml_source._Node())

    def test_deep_arrays(self):
        depth = 100_000
        text = "x = " + "[" * depth + "]" * depth + "\ny = 1\n"
        started = time.perf_counter()
        index = index_toml(text)
        assert time.perf_counter() - started < 2.0
        assert index.value_span(("x",) + (0,) * (depth - 1)) == Span(1, 4 + depth, 1, 6 + depth)
        assert index.key_span(("y",)) == Span(2, 1, 2, 2)

    def test_deep_inline_tables(self):
        depth = 100_000
        text = "x = " + "{a = " * depth + "1" + "}" * depth + "\n"
        started = time.perf_counter()
        index = index_toml(text)
        assert time.perf_counter() - started < 2.0
        column = 5 + 5 * depth
        assert index.value_span(("x",) + ("a",) * depth) == Span(1, column, 1, column + 1)

    def test_unclosed_deep_nesting(self):
        text = "x = " + "[" * 100_000
        assert index_toml(text).value_span(("x",)) is None


# Round trip: a tiny TOML writer with random styles (tomli_w is not needed)
# records, for every pointer, the exact token it wrote for the key and the
# value, applying the index's first-definition-wins rule; the index must find
# exactly those tokens, and value tokens must re-parse to the value.

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _is_control(c: str) -> bool:
    return c < " " or c == "\x7f"


class _Writer:
    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.out: list[str] = []
        # pointer -> (key token, value token, kind); kind: "value", "table", "implicit"
        self.expected: dict[tuple, tuple[str, str, str]] = {}

    def chance(self, p: float = 0.5) -> bool:
        return self.rnd.random() < p

    def record(self, pointer, key, value, kind):
        old = self.expected.get(pointer)
        if old is None or (kind == "table" and old[2] == "implicit"):
            self.expected[pointer] = (key, value, kind)

    # -- tokens --------------------------------------------------------

    def basic(self, s: str) -> str:
        out = []
        for c in s:
            if c in _ESCAPES:
                out.append(_ESCAPES[c])
            elif _is_control(c) or (ord(c) > 127 and self.chance(0.3)):
                out.append(f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF and self.chance() else f"\\U{ord(c):08x}")
            else:
                out.append(c)
        return '"' + "".join(out) + '"'

    def key(self, k: str) -> str:
        if _BARE.fullmatch(k) and self.chance(0.7):
            return k
        if "'" not in k and not any(_is_control(c) for c in k) and self.chance():
            return f"'{k}'"
        return self.basic(k)

    def string(self, s: str) -> str:
        choice = self.rnd.randrange(4)
        plain = not any(_is_control(c) and c != "\t" for c in s)
        if choice == 1 and plain and "'" not in s:
            return f"'{s}'"
        if choice == 2 and "'''" not in s and not s.startswith("\n") and \
                not any(_is_control(c) and c not in "\t\n" for c in s):
            return f"'''{s}'''"
        if choice == 3:
            return self.ml_basic(s)
        return self.basic(s)

    def ml_basic(self, s: str) -> str:
        out, quotes = [], 0
        for i, c in enumerate(s):
            if c == '"':
                # Never three raw quotes in a row; at the end, up to two are fine.
                out.append('\\"' if quotes == 2 else '"')
                quotes = 0 if quotes == 2 else quotes + 1
                continue
            quotes = 0
            if i > 0 and c not in " \t\n" and self.chance(0.1):
                out.append("\\\n   ")  # a line-ending backslash eats the blanks
            if c == "\\":
                out.append("\\\\")
            elif c == "\n" and i > 0:
                out.append("\n")
            elif _is_control(c) and c != "\t":
                out.append(_ESCAPES.get(c, f"\\u{ord(c):04x}"))
            else:
                out.append(c)
        return '"""' + "".join(out) + '"""'

    def integer(self, n: int) -> str:
        if n >= 0 and self.chance(0.3):
            return self.rnd.choice([f"0x{n:X}", f"0x{n:x}", f"0o{n:o}", f"0b{n:b}"])
        digits = str(abs(n))
        if self.chance(0.3):
            digits = "_".join(digits)
        sign = "-" if n < 0 else ("+" if self.chance(0.2) else "")
        return sign + digits

    def datetime(self, value) -> str:
        text = value.isoformat()
        if isinstance(value, dt.datetime):
            if self.chance():
                text = text.replace("T", " ")
            if text.endswith("+00:00") and self.chance():
                text = text[:-6] + "Z"
        return text

    def gap(self, newlines: bool) -> str:
        if not newlines:
            return self.rnd.choice(["", " ", "  "])
        return self.rnd.choice(["", " ", "\n  ", " # note, [x] = {y}\n  ", "\r\n\t"])

    # -- values --------------------------------------------------------

    def value(self, pointer, v, in_inline: bool) -> str:
        if isinstance(v, bool):
            text = "true" if v else "false"
        elif isinstance(v, int):
            text = self.integer(v)
        elif isinstance(v, float):
            text = repr(v)
        elif isinstance(v, str):
            text = self.string(v)
        elif isinstance(v, (dt.date, dt.time)):
            text = self.datetime(v)
        elif isinstance(v, list):
            parts = []
            for i, element in enumerate(v):
                element_text = self.value(pointer + (i,), element, in_inline)
                self.record(pointer + (i,), element_text, element_text, "value")
                parts.append(self.gap(True) + element_text + self.gap(True))
            text = "[" + ",".join(parts) + ("," + self.gap(True) if v and self.chance(0.3) else "") + "]"
        else:
            members = []
            for k, member in v.items():
                members.append(self.keyval(pointer, [k], member, inline=True))
            text = "{" + self.gap(False) + ", ".join(members) + self.gap(False) + "}"
        return text

    def keyval(self, table, keys: list, v, inline: bool) -> str:
        """``a.b.c = v`` for the dotted ``keys`` under ``table``; dicts may go
        on as dotted keys (one line each)."""
        if isinstance(v, dict) and v and self.chance(0.3):
            lines = [self.keyval(table, keys + [k], member, inline) for k, member in v.items()]
            return (", " if inline else "\n").join(lines)
        tokens = [self.key(k) for k in keys]
        for i in range(len(keys) - 1):
            self.record(table + tuple(keys[:i + 1]), tokens[i], tokens[i], "implicit")
        pointer = table + tuple(keys)
        value_text = self.value(pointer, v, inline)
        self.record(pointer, tokens[-1], value_text, "value")
        dot = self.rnd.choice([".", " . ", ". "])
        return dot.join(tokens) + self.rnd.choice([" = ", "=", "  =\t"]) + value_text

    # -- tables --------------------------------------------------------

    def header(self, pointer, array: bool) -> str:
        names = [(i, s) for i, s in enumerate(pointer) if isinstance(s, str)]
        tokens = [self.key(s) for _, s in names]
        for (i, _), token in zip(names[:-1], tokens[:-1]):
            self.record(pointer[:i + 1], token, token, "implicit")
        inner = self.rnd.choice([".", " . "]).join(tokens)
        pad = self.rnd.choice(["", " "])
        return ("[[" if array else "[") + pad + inner + pad + ("]]" if array else "]")

    def table(self, pointer, table: dict, header: str | None, element: bool) -> None:
        keyvals, tables, arrays = [], [], []
        for k, v in table.items():
            if isinstance(v, dict) and self.chance():
                tables.append((k, v))
            elif isinstance(v, list) and v and all(isinstance(e, dict) for e in v) and self.chance():
                arrays.append((k, v))
            else:
                keyvals.append((k, v))
        # A table with only sub-tables may go without its own header; one
        # that is not an array element may come after its sub-tables.
        implicit = header is None or (not element and not keyvals and table and self.chance(0.4))
        late = not implicit and not element and self.chance(0.3)
        if late:
            self.sub_tables(pointer, tables, [])
        if not implicit:
            self.record(pointer, header, header, "table")
            self.out.append(header + self.rnd.choice(["", "  # header"]))
        for k, v in keyvals:
            self.out.append(self.keyval(pointer, [k], v, inline=False) + self.rnd.choice(["", " # c"]))
        self.sub_tables(pointer, [] if late else tables, arrays)

    def sub_tables(self, pointer, tables, arrays) -> None:
        for k, v in tables:
            self.table(pointer + (k,), v, self.header(pointer + (k,), False), False)
        for k, elements in arrays:
            for i, element in enumerate(elements):
                header = self.header(pointer + (k,), True)
                self.record(pointer + (k,), header, header, "table")
                self.table(pointer + (k, i), element, header, True)

    def dump(self, data: dict) -> str:
        self.table((), data, None, False)
        return self.rnd.choice(["\n", "\r\n"]).join(self.out) + "\n"


_toml_keys = st.text(
    alphabet=st.sampled_from(list("abcXYZ019_-. \"'\\\n\t\x01é") + ["\U0001F600"]), max_size=5
)
_toml_scalars = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.sampled_from(list("ab \"'\\\n\t\r\x01é#=[]{}") + ["\U0001F600"]), max_size=8)
    | st.dates()
    | st.times()
    | st.datetimes(timezones=st.none() | st.sampled_from([
        dt.timezone.utc, dt.timezone(dt.timedelta(hours=-8)), dt.timezone(dt.timedelta(hours=5, minutes=30)),
    ]))
)
_toml_tables = st.recursive(
    st.dictionaries(_toml_keys, _toml_scalars, max_size=3),
    lambda children: st.dictionaries(
        _toml_keys,
        _toml_scalars | children | st.lists(children | _toml_scalars, max_size=3)
        | st.lists(children, min_size=1, max_size=3),  # candidates for [[arrays]]
        max_size=4,
    ),
    max_leaves=20,
)


def _toml_pointers(value, pointer=()):
    if isinstance(value, dict):
        for key, member in value.items():
            yield pointer + (key,), member
            yield from _toml_pointers(member, pointer + (key,))
    elif isinstance(value, list):
        for i, element in enumerate(value):
            yield pointer + (i,), element
            yield from _toml_pointers(element, pointer + (i,))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_toml_tables, rnd=st.randoms(use_true_random=False))
def test_spans_find_the_written_tokens(data, rnd):
    writer = _Writer(rnd)
    text = writer.dump(data)
    assert tomllib.loads(text) == data, text  # the writer itself is right
    index = index_toml(text)
    for pointer, value in _toml_pointers(data):
        key_token, value_token, kind = writer.expected[pointer]
        key_span, value_span = index.key_span(pointer), index.value_span(pointer)
        assert key_span is not None and value_span is not None, (pointer, text)
        assert sliced(text, key_span) == key_token, (pointer, text)
        assert sliced(text, value_span) == value_token, (pointer, text)
        if kind == "value":
            assert tomllib.loads("x = " + sliced(text, value_span))["x"] == value
            if isinstance(pointer[-1], str):
                assert tomllib.loads(sliced(text, key_span) + " = 0") == {pointer[-1]: 0}
            else:
                assert key_span == value_span
        elif kind == "table":
            # A header: it parses as the table (or array of tables) it names.
            names = [s for s in pointer if isinstance(s, str)]
            found = tomllib.loads(sliced(text, key_span))
            for name in names:
                found = found[name]
                if isinstance(found, list):
                    found = found[0]
            assert found == {}
        else:
            assert tomllib.loads(key_token + " = 0") == {pointer[-1]: 0}
