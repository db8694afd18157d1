"""The default output: ``path:line:col: CODE message``, the source line and a caret.

Colour only when asked (the CLI decides: a TTY and no ``NO_COLOR``).
"""

from __future__ import annotations

from . import counts

_COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m",
            "bold": "\033[1m", "dim": "\033[2m", "reset": "\033[0m"}


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{_COLOURS[style]}{text}{_COLOURS['reset']}" if colour else text


def _snippet(diag, lines: list[str], colour: bool) -> list[str]:
    if not (1 <= diag.line <= len(lines)):
        return []
    source = lines[diag.line - 1].expandtabs(1)
    width = len(str(diag.line))
    gutter = " " * width + " |"
    start = max(diag.column - 1, 0)
    if diag.end_line == diag.line and diag.end_column > diag.column:
        length = diag.end_column - diag.column
    else:
        length = max(len(source) - start, 1)
    caret = " " * start + "^" * max(length, 1)
    return [
        _paint(gutter, "dim", colour),
        _paint(f"{diag.line:>{width}} |", "dim", colour) + f" {source}",
        _paint(gutter, "dim", colour) + " " + _paint(caret, diag.severity, colour),
    ]


def format_diagnostic(diag, lines: list[str] | None, colour: bool = False) -> list[str]:
    label = diag.code if diag.severity == "error" else f"{diag.code} ({diag.severity})"
    head = (_paint(f"{diag.path}:{diag.line}:{diag.column}:", "bold", colour)
            + " " + _paint(label, diag.severity, colour) + " " + diag.message)
    out = [head]
    if lines is not None:
        out += _snippet(diag, lines, colour)
    pad = " " * (len(str(diag.line)) + 1)  # lines up with the gutter's '|'
    for path, line, column, note in diag.related:
        out.append(f"{pad}= note: {note} at {path}:{line}:{column}")
    if diag.help:
        out.append(f"{pad}= help: {diag.help}")
    return out


def summary(results: list) -> str:
    tally = counts(results)
    files = len(results)
    noun = "file" if files == 1 else "files"
    if not any(tally.values()):
        return f"All checks passed ({files} {noun})."
    parts = []
    for key, word in (("error", "error"), ("warning", "warning"), ("info", "note")):
        if tally[key]:
            parts.append(f"{tally[key]} {word}{'' if tally[key] == 1 else 's'}")
    return f"Found {', '.join(parts)} in {files} {noun}."


def render(results: list, options: dict) -> str:
    colour = options.get("colour", False)
    out: list[str] = []
    for result in results:
        lines = result.text.splitlines() if result.text is not None else None
        for diag in result.diagnostics:
            out.extend(format_diagnostic(diag, lines, colour))
            out.append("")
    if not options.get("quiet"):
        out.append(summary(results))
    return "\n".join(out) + "\n" if out else ""
