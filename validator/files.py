"""Finding the files to check: explicit paths, walked directories, excludes.

A walked directory yields MAPISVC.INF files (``*.inf`` in any case) and the
TOML/JSON files that are manifests: repositories are full of other TOML and
JSON (pyproject.toml, package.json) that mapisvc must not lint.  A file named
on the command line is always checked.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator

from .model import Record

DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules",
                   "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", "build", "dist")

# Patterns compiled on first use (re caches them): only walking a directory or
# --force-exclude needs them, not checking the files named.
_MANIFEST_TOML = rb"(?m)^\s*(manifest_version\s*=|\[\s*(services|providers|sections|properties)\s*[.\]])"
_MANIFEST_JSON = rb'"manifest_version"\s*:|"\$schema"\s*:\s*"[^"]*manifest\.schema\.json"'


class Problem(Record):
    """A path that could not be walked or read: reported, the rest still checked."""

    __slots__ = ("path", "message")

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message


def _suffix(path: str) -> str:
    from .engine import _suffix

    return _suffix(path)


def _path_parts(path: str) -> tuple[tuple[str, ...], str]:
    """``PurePath(path).parts`` and ``.as_posix()``; pathlib costs ~4 ms of imports
    at start-up, so POSIX paths are split here the way PurePosixPath splits them."""
    if os.sep != "/":
        from pathlib import PurePath

        pure = PurePath(path)
        return pure.parts, pure.as_posix()
    root = ""
    if path.startswith("/"):
        root = "//" if path.startswith("//") and not path.startswith("///") else "/"
    rest = tuple(part for part in path.split("/") if part and part != ".")
    return ((root,) if root else ()) + rest, (root + "/".join(rest)) or "."


def is_excluded(path: str, patterns: tuple[str, ...]) -> bool:
    parts, whole = _exclude_matchers(tuple(patterns))
    path_parts, posix = _path_parts(path)
    return any(parts(part) for part in path_parts) or bool(whole(posix))


@lru_cache(maxsize=8)
def _exclude_matchers(patterns: tuple[str, ...]):
    """One compiled regex per use (a path part; the whole path) for all patterns.

    Same matches as ``fnmatch.fnmatch`` pattern by pattern, compiled once: a
    walk calls this for every file.
    """
    if not patterns:
        return (lambda text: None), (lambda text: None)
    norm = os.path.normcase
    # Names without wildcards (all of DEFAULT_EXCLUDE) are compared as strings:
    # translating and compiling them cost ~1 ms of every pre-commit run
    # (--force-exclude).  Only on POSIX, where normcase changes nothing.
    literal = frozenset(p for p in patterns if not _WILDCARDS.intersection(p)) if os.sep == "/" else frozenset()
    globs = [p for p in patterns if p not in literal]
    if not globs:
        return (lambda text: text in literal), (lambda text: _whole_literal(text, literal))
    import fnmatch

    part_re = re.compile("|".join(fnmatch.translate(norm(p)) for p in globs))
    whole_re = re.compile("|".join(fnmatch.translate(norm(p)) + "|" + fnmatch.translate(norm(f"*/{p}"))
                                   for p in globs))
    return ((lambda text: text in literal or part_re.match(norm(text))),
            (lambda text: _whole_literal(text, literal) or whole_re.match(norm(text))))


_WILDCARDS = frozenset("*?[")


def _whole_literal(text: str, literal: frozenset) -> bool:
    """What fnmatch would say for the whole path and a wildcard-free pattern p: p or */p."""
    if text in literal:
        return True
    slash = text.find("/")
    while slash >= 0:
        if text[slash + 1:] in literal:
            return True
        slash = text.find("/", slash + 1)
    return False


# JSON tokens that matter for finding top-level keys: strings and brackets.
_JSON_TOKEN = rb'(?s)"(?:[^"\\]|\\.)*"|[\[\]{}]'


def _json_top_level(head: bytes) -> bool:
    """Whether a top-level key of this JSON says it is a manifest.

    JSON Schemas and other tools' JSON mention manifest keys deeper down; the
    head may be cut short or invalid, so this scans tokens instead of parsing.
    """
    manifest_json = re.compile(_MANIFEST_JSON)
    if not manifest_json.search(head):
        return False
    depth = 0
    for token in re.finditer(_JSON_TOKEN, head):
        first = head[token.start()]
        if first == 0x22:  # '"'
            if depth == 1 and manifest_json.match(head, token.start()):
                return True
        elif first in b"[{":
            depth += 1
        else:
            depth -= 1
    return False


def _skip(path: str, root: str | None, exclude: tuple[str, ...], base: str | None) -> bool:
    """Whether an exclude pattern matches ``path``.

    Patterns are matched against the path below the walked ``root`` (so that a
    checkout under ``/home/me/build/`` is not excluded as a whole by ``build``)
    and, with ``base`` (the directory of the configuration that gave the
    patterns), against the path relative to it, so that ``vendor/*.inf`` means
    the same wherever mapisvc runs from.
    """
    below = os.path.relpath(path, root) if root is not None else path
    if is_excluded(below, exclude):
        return True
    if base is not None:
        relative = os.path.relpath(os.path.abspath(path), base)
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return is_excluded(relative, exclude)
    return False


def looks_like_manifest(path: str, head: bytes) -> bool:
    suffix = _suffix(path).lower()
    if suffix == ".toml":
        return bool(re.search(_MANIFEST_TOML, head))
    if suffix == ".json":
        return _json_top_level(head)
    return False


def walk(root: str, exclude: tuple[str, ...], base: str | None = None) -> Iterator[str | Problem]:
    """Files under ``root`` worth checking, in a stable order.

    Symlinked directories are not followed (no loops); unreadable directories
    become :class:`Problem` entries.
    """
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        for err in errors:
            yield Problem(err.filename or dirpath, f"cannot read directory: {err.strerror or err}")
        errors.clear()
        dirnames[:] = sorted(d for d in dirnames
                             if not _skip(os.path.join(dirpath, d), root, exclude, base)
                             and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if _skip(path, root, exclude, base):
                continue
            suffix = _suffix(name).lower()
            if suffix not in (".inf", ".toml", ".json"):
                continue
            try:
                # A FIFO or device named like a manifest would block the read:
                # only regular files (or links to them) are checked.
                if not stat.S_ISREG(os.stat(path).st_mode):
                    continue
                if suffix == ".inf":
                    yield path
                    continue
                with open(path, "rb") as handle:
                    head = handle.read(65536)
            except OSError as err:  # a dangling link, a link loop, no permission
                yield Problem(path, f"cannot read: {err.strerror or err}")
                continue
            if looks_like_manifest(path, head):
                yield path
    for err in errors:
        yield Problem(err.filename or root, f"cannot read directory: {err.strerror or err}")


def collect(paths: list[str], exclude: tuple[str, ...] = DEFAULT_EXCLUDE, base: str | None = None,
            force_exclude: bool = False) -> Iterator[str | Problem]:
    """The files to check.  A named file is always checked, unless ``force_exclude``
    (pre-commit passes every staged file by name): then it is filtered as if found
    by walking — excluded paths and TOML/JSON files that are not manifests are skipped.
    """
    for path in paths:
        if path == "-":
            yield path
        elif os.path.isdir(path):
            yield from walk(path, exclude, base)
        elif os.path.exists(path):
            if force_exclude and not _wanted(path, exclude, base):
                continue
            yield path
        elif os.path.lexists(path):  # a dangling symbolic link or a link loop
            try:
                os.stat(path)
            except OSError as err:
                yield Problem(path, f"cannot read: {err.strerror or err}")
        else:
            yield Problem(path, "no such file or directory")


def _wanted(path: str, exclude: tuple[str, ...], base: str | None) -> bool:
    if _skip(path, os.curdir, exclude, base):
        return False
    if _suffix(path).lower() in (".toml", ".json"):
        try:
            with open(path, "rb") as handle:
                return looks_like_manifest(path, handle.read(65536))
        except OSError:
            return True  # let the reader report it
    return True
