"""``mapisvc install`` / ``mapisvc uninstall``: merge into / remove from MAPISVC.INF, losslessly.

Every byte the manifest does not concern stays as it was.  The file is
replaced atomically (a temporary file in its directory, flushed, fsynced,
renamed; permissions kept) after the original is saved as ``INF.bak``;
``--dry-run`` prints a unified diff and writes nothing.  See
:mod:`validator.install` for what install adds and uninstall removes.
"""

from __future__ import annotations

import os
import sys

from ..cli import UsageError


def add_arguments(parser, name: str) -> None:
    parser.add_argument("manifest", metavar="MANIFEST", help="the manifest (TOML or JSON)")
    if name == "install":
        parser.add_argument("--into", required=True, metavar="INF", dest="inf",
                            help="the MAPISVC.INF file to merge into")
        parser.add_argument("--force", action="store_true",
                            help="overwrite sections and lines that exist with other content")
    else:
        parser.add_argument("--from", required=True, metavar="INF", dest="inf",
                            help="the MAPISVC.INF file to remove the manifest's entries from")
    parser.add_argument("--dry-run", action="store_true",
                        help="print a unified diff of the change and write nothing")
    parser.add_argument("--no-backup", action="store_true",
                        help="do not keep the original as INF.bak (by default each change"
                        " saves the file as it was before it there)")


def run(args) -> int:
    from .. import install as installer
    from ..generate.inf import plan
    from ._output import load_manifest, read_bytes
    from .inf import read_inf_text

    cat = load_manifest(args.manifest)
    inf_plan = plan(cat)
    original = read_bytes(args.inf)
    doc = read_inf_text(args.inf)
    try:
        if args.command == "install":
            changed = installer.install(doc, inf_plan, force=args.force)
        else:
            changed = installer.uninstall(doc, inf_plan)
        data = installer.encode(changed, args.inf)
    except installer.InstallError as err:
        raise UsageError(f"{args.inf}: {err}") from None
    verb = "install" if args.command == "install" else "uninstall"
    if data == original:
        print(f"{args.inf}: nothing to {verb}: already "
              + ("has the manifest's entries" if verb == "install" else "free of them"),
              file=sys.stderr)
        return 0
    if args.dry_run:
        sys.stdout.write(installer.unified_diff(doc, changed, args.inf))
        return 0
    # Replace the file a symbolic link points to, not the link.
    target = os.path.realpath(args.inf)
    try:
        if args.no_backup:
            from ..atomic import write_bytes

            write_bytes(target, data)
            backup = None
        else:
            backup = installer.write_with_backup(target, original, data)
    except OSError as err:
        raise UsageError(f"cannot write {args.inf}: {err.strerror or err}; the file is unchanged") from None
    names = ", ".join(cat.services) or ", ".join(s.name for s in inf_plan.sections) or "nothing"
    done = "installed" if verb == "install" else "uninstalled"
    print(f"{args.inf}: {done} {names}" + (f" (original kept as {backup})" if backup else ""),
          file=sys.stderr)
    return 0
