"""``--format concise``: one line per finding, ``path:line:col: CODE message``.

The shape editors' problem matchers and ``grep`` expect; warnings and notes say
so after the code, as in the text format.
"""

from __future__ import annotations

from .text import _paint, summary


def render(results: list, options: dict) -> str:
    colour = options.get("colour", False)
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key())
    out = []
    for diag in diagnostics:
        label = diag.code if diag.severity == "error" else f"{diag.code} ({diag.severity})"
        out.append(_paint(f"{diag.path}:{diag.line}:{diag.column}:", "bold", colour)
                   + " " + _paint(label, diag.severity, colour) + " " + diag.message)
    if not options.get("quiet"):
        out.append(summary(results))
    return "\n".join(out) + "\n" if out else ""
