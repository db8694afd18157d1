"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` lists every rule of the registry with its
summary (``shortDescription``), what it catches (``fullDescription``), its full
explanation (``help``, text and Markdown) and default level.  Each result has a
region with start and end line and column; columns count Unicode code points
(``run.columnKind``), end columns are exclusive, as SARIF specifies.  Relative
paths are relative to ``%SRCROOT%``, the directory mapisvc ran in.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/mapisvc/"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_SECTION = re.compile(r"^## What it catches\s*\n(.*?)(?=\n## |\Z)", re.S | re.M)


def _uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId) for a finding's path."""
    if os.path.isabs(path):
        return Path(path).as_uri(), None
    return quote(Path(os.path.normpath(path)).as_posix()), "%SRCROOT%"  # ./a.inf → a.inf


def _location(path: str, line: int, column: int, end_line: int, end_column: int) -> dict:
    uri, base = _uri(path)
    artifact = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base
    end_line = max(end_line, line)
    end_column = end_column if (end_line > line or end_column > column) else column + 1
    return {"physicalLocation": {
        "artifactLocation": artifact,
        "region": {"startLine": max(line, 1), "startColumn": max(column, 1),
                   "endLine": max(end_line, 1), "endColumn": max(end_column, 1)},
    }}


def _describe(rule) -> dict:
    caught = _SECTION.search(rule.explanation or "")
    full = " ".join(caught.group(1).split()) if caught else rule.summary
    return {
        "id": rule.code,
        "name": rule.code,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": rule.explanation or rule.summary,
                 "markdown": rule.explanation or rule.summary},
        "defaultConfiguration": {"level": _LEVELS.get(rule.severity, "error")},
        "properties": {"tags": [{"M": "manifest", "I": "MAPISVC.INF", "H": "header",
                                 "D": "DLL"}[c] for c in rule.applies if c in "MIHD"]},
    }


def _version() -> str:
    from ..cli import _version

    return _version()


def render(results: list, options: dict) -> str:
    from .. import rules

    registry = rules.load_all()
    descriptors = [_describe(rule) for rule in registry.values()]
    index = {rule.code: i for i, rule in enumerate(registry.values())}
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    sarif_results = []
    for diag in diagnostics:
        result = {
            "ruleId": diag.code,
            "level": _LEVELS.get(diag.severity, "error"),
            "message": {"text": diag.message + (f"\nhelp: {diag.help}" if diag.help else "")},
            "locations": [_location(diag.path, diag.line, diag.column, diag.end_line,
                                    diag.end_column)],
        }
        if diag.code in index:
            result["ruleIndex"] = index[diag.code]
        if diag.pointer:
            result["properties"] = {"pointer": diag.pointer}
        if diag.related:
            result["relatedLocations"] = [
                {"id": i, "message": {"text": note}, **_location(path, line, column, line, column + 1)}
                for i, (path, line, column, note) in enumerate(diag.related)]
        sarif_results.append(result)
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "mapisvc", "version": _version(),
                                "informationUri": INFORMATION_URI, "rules": descriptors}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
