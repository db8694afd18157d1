"""MS005 limits and MS004 undecodable input: refused cleanly, at a useful position."""

from __future__ import annotations

import pytest

from validator import engine
from validator.limits import estimated_depth, too_deep

from .conftest import FIXTURES, SHARED, need

VALID_TOML = (FIXTURES / "valid" / "multi.toml").read_bytes()
VALID_JSON = (FIXTURES / "valid" / "multi.json").read_bytes()


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


def only(result, code: str):
    assert codes(result) == [code], [(d.code, d.message) for d in result.diagnostics]
    return result.diagnostics[0]


# -- nesting depth ----------------------------------------------------------------


def test_json_array_nested_100000_deep_is_ms005_at_the_first_bracket_too_deep():
    data = b"[" * 100_000 + b"]" * 100_000
    found = only(engine.lint_bytes(data, "deep.json"), "MS005")
    assert (found.line, found.column) == (1, 65)  # bracket 65: one past max-depth 64
    assert "max-depth" in found.message


def test_unclosed_deep_json_inside_a_manifest():
    data = b'{"manifest_version": 1,\n "services": ' + b"[" * 100_000
    found = only(engine.lint_bytes(data, "deep.json"), "MS005")
    assert found.line == 2


@pytest.mark.parametrize("value", [
    b"[" * 100_000 + b"]" * 100_000,
    b"{a = " * 100_000 + b"1" + b"}" * 100_000,
])
def test_toml_nested_arrays_and_inline_tables(value):
    data = b"manifest_version = 1\nx = " + value + b"\n"
    found = only(engine.lint_bytes(data, "deep.toml"), "MS005")
    assert found.line == 2


@pytest.mark.parametrize("line", [
    b"[" + b".".join([b"a"] * 100_000) + b"]",
    b" . ".join([b"a"] * 100_000) + b" = 1",
])
def test_toml_dotted_keys_nest_too(line):
    found = only(engine.lint_bytes(b"manifest_version = 1\n" + line + b"\n", "deep.toml"), "MS005")
    assert (found.line, found.column) == (2, 1)


def test_depth_at_the_limit_is_accepted_and_one_more_is_not():
    # The document itself is level 1, "x" opens levels 2 ... depth.
    def doc(depth: int) -> bytes:
        inner = depth - 1
        return b'{"manifest_version": 1, "x": ' + b"[" * inner + b"]" * inner + b"}"

    assert "MS005" not in codes(engine.lint_bytes(doc(64), "m.json"))
    assert "MS005" in codes(engine.lint_bytes(doc(65), "m.json"))


def test_brackets_inside_strings_and_comments_do_not_count():
    many = "[" * 200 + "{" * 200
    toml = f'manifest_version = 1\n# {many}\n[sections.A]\nuid = "{many}"\n'.encode()
    assert "MS005" not in codes(engine.lint_bytes(toml, "m.toml"))
    json_ = ('{"manifest_version": 1, "sections": {"A": {"uid": "' + many + '\\" ' + many
             + '"}}}').encode()
    assert "MS005" not in codes(engine.lint_bytes(json_, "m.json"))


def test_estimate_is_exact_on_clean_input_and_stops_early():
    assert estimated_depth(b'{"a": [[1], {"b": []}]}', 64) == 4
    assert estimated_depth(b"[" * 10_000, 64) == 65
    assert too_deep(VALID_TOML, "toml", 64) is None
    assert too_deep(VALID_JSON, "json", 64) is None


@pytest.mark.parametrize("name, data, limit", [
    # Depth is syntax nesting: JSON objects and arrays; TOML arrays and inline
    # tables (multi.toml has `settings = { X = [...] }`) and dotted-key parts.
    ("multi.toml", VALID_TOML, 1),
    ("multi.json", VALID_JSON, 3),
])
def test_max_depth_is_configurable(name, data, limit):
    assert codes(engine.lint_bytes(data, name)) == []
    found = only(engine.lint_bytes(data, name, limits={"max-depth": limit}), "MS005")
    assert f"deeper than {limit} level" in found.message


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_a_raised_max_depth_still_never_crashes(fmt):
    # With the pre-scan out of the way, the parser's or the schema engine's own
    # recursion limits are reached: still one MS005, not an exception.
    value = b"[" * 5000 + b"]" * 5000
    data = (b'{"manifest_version": 1, "x": ' + value + b"}" if fmt == "json"
            else b"manifest_version = 1\nx = " + value + b"\n")
    result = engine.lint_bytes(data, f"deep.{fmt}", limits={"max-depth": 1_000_000})
    assert "MS005" in codes(result)


# -- number of entries ------------------------------------------------------------


@pytest.mark.parametrize("name, data", [("multi.toml", VALID_TOML), ("multi.json", VALID_JSON)])
def test_max_entries_reports_the_first_entry_past_the_limit(name, data):
    found = only(engine.lint_bytes(data, name, limits={"max-entries": 3}), "MS005")
    assert "more than 3 entries" in found.message
    # Breadth-first: the fourth top-level key, at its line.
    fourth = list(engine.lint_bytes(data, name).catalogue.data)[3]
    assert found.pointer == f"/{fourth}"
    line = data.decode().splitlines()[found.line - 1]
    assert fourth in line


def test_max_entries_counts_exactly_above_the_cheap_bound():
    # Many '=' in strings make the cheap bound fire; the exact count says no.
    data = b'manifest_version = 1\n[sections.A]\nuid = "' + b"=" * 500 + b'"\n'
    assert "MS005" not in codes(engine.lint_bytes(data, "m.toml", limits={"max-entries": 10}))


def test_max_entries_in_mapisvc_inf(shared):
    path = shared / "corpus" / "inf" / "mfcmapi-pst.inf"
    data = path.read_bytes()
    assert "MS005" not in codes(engine.lint_bytes(data, str(path)))
    found = only(engine.lint_bytes(data, str(path), limits={"max-entries": 3}), "MS005")
    lines = data.decode("latin-1").splitlines()
    entries = [n for n, text in enumerate(lines, 1)
               if "=" in text and not text.lstrip().startswith((";", "[", "#"))]
    assert found.line == entries[3]


def test_file_size_limit():
    found = only(engine.lint_bytes(VALID_TOML, "m.toml", limits={"max-file-size": 100}), "MS005")
    assert (found.line, found.column) == (1, 1)
    assert "max-file-size" in found.message


def test_default_limits_are_generous():
    assert engine.DEFAULT_LIMITS["max-depth"] >= 32
    assert engine.DEFAULT_LIMITS["max-entries"] >= 500_000  # a 50,000-property manifest fits
    assert engine.DEFAULT_LIMITS["max-file-size"] >= 8 * 1024 * 1024


# -- binary files and encodings ---------------------------------------------------


@pytest.mark.parametrize("name", ["x.toml", "x.json"])
def test_binary_manifest_is_ms004(name):
    found = only(engine.lint_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20, name), "MS004")
    assert "binary" in found.message


def test_invalid_utf8_in_a_manifest_points_at_the_byte():
    data = b'manifest_version = 1\n[sections.A]\nuid = "caf\xe9"\n'
    found = only(engine.lint_bytes(data, "m.toml"), "MS004")
    assert (found.line, found.column) == (3, 11)


def test_undecodable_inf_is_ms004():
    found = only(engine.lint_bytes(b"[Services]\nA=\x81\n", "x.inf"), "MS004")
    assert found.line == 2


def test_cli_reports_limits_without_traceback(cli, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(bytes(range(256)) * 4)
    result = cli("check", deep, binary)
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    assert f"{deep}:1:65: MS005" in result.out
    assert f"{binary}:1:1: MS004" in result.out


def test_shared_is_where_conftest_says(shared):
    need(SHARED.is_dir(), "../shared")
    assert shared == SHARED
