"""MAPISVC.INF out of a manifest, and what "the same INF" means.

:func:`generate` turns a manifest :class:`~validator.model.Catalogue` into the
sections an installer writes, in the order Microsoft's installer samples use
(mapi-facts §1.11): the ``[Services]`` line, the ``[Default Services]`` line,
the ``[Help File Mappings]`` line, then each service section followed by its
provider sections and its extra sections.  Within a service section the keys
follow the MergeWithMAPISVC tables (PR_DISPLAY_NAME, PR_SERVICE_DLL_NAME,
PR_SERVICE_ENTRY_NAME, PR_RESOURCE_FLAGS, Providers, PR_SERVICE_SUPPORT_FILES,
PR_SERVICE_DELETE_FILES); within a provider section, PR_RESOURCE_TYPE,
PR_PROVIDER_DLL_NAME, PR_RESOURCE_FLAGS, PR_DISPLAY_NAME, PR_PROVIDER_DISPLAY.

Values are written the way MAPI reads them (mapi-facts §1.9): flags joined with
`` | ``, lists with ``, ``, PT_LONG (and other integer types) as the
little-endian byte image in hex (``443`` → ``BB010000``), GUIDs as 32 hex
digits in MAPI (``bytes_le``) order, constant names of a property's
enumeration or flags resolved to numbers.  Custom settings are keyed by the
8-hex-digit tag of the declared property; PR_MDB_PROVIDER and
PR_AB_PROVIDER_ID are keyed by their hex tags too, as Microsoft's own files
write them (the symbolic names MAPI's reader knows are UNCONFIRMED).

:func:`normalise` / :func:`compare` give the semantic comparison that
``mapisvc inf --check`` (MS703) and the tests use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..mapi import PT_TYPES, guid_to_mapi_hex

# --- MAPI values ---------------------------------------------------------------------

#: PT_ names → type codes (mapi-facts §2.2), from :mod:`validator.mapi`: PT_TSTRING
#: counts as PT_UNICODE there, as in the rest of mapisvc (the UNICODE build).
PT_CODES = dict(PT_TYPES)

#: Integer types and the size of their little-endian byte image.
INT_BYTES = {0x0002: 2, 0x0003: 4, 0x000B: 2, 0x0014: 8}
STRING_TYPES = {0x001E, 0x001F}
MV_STRING_TYPES = {0x101E, 0x101F}
MV_INT_TYPES = {0x1000 | t for t in INT_BYTES if t != 0x000B}

_HEX8 = re.compile(r"[0-9A-Fa-f]{8}")
_RAW_TAG = re.compile(r"0[xX]([0-9A-Fa-f]{1,8})")
_HEX32 = re.compile(r"[0-9A-Fa-f]{32}")
_BRACED_GUID = re.compile(
    r"\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?")


def le_hex(value: int, size: int = 4) -> str:
    """The little-endian byte image of an integer as hex (``443`` → ``BB010000``)."""
    mask = (1 << (8 * size)) - 1
    return (value & mask).to_bytes(size, "little").hex().upper()


def from_le_hex(text: str, size: int = 4) -> int | None:
    """The signed integer a little-endian hex image stands for, or None."""
    text = text.strip()
    if len(text) != 2 * size or not re.fullmatch(r"[0-9A-Fa-f]+", text):
        return None
    return int.from_bytes(bytes.fromhex(text), "little", signed=True)


def mapi_uid(value: str) -> str:
    """A GUID ``{8-4-4-4-12}`` as 32 hex digits in MAPI byte order; other text unchanged."""
    text = value.strip()
    if _BRACED_GUID.fullmatch(text) and (text.startswith("{") == text.endswith("}")):
        return guid_to_mapi_hex(text)
    return value


def parse_raw_tag(key: str) -> int | None:
    """``"0x66090003"`` (manifest) or ``66090003`` (INF) → the tag; else None."""
    match = _RAW_TAG.fullmatch(key.strip())
    if match:
        return int(match.group(1), 16)
    if _HEX8.fullmatch(key.strip()):
        return int(key, 16)
    return None


def tag_key(tag: int) -> str:
    return f"{tag:08X}"


#: Keys Microsoft's own MAPISVC.INF files and docs write by name (mapi-facts §1.9);
#: every other well-known tag is written in hex, the form MAPI surely reads.
SYMBOLIC_KEYS = frozenset((
    "PR_DISPLAY_NAME", "PR_PROVIDER_DISPLAY", "PR_PROVIDER_DLL_NAME", "PR_RESOURCE_TYPE",
    "PR_RESOURCE_FLAGS", "PR_SERVICE_DLL_NAME", "PR_SERVICE_ENTRY_NAME", "PR_SERVICE_SUPPORT_FILES",
    "PR_SERVICE_DELETE_FILES", "PR_SERVICE_INSTALL_ID", "WIZARD_ENTRY_NAME", "UID", "PROVIDERS",
    "SECTIONS"))


def well_known_tag(name: str) -> int | None:
    """The tag of a well-known ``PR_`` name MAPISVC.INF should carry in hex, else None.

    Only mapisvc's curated core of tags is consulted, never the MAPI headers of
    the machine: the generated INF must not depend on what is installed.
    """
    from ..readers.inf import canonical_key

    name = name.strip()
    if not name.upper().startswith("PR_") or canonical_key(name) in SYMBOLIC_KEYS:
        return None
    from ..tags import core_tags

    return core_tags().tag_for(name)


# --- generation ------------------------------------------------------------------------

SERVICES, DEFAULT_SERVICES, HELP_FILE_MAPPINGS = "Services", "Default Services", "Help File Mappings"
GLOBAL_SECTIONS = (SERVICES, DEFAULT_SERVICES, HELP_FILE_MAPPINGS)

# (manifest member, INF key, how to write it)
SERVICE_LAYOUT = (
    ("display_name", "PR_DISPLAY_NAME", "text"),
    ("dll", "PR_SERVICE_DLL_NAME", "text"),
    ("entry", "PR_SERVICE_ENTRY_NAME", "text"),
    ("wizard_entry", "WIZARD_ENTRY_NAME", "text"),
    ("flags", "PR_RESOURCE_FLAGS", "flags"),
    ("providers", "Providers", "list"),
    ("sections", "Sections", "list"),
    ("support_files", "PR_SERVICE_SUPPORT_FILES", "list"),
    ("delete_files", "PR_SERVICE_DELETE_FILES", "list"),
    ("install_id", "PR_SERVICE_INSTALL_ID", "text"),
)
PROVIDER_LAYOUT = (
    ("type", "PR_RESOURCE_TYPE", "text"),
    ("dll", "PR_PROVIDER_DLL_NAME", "text"),
    ("flags", "PR_RESOURCE_FLAGS", "flags"),
    ("display_name", "PR_DISPLAY_NAME", "text"),
    ("display", "PR_PROVIDER_DISPLAY", "text"),
    ("mdb_provider", "34140102", "uid"),
    ("ab_provider_id", "36150102", "uid"),
)
EXTRA_LAYOUT = (("uid", "UID", "uid"),)
#: Members a service has outside its own section.
SERVICE_GLOBAL_MEMBERS = ("display_name", "default", "help_file")


@dataclass(slots=True)
class InfSection:
    """A section to write: its name and its ``(key, value)`` entries, in order.

    The name ``""`` stands for entries written before any section header (an
    INF fragment converted to a manifest and back).
    """

    name: str
    entries: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "service"


@dataclass(slots=True)
class InfPlan:
    """Everything one manifest puts into MAPISVC.INF."""

    globals: dict[str, list[tuple[str, str]]]
    sections: list[InfSection]

    def all_sections(self) -> list[InfSection]:
        out = [InfSection(name, lines, "global") for name, lines in self.globals.items() if lines]
        return out + self.sections


class Encoder:
    """Writes manifest values as INF text, knowing the manifest's declared properties."""

    def __init__(self, cat):
        self.properties = cat.properties
        self._folded = {name.casefold(): prop for name, prop in cat.properties.items()}

    def find_property(self, name: str):
        return self.properties.get(name) or self._folded.get(name.casefold())

    def property_tag(self, prop) -> int | None:
        prop_id = prop.value("id")
        type_name = prop.value("type")
        if not isinstance(prop_id, int) or isinstance(prop_id, bool) or not isinstance(type_name, str):
            return None
        code = PT_CODES.get(type_name.strip().upper())
        if code is None:
            return None
        return ((prop_id & 0xFFFF) << 16) | code

    def setting(self, key: str, value: Any) -> tuple[str, str]:
        """One ``settings`` entry as an INF ``(key, value)``."""
        prop = self.find_property(key)
        tag = self.property_tag(prop) if prop is not None else parse_raw_tag(key)
        if tag is None:
            tag = well_known_tag(key)
        if tag is None:
            # A name Microsoft's files use, or one mapisvc does not know: as given.
            return key, self.untyped(value)
        return tag_key(tag), self.typed(value, tag & 0xFFFF, prop)

    def constants(self, prop) -> dict[str, int]:
        out: dict[str, int] = {}
        if prop is None:
            return out
        for member in ("values", "flags"):
            table = prop.value(member)
            if isinstance(table, dict):
                out.update({k: v for k, v in table.items() if isinstance(v, int)})
        return out

    def number(self, value: Any, prop) -> int | None:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            found = self.constants(prop).get(value.strip())
            if found is not None:
                return found
        if isinstance(value, list) and value:
            total = 0
            for item in value:
                one = self.number(item, prop)
                if one is None or isinstance(item, list):
                    return None
                total |= one
            return total
        return None

    def typed(self, value: Any, ptype: int, prop) -> str:
        size = INT_BYTES.get(ptype)
        if size is not None:
            number = self.number(value, prop)
            if number is not None:
                return le_hex(number, size)
            return self.untyped(value)
        if ptype in MV_INT_TYPES and isinstance(value, list):
            numbers = [self.number(v, prop) for v in value]
            if all(n is not None for n in numbers):
                return ", ".join(le_hex(n, INT_BYTES[ptype & 0x0FFF]) for n in numbers)
        if ptype in (0x0102, 0x0048) and isinstance(value, str):
            return mapi_uid(value)
        return self.untyped(value)

    @staticmethod
    def untyped(value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, int):
            return le_hex(value)
        if isinstance(value, list):
            return ", ".join(Encoder.untyped(v) for v in value)
        return str(value)


def _write(value: Any, how: str) -> str | None:
    if value is None:
        return None
    if how == "flags":
        if isinstance(value, list):
            return " | ".join(str(v) for v in value)
        return str(value)
    if how == "list":
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)
    if how == "uid" and isinstance(value, str):
        return mapi_uid(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _section(section, layout, encoder: Encoder, kind: str, skip: tuple = ()) -> InfSection:
    out = InfSection(section.name, kind=kind)
    settings = [encoder.setting(entry.key, entry.value) for entry in section.settings]
    overridden = {_identity(key) for key, _value in settings}
    for member, key, how in layout:
        if member in skip or _identity(key) in overridden:
            continue
        text = _write(section.value(member), how)
        if text is not None:
            out.entries.append((key, text))
    out.entries.extend(settings)
    return out


def plan(cat) -> InfPlan:
    """The INF sections a manifest catalogue stands for."""
    encoder = Encoder(cat)
    globals_: dict[str, list[tuple[str, str]]] = {name: [] for name in GLOBAL_SECTIONS}
    sections: list[InfSection] = []
    written: set[str] = set()

    def add(section: InfSection) -> None:
        folded = section.name.casefold()
        if folded not in written:
            written.add(folded)
            sections.append(section)

    headless = cat.sections.get("")
    if headless is not None:
        add(_section(headless, EXTRA_LAYOUT, encoder, "extra"))
    for name, service in cat.services.items():
        display = service.value("display_name")
        if isinstance(display, str):
            globals_[SERVICES].append((name, display))
        if service.value("default") is True:
            globals_[DEFAULT_SERVICES].append((name, display if isinstance(display, str) else name))
        help_file = service.value("help_file")
        if help_file is not None:
            globals_[HELP_FILE_MAPPINGS].append((name, str(help_file)))
        own = set(service.members) - set(SERVICE_GLOBAL_MEMBERS)
        if own or service.settings:
            add(_section(service, SERVICE_LAYOUT, encoder, "service"))
        for member, table, layout, kind in (("providers", cat.providers, PROVIDER_LAYOUT, "provider"),
                                            ("sections", cat.sections, EXTRA_LAYOUT, "extra")):
            listed = service.value(member)
            for item in listed if isinstance(listed, list) else []:
                found = table.get(item) if isinstance(item, str) else None
                if found is None and isinstance(item, str):
                    found = next((s for n, s in table.items() if n.casefold() == item.casefold()), None)
                if found is not None:
                    add(_section(found, layout, encoder, kind))
    # Providers and sections no service lists still belong in the file (MS201 says so).
    for table, layout, kind in ((cat.providers, PROVIDER_LAYOUT, "provider"),
                                (cat.sections, EXTRA_LAYOUT, "extra")):
        for section in table.values():
            add(_section(section, layout, encoder, kind))
    return InfPlan(globals_, sections)


def render(inf_plan: InfPlan, newline: str = "\r\n") -> str:
    """The plan as INF text: sections separated by a blank line."""
    blocks = []
    for section in inf_plan.all_sections():
        lines = [] if section.name == "" else [f"[{section.name}]"]
        lines += [f"{key}={value}" for key, value in section.entries]
        blocks.append(newline.join(lines) + newline)
    return newline.join(blocks)


def generate(cat, newline: str = "\r\n") -> str:
    """MAPISVC.INF text for a manifest catalogue."""
    return render(plan(cat), newline)


def encode_inf(text: str) -> bytes:
    """Windows-1252 when it can hold the text (MAPI reads ANSI), else UTF-16 with a BOM."""
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return b"\xff\xfe" + text.encode("utf-16-le")


# --- what "the same INF" means -------------------------------------------------------

_LIST_KEYS = {"PROVIDERS", "SECTIONS", "PR_SERVICE_SUPPORT_FILES", "PR_SERVICE_DELETE_FILES"}
_UID_KEYS = {"PR_MDB_PROVIDER", "PR_AB_PROVIDER_ID", "UID"}


def _identity(key: str) -> str:
    """Keys that name one entry compare equal: case, ``_A``/``_W``, a tag name and its hex form."""
    from ..readers.inf import canonical_key

    key = key.strip()
    raw = parse_raw_tag(key)
    if raw is None:
        raw = well_known_tag(key)
    if raw is not None:
        key = tag_key(raw)
    return canonical_key(key)


def _normal_value(key: str, value: str) -> Any:
    value = value.strip()
    if key == "PR_RESOURCE_FLAGS":
        return frozenset(p.strip().upper() for p in value.split("|") if p.strip())
    if key in _LIST_KEYS:
        return tuple(p.strip().casefold() for p in value.split(",") if p.strip())
    if key in _UID_KEYS:
        return mapi_uid(value).casefold()
    if _HEX8.fullmatch(key):
        ptype = int(key, 16) & 0xFFFF
        if ptype in MV_STRING_TYPES:
            return tuple(p.strip() for p in value.split(",") if p.strip())
        if ptype in INT_BYTES or ptype in MV_INT_TYPES or ptype in (0x0102, 0x0048):
            return mapi_uid(value).casefold()
    return value


@dataclass(frozen=True, slots=True)
class Difference:
    """One way two INF texts differ: a section or entry missing, extra or changed."""

    section: str
    key: str | None
    expected: str | None  # as written in the expected text (None: absent there)
    found: str | None  # as written in the text checked (None: absent there)
    line: int | None = None  # 1-based line in the text checked, where there is one

    def message(self) -> str:
        where = f"[{self.section}]" if self.section else "(before any section)"
        if self.key is None:
            if self.found is None:
                return f"section {where} is missing"
            return f"section {where} is not generated from the manifest"
        if self.found is None:
            return f"{where} lacks {self.key}={self.expected}"
        if self.expected is None:
            return f"{where} has {self.key}={self.found}, which the manifest does not give"
        return f"{where} {self.key}={self.found}, the manifest gives {self.expected}"


@dataclass(slots=True)
class _NormalSection:
    name: str
    line: int
    entries: dict[str, tuple[Any, str, str, int]]  # identity → (normal, key, value, line)


def normalise(doc) -> dict[str, _NormalSection]:
    """An INF document as MAPI reads it: sections and keys case-insensitive, values normalised.

    The first of two equal sections or keys wins (the INI reader's behaviour,
    mapi-facts §1.2); empty sections are as good as absent; a service section
    without PR_DISPLAY_NAME takes its ``[Services]`` value, the name that
    installers and the profile UI pass to CreateMsgService ([DERIVED], §1.6).
    """
    from ..readers.inf import ENTRY, SECTION

    out: dict[str, _NormalSection] = {}
    current: _NormalSection | None = None
    skip = False
    for number, line in enumerate(doc.lines, 1):
        if line.kind == SECTION:
            folded = line.name.casefold()
            skip = folded in out
            current = out.setdefault(folded, _NormalSection(line.name, number, {}))
        elif line.kind == ENTRY:
            if current is None:
                current = out.setdefault("", _NormalSection("", number, {}))
            if skip:
                continue
            in_global = current.name.casefold() in {g.casefold() for g in GLOBAL_SECTIONS}
            identity = line.name.casefold() if in_global else _identity(line.name)
            if identity not in current.entries:
                normal = line.value.strip() if in_global else _normal_value(identity, line.value)
                current.entries[identity] = (normal, line.name, line.value, number)
    services = out.get(SERVICES.casefold())
    if services is not None:
        for folded, (display, _key, _value, _line) in services.entries.items():
            section = out.get(folded)
            if section is not None and section.entries and "PR_DISPLAY_NAME" not in section.entries:
                section.entries["PR_DISPLAY_NAME"] = (display, "PR_DISPLAY_NAME", display, section.line)
    return {name: section for name, section in out.items() if section.entries}


def compare(expected_doc, found_doc) -> list[Difference]:
    """How ``found_doc`` differs from ``expected_doc`` (empty: the same INF to MAPI)."""
    expected, found = normalise(expected_doc), normalise(found_doc)
    diffs: list[Difference] = []
    for folded, want in expected.items():
        have = found.get(folded)
        if have is None:
            diffs.append(Difference(want.name, None, "", None))
            continue
        for identity, (normal, key, value, _line) in want.entries.items():
            got = have.entries.get(identity)
            if got is None:
                diffs.append(Difference(have.name, key, value, None, have.line))
            elif got[0] != normal:
                diffs.append(Difference(have.name, key, value, got[2], got[3]))
        for identity, (_normal, key, value, line) in have.entries.items():
            if identity not in want.entries:
                diffs.append(Difference(have.name, key, None, value, line))
    for folded, have in found.items():
        if folded not in expected:
            diffs.append(Difference(have.name, None, None, "", have.line))
    return diffs


def same_inf(a: str, b: str) -> bool:
    """True when two INF texts are the same to MAPI (see :func:`normalise`)."""
    from ..readers.inf import parse_document

    return not compare(parse_document(a), parse_document(b))
