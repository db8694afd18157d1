"""``mapisvc check``: lint manifests, MAPISVC.INF files and headers.

The pipeline for each file: the engine lints it and applies its inline
suppressions (adding MS007 for unknown codes, and for unused ones with
``--report-unused-ignores``) → the configuration that governs it
(``select``/``ignore``/``per-file-ignores``) drops what is turned off →
``severity`` overrides apply → the reporter prints.  The exit code follows the final
severities, so ``severity = { MS507 = "error" }`` makes MS507 fail the build.
"""

from __future__ import annotations

import os
import re
import sys

from ..cli import UsageError

FORMAT_CHOICES = ("text", "concise", "json", "sarif", "github")

# What simple_args reads: option → attribute, by kind; the defaults are add_arguments'.
_SIMPLE_FLAGS = {"--strict": "strict", "--statistics": "statistics",
                 "--report-unused-ignores": "report_unused_ignores", "--force-exclude": "force_exclude",
                 "--quiet": "quiet", "-q": "quiet", "--debug": "debug"}
_SIMPLE_VALUES = {"--format": "format", "--output-file": "output_file", "-o": "output_file",
                  "--stdin-filename": "stdin_filename", "--config": "config",
                  "--jobs": "jobs", "-j": "jobs"}
_SIMPLE_LISTS = {"--select": "select", "--extend-select": "extend_select", "--ignore": "ignore",
                 "--mapi-include": "mapi_include", "--header": "header", "--dll": "dll"}
_SIMPLE_COLOUR = {"--color": True, "--colour": True, "--no-color": False, "--no-colour": False}


def simple_args(argv: list[str]):
    """The arguments after ``check`` read as argparse reads them, without argparse;
    ``None`` for anything but plain options and one run of paths (argparse then
    reads them, with its errors and help).  tests/test_startup.py checks both agree.
    """
    from types import SimpleNamespace

    args = SimpleNamespace(
        version=None, debug=False, command="check", paths=[], format="text", output_file=None,
        strict=False, stdin_filename=None, config=None, select=None, extend_select=[], ignore=[],
        statistics=False, report_unused_ignores=False, force_exclude=False, color=None,
        mapi_include=[], header=[], dll=[], quiet=False, jobs=0)
    paths_done = colour_seen = False
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if token == "-" or not token.startswith("-"):
            if paths_done:
                return None  # a second run of paths: argparse's error
            start = i - 1
            while i < len(argv) and (argv[i] == "-" or not argv[i].startswith("-")):
                i += 1
            args.paths = argv[start:i]
            paths_done = True
            continue
        option, equals, value = token.partition("=")
        if option in _SIMPLE_FLAGS and not equals:
            setattr(args, _SIMPLE_FLAGS[option], True)
        elif option in _SIMPLE_COLOUR and not equals:
            if colour_seen:
                return None
            colour_seen = True
            args.color = _SIMPLE_COLOUR[option]
        elif (option in _SIMPLE_VALUES or option in _SIMPLE_LISTS) and option.startswith("--"):
            if not equals:
                if i >= len(argv):
                    return None
                value = argv[i]
                i += 1
            if value.startswith("-"):
                return None
            if option in _SIMPLE_LISTS:
                name = _SIMPLE_LISTS[option]
                setattr(args, name, (getattr(args, name) or []) + [value])
            elif option == "--format" and value not in FORMAT_CHOICES:
                return None
            elif option == "--jobs":
                if not (value.isascii() and value.isdigit()):
                    return None
                args.jobs = int(value)
            else:
                setattr(args, _SIMPLE_VALUES[option], value)
        elif option in ("-o", "-j") and not equals:
            if i >= len(argv) or argv[i].startswith("-"):
                return None
            value = argv[i]
            i += 1
            if option == "-j":
                if not (value.isascii() and value.isdigit()):
                    return None
                args.jobs = int(value)
            else:
                args.output_file = value
        else:
            return None  # help, "--", abbreviations, joined short options, unknown options
    return args


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
                        help="the name (and so the format and configuration) of what '-' reads;"
                        " with no PATH, standard input is read")
    parser.add_argument("--config", metavar="FILE",
                        help="use this configuration file (mapisvc.toml or pyproject.toml)"
                        " instead of looking for one")
    parser.add_argument("--select", action="append", metavar="CODES",
                        help="check only these rules (comma-separated codes or prefixes; ALL);"
                        " replaces the configuration's select")
    parser.add_argument("--extend-select", action="append", default=[], metavar="CODES",
                        help="check these rules too")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODES",
                        help="do not report these rules")
    parser.add_argument("--statistics", action="store_true",
                        help="print the number of findings per code instead of the findings")
    parser.add_argument("--report-unused-ignores", action="store_true",
                        help="report suppression comments that suppress nothing (MS007)")
    parser.add_argument("--force-exclude", action="store_true",
                        help="apply exclusions to files named on the command line too, and skip"
                        " named TOML/JSON files that are not manifests (for pre-commit)")
    colour = parser.add_mutually_exclusive_group()
    colour.add_argument("--color", "--colour", dest="color", action="store_const", const=True,
                        default=None, help="colour the text output even when it is not a terminal")
    colour.add_argument("--no-color", "--no-colour", dest="color", action="store_const",
                        const=False, help="never colour the output (NO_COLOR=1 does too)")
    parser.add_argument("--mapi-include", action="append", default=[], metavar="DIR",
                        help="a directory with MAPI SDK headers to learn well-known tags from")
    parser.add_argument("--header", action="append", default=[], metavar="FILE",
                        help="compare a hand-written public header with the manifest (MS702)")
    parser.add_argument("--dll", action="append", default=[], metavar="FILE",
                        help="verify a built provider DLL's exports (MS610-MS612)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                        help="processes for many files (default: automatic, more than one"
                        " only when there is enough to check and an idle core)")


# Compiled on first use (re caches it): only standard input needs it.
_INF_HINT = (
    rb"(?m)^[ \t]*(\[[^\].\"\n]*\][ \t]*\r?$|[0-9A-Fa-f]{8}[ \t]*=|PR_\w+[ \t]*=[^\"\n]*$|Providers[ \t]*=)")


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
    return "inf" if re.search(_INF_HINT, head) else "toml"


def _settings(args):
    from .. import config

    cli_selectors = args.select is not None or args.extend_select or args.ignore
    known = config._codes() if cli_selectors else ()
    try:
        overrides = config.Overrides(
            select=config.parse_selectors(args.select, "--select", known),
            extend_select=config.parse_selectors(args.extend_select, "--extend-select", known),
            ignore=config.parse_selectors(args.ignore, "--ignore", known),
            mapi_include=args.mapi_include,
            report_unused=args.report_unused_ignores)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if args.config and not os.path.isfile(args.config):
        raise UsageError(f"--config: no such file: {args.config}")
    return config.Settings(overrides, explicit=args.config)


class _Run:
    """One ``check`` run: configuration per file, one engine context per configuration."""

    def __init__(self, args, settings):
        self.args = args
        self.settings = settings
        self._contexts: dict[int, object] = {}

    def context(self, cfg):
        from .. import engine

        found = self._contexts.get(id(cfg))
        if found is None:
            found = engine.Context(mapi_include=self.settings.mapi_include(cfg))
            # The engine applies inline suppressions (and reports unused ones) as
            # it lints; selection and severities come after, here.
            found.options["report_unused_ignores"] = self.settings.overrides.report_unused
            self._contexts[id(cfg)] = found
        return found

    def finish(self, result, settings_path: str) -> None:
        """Apply selection, per-file ignores and severities to one file's findings."""
        file_settings = self.settings.for_file(settings_path)
        kept = [d for d in result.diagnostics if file_settings.wants(d.code)]
        if file_settings.severity:
            for diag in kept:
                diag.severity = file_settings.severity_of(diag.code, diag.severity)
        kept.sort(key=lambda d: d.sort_key())
        result.diagnostics = kept


def run(args) -> int:
    import gc

    # Start-up creates many objects that live to the end (modules, rules, the
    # schema): cycle collections while they are made are wasted (~1 ms of a
    # pre-commit run).  Linting many files collects between files itself
    # (validator.parallel).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _checked(args)
    finally:
        if collecting:
            gc.enable()


def _checked(args) -> int:
    from .. import config as config_module

    if args.statistics and args.format in ("sarif", "github"):
        raise UsageError(f"--statistics prints a table: use it with --format text, concise or"
                         f" json, not {args.format}")
    try:
        return _run(args, _settings(args))
    except config_module.ConfigError as err:
        for message in err.messages:
            print(f"mapisvc: {message}", file=sys.stderr)
        return 2


def _run(args, settings) -> int:
    from .. import engine, files
    from ..report import counts, render

    state = _Run(args, settings)
    paths = args.paths or (["-"] if args.stdin_filename else ["."])
    problems = []
    # (result, the path whose configuration applies); finished at the end, once
    # the header comparison has added its findings to the manifests' results.
    pending: list[tuple[object, str]] = []
    manifests: list[tuple[str, object]] = []
    batch: list[tuple[str, str, object]] = []  # (path, format, configuration)
    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read()
            name = args.stdin_filename or "-"
            fmt = _stdin_format(args.stdin_filename, data)
            where = args.stdin_filename or os.path.join(os.getcwd(), "-")
            cfg = settings.config_for(where)
            result = engine.lint_bytes(data, name, fmt, state.context(cfg))
            pending.append((result, where))
            continue
        root_cfg = settings.config_for(path)
        exclude = files.DEFAULT_EXCLUDE + tuple(root_cfg.exclude)
        base = root_cfg.root if root_cfg.path else None
        for item in files.collect([path], exclude, base, args.force_exclude):
            if isinstance(item, files.Problem):
                problems.append(item)
                continue
            cfg = settings.config_for(item)
            fmt = engine.detect_format(item) or "toml"
            batch.append((item, fmt, cfg))
            if fmt in ("toml", "json"):
                manifests.append((item, cfg))
    headers = list(args.header)
    if not headers:  # the command line wins over the configuration's pairs
        for item, cfg in manifests:
            header = settings.headers_for(item, cfg)
            if header is not None:
                headers.append(header)
    dlls = list(args.dll)
    if not dlls:
        for item, cfg in manifests:
            dlls.extend(settings.dlls_for(item, cfg))
    # The header and DLL checks read the manifests' catalogues: keep them then.
    pending += _lint_batch(batch, state, problems, keep=bool(headers or dlls))
    results = [result for result, _where in pending]
    if headers or dlls:
        from ..artefacts import check_artefacts

        more = check_artefacts(results, headers, dlls,
                               state.context(settings.config_for(".")), problems)
        for result in more:
            pending.append((result, result.path))
        results.extend(more)
    for result, where in pending:
        state.finish(result, where)
    for problem in problems:
        print(f"mapisvc: {problem.path}: {problem.message}", file=sys.stderr)
    options = {"colour": _colour(args), "quiet": args.quiet}
    if args.statistics:
        from ..report.statistics import render as render_statistics

        report = render_statistics(results, {**options, "format": args.format})
    else:
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


def _lint_batch(batch, state, problems, keep: bool) -> list[tuple[object, str]]:
    """Lint the files found, in order, in several processes when that pays (validator.parallel)."""
    from .. import files, parallel

    outcomes = parallel.lint_many([item for item, _fmt, _cfg in batch],
                                  [state.context(cfg) for _item, _fmt, cfg in batch],
                                  jobs=state.args.jobs or None, keep=keep,
                                  fmts=[fmt for _item, fmt, _cfg in batch])
    linted = []
    for (item, _fmt, _cfg), outcome in zip(batch, outcomes):
        if isinstance(outcome, files.Problem):
            problems.append(outcome)
        else:
            linted.append((outcome, item))
    return linted


def _colour(args) -> bool:
    """Colour for text and concise output: forced by --color/--no-color, else a TTY without NO_COLOR."""
    if args.format not in ("text", "concise"):
        return False
    if args.color is not None:
        return args.color
    if args.output_file or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()
