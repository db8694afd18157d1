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

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator

Pointer = tuple  # tuple[str | int, ...]

#: Kinds of input a catalogue can come from.
MANIFEST = "manifest"
INF = "inf"
HEADER = "header"


class Record:
    """A plain record: fields in ``__slots__``, a dataclass-style repr and equality.

    The model's classes are written out by hand rather than with
    ``@dataclass``: importing dataclasses and generating the classes cost
    ~10 ms of a ~30 ms ``mapisvc check`` run (a pre-commit hook starts one per
    commit).  Records that are not frozen are unhashable, as dataclasses are.
    """

    __slots__ = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]


class FrozenRecord(Record):
    """A record used as a value (compared and hashed); never changed after creation."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())


class Span(FrozenRecord):
    """A region of a text: 1-based line and column; ``end_column`` is exclusive.

    Columns count characters (Unicode code points), not bytes.
    """

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, line: int, column: int, end_line: int, end_column: int):
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column


class Loc(FrozenRecord):
    """Where something is, before its line and column are known.

    ``part`` is ``"key"`` (the member's name, a table header, an INF key) or
    ``"value"``.  ``offset``/``length`` narrow a value to a piece of it, in
    characters: one flag inside ``SERVICE_A | SERVICE_B``, one name inside
    ``Providers=A, B``.
    """

    __slots__ = ("pointer", "part", "offset", "length")

    def __init__(self, pointer: Pointer, part: str = "key", offset: int = 0,
                 length: int | None = None):
        self.pointer = pointer
        self.part = part
        self.offset = offset
        self.length = length

    def value(self) -> "Loc":
        return Loc(self.pointer, "value")


class Item(Record):
    """One element of a list-like value (a flag, a provider name, a file)."""

    __slots__ = ("value", "loc")

    def __init__(self, value: Any, loc: Loc):
        self.value = value
        self.loc = loc


class Entry(Record):
    """One member of a section or property, whatever the input format.

    ``key`` is the member name in the model (``dll``, ``flags``, ``settings``
    keys as written); ``label`` is how the *input* names it, for messages
    (``dll`` in a manifest, ``PR_PROVIDER_DLL_NAME`` in MAPISVC.INF).
    ``value`` is typed for manifests and the raw text for INF; ``items`` holds
    the parsed elements of list-like members (flags, providers, files).
    """

    __slots__ = ("key", "label", "value", "pointer", "raw", "items")

    def __init__(self, key: str, label: str, value: Any, pointer: Pointer,
                 raw: str | None = None, items: list[Item] | None = None):
        self.key = key
        self.label = label
        self.value = value
        self.pointer = pointer
        self.raw = raw
        self.items = items

    @property
    def loc(self) -> Loc:
        return Loc(self.pointer, "key")

    @property
    def value_loc(self) -> Loc:
        return Loc(self.pointer, "value")


class Section(Record):
    """A named part of the catalogue: a service, provider or extra section.

    ``members`` holds the members MAPI defines (``dll``, ``flags``, …) by model
    name; ``settings`` holds every other entry (custom and raw tags) in the
    order written.  ``kind`` is ``service``, ``provider``, ``extra`` or, for an
    INF section nothing refers to and that has no telling entries, ``unknown``.
    """

    __slots__ = ("name", "kind", "pointer", "members", "settings")

    def __init__(self, name: str, kind: str, pointer: Pointer,
                 members: dict[str, Entry] | None = None, settings: list[Entry] | None = None):
        self.name = name
        self.kind = kind
        self.pointer = pointer
        self.members = {} if members is None else members
        self.settings = [] if settings is None else settings

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


class Property(Record):
    """A custom property tag declared in a manifest (or defined in a header)."""

    __slots__ = ("name", "pointer", "members")

    def __init__(self, name: str, pointer: Pointer, members: dict[str, Entry] | None = None):
        self.name = name
        self.pointer = pointer
        self.members = {} if members is None else members

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


class Catalogue(Record):
    """Everything one input file says about message services.

    ``services``, ``providers``, ``sections`` and ``properties`` are keyed by
    the name as written; readers keep the first of two names equal ignoring
    case and report the second (MS003).  ``unknown`` holds INF sections that
    are neither global, service, provider nor listed extra sections.
    ``inf`` is the lossless INF document when the input was MAPISVC.INF.
    """

    __slots__ = ("path", "kind", "source", "manifest_version", "services", "providers", "sections",
                 "properties", "unknown", "services_list", "default_services", "help_files",
                 "data", "inf", "extra_known")

    def __init__(self, path: str, kind: str, source: SourceMap,
                 manifest_version: Entry | None = None,
                 services: dict[str, Section] | None = None,
                 providers: dict[str, Section] | None = None,
                 sections: dict[str, Section] | None = None,
                 properties: dict[str, Property] | None = None,
                 unknown: dict[str, Section] | None = None,
                 services_list: list[Entry] | None = None,
                 default_services: list[Entry] | None = None,
                 help_files: list[Entry] | None = None,
                 data: Any = None, inf: Any = None, extra_known: Any = None):
        self.path = path
        self.kind = kind  # MANIFEST or INF
        self.source = source
        self.manifest_version = manifest_version
        self.services = {} if services is None else services
        self.providers = {} if providers is None else providers
        self.sections = {} if sections is None else sections
        self.properties = {} if properties is None else properties
        self.unknown = {} if unknown is None else unknown
        # INF only: the entries of the global sections, in file order.
        self.services_list = [] if services_list is None else services_list
        self.default_services = [] if default_services is None else default_services
        self.help_files = [] if help_files is None else help_files
        # The parsed data as read (manifest dict), for the schema check.
        self.data = data
        self.inf = inf  # validator.readers.inf.InfDocument
        # Names of well-known tags learned from the user's MAPI headers, if any.
        self.extra_known = extra_known

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


class Finding(Record):
    """One problem found, with where it is and, optionally, a related place."""

    __slots__ = ("code", "message", "loc", "severity", "help", "related", "span")

    def __init__(self, code: str, message: str, loc: Loc | None = None,
                 severity: str | None = None, help: str | None = None,
                 related: list[tuple[Loc | Span, str]] | None = None, span: Span | None = None):
        self.code = code
        self.message = message
        self.loc = loc
        self.severity = severity  # None: the rule's default
        self.help = help
        self.related = [] if related is None else related
        self.span = span  # set directly by readers that know it (syntax errors)
