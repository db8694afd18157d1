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
