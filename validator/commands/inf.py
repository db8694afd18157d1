"""``mapisvc inf``: the MAPISVC.INF sections of a manifest, or (``--check``) MS703."""

from __future__ import annotations

import sys

from ..cli import UsageError


def add_arguments(parser, name: str) -> None:
    from ._output import add_generator_arguments

    add_generator_arguments(parser, "MS703")
    parser.add_argument("--newline", choices=("crlf", "lf"), default="crlf",
                        help="line endings of the output (default: crlf, as Windows writes"
                        " MAPISVC.INF)")


def read_inf_text(path: str):
    """An INF file as a lossless document; undecodable bytes are a one-line error."""
    from ..readers.inf import DecodeError, decode, parse_document
    from ._output import read_bytes

    data = read_bytes(path)
    try:
        text, codec, bom = decode(data)
    except DecodeError as err:
        raise UsageError(f"{path}:{err.line}:{err.column}: {err.message}") from None
    return parse_document(text, codec, bom)


def run(args) -> int:
    from ..generate.inf import compare, encode_inf, generate
    from ..readers.inf import parse_document
    from ._output import load_manifest, write_output

    cat = load_manifest(args.manifest)
    text = generate(cat, "\r\n" if args.newline == "crlf" else "\n")
    if args.check:
        found = read_inf_text(args.check)
        diffs = compare(parse_document(text), found)
        for diff in diffs:
            line = diff.line or 1
            print(f"{args.check}:{line}:1: MS703 {diff.message()}"
                  f" (regenerate with 'mapisvc inf {args.manifest}')")
        return 1 if diffs else 0
    write_output(encode_inf(text), args.output, text)
    return 0
