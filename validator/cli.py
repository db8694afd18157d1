"""The command line: a thin layer over the library.

Sub-commands live in :mod:`validator.commands`, one module each, imported only
when chosen so that ``mapisvc check`` starts fast.  Every command returns an
exit code: 0 nothing to report, 1 findings at error severity (or a ``--check``
difference), 2 usage error, unreadable input or internal failure.  An
exception never reaches the user as a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms)

if TYPE_CHECKING:
    import argparse

# name → (module under validator.commands, one-line help)
COMMANDS = {
    "check": ("check", "lint manifests, MAPISVC.INF files and headers"),
    "rules": ("rules", "list every rule: code, severity, summary"),
    "explain": ("rules", "print a rule's full documentation"),
    "schema": ("schema", "print the manifest JSON Schema (or its path)"),
    "convert": ("convert", "MAPISVC.INF → manifest, or TOML ↔ JSON"),
    "inf": ("inf", "generate MAPISVC.INF sections from a manifest"),
    "header": ("header", "generate the public C header from a manifest"),
    "install": ("install", "merge a manifest's entries into an existing MAPISVC.INF"),
    "uninstall": ("install", "remove a manifest's entries from an existing MAPISVC.INF"),
    "new": ("new", "write a starting manifest that passes check"),
    "entry": ("entry", "generate the C entry point, installer exports and .def file"),
}


class UsageError(Exception):
    """Bad arguments or input the user must fix: exit 2 with a one-line message."""


def _command_module(name: str):
    # __import__, not importlib.import_module: the importlib package is one more
    # import at start-up.
    module = f"validator.commands.{COMMANDS[name][0]}"
    __import__(module)
    return sys.modules[module]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="mapisvc",
        description="Declarative, checkable MAPI message services.",
        epilog="Run 'mapisvc COMMAND --help' for a command's options.")
    parser.add_argument("--version", action=_version_action(), nargs=0,
                        help="show the version and exit")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        if only is not None and name != only:
            continue  # each sub-parser costs ~0.5 ms; build only the one used
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="show tracebacks of internal errors")
        if only is None or only == name:
            try:
                module = _command_module(name)
            except ModuleNotFoundError:
                continue  # a command not built yet
            module.add_arguments(command, name)
    return parser


def _version_action():
    import argparse

    class _VersionAction(argparse.Action):
        """--version, reading package metadata only when asked (it costs ~15 ms)."""

        def __call__(self, parser, namespace, values, option_string=None):
            print(f"mapisvc {_version()}")
            parser.exit()

    return _VersionAction


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("mapisvc")
    except Exception:  # not installed: running from a checkout
        return "0+unknown"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Build only the chosen command's options: start-up stays lean.
    chosen = next((a for a in argv if not a.startswith("-")), None)
    # The common, simple command lines of `check` (a pre-commit hook's) are
    # read without argparse, which costs ~5 ms of imports and set-up; anything
    # else (help, errors, abbreviations) goes through argparse as before.
    args = None
    if chosen == "check" and argv[0] == "check":
        args = _command_module("check").simple_args(argv[1:])
    if args is None:
        parser = build_parser(chosen if chosen in COMMANDS else None)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:
            return int(exit_.code or 0) if exit_.code in (0, None) else 2
        if args.command is None:
            parser.print_help()
            return 2
    debug = getattr(args, "debug", False)
    try:
        return _command_module(args.command).run(args)
    except UsageError as err:
        print(f"mapisvc {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mapisvc: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 2
    except Exception as err:  # never a traceback for the user
        if debug:
            raise
        print(f"mapisvc {args.command}: internal error: {type(err).__name__}: {err}"
              " (run with --debug to see the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
