"""``--format json``: the stable contract other tools build on (see README).

``{"version": 1, "findings": [...], "summary": {...}}``; findings sorted by
path, line, column, code.
"""

from __future__ import annotations

import json

from . import counts


def render(results: list, options: dict) -> str:
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    tally = counts(results)
    document = {
        "version": 1,
        "findings": [d.as_dict() for d in diagnostics],
        "summary": {"files": len(results), "findings": len(diagnostics),
                    "errors": tally["error"], "warnings": tally["warning"], "info": tally["info"]},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
