"""``mapisvc entry MANIFEST -o DIR``: the C entry point, installer exports and ``.def`` file."""

from __future__ import annotations

import sys
from pathlib import Path

from ..cli import UsageError


def add_arguments(parser, name: str) -> None:
    parser.add_argument("manifest", metavar="MANIFEST", help="the service manifest (TOML or JSON)")
    parser.add_argument("-o", "--output", metavar="DIR", required=True,
                        help="directory to write the C files and .def files into")
    parser.add_argument("--force-hooks", action="store_true",
                        help="also overwrite the vendor hooks files (<dll>_hooks.c)")


def run(args) -> int:
    from .. import engine
    from ..atomic import write_text
    from ..generate.c_entry import EntryError, generate
    from ..report import render

    try:
        result = engine.lint_path(args.manifest)
    except OSError as err:
        raise UsageError(f"cannot read {args.manifest}: {err.strerror or err}") from None
    if result.catalogue is None or result.catalogue.is_inf or any(
            d.severity == "error" for d in result.diagnostics):
        # Generating from a manifest MAPI would reject only moves the fault into C.
        sys.stdout.write(render("text", [result], {"colour": False, "quiet": True}))
        print(f"mapisvc entry: {args.manifest} has errors; fix them first", file=sys.stderr)
        return 1
    try:
        files = generate(result.catalogue, Path(args.manifest).name)
    except EntryError as err:
        raise UsageError(str(err)) from None
    for service in result.catalogue.services.values():
        if not isinstance(service.value("dll"), str):
            print(f"mapisvc entry: note: service '{service.name}' has no dll, so no generated"
                  " MergeWithMAPISVC writes its MAPISVC.INF entries", file=sys.stderr)
    if not files:
        print(f"mapisvc entry: {args.manifest} names no DLL: nothing to generate", file=sys.stderr)
        return 0
    out_dir = Path(args.output)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot create {out_dir}: {err.strerror or err}") from None
    for name, (text, overwrite) in files.items():
        target = out_dir / name
        if not overwrite and not args.force_hooks and target.exists():
            print(f"kept {target} (your hooks; --force-hooks rewrites it)")
            continue
        write_text(str(target), text)
        print(f"wrote {target}")
    return 0
