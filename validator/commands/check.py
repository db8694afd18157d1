"""``mapisvc check``: lint manifests, MAPISVC.INF files and headers."""

from __future__ import annotations

import os
import re
import sys

from ..cli import UsageError

FORMAT_CHOICES = ("text", "json")


def add_arguments(parser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to check ('-' reads standard input);"
                        " default: the current directory")
    parser.add_argument("--format", choices=FORMAT_CHOICES, default="text",
                        help="output format (default: text)")
    parser.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on any finding, not only errors")
    parser.add_argument("--stdin-filename", metavar="NAME",
                        help="the name (and so the format) of what '-' reads")
    parser.add_argument("--mapi-include", action="append", default=[], metavar="DIR",
                        help="a directory with MAPI SDK headers to learn well-known tags from")
    parser.add_argument("--header", action="append", default=[], metavar="FILE",
                        help="compare a hand-written public header with the manifest (MS702)")
    parser.add_argument("--dll", action="append", default=[], metavar="FILE",
                        help="verify a built provider DLL's exports (MS610-MS612)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary line")


_INF_HINT = re.compile(
    rb"^[ \t]*(\[[^\].\"\n]*\][ \t]*\r?$|[0-9A-Fa-f]{8}[ \t]*=|PR_\w+[ \t]*=[^\"\n]*$|Providers[ \t]*=)",
    re.MULTILINE)


def _stdin_format(name: str | None, data: bytes) -> str:
    """The format of standard input: by --stdin-filename, else by its first bytes."""
    from ..engine import detect_format
    from ..files import looks_like_manifest

    fmt = detect_format(name) if name else None
    if fmt:
        return fmt
    head = data[:65536]
    if head.lstrip().startswith(b"{"):
        return "json"
    if looks_like_manifest("-.toml", head):
        return "toml"
    return "inf" if _INF_HINT.search(head) else "toml"


def run(args) -> int:
    from .. import engine, files
    from ..report import counts, render

    context = engine.Context(mapi_include=args.mapi_include)
    paths = args.paths or ["."]
    results = []
    problems = []
    for item in files.collect(paths):
        if isinstance(item, files.Problem):
            problems.append(item)
            continue
        if item == "-":
            data = sys.stdin.buffer.read()
            name = args.stdin_filename or "-"
            results.append(engine.lint_bytes(data, name, _stdin_format(args.stdin_filename, data),
                                             context))
            continue
        try:
            results.append(engine.lint_path(item, context=context))
        except OSError as err:
            problems.append(files.Problem(item, f"cannot read: {err.strerror or err}"))
    if args.header or args.dll:
        from ..artefacts import check_artefacts

        results.extend(check_artefacts(results, args.header, args.dll, context, problems))
    for problem in problems:
        print(f"mapisvc: {problem.path}: {problem.message}", file=sys.stderr)
    options = {"colour": _colour(args), "quiet": args.quiet}
    report = render(args.format, results, options)
    if args.output_file:
        from ..atomic import write_text

        write_text(args.output_file, report)
    else:
        sys.stdout.write(report)
    tally = counts(results)
    if problems:
        return 2
    if tally["error"] or (args.strict and any(tally.values())):
        return 1
    return 0


def _colour(args) -> bool:
    if args.format != "text" or args.output_file or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()
