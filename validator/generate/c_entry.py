"""C glue from a manifest: the MSGSERVICEENTRY, the installer exports and the ``.def`` file.

``mapisvc entry`` writes, for each DLL that hosts a service or a provider:

* ``<base>_settings.h`` / ``<base>_settings.c`` — the value-checking tables
  (one row per declared property: tag, range, enumeration, flags, maximum
  length, whether required, which profile section it lives in) and the
  checking code.  This file needs only ``SPropValue`` and the PT_ codes, so
  the tests compile it for the host (shim headers in tests/native_shim/) and
  run it against the same values the Python judge (:func:`judge_value`)
  decides; they run ``<base>_entry.c`` the same way against a fake profile.
* ``<base>_entry.c`` / ``<base>_entry.h`` — the service entry function(s)
  (MSGSERVICEENTRY, every ``ulContext`` handled as mapi-facts §5.2 describes;
  accepted values stored in the profile section the manifest puts them in)
  and the installer exports ``MergeWithMAPISVC`` / ``RemoveFromMAPISVC``
  (mapi-facts §1.11), whose record table is :func:`inf_records`, entry for
  entry what ``mapisvc inf`` writes.  It calls MAPI only through
  ``IProviderAdmin``/``IProfSect`` and ``HrQueryAllRows``/``FreeProws``/
  ``MAPIFreeBuffer`` (all in mingw-w64's ``libmapi32.a``); ``FGetComponentPath``
  is loaded from the system directory's mapistub.dll/mapi32.dll at run time.
* ``<base>_hooks.c`` — the vendor's own UI and event hooks, written only when
  absent (it is the vendor's file once written).
* ``<base>_stubs.c`` — marked stubs for exports the manifest promises but the
  vendor implements (``MSProviderInit`` …, ``WizardEntry``): drop a stub from
  the build when the real function exists.
* ``<base>.def`` — the exports MAPISVC.INF promises, checked by
  ``mapisvc check --dll`` (MS610–MS612).

Everything is deterministic: the same manifest gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from .. import mapi
from ..model import Catalogue, Property, Section

# --- MAPI facts used here (validator.mapi: mapi-facts §1.9, §2.2, §4.1, §5.3) ----

MV_FLAG = mapi.MV_FLAG
PT_I2, PT_LONG, PT_I8 = mapi.PT_I2, mapi.PT_LONG, mapi.PT_I8
PT_STRING8, PT_UNICODE = mapi.PT_STRING8, mapi.PT_UNICODE
INTEGER_TYPES = {PT_I2: 16, PT_LONG: 32, PT_I8: 64}
STRING_TYPES = (PT_STRING8, PT_UNICODE)

#: The fixed export each provider type needs (mapi-facts §5.3).
INIT_FUNCTIONS = {mapi.STORE: "MSProviderInit", mapi.AB: "ABProviderInit",
                  mapi.TRANSPORT: "XPProviderInit", mapi.HOOK: "HPProviderInit"}
INSTALLER_EXPORTS = ("MergeWithMAPISVC", "RemoveFromMAPISVC")


def type_code(name: Any) -> int | None:
    return mapi.type_code(name.strip()) if isinstance(name, str) else None


def resource_type_value(name: Any) -> int:
    found = mapi.RESOURCE_TYPES.get(name) if isinstance(name, str) else None
    return found.value if found is not None else 0


def mapiuid_hex(text: str) -> str:
    """A GUID (``{8-4-4-4-12}``) or 32 hex digits as 32 hex digits in MAPI byte order (§1.9)."""
    text = text.strip()
    if mapi.is_mapiuid_hex(text):
        return text.upper()
    return mapi.guid_to_mapi_hex(text)


def mapiuid_bytes(text: str) -> bytes:
    return bytes.fromhex(mapiuid_hex(text))


def loaded_dll_name(dll: str) -> str:
    """The file MAPI loads for a ``dll`` value: ``32`` before the first period (§1.10).

    A full path keeps only its file name here (the check compares file names).
    A name with no period is UNCONFIRMED; MAPI is taken to append ``32``.
    """
    name = PureWindowsPath(dll).name if ("\\" in dll or ":" in dll) else PurePosixPath(dll).name
    head, dot, tail = name.partition(".")
    return f"{head}32{dot}{tail}"


def dll_base(dll: str) -> str:
    """A C-identifier-safe, lower-case stem naming a DLL's generated files."""
    name = PureWindowsPath(dll).name
    stem = name.partition(".")[0] or "provider"
    return re.sub(r"\W", "_", stem.lower(), flags=re.ASCII)


# --- properties and settings -------------------------------------------------

@dataclass
class PropInfo:
    """A declared fixed-ID property, as the C tables and the Python judge see it."""

    name: str
    prop_id: int
    ptype: int  # with MV_FLAG
    minimum: int | None = None
    maximum: int | None = None
    values: dict[str, int] | None = None
    flags: dict[str, int] | None = None
    max_length: int | None = None
    pattern: str | None = None
    default: Any = None
    secure: bool = False
    ident: str = ""  # a C identifier for the generated tables

    @property
    def tag(self) -> int:
        return (self.prop_id << 16) | self.ptype

    @property
    def base_type(self) -> int:
        return self.ptype & ~MV_FLAG

    @property
    def multi(self) -> bool:
        return bool(self.ptype & MV_FLAG)

    @property
    def has_default(self) -> bool:
        return self.default is not None

    @property
    def flag_mask(self) -> int:
        mask = 0
        for bit in (self.flags or {}).values():
            mask |= bit
        return mask


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and re.fullmatch(r"0[xX][0-9A-Fa-f]+", value):
            return int(value, 16)
        return None
    return value


def properties(cat: Catalogue) -> dict[str, PropInfo]:
    """The manifest's fixed-ID properties (named properties have no place in a profile section)."""
    out: dict[str, PropInfo] = {}
    for name, prop in cat.properties.items():
        info = prop_info(prop)
        if info is not None:
            out[name] = info
    for name, ident in unique_idents(list(out)).items():
        out[name].ident = ident
    return out


def prop_info(prop: Property) -> PropInfo | None:
    prop_id, ptype = _int(prop.value("id")), type_code(prop.value("type"))
    if prop_id is None or ptype is None:
        return None

    def table(key: str) -> dict[str, int] | None:
        raw = prop.value(key)
        if not isinstance(raw, dict):
            return None
        return {k: v for k, v in raw.items() if _int(v) is not None}

    max_length = prop.value("max_length")
    return PropInfo(prop.name, prop_id, ptype, _int(prop.value("minimum")),
                    _int(prop.value("maximum")), table("values"), table("flags"),
                    max_length if isinstance(max_length, int) else None,
                    prop.value("pattern") if isinstance(prop.value("pattern"), str) else None,
                    prop.value("default"), bool(prop.value("secure")) or 0x67F0 <= prop_id <= 0x67FF)


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def judge_value(info: PropInfo, ptype: int, value: Any) -> bool:
    """Whether a value of type ``ptype`` is acceptable for a property (the Python side).

    The generated C checker (``MapisvcCheckValue``) must decide every value the
    same way; tests/test_entry_native.py runs both.  Lengths count UTF-16 code
    units for PT_UNICODE (what ``cch`` means in MAPI) and bytes for PT_STRING8.
    ``pattern`` is not judged here: the C side leaves it to a vendor hook.
    """
    declared = info.ptype
    base = ptype & ~MV_FLAG
    if ptype != declared:
        # A string property accepts either width (MAPI_UNICODE decides what a client sends).
        if not (info.base_type in STRING_TYPES and base in STRING_TYPES
                and (ptype & MV_FLAG) == (declared & MV_FLAG)):
            return False
    items = value if ptype & MV_FLAG else [value]
    if not isinstance(items, list):
        return False
    return all(_judge_one(info, base, item) for item in items)


def _judge_one(info: PropInfo, base: int, value: Any) -> bool:
    if base in INTEGER_TYPES:
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        bits = INTEGER_TYPES[base]
        if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
            return False
        if info.minimum is not None and value < info.minimum:
            return False
        if info.maximum is not None and value > info.maximum:
            return False
        if info.values is not None and value not in info.values.values():
            return False
        if info.flags is not None:
            unsigned = value & ((1 << bits) - 1)
            if unsigned & ~info.flag_mask:
                return False
        return True
    if base in STRING_TYPES:
        if not isinstance(value, str):
            return False
        if info.max_length is not None:
            length = _utf16_units(value) if base == PT_UNICODE else len(value.encode("cp1252", "replace"))
            if length > info.max_length:
                return False
        return True
    return True


# --- what belongs to which service ------------------------------------------

@dataclass
class Destination:
    """A profile section the entry point writes to."""

    kind: str  # "service", "provider" or "extra"
    name: str
    resource_type: int = 0
    display: str = ""
    uid: bytes | None = None


@dataclass
class ServicePlan:
    """One service's part of the generated C."""

    name: str
    entry: str | None
    destinations: list[Destination] = field(default_factory=list)
    ident: str = ""  # a C identifier, distinct within the DLL
    required: set[str] = field(default_factory=set)  # names that must end up configured
    props: list[tuple[PropInfo, int]] = field(default_factory=list)  # (property, destination index)


def _listed(section: Section, key: str) -> list[str]:
    value = section.value(key)
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def service_plan(cat: Catalogue, service: Section, props: dict[str, PropInfo]) -> ServicePlan:
    """Where each property of a service lives, and which ones it requires.

    A property lives in the section whose settings name it; one that no section
    names (a password set only at configuration time) is known to every service
    and lives in the service's own profile section.  Required: declared without
    a ``default`` — except, in a manifest of several services, a property no
    section names, which cannot be told to belong to one of them.
    """
    entry = service.value("entry")
    plan = ServicePlan(service.name, entry if isinstance(entry, str) else None)
    plan.destinations.append(Destination("service", service.name))
    sections: list[tuple[Section, int]] = [(service, 0)]
    for name in _listed(service, "providers"):
        provider = cat.find_provider(name)
        if provider is None:
            continue
        rtype = provider.value("type")
        display = provider.value("display")
        plan.destinations.append(Destination(
            "provider", provider.name, resource_type_value(rtype),
            display if isinstance(display, str) else ""))
        sections.append((provider, len(plan.destinations) - 1))
    for name in _listed(service, "sections"):
        extra = cat.find_section(name)
        if extra is None:
            continue
        uid = extra.value("uid")
        try:
            raw_uid = mapiuid_bytes(uid) if isinstance(uid, str) else None
        except ValueError:
            raw_uid = None
        if raw_uid is None:
            continue  # without a UID the section cannot be opened (MS408 reports it)
        plan.destinations.append(Destination("extra", extra.name, uid=raw_uid))
        sections.append((extra, len(plan.destinations) - 1))
    used_anywhere = {setting.key for section in cat.all_sections() for setting in section.settings}
    placed: dict[str, int] = {}
    for section, index in sections:
        for setting in section.settings:
            if setting.key in props and setting.key not in placed:
                placed[setting.key] = index
    single = len(cat.services) == 1
    for name, info in props.items():
        if name in placed:
            plan.props.append((info, placed[name]))
        elif name not in used_anywhere:
            plan.props.append((info, 0))
        else:
            continue
        if not info.has_default and (name in placed or single):
            plan.required.add(name)
    return plan


# --- the records MergeWithMAPISVC writes (= what `mapisvc inf` writes) -------

Record = tuple[str, str, str]
GLOBAL_SECTIONS = ("Services", "Default Services", "Help File Mappings")  # as inf.plan names them


def inf_records(cat: Catalogue) -> list[Record]:
    """Every (section, key, value) that ``mapisvc inf`` writes, in its order.

    One source: this flattens :func:`validator.generate.inf.plan`, the INF
    generator's own plan, so the C installer cannot drift from the INF text.
    """
    from .inf import plan

    return [(section.name, key, value) for section in plan(cat).all_sections()
            for key, value in section.entries]


def service_records(cat: Catalogue, service: Section, records: list[Record] | None = None
                    ) -> list[Record]:
    """A service's share of :func:`inf_records`: its global lines, its section, its providers'
    and extra sections (mapi-facts §1.11)."""
    records = inf_records(cat) if records is None else records
    own = {service.name.casefold()}
    own |= {n.casefold() for n in _listed(service, "providers") + _listed(service, "sections")}
    name = service.name.casefold()
    out = []
    for section, key, value in records:
        if section in GLOBAL_SECTIONS:
            if key.casefold() == name:
                out.append((section, key, value))
        elif section and section.casefold() in own:
            out.append((section, key, value))
    return out


# --- C text helpers ------------------------------------------------------------

def c_string(text: str, encoding: str = "cp1252") -> str:
    """A C string literal of ``text`` in ``encoding`` (MAPISVC.INF is read as ANSI, §1.2).

    Text Windows-1252 cannot hold becomes ``?``, as MAPI would read it (MS609 warns).
    """
    data = text.encode(encoding, "replace")
    out, hex_before = [], False
    for byte in data:
        char = chr(byte)
        if char in '"\\':
            piece, hex_now = "\\" + char, False
        elif 0x20 <= byte < 0x7F and char != "?":
            # After a \xNN escape a hex digit would continue it: break the literal.
            piece = ('" "' + char) if hex_before and char in "0123456789abcdefABCDEF" else char
            hex_now = False
        else:
            piece, hex_now = f"\\x{byte:02X}", True
        out.append(piece)
        hex_before = hex_now
    return '"' + "".join(out) + '"'


def c_wstring(text: str) -> str:
    """A wide literal that is the same UTF-16 on Windows and in the native shim test."""
    units = text.encode("utf-16-le")
    return "{ " + "".join(f"{int.from_bytes(units[i:i + 2], 'little')}, "
                          for i in range(0, len(units), 2)) + "0 }"


def c_ident(text: str) -> str:
    ident = re.sub(r"\W", "_", text, flags=re.ASCII)
    return ident if not ident[:1].isdigit() else "_" + ident


def unique_idents(names: list[str]) -> dict[str, str]:
    """C identifiers for names, distinct even where two names differ only in punctuation."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        ident = base = c_ident(name)
        number = 2
        while ident.casefold() in taken:
            ident, number = f"{base}_{number}", number + 1
        taken.add(ident.casefold())
        out[name] = ident
    return out


def _c_int64(value: int) -> str:
    if value == -(1 << 63):
        return "(-9223372036854775807LL - 1)"
    return f"{value}LL"


def _comment(text: str) -> str:
    return text.replace("*/", "* /").replace("\n", " ")


# --- the generated files -------------------------------------------------------

@dataclass
class DllPlan:
    """Everything one DLL hosts: services (entry points, installer) and providers (init exports)."""

    dll: str
    base: str
    services: list[Section] = field(default_factory=list)
    provider_types: list[str] = field(default_factory=list)
    wizard_entries: list[str] = field(default_factory=list)

    @property
    def loaded_name(self) -> str:
        return loaded_dll_name(self.dll)

    @property
    def entries(self) -> list[str]:
        return [s.value("entry") for s in self.services if isinstance(s.value("entry"), str)]

    def exports(self) -> list[str]:
        """What the .def exports, in a fixed order: entry points, installer, provider inits."""
        names = list(dict.fromkeys(self.entries + self.wizard_entries))
        if self.services:
            names += INSTALLER_EXPORTS
        names += [INIT_FUNCTIONS[t] for t in self.provider_types]
        return names


class EntryError(ValueError):
    """A manifest the C glue cannot be generated from (two services with one entry name in a DLL)."""


def dll_plans(cat: Catalogue) -> list[DllPlan]:
    """The DLLs the manifest names, each with what it must export (mapi-facts §5.3, §6 item 25)."""
    plans: dict[str, DllPlan] = {}

    def plan_for(dll: Any) -> DllPlan | None:
        if not isinstance(dll, str) or not dll.strip():
            return None
        key = dll.strip().casefold()
        if key not in plans:
            plans[key] = DllPlan(dll.strip(), dll_base(dll.strip()))
        return plans[key]

    for service in cat.services.values():
        plan = plan_for(service.value("dll"))
        if plan is None:
            continue
        plan.services.append(service)
        wizard = service.value("wizard_entry")
        if isinstance(wizard, str) and wizard not in plan.wizard_entries:
            plan.wizard_entries.append(wizard)
    for provider in cat.providers.values():
        plan = plan_for(provider.value("dll"))
        rtype = provider.value("type")
        if plan is not None and rtype in INIT_FUNCTIONS and rtype not in plan.provider_types:
            plan.provider_types.append(rtype)
    for plan in plans.values():
        plan.provider_types.sort(key=list(INIT_FUNCTIONS).index)
        seen: dict[str, str] = {}
        for service in plan.services:
            entry = service.value("entry")
            if isinstance(entry, str):
                if entry in seen:
                    raise EntryError(f"services '{seen[entry]}' and '{service.name}' both name the"
                                     f" entry point '{entry}' in {plan.dll}: give each its own")
                seen[entry] = service.name
        for service in plan.services:
            for key in ("entry", "wizard_entry"):
                name = service.value(key)
                if isinstance(name, str):
                    _check_export_name(name, key, service.name, plan, seen)
    bases: dict[str, str] = {}
    for plan in plans.values():
        if plan.base in bases:
            raise EntryError(f"DLLs '{bases[plan.base]}' and '{plan.dll}' would share the generated"
                             f" file names {plan.base}_*.c")
        bases[plan.base] = plan.dll
    return list(plans.values())


C_KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed sizeof static struct
    switch typedef union unsigned void volatile while _Bool _Complex _Imaginary main""".split())


# Library and Windows functions the generated code calls: an entry point cannot take their names.
CALLED_FUNCTIONS = frozenset("""malloc free memcpy strcat strcpy strlen strrchr lstrcmpiA
    HrQueryAllRows FreeProws MAPIFreeBuffer RegOpenKeyExA RegQueryValueExA RegCloseKey
    GetSystemDirectoryA LoadLibraryA GetProcAddress FreeLibrary WritePrivateProfileStringA
    GetPrivateProfileSectionA GetLastError""".split())


def _check_export_name(name: str, key: str, service: str, plan: DllPlan, entries: dict) -> None:
    """An entry-point name the generated C can define without a clash."""
    if not re.fullmatch(r"[A-Za-z_]\w*", name, flags=re.ASCII) or name in C_KEYWORDS:
        problem = "is not a C function name (MS604)"
    elif (name.startswith("Mapisvc") or name in INSTALLER_EXPORTS or name in CALLED_FUNCTIONS
          or name in INIT_FUNCTIONS.values()):
        problem = "clashes with a function mapisvc generates"
    elif key == "wizard_entry" and name in entries:
        problem = f"is also the entry point of service '{entries[name]}'"
    else:
        return
    raise EntryError(f"{key} '{name}' of service '{service}' {problem}; rename it")


def _header(source: str, what: str, style: str = "c") -> str:
    lines = [f"{what}",
             f"Generated by `mapisvc entry` from {source}. Do not edit: regenerate."]
    if style == "def":
        return "".join(f"; {line}\n" for line in lines)
    return "/* " + "\n * ".join(lines) + "\n */\n"


def _prop_row(info: PropInfo, section: int, required: bool) -> str:
    checks = []
    if info.minimum is not None:
        checks.append("MAPISVC_CHECK_MIN")
    if info.maximum is not None:
        checks.append("MAPISVC_CHECK_MAX")
    if info.values is not None:
        checks.append("MAPISVC_CHECK_ENUM")
    if info.flags is not None:
        checks.append("MAPISVC_CHECK_FLAGS")
    if info.max_length is not None:
        checks.append("MAPISVC_CHECK_LENGTH")
    if required:
        checks.append("MAPISVC_REQUIRED")
    if info.secure:
        checks.append("MAPISVC_SECURE")
    if info.pattern is not None:
        checks.append("MAPISVC_PATTERN")
    enum = f"Enum_{info.ident}" if info.values else "NULL"
    return ("    { " + ", ".join([
        c_string(info.name), f"0x{info.tag:08X}", " | ".join(checks) or "0",
        _c_int64(info.minimum or 0), _c_int64(info.maximum or 0),
        f"0x{info.flag_mask & 0xFFFFFFFFFFFFFFFF:X}ULL", str(info.max_length or 0),
        str(len(info.values or {})), enum, str(section),
        c_string(info.pattern) if info.pattern is not None else "NULL"]) + " }")


SECTION_KINDS = {"service": "MAPISVC_SECTION_SERVICE", "provider": "MAPISVC_SECTION_PROVIDER",
                 "extra": "MAPISVC_SECTION_EXTRA"}


def settings_h(plan: DllPlan, plans: list[ServicePlan], source: str) -> str:
    guard = f"MAPISVC_{plan.base.upper()}_SETTINGS_H"
    out = [_header(source, f"{plan.base}_settings.h: the configuration tables of {plan.dll}."),
           f"#ifndef {guard}", f"#define {guard}", "",
           "#include <windows.h>", "#include <mapidefs.h>", "#include <mapicode.h>", "",
           "/* What a row of MAPISVC_PROP checks (ulChecks). */",
           "#define MAPISVC_CHECK_MIN    0x0001",
           "#define MAPISVC_CHECK_MAX    0x0002",
           "#define MAPISVC_CHECK_ENUM   0x0004",
           "#define MAPISVC_CHECK_FLAGS  0x0008",
           "#define MAPISVC_CHECK_LENGTH 0x0010",
           "/* Declared without a default: must be configured, else MAPI_E_UNCONFIGURED",
           " * (in a manifest of several services, only where a section's settings name it). */",
           "#define MAPISVC_REQUIRED     0x0020",
           "#define MAPISVC_SECURE       0x0040",
           "/* A `pattern` the tables cannot check: MapisvcHookCheckValue does. */",
           "#define MAPISVC_PATTERN      0x0080", "",
           "#define MAPISVC_SECTION_SERVICE  0",
           "#define MAPISVC_SECTION_PROVIDER 1",
           "#define MAPISVC_SECTION_EXTRA    2", "",
           "typedef struct MAPISVC_PROP {",
           "    const char *lpszName;",
           "    ULONG ulPropTag;          /* PROP_TAG(type, id) as declared */",
           "    ULONG ulChecks;           /* MAPISVC_CHECK_*, MAPISVC_REQUIRED, ... */",
           "    LONGLONG llMin, llMax;    /* minimum, maximum */",
           "    ULONGLONG ullFlagMask;    /* every declared flag bit */",
           "    ULONG cchMax;             /* max_length: characters (PT_UNICODE), bytes (PT_STRING8) */",
           "    ULONG cEnum;",
           "    const LONGLONG *lpEnum;   /* the enumeration's values */",
           "    ULONG iSection;           /* index into the service's lpSections */",
           "    const char *lpszPattern;",
           "} MAPISVC_PROP;", "",
           "typedef struct MAPISVC_SECTION {",
           "    ULONG ulKind;             /* MAPISVC_SECTION_* */",
           "    const char *lpszName;     /* the MAPISVC.INF section */",
           "    ULONG ulResourceType;     /* providers: PR_RESOURCE_TYPE */",
           "    const char *lpszDisplay;  /* providers: PR_PROVIDER_DISPLAY */",
           "    const BYTE *lpbUid;       /* extra sections: the section's MAPIUID */",
           "} MAPISVC_SECTION;", "",
           "typedef struct MAPISVC_SERVICE {",
           "    const char *lpszName;     /* the [Services] name */",
           "    ULONG cSections;",
           "    const MAPISVC_SECTION *lpSections;",
           "    ULONG cProps;",
           "    const MAPISVC_PROP *lpProps;",
           "} MAPISVC_SERVICE;", ""]
    for service in plans:
        out.append(f"extern const MAPISVC_SERVICE MapisvcService_{service.ident};")
    out += ["",
            "const MAPISVC_PROP *MapisvcFindProp(const MAPISVC_SERVICE *lpService, ULONG ulPropTag);",
            "BOOL MapisvcCheckValue(const MAPISVC_PROP *lpProp, const SPropValue *lpValue);",
            "HRESULT MapisvcCheckProps(const MAPISVC_SERVICE *lpService, ULONG cValues,",
            "                          const SPropValue *lpProps, ULONG *lpiBad);", "",
            f"#endif /* {guard} */", ""]
    return "\n".join(out)


CHECK_CODE = r"""
const MAPISVC_PROP *MapisvcFindProp(const MAPISVC_SERVICE *lpService, ULONG ulPropTag)
{
    ULONG i;
    for (i = 0; i < lpService->cProps; i++)
        if (PROP_ID(lpService->lpProps[i].ulPropTag) == PROP_ID(ulPropTag))
            return &lpService->lpProps[i];
    return NULL;
}

static BOOL MapisvcCheckInteger(const MAPISVC_PROP *lpProp, LONGLONG llValue, ULONGLONG ullBits)
{
    ULONG i;
    if ((lpProp->ulChecks & MAPISVC_CHECK_MIN) && llValue < lpProp->llMin)
        return FALSE;
    if ((lpProp->ulChecks & MAPISVC_CHECK_MAX) && llValue > lpProp->llMax)
        return FALSE;
    if (lpProp->ulChecks & MAPISVC_CHECK_ENUM) {
        for (i = 0; i < lpProp->cEnum; i++)
            if (lpProp->lpEnum[i] == llValue)
                break;
        if (i == lpProp->cEnum)
            return FALSE;
    }
    /* Flags: no bit outside the declared ones (0 is "no flag set"). */
    if ((lpProp->ulChecks & MAPISVC_CHECK_FLAGS) && (ullBits & ~lpProp->ullFlagMask))
        return FALSE;
    return TRUE;
}

static BOOL MapisvcCheckStringA(const MAPISVC_PROP *lpProp, const char *lpsz)
{
    ULONG cb = 0;
    if (lpsz == NULL)
        return FALSE;
    while (lpsz[cb])
        cb++;
    return !(lpProp->ulChecks & MAPISVC_CHECK_LENGTH) || cb <= lpProp->cchMax;
}

static BOOL MapisvcCheckStringW(const MAPISVC_PROP *lpProp, const WCHAR *lpsz)
{
    ULONG cch = 0;
    if (lpsz == NULL)
        return FALSE;
    while (lpsz[cch])
        cch++;
    return !(lpProp->ulChecks & MAPISVC_CHECK_LENGTH) || cch <= lpProp->cchMax;
}

static BOOL MapisvcIsString(ULONG ulType)
{
    return ulType == PT_STRING8 || ulType == PT_UNICODE;
}

BOOL MapisvcCheckValue(const MAPISVC_PROP *lpProp, const SPropValue *lpValue)
{
    ULONG ulDeclared = PROP_TYPE(lpProp->ulPropTag);
    ULONG ulGiven = PROP_TYPE(lpValue->ulPropTag);
    ULONG i;

    if (ulGiven != ulDeclared) {
        /* A string property takes either width: MAPI_UNICODE decides what a client sends. */
        if (!(MapisvcIsString(ulDeclared & ~MV_FLAG) && MapisvcIsString(ulGiven & ~MV_FLAG)
              && (ulDeclared & MV_FLAG) == (ulGiven & MV_FLAG)))
            return FALSE;
    }
    switch (ulGiven) {
    case PT_I2:
        return MapisvcCheckInteger(lpProp, lpValue->Value.i, (USHORT) lpValue->Value.i);
    case PT_LONG:
        return MapisvcCheckInteger(lpProp, lpValue->Value.l, (ULONG) lpValue->Value.l);
    case PT_I8:
        return MapisvcCheckInteger(lpProp, lpValue->Value.li.QuadPart,
                                   (ULONGLONG) lpValue->Value.li.QuadPart);
    case PT_STRING8:
        return MapisvcCheckStringA(lpProp, lpValue->Value.lpszA);
    case PT_UNICODE:
        return MapisvcCheckStringW(lpProp, lpValue->Value.lpszW);
    case PT_MV_I2:
        if (lpValue->Value.MVi.cValues && lpValue->Value.MVi.lpi == NULL)
            return FALSE;
        for (i = 0; i < lpValue->Value.MVi.cValues; i++)
            if (!MapisvcCheckInteger(lpProp, lpValue->Value.MVi.lpi[i], (USHORT) lpValue->Value.MVi.lpi[i]))
                return FALSE;
        return TRUE;
    case PT_MV_LONG:
        if (lpValue->Value.MVl.cValues && lpValue->Value.MVl.lpl == NULL)
            return FALSE;
        for (i = 0; i < lpValue->Value.MVl.cValues; i++)
            if (!MapisvcCheckInteger(lpProp, lpValue->Value.MVl.lpl[i], (ULONG) lpValue->Value.MVl.lpl[i]))
                return FALSE;
        return TRUE;
    case PT_MV_I8:
        if (lpValue->Value.MVli.cValues && lpValue->Value.MVli.lpli == NULL)
            return FALSE;
        for (i = 0; i < lpValue->Value.MVli.cValues; i++)
            if (!MapisvcCheckInteger(lpProp, lpValue->Value.MVli.lpli[i].QuadPart,
                                     (ULONGLONG) lpValue->Value.MVli.lpli[i].QuadPart))
                return FALSE;
        return TRUE;
    case PT_MV_STRING8:
        if (lpValue->Value.MVszA.cValues && lpValue->Value.MVszA.lppszA == NULL)
            return FALSE;
        for (i = 0; i < lpValue->Value.MVszA.cValues; i++)
            if (!MapisvcCheckStringA(lpProp, lpValue->Value.MVszA.lppszA[i]))
                return FALSE;
        return TRUE;
    case PT_MV_UNICODE:
        if (lpValue->Value.MVszW.cValues && lpValue->Value.MVszW.lppszW == NULL)
            return FALSE;
        for (i = 0; i < lpValue->Value.MVszW.cValues; i++)
            if (!MapisvcCheckStringW(lpProp, lpValue->Value.MVszW.lppszW[i]))
                return FALSE;
        return TRUE;
    default:
        return TRUE; /* other types: the manifest constrains only the type */
    }
}

HRESULT MapisvcCheckProps(const MAPISVC_SERVICE *lpService, ULONG cValues,
                          const SPropValue *lpProps, ULONG *lpiBad)
{
    ULONG i;
    if (cValues && lpProps == NULL)
        return MAPI_E_INVALID_PARAMETER;
    for (i = 0; i < cValues; i++) {
        const MAPISVC_PROP *lpProp = MapisvcFindProp(lpService, lpProps[i].ulPropTag);
        if (lpProp == NULL || !MapisvcCheckValue(lpProp, &lpProps[i])) {
            if (lpiBad)
                *lpiBad = i;
            return MAPI_E_INVALID_PARAMETER;
        }
    }
    return S_OK;
}
"""


def settings_c(plan: DllPlan, plans: list[ServicePlan], source: str) -> str:
    out = [_header(source, f"{plan.base}_settings.c: the value checks of {plan.dll}, from the"
                   " manifest's properties."),
           f'#include "{plan.base}_settings.h"', "",
           "#ifndef PT_MV_I2", "#define PT_MV_I2 (MV_FLAG | PT_I2)", "#endif",
           "#ifndef PT_MV_LONG", "#define PT_MV_LONG (MV_FLAG | PT_LONG)", "#endif",
           "#ifndef PT_MV_I8", "#define PT_MV_I8 (MV_FLAG | PT_I8)", "#endif",
           "#ifndef PT_MV_STRING8", "#define PT_MV_STRING8 (MV_FLAG | PT_STRING8)", "#endif",
           "#ifndef PT_MV_UNICODE", "#define PT_MV_UNICODE (MV_FLAG | PT_UNICODE)", "#endif", ""]
    enums_done: set[str] = set()
    for service in plans:
        for info, _ in service.props:
            if info.values and info.name not in enums_done:
                enums_done.add(info.name)
                values = ", ".join(_c_int64(v) for v in info.values.values())
                out.append(f"static const LONGLONG Enum_{info.ident}[] = {{ {values} }};")
    if enums_done:
        out.append("")
    for service in plans:
        ident = service.ident
        for index, dest in enumerate(service.destinations):
            if dest.uid is not None:
                data = ", ".join(f"0x{b:02X}" for b in dest.uid)
                out.append(f"static const BYTE Uid_{ident}_{index}[16] = {{ {data} }};")
        out.append(f"static const MAPISVC_SECTION Sections_{ident}[] = {{")
        for index, dest in enumerate(service.destinations):
            uid = f"Uid_{ident}_{index}" if dest.uid is not None else "NULL"
            out.append(f"    {{ {SECTION_KINDS[dest.kind]}, {c_string(dest.name)},"
                       f" {dest.resource_type}, {c_string(dest.display)}, {uid} }},")
        out.append("};")
        if service.props:
            out.append(f"static const MAPISVC_PROP Props_{ident}[] = {{")
            out.append("    /* name, tag, checks, min, max, flag mask, max length, enum count,"
                       " enum, section, pattern */")
            for info, index in service.props:
                out.append(f"    /* {_comment(info.name)}: {service.destinations[index].kind}"
                           f" section {_comment(service.destinations[index].name)} */")
                out.append(_prop_row(info, index, info.name in service.required) + ",")
            out.append("};")
        props = f"Props_{ident}" if service.props else "NULL"
        out += [f"const MAPISVC_SERVICE MapisvcService_{ident} = {{",
                f"    {c_string(service.name)}, {len(service.destinations)}, Sections_{ident},"
                f" {len(service.props)}, {props}", "};", ""]
    out.append(CHECK_CODE.lstrip("\n"))
    return "\n".join(out)


def entry_h(plan: DllPlan, source: str) -> str:
    guard = f"MAPISVC_{plan.base.upper()}_ENTRY_H"
    return _header(source, f"{plan.base}_entry.h: the hooks {plan.base}_hooks.c implements,"
                   " and the installer functions.") + f"""#ifndef {guard}
#define {guard}

#include <windows.h>
#include <mapix.h>
#include <mapispi.h>
#include "{plan.base}_settings.h"

/* VENDOR HOOK: the configuration UI, for MSG_SERVICE_CREATE and MSG_SERVICE_CONFIGURE
 * when SERVICE_UI_ALWAYS or SERVICE_UI_ALLOWED is set. Store what the user chose in the
 * profile sections (the same ones MapisvcService_* names) and return S_OK;
 * MAPI_E_USER_CANCEL when the user cancels; MAPI_E_NO_SUPPORT when there is no UI. */
HRESULT MapisvcHookConfigureUI(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                               LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                               ULONG ulContext, LPPROVIDERADMIN lpProviderAdmin);

/* VENDOR HOOK: MSG_SERVICE_INSTALL, DELETE, UNINSTALL, PROVIDER_CREATE, PROVIDER_DELETE. */
HRESULT MapisvcHookServiceEvent(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                                LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                                ULONG ulContext, LPPROVIDERADMIN lpProviderAdmin);

/* VENDOR HOOK: checks the tables cannot express (a `pattern`, rules across settings).
 * Called for each value the tables accepted; FALSE rejects it (MAPI_E_INVALID_PARAMETER). */
BOOL MapisvcHookCheckValue(const MAPISVC_SERVICE *lpService, const MAPISVC_PROP *lpProp,
                           const SPropValue *lpValue);

/* The installer: write / remove this DLL's MAPISVC.INF entries (rundll32 runs the exports). */
HRESULT MapisvcMergeWithMAPISVC(void);
HRESULT MapisvcRemoveFromMAPISVC(void);
void CALLBACK MergeWithMAPISVC(HWND hwnd, HINSTANCE hInstance, LPSTR lpszCmdLine, int nCmdShow);
void CALLBACK RemoveFromMAPISVC(HWND hwnd, HINSTANCE hInstance, LPSTR lpszCmdLine, int nCmdShow);

#endif /* {guard} */
"""


ENTRY_COMMON = r"""
#ifndef MAPI_E_NOT_ENOUGH_MEMORY
#define MAPI_E_NOT_ENOUGH_MEMORY E_OUTOFMEMORY
#endif

/* The provider of a MAPISVC_SECTION in this service: the provider table row of the same
 * PR_RESOURCE_TYPE and, where the row has it, the same PR_PROVIDER_DISPLAY. */
static HRESULT MapisvcFindProvider(const MAPISVC_SECTION *lpSection, LPPROVIDERADMIN lpAdmin,
                                   MAPIUID *lpUid)
{
    static const SizedSPropTagArray(3, columns) = {
        3, { PR_PROVIDER_UID, PR_RESOURCE_TYPE, PR_PROVIDER_DISPLAY_A } };
    LPMAPITABLE lpTable = NULL;
    LPSRowSet lpRows = NULL;
    HRESULT hr;
    ULONG i;

    hr = lpAdmin->lpVtbl->GetProviderTable(lpAdmin, 0, &lpTable);
    if (FAILED(hr))
        return hr;
    hr = HrQueryAllRows(lpTable, (LPSPropTagArray) &columns, NULL, NULL, 0, &lpRows);
    lpTable->lpVtbl->Release(lpTable);
    if (FAILED(hr))
        return hr;
    hr = MAPI_E_NOT_FOUND;
    for (i = 0; i < lpRows->cRows; i++) {
        LPSPropValue lpCols = lpRows->aRow[i].lpProps;
        if (lpRows->aRow[i].cValues < 3 || lpCols[0].ulPropTag != PR_PROVIDER_UID
            || lpCols[0].Value.bin.cb != sizeof(MAPIUID))
            continue;
        if (lpCols[1].ulPropTag != PR_RESOURCE_TYPE
            || (ULONG) lpCols[1].Value.l != lpSection->ulResourceType)
            continue;
        if (lpCols[2].ulPropTag == PR_PROVIDER_DISPLAY_A
            && lstrcmpiA(lpCols[2].Value.lpszA, lpSection->lpszDisplay) != 0)
            continue;
        memcpy(lpUid, lpCols[0].Value.bin.lpb, sizeof(MAPIUID));
        hr = S_OK;
        break;
    }
    FreeProws(lpRows);
    return hr;
}

static HRESULT MapisvcOpenSection(const MAPISVC_SERVICE *lpService, ULONG iSection,
                                  LPPROVIDERADMIN lpAdmin, LPPROFSECT *lppSection)
{
    const MAPISVC_SECTION *lpSection = &lpService->lpSections[iSection];
    MAPIUID uid;
    HRESULT hr;

    *lppSection = NULL;
    switch (lpSection->ulKind) {
    case MAPISVC_SECTION_SERVICE:
        /* From a service entry point, NULL opens the service's own profile section
         * (IProviderAdmin::OpenProfileSection). */
        return lpAdmin->lpVtbl->OpenProfileSection(lpAdmin, NULL, NULL, MAPI_MODIFY, lppSection);
    case MAPISVC_SECTION_EXTRA:
        /* MAPI_MODIFY creates the section if the profile does not have it yet. */
        memcpy(&uid, lpSection->lpbUid, sizeof(MAPIUID));
        return lpAdmin->lpVtbl->OpenProfileSection(lpAdmin, &uid, NULL, MAPI_MODIFY, lppSection);
    default:
        hr = MapisvcFindProvider(lpSection, lpAdmin, &uid);
        if (FAILED(hr))
            return hr;
        return lpAdmin->lpVtbl->OpenProfileSection(lpAdmin, &uid, NULL, MAPI_MODIFY, lppSection);
    }
}

/* Store accepted values, each in the profile section the manifest puts it in. */
static HRESULT MapisvcStore(const MAPISVC_SERVICE *lpService, ULONG cValues,
                            LPSPropValue lpProps, LPPROVIDERADMIN lpAdmin)
{
    LPSPropValue lpSubset;
    HRESULT hr = S_OK;
    ULONG iSection, i, n;

    if (cValues == 0)
        return S_OK;
    lpSubset = (LPSPropValue) malloc(cValues * sizeof(SPropValue));
    if (lpSubset == NULL)
        return MAPI_E_NOT_ENOUGH_MEMORY;
    for (iSection = 0; iSection < lpService->cSections && SUCCEEDED(hr); iSection++) {
        LPPROFSECT lpSection = NULL;
        for (i = 0, n = 0; i < cValues; i++) {
            const MAPISVC_PROP *lpProp = MapisvcFindProp(lpService, lpProps[i].ulPropTag);
            if (lpProp != NULL && lpProp->iSection == iSection)
                lpSubset[n++] = lpProps[i];
        }
        if (n == 0)
            continue;
        hr = MapisvcOpenSection(lpService, iSection, lpAdmin, &lpSection);
        if (FAILED(hr))
            break;
        hr = lpSection->lpVtbl->SetProps(lpSection, n, lpSubset, NULL);
        if (SUCCEEDED(hr)) {
            hr = lpSection->lpVtbl->SaveChanges(lpSection, 0);
            if (hr == MAPI_E_NO_SUPPORT)
                hr = S_OK; /* profile sections may save as they are set */
        }
        lpSection->lpVtbl->Release(lpSection);
    }
    free(lpSubset);
    return hr;
}

/* Whether a required setting (declared without a default) is in none of the sections. */
static HRESULT MapisvcFindMissing(const MAPISVC_SERVICE *lpService, LPPROVIDERADMIN lpAdmin,
                                  BOOL *lpfMissing)
{
    LPSPropTagArray lpTags;
    HRESULT hr = S_OK;
    ULONG iSection, i, n;

    *lpfMissing = FALSE;
    lpTags = (LPSPropTagArray) malloc(CbNewSPropTagArray(lpService->cProps + 1));
    if (lpTags == NULL)
        return MAPI_E_NOT_ENOUGH_MEMORY;
    for (iSection = 0; iSection < lpService->cSections && !*lpfMissing; iSection++) {
        LPPROFSECT lpSection = NULL;
        LPSPropValue lpValues = NULL;
        ULONG cValues = 0;
        for (i = 0, n = 0; i < lpService->cProps; i++) {
            const MAPISVC_PROP *lpProp = &lpService->lpProps[i];
            if ((lpProp->ulChecks & MAPISVC_REQUIRED) && lpProp->iSection == iSection)
                lpTags->aulPropTag[n++] = CHANGE_PROP_TYPE(lpProp->ulPropTag, PT_UNSPECIFIED);
        }
        if (n == 0)
            continue;
        lpTags->cValues = n;
        hr = MapisvcOpenSection(lpService, iSection, lpAdmin, &lpSection);
        if (hr == MAPI_E_NOT_FOUND) {
            *lpfMissing = TRUE; /* no such provider or section yet: nothing is configured */
            hr = S_OK;
            break;
        }
        if (FAILED(hr))
            break;
        hr = lpSection->lpVtbl->GetProps(lpSection, lpTags, 0, &cValues, &lpValues);
        lpSection->lpVtbl->Release(lpSection);
        if (FAILED(hr))
            break;
        hr = S_OK; /* MAPI_W_ERRORS_RETURNED: the PT_ERROR values tell which */
        for (i = 0; i < cValues; i++)
            if (PROP_TYPE(lpValues[i].ulPropTag) == PT_ERROR)
                *lpfMissing = TRUE;
        MAPIFreeBuffer(lpValues);
    }
    free(lpTags);
    return hr;
}

/* MSG_SERVICE_CREATE and MSG_SERVICE_CONFIGURE (mapi-facts 5.2): use lpProps if they are
 * valid, else the UI if it is allowed; a required setting still missing is
 * MAPI_E_UNCONFIGURED, a bad value MAPI_E_INVALID_PARAMETER. */
static HRESULT MapisvcConfigure(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                                LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                                ULONG ulContext, ULONG cValues, LPSPropValue lpProps,
                                LPPROVIDERADMIN lpAdmin)
{
    BOOL fUIAllowed = (ulFlags & (SERVICE_UI_ALWAYS | SERVICE_UI_ALLOWED)) != 0;
    BOOL fMissing = FALSE;
    ULONG iBad = 0, i;
    HRESULT hrValues, hr;

    if (lpAdmin == NULL)
        return MAPI_E_INVALID_PARAMETER;
    hrValues = MapisvcCheckProps(lpService, cValues, lpProps, &iBad);
    for (i = 0; i < cValues && hrValues == S_OK; i++)
        if (!MapisvcHookCheckValue(lpService, MapisvcFindProp(lpService, lpProps[i].ulPropTag),
                                   &lpProps[i]))
            hrValues = MAPI_E_INVALID_PARAMETER;
    /* MSG_SERVICE_UI_READ_ONLY: the caller may look, not change. */
    if (hrValues == S_OK && !(ulFlags & MSG_SERVICE_UI_READ_ONLY)) {
        hr = MapisvcStore(lpService, cValues, lpProps, lpAdmin);
        if (FAILED(hr))
            return hr;
    }
    hr = MapisvcFindMissing(lpService, lpAdmin, &fMissing);
    if (FAILED(hr))
        return hr;
    if ((ulFlags & SERVICE_UI_ALWAYS) || (fUIAllowed && (hrValues != S_OK || fMissing))) {
        hr = MapisvcHookConfigureUI(lpService, hInstance, lpMAPISup, ulUIParam, ulFlags,
                                    ulContext, lpAdmin);
        if (hr == S_OK) {
            hrValues = S_OK; /* the user's choices replace the rejected values */
            hr = MapisvcFindMissing(lpService, lpAdmin, &fMissing);
            if (FAILED(hr))
                return hr;
        } else if (hr != MAPI_E_NO_SUPPORT) {
            return hr; /* MAPI_E_USER_CANCEL and real failures */
        }
    }
    if (hrValues != S_OK)
        return MAPI_E_INVALID_PARAMETER;
    if (fMissing)
        return MAPI_E_UNCONFIGURED;
    return S_OK;
}

static HRESULT MapisvcServiceEntry(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                                   LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                                   ULONG ulContext, ULONG cValues, LPSPropValue lpProps,
                                   LPPROVIDERADMIN lpProviderAdmin, LPMAPIERROR *lppMapiError)
{
    if (lppMapiError != NULL)
        *lppMapiError = NULL;
    switch (ulContext) {
    case MSG_SERVICE_CREATE:
    case MSG_SERVICE_CONFIGURE:
        return MapisvcConfigure(lpService, hInstance, lpMAPISup, ulUIParam, ulFlags, ulContext,
                                cValues, lpProps, lpProviderAdmin);
    case MSG_SERVICE_INSTALL:         /* usually S_OK */
    case MSG_SERVICE_DELETE:          /* S_OK: MAPI removes the service's sections */
    case MSG_SERVICE_UNINSTALL:       /* clean up; may return MAPI_E_USER_CANCEL */
    case MSG_SERVICE_PROVIDER_CREATE: /* IProviderAdmin::CreateProvider, or MAPI_E_NO_SUPPORT */
    case MSG_SERVICE_PROVIDER_DELETE: /* IProviderAdmin::DeleteProvider, or MAPI_E_NO_SUPPORT */
        return MapisvcHookServiceEvent(lpService, hInstance, lpMAPISup, ulUIParam, ulFlags,
                                       ulContext, lpProviderAdmin);
    default:
        return MAPI_E_NO_SUPPORT;
    }
}
"""

INSTALLER_COMMON = r"""
/* FGetComponentPath lives in the system directory's mapistub.dll (or mapi32.dll); it is
 * loaded there by name, as Microsoft's samples do, rather than imported from whatever
 * mapi32.dll the search path finds. */
typedef BOOL (STDAPICALLTYPE FGETCOMPONENTPATH)(LPCSTR szComponent, LPSTR szQualifier,
                                                 LPSTR szDllPath, DWORD cchBufferSize,
                                                 BOOL fInstall);

static BOOL MapisvcRegString(HKEY hKey, const char *lpszName, char *lpszOut, DWORD cbOut)
{
    DWORD dwType = 0, cb = cbOut - 1;
    lpszOut[0] = '\0';
    if (RegQueryValueExA(hKey, lpszName, NULL, &dwType, (LPBYTE) lpszOut, &cb) != ERROR_SUCCESS
        || (dwType != REG_SZ && dwType != REG_MULTI_SZ && dwType != REG_EXPAND_SZ)) {
        lpszOut[0] = '\0';
        return FALSE;
    }
    lpszOut[cb < cbOut ? cb : cbOut - 1] = '\0';
    return lpszOut[0] != '\0';
}

static FGETCOMPONENTPATH *MapisvcLoadFGetComponentPath(HMODULE *lphModule)
{
    static const char *const names[] = { "\\mapistub.dll", "\\mapi32.dll" };
    char szPath[MAX_PATH];
    UINT cch, i;

    *lphModule = NULL;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        cch = GetSystemDirectoryA(szPath, MAX_PATH);
        if (cch == 0 || cch + strlen(names[i]) >= MAX_PATH)
            return NULL;
        strcat(szPath, names[i]);
        *lphModule = LoadLibraryA(szPath);
        if (*lphModule != NULL) {
            FARPROC lpfn = GetProcAddress(*lphModule, "FGetComponentPath");
            if (lpfn != NULL)
                return (FGETCOMPONENTPATH *) (void (*)(void)) lpfn;
            FreeLibrary(*lphModule);
            *lphModule = NULL;
        }
    }
    return NULL;
}

/* MAPISVC.INF sits beside Outlook's MAPI DLL (mapi-facts 1.11): the MSIComponentID of
 * HKLM\Software\Clients\Mail\Microsoft Outlook, resolved with FGetComponentPath using the
 * MSIApplicationLCID qualifier, then MSIOfficeLCID, then none; else the system directory. */
static BOOL MapisvcInfPath(char *lpszPath, DWORD cchPath)
{
    char szComponent[MAX_PATH], szAppLcid[MAX_PATH], szOfficeLcid[MAX_PATH], szDll[MAX_PATH];
    HKEY hKey;
    BOOL fFound = FALSE;
    char *lpszSlash;

    szComponent[0] = szAppLcid[0] = szOfficeLcid[0] = szDll[0] = '\0';
    if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, "Software\\Clients\\Mail\\Microsoft Outlook", 0,
                      KEY_READ, &hKey) == ERROR_SUCCESS) {
        MapisvcRegString(hKey, "MSIComponentID", szComponent, sizeof(szComponent));
        MapisvcRegString(hKey, "MSIApplicationLCID", szAppLcid, sizeof(szAppLcid));
        MapisvcRegString(hKey, "MSIOfficeLCID", szOfficeLcid, sizeof(szOfficeLcid));
        RegCloseKey(hKey);
    }
    if (szComponent[0] != '\0') {
        HMODULE hModule;
        FGETCOMPONENTPATH *lpfnGet = MapisvcLoadFGetComponentPath(&hModule);
        if (lpfnGet != NULL) {
            if (szAppLcid[0] != '\0')
                fFound = lpfnGet(szComponent, szAppLcid, szDll, MAX_PATH, TRUE);
            if (!fFound && szOfficeLcid[0] != '\0')
                fFound = lpfnGet(szComponent, szOfficeLcid, szDll, MAX_PATH, TRUE);
            if (!fFound)
                fFound = lpfnGet(szComponent, NULL, szDll, MAX_PATH, TRUE);
            FreeLibrary(hModule);
        }
    }
    lpszSlash = fFound ? strrchr(szDll, '\\') : NULL;
    if (lpszSlash != NULL) {
        *lpszSlash = '\0';
    } else {
        UINT cch = GetSystemDirectoryA(szDll, MAX_PATH);
        if (cch == 0 || cch >= MAX_PATH)
            return FALSE;
    }
    if (strlen(szDll) + sizeof("\\MAPISVC.INF") > cchPath)
        return FALSE;
    strcpy(lpszPath, szDll);
    strcat(lpszPath, "\\MAPISVC.INF");
    return TRUE;
}

static BOOL MapisvcIsGlobal(const char *lpszSection)
{
    return lstrcmpiA(lpszSection, "Services") == 0
        || lstrcmpiA(lpszSection, "Default Services") == 0
        || lstrcmpiA(lpszSection, "Help File Mappings") == 0;
}

HRESULT MapisvcMergeWithMAPISVC(void)
{
    char szInf[MAX_PATH];
    const MAPISVC_RECORD *lpRecord;

    if (!MapisvcInfPath(szInf, MAX_PATH))
        return MAPI_E_NOT_FOUND;
    for (lpRecord = MapisvcRecords; lpRecord->lpszSection != NULL; lpRecord++)
        if (!WritePrivateProfileStringA(lpRecord->lpszSection, lpRecord->lpszKey,
                                        lpRecord->lpszValue, szInf))
            return HRESULT_FROM_WIN32(GetLastError());
    WritePrivateProfileStringA(NULL, NULL, NULL, szInf); /* flush the INI cache */
    return S_OK;
}

/* Remove exactly the entries MergeWithMAPISVC wrote; a section left empty goes too. */
HRESULT MapisvcRemoveFromMAPISVC(void)
{
    char szInf[MAX_PATH], szLeft[4];
    const MAPISVC_RECORD *lpRecord;

    if (!MapisvcInfPath(szInf, MAX_PATH))
        return MAPI_E_NOT_FOUND;
    for (lpRecord = MapisvcRecords; lpRecord->lpszSection != NULL; lpRecord++)
        WritePrivateProfileStringA(lpRecord->lpszSection, lpRecord->lpszKey, NULL, szInf);
    for (lpRecord = MapisvcRecords; lpRecord->lpszSection != NULL; lpRecord++)
        if (!MapisvcIsGlobal(lpRecord->lpszSection)
            && GetPrivateProfileSectionA(lpRecord->lpszSection, szLeft, sizeof(szLeft), szInf) == 0)
            WritePrivateProfileStringA(lpRecord->lpszSection, NULL, NULL, szInf);
    WritePrivateProfileStringA(NULL, NULL, NULL, szInf);
    return S_OK;
}

/* rundll32 "<dir>\<name>32.dll",MergeWithMAPISVC */
void CALLBACK MergeWithMAPISVC(HWND hwnd, HINSTANCE hInstance, LPSTR lpszCmdLine, int nCmdShow)
{
    (void) hwnd; (void) hInstance; (void) lpszCmdLine; (void) nCmdShow;
    MapisvcMergeWithMAPISVC();
}

void CALLBACK RemoveFromMAPISVC(HWND hwnd, HINSTANCE hInstance, LPSTR lpszCmdLine, int nCmdShow)
{
    (void) hwnd; (void) hInstance; (void) lpszCmdLine; (void) nCmdShow;
    MapisvcRemoveFromMAPISVC();
}
"""


def entry_c(cat: Catalogue, plan: DllPlan, services: list[ServicePlan], source: str) -> str:
    records = inf_records(cat)
    out = [_header(source, f"{plan.base}_entry.c: the service entry point(s) and the MAPISVC.INF"
                   f" installer of {plan.dll} (built as {plan.loaded_name})."),
           "#define WIN32_LEAN_AND_MEAN",
           "#include <windows.h>",
           "#include <stdlib.h>",
           "#include <string.h>",
           "#include <mapix.h>",
           "#include <mapispi.h>",
           "#include <mapiutil.h>",
           f'#include "{plan.base}_entry.h"',
           ENTRY_COMMON]
    for service in services:
        if service.entry is None:
            continue
        out += [f"/* The MSGSERVICEENTRY of [{_comment(service.name)}]"
                f" (PR_SERVICE_ENTRY_NAME={_comment(service.entry)}).",
                " * ulUIParam is ULONG_PTR as in the Windows SDK's mapispi.h and the MAPI reference;",
                " * mingw-w64's mapispi.h declares ULONG, which is wrong on 64-bit. */",
                f"HRESULT STDAPICALLTYPE {service.entry}(HINSTANCE hInstance, LPMALLOC lpMalloc,"
                " LPMAPISUP lpMAPISup,",
                "    ULONG_PTR ulUIParam, ULONG ulFlags, ULONG ulContext, ULONG cValues,"
                " LPSPropValue lpProps,",
                "    LPPROVIDERADMIN lpProviderAdmin, LPMAPIERROR *lppMapiError);",
                f"HRESULT STDAPICALLTYPE {service.entry}(HINSTANCE hInstance, LPMALLOC lpMalloc,"
                " LPMAPISUP lpMAPISup,",
                "    ULONG_PTR ulUIParam, ULONG ulFlags, ULONG ulContext, ULONG cValues,"
                " LPSPropValue lpProps,",
                "    LPPROVIDERADMIN lpProviderAdmin, LPMAPIERROR *lppMapiError)",
                "{",
                "    (void) lpMalloc;",
                f"    return MapisvcServiceEntry(&MapisvcService_{service.ident}, hInstance,"
                " lpMAPISup, ulUIParam,",
                "                               ulFlags, ulContext, cValues, lpProps,"
                " lpProviderAdmin, lppMapiError);",
                "}", ""]
    out += ["/* The MAPISVC.INF records: the same entries, in the same order, as `mapisvc inf`. */",
            "typedef struct MAPISVC_RECORD {",
            "    const char *lpszSection;",
            "    const char *lpszKey;",
            "    const char *lpszValue;",
            "} MAPISVC_RECORD;", "",
            "static const MAPISVC_RECORD MapisvcRecords[] = {"]
    for service in plan.services:
        for section, key, value in service_records(cat, service, records):
            out.append(f"    {{ {c_string(section)}, {c_string(key)}, {c_string(value)} }},")
    out += ["    { NULL, NULL, NULL }", "};", INSTALLER_COMMON]
    return "\n".join(out)


def hooks_c(plan: DllPlan, source: str) -> str:
    return (f"/* {plan.base}_hooks.c: YOUR code — the vendor hooks of {plan.base}_entry.c.\n"
            f" * Written once by `mapisvc entry` from {source}; it is never overwritten.\n */\n"
            f'#include "{plan.base}_entry.h"\n' + r"""
/* VENDOR HOOK: show your configuration property sheet or dialog here (ulUIParam is the
 * parent window). Default: no UI, so CREATE/CONFIGURE rely on the values passed in. */
HRESULT MapisvcHookConfigureUI(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                               LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                               ULONG ulContext, LPPROVIDERADMIN lpProviderAdmin)
{
    (void) lpService; (void) hInstance; (void) lpMAPISup; (void) ulUIParam;
    (void) ulFlags; (void) ulContext; (void) lpProviderAdmin;
    return MAPI_E_NO_SUPPORT;
}

/* VENDOR HOOK: the other contexts (mapi-facts 5.2). Default: INSTALL, DELETE and
 * UNINSTALL succeed; the service's providers are fixed by MAPISVC.INF, so adding or
 * removing one is not supported. */
HRESULT MapisvcHookServiceEvent(const MAPISVC_SERVICE *lpService, HINSTANCE hInstance,
                                LPMAPISUP lpMAPISup, ULONG_PTR ulUIParam, ULONG ulFlags,
                                ULONG ulContext, LPPROVIDERADMIN lpProviderAdmin)
{
    (void) lpService; (void) hInstance; (void) lpMAPISup; (void) ulUIParam;
    (void) ulFlags; (void) lpProviderAdmin;
    switch (ulContext) {
    case MSG_SERVICE_PROVIDER_CREATE:
    case MSG_SERVICE_PROVIDER_DELETE:
        return MAPI_E_NO_SUPPORT;
    default:
        return S_OK;
    }
}

/* VENDOR HOOK: checks beyond the tables; a property with MAPISVC_PATTERN in ulChecks has a
 * regular expression (lpProp->lpszPattern) that is checked here or not at all. */
BOOL MapisvcHookCheckValue(const MAPISVC_SERVICE *lpService, const MAPISVC_PROP *lpProp,
                           const SPropValue *lpValue)
{
    (void) lpService; (void) lpProp; (void) lpValue;
    return TRUE;
}
""")


STUB_BODIES = {
    "MAPI_STORE_PROVIDER": ("MSProviderInit", "LPMSPROVIDER *lppMSProvider", "lppMSProvider"),
    "MAPI_AB_PROVIDER": ("ABProviderInit", "LPABPROVIDER *lppABProvider", "lppABProvider"),
    "MAPI_TRANSPORT_PROVIDER": ("XPProviderInit", "LPXPPROVIDER *lppXPProvider", "lppXPProvider"),
}


def stubs_c(plan: DllPlan, source: str) -> str | None:
    if not plan.provider_types and not plan.wizard_entries:
        return None
    out = [_header(source, f"{plan.base}_stubs.c: STUBS for exports {plan.dll} must have and you"
                   " write. Drop a stub from the build once the real function exists."),
           "#define WIN32_LEAN_AND_MEAN", "#include <windows.h>", "#include <mapix.h>",
           "#include <mapispi.h>"]
    if "MAPI_HOOK_PROVIDER" in plan.provider_types:
        out.append("#include <mapihook.h>")
    out.append("")
    for rtype in plan.provider_types:
        if rtype == "MAPI_HOOK_PROVIDER":
            out += ["/* STUB: HPProviderInit, the spooler hook's entry point (mapi-facts 5.3). */",
                    "HRESULT STDMAPIINITCALLTYPE HPProviderInit(LPMAPISESSION lpSession,"
                    " HINSTANCE hInstance,",
                    "    LPALLOCATEBUFFER lpAllocateBuffer, LPALLOCATEMORE lpAllocateMore,"
                    " LPFREEBUFFER lpFreeBuffer,",
                    "    LPMAPIUID lpSectionUID, ULONG ulFlags, LPSPOOLERHOOK *lppSpoolerHook)",
                    "{",
                    "    (void) lpSession; (void) hInstance; (void) lpAllocateBuffer;"
                    " (void) lpAllocateMore;",
                    "    (void) lpFreeBuffer; (void) lpSectionUID; (void) ulFlags;",
                    "    if (lppSpoolerHook != NULL)",
                    "        *lppSpoolerHook = NULL;",
                    "    return MAPI_E_NO_SUPPORT;",
                    "}", ""]
            continue
        name, out_param, out_name = STUB_BODIES[rtype]
        out += [f"/* STUB: {name}, the fixed entry point of a {rtype} (mapi-facts 5.3). */",
                f"HRESULT STDMAPIINITCALLTYPE {name}(HINSTANCE hInstance, LPMALLOC lpMalloc,",
                "    LPALLOCATEBUFFER lpAllocateBuffer, LPALLOCATEMORE lpAllocateMore,"
                " LPFREEBUFFER lpFreeBuffer,",
                f"    ULONG ulFlags, ULONG ulMAPIVer, ULONG *lpulProviderVer, {out_param})",
                "{",
                "    (void) hInstance; (void) lpMalloc; (void) lpAllocateBuffer;"
                " (void) lpAllocateMore;",
                "    (void) lpFreeBuffer; (void) ulFlags; (void) ulMAPIVer;",
                "    if (lpulProviderVer != NULL)",
                "        *lpulProviderVer = CURRENT_SPI_VERSION;",
                f"    if ({out_name} != NULL)",
                f"        *{out_name} = NULL;",
                "    return MAPI_E_NO_SUPPORT;",
                "}", ""]
    for wizard in plan.wizard_entries:
        out += [f"/* STUB: {wizard}, the Profile Wizard entry (WIZARDENTRY, mapi-facts 5.4). */",
                f"ULONG STDAPICALLTYPE {wizard}(HINSTANCE hProviderDLLInstance,"
                " LPSTR *lpcsResourceName,",
                "    DLGPROC *lppDlgProc, LPMAPIPROP lpMapiProp, LPVOID lpMapiSupportObject);",
                f"ULONG STDAPICALLTYPE {wizard}(HINSTANCE hProviderDLLInstance,"
                " LPSTR *lpcsResourceName,",
                "    DLGPROC *lppDlgProc, LPMAPIPROP lpMapiProp, LPVOID lpMapiSupportObject)",
                "{",
                "    (void) hProviderDLLInstance; (void) lpMapiProp; (void) lpMapiSupportObject;",
                "    if (lpcsResourceName != NULL)",
                "        *lpcsResourceName = NULL;",
                "    if (lppDlgProc != NULL)",
                "        *lppDlgProc = NULL;",
                "    return (ULONG) MAPI_E_NO_SUPPORT;",
                "}", ""]
    return "\n".join(out)


def def_file(plan: DllPlan, source: str) -> str:
    sources = [f"{plan.base}_entry.c", f"{plan.base}_settings.c", f"{plan.base}_hooks.c"] \
        if plan.services else []
    if plan.provider_types or plan.wizard_entries:
        sources.append(f"{plan.base}_stubs.c")
    build = (f"x86_64-w64-mingw32-gcc -shared -o {plan.loaded_name} "
             + " ".join(sources + [f"{plan.base}.def", "-lmapi32"]))
    out = [_header(source, f"{plan.base}.def: the exports MAPISVC.INF promises for {plan.dll}.",
                   "def").rstrip("\n"),
           f"; MAPI loads {plan.loaded_name} (it inserts 32 before the first period).",
           f"; Build, e.g.: {build}",
           "; 32-bit (i686) mingw builds: add -Wl,--enable-stdcall-fixup so the undecorated names"
           " below",
           "; bind to the __stdcall functions (MSVC does so itself); GetProcAddress needs them"
           " undecorated.",
           f'LIBRARY "{plan.loaded_name}"',
           "EXPORTS"]
    out += [f"    {name}" for name in plan.exports()]
    return "\n".join(out) + "\n"


def generate(cat: Catalogue, source: str) -> dict[str, tuple[str, bool]]:
    """File name → (text, overwrite); ``overwrite`` is False for the vendor's hooks file."""
    props = properties(cat)
    files: dict[str, tuple[str, bool]] = {}
    for plan in dll_plans(cat):
        services = [service_plan(cat, s, props) for s in plan.services]
        for service, ident in zip(services, unique_idents([s.name for s in services]).values()):
            service.ident = ident
        if plan.services:
            files[f"{plan.base}_settings.h"] = (settings_h(plan, services, source), True)
            files[f"{plan.base}_settings.c"] = (settings_c(plan, services, source), True)
            files[f"{plan.base}_entry.h"] = (entry_h(plan, source), True)
            files[f"{plan.base}_entry.c"] = (entry_c(cat, plan, services, source), True)
            files[f"{plan.base}_hooks.c"] = (hooks_c(plan, source), False)
        stubs = stubs_c(plan, source)
        if stubs is not None:
            files[f"{plan.base}_stubs.c"] = (stubs, True)
        files[f"{plan.base}.def"] = (def_file(plan, source), True)
    return files
