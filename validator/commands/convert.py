"""``mapisvc convert``: MAPISVC.INF → manifest, or TOML ↔ JSON.

From an INF file every entry is carried over (unknown entries go to
``settings`` under their raw tag); what a manifest cannot hold — comments,
lines that are no entries, a second entry with the same key — is listed on
standard error, never silently lost.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..cli import UsageError


def add_arguments(parser, name: str) -> None:
    parser.add_argument("file", metavar="FILE", help="a MAPISVC.INF file, or a TOML/JSON manifest")
    parser.add_argument("--to", choices=("toml", "json"),
                        help="output format (default: toml, or json for a TOML input)")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write to OUT (atomically) instead of standard output")
    parser.add_argument("--properties", metavar="MANIFEST",
                        help="take property declarations from MANIFEST: raw tags it declares get"
                        " its names, numbers its constant names")


def _input_kind(path: str, data: bytes) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".toml", ".json"):
        return suffix[1:]
    return "inf"


def run(args) -> int:
    from ..generate.manifest import from_inf, hex_int_keys, plain, to_json, to_toml
    from ._output import load_manifest, read_bytes, write_output

    data = read_bytes(args.file)
    kind = _input_kind(args.file, data)
    notes: list[str] = []
    if kind == "inf":
        from ..readers.inf import read_inf

        cat, findings = read_inf(data, args.file)
        if cat is None:
            first = findings[0]
            raise UsageError(f"{args.file}:{first.span.line}:{first.span.column}: {first.message}")
        properties = None
        if args.properties:
            source = load_manifest(args.properties)
            properties = (source.data or {}).get("properties") if isinstance(source.data, dict) else None
        manifest, notes = from_inf(cat, properties, findings)
    else:
        manifest = load_manifest(args.file).data
    target = args.to or ("json" if kind == "toml" else "toml")
    if target == "json":
        text = to_json(manifest)
    else:
        manifest = _toml_ready(manifest)
        schema = manifest.pop("$schema", None)
        try:
            text = hex_int_keys(to_toml(plain(manifest)))
            if isinstance(schema, str):
                text = f"#:schema {schema}\n" + text
        except (TypeError, ValueError) as err:
            raise UsageError(f"{args.file}: cannot be written as TOML: {err}") from None
    for note in notes:
        print(f"{args.file}: {note}", file=sys.stderr)
    write_output(text.encode("utf-8"), args.output, text)
    return 0


def _toml_ready(manifest: dict) -> dict:
    """A copy where JSON's ``"0x6600"`` ids become integers (TOML writes them as hex)."""
    from ..readers.manifest import parse_int

    out = dict(manifest)
    props = out.get("properties")
    if isinstance(props, dict):
        out["properties"] = {
            name: ({k: (parse_int(v) if k in ("id", "lid") else v) for k, v in prop.items()}
                   if isinstance(prop, dict) else prop)
            for name, prop in props.items()}
    return out
