"""MAPISVC.INF: a lossless reader, and the mapping of its sections into the model.

The document keeps every line as written — text, line ending, order, case and
spacing — with the file's encoding and byte-order mark, so that
``InfDocument.to_bytes()`` gives back the input byte for byte.  Installers and
generators edit this document; rules read the :class:`~validator.model.Catalogue`
built from it.

Reading is tolerant: a line that is not a section header, an entry, a comment
or blank is reported (MS001) and reading goes on.
"""

from __future__ import annotations

import re

from ..model import INF, Catalogue, Entry, Finding, Item, Loc, Record, Section, SourceMap, Span

BLANK, COMMENT, SECTION, ENTRY, INVALID = "blank", "comment", "section", "entry", "invalid"

SERVICES, DEFAULT_SERVICES, HELP_FILE_MAPPINGS = "Services", "Default Services", "Help File Mappings"
GLOBAL_SECTIONS = (SERVICES, DEFAULT_SERVICES, HELP_FILE_MAPPINGS)

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_HEX_TAG = re.compile(r"[0-9A-Fa-f]{8}")


class DecodeError(Exception):
    """The bytes are not text in any encoding MAPISVC.INF may use (MS004)."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def decode(data: bytes) -> tuple[str, str, bytes]:
    """Return (text, codec, bom): UTF-8/UTF-16 with a BOM, else Windows-1252."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            break
    else:
        bom, codec, body = b"", "cp1252", data
    try:
        return body.decode(codec), codec, bom
    except UnicodeDecodeError as err:
        before = body[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        what = "Windows-1252" if codec == "cp1252" else codec.upper()
        raise DecodeError(
            f"byte 0x{body[err.start]:02X} cannot be decoded as {what}"
            " (MAPISVC.INF is UTF-8 or UTF-16 with a byte-order mark, else Windows-1252)",
            line, column) from None


class InfLine(Record):
    """One physical line: its text without the line ending, and the ending."""

    __slots__ = ("text", "ending", "kind", "name", "value", "name_start", "name_end",
                 "value_start", "value_end")

    def __init__(self, text: str, ending: str, kind: str = BLANK, name: str | None = None,
                 value: str | None = None, name_start: int = 0, name_end: int = 0,
                 value_start: int = 0, value_end: int = 0):
        self.text = text
        self.ending = ending
        self.kind = kind
        self.name = name  # section name or entry key, stripped
        self.value = value  # entry value, stripped
        self.name_start = name_start  # 0-based character offsets into ``text``
        self.name_end = name_end
        self.value_start = value_start
        self.value_end = value_end

    def replace(self, **changes) -> "InfLine":
        """A copy with some fields changed (as ``dataclasses.replace``)."""
        copy = InfLine(*self._values())
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy


class InfDocument(Record):
    """A MAPISVC.INF file as lines, exactly as read."""

    __slots__ = ("lines", "codec", "bom")

    def __init__(self, lines: list[InfLine], codec: str = "cp1252", bom: bytes = b""):
        self.lines = lines
        self.codec = codec
        self.bom = bom

    def text(self) -> str:
        return "".join(line.text + line.ending for line in self.lines)

    def to_bytes(self) -> bytes:
        return self.bom + self.text().encode(self.codec)

    @property
    def newline(self) -> str:
        """The line ending the file mostly uses (for lines an editor adds)."""
        endings = [line.ending for line in self.lines if line.ending]
        return max(set(endings), key=endings.count) if endings else "\r\n"


def parse_line(text: str, ending: str) -> InfLine:
    line = InfLine(text, ending)
    stripped = text.strip()
    if not stripped:
        return line
    lead = len(text) - len(text.lstrip())
    if stripped[0] in ";#":
        line.kind = COMMENT
        return line
    if stripped[0] == "[":
        close = text.find("]", lead)
        rest = text[close + 1:].strip() if close >= 0 else None
        if close < 0 or (rest and rest[0] not in ";#"):
            line.kind = INVALID
            return line
        line.kind = SECTION
        line.name = text[lead + 1:close].strip()
        line.name_start, line.name_end = lead, close + 1
        return line
    eq = text.find("=")
    key = text[:eq].strip() if eq >= 0 else ""
    if eq < 0 or not key:
        line.kind = INVALID
        return line
    line.kind = ENTRY
    line.name = key
    line.name_start = lead
    line.name_end = lead + len(text[lead:eq].rstrip())
    raw_value = text[eq + 1:]
    value = raw_value.strip()
    line.value = value
    line.value_start = eq + 1 + (len(raw_value) - len(raw_value.lstrip()))
    line.value_end = line.value_start + len(value)
    return line


def parse_document(text: str, codec: str = "cp1252", bom: bytes = b"") -> InfDocument:
    lines: list[InfLine] = []
    pos = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(parse_line(text[pos:match.start()], match.group()))
        pos = match.end()
    if pos < len(text):
        lines.append(parse_line(text[pos:], ""))
    return InfDocument(lines, codec, bom)


# --- from the document to the model -------------------------------------------------

# INF keys that are model members, by section kind.  Keys are compared in upper
# case; numeric forms of the same tags are folded in by ``member_for``.
SERVICE_MEMBERS = {
    "PR_SERVICE_DLL_NAME": "dll",
    "PR_SERVICE_ENTRY_NAME": "entry",
    "WIZARD_ENTRY_NAME": "wizard_entry",
    "PR_RESOURCE_FLAGS": "flags",
    "PR_SERVICE_SUPPORT_FILES": "support_files",
    "PR_SERVICE_DELETE_FILES": "delete_files",
    "PR_SERVICE_INSTALL_ID": "install_id",
    "PROVIDERS": "providers",
    "SECTIONS": "sections",
}
PROVIDER_MEMBERS = {
    "PR_RESOURCE_TYPE": "type",
    "PR_PROVIDER_DLL_NAME": "dll",
    "PR_PROVIDER_DISPLAY": "display",
    "PR_DISPLAY_NAME": "display_name",
    "PR_RESOURCE_FLAGS": "flags",
    "PR_MDB_PROVIDER": "mdb_provider",
    "PR_AB_PROVIDER_ID": "ab_provider_id",
    "PROVIDERS": "providers",
    "SECTIONS": "sections",
}
EXTRA_MEMBERS = {"UID": "uid"}

# Property IDs of the tags above, so that ``3D0A001E=`` means ``PR_SERVICE_DLL_NAME=``.
MEMBER_TAG_IDS = {
    0x3001: "PR_DISPLAY_NAME", 0x3006: "PR_PROVIDER_DISPLAY", 0x3009: "PR_RESOURCE_FLAGS",
    0x300A: "PR_PROVIDER_DLL_NAME", 0x3414: "PR_MDB_PROVIDER", 0x3615: "PR_AB_PROVIDER_ID",
    0x3D0A: "PR_SERVICE_DLL_NAME", 0x3D0B: "PR_SERVICE_ENTRY_NAME",
    0x3D0F: "PR_SERVICE_SUPPORT_FILES", 0x3D10: "PR_SERVICE_DELETE_FILES",
    0x3D13: "PR_SERVICE_INSTALL_ID", 0x3E03: "PR_RESOURCE_TYPE",
}
# Members whose value is a list, and the character that separates its items.
LIST_SEPARATORS = {"flags": "|", "support_files": ",", "delete_files": ",",
                   "providers": ",", "sections": ","}


def canonical_key(key: str) -> str:
    """The symbolic name for a member tag (``3D0A001E`` → ``PR_SERVICE_DLL_NAME``).

    ``_A``/``_W`` suffixes fold to the base name; any other key is returned in
    upper case.  Used to find members and to compare keys for duplicates.
    """
    upper = key.upper()
    if _HEX_TAG.fullmatch(key):
        return MEMBER_TAG_IDS.get(int(key[:4], 16), upper)
    if upper.endswith(("_A", "_W")) and upper[:-2] in _MEMBER_TAG_NAMES:
        return upper[:-2]
    return upper


_MEMBER_TAG_NAMES = frozenset(MEMBER_TAG_IDS.values())


def duplicate_identity(key: str) -> str:
    """Keys that name the same thing compare equal (MS002).

    A hex tag and a symbolic name are the same key when they have the same
    property ID; well-known names are resolved through the tag registry.
    """
    if _HEX_TAG.fullmatch(key):
        return "#" + key[:4].upper()
    canonical = canonical_key(key)
    prop_id = _NAME_IDS.get(canonical)
    if prop_id is None and canonical.startswith("PR_"):
        from ..tags import core_tags  # only when a non-member tag name is seen

        found = core_tags().lookup(canonical)
        if found:
            prop_id = found[0][0]
    return f"#{prop_id:04X}" if prop_id is not None else canonical


_NAME_IDS = {name: prop_id for prop_id, name in MEMBER_TAG_IDS.items()}


def split_items(value: str, separator: str, pointer: tuple, start: int) -> list[Item]:
    """Split a list value, keeping each item's character offset in the value."""
    items: list[Item] = []
    offset = 0
    for piece in value.split(separator):
        lead = len(piece) - len(piece.lstrip())
        name = piece.strip()
        if name:
            items.append(Item(name, Loc(pointer, "value", offset + lead, len(name))))
        offset += len(piece) + len(separator)
    return items


class _Builder:
    """Builds the catalogue from an InfDocument, reporting reading findings."""

    def __init__(self, doc: InfDocument, path: str):
        self.doc = doc
        self.path = path
        self.findings: list[Finding] = []
        # (section name as written, pointer, [(line index, InfLine)])
        self.raw_sections: list[tuple[str, tuple, list[tuple[int, InfLine]]]] = []
        self.spans: dict[tuple, tuple[Span, Span]] = {}
        self.leading: list[tuple[int, InfLine]] = []

    def locate(self, pointer: tuple, part: str) -> Span | None:
        spans = self.spans.get(pointer)
        if spans is None:
            return None
        return spans[0] if part == "key" else spans[1]

    def scan(self) -> None:
        seen_sections: dict[str, tuple] = {}
        current: list[tuple[int, InfLine]] | None = None
        for index, line in enumerate(self.doc.lines):
            number = index + 1
            if line.kind == INVALID:
                self.findings.append(Finding(
                    "MS001", _invalid_message(line),
                    span=Span(number, 1, number, len(line.text) + 1)))
            elif line.kind == COMMENT:
                if "#" == line.text.strip()[0] and "=" in line.text:
                    lead = len(line.text) - len(line.text.lstrip())
                    self.findings.append(Finding(
                        "MS006", "comment line starting with '#' contains '=': the Windows INI "
                        "reader takes it for an entry",
                        span=Span(number, lead + 1, number, len(line.text) + 1),
                        help="start the comment with ';' instead"))
            elif line.kind == SECTION:
                name = line.name
                pointer = (name,)
                header = Span(number, line.name_start + 1, number, line.name_end + 1)
                folded = name.casefold()
                if folded in seen_sections:
                    first = seen_sections[folded]
                    pointer = (name, f"#{number}")  # a second section of that name
                    self.findings.append(Finding(
                        "MS003", f"section [{name}] is defined twice (MAPI compares section names "
                        "ignoring case)", Loc(pointer),
                        related=[(Loc(first), "first defined here")],
                        help="merge the two sections into one"))
                else:
                    seen_sections[folded] = pointer
                self.spans[pointer] = (header, header)
                current = []
                self.raw_sections.append((name, pointer, current))
            elif line.kind == ENTRY:
                if current is None:
                    # Entries before any header: in a fragment that has no
                    # header at all they are one section's entries, shown
                    # alone; above a header they are lost to MAPI.
                    current = []
                    self.raw_sections.append(("", ("",), current))
                    self.leading = current
                current.append((index, line))

    def report_stray_entries(self) -> None:
        if self.leading and len(self.raw_sections) > 1:
            for index, line in self.leading:
                number = index + 1
                self.findings.append(Finding(
                    "MS001", f"entry '{line.name}' comes before any [section] header; MAPI"
                    " never reads it", span=Span(number, 1, number, len(line.text) + 1),
                    help="move it into the section it belongs to"))
            self.raw_sections = self.raw_sections[1:]

    def entries(self, section_pointer: tuple, lines: list[tuple[int, InfLine]]) -> list[Entry]:
        out: list[Entry] = []
        seen: dict[str, tuple] = {}
        for index, line in lines:
            number = index + 1
            pointer = section_pointer + (line.name,)
            identity = duplicate_identity(line.name)
            if identity in seen:
                pointer = section_pointer + (line.name, f"#{number}")
            key_span = Span(number, line.name_start + 1, number, line.name_end + 1)
            value_span = Span(number, line.value_start + 1, number, line.value_end + 1)
            self.spans[pointer] = (key_span, value_span)
            if identity in seen:
                self.findings.append(Finding(
                    "MS002", f"key '{line.name}' appears twice in section [{section_pointer[0]}]"
                    " (INF keys compare ignoring case; a tag name and its hex form are one key)",
                    Loc(pointer), related=[(Loc(seen[identity]), "first written here")],
                    help="keep one of the two entries"))
                continue
            seen[identity] = pointer
            out.append(Entry(line.name, line.name, line.value, pointer, raw=line.value))
        return out


def _invalid_message(line: InfLine) -> str:
    stripped = line.text.strip()
    if stripped.startswith("["):
        return "malformed section header: expected '[name]'"
    if stripped.startswith("="):
        return "entry without a key before '='"
    return ("line is not a section header, key=value entry, comment or blank line"
            " (a value wrapped onto a continuation line?)")


def build_catalogue(doc: InfDocument, path: str, text: str | None = None) -> tuple[Catalogue, list[Finding]]:
    """Map the sections of an INF document onto services, providers and sections."""
    builder = _Builder(doc, path)
    builder.scan()
    builder.report_stray_entries()
    source = SourceMap(path, doc.text() if text is None else text, builder.locate)
    cat = Catalogue(path=path, kind=INF, source=source, inf=doc)

    sections: dict[str, tuple[str, tuple, list[Entry]]] = {}  # folded stripped name → data
    globals_: dict[str, list[Entry]] = {}
    for name, pointer, lines in builder.raw_sections:
        entries = builder.entries(pointer, lines)
        if len(pointer) > 1:
            continue  # a duplicate section: reported, not mapped
        folded = name.strip().casefold()
        global_name = next((g for g in GLOBAL_SECTIONS if g.casefold() == folded), None)
        if global_name is not None:
            globals_[global_name] = entries
        else:
            sections[folded] = (name, pointer, entries)

    cat.services_list = globals_.get(SERVICES, [])
    cat.default_services = globals_.get(DEFAULT_SERVICES, [])
    cat.help_files = globals_.get(HELP_FILE_MAPPINGS, [])

    def has(entries: list[Entry], key: str) -> bool:
        return any(canonical_key(e.key) == key for e in entries)

    # Kinds: a section listed in a Providers= list is a provider; one that has
    # Providers= or is named in [Services] is a service; one named in
    # Sections= is an extra section; an unlisted section with provider entries
    # is an (orphan) provider.
    listed_providers = set()
    listed_sections = set()
    for _name, _pointer, entries in sections.values():
        for entry in entries:
            key = canonical_key(entry.key)
            if key == "PROVIDERS":
                listed_providers.update(p.strip().casefold() for p in entry.value.split(","))
            elif key == "SECTIONS":
                listed_sections.update(s.strip().casefold() for s in entry.value.split(","))
    in_services = {e.key.strip().casefold() for e in cat.services_list}

    for folded, (name, pointer, entries) in sections.items():
        if folded in listed_providers:
            kind, members = "provider", PROVIDER_MEMBERS
        elif has(entries, "PROVIDERS") or folded in in_services:
            kind, members = "service", SERVICE_MEMBERS
        elif folded in listed_sections:
            kind, members = "extra", EXTRA_MEMBERS
        elif has(entries, "PR_RESOURCE_TYPE") or has(entries, "PR_PROVIDER_DLL_NAME"):
            kind, members = "provider", PROVIDER_MEMBERS
        else:
            kind, members = "unknown", {}
        section = Section(name=name, kind=kind, pointer=pointer)
        for entry in entries:
            member = members.get(canonical_key(entry.key))
            if member is None or member in section.members:
                section.settings.append(entry)
                continue
            entry.key = member
            separator = LIST_SEPARATORS.get(member)
            if separator is not None:
                entry.items = split_items(entry.value, separator, entry.pointer, 0)
            section.members[member] = entry
        table = {"service": cat.services, "provider": cat.providers,
                 "extra": cat.sections, "unknown": cat.unknown}[kind]
        table[name] = section

    # The global sections give services their display name, default flag and help file.
    for member, listing in (("display_name", cat.services_list),
                            ("default", cat.default_services),
                            ("help_file", cat.help_files)):
        for entry in listing:
            service = cat.find_service(entry.key.strip())
            if service is not None and member not in service.members:
                service.members[member] = Entry(member, entry.key, entry.value, entry.pointer,
                                                raw=entry.raw)
    return cat, builder.findings


def read_inf(data: bytes, path: str) -> tuple[Catalogue | None, list[Finding]]:
    """Decode and read MAPISVC.INF bytes; a decoding failure is MS004."""
    try:
        text, codec, bom = decode(data)
    except DecodeError as err:
        return None, [Finding("MS004", err.message,
                              span=Span(err.line, err.column, err.line, err.column + 1))]
    doc = parse_document(text, codec, bom)
    return build_catalogue(doc, path, text)
