"""The registry and the product's rule catalogue (../shared/spec/rules.md) agree."""

from __future__ import annotations

import re

from validator import rules

# Codes mapisvc added after the catalogue was written (new rules take new codes).
ADDED = {"MS007": "inline suppression comments that name unknown codes or suppress nothing"}


def _catalogue(shared) -> dict[str, tuple[str, str]]:
    text = (shared / "spec" / "rules.md").read_text(encoding="utf-8")
    found = {}
    for match in re.finditer(r"^\| (MS\d{3}) \| ([EWI]) \|", text, re.MULTILINE):
        found[match.group(1)] = match.group(2)
    return found


def test_every_catalogue_code_is_registered_with_its_severity(shared):
    registry = rules.load_all()
    letters = {"error": "E", "warning": "W", "info": "I"}
    for code, letter in _catalogue(shared).items():
        assert code in registry, f"{code} has no rule"
        assert letters[registry[code].severity] == letter, code


def test_no_code_outside_the_catalogue_but_the_documented_additions(shared):
    assert set(rules.load_all()) - set(_catalogue(shared)) == set(ADDED)


def test_every_rule_explains_itself_with_an_example_and_a_fix(cli):
    for code, rule in rules.load_all().items():
        text = rule.explanation
        assert "## What it catches" in text, code
        assert "## Example" in text, code
        assert "## Fix" in text, code
        assert "## Why" in text, code
        result = cli("explain", code)
        assert result.code == 0 and rule.summary in result.out
