"""The README cannot drift from the code: rules table, formats, configuration keys, hooks."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def test_rules_table_is_fresh():
    table = README.split(START, 1)[1].split(END, 1)[0].strip()
    result = run_cli("rules", "--format", "markdown")
    assert result.code == 0
    assert table == result.out.strip(), (
        "README.md's rules table is stale: run `python scripts/readme_rules.py`")


def test_refresh_script_agrees_with_the_test():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "readme_rules.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_rule_code_is_in_the_table():
    from validator import rules

    table = README.split(START, 1)[1].split(END, 1)[0]
    assert set(re.findall(r"^\| (MS\d{3}) \|", table, re.M)) == set(rules.load_all())


def test_quick_start_is_kept():
    assert "## Quick start" in README
    assert "make demo" in README and "make test" in README


def test_formats_keys_and_hooks_are_documented():
    from validator import config
    from validator.commands.check import FORMAT_CHOICES

    for fmt in FORMAT_CHOICES:
        assert f"`{fmt}`" in README, fmt
    for key in config.KEYS:
        assert re.search(rf"\b{re.escape(key)}\b", README), key
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    for hook in re.findall(r"^- id: (\S+)", hooks, re.M):
        assert f"id: {hook}" in README, hook
    for heading in ("## Usage", "## Configuration", "## Suppressions", "## Output formats",
                    "### The JSON contract", "## Editors", "## pre-commit", "## Rules"):
        assert heading in README, heading


def test_every_command_has_a_usage_section():
    from validator.cli import COMMANDS

    for name in COMMANDS:
        assert re.search(rf"^### .*`mapisvc {name}\b", README, re.M), name
