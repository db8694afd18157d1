"""Reporters: diagnostics out, one module per output format.

Each module has ``render(results, options) -> str``; ``FORMATS`` maps the
``--format`` names to modules, imported only when chosen.
"""

from __future__ import annotations

import sys

FORMATS = {"text": "text", "concise": "concise", "json": "json_format", "sarif": "sarif",
           "github": "github"}


def render(fmt: str, results: list, options: dict) -> str:
    name = f"{__name__}.{FORMATS[fmt]}"
    __import__(name)  # not importlib: one import fewer at start-up
    return sys.modules[name].render(results, options)


def counts(results: list) -> dict[str, int]:
    """Number of diagnostics per severity, over all results."""
    tally = {"error": 0, "warning": 0, "info": 0}
    for result in results:
        for diag in result.diagnostics:
            tally[diag.severity] = tally.get(diag.severity, 0) + 1
    return tally
