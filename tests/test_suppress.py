"""Inline suppressions: `mapisvc: ignore[...]`, `ignore-file[...]`, MS007 and --report-unused-ignores."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.suppress import find_directives

from ._inputs import DUPLICATE_KEY, HASH_COMMENT, SOUND_INF, STORE_TOML, inf_with
from ._inputs import toml_with as faulty
from .conftest import FIXTURES, run_cli

HEADER = "[services.CONTOSO_STORE]\n"


def check(path: Path, *args: str):
    result = run_cli("check", "--format", "json", str(path), *args)
    assert result.code in (0, 1), result.err
    return [(f["code"], f["line"], f["column"]) for f in result.json()["findings"]]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- TOML -----------------------------------------------------------------------------

def test_toml_directive_on_the_line_of_the_finding(tmp_path):
    assert check(write(tmp_path, "a.toml", faulty('colour = "blue"'))) == [("MS104", 6, 1)]
    path = write(tmp_path, "b.toml", faulty('colour = "blue"  # mapisvc: ignore[MS104]'))
    assert check(path) == []
    assert check(path, "--report-unused-ignores") == []


def test_toml_directive_for_another_code_does_not_hide(tmp_path):
    path = write(tmp_path, "a.toml", faulty('colour = "blue"  # mapisvc: ignore[MS102]'))
    assert check(path) == [("MS104", 6, 1)]
    # ...and with --report-unused-ignores the stale code is reported where it is written.
    column = faulty('colour = "blue"  # mapisvc: ignore[MS102]').splitlines()[5].index("MS102") + 1
    assert check(path, "--report-unused-ignores") == [("MS104", 6, 1), ("MS007", 6, column)]


def test_toml_several_codes_in_one_directive(tmp_path):
    path = write(tmp_path, "a.toml", faulty('colour = "blue"  # mapisvc: ignore[MS102, ms104]'))
    assert check(path) == []
    assert [c for c, *_ in check(path, "--report-unused-ignores")] == ["MS007"]


def test_toml_directive_inside_a_string_is_not_a_comment(tmp_path):
    path = write(tmp_path, "a.toml", faulty('colour = "blue # mapisvc: ignore[MS104]"'))
    assert check(path) == [("MS104", 6, 1)]
    literal = write(tmp_path, "b.toml", faulty("colour = 'a\"b # mapisvc: ignore[MS104]'"))
    assert check(literal) == [("MS104", 6, 1)]


def test_toml_directive_on_another_line_does_not_apply(tmp_path):
    text = STORE_TOML.replace(HEADER, HEADER + "# mapisvc: ignore[MS104]\ncolour = 1\n", 1)
    assert [c for c, *_ in check(write(tmp_path, "a.toml", text))] == ["MS104"]


def test_ignore_file_anywhere(tmp_path):
    text = faulty('colour = "blue"') + "\n# mapisvc: ignore-file[MS104]\n"
    path = write(tmp_path, "a.toml", text)
    assert check(path) == []
    assert check(path, "--report-unused-ignores") == []
    clean = write(tmp_path, "b.toml", STORE_TOML + "# mapisvc: ignore-file[MS104]\n")
    assert [c for c, *_ in check(clean, "--report-unused-ignores")] == ["MS007"]


def test_unknown_and_missing_codes_are_always_reported(tmp_path):
    path = write(tmp_path, "a.toml", faulty('colour = "blue"  # mapisvc: ignore[MS104, MS999]'))
    found = check(path)
    assert [c for c, *_ in found] == ["MS007"]
    result = run_cli("check", str(path))
    assert "unknown rule code 'MS999'" in result.out
    blanket = write(tmp_path, "b.toml", faulty('colour = "blue"  # mapisvc: ignore'))
    assert [c for c, *_ in check(blanket)] == ["MS104", "MS007"]
    assert "needs the codes" in run_cli("check", str(blanket)).out


def test_configuration_can_turn_ms007_off(tmp_path):
    path = write(tmp_path, "a.toml", faulty('colour = "blue"  # mapisvc: ignore[MS104, MS999]'))
    assert [c for c, *_ in check(path, "--report-unused-ignores")] == ["MS007"]
    write(tmp_path, "mapisvc.toml", 'ignore = ["MS007"]\n')
    assert check(path, "--report-unused-ignores") == []
    # Directives apply before the selection: one for a finding the configuration
    # also ignores is used, not stale.
    write(tmp_path, "mapisvc.toml", 'ignore = ["MS104"]\n')
    assert [c for c, *_ in check(path, "--report-unused-ignores")] == ["MS007"]


def test_json_has_no_directives(tmp_path):
    assert find_directives('{"a": "# mapisvc: ignore[MS104]"}', "json") == []


# --- MAPISVC.INF ------------------------------------------------------------------------

def test_inf_directive_is_the_comment_line_above(tmp_path):
    assert check(write(tmp_path, "a.inf", inf_with(DUPLICATE_KEY))) == [("MS002", 20, 1)]
    text = inf_with("; mapisvc: ignore[MS002]", DUPLICATE_KEY)
    assert check(write(tmp_path, "b.inf", text)) == []
    # A block of comments above the entry; '#' comments too.
    text = inf_with("# mapisvc: ignore[MS002]", "; why: an old installer reads it", DUPLICATE_KEY)
    assert check(write(tmp_path, "c.inf", text), "--report-unused-ignores") == []


def test_inf_blank_line_breaks_the_link(tmp_path):
    text = inf_with("; mapisvc: ignore[MS002]", "", DUPLICATE_KEY)
    found = check(write(tmp_path, "a.inf", text), "--report-unused-ignores")
    assert found == [("MS007", 20, 19), ("MS002", 22, 1)]


def test_inf_trailing_text_on_an_entry_is_its_value_not_a_directive(tmp_path):
    text = inf_with(DUPLICATE_KEY + " ; mapisvc: ignore[MS002]")
    assert [c for c, *_ in check(write(tmp_path, "a.inf", text))] == ["MS002"]


def test_inf_section_header_may_carry_the_directive(tmp_path):
    second = SOUND_INF + "\n[contoso_store_ms] ; mapisvc: ignore[MS003]\nPR_DISPLAY_NAME=Old\n"
    assert check(write(tmp_path, "a.inf", second), "--report-unused-ignores") == []
    bare = second.replace(" ; mapisvc: ignore[MS003]", "")
    assert [c for c, *_ in check(write(tmp_path, "b.inf", bare))] == ["MS003"]


def test_inf_finding_on_a_comment_line(tmp_path):
    # MS006 is reported on a '#' comment line: a directive above it, or on it, applies.
    assert [c for c, *_ in check(write(tmp_path, "x.inf", inf_with(HASH_COMMENT)))] == ["MS006"]
    above = inf_with("; mapisvc: ignore[MS006]", HASH_COMMENT)
    assert check(write(tmp_path, "a.inf", above), "--report-unused-ignores") == []
    same = inf_with(HASH_COMMENT + " mapisvc: ignore[MS006]")
    assert check(write(tmp_path, "b.inf", same), "--report-unused-ignores") == []


def test_inf_ignore_file(tmp_path):
    text = inf_with(DUPLICATE_KEY) + "; mapisvc: ignore-file[MS002]\n"
    assert check(write(tmp_path, "a.inf", text), "--report-unused-ignores") == []


# --- the scanner ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,lines", [
    ('a = 1 # mapisvc: ignore[MS101]\n', [1]),
    ('a = "x\\" # mapisvc: ignore[MS101]"\n', []),
    ('a = """\n# mapisvc: ignore[MS101]\n"""  # mapisvc: ignore[MS102]\n', [3]),
    ("a = '''\n# mapisvc: ignore[MS101]\n'''\n", []),
    ('a = "\\\\" # mapisvc: ignore[MS101]\n', [1]),
    ('# just a comment\n[t] # mapisvc: ignore[MS101]\n', [2]),
])
def test_toml_comment_scanner(text, lines):
    assert [d.line for d in find_directives(text, "toml")] == lines


def test_header_directives_in_c_comments():
    text = ("#define PR_A PROP_TAG(PT_LONG, 0x6600) // mapisvc: ignore[MS313]\n"
            "#define PR_B PROP_TAG(PT_LONG, 0x6601) /* mapisvc: ignore[MS313, MS409] */\n")
    found = find_directives(text, "header")
    assert [(d.line, [c for c, _ in d.codes]) for d in found] == [(1, ["MS313"]),
                                                                  (2, ["MS313", "MS409"])]
    assert found[0].codes[0][1] == text.splitlines()[0].index("MS313") + 1


# --- the library ---------------------------------------------------------------------------

def test_library_honours_directives_unless_told_not_to(tmp_path):
    from validator.engine import lint_path

    path = write(tmp_path, "a.toml", faulty('colour = "blue"  # mapisvc: ignore[MS104]'))
    assert lint_path(path).diagnostics == []
    assert [d.code for d in lint_path(path, suppressions=False).diagnostics] == ["MS104"]
    unknown = write(tmp_path, "b.toml", STORE_TOML + "# mapisvc: ignore-file[MS999]\n")
    assert [d.code for d in lint_path(unknown).diagnostics] == ["MS007"]


def test_ms007_fixtures():
    bad = FIXTURES / "bad"
    assert check(bad / "MS007-unknown-code.toml") == [("MS007", 6, 45)]
    assert check(bad / "MS007-unknown-code.inf") == [("MS007", 17, 19)]
    for near in sorted((FIXTURES / "near").glob("MS007-*")):
        assert check(near, "--report-unused-ignores") == [], near.name
        # Each near miss really suppresses something.
        assert run_cli("check", "--format", "json", str(near)).json()["findings"] == []
        from validator.engine import lint_path

        assert lint_path(near, suppressions=False).diagnostics, near.name


def test_a_prefix_is_not_a_code_in_a_directive(tmp_path):
    path = write(tmp_path, "a.toml", faulty('colour = "blue"  # mapisvc: ignore[MS1]'))
    result = run_cli("check", "--format", "json", str(path)).json()["findings"]
    assert [f["code"] for f in result] == ["MS104", "MS007"]
    assert "whole rule codes, not the prefix 'MS1'" in result[1]["message"]
