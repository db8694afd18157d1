"""``mapisvc header``: the public C header of a manifest, or (``--check``) MS701."""

from __future__ import annotations

import os


def add_arguments(parser, name: str) -> None:
    from ._output import add_generator_arguments

    add_generator_arguments(parser, "MS701")


def run(args) -> int:
    from ..cli import UsageError
    from ..generate.header import differences, generate
    from ._output import load_manifest, read_bytes, write_output

    cat = load_manifest(args.manifest)
    text = generate(cat, os.path.basename(args.manifest))
    if args.check:
        data = read_bytes(args.check)
        try:
            found = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise UsageError(f"{args.check}: byte 0x{data[err.start]:02X} is not valid UTF-8") from None
        diffs = differences(text, found, args.check)
        for line, message in diffs[:20]:
            print(f"{args.check}:{line}:1: MS701 header differs from the generated one: {message}"
                  f" (regenerate with 'mapisvc header {args.manifest} -o {args.check}')")
        if len(diffs) > 20:
            print(f"{args.check}: MS701 … and {len(diffs) - 20} more differences")
        return 1 if diffs else 0
    write_output(text.encode("utf-8"), args.output, text)
    return 0
