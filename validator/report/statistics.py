"""``--statistics``: how many findings per code, instead of the findings.

Text (and concise): one row per code, most frequent first —
``count  code  severity  summary``.  With ``--format json``:
``{"version": 1, "statistics": [{"code", "count", "severity", "summary"}], "summary": {...}}``.
"""

from __future__ import annotations

import json
from collections import Counter

from . import counts


def rows(results: list) -> list[dict]:
    from .. import rules

    registry = rules.load_all()
    tally: Counter = Counter()
    severity: dict[str, str] = {}
    for result in results:
        for diag in result.diagnostics:
            tally[diag.code] += 1
            # after `severity` overrides; the worst wins when files disagree
            if severity.get(diag.code) != "error":
                severity[diag.code] = diag.severity
    out = []
    for code, count in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = registry.get(code)
        out.append({"code": code, "count": count, "severity": severity[code],
                    "summary": rule.summary if rule else ""})
    return out


def render(results: list, options: dict) -> str:
    table = rows(results)
    if options.get("format") == "json":
        tally = counts(results)
        return json.dumps({"version": 1, "statistics": table,
                           "summary": {"files": len(results), "findings": sum(r["count"] for r in table),
                                       "errors": tally["error"], "warnings": tally["warning"],
                                       "info": tally["info"]}}, indent=2, ensure_ascii=False) + "\n"
    if not table:
        return "" if options.get("quiet") else "No findings.\n"
    width = max(len(str(r["count"])) for r in table)
    lines = [f"{r['count']:>{width}}  {r['code']}  {r['severity']:<7}  {r['summary']}" for r in table]
    return "\n".join(lines) + "\n"
