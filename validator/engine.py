"""The library's front door: read → schema → rules → diagnostics.

``lint_bytes`` and ``lint_path`` return a :class:`FileResult` with resolved
:class:`Diagnostic` objects (path, line, column, code, severity, message), the
catalogue that was read, and the text, for reporters that show snippets.
"""

from __future__ import annotations

import os

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

from .model import Catalogue, Finding, Loc, Record, Span

MANIFEST_FORMATS = {".toml": "toml", ".json": "json"}
INF_SUFFIX = ".inf"
HEADER_SUFFIXES = (".h", ".hpp", ".hh", ".hxx")

#: Limits (MS005); configuration may change them.
DEFAULT_LIMITS = {"max-file-size": 16 * 1024 * 1024, "max-depth": 64, "max-entries": 1_000_000}


def detect_format(path: str) -> str | None:
    suffix = _suffix(path).lower()
    if suffix in MANIFEST_FORMATS:
        return MANIFEST_FORMATS[suffix]
    if suffix == INF_SUFFIX:
        return "inf"
    if suffix in HEADER_SUFFIXES:
        return "header"
    return None


def _suffix(path: str) -> str:
    """``pathlib.PurePath(path).suffix`` without importing pathlib (~4 ms at start-up)."""
    if os.sep == "\\":
        path = path.replace("\\", "/")
    name = path.rstrip("/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        return name[dot:]
    return ""


class Diagnostic(Record):
    """A finding with its position resolved: what reporters print."""

    __slots__ = ("path", "line", "column", "end_line", "end_column", "code", "severity", "message",
                 "pointer", "help", "related")

    def __init__(self, path: str, line: int, column: int, end_line: int, end_column: int,
                 code: str, severity: str, message: str, pointer: str | None = None,
                 help: str | None = None, related: list[tuple[str, int, int, str]] | None = None):
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.code = code
        self.severity = severity
        self.message = message
        self.pointer = pointer
        self.help = help
        self.related = [] if related is None else related

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path, "line": self.line, "column": self.column,
            "end_line": self.end_line, "end_column": self.end_column,
            "code": self.code, "severity": self.severity, "message": self.message,
        }
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.help:
            out["help"] = self.help
        if self.related:
            out["related"] = [{"path": p, "line": l, "column": c, "message": m}
                              for p, l, c, m in self.related]
        return out


class FileResult(Record):
    __slots__ = ("path", "diagnostics", "catalogue", "text")

    def __init__(self, path: str, diagnostics: list[Diagnostic],
                 catalogue: Catalogue | None = None, text: str | None = None):
        self.path = path
        self.diagnostics = diagnostics
        self.catalogue = catalogue
        self.text = text


class Context:
    """What rules may need beyond the catalogue, computed on first use."""

    def __init__(self, mapi_include: Iterable[str] = (), options: dict | None = None):
        self.mapi_include = tuple(mapi_include)
        self.options = options or {}
        self._known = None

    @property
    def known_tags(self):
        if self._known is None:
            from .tags import known_tags

            self._known = known_tags(self.mapi_include)
        return self._known


def json_pointer(pointer: tuple) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in pointer
             if not (isinstance(p, str) and p.startswith("#"))]
    return "".join("/" + p for p in parts)


# Control characters a message may quote from the input (a key named "a\nb"):
# shown escaped, so that every finding stays one line in every format.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, 0x85)}
_ESCAPES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
                 0x2028: "\\u2028", 0x2029: "\\u2029"})


def one_line(message: str) -> str:
    """``message`` with line breaks and other control characters escaped."""
    return message if message.isprintable() else message.translate(_ESCAPES)


def _resolve(finding: Finding, cat: Catalogue | None, path: str, severity: str) -> Diagnostic:
    span = finding.span
    pointer = None
    if finding.loc is not None:
        pointer = json_pointer(finding.loc.pointer)
        if span is None and cat is not None:
            span = cat.source.span(finding.loc)
    if span is None:
        span = Span(1, 1, 1, 1)
    related = []
    for where, note in finding.related:
        if isinstance(where, Loc) and cat is not None:
            where = cat.source.span(where)
        if isinstance(where, Span):
            related.append((path, where.line, where.column, note))
    return Diagnostic(path, span.line, span.column, span.end_line, span.end_column,
                      finding.code, finding.severity or severity, one_line(finding.message),
                      pointer, finding.help, related)


def run_rules(cat: Catalogue, context: Context, letter: str) -> list[Finding]:
    from . import rules

    found: list[Finding] = []
    for entry in rules.checks(letter):
        for finding in entry.check(cat, context):
            if not finding.code:
                finding.code = entry.code
            found.append(finding)
    return found


def _over_limits(data: bytes, fmt: str, limits: dict) -> Finding | None:
    """MS005 for what must be refused before parsing: size, then nesting depth."""
    if len(data) > limits["max-file-size"]:
        return Finding("MS005", f"file is {len(data):,} bytes, over the limit of "
                       f"{limits['max-file-size']:,} (max-file-size)", span=Span(1, 1, 1, 2))
    if fmt in ("toml", "json"):
        from .limits import too_deep

        where = too_deep(data, fmt, limits["max-depth"])
        if where is not None:
            return Finding("MS005", f"nesting deeper than {limits['max-depth']} levels"
                           " (max-depth)", span=where,
                           help="a manifest nests a few levels; is this the file you meant?")
    return None


def _too_many_entries(data: bytes, fmt: str, cat: Catalogue, limits: dict) -> Finding | None:
    """MS005 when the file holds more entries than max-entries (counted only when it may)."""
    from . import limits as lim

    limit = limits["max-entries"]
    if not lim.may_exceed_entries(data, fmt, limit):
        return None
    message = f"more than {limit:,} entries (max-entries)"
    if fmt == "inf":
        line = lim.inf_entry_over(cat.inf, limit)
        return None if line is None else Finding("MS005", message, span=Span(line, 1, line, 2))
    pointer = lim.manifest_entry_over(cat.data, limit)
    return None if pointer is None else Finding("MS005", message, Loc(pointer, "key"))


def _nesting_error() -> Finding:
    return Finding("MS005", "nesting is too deep to read (max-depth)", span=Span(1, 1, 1, 2))


def read(data: bytes, path: str, fmt: str) -> tuple[Catalogue | None, list[Finding], str | None]:
    """Read bytes in a known format into a catalogue plus reading findings."""
    if fmt == "inf":
        from .readers.inf import read_inf

        cat, findings = read_inf(data, path)
        return cat, findings, cat.source.text if cat else None
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Finding("MS004", "binary file: contains NUL bytes", span=Span(1, 1, 1, 2))], None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        return None, [Finding("MS004", f"byte 0x{data[err.start]:02X} is not valid UTF-8"
                              " (manifests are UTF-8)", span=Span(line, column, line, column + 1))], None
    if text.startswith("\ufeff"):
        text = text[1:]
    from .readers.manifest import read_manifest

    cat, findings = read_manifest(text, path, fmt)
    return cat, findings, text


def _schema_findings(cat: Catalogue, rule_findings: list[Finding]) -> list[Finding]:
    """Schema findings, less those at a pointer a rule already reported."""
    from .schema import validate

    try:
        found = validate(cat.data)
    except ValueError as err:
        # jsonschema-rs refuses data nested deeper than about 255 levels:
        # reachable only with a raised max-depth or deep TOML dotted keys.
        if "ecursion" not in str(err):
            raise
        raise RecursionError(str(err)) from None
    claimed = {f.loc.pointer for f in rule_findings if f.loc is not None}
    # A missing member (MS101) is never the fault a rule reports on its object.
    return [f for f in found if f.loc is None or f.code == "MS101" or f.loc.pointer not in claimed]


def lint_bytes(data: bytes, path: str, fmt: str | None = None, context: Context | None = None,
               limits: dict | None = None, suppressions: bool = True) -> FileResult:
    """Lint one input given as bytes; ``fmt`` defaults to what ``path`` suggests.

    Inline ``mapisvc: ignore[...]`` directives are honoured unless
    ``suppressions`` is false; ``context.options["report_unused_ignores"]``
    adds MS007 for directives that suppress nothing.
    """
    fmt = fmt or detect_format(path) or "toml"
    context = context or Context()
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    refused = _over_limits(data, fmt, limits)
    if refused is not None:
        return FileResult(path, [_resolve(refused, None, path, "error")])
    if fmt == "header":
        from .readers.header_lint import lint_header

        result = lint_header(data, path, context)
        if suppressions and result.text is not None:
            result.diagnostics = _suppress(result.diagnostics, result.text, fmt, path, context)
        return result
    try:
        cat, findings, text = read(data, path, fmt)
    except RecursionError:  # nesting the depth pre-scan could not see (a raised max-depth)
        return FileResult(path, [_resolve(_nesting_error(), None, path, "error")])
    if cat is not None:
        crowded = _too_many_entries(data, fmt, cat, limits)
        if crowded is not None:
            return FileResult(path, resolve([crowded], cat, path), cat, text)
        letter = "I" if fmt == "inf" else "M"
        try:
            rule_findings = run_rules(cat, context, letter)
            if letter == "M":
                findings += _schema_findings(cat, rule_findings)
        except RecursionError:  # data nested deeper than the rules' walks can go
            return FileResult(path, resolve(findings + [_nesting_error()], cat, path), cat, text)
        findings += rule_findings
    diagnostics = resolve(findings, cat, path)
    if suppressions and text is not None:
        diagnostics = _suppress(diagnostics, text, fmt, path, context)
    return FileResult(path, diagnostics, cat, text)


def _suppress(diagnostics: list[Diagnostic], text: str, fmt: str, path: str,
              context: Context) -> list[Diagnostic]:
    """Inline ``mapisvc: ignore[...]`` directives (validator.suppress); cheap without any."""
    if "mapisvc:" not in text:
        return diagnostics
    from . import rules, suppress

    kept = suppress.apply(diagnostics, text, fmt, path, rules.load_all,
                          context.options.get("report_unused_ignores", False))
    kept.sort(key=Diagnostic.sort_key)
    return kept


def resolve(findings: list[Finding], cat: Catalogue | None, path: str) -> list[Diagnostic]:
    if not findings:
        return []  # the registry (every rule module) is only needed to look codes up
    from . import rules

    registry = rules.load_all()
    out = []
    for finding in findings:
        entry = registry.get(finding.code)
        severity = entry.severity if entry else "error"
        out.append(_resolve(finding, cat, path, severity))
    out.sort(key=Diagnostic.sort_key)
    return out


def lint_path(path: str | os.PathLike, fmt: str | None = None, context: Context | None = None,
              limits: dict | None = None, suppressions: bool = True) -> FileResult:
    """Lint one file; an unreadable file raises OSError for the caller to report."""
    with open(path, "rb") as handle:
        data = handle.read()
    return lint_bytes(data, str(path), fmt, context, limits, suppressions)
