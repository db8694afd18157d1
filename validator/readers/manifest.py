"""TOML and JSON manifests: parse, then map the data into the model.

Parsing uses ``json`` and a pinned ``tomli`` (the same reader as the
standard library's ``tomllib``, one version everywhere, compiled where a wheel
exists);
positions come from :mod:`.toml_source` / :mod:`.json_source`, which run only
when a finding needs a line and column.
"""

from __future__ import annotations

import _thread  # a lock without the threading module's import cost
import gc
import json
import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from ..model import MANIFEST, Catalogue, Entry, Finding, Item, Loc, Property, Section, SourceMap, Span

# Members whose value is a list of names; each element gets its own position.
LIST_MEMBERS = frozenset({"flags", "support_files", "delete_files", "providers", "sections"})
# Property members that map constant names to numbers.
CONSTANT_TABLES = frozenset({"values", "flags"})

_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_ERROR_END = re.compile(r"\(at end of document\)")


class _LazyLocator:
    """Builds the position index of a text on first use."""

    def __init__(self, text: str, indexer):
        self._text = text
        self._indexer = indexer
        self._index = None

    def __call__(self, pointer: tuple, part: str) -> Span | None:
        if self._index is None:
            self._index = self._indexer(self._text)
        if part == "key":
            return self._index.key_span(pointer)
        return self._index.value_span(pointer)


def _index_toml(text: str):
    from .toml_source import index_toml

    return index_toml(text)


def _index_json(text: str):
    from .json_source import scan_json

    return scan_json(text)


def parse_toml(text: str, path: str) -> tuple[Any, list[Finding]]:
    # tomli, pinned to one version (pyproject.toml), not the stdlib's tomllib:
    # the same TOML 1.0 reader on every Python version and platform, so a
    # manifest never passes on one machine and fails on another, and its
    # compiled wheel parses about twice as fast (README, Performance).
    import tomli

    try:
        return tomli.loads(text), []
    except tomli.TOMLDecodeError as err:
        message = str(err)
        match = _TOML_ERROR_AT.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
        else:
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        message = _TOML_ERROR_AT.sub("", _TOML_ERROR_END.sub("", message)).strip()
        return None, [Finding("MS001", f"invalid TOML: {message}",
                              span=Span(line, column, line, column + 1))]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str, path: str) -> tuple[Any, list[Finding]]:
    duplicate = False

    def pairs(items: list[tuple[str, Any]]) -> dict:
        nonlocal duplicate
        result = dict(items)
        if len(result) != len(items):
            duplicate = True
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        data = None
    if data is not None and not duplicate:
        return data, []
    # Slow path: the position scanner knows exactly where and what is wrong.
    from .json_source import JsonSyntaxError, scan_json

    try:
        index = scan_json(text)
    except JsonSyntaxError as err:
        return None, [Finding("MS001", f"invalid JSON: {err.message}",
                              span=Span(err.line, err.column, err.line, err.column + 1))]
    findings = []
    for pointer, first, again in index.duplicates:
        findings.append(Finding(
            "MS002", f"key '{pointer[-1]}' appears twice in one object; JSON readers keep only one"
            " of them", span=again, related=[(first, "first written here")],
            help="remove or rename one of the two members"))
    if data is None:  # json.loads failed where the scanner did not (deep nesting)
        return None, findings or [Finding("MS005", "JSON nesting is too deep to read",
                                          span=Span(1, 1, 1, 2))]
    return data, findings


def _entry(key: str, value: Any, pointer: tuple) -> Entry:
    entry = Entry(key, key, value, pointer)
    if key in LIST_MEMBERS and isinstance(value, list):
        entry.items = [Item(v, Loc(pointer + (i,), "value")) for i, v in enumerate(value)]
    return entry


def _settings(table: Any, pointer: tuple) -> list[Entry]:
    if not isinstance(table, dict):
        return []
    return [Entry(key, key, value, pointer + (key,)) for key, value in table.items()]


def _section(name: str, data: Any, kind: str, pointer: tuple) -> Section:
    section = Section(name=name, kind=kind, pointer=pointer)
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "settings":
                section.settings = _settings(value, pointer + ("settings",))
            else:
                section.members[key] = _entry(key, value, pointer + (key,))
    return section


def parse_int(value: Any) -> Any:
    """An integer, or a JSON ``"0x6600"`` string, as int; anything else unchanged."""
    if isinstance(value, str) and re.fullmatch(r"0[xX][0-9A-Fa-f]+", value.strip()):
        return int(value.strip(), 16)
    return value


def _property(name: str, data: Any, pointer: tuple) -> Property:
    prop = Property(name=name, pointer=pointer)
    if not isinstance(data, dict):
        return prop
    for key, value in data.items():
        entry = Entry(key, key, value, pointer + (key,))
        if key in ("id", "lid"):
            entry.raw = value if isinstance(value, str) else None
            entry.value = parse_int(value)
        elif key in CONSTANT_TABLES and isinstance(value, dict):
            entry.items = [Item(const, Loc(pointer + (key, const), "key")) for const in value]
        prop.members[key] = entry
    return prop


def build_catalogue(data: Any, path: str, source: SourceMap) -> tuple[Catalogue, list[Finding]]:
    cat = Catalogue(path=path, kind=MANIFEST, source=source, data=data)
    findings: list[Finding] = []
    if not isinstance(data, dict):
        return cat, findings
    if "manifest_version" in data:
        cat.manifest_version = Entry("manifest_version", "manifest_version",
                                     data["manifest_version"], ("manifest_version",))
    # Services, providers and extra sections all become MAPISVC.INF sections,
    # so their names share one case-insensitive namespace (MS003).
    seen: dict[str, tuple] = {}
    for table_name, kind, table in (("services", "service", cat.services),
                                    ("providers", "provider", cat.providers),
                                    ("sections", "extra", cat.sections)):
        raw = data.get(table_name)
        if not isinstance(raw, dict):
            continue
        for name, value in raw.items():
            pointer = (table_name, name)
            folded = name.strip().casefold()
            if folded in seen:
                first = seen[folded]
                findings.append(Finding(
                    "MS003", f"'{name}' and '{first[1]}' name the same MAPISVC.INF section"
                    " (MAPI compares section names ignoring case)", Loc(pointer),
                    related=[(Loc(first), "the other one")],
                    help="rename one of them"))
            else:
                seen[folded] = pointer
            table[name] = _section(name, value, kind, pointer)
    raw_props = data.get("properties")
    if isinstance(raw_props, dict):
        for name, value in raw_props.items():
            cat.properties[name] = _property(name, value, ("properties", name))
    return cat, findings


class _GcPause:
    """Pauses the cycle collector while documents become objects (threads may overlap).

    Parsing and mapping a big manifest build hundreds of thousands of objects
    that all stay alive and form no cycle; the collector's repeated passes
    over them find nothing and cost as much as the parsing itself (a
    50,000-property manifest: 0.35 s of 0.55 s).  When a read built that
    many, they are moved straight to the oldest generation on leaving
    (``gc.freeze()`` then ``gc.unfreeze()``) instead of being scanned young,
    then middle-aged, then old.  Reference counting frees everything as usual;
    a cycle that was young then waits for the next full pass.
    """

    #: Objects built (net) above which they are moved to the oldest generation.
    MOVE_OLD = 100_000

    def __init__(self) -> None:
        self._lock = _thread.allocate_lock()
        self._readers = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if self._readers == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._readers += 1

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._readers -= 1
            if self._readers == 0 and self._resume:
                if gc.get_count()[0] > self.MOVE_OLD:
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()


_gc_paused = _GcPause()


def read_manifest(text: str, path: str, fmt: str) -> tuple[Catalogue | None, list[Finding]]:
    """Read a manifest's text (``fmt`` is ``"toml"`` or ``"json"``)."""
    with _gc_paused:
        return _read_manifest(text, path, fmt)


def _read_manifest(text: str, path: str, fmt: str) -> tuple[Catalogue | None, list[Finding]]:
    if fmt == "toml":
        data, findings = parse_toml(text, path)
        locator = _LazyLocator(text, _index_toml)
    else:
        data, findings = parse_json(text, path)
        locator = _LazyLocator(text, _index_json)
    if data is None:
        return None, findings
    source = SourceMap(path, text, locator)
    cat, more = build_catalogue(data, path, source)
    return cat, findings + more
