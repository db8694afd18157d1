"""``mapisvc schema``: the manifest's JSON Schema for editors and other validators."""

from __future__ import annotations

import sys


def add_arguments(parser, name: str) -> None:
    parser.add_argument("--path", action="store_true", help="print the schema file's path instead")


def run(args) -> int:
    from ..schema import schema_path

    path = schema_path()
    if args.path:
        print(path)
    else:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    return 0
