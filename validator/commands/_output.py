"""Helpers the generating commands share: loading a manifest, writing output, --check."""

from __future__ import annotations

import sys

from ..cli import UsageError


def load_manifest(path: str):
    from ..generate.manifest import LoadError, load

    try:
        return load(path)
    except LoadError as err:
        raise UsageError(str(err)) from None


def write_output(data: bytes, out: str | None, text: str) -> None:
    """Write ``data`` (the encoded ``text``) to OUT atomically, or to standard output."""
    if out and out != "-":
        from ..atomic import write_bytes

        try:
            write_bytes(out, data)
        except OSError as err:
            raise UsageError(f"cannot write {out}: {err.strerror or err}") from None
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:  # captured text stream (tests, embedding)
        sys.stdout.write(text)


def read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None


def add_generator_arguments(parser, code: str) -> None:
    """MANIFEST, -o/--output and --check FILE, shared by the generating commands."""
    parser.add_argument("manifest", metavar="MANIFEST", help="the manifest (TOML or JSON)")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write to OUT (atomically) instead of standard output")
    parser.add_argument("--check", metavar="FILE",
                        help="compare FILE with what would be generated; exit 1 on a difference"
                        f" ({code})")
