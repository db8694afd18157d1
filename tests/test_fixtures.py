"""Every fixture gives exactly the codes its file name states.

fixtures/valid/*: no finding at all.  fixtures/bad/CODE[+CODE]-what.ext: exactly
those codes.  fixtures/near/CODE[+CODE]-what.ext: near misses — none of the
named codes (and, being sound files, no error at all).
"""

from __future__ import annotations

import re

import pytest

from validator.engine import lint_path

from .conftest import FIXTURES

_CODES = re.compile(r"^((?:MS\d{3})(?:\+MS\d{3})*)-")


def _named_codes(path) -> set[str]:
    match = _CODES.match(path.name)
    assert match, f"fixture {path.name} does not start with its codes"
    return set(match.group(1).split("+"))


def _files(folder: str):
    return sorted(p for p in (FIXTURES / folder).iterdir() if p.is_file())


@pytest.mark.parametrize("path", _files("valid"), ids=lambda p: p.name)
def test_valid_fixture_has_no_finding(path):
    result = lint_path(path)
    assert [(d.code, d.line, d.column, d.message) for d in result.diagnostics] == []


@pytest.mark.parametrize("path", _files("bad"), ids=lambda p: p.name)
def test_bad_fixture_gives_exactly_its_codes(path):
    result = lint_path(path)
    found = {d.code for d in result.diagnostics}
    assert found == _named_codes(path), [
        (d.code, d.line, d.column, d.message) for d in result.diagnostics]


@pytest.mark.parametrize("path", _files("near"), ids=lambda p: p.name)
def test_near_miss_fixture_does_not_trigger(path):
    result = lint_path(path)
    found = {d.code for d in result.diagnostics}
    assert not found & _named_codes(path)
    assert not [d for d in result.diagnostics if d.severity == "error"], [
        (d.code, d.line, d.column, d.message) for d in result.diagnostics]


# Reviewed by hand: each position is the key (or value) at fault in the fixture.
POSITIONS = {
    "MS001-continuation-line.inf": [("MS001", 9, 1)],
    "MS001-trailing-comma.json": [("MS001", 7, 5)],
    "MS001-unterminated-string.toml": [("MS001", 4, 29)],
    "MS002-duplicate-key.json": [("MS002", 8, 7)],
    "MS002-tag-name-and-hex.inf": [("MS002", 15, 1)],
    "MS003-names-equal-ignoring-case.toml": [("MS003", 13, 1)],
    "MS003-section-twice.inf": [("MS003", 15, 1)],
    "MS004-latin1.toml": [("MS004", 2, 6)],
    "MS004-undefined-cp1252-byte.inf": [("MS004", 2, 22)],
    "MS006-hash-comment-with-equals.inf": [("MS006", 7, 1)],
    "MS101-provider-without-dll.toml": [("MS101", 8, 1)],
    "MS102-providers-not-a-list.toml": [("MS102", 6, 13)],
    "MS103-id-string-form.json": [("MS103", 5, 13)],
    "MS104-misspelt-member.toml": [("MS104", 11, 1)],
    "MS105-empty-dll.toml": [("MS105", 10, 7)],
    "MS106-missing-version.json": [("MS106", 1, 1)],
    "MS106-version-2.toml": [("MS106", 1, 20)],
}


@pytest.mark.parametrize("name", sorted(POSITIONS))
def test_fixture_positions(name, cli):
    result = cli("check", "--format", "json", FIXTURES / "bad" / name)
    assert result.code == (0 if name.startswith("MS006") else 1)  # MS006 is a warning
    found = [(f["code"], f["line"], f["column"]) for f in result.json()["findings"]]
    assert found == POSITIONS[name]
