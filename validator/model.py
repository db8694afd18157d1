"""The one model of a MAPI message-service catalogue.

Every input format (TOML and JSON manifests, MAPISVC.INF files) reads into a
:class:`Catalogue`; every rule reads from it and every generator writes from it.

Positions are kept as :class:`Loc` values (a pointer into the document plus the
part at fault) rather than as line/column numbers: a manifest without findings
never pays for computing positions.  :meth:`SourceMap.span` turns a ``Loc``
into a :class:`Span` only when a finding is reported.

Pointers are tuples of keys and indexes from the root of the document:
``("providers", "CONTOSO_MS", "flags", 1)`` in a manifest, ``("CONTOSO_MS",
"PR_RESOURCE_FLAGS")`` (section, key as written) in an INF file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

Pointer = tuple  # tuple[str | int, ...]

#: Kinds of input a catalogue can come from.
MANIFEST = "manifest"
INF = "inf"
HEADER = "header"


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a text: 1-based line and column; ``end_column`` is exclusive.

    Columns count characters (Unicode code points), not bytes.
    """

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Loc:
    """Where something is, before its line and column are known.

    ``part`` is ``"key"`` (the member's name, a table header, an INF key) or
    ``"value"``.  ``offset``/``length`` narrow a value to a piece of it, in
    characters: one flag inside ``SERVICE_A | SERVICE_B``, one name inside
    ``Providers=A, B``.
    """

    pointer: Pointer
    part: str = "key"
    offset: int = 0
    length: int | None = None

    def value(self) -> "Loc":
        return Loc(self.pointer, "value")


@dataclass(slots=True)
class Item:
    """One element of a list-like value (a flag, a provider name, a file)."""

    value: Any
    loc: Loc


@dataclass(slots=True)
class Entry:
    """One member of a section or property, whatever the input format.

    ``key`` is the member name in the model (``dll``, ``flags``, ``settings``
    keys as written); ``label`` is how the *input* names it, for messages
    (``dll`` in a manifest, ``PR_PROVIDER_DLL_NAME`` in MAPISVC.INF).
    ``value`` is typed for manifests and the raw text for INF; ``items`` holds
    the parsed elements of list-like members (flags, providers, files).
    """

    key: str
    label: str
    value: Any
    pointer: Pointer
    raw: str | None = None
    items: list[Item] | None = None

    @property
    def loc(self) -> Loc:
        return Loc(self.pointer, "key")

    @property
    def value_loc(self) -> Loc:
        return Loc(self.pointer, "value")


@dataclass(slots=True)
class Section:
    """A named part of the catalogue: a service, provider or extra section.

    ``members`` holds the members MAPI defines (``dll``, ``flags``, …) by model
    name; ``settings`` holds every other entry (custom and raw tags) in the
    order written.  ``kind`` is ``service``, ``provider``, ``extra`` or, for an
    INF section nothing refers to and that has no telling entries, ``unknown``.
    """

    name: str
    kind: str
    pointer: Pointer
    members: dict[str, Entry] = field(default_factory=dict)
    settings: list[Entry] = field(default_factory=list)

    @property
    def loc(self) -> Loc:
        return Loc(self.pointer, "key")

    def get(self, key: str) -> Entry | None:
        return self.members.get(key)

    def value(self, key: str, default: Any = None) -> Any:
        entry = self.members.get(key)
        return default if entry is None else entry.value

    def items(self, key: str) -> list[Item]:
        entry = self.members.get(key)
        if entry is None:
            return []
        if entry.items is not None:
            return entry.items
        return [Item(entry.value, entry.value_loc)]


@dataclass(slots=True)
class Property:
    """A custom property tag declared in a manifest (or defined in a header)."""

    name: str
    pointer: Pointer
    members: dict[str, Entry] = field(default_factory=dict)

    @property
    def loc(self) -> Loc:
        return Loc(self.pointer, "key")

    def get(self, key: str) -> Entry | None:
        return self.members.get(key)

    def value(self, key: str, default: Any = None) -> Any:
        entry = self.members.get(key)
        return default if entry is None else entry.value


class SourceMap:
    """Turns a :class:`Loc` into a :class:`Span`, computing positions lazily.

    ``locate`` is the reader's function from (pointer, part) to a span, or
    ``None`` when the pointer is not in the text (the nearest enclosing member
    is used then).
    """

    def __init__(self, path: str, text: str, locate: Callable[[Pointer, str], Span | None]):
        self.path = path
        self.text = text
        self._locate = locate
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def span(self, loc: Loc) -> Span:
        pointer = tuple(loc.pointer)
        part = loc.part
        while True:
            found = self._locate(pointer, part)
            if found is not None:
                break
            if not pointer:
                return Span(1, 1, 1, 1)
            # Not in the text (a missing member): point at its parent's key.
            pointer, part = pointer[:-1], "key"
        if loc.length is not None and part == loc.part and found.line == found.end_line:
            start = found.column + loc.offset
            return Span(found.line, start, found.line, start + max(loc.length, 1))
        return found


def null_locate(pointer: Pointer, part: str) -> Span | None:
    return None


@dataclass(slots=True)
class Catalogue:
    """Everything one input file says about message services.

    ``services``, ``providers``, ``sections`` and ``properties`` are keyed by
    the name as written; readers keep the first of two names equal ignoring
    case and report the second (MS003).  ``unknown`` holds INF sections that
    are neither global, service, provider nor listed extra sections.
    ``inf`` is the lossless INF document when the input was MAPISVC.INF.
    """

    path: str
    kind: str  # MANIFEST or INF
    source: SourceMap
    manifest_version: Entry | None = None
    services: dict[str, Section] = field(default_factory=dict)
    providers: dict[str, Section] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    properties: dict[str, Property] = field(default_factory=dict)
    unknown: dict[str, Section] = field(default_factory=dict)
    # INF only: the entries of the global sections, in file order.
    services_list: list[Entry] = field(default_factory=list)
    default_services: list[Entry] = field(default_factory=list)
    help_files: list[Entry] = field(default_factory=list)
    # The parsed data as read (manifest dict), for the schema check.
    data: Any = None
    inf: Any = None  # validator.readers.inf.InfDocument
    # Names of well-known tags learned from the user's MAPI headers, if any.
    extra_known: Any = None

    @property
    def is_inf(self) -> bool:
        return self.kind == INF

    def all_sections(self) -> Iterator[Section]:
        yield from self.services.values()
        yield from self.providers.values()
        yield from self.sections.values()
        yield from self.unknown.values()

    def find_service(self, name: str) -> Section | None:
        return _find_nocase(self.services, name)

    def find_provider(self, name: str) -> Section | None:
        return _find_nocase(self.providers, name)

    def find_section(self, name: str) -> Section | None:
        return _find_nocase(self.sections, name)


def _find_nocase(table: dict[str, Any], name: str) -> Any:
    found = table.get(name)
    if found is not None:
        return found
    folded = name.casefold()
    for key, value in table.items():
        if key.casefold() == folded:
            return value
    return None


@dataclass(slots=True)
class Finding:
    """One problem found, with where it is and, optionally, a related place."""

    code: str
    message: str
    loc: Loc | None = None
    severity: str | None = None  # None: the rule's default
    help: str | None = None
    related: list[tuple[Loc | Span, str]] = field(default_factory=list)
    span: Span | None = None  # set directly by readers that know it (syntax errors)
