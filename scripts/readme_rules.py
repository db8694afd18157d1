#!/usr/bin/env python3
"""Regenerate the rules table in README.md from the rule registry.

    python scripts/readme_rules.py          # rewrite the table in place
    python scripts/readme_rules.py --check  # exit 1 if the table is stale

The table is what ``mapisvc rules --format markdown`` prints, between the
``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->`` markers.
tests/test_readme.py fails when it is stale, so run this after adding a rule.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def table() -> str:
    sys.path.insert(0, str(ROOT))
    from validator import rules
    from validator.commands.rules import markdown_table

    return markdown_table(rules.load_all().values())


def with_table(text: str, fresh: str) -> str:
    head, found, rest = text.partition(START)
    _old, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise SystemExit(f"{README}: the markers {START} / {END} are missing")
    return f"{head}{START}\n{fresh}\n{END}{tail}"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    updated = with_table(text, table())
    if "--check" in argv:
        if updated != text:
            print("README.md: the rules table is stale; run python scripts/readme_rules.py",
                  file=sys.stderr)
            return 1
        return 0
    if updated != text:
        README.write_text(updated, encoding="utf-8")
        print("README.md: rules table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
