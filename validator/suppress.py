"""Inline suppressions: ``# mapisvc: ignore[MS313]`` and ``# mapisvc: ignore-file[MS209]``.

Where a directive applies:

* **TOML** — a ``#`` comment *on the line of the finding* (``key = value  # mapisvc:
  ignore[MS313]``); ``#`` inside strings is not a comment.  ``ignore-file`` may
  be in any comment.
* **MAPISVC.INF** — comments are whole lines starting with ``;`` or ``#``.  INF
  entries cannot carry a trailing comment: in ``key=value ; note`` the Windows
  INI reader keeps `` ; note`` as part of the value.  So for INF "the line of the
  finding" is the block of comment lines *directly above* it (no blank line in
  between), and also the comment's own line (for findings on comment lines and on
  section headers, which may end in a ``;`` comment).
* **C headers** — a ``//`` or ``/* */`` comment on the line of the finding.
* **JSON** has no comments: use ``per-file-ignores`` in the configuration.

Several codes go in one directive: ``ignore[MS313, MS409]``.  A directive that
names an unknown code, or no code, is reported as MS007 always; one that
suppresses nothing is reported as MS007 with ``--report-unused-ignores``.
"""

from __future__ import annotations

import re

from .model import Record

UNUSED_CODE = "MS007"
_MARK = "mapisvc:"
_DIRECTIVE = re.compile(r"mapisvc:\s*(?P<kind>ignore-file|ignore)\b\s*(?:\[(?P<codes>[^\]]*)\])?")
_CODE = re.compile(r"[^,\s]+")


class Directive(Record):
    """One ``mapisvc: ignore[...]`` comment and the lines it covers."""

    __slots__ = ("line", "column", "end_column", "whole_file", "codes", "targets", "used")

    def __init__(self, line: int, column: int, end_column: int, whole_file: bool,
                 codes: list[tuple[str, int]], targets: set[int] | None = None,
                 used: set[str] | None = None):
        self.line = line  # 1-based line of the comment
        self.column = column  # 1-based column of "mapisvc:"
        self.end_column = end_column
        self.whole_file = whole_file
        self.codes = codes  # (code as written, 1-based column)
        self.targets = set() if targets is None else targets
        self.used = set() if used is None else used


def _toml_comments(text: str):
    """(line number, column of '#', comment text) for each TOML comment."""
    in_multiline: str | None = None  # '"""' or "'''" while inside one
    for number, line in enumerate(text.splitlines(), 1):
        i, n = 0, len(line)
        while i < n:
            if in_multiline:
                end = line.find(in_multiline, i)
                while end > 0 and in_multiline == '"""' and _escaped(line, end):
                    end = line.find(in_multiline, end + 1)
                if end < 0:
                    break
                i = end + 3
                while i < n and line[i] == in_multiline[0]:  # """a"""" ends on the last quotes
                    i += 1
                in_multiline = None
                continue
            char = line[i]
            if char == "#":
                yield number, i + 1, line[i:]
                break
            if char in "\"'":
                if line.startswith(char * 3, i):
                    in_multiline = char * 3
                    i += 3
                    continue
                end = i + 1
                while end < n and line[end] != char:
                    end += 2 if char == '"' and line[end] == "\\" else 1
                i = end + 1
                continue
            i += 1


def _escaped(line: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and line[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _parse(comment: str, number: int, column: int, targets: set[int]) -> Directive | None:
    match = _DIRECTIVE.search(comment)
    if match is None:
        return None
    start = column + match.start()
    codes = []
    if match.group("codes") is not None:
        base = column + match.start("codes")
        codes = [(m.group(), base + m.start()) for m in _CODE.finditer(match.group("codes"))]
    return Directive(number, start, column + match.end(), match.group("kind") == "ignore-file",
                     codes, targets)


def find_directives(text: str | None, fmt: str) -> list[Directive]:
    """Every suppression directive in a text of format ``toml``, ``inf`` or ``header``."""
    if not text or _MARK not in text or fmt == "json":
        return []
    found: list[Directive] = []
    if fmt == "toml":
        for number, column, comment in _toml_comments(text):
            directive = _parse(comment, number, column, {number})
            if directive:
                found.append(directive)
    elif fmt == "inf":
        pending: list[Directive] = []
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped:
                pending = []  # a blank line ends the comment block above an entry
                continue
            lead = len(line) - len(line.lstrip())
            if stripped[0] in ";#":
                # A directive covers the rest of its comment block too (a
                # finding such as MS006 may sit on a comment line).
                for directive in pending:
                    directive.targets.add(number)
                directive = _parse(line[lead:], number, lead + 1, {number})
                if directive:
                    found.append(directive)
                    pending.append(directive)
                continue
            for directive in pending:
                directive.targets.add(number)
            pending = []
            if stripped[0] == "[":
                close = line.find("]")
                rest = line[close + 1:] if close >= 0 else ""
                at = min((rest.find(c) for c in ";#" if c in rest), default=-1)
                if at >= 0:
                    column = close + 1 + at + 1
                    directive = _parse(rest[at:], number, column, {number})
                    if directive:
                        found.append(directive)
    elif fmt == "header":
        for number, line in enumerate(text.splitlines(), 1):
            if _MARK not in line:
                continue
            at = min((i for i in (line.find("//"), line.find("/*")) if i >= 0), default=-1)
            if at >= 0:
                directive = _parse(line[at:], number, at + 1, {number})
                if directive:
                    found.append(directive)
    return found


def apply(diagnostics: list, text: str | None, fmt: str, path: str, known_codes,
          report_unused: bool = False) -> list:
    # ``known_codes``: the registry's codes, or a function returning them (the
    # registry is loaded only when a file holds a directive).
    """Drop suppressed diagnostics; add MS007 for unknown (always) and unused (if asked) codes.

    ``diagnostics`` are one file's :class:`validator.engine.Diagnostic` objects,
    before the configuration's selection (the engine calls this as it lints).
    """
    directives = find_directives(text, fmt)
    if not directives:
        return diagnostics
    known = set(known_codes() if callable(known_codes) else known_codes)
    whole_file: dict[str, list[Directive]] = {}
    by_line: dict[tuple[int, str], list[Directive]] = {}
    for directive in directives:
        for code, _column in directive.codes:
            code = code.upper()
            if directive.whole_file:
                whole_file.setdefault(code, []).append(directive)
            else:
                for line in directive.targets:
                    by_line.setdefault((line, code), []).append(directive)
    kept = []
    for diag in diagnostics:
        covering = whole_file.get(diag.code) or by_line.get((diag.line, diag.code))
        if covering:
            for directive in covering:
                directive.used.add(diag.code)
            continue
        kept.append(diag)
    kept.extend(_unused(directives, path, known, report_unused))
    return kept


def _unused(directives: list[Directive], path: str, known: set[str], report_unused: bool):
    from .engine import Diagnostic

    kind = {False: "ignore", True: "ignore-file"}
    for directive in directives:
        name = kind[directive.whole_file]
        if not directive.codes:
            yield Diagnostic(path, directive.line, directive.column, directive.line,
                             directive.end_column, UNUSED_CODE, "warning",
                             f"'mapisvc: {name}' needs the codes it suppresses, e.g."
                             f" '{name}[MS313]'; a blanket suppression would hide new faults",
                             help="name the codes in brackets")
            continue
        for code, column in directive.codes:
            upper = code.upper()
            end = column + len(code)
            if upper not in known:
                prefix = any(k.startswith(upper) for k in known) and upper.startswith("MS")
                message = (f"suppressions take whole rule codes, not the prefix '{code}'" if prefix
                           else f"suppression names unknown rule code '{code}'")
                yield Diagnostic(path, directive.line, column, directive.line, end, UNUSED_CODE,
                                 "warning", message, help="'mapisvc rules' lists the codes")
            elif report_unused and upper not in directive.used:
                where = "in this file" if directive.whole_file else "on the line it covers"
                yield Diagnostic(path, directive.line, column, directive.line, end, UNUSED_CODE,
                                 "warning", f"unused suppression: no {upper} finding {where}",
                                 help=f"remove {upper} from the directive")
