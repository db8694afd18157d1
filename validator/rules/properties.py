"""MS3xx: property tags — declared properties, header defines, setting keys.

A manifest declares custom properties in ``properties``; a C header defines
them with ``#define PR_X PROP_TAG(...)`` (the header linter reads each define
into a :class:`~validator.model.Property` whose ``define`` member holds the
:class:`~validator.readers.header.TagDefine`); MAPISVC.INF declares nothing
but names properties in its keys (symbolic names or 8-hex-digit tags).
:func:`declarations` and :func:`settings` resolve all three into one shape that
the rules here and in :mod:`.values` share, once per catalogue (:func:`declared`).
"""

from __future__ import annotations

import atexit
import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

from .. import mapi
from ..model import HEADER, INF, MANIFEST, Catalogue, Entry, Finding, Loc, Property, Section
from . import describe, rule
from ..suggest import close_matches as _close_matches

HEX_TAG = re.compile(r"[0-9A-Fa-f]{8}")
RAW_TAG = re.compile(r"0[xX]([0-9A-Fa-f]{8})")
C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CONVENTION = re.compile(r"PR_[A-Z0-9]+(?:_[A-Z0-9]+)+")
C_KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed sizeof static struct
    switch typedef union unsigned void volatile while""".split())

#: INF keys that are not property tags: list entries, the wizard entry point, UID=.
NON_PROPERTY_KEYS = frozenset({"PROVIDERS", "SECTIONS", "WIZARD_ENTRY_NAME", "UID"})
#: Properties whose value is a MAPIUID (§1.9).
MAPIUID_IDS = frozenset({0x3414, 0x3615})
STRING_TYPES = frozenset({mapi.PT_STRING8, mapi.PT_UNICODE})


def is_string(code: int | None) -> bool:
    return code is not None and (code & ~mapi.MV_FLAG) in STRING_TYPES


def types_match(a: int | None, b: int | None, flexible: bool = True) -> bool:
    """Same type; with ``flexible``, PT_STRING8 and PT_UNICODE (PT_TSTRING) match."""
    if a is None or b is None:
        return False
    if a == b:
        return True
    return flexible and is_string(a) and is_string(b) and (a & mapi.MV_FLAG) == (b & mapi.MV_FLAG)


def type_label(code: int | None) -> str:
    return "an unknown type" if code is None else mapi.type_name(code)


def _suffixed(name: str) -> bool:
    return name.upper().endswith(("_A", "_W"))


# --- declared properties ------------------------------------------------------------


NOT_YET = object()  # a value not computed yet


class Decl:
    """A declared property (manifest) or a PROP_TAG define (header), resolved.

    A plain class with slots: one is made per property on every run, and its
    positions (``key_loc``, ``id_loc``, ``type_loc``) are built only when a
    finding asks for them.
    """

    __slots__ = ("name", "prop", "members", "prop_id", "type_code", "type_written", "named",
                 "define", "known", "known_other", "complete", "first", "limits", "default_problem")

    def __init__(self, name: str, prop: Property, prop_id: int | None, type_code: int | None,
                 type_written: str | None, named: bool, define: Any = None, complete: bool = True):
        self.name = name
        self.prop = prop
        self.members = prop.members  # the property's entries by member name
        self.prop_id = prop_id  # None: a named property, or no usable id
        self.type_code = type_code  # None: unknown or missing type
        self.type_written = type_written
        self.named = named
        self.define = define  # TagDefine for headers
        self.known = False  # a well-known tag, declared as MAPI defines it
        self.known_other: list | None = None  # well-known under this name with another ID/type
        self.complete = complete  # has what the schema requires (else its MS101 speaks first)
        self.first = False  # the first declaration of its name, ignoring case
        self.limits: tuple | None = None  # its constraints, read once (values.limits)
        self.default_problem: Any = NOT_YET  # its default's type problem (values)

    @property
    def key_loc(self) -> Loc:
        return Loc(self.prop.pointer, "key")

    @property
    def id_loc(self) -> Loc:
        if self.define is not None:  # a header define: positions are the define's
            return Loc(self.prop.pointer, "value")
        return Loc(self.prop.pointer + ("id",), "value")

    @property
    def type_loc(self) -> Loc:
        if self.define is not None:
            return Loc(self.prop.pointer, "value")
        return Loc(self.prop.pointer + ("type",), "value")

    @property
    def custom(self) -> bool:
        return not self.known

    @property
    def secure(self) -> bool:
        return self.prop.value("secure") is True or (
            self.prop_id is not None and mapi.is_secure_id(self.prop_id))


def _known_match(known, name: str, prop_id: int | None, type_code: int | None,
                 written: str | None) -> tuple[bool, list]:
    """(matches a well-known definition, the definitions when it does not)."""
    entries = known.lookup(name)
    if not entries:
        return False, []
    flexible = not _suffixed(name) or (written or "").endswith("TSTRING")
    for known_id, known_type in entries:
        if known_id == prop_id and types_match(known_type, type_code, flexible):
            return True, []
    return False, entries


def _known_tag(known, prop_id: int, type_code: int) -> bool:
    if known.names_for_tag(mapi.prop_tag(type_code, prop_id)):
        return True
    return is_string(type_code) and bool(known.names_for_tag(mapi.prop_tag(type_code ^ 0x0001, prop_id)))


#: Members that constrain values; a property with none of them gives the
#: MS4xx declaration rules nothing to check.
CONSTRAINT_MEMBERS = frozenset({"minimum", "maximum", "max_length", "pattern", "values", "flags",
                                "default"})


class Declared:
    """What the MS3xx/MS4xx rules share about one catalogue, computed in one pass.

    ``decls`` holds every declaration in order; the other lists are the
    subsets that some rule looks at (each in declaration order), so that
    twenty rules do not each walk every property again:

    - ``renamed``: ``(decl, first)`` for a name declared again ignoring case;
    - ``constrained``: declarations with a member of :data:`CONSTRAINT_MEMBERS`;
    - ``odd_ids``: IDs outside the provider range 0x6600-0x67FF;
    - ``odd_names``: names that do not follow ``PR_<PROVIDER>_<NAME>`` (a name
      that does is a C identifier and no keyword: MS312 and MS313 pass it);
    - ``known_other``: names MAPI defines with another ID or type.

    ``settings`` is resolved on first use (an INF file has settings but no
    declarations; a header has declarations but no settings).
    """

    __slots__ = ("decls", "by_name", "renamed", "constrained", "odd_ids", "odd_names",
                 "known_other", "settings")

    def __init__(self) -> None:
        self.decls: list[Decl] = []
        self.by_name: dict[str, Decl] = {}  # the first declaration of each exact name
        self.renamed: list[tuple[Decl, Decl]] = []
        self.constrained: list[Decl] = []
        self.odd_ids: list[Decl] = []
        self.odd_names: list[Decl] = []
        self.known_other: list[Decl] = []
        self.settings: list[Setting] | None = None


def _declare(cat: Catalogue, context) -> Declared:
    known = context.known_tags
    known_names = _upper_names(known)
    header = cat.kind == HEADER
    out = Declared()
    decls, by_name, renamed = out.decls, out.by_name, out.renamed
    constrained, odd_ids, odd_names = out.constrained, out.odd_ids, out.odd_names
    folded_first: dict[str, Decl] = {}
    provider_min, provider_max = mapi.PROVIDER_CONFIG_MIN, mapi.PROVIDER_CONFIG_MAX
    type_codes = mapi.PT_TYPES
    convention = CONVENTION.fullmatch
    no_constraint = CONSTRAINT_MEMBERS.isdisjoint
    for prop in cat.properties.values():
        members = prop.members
        name = prop.name
        define = members["define"].value if header and "define" in members else None
        if define is not None:
            prop_id, type_code, named = define.prop_id, define.type_code, False
            decl = Decl(name, prop, prop_id, type_code, define.type_name, False, define)
        else:
            entry = members.get("id")
            prop_id = None if entry is None else entry.value
            if not (isinstance(prop_id, int) and not isinstance(prop_id, bool)
                    and 0 <= prop_id <= 0xFFFF):
                prop_id = None
            entry = members.get("type")
            written = None if entry is None else entry.value
            if isinstance(written, str):
                type_code = type_codes.get(written)
            else:
                type_code = written = None
            has_id = "id" in members
            has_set = "set" in members
            named = not has_id and has_set
            decl = Decl(name, prop, prop_id, type_code, written, named, None,
                        "type" in members and (has_id or has_set))
        known_name = name.upper() in known_names
        if not named:
            if known_name:
                decl.known, decl.known_other = _known_match(known, name, prop_id, type_code,
                                                            decl.type_written)
            if not decl.known and not decl.known_other and prop_id is not None \
                    and prop_id < provider_min and type_code is not None:
                # Another name for one of MAPI's global tags (CHANGE_PROP_TYPE(PR_DISPLAY_NAME,
                # PT_UNICODE), MFCMAPI-style aliases).  Provider-range IDs are scoped to their
                # provider (mapi-facts §2.3), so equal tags there mean nothing.
                decl.known = _known_tag(known, prop_id, type_code)
        elif known_name:
            decl.known_other = known.lookup(name) or None
        decls.append(decl)
        if name not in by_name:
            by_name[name] = decl
        first = folded_first.setdefault(name.casefold(), decl)
        if first is decl:
            decl.first = True
        else:
            renamed.append((decl, first))
        if not no_constraint(members):
            constrained.append(decl)
        if prop_id is not None and not provider_min <= prop_id <= provider_max:
            odd_ids.append(decl)
        if not convention(name):
            odd_names.append(decl)
        if decl.known_other:
            out.known_other.append(decl)
    return out


_KNOWN_NAMES: list = [None, -1, frozenset()]


def _upper_names(known) -> frozenset:
    """The well-known names, upper case (``name.upper() in`` it is ``name in known``)."""
    if _KNOWN_NAMES[0] is not known or _KNOWN_NAMES[1] != len(known):
        _KNOWN_NAMES[:] = [known, len(known), frozenset(n.upper() for n in known.names())]
    return _KNOWN_NAMES[2]


# Rules run one after another on one catalogue: keep what they share for the
# latest catalogue only (strong references, so an id cannot be reused).
_CACHE: list = [None, None, None]


@atexit.register
def _forget() -> None:
    """Let the last catalogue go before the interpreter's final collection.

    Pinned here, every object of the last file read would be walked by that
    collection and then freed module by module: 0.3 s after a
    50,000-property manifest, more than its rules take.
    """
    _CACHE[:] = [None, None, None]


def declared(cat: Catalogue, context) -> Declared:
    """The catalogue's properties, resolved once per catalogue (callers must not change it)."""
    if _CACHE[0] is cat and _CACHE[1] is context:
        return _CACHE[2]
    found = _declare(cat, context)
    _CACHE[:] = [cat, context, found]
    return found


def declarations(cat: Catalogue, context) -> list[Decl]:
    """The catalogue's properties, resolved once per catalogue."""
    return declared(cat, context).decls


def find_declared(cat: Catalogue, context, name: str) -> Decl | None:
    return declared(cat, context).by_name.get(name)


# --- settings: entries that end up in a profile section ----------------------------

DECLARED, KNOWN, RAW, UNKNOWN, BAD_TAG, SKIP = "declared", "known", "raw", "unknown", "badtag", "skip"


class Setting:
    """One setting (manifest) or non-member INF entry, and the property it names."""

    __slots__ = ("entry", "section", "how", "prop_id", "type_code", "decl", "known_name",
                 "known_types")

    def __init__(self, entry: Entry, section: Section, how: str, prop_id: int | None = None,
                 type_code: int | None = None, decl: Decl | None = None,
                 known_name: str | None = None, known_types: tuple = ()):
        self.entry = entry
        self.section = section
        self.how = how  # DECLARED, KNOWN, RAW, UNKNOWN, BAD_TAG or SKIP
        self.prop_id = prop_id
        self.type_code = type_code
        self.decl = decl
        self.known_name = known_name
        self.known_types = known_types

    @property
    def label(self) -> str:
        return self.entry.label

    @property
    def is_secure(self) -> bool:
        if self.decl is not None:
            return self.decl.secure
        return self.prop_id is not None and mapi.is_secure_id(self.prop_id)


_NUMERIC_0X = re.compile(r"0[xX][0-9A-Fa-f]*")
_HEX_DIGITS = re.compile(r"[0-9A-Fa-f]+")


def looks_numeric(key: str) -> bool:
    """A key meant as a numeric tag: ``0x``-prefixed, or hex digits with a decimal digit."""
    text = key.strip()
    if _NUMERIC_0X.fullmatch(text):
        return True
    return bool(_HEX_DIGITS.fullmatch(text)) and any(c.isdigit() for c in text)


def _schema_value(value: Any) -> bool:
    """A value the schema allows in settings; anything else is MS102's alone."""
    if isinstance(value, list):
        return all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)
    return isinstance(value, (str, int))


def _resolve_setting(cat: Catalogue, context, section: Section, entry: Entry) -> Setting:
    key = entry.key.strip()
    if cat.kind != INF and not _schema_value(entry.value):
        return Setting(entry, section, SKIP)
    if cat.kind == INF:
        if key.upper() in NON_PROPERTY_KEYS:
            return Setting(entry, section, SKIP)
        if HEX_TAG.fullmatch(key):
            tag = int(key, 16)
            return _raw(context, entry, section, tag)
        if looks_numeric(key):
            return Setting(entry, section, BAD_TAG)
    else:
        match = RAW_TAG.fullmatch(key)
        if match:
            return _raw(context, entry, section, int(match.group(1), 16))
        decl = find_declared(cat, context, key)
        if decl is not None:
            return Setting(entry, section, DECLARED, decl.prop_id, decl.type_code, decl)
    known = context.known_tags
    found = known.lookup(key)
    if found:
        return Setting(entry, section, KNOWN, found[0][0], found[0][1], None, key,
                       tuple(t for _i, t in found))
    return Setting(entry, section, UNKNOWN)


def _raw(context, entry: Entry, section: Section, tag: int) -> Setting:
    prop_id, type_code = mapi.prop_id(tag), mapi.prop_type(tag)
    known = context.known_tags
    names = known.names_for_tag(tag)
    if not names and is_string(type_code):  # the other string width of a known tag
        names = known.names_for_tag(mapi.prop_tag(type_code ^ 0x0001, prop_id))
    return Setting(entry, section, RAW, prop_id, type_code, None, names[0] if names else None,
                   (type_code,))


def settings(cat: Catalogue, context) -> list[Setting]:
    """Every setting of every section, resolved (cached per catalogue)."""
    found = declared(cat, context)
    if found.settings is None:
        found.settings = [_resolve_setting(cat, context, section, entry)
                          for section in cat.all_sections() for entry in section.settings]
    return found.settings


def _where(cat: Catalogue, section: Section) -> str:
    if cat.kind == INF:
        return f"[{section.name}]" if section.name else "this fragment"
    return f"{section.kind} {section.name}" if section.kind != "extra" else f"section {section.name}"


def _declared(decl: Decl) -> str:
    return "defined" if decl.define is not None else "declared"


def _id_text(prop_id: int) -> str:
    return f"0x{prop_id:04X}"


# --- MS301–MS306 ---------------------------------------------------------------------


def _variants(a: Decl, b: Decl) -> bool:
    """PR_X, PR_X_A and PR_X_W: one string property under its three names."""
    base_a = a.name[:-2] if _suffixed(a.name) else a.name
    base_b = b.name[:-2] if _suffixed(b.name) else b.name
    return base_a == base_b and types_match(a.type_code, b.type_code)


def _exclusive(a: Decl, b: Decl) -> bool:
    if a.define is None or b.define is None:
        return False
    groups = dict(a.define.cond)
    return any(g in groups and groups[g] != br for g, br in b.define.cond)


@rule("MS301", "E", "two properties with the same property ID", applies="MIH")
def duplicate_id(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    Two properties of one manifest or one header with the same property ID, whatever their
    types. In a header, the `_A`/`_W`/unsuffixed names of one string property (`PR_X`,
    `PR_X_A`, `PR_X_W`), an alias (`#define PR_Y PR_X`) and the two branches of an
    `#ifdef UNICODE` are one property, not two. In MAPISVC.INF, two entries of one message
    service (its service, provider and extra sections) that use one custom ID with two
    different types.

    ## Why MAPI cares
    A property is identified by its ID; the type only says how the value is stored
    (mapi-facts §2.1). Two properties with one ID overwrite each other in the profile section,
    and a caller asking for one gets the other's value or `MAPI_E_BAD_TYPE`. IDs in
    0x6600–0x67FF are scoped to the provider that owns them (§2.3), so the check runs per
    manifest, per header and, in MAPISVC.INF, per message service ([DERIVED]).

    ## Example
    ```toml
    [properties.PR_CONTOSO_SERVER]
    id = 0x6600
    type = "PT_UNICODE"

    [properties.PR_CONTOSO_PORT]
    id = 0x6600
    type = "PT_LONG"
    ```

    ## Fix
    Give each property its own ID: `id = 0x6601` for `PR_CONTOSO_PORT`.
    """
    if cat.kind == INF:
        yield from _inf_duplicate_ids(cat, context)
        return
    first: dict[int, Decl] = {}
    for decl in declarations(cat, context):
        prop_id = decl.prop_id
        if prop_id is None or decl.named:
            continue
        if decl.define is not None and decl.define.alias_of:
            continue
        if decl.known_other or (not decl.known and mapi.is_mapi_defined_id(prop_id)):
            continue  # MS303 / MS306 report what is wrong with this ID
        other = first.setdefault(prop_id, decl)
        if other is decl:
            continue
        if _variants(other, decl) or _exclusive(other, decl) or other.name == decl.name \
                or (other.known and decl.known):
            continue  # one property under several names, MAPI's own tags, or MS302's business
        yield Finding("MS301", f"{decl.name} has property ID {_id_text(decl.prop_id)}, which "
                      f"{other.name} already uses", decl.id_loc,
                      related=[(other.id_loc, f"{other.name} is {_declared(other)} here")],
                      help="give each property its own ID")


def _inf_duplicate_ids(cat: Catalogue, context) -> Iterator[Finding]:
    by_section = {}
    for s in settings(cat, context):
        if s.how in (RAW, KNOWN) and s.prop_id is not None and s.type_code is not None:
            by_section.setdefault(id(s.section), []).append(s)
    for service in cat.services.values():
        family = [service]
        for item in service.items("providers"):
            found = cat.find_provider(str(item.value))
            if found is not None:
                family.append(found)
        for item in service.items("sections"):
            found = cat.find_section(str(item.value))
            if found is not None:
                family.append(found)
        first: dict[int, Setting] = {}
        for section in family:
            for s in by_section.get(id(section), []):
                if s.how == KNOWN and s.prop_id < 0x6600:
                    continue  # MAPI's own tags: types come from MAPI, not from this file
                other = first.get(s.prop_id)
                if other is None:
                    first[s.prop_id] = s
                elif not any(types_match(a, b) for a in other.known_types or (other.type_code,)
                             for b in s.known_types or (s.type_code,)):
                    yield Finding(
                        "MS301", f"{s.label} uses property ID {_id_text(s.prop_id)} as "
                        f"{type_label(s.type_code)}, but {other.label} in "
                        f"{_where(cat, other.section)} uses it as {type_label(other.type_code)} "
                        f"(same message service {service.name})", s.entry.loc,
                        related=[(other.entry.loc, "the other use of this ID")],
                        help="use one type per property ID")


@rule("MS302", "E", "a property name declared twice (ignoring case)", applies="MH")
def duplicate_name(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    Two properties whose names are equal ignoring case (`PR_CONTOSO_PORT` and
    `PR_Contoso_Port`), and in a header a `#define` of the same name twice with another value
    (outside the two branches of one `#if`).

    ## Why MAPI cares
    The name becomes a C macro in the public header (mapi-facts §5.1); two names that differ
    only in case are a trap for every caller, and a macro defined twice with different values
    is a compiler warning and a silent change of meaning. MAPISVC.INF itself compares keys
    ignoring case (§1.2).

    ## Example
    ```toml
    [properties.PR_CONTOSO_PORT]
    id = 0x6601
    type = "PT_LONG"

    [properties.PR_Contoso_Port]
    id = 0x6602
    type = "PT_LONG"
    ```

    ## Fix
    Rename or remove one of them.
    """
    for decl, other in declared(cat, context).renamed:
        if decl.define is not None:
            same = (decl.name == other.name and decl.prop_id == other.prop_id
                    and decl.type_code == other.type_code)
            if same or _exclusive(other, decl):
                continue  # an identical redefinition is valid C; #ifdef branches are alternatives
            what = "is defined again" if decl.name == other.name else f"differs from {other.name} only in case"
        else:
            what = f"differs from {other.name} only in case"
        yield Finding("MS302", f"property name {decl.name} {what}", decl.key_loc,
                      related=[(other.key_loc, f"{other.name} is {_declared(other)} here")],
                      help="give each property one name")


@rule("MS303", "E", "a custom property reuses a well-known MAPI name with another ID or type",
      applies="MH")
def well_known_name(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A property named like a well-known MAPI property (from MAPI's headers, or the headers
    given with `--mapi-include`) but declared with another ID or type. Declaring a well-known
    property exactly as MAPI defines it (to document a setting your service reads) is fine;
    `PT_TSTRING` matches both string widths of an unsuffixed name.

    ## Why MAPI cares
    Every MAPI client already has `PR_DISPLAY_NAME` from MAPITags.h; a public header that
    defines it differently does not compile next to MAPI's, and a manifest that means
    something else by it writes the wrong tag (mapi-facts §2.4).

    ## Example
    ```toml
    [properties.PR_DISPLAY_NAME]
    id = 0x6600
    type = "PT_UNICODE"
    ```

    ## Fix
    Use a name of your own: `[properties.PR_CONTOSO_DISPLAY_NAME]`.
    """
    for decl in declared(cat, context).known_other:
        if decl.known:
            continue
        known_id, known_type = decl.known_other[0]
        defined = f"{_id_text(known_id)}, {mapi.type_name(known_type)}"
        if decl.named:
            yield Finding("MS303", f"{decl.name} is a well-known MAPI property ({defined}), not "
                          "a named property", decl.key_loc, help="choose a name of your own")
            continue
        if decl.prop_id is None or decl.type_code is None:
            continue
        at = decl.id_loc if all(i != decl.prop_id for i, _t in decl.known_other) else decl.type_loc
        yield Finding("MS303", f"{decl.name} is a well-known MAPI property ({defined}); declared"
                      f" here as {_id_text(decl.prop_id)}, {decl.type_written or type_label(decl.type_code)}",
                      at, help="choose a name of your own, or declare it exactly as MAPI does")


def type_name_problem(written: str | None, code: int | None) -> str | None:
    if code is None:
        if written is None:
            return None
        if written.startswith("PT_MV_") and mapi.type_code("PT_" + written[6:]) is not None:
            return mapi.storable_type_problem(mapi.MV_FLAG | mapi.type_code("PT_" + written[6:]))
        close = _close_matches(written, list(mapi.PT_TYPES), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        return f"{written} is not a MAPI property type{hint}"
    return mapi.storable_type_problem(code)


# Declarations use a handful of types: judge each (written, code) once per run.
_TYPE_PROBLEMS: dict[tuple, str | None] = {}
#: The storable type codes (every other code has a problem to report).
_STORABLE = frozenset(code for base in mapi.TYPE_NAMES for code in (base, base | mapi.MV_FLAG)
                      if mapi.storable_type_problem(code) is None)


def storable_problem(code: Any) -> str | None:
    """:func:`mapi.storable_type_problem`, remembered per type code."""
    if type(code) is int and code in _STORABLE:
        return None
    key = (code, type(code))  # True == 1, but True is no type code
    try:
        return _TYPE_PROBLEMS[key]
    except KeyError:
        return _remember(key, mapi.storable_type_problem(code))
    except TypeError:  # unhashable: not a type code at all
        return mapi.storable_type_problem(code)


def _type_name_problem(written: str | None, code: int | None) -> str | None:
    """:func:`type_name_problem`, remembered per (written, code)."""
    if type(code) is int and code in _STORABLE:
        return None  # a known type code: what type_name_problem says of it
    key = (written, code, type(code))
    try:
        return _TYPE_PROBLEMS[key]
    except KeyError:
        return _remember(key, type_name_problem(written, code))


def _remember(key: tuple, problem: str | None) -> str | None:
    if len(_TYPE_PROBLEMS) > 4096:  # written names are the input's: keep the memo bounded
        _TYPE_PROBLEMS.clear()
    _TYPE_PROBLEMS[key] = problem
    return problem


@rule("MS304", "E", "not a storable property type", applies="MIH")
def unstorable_type(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A property type that cannot be stored: an unknown `PT_` name, `PT_UNSPECIFIED`,
    `PT_NULL`, `PT_OBJECT`, `PT_ERROR`, Exchange's server-only types (`PT_SVREID`,
    `PT_SRESTRICTION`, `PT_ACTIONS`), store-internal types (0x0103 and up, except
    `PT_BINARY`), a type with the `MV_INSTANCE` bit, or a multi-valued form of a type that has
    none (`PT_MV_BOOLEAN`). Checked on declared properties, header defines, raw tags in
    `settings` and MAPISVC.INF hex-tag keys.

    ## Why MAPI cares
    New property types cannot be invented; every property uses one of MAPI's predefined
    storable types (mapi-facts §2.2, defining-new-mapi-properties). MV_INSTANCE is only for
    table column requests. Which storable types MAPI accepts in MAPISVC.INF hex-tag entries
    beyond PT_LONG, the string types and PT_BINARY is UNCONFIRMED (§1.9): mapisvc does not
    reject them here.

    ## Example
    ```toml
    [properties.PR_CONTOSO_ENABLED]
    id = 0x6604
    type = "PT_BOOL"
    ```

    ## Fix
    ```toml
    type = "PT_BOOLEAN"
    ```
    """
    for decl in declarations(cat, context):
        if decl.known:
            continue  # MAPI's own tags (PR_NULL, PR_ATTACH_DATA_OBJ) are what they are
        problem = _type_name_problem(decl.type_written, decl.type_code) if decl.define is None \
            else storable_problem(decl.type_code)
        if problem:
            yield Finding("MS304", f"{decl.name}: {problem}", decl.type_loc,
                          help="use a storable type such as PT_LONG, PT_UNICODE or PT_BINARY")
    for s in settings(cat, context):
        if s.how == RAW and s.known_name is None:
            problem = mapi.storable_type_problem(s.type_code)
            if problem:
                yield Finding("MS304", f"tag {s.label}: {problem}", s.entry.loc,
                              help="the low four hex digits of a tag are its type")


@rule("MS305", "E", "property ID 0x0000 (PROP_ID_NULL) or 0xFFFF (PROP_ID_INVALID)", applies="MIH")
def null_or_invalid_id(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A property ID of 0x0000 or 0xFFFF, in a declared property, a header define, a raw tag in
    `settings` or a MAPISVC.INF hex-tag key.

    ## Why MAPI cares
    `PROP_ID_NULL` (0) and `PROP_ID_INVALID` (0xFFFF) are reserved: MAPI never uses them for
    real properties (mapi-facts §2.1, §6 rule 14).

    ## Example
    ```ini
    [CONTOSO_MS]
    FFFF0003=01000000
    ```

    ## Fix
    Use an ID in 0x6600–0x67FF for a provider setting: `66050003=01000000`.
    """
    for decl in declared(cat, context).odd_ids:
        if decl.prop_id in (mapi.PROP_ID_NULL, mapi.PROP_ID_INVALID) and not decl.known \
                and not decl.known_other:
            yield Finding("MS305", f"{decl.name} has property ID {_id_text(decl.prop_id)}, which "
                          f"MAPI reserves ({mapi.id_range(decl.prop_id)})", decl.id_loc,
                          help="use an ID in 0x6600-0x67FF for a provider setting")
    for s in settings(cat, context):
        if s.how == RAW and s.prop_id in (mapi.PROP_ID_NULL, mapi.PROP_ID_INVALID):
            yield Finding("MS305", f"tag {s.label} has property ID {_id_text(s.prop_id)}, which "
                          f"MAPI reserves ({mapi.id_range(s.prop_id)})", s.entry.loc,
                          help="the high four hex digits of a tag are its ID")


@rule("MS306", "E", "a custom property in a MAPI-defined range (0x0001-0x3FFF)", applies="MH")
def mapi_defined_range(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A custom property (not a well-known MAPI property defined identically) whose ID is in
    0x0001–0x3FFF, the ranges MAPI defines for itself.

    ## Why MAPI cares
    0x0001–0x3FFF belong to MAPI: envelope, recipient, content and object properties
    (mapi-facts §2.3). A custom meaning there collides with MAPI's own property now or in a
    later version ([DERIVED] from the ownership table). A provider's settings go in
    0x6600–0x67FF; transport envelope properties in 0x4000–0x57FF. A tag that is well known
    but that mapisvc does not know (an Exchange tag from EdkMdb.h, say) is taught with
    `--mapi-include DIR`.

    ## Example
    ```toml
    [properties.PR_CONTOSO_SERVER]
    id = 0x3001
    type = "PT_UNICODE"
    ```

    ## Fix
    ```toml
    id = 0x6600
    ```
    """
    for decl in declared(cat, context).odd_ids:
        if decl.custom and not decl.named and decl.prop_id is not None \
                and mapi.is_mapi_defined_id(decl.prop_id) and not decl.known_other:
            yield Finding("MS306", f"{decl.name} has ID {_id_text(decl.prop_id)}, in the range "
                          f"MAPI defines ({mapi.id_range(decl.prop_id)})", decl.id_loc,
                          help="use 0x6600-0x67FF for a provider setting; if it is a MAPI or "
                          "Exchange tag, give its header with --mapi-include")


# --- MS307–MS314 ---------------------------------------------------------------------


def _id_faulty(decl: Decl | None) -> bool:
    """An ID that MS305/MS306/MS308 already report on the declaration itself."""
    if decl is None or decl.prop_id is None:
        return False
    pid = decl.prop_id
    return pid in (0, 0xFFFF) or mapi.is_mapi_defined_id(pid) or mapi.is_named_id(pid)


@rule("MS307", "E", "a custom setting in a profile section outside 0x6600-0x67FF", applies="MI")
def setting_outside_provider_range(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A setting — a manifest `settings` entry or a MAPISVC.INF entry, i.e. a property stored in
    a profile section — that is not a well-known MAPI property (such as `PR_MDB_PROVIDER`) and
    whose ID is outside 0x6600–0x67FF. A named property in `settings` is reported here too.
    Declared IDs in MAPI's own or the named range are reported once, on the declaration
    (MS306, MS308).

    ## Why MAPI cares
    Provider-defined internal, non-transmittable properties — what a profile section
    holds — live in 0x6600–0x67FF; every documented MAPISVC.INF example uses that range
    (mapi-facts §2.3). Profile sections support no named properties (mapi-profiles.md).

    ## Example
    ```ini
    [CONTOSO_MS]
    68000003=01000000
    ```

    ## Fix
    Move the setting into 0x6600–0x67FF: `66050003=01000000`.
    """
    for s in settings(cat, context):
        if s.how == DECLARED and s.decl.named:
            yield Finding("MS307", f"{s.label} is a named property: profile sections have no named"
                          " properties", s.entry.loc,
                          related=[(s.decl.key_loc, f"{s.decl.name} is declared here")],
                          help="declare it with an id in 0x6600-0x67FF")
            continue
        if s.how not in (DECLARED, RAW) or s.prop_id is None or s.known_name is not None:
            continue
        if s.how == DECLARED and (s.decl.known or _id_faulty(s.decl)):
            continue
        pid = s.prop_id
        if mapi.is_provider_config_id(pid) or pid in (0, 0xFFFF) or (s.how == RAW and mapi.is_named_id(pid)):
            continue  # in range, or MS305/MS308's fault
        related = [(s.decl.id_loc, f"{s.decl.name} is declared with this ID")] if s.decl else []
        yield Finding("MS307", f"{s.label} has property ID {_id_text(pid)} "
                      f"({mapi.id_range(pid)}); settings stored in a profile section use "
                      "0x6600-0x67FF", s.entry.loc, related=related,
                      help="use an ID in 0x6600-0x67FF")


@rule("MS308", "E", "a fixed ID in the named-property range 0x8000-0xFFFE", applies="MIH")
def named_range(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A property with a fixed ID in 0x8000–0xFFFE: a declared `id`, a header define, a raw tag
    in `settings` or a MAPISVC.INF hex-tag key.

    ## Why MAPI cares
    IDs from 0x8000 up are handed out per store by `GetIDsFromNames`; the same name gets
    another ID elsewhere, so a fixed ID means nothing (mapi-facts §2.3). Profile sections
    have no named properties at all, so such an entry in MAPISVC.INF is never read [DERIVED].
    Declare a named property by its property set and name instead.

    ## Example
    ```toml
    [properties.PR_CONTOSO_TAG]
    id = 0x8001
    type = "PT_LONG"
    ```

    ## Fix
    ```toml
    [properties.PR_CONTOSO_TAG]
    set = "PS_PUBLIC_STRINGS"
    name = "ContosoTag"
    type = "PT_LONG"
    ```
    """
    for decl in declared(cat, context).odd_ids:
        if not decl.named and decl.prop_id is not None and mapi.is_named_id(decl.prop_id) \
                and not decl.known and not decl.known_other:
            yield Finding("MS308", f"{decl.name} has the fixed ID {_id_text(decl.prop_id)}, in the "
                          "named-property range 0x8000-0xFFFE", decl.id_loc,
                          help="declare a named property with `set` and `name` or `lid`")
    for s in settings(cat, context):
        if s.how == RAW and s.prop_id is not None and mapi.is_named_id(s.prop_id):
            yield Finding("MS308", f"tag {s.label} has ID {_id_text(s.prop_id)}, in the "
                          "named-property range: profile sections have no named properties",
                          s.entry.loc, help="use an ID in 0x6600-0x67FF")


@rule("MS309", "E", "a value for a secure property written into the file", applies="MI")
def secure_value(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A setting or MAPISVC.INF entry with a value for a secure property: one declared
    `secure = true`, or any property with an ID in 0x67F0–0x67FF.

    ## Why MAPI cares
    MAPISVC.INF is world-readable and copied into every new profile. Passwords and other
    secrets belong in the secure profile properties 0x67F0–0x67FF (`PROP_ID_SECURE_MIN` to
    `PROP_ID_SECURE_MAX`), set by the service's configuration code at run time — never in the
    file (mapi-facts §1.1, §2.3, §6 rule 11).

    ## Example
    ```toml
    [providers.CONTOSO_MS]
    settings = { PR_CONTOSO_PASSWORD = "hunter2" }
    ```

    ## Fix
    Remove the setting; let `ServiceEntry` ask for the password and store it in the profile.
    """
    for s in settings(cat, context):
        if s.how not in (DECLARED, RAW, KNOWN) or not s.is_secure:
            continue
        value = s.entry.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if s.decl is not None and s.decl.prop.value("secure") is True:
            why = f"{s.decl.name} is declared secure"
            related = [(Loc(s.decl.prop.pointer + ("secure",), "key"), "declared secure here")]
        else:
            why = f"ID {_id_text(s.prop_id)} is in the secure range 0x67F0-0x67FF"
            related = [(s.decl.id_loc, "declared here")] if s.decl is not None else []
        yield Finding("MS309", f"{s.label} holds a secret ({why}); secrets do not belong in "
                      "a file", s.entry.loc, related=related,
                      help="remove it; the service's configuration stores it in the profile")


@rule("MS310", "E", "a numeric tag key that is not exactly 8 hex digits", applies="I")
def malformed_tag_key(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A MAPISVC.INF key meant as a property tag that is not exactly eight hex digits: a `0x`
    prefix, too few or too many digits.

    ## Why MAPI cares
    Every documented and sample key is the bare `PROP_TAG(type, id)` in eight hex digits, ID
    first (`6600001E`, `66090003`); installers write them with `%lx` (mapi-facts §1.9). A `0x`
    prefix is never observed and whether MAPI accepts it is UNCONFIRMED; a short key is a
    different tag.

    ## Example
    ```ini
    0x66090003=06000000
    ```

    ## Fix
    ```ini
    66090003=06000000
    ```
    """
    for s in settings(cat, context):
        if s.how != BAD_TAG:
            continue
        key = s.entry.key.strip()
        digits = key[2:] if key[:2].lower() == "0x" else key
        if key[:2].lower() == "0x":
            why = "drop the '0x' prefix" if len(digits) == 8 else f"it has {len(digits)} hex digits"
        else:
            why = f"it has {len(digits)} digits"
        hint = None
        if len(digits) <= 8 and _HEX_DIGITS.fullmatch(digits or "-"):
            hint = f"write {digits.zfill(8).upper()} if you mean tag 0x{digits.zfill(8).upper()}"
        yield Finding("MS310", f"key {key} is not a property tag: tags are exactly 8 hex digits, "
                      f"ID then type ({why})", s.entry.loc, help=hint)


@rule("MS312", "E", "a property name that is not a C identifier", applies="MH")
def not_identifier(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A property name that cannot be a C macro name: spaces, hyphens, a leading digit,
    non-ASCII letters, or a C keyword.

    ## Why MAPI cares
    Every custom property is published in the service's public header as
    `#define PR_X PROP_TAG(...)` (mapi-facts §5.1); a name that is not an identifier cannot
    be defined, so callers cannot configure the service in code.

    ## Example
    ```toml
    [properties."PR_CONTOSO-SERVER"]
    ```

    ## Fix
    ```toml
    [properties.PR_CONTOSO_SERVER]
    ```
    """
    for decl in declared(cat, context).odd_names:  # a conventional name is an identifier
        if not _is_identifier(decl.name):
            yield Finding("MS312", f"property name '{decl.name}' is not a C identifier; the public"
                          " header cannot #define it", decl.key_loc,
                          help="use letters, digits and underscores, e.g. PR_CONTOSO_SERVER")


def _is_identifier(name: str) -> bool:
    return bool(C_IDENTIFIER.fullmatch(name)) and name not in C_KEYWORDS


@rule("MS313", "W", "a property name that does not follow the PR_<PROVIDER>_<NAME> convention",
      applies="MH")
def naming_convention(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A custom property name that is not upper case `PR_` + a provider prefix + a name
    (`PR_CONTOSO_SERVER`): lower-case letters, no `PR_`, no provider prefix (`PR_PORT`),
    doubled or trailing underscores. Well-known tags are not checked.

    ## Why MAPI cares
    MAPI's own and every sample provider's tags are named `PR_` and words separated by
    underscores (mapi-facts §2.1); a provider prefix keeps your names from colliding with
    MAPI's and other vendors' in a client that includes several headers. A convention, hence
    a warning.

    ## Example
    ```toml
    [properties.PR_Port]
    ```

    ## Fix
    ```toml
    [properties.PR_CONTOSO_PORT]
    ```
    """
    for decl in declared(cat, context).odd_names:
        if not decl.first:
            continue  # a second declaration of the name: MS302's finding
        if decl.known or decl.known_other or not _is_identifier(decl.name) or not decl.complete:
            continue
        if CONVENTION.fullmatch(decl.name):
            continue
        if not decl.name.upper().startswith("PR_"):
            why = "does not start with PR_"
        elif decl.name != decl.name.upper():
            why = "is not upper case"
        elif "__" in decl.name or decl.name.endswith("_"):
            why = "has an empty word between underscores"
        else:
            why = "has no provider prefix after PR_"
        yield Finding("MS313", f"property name {decl.name} {why}; the convention is "
                      "PR_<PROVIDER>_<NAME>", decl.key_loc,
                      help="e.g. PR_CONTOSO_SERVER")


@rule("MS314", "E", "a setting or INF key that names no declared or well-known property",
      applies="MI")
def unknown_property(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A manifest `settings` key or a MAPISVC.INF key that is neither a property declared in the
    manifest, nor a well-known MAPI property name, nor a raw tag (`"0x66090003"` in a
    manifest, `66090003` in MAPISVC.INF) — usually a misspelt `PR_` name. In MAPISVC.INF,
    sections whose role is unknown are checked only for keys that start with `PR_`.

    ## Why MAPI cares
    MAPI resolves symbolic keys to tags when it copies MAPISVC.INF into a profile; a name it
    does not know is never written, so the setting silently goes missing. The full list of
    names Microsoft's parser knows is UNCONFIRMED (mapi-facts §1.9): mapisvc accepts MAPI's
    tags and those of the headers given with `--mapi-include`, and the hex form always.

    ## Example
    ```toml
    settings = { PR_CONTOSO_SERVR = "mail.contoso.com" }
    ```

    ## Fix
    ```toml
    settings = { PR_CONTOSO_SERVER = "mail.contoso.com" }
    ```
    """
    candidates = None
    for s in settings(cat, context):
        if s.how != UNKNOWN:
            continue
        key = s.entry.key.strip()
        if cat.kind == INF and s.section.kind == "unknown" and not key.upper().startswith("PR_"):
            continue
        if candidates is None:
            candidates = [d.name for d in declarations(cat, context)] + context.known_tags.names()
        same_case = [c for c in candidates if c.casefold() == key.casefold()]
        close = same_case or _close_matches(key, candidates, n=1, cutoff=0.8)
        if cat.kind == INF:
            what = f"key {key} in {_where(cat, s.section)}"
            hint = "use a known PR_ name or the 8-hex-digit tag"
        else:
            what = f"settings key {key}"
            hint = "declare it in [properties], or write a raw tag such as \"0x66000003\""
        if close:
            hint = f"did you mean {close[0]}?" + (" (C names are case-sensitive)" if same_case else "")
        known_what = "no well-known property" if cat.kind == INF else "no declared or well-known property"
        yield Finding("MS314", f"{what} names {known_what}", s.entry.loc,
                      help=hint)


describe("MS702", "E", "a header #define that contradicts the manifest, or a declared property the"
         " header lacks", "H", """
    ## What it catches
    With `mapisvc check MANIFEST --header FILE`: a `#define PR_X PROP_TAG(...)` in the header
    whose property the manifest declares with another ID or type (`PT_TSTRING` matches
    `PT_UNICODE` and `PT_STRING8`; `PR_X_A`/`PR_X_W` are compared with `PR_X`), and a
    property the manifest declares (with an `id`) that no given header defines. The first is
    reported in the header, the second at the property in the manifest.

    ## Why MAPI cares
    The public header is how callers configure the service in code (mapi-facts §5.1); a tag
    that differs from the manifest's makes their settings land in the wrong property, and a
    missing one leaves them without the constant.

    ## Example
    ```c
    #define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6602)   /* the manifest says 0x6601 */
    ```

    ## Fix
    Regenerate the header with `mapisvc header`, or correct the define:
    `#define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6601)`.
""")
