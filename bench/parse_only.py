"""The parse-only floor: read and parse files with the parser mapisvc ships, nothing else.

``python bench/parse_only.py [--parser=tomllib] FILE...`` reads each file,
decodes it and parses it with ``validator.readers.manifest.parse_json`` /
``parse_toml`` (what ``mapisvc check`` runs first: json, and the pinned tomli),
in one process, one file after the other.  ``--parser=tomllib`` parses TOML
with the standard library's tomllib instead, the alternative mapisvc measured.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    parser = "shipped"
    if argv[:1] and argv[0].startswith("--parser="):
        parser = argv.pop(0).split("=", 1)[1]
    from validator.readers.manifest import parse_json, parse_toml

    if parser == "tomllib":
        import tomllib

        def parse_toml(text: str, path: str):  # noqa: F811 - the alternative on purpose
            return tomllib.loads(text), []

    for path in argv:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
        data, findings = (parse_json if path.endswith(".json") else parse_toml)(text, path)
        if data is None:
            print(f"{path}: does not parse", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
