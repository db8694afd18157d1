"""``mapisvc rules`` (the table) and ``mapisvc explain CODE`` (one rule's documentation)."""

from __future__ import annotations

import difflib

from ..cli import UsageError

_WHERE = {"M": "manifest", "I": "MAPISVC.INF", "H": "header", "D": "DLL"}


def add_arguments(parser, name: str) -> None:
    if name == "explain":
        parser.add_argument("code", metavar="CODE", help="a rule code such as MS201")
    else:
        parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def run(args) -> int:
    from .. import rules

    registry = rules.load_all()
    if args.command == "explain":
        rule = registry.get(args.code.upper())
        if rule is None:
            close = difflib.get_close_matches(args.code.upper(), list(registry), n=1)
            hint = f"; did you mean {close[0]}?" if close else "; 'mapisvc rules' lists them"
            raise UsageError(f"unknown rule code '{args.code}'{hint}")
        print(explain(rule))
        return 0
    if args.format == "json":
        import json

        print(json.dumps([{"code": r.code, "severity": r.severity, "summary": r.summary,
                           "applies": [_WHERE[c] for c in r.applies]}
                          for r in registry.values()], indent=2))
    elif args.format == "markdown":
        print(markdown_table(registry.values()))
    else:
        for rule in registry.values():
            print(f"{rule.code}  {rule.severity:<7}  {rule.summary}")
    return 0


def explain(rule) -> str:
    where = ", ".join(_WHERE[c] for c in rule.applies)
    return f"{rule.code} ({rule.severity}): {rule.summary}\nApplies to: {where}\n\n{rule.explanation}\n"


def markdown_table(rules) -> str:
    lines = ["| code | severity | applies to | summary |", "|---|---|---|---|"]
    for rule in rules:
        where = ", ".join(_WHERE[c] for c in rule.applies)
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| {rule.code} | {rule.severity} | {where} | {summary} |")
    return "\n".join(lines)
