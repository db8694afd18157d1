"""Finding the files to check: explicit paths, walked directories, excludes.

A walked directory yields MAPISVC.INF files (``*.inf`` in any case) and the
TOML/JSON files that are manifests: repositories are full of other TOML and
JSON (pyproject.toml, package.json) that mapisvc must not lint.  A file named
on the command line is always checked.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules",
                   "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", "build", "dist")

_MANIFEST_TOML = re.compile(rb"^\s*(manifest_version\s*=|\[\s*(services|providers|sections|properties)\s*[.\]])",
                            re.MULTILINE)
_MANIFEST_JSON = re.compile(rb'"manifest_version"\s*:|"\$schema"\s*:\s*"[^"]*manifest\.schema\.json"')


@dataclass(slots=True)
class Problem:
    """A path that could not be walked or read: reported, the rest still checked."""

    path: str
    message: str


def is_excluded(path: str, patterns: tuple[str, ...]) -> bool:
    parts = Path(path).parts
    posix = Path(path).as_posix()
    for pattern in patterns:
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
        if fnmatch.fnmatch(posix, pattern) or fnmatch.fnmatch(posix, f"*/{pattern}"):
            return True
    return False


def looks_like_manifest(path: str, head: bytes) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return bool(_MANIFEST_TOML.search(head))
    if suffix == ".json":
        # JSON Schemas and other tools' JSON mention manifest keys too: look at
        # the top level when the file parses, at the text when it does not.
        import json

        try:
            data = json.loads(head)
        except (ValueError, RecursionError):
            return bool(_MANIFEST_JSON.search(head))
        return isinstance(data, dict) and (
            "manifest_version" in data
            or str(data.get("$schema", "")).endswith("manifest.schema.json"))
    return False


def walk(root: str, exclude: tuple[str, ...]) -> Iterator[str | Problem]:
    """Files under ``root`` worth checking, in a stable order.

    Symlinked directories are not followed (no loops); unreadable directories
    become :class:`Problem` entries.
    """
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        for err in errors:
            yield Problem(err.filename or dirpath, f"cannot read directory: {err.strerror}")
        errors.clear()
        dirnames[:] = sorted(d for d in dirnames
                             if not is_excluded(os.path.join(dirpath, d), exclude)
                             and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if is_excluded(path, exclude):
                continue
            suffix = Path(name).suffix.lower()
            if suffix == ".inf":
                yield path
            elif suffix in (".toml", ".json"):
                try:
                    with open(path, "rb") as handle:
                        head = handle.read(65536)
                except OSError as err:
                    yield Problem(path, f"cannot read: {err.strerror}")
                    continue
                if looks_like_manifest(path, head):
                    yield path
    for err in errors:
        yield Problem(err.filename or root, f"cannot read directory: {err.strerror}")


def collect(paths: list[str], exclude: tuple[str, ...] = DEFAULT_EXCLUDE) -> Iterator[str | Problem]:
    for path in paths:
        if path == "-":
            yield path
        elif os.path.isdir(path):
            yield from walk(path, exclude)
        elif os.path.exists(path):
            yield path
        else:
            yield Problem(path, "no such file or directory")
