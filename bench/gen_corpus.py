"""Generate the benchmark corpus: many realistic manifests and one huge one.

``python bench/gen_corpus.py [OUT]`` writes, under ``OUT`` (default
``bench/out/corpus``):

- ``json/m0000.json`` … and ``toml/m0000.toml`` …: 1,000 manifests (by
  default) of about 180 custom properties each, with services, providers, an
  extra section and settings, in both formats (same content);
- ``big/big50000.toml|json``: one manifest of 50,000 properties, and
  ``big/big5000.toml|json`` (a tenth of it) for the 1× vs 10× scaling figure.

The output is deterministic (a fixed seed) and valid: ``mapisvc check`` reports
nothing on it, so the figures measure the clean path a pre-commit hook takes
on almost every commit.  A stamp file records the parameters; the corpus is
regenerated only when they change.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

VERSION = 4  # bump when the generated text changes
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out" / "corpus"

SIMPLE_TYPES = ("PT_UNICODE", "PT_LONG", "PT_BOOLEAN", "PT_BINARY", "PT_STRING8", "PT_SYSTIME",
                "PT_MV_UNICODE", "PT_I8", "PT_CLSID", "PT_DOUBLE")
PROVIDER_TYPES = (("MS", "MAPI_STORE_PROVIDER", "Message Store"),
                  ("AB", "MAPI_AB_PROVIDER", "Directory"),
                  ("XP", "MAPI_TRANSPORT_PROVIDER", "Transport"))
# Fixed IDs for profile-section properties live in 0x6600-0x67EF (0x67F0 and
# up are secure); beyond that, properties are named (property set + name).
FIRST_ID, LAST_FIXED_ID = 0x6600, 0x67EF
PS_PUBLIC_STRINGS = "{00020329-0000-0000-C000-000000000046}"


def _property(rng: random.Random, vendor: str, index: int) -> tuple[str, dict]:
    name = f"PR_{vendor}_SETTING_{index:05d}"
    ptype = SIMPLE_TYPES[rng.randrange(len(SIMPLE_TYPES))]
    prop: dict = {}
    if FIRST_ID + index <= LAST_FIXED_ID:
        prop["id"] = FIRST_ID + index
    else:
        prop["set"] = PS_PUBLIC_STRINGS
        prop["name"] = f"{vendor.lower()}-setting-{index}"
    prop["type"] = ptype
    prop["description"] = f"Setting {index} of the {vendor} provider (generated for the benchmark)."
    if ptype == "PT_UNICODE":
        prop["max_length"] = rng.choice((64, 255, 1024))
        if rng.random() < 0.3:
            prop["default"] = f"value-{index}"
    elif ptype == "PT_LONG":
        if rng.random() < 0.4:
            prop["values"] = {f"{vendor}_MODE_{index}_{v}": v for v in range(rng.randint(2, 4))}
        else:
            prop["minimum"] = 0
            prop["maximum"] = rng.choice((100, 65535, 2147483647))
            prop["default"] = rng.randint(0, 100)
    elif ptype == "PT_BOOLEAN" and rng.random() < 0.5:
        prop["default"] = True
    return name, prop


def manifest(seed: int, n_properties: int) -> dict:
    """A valid manifest with ``n_properties`` custom properties."""
    rng = random.Random(seed)
    vendor = f"V{seed:05d}"
    service = f"{vendor}_SVC"
    dll = f"{vendor.lower()}mapi.dll"  # never ending in "32" (MS601)
    properties = dict(_property(rng, vendor, i) for i in range(n_properties))
    fixed = [n for n, p in properties.items() if "id" in p]
    settable = [n for n in fixed if properties[n]["type"] in ("PT_UNICODE", "PT_LONG")][:6]

    def settings() -> dict:
        out = {}
        for name in rng.sample(settable, k=min(2, len(settable))):
            prop = properties[name]
            if prop["type"] == "PT_UNICODE":
                out[name] = f"{vendor.lower()}.example.com"
            elif "values" in prop:
                out[name] = next(iter(prop["values"]))
            else:
                out[name] = 1
        return out

    providers = {}
    for suffix, ptype, display in PROVIDER_TYPES:
        section: dict = {"type": ptype, "dll": dll, "display": f"{vendor} {display}"}
        if suffix == "MS":
            section["flags"] = ["STATUS_DEFAULT_STORE", "STATUS_PRIMARY_IDENTITY"]
            section["mdb_provider"] = "{%08X-0000-4000-8000-%012X}" % (seed, seed)
        elif suffix == "AB":
            section["ab_provider_id"] = "{%08X-0001-4000-8000-%012X}" % (seed, seed)
        section["settings"] = settings()
        providers[f"{vendor}_{suffix}"] = section
    return {
        "manifest_version": 1,
        "services": {service: {
            "display_name": f"{vendor} Mail",
            "dll": dll,
            "entry": "ServiceEntry",
            "flags": ["SERVICE_SINGLE_COPY", "SERVICE_PRIMARY_IDENTITY"],
            "support_files": [dll],
            "providers": list(providers),
            "sections": [f"{vendor}_GLOBAL"],
            "settings": settings(),
        }},
        "providers": providers,
        "sections": {f"{vendor}_GLOBAL": {"uid": "%032X" % (seed * 7919 + 1), "settings": settings()}},
        "properties": properties,
    }


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for our ASCII texts
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def to_toml(data: dict) -> str:
    """The manifest as a user writes it: tables per object, hex property IDs."""
    out = [f"manifest_version = {data['manifest_version']}", ""]
    for table in ("services", "providers", "sections", "properties"):
        for name, body in data.get(table, {}).items():
            out.append(f"[{table}.{name}]")
            for key, value in body.items():
                text = f"0x{value:04X}" if key == "id" else _toml_value(value)
                out.append(f"{key} = {text}")
            out.append("")
    return "\n".join(out)


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"


def generate(out: Path, files: int, per_file: int, big: int) -> None:
    stamp = out / "STAMP"
    wanted = json.dumps({"version": VERSION, "files": files, "per_file": per_file, "big": big})
    if stamp.exists() and stamp.read_text() == wanted:
        return
    for sub in ("json", "toml", "big"):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for old in (out / sub).iterdir():
            old.unlink()
    for i in range(files):
        data = manifest(i + 1, per_file)
        (out / "json" / f"m{i:04d}.json").write_text(to_json(data))
        (out / "toml" / f"m{i:04d}.toml").write_text(to_toml(data))
    for n in (big // 10, big):
        data = manifest(90_000 + n, n)
        (out / "big" / f"big{n}.json").write_text(to_json(data))
        (out / "big" / f"big{n}.toml").write_text(to_toml(data))
    stamp.write_text(wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--per-file", type=int, default=180)
    parser.add_argument("--big", type=int, default=50_000)
    args = parser.parse_args(argv)
    generate(args.out, args.files, args.per_file, args.big)
    print(f"corpus: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
