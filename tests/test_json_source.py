"""Tests for validator.readers.json_source: spans, duplicates, syntax errors."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.model import Loc, SourceMap, Span

from ._shared import sliced
from validator.readers.json_source import JsonIndex, JsonSyntaxError, locate_json, scan_json


MANIFEST = """\
{
  "providers": {
    "CONTOSO_MS": {
      "dll": "contoso.dll",
      "flags": ["SERVICE_A", "SERVICE_B"],
      "empty": {},
      "none": []
    }
  },
  "version": 1.5e3
}
"""


class TestSpans:
    def test_member_key_and_value(self):
        index = scan_json(MANIFEST)
        assert index.key_span(("providers", "CONTOSO_MS", "dll")) == Span(4, 7, 4, 12)
        assert index.value_span(("providers", "CONTOSO_MS", "dll")) == Span(4, 14, 4, 27)

    def test_array_element_key_is_its_value(self):
        index = scan_json(MANIFEST)
        pointer = ("providers", "CONTOSO_MS", "flags", 1)
        assert index.value_span(pointer) == Span(5, 30, 5, 41)
        assert index.key_span(pointer) == Span(5, 30, 5, 41)

    def test_containers_span_bracket_to_bracket(self):
        index = scan_json(MANIFEST)
        assert index.value_span(("providers", "CONTOSO_MS", "flags")) == Span(5, 16, 5, 42)
        assert index.value_span(("providers", "CONTOSO_MS")) == Span(3, 19, 8, 6)
        assert index.value_span(("providers", "CONTOSO_MS", "empty")) == Span(6, 16, 6, 18)
        assert index.value_span(("providers", "CONTOSO_MS", "none")) == Span(7, 15, 7, 17)

    def test_root(self):
        index = scan_json(MANIFEST)
        assert index.value_span(()) == Span(1, 1, 11, 2)
        assert index.key_span(()) == Span(1, 1, 11, 2)
        assert scan_json("  42 ").value_span(()) == Span(1, 3, 1, 5)

    def test_number(self):
        index = scan_json(MANIFEST)
        assert index.value_span(("version",)) == Span(10, 14, 10, 19)

    def test_missing_pointers(self):
        index = scan_json(MANIFEST)
        assert index.key_span(("nope",)) is None
        assert index.value_span(("providers", "CONTOSO_MS", "flags", 2)) is None
        assert index.value_span(("providers", "CONTOSO_MS", "flags", -1)) is None
        # A key where an index is expected and the other way round.
        assert index.value_span(("providers", 0)) is None
        assert index.value_span(("providers", "CONTOSO_MS", "flags", "0")) is None
        # True == 1, but it is not an index.
        assert index.value_span(("providers", "CONTOSO_MS", "flags", True)) is None
        # Below a scalar.
        assert index.value_span(("version", "x")) is None

    def test_crlf_line_ends(self):
        text = '{\r\n  "a": [\r\n    1,\r\n    true\r\n  ]\r\n}\r\n'
        index = scan_json(text)
        assert index.key_span(("a",)) == Span(2, 3, 2, 6)
        assert index.value_span(("a",)) == Span(2, 8, 5, 4)
        assert index.value_span(("a", 1)) == Span(4, 5, 4, 9)

    def test_lone_cr_is_not_a_line_break(self):
        index = scan_json('{"a":\r1,\r"b": 2}')
        assert index.value_span(("a",)) == Span(1, 7, 1, 8)
        assert index.key_span(("b",)) == Span(1, 10, 1, 13)

    def test_columns_count_code_points(self):
        text = '{"\U0001F600é": "ü\U0001F600", "k": null}'
        index = scan_json(text)
        assert index.key_span(("\U0001F600é",)) == Span(1, 2, 1, 6)
        assert index.value_span(("\U0001F600é",)) == Span(1, 8, 1, 12)
        assert index.key_span(("k",)) == Span(1, 14, 1, 17)
        assert index.value_span(("k",)) == Span(1, 19, 1, 23)

    def test_keys_are_unescaped(self):
        text = r'{"\u0041\"\\\/\n": 1, "\ud83d\ude00": 2}'
        index = scan_json(text)
        assert index.key_span(('A"\\/\n',)) == Span(1, 2, 1, 18)
        assert index.value_span(("\U0001F600",)) == Span(1, 39, 1, 40)

    def test_multiline_value_end(self):
        text = '[\n  {\n    "x": 1\n  }\n]'
        index = scan_json(text)
        assert index.value_span((0,)) == Span(2, 3, 4, 4)
        assert index.value_span(()) == Span(1, 1, 5, 2)

    def test_locate_json(self):
        index = scan_json(MANIFEST)
        pointer = ("providers", "CONTOSO_MS", "dll")
        assert locate_json(index, pointer, "key") == index.key_span(pointer)
        assert locate_json(index, pointer, "value") == index.value_span(pointer)
        with pytest.raises(ValueError):
            locate_json(index, pointer, "middle")

    def test_source_map_integration(self):
        index = scan_json(MANIFEST)
        source = SourceMap("m.json", MANIFEST, index.locate)
        assert source.span(Loc(("providers", "CONTOSO_MS", "dll"))) == Span(4, 7, 4, 12)
        # A missing member falls back to its parent's key.
        assert source.span(Loc(("providers", "CONTOSO_MS", "uuid"), "value")) == Span(3, 5, 3, 17)
        # A piece of a value.
        piece = Loc(("providers", "CONTOSO_MS", "dll"), "value", offset=1, length=7)
        assert source.span(piece) == Span(4, 15, 4, 22)

    def test_index_type(self):
        assert isinstance(scan_json("[]"), JsonIndex)


class TestDuplicates:
    def test_repeated_key(self):
        text = '{"a": 1,\n "b": 2,\n "a": 3}'
        index = scan_json(text)
        assert index.duplicates == [(("a",), Span(1, 2, 1, 5), Span(3, 2, 3, 5))]
        # The pointer leads to the last member, the one json.loads keeps.
        assert index.value_span(("a",)) == Span(3, 7, 3, 8)
        assert index.key_span(("a",)) == Span(3, 2, 3, 5)

    def test_keys_compared_unescaped(self):
        index = scan_json(r'{"a": 1, "\u0061": 2}')
        assert index.duplicates == [(("a",), Span(1, 2, 1, 5), Span(1, 10, 1, 18))]

    def test_third_occurrence_still_names_the_first(self):
        index = scan_json('{"k": 1, "k": 2, "k": 3}')
        first = Span(1, 2, 1, 5)
        assert index.duplicates == [
            (("k",), first, Span(1, 10, 1, 13)),
            (("k",), first, Span(1, 18, 1, 21)),
        ]

    def test_nested_pointer(self):
        index = scan_json('[0, {"x": {"y": 1, "y": {"z": 1}}}]')
        assert index.duplicates == [((1, "x", "y"), Span(1, 12, 1, 15), Span(1, 20, 1, 23))]
        # The later value's members are the ones indexed.
        assert index.value_span((1, "x", "y", "z")) == Span(1, 31, 1, 32)

    def test_same_key_in_different_objects_is_fine(self):
        assert scan_json('[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]').duplicates == []


SYNTAX_ERRORS = [
    # (text, line, column, part of the message)
    ("", 1, 1, "empty input"),
    ("  \n\n", 1, 1, "empty input"),
    ("[1, 2,]", 1, 7, "trailing commas are not allowed"),
    ('{"a": 1,\n}', 2, 1, "trailing commas are not allowed"),
    ('{"a" 1}', 1, 6, "expected ':' after object key"),
    ('{"a": 1 "b": 2}', 1, 9, "expected ',' or '}' after object member"),
    ("[1 2]", 1, 4, "expected ',' or ']' after array element"),
    ('{"a": 1', 1, 8, "expected ',' or '}'"),
    ("[", 1, 2, "unexpected end of input"),
    ('{"a":}', 1, 6, "expected a JSON value, found '}'"),
    ("[,1]", 1, 2, "expected a JSON value, found ','"),
    ('{"a": "abc', 1, 7, "unterminated string"),
    ('{"a": "abc\n"}', 1, 11, "unterminated string"),
    ('"a\tb"', 1, 3, "control character U+0009"),
    ('"a\x01"', 1, 3, "control character U+0001"),
    (r'"C:\Windows"', 1, 5, "invalid escape '\\W'"),
    (r'"\x41"', 1, 3, "invalid escape '\\x'"),
    (r'"\u12G4"', 1, 6, "expected 4 hex digits"),
    (r'"\u12', 1, 1, "unterminated string"),
    ("01", 1, 2, "leading zeros"),
    ("[-00]", 1, 4, "leading zeros"),
    ("1.", 1, 3, "expected a digit after '.'"),
    ("1.e5", 1, 3, "expected a digit after '.'"),
    ("1e", 1, 3, "expected a digit in the exponent"),
    ("1e+x", 1, 4, "expected a digit in the exponent"),
    ("-", 1, 2, "expected a digit after '-'"),
    ("-a", 1, 2, "expected a digit after '-'"),
    ("+1", 1, 1, "cannot start with '+'"),
    (".5", 1, 1, "must start with a digit"),
    ("[NaN]", 1, 2, "NaN and Infinity"),
    ("[-Infinity]", 1, 2, "NaN and Infinity"),
    ("Infinity", 1, 1, "NaN and Infinity"),
    ("[True]", 1, 2, "lowercase: true"),
    ("None", 1, 1, "lowercase: null"),
    ("[tru]", 1, 5, "expected 'true'"),
    ("nul", 1, 4, "expected 'null'"),
    ("fals e", 1, 5, "expected 'false'"),
    ("{} x", 1, 4, "after the JSON value"),
    ("[1]\n]", 2, 1, "after the JSON value"),
    ('{"a": 1} {"b": 2}', 1, 10, "after the JSON value"),
    ("{'a': 1}", 1, 2, "double quotes"),
    ("{a: 1}", 1, 2, "must be quoted"),
    ("{1: 1}", 1, 2, "expected a string key"),
    ("['a']", 1, 2, "double quotes"),
    ("[1] // c", 1, 5, "after the JSON value"),
    ("// c\n[1]", 1, 1, "comments are not allowed"),
    ("\ufeff{}", 1, 1, "byte order mark"),
    ('{"a": 1,\r\n "b": 2,\r\n}', 3, 1, "trailing commas"),
    ('{"é\U0001F600": x}', 1, 8, "expected a JSON value, found 'x'"),
    ("[\x00]", 1, 2, "found U+0000"),
]


class TestSyntaxErrors:
    @pytest.mark.parametrize("text,line,column,message", SYNTAX_ERRORS)
    def test_position_and_message(self, text, line, column, message):
        with pytest.raises(JsonSyntaxError) as caught:
            scan_json(text)
        error = caught.value
        assert (error.line, error.column) == (line, column), error.message
        assert message in error.message
        assert str(error) == f"{line}:{column}: {error.message}"

    @pytest.mark.parametrize("text", [row[0] for row in SYNTAX_ERRORS if "NaN" not in row[3]])
    def test_json_loads_agrees_these_are_errors(self, text):
        # Keeps the table honest: apart from NaN/Infinity, which json.loads
        # accepts, every case must be invalid JSON for the standard library too.
        with pytest.raises(ValueError):
            json.loads(text)

    @pytest.mark.parametrize("text", [
        "0", "-0", "-0.0e-0", "1E+2", "123.456e789", '"\\u00e9\\/\\b\\f\\n\\r\\t"', "true", "false",
        "null", " \t\r\n[ ] ", "{ }", '{"":""}', '[[],[{}]]', '"\U0001F600"',
    ])
    def test_valid_edge_cases(self, text):
        assert scan_json(text).value_span(()) is not None


# Differential check of strictness: over text drawn from JSON's own
# characters, scan_json accepts exactly what json.loads accepts, except the
# NaN/Infinity extension of json.loads.
_JSONISH = st.text(
    alphabet=st.sampled_from(list('{}[],:"\\ \n\t0123456789-+.eEtrufalsnNI/u"a') + ["\x01", "é"]),
    max_size=12,
)


def _loads_strict(text: str) -> bool:
    try:
        json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    except ValueError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(_JSONISH | st.sampled_from(['{"a":1}', "[1,2]", '"x"', "-1.5e3", '{"a":[{}]}']))
def test_accepts_exactly_what_json_loads_accepts(text):
    try:
        scan_json(text)
        accepted = True
    except JsonSyntaxError as error:
        accepted = False
        assert 1 <= error.line and 1 <= error.column
    assert accepted == _loads_strict(text)


# Round trip: for every pointer in a dumped value, the text at the value span
# parses back to that value and the text at the key span to the key.
_keys = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from('"\\/\n\t\x00'),
    max_size=6,
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _keys
)
_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=25,
)


def _pointers(value, pointer=()):
    yield pointer, value
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _pointers(member, pointer + (key,))
    elif isinstance(value, list):
        for i, element in enumerate(value):
            yield from _pointers(element, pointer + (i,))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=_values,
    indent=st.sampled_from([None, 0, 1, 2, 4, "\t", " \r"]),
    separators=st.sampled_from([None, (",", ":"), (", ", ": "), (" ,\n", " :\r\n")]),
    ensure_ascii=st.booleans(),
)
def test_spans_reparse_to_the_values(value, indent, separators, ensure_ascii):
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=ensure_ascii)
    index = scan_json(text)
    assert index.duplicates == []
    for pointer, expected in _pointers(value):
        value_text = sliced(text, index.value_span(pointer))
        assert json.loads(value_text) == expected
        key_text = sliced(text, index.key_span(pointer))
        if pointer and isinstance(pointer[-1], str):
            assert json.loads(key_text) == pointer[-1]
        else:
            assert key_text == value_text


class TestDeepNesting:
    DEPTH = 100_000

    def test_deep_arrays(self):
        text = "[" * self.DEPTH + "]" * self.DEPTH
        started = time.perf_counter()
        index = scan_json(text)
        assert time.perf_counter() - started < 2.0
        assert index.value_span((0,) * (self.DEPTH - 1)) == Span(1, self.DEPTH, 1, self.DEPTH + 2)
        assert index.value_span((0,) * self.DEPTH) is None

    def test_deep_objects(self):
        text = '{"k":' * self.DEPTH + "1" + "}" * self.DEPTH
        started = time.perf_counter()
        index = scan_json(text)
        assert time.perf_counter() - started < 2.0
        column = 5 * self.DEPTH + 1
        assert index.value_span(("k",) * self.DEPTH) == Span(1, column, 1, column + 1)
        assert index.key_span(("k",) * self.DEPTH) == Span(1, column - 4, 1, column - 1)

    def test_deep_error(self):
        with pytest.raises(JsonSyntaxError) as caught:
            scan_json("[" * self.DEPTH + "}")
        assert (caught.value.line, caught.value.column) == (1, self.DEPTH + 1)

    def test_deep_duplicate(self):
        depth = 10_000
        text = '{"k":' * depth + '{"d": 1, "d": 2}' + "}" * depth
        (pointer, first, again), = scan_json(text).duplicates
        assert pointer == ("k",) * depth + ("d",)
        assert first.column == 5 * depth + 2 and again.column == 5 * depth + 10
