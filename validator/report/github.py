"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=mapisvc MS201::message``
(``::warning`` for warnings, ``::notice`` for information).  Data is escaped as
the Actions runner expects: ``%``, CR and LF in messages; also ``:`` and ``,``
in properties.
"""

from __future__ import annotations

import os

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: list, options: dict) -> str:
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    out = []
    for diag in diagnostics:
        path = os.path.normpath(diag.path) if diag.path != "-" else diag.path  # ./a.inf → a.inf
        props = [f"file={escape_property(path.replace(os.sep, '/'))}", f"line={diag.line}", f"col={diag.column}"]
        if diag.end_line >= diag.line:
            props += [f"endLine={diag.end_line}", f"endColumn={diag.end_column}"]
        props.append(f"title={escape_property(f'mapisvc {diag.code}')}")
        message = f"{diag.code} {diag.message}"
        if diag.help:
            message += f"\nhelp: {diag.help}"
        out.append(f"::{_LEVELS.get(diag.severity, 'error')} {','.join(props)}::{escape_data(message)}")
    return "\n".join(out) + "\n" if out else ""
