"""MAPI facts as data: property types, ID ranges, resource types, flags, and
the small conversions (property tags, GUIDs, little-endian PT_LONG) that
MAPISVC.INF and C headers need.

Every table here comes from ``shared/reference/mapi-facts.md`` (section
numbers in the comments).  Importing this module does no I/O and builds only
plain dicts and tuples.
"""

from __future__ import annotations

from collections import namedtuple

# ---------------------------------------------------------------------------
# Property types (§2.2)

MV_FLAG = 0x1000
MV_INSTANCE = 0x2000
MVI_FLAG = MV_FLAG | MV_INSTANCE

PT_UNSPECIFIED = 0x0000
PT_NULL = 0x0001
PT_I2 = 0x0002
PT_LONG = 0x0003
PT_R4 = 0x0004
PT_DOUBLE = 0x0005
PT_CURRENCY = 0x0006
PT_APPTIME = 0x0007
PT_ERROR = 0x000A
PT_BOOLEAN = 0x000B
PT_OBJECT = 0x000D
PT_I8 = 0x0014
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_SYSTIME = 0x0040
PT_CLSID = 0x0048
PT_SVREID = 0x00FB
PT_SRESTRICTION = 0x00FD
PT_ACTIONS = 0x00FE
PT_BINARY = 0x0102
PT_PTR = 0x0103
PT_FILE_EA = 0x0104
PT_VIRTUAL = 0x0105

# PT_TSTRING is a compile-time alias (PT_UNICODE when UNICODE is defined, else
# PT_STRING8).  We take the UNICODE build, as MFCMAPI, the known-tags oracle
# and every current Outlook build do; a header's own spelling is kept by the
# header reader (``TagDefine.type_name``) for rules that care.
PT_TSTRING = PT_UNICODE
PT_MV_TSTRING = MV_FLAG | PT_UNICODE

#: Canonical name of each base (single-valued) type, by code.
_BASE_TYPES: dict[str, int] = {
    "PT_UNSPECIFIED": PT_UNSPECIFIED,
    "PT_NULL": PT_NULL,
    "PT_I2": PT_I2,
    "PT_LONG": PT_LONG,
    "PT_R4": PT_R4,
    "PT_DOUBLE": PT_DOUBLE,
    "PT_CURRENCY": PT_CURRENCY,
    "PT_APPTIME": PT_APPTIME,
    "PT_ERROR": PT_ERROR,
    "PT_BOOLEAN": PT_BOOLEAN,
    "PT_OBJECT": PT_OBJECT,
    "PT_I8": PT_I8,
    "PT_STRING8": PT_STRING8,
    "PT_UNICODE": PT_UNICODE,
    "PT_SYSTIME": PT_SYSTIME,
    "PT_CLSID": PT_CLSID,
    "PT_SVREID": PT_SVREID,
    "PT_SRESTRICTION": PT_SRESTRICTION,
    "PT_ACTIONS": PT_ACTIONS,
    "PT_BINARY": PT_BINARY,
    "PT_PTR": PT_PTR,
    "PT_FILE_EA": PT_FILE_EA,
    "PT_VIRTUAL": PT_VIRTUAL,
}

#: Base types that have a multi-valued form (§2.2); the others have none.
MV_BASE_TYPES = frozenset(
    (PT_I2, PT_LONG, PT_R4, PT_DOUBLE, PT_CURRENCY, PT_APPTIME, PT_I8,
     PT_STRING8, PT_UNICODE, PT_SYSTIME, PT_CLSID, PT_BINARY)
)

_ALIASES: dict[str, int] = {
    "PT_SHORT": PT_I2,
    "PT_I4": PT_LONG,
    "PT_FLOAT": PT_R4,
    "PT_R8": PT_DOUBLE,
    "PT_LONGLONG": PT_I8,
    "PT_TSTRING": PT_TSTRING,
    "PT_SRESTRICT": PT_SRESTRICTION,  # the docs' spelling; EdkMdb.h says PT_SRESTRICTION
    "PT_FILE_HANDLE": PT_PTR,  # EdkMdb.h reuses 0x0103
    "PT_MV_SHORT": MV_FLAG | PT_I2,
    "PT_MV_I4": MV_FLAG | PT_LONG,
    "PT_MV_FLOAT": MV_FLAG | PT_R4,
    "PT_MV_R8": MV_FLAG | PT_DOUBLE,
    "PT_MV_LONGLONG": MV_FLAG | PT_I8,
    "PT_MV_TSTRING": PT_MV_TSTRING,
}

_MV_TYPES: dict[str, int] = {
    "PT_MV_" + name[3:]: MV_FLAG | code
    for name, code in _BASE_TYPES.items()
    if code in MV_BASE_TYPES
}

#: Every PT_ name MAPI headers define (aliases included) → type code.
PT_TYPES: dict[str, int] = {**_BASE_TYPES, **_MV_TYPES, **_ALIASES}

#: Type code → canonical name (PT_LONG, not PT_I4; PT_UNICODE, not PT_TSTRING).
TYPE_NAMES: dict[int, str] = {code: name for name, code in {**_BASE_TYPES, **_MV_TYPES}.items()}

#: Types that only Exchange's server side uses (§2.2).
SERVER_ONLY_TYPES = frozenset((PT_SVREID, PT_SRESTRICTION, PT_ACTIONS))


def type_code(name: str) -> int | None:
    """The code of a PT_ name as C spells it (case-sensitive), or ``None``."""
    return PT_TYPES.get(name)


def type_name(code: int) -> str:
    """The canonical PT_ name of a type code, or ``0xNNNN`` when it has none."""
    return TYPE_NAMES.get(code) or f"0x{code & 0xFFFF:04X}"


def storable_type_problem(code: int) -> str | None:
    """Why a property of this type cannot be stored in a profile or object, or ``None``.

    Stored properties must use a predefined type (§2.2): not an interface-only
    type, not a server-only or store-internal one, not a column-request flag.
    """
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 0xFFFF:
        return f"{code!r} is not a 16-bit property type"
    if code & MV_INSTANCE:
        return (f"0x{code:04X} has the MV_INSTANCE bit (0x2000), which is only for table "
                "column requests, never for stored properties")
    if code & MV_FLAG:
        base = code & ~MV_FLAG
        if base in MV_BASE_TYPES:
            return None
        if base in TYPE_NAMES:
            return f"{TYPE_NAMES[base]} has no multi-valued form (0x{code:04X})"
        return f"0x{code:04X} is not a known property type"
    if code == PT_UNSPECIFIED:
        return "PT_UNSPECIFIED is for interface use only (type unknown)"
    if code == PT_NULL:
        return "PT_NULL is for interface use only (no value)"
    if code == PT_OBJECT:
        return "PT_OBJECT properties are opened as objects, not stored as values"
    if code == PT_ERROR:
        return "PT_ERROR is an error code returned in place of a value"
    if code in SERVER_ONLY_TYPES:
        return f"{TYPE_NAMES[code]} (0x{code:04X}) is used only by Exchange's server side"
    if code >= 0x0103:
        if code in TYPE_NAMES:
            return f"{TYPE_NAMES[code]} (0x{code:04X}) is store-internal, not a storable type"
        return f"0x{code:04X} is not a known property type"
    if code not in TYPE_NAMES:
        return f"0x{code:04X} is not a known property type"
    return None


# ---------------------------------------------------------------------------
# Property identifiers (§2.1, §2.3)

PROP_ID_NULL = 0x0000
PROP_ID_INVALID = 0xFFFF
MAPI_DEFINED_MIN = 0x0001
MAPI_DEFINED_MAX = 0x3FFF
PROVIDER_CONFIG_MIN = 0x6600
PROVIDER_CONFIG_MAX = 0x67FF
PROP_ID_SECURE_MIN = 0x67F0
PROP_ID_SECURE_MAX = 0x67FF
NAMED_MIN = 0x8000
NAMED_MAX = 0xFFFE

#: (first, last, owner) of the ranges of §2.3, in order; for messages.
ID_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0000, 0x0000, "reserved (PROP_ID_NULL)"),
    (0x0001, 0x0BFF, "MAPI-defined message envelope properties"),
    (0x0C00, 0x0DFF, "MAPI-defined recipient properties"),
    (0x0E00, 0x0FFF, "MAPI-defined non-transmittable message properties"),
    (0x1000, 0x2FFF, "MAPI-defined message content properties"),
    (0x3000, 0x3FFF, "MAPI-defined properties of non-message objects"),
    (0x4000, 0x57FF, "transport-defined message envelope properties"),
    (0x5800, 0x5FFF, "transport- and address-book-defined recipient properties"),
    (0x6000, 0x65FF, "client-defined non-transmittable message properties"),
    (0x6600, 0x67EF, "service-provider-defined internal properties"),
    (0x67F0, 0x67FF, "secure service-provider properties"),
    (0x6800, 0x7BFF, "message-class-defined content properties"),
    (0x7C00, 0x7FFF, "message-class-defined non-transmittable properties"),
    (0x8000, 0xFFFE, "named properties"),
    (0xFFFF, 0xFFFF, "reserved (PROP_ID_INVALID)"),
)


def id_range(prop_id: int) -> str:
    """Who owns a property ID, in words (§2.3)."""
    for first, last, owner in ID_RANGES:
        if first <= prop_id <= last:
            return owner
    return "not a 16-bit property ID"


def is_mapi_defined_id(prop_id: int) -> bool:
    return MAPI_DEFINED_MIN <= prop_id <= MAPI_DEFINED_MAX


def is_provider_config_id(prop_id: int) -> bool:
    return PROVIDER_CONFIG_MIN <= prop_id <= PROVIDER_CONFIG_MAX


def is_secure_id(prop_id: int) -> bool:
    return PROP_ID_SECURE_MIN <= prop_id <= PROP_ID_SECURE_MAX


def is_named_id(prop_id: int) -> bool:
    return NAMED_MIN <= prop_id <= NAMED_MAX


# ---------------------------------------------------------------------------
# Property tags (§2.1)


def prop_tag(prop_type: int, prop_id: int) -> int:
    """``PROP_TAG(type, id)``: the 32-bit tag, ID in the high word."""
    return ((prop_id & 0xFFFF) << 16) | (prop_type & 0xFFFF)


def prop_id(tag: int) -> int:
    """``PROP_ID(tag)``: bits 16–31."""
    return (tag >> 16) & 0xFFFF


def prop_type(tag: int) -> int:
    """``PROP_TYPE(tag)``: bits 0–15."""
    return tag & 0xFFFF


def change_prop_type(tag: int, new_type: int) -> int:
    """``CHANGE_PROP_TYPE(tag, type)``."""
    return (tag & 0xFFFF0000) | (new_type & 0xFFFF)


#: ``PR_NULL`` = PROP_TAG(PT_NULL, PROP_ID_NULL).
PR_NULL = prop_tag(PT_NULL, PROP_ID_NULL)

#: Integer constants C headers use inside PROP_TAG(...) besides the PT_ names.
HEADER_CONSTANTS: dict[str, int] = {
    "MV_FLAG": MV_FLAG,
    "MV_INSTANCE": MV_INSTANCE,
    "MVI_FLAG": MVI_FLAG,
    "PROP_ID_NULL": PROP_ID_NULL,
    "PROP_ID_INVALID": PROP_ID_INVALID,
    "PROP_ID_SECURE_MIN": PROP_ID_SECURE_MIN,
    "PROP_ID_SECURE_MAX": PROP_ID_SECURE_MAX,
    "PROP_TYPE_MASK": 0x0000FFFF,
}


# ---------------------------------------------------------------------------
# Resource types (§4.1)


# collections.namedtuple rather than typing.NamedTuple: the same tuples,
# without typing's class machinery at start-up.

class ResourceType(namedtuple("ResourceType", "name value in_provider_section meaning")):
    """A PR_RESOURCE_TYPE value.

    ``in_provider_section``: may a MAPISVC.INF provider section carry it?
    """

    __slots__ = ()


RESOURCE_TYPES: dict[str, ResourceType] = {
    r.name: r
    for r in (
        ResourceType("MAPI_STORE_PROVIDER", 33, True, "message store provider"),
        ResourceType("MAPI_AB", 34, False, "MAPI's integrated address book"),
        ResourceType("MAPI_AB_PROVIDER", 35, True, "address book provider"),
        ResourceType("MAPI_TRANSPORT_PROVIDER", 36, True, "transport provider"),
        ResourceType("MAPI_SPOOLER", 37, False, "the MAPI spooler"),
        ResourceType("MAPI_PROFILE_PROVIDER", 38, False, "profile provider"),
        ResourceType("MAPI_SUBSYSTEM", 39, False, "the MAPI subsystem"),
        # Not named by the docs, but Exchange's own [EMS_Hook] section uses it.
        ResourceType("MAPI_HOOK_PROVIDER", 40, True, "spooler hook provider"),
    )
}

RESOURCE_TYPE_NAMES: dict[int, str] = {r.value: r.name for r in RESOURCE_TYPES.values()}

STORE = "MAPI_STORE_PROVIDER"
AB = "MAPI_AB_PROVIDER"
TRANSPORT = "MAPI_TRANSPORT_PROVIDER"
HOOK = "MAPI_HOOK_PROVIDER"

#: The resource types a provider section may have.
PROVIDER_TYPES: tuple[str, ...] = tuple(r.name for r in RESOURCE_TYPES.values() if r.in_provider_section)


# ---------------------------------------------------------------------------
# PR_RESOURCE_FLAGS (§4.2, §4.3)

STATIC = "static"  # copied from MAPISVC.INF, never changed
MODIFIABLE = "modifiable"  # copied from MAPISVC.INF, may change later
DYNAMIC = "dynamic"  # set and cleared by MAPI at run time
RESERVED = "reserved"  # do not use

SERVICE = "service"
PROVIDER = "provider"


class Flag(namedtuple("Flag", "name value family klass applies_to meaning")):
    """A PR_RESOURCE_FLAGS bit of a service (SERVICE_*) or provider (STATUS_*, HOOK_*).

    ``family``: SERVICE or PROVIDER; ``klass``: STATIC, MODIFIABLE, DYNAMIC or
    RESERVED; ``applies_to``: resource-type names (providers), () for service flags.
    """

    __slots__ = ()


_ANY = PROVIDER_TYPES

SERVICE_FLAGS: dict[str, Flag] = {
    f.name: f
    for f in (
        Flag("SERVICE_DEFAULT_STORE", 0x00000001, SERVICE, DYNAMIC, (),
             "the service holds the default store"),
        Flag("SERVICE_SINGLE_COPY", 0x00000002, SERVICE, STATIC, (),
             "only one instance per profile"),
        Flag("SERVICE_CREATE_WITH_STORE", 0x00000004, SERVICE, RESERVED, (),
             "reserved"),
        Flag("SERVICE_PRIMARY_IDENTITY", 0x00000008, SERVICE, MODIFIABLE, (),
             "the service contains the provider that supplies the primary identity"),
        Flag("SERVICE_NO_PRIMARY_IDENTITY", 0x00000020, SERVICE, STATIC, (),
             "no provider in the service can supply identity"),
    )
}

PROVIDER_FLAGS: dict[str, Flag] = {
    f.name: f
    for f in (
        Flag("STATUS_DEFAULT_OUTBOUND", 0x00000001, PROVIDER, MODIFIABLE, (TRANSPORT,),
             "identity to use on outbound mail when several instances of the transport exist"),
        Flag("STATUS_DEFAULT_STORE", 0x00000002, PROVIDER, MODIFIABLE, (STORE,),
             "this store may be the profile's default store"),
        Flag("STATUS_PRIMARY_IDENTITY", 0x00000004, PROVIDER, MODIFIABLE, _ANY,
             "the provider supplies the primary identity"),
        Flag("STATUS_SIMPLE_STORE", 0x00000008, PROVIDER, DYNAMIC, (STORE,),
             "Simple MAPI's default store"),
        Flag("STATUS_XP_PREFER_LAST", 0x00000010, PROVIDER, STATIC, (TRANSPORT,),
             "the transport wants to be tried last"),
        Flag("STATUS_NO_PRIMARY_IDENTITY", 0x00000020, PROVIDER, STATIC, _ANY,
             "the provider furnishes no identity"),
        Flag("STATUS_NO_DEFAULT_STORE", 0x00000040, PROVIDER, STATIC, (STORE,),
             "the store can never be the default"),
        Flag("STATUS_TEMP_SECTION", 0x00000080, PROVIDER, DYNAMIC, (STORE,),
             "not published in the store table; deleted at logoff"),
        Flag("STATUS_OWN_STORE", 0x00000100, PROVIDER, STATIC, (TRANSPORT,),
             "the transport is tightly coupled to a store"),
        Flag("HOOK_INBOUND", 0x00000200, PROVIDER, STATIC, (HOOK,),
             "the hook processes inbound mail"),
        Flag("HOOK_OUTBOUND", 0x00000400, PROVIDER, STATIC, (HOOK,),
             "the hook processes outbound mail"),
        Flag("STATUS_NEED_IPM_TREE", 0x00000800, PROVIDER, DYNAMIC, (STORE,),
             "IPM folders not yet verified"),
        Flag("STATUS_PRIMARY_STORE", 0x00001000, PROVIDER, MODIFIABLE, (STORE,),
             "the store to open at logon"),
        Flag("STATUS_SECONDARY_STORE", 0x00002000, PROVIDER, MODIFIABLE, (STORE,),
             "fallback if the primary store is unavailable"),
    )
}


def lookup_flag(name: str) -> Flag | None:
    """A PR_RESOURCE_FLAGS flag of either family by its C name, or ``None``."""
    return SERVICE_FLAGS.get(name) or PROVIDER_FLAGS.get(name)


#: Pairs that must not be set together (rules.md MS504, §4.4).
CONTRADICTORY_FLAGS: tuple[tuple[str, str], ...] = (
    ("SERVICE_PRIMARY_IDENTITY", "SERVICE_NO_PRIMARY_IDENTITY"),
    ("STATUS_PRIMARY_IDENTITY", "STATUS_NO_PRIMARY_IDENTITY"),
    ("STATUS_DEFAULT_STORE", "STATUS_NO_DEFAULT_STORE"),
    ("STATUS_PRIMARY_STORE", "STATUS_NO_DEFAULT_STORE"),
    ("STATUS_PRIMARY_STORE", "STATUS_SECONDARY_STORE"),
)

#: Flags MAPI manages itself (dynamic) or reserves: not for hand-written files (MS505).
MANAGED_FLAGS = frozenset(
    name for name, f in {**SERVICE_FLAGS, **PROVIDER_FLAGS}.items() if f.klass in (DYNAMIC, RESERVED)
)

#: PR_RESOURCE_METHODS bits (§4.3, neighbouring family; not resource flags).
RESOURCE_METHODS_FLAGS: dict[str, int] = {
    "STATUS_VALIDATE_STATE": 0x00000001,
    "STATUS_SETTINGS_DIALOG": 0x00000002,
    "STATUS_CHANGE_PASSWORD": 0x00000004,
    "STATUS_FLUSH_QUEUES": 0x00000008,
}

#: PR_STATUS_CODE bits (§4.3, neighbouring family; not resource flags).
STATUS_CODE_FLAGS: dict[str, int] = {
    "STATUS_AVAILABLE": 0x00000001,
    "STATUS_OFFLINE": 0x00000002,
    "STATUS_FAILURE": 0x00000004,
    "STATUS_INBOUND_ENABLED": 0x00010000,
    "STATUS_INBOUND_ACTIVE": 0x00020000,
    "STATUS_INBOUND_FLUSH": 0x00040000,
    "STATUS_OUTBOUND_ENABLED": 0x00100000,
    "STATUS_OUTBOUND_ACTIVE": 0x00200000,
    "STATUS_OUTBOUND_FLUSH": 0x00400000,
    "STATUS_REMOTE_ACCESS": 0x00800000,
}


# ---------------------------------------------------------------------------
# GUIDs and MAPIUIDs (§1.9)

_HEX = frozenset("0123456789abcdefABCDEF")
_GUID_GROUPS = (8, 4, 4, 4, 12)


def _is_hex(text: str, length: int) -> bool:
    return len(text) == length and all(c in _HEX for c in text)


def is_braced_guid(text: str) -> bool:
    """``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``, hex digits in either case."""
    if not isinstance(text, str) or len(text) != 38 or text[0] != "{" or text[-1] != "}":
        return False
    parts = text[1:-1].split("-")
    return len(parts) == 5 and all(_is_hex(p, n) for p, n in zip(parts, _GUID_GROUPS))


def is_mapiuid_hex(text: str) -> bool:
    """Exactly 32 hex digits (a MAPIUID as MAPISVC.INF writes it)."""
    return isinstance(text, str) and _is_hex(text, 32)


def guid_to_mapi_hex(guid: str) -> str:
    """A GUID (braced or bare) as MAPISVC.INF writes it: the 16 bytes in memory order.

    Data1–Data3 are little-endian in memory, so their bytes are swapped;
    ``{C0A19454-7F29-1B10-A587-08002B2A2517}`` → ``5494A1C0297F101BA58708002B2A2517``.
    Raises ``ValueError`` for anything that is not a GUID.
    """
    text = guid[1:-1] if isinstance(guid, str) and guid[:1] == "{" and guid[-1:] == "}" else guid
    if not isinstance(text, str) or not is_braced_guid("{" + text + "}"):
        raise ValueError(f"not a GUID: {guid!r}")
    d1, d2, d3, d4, d5 = text.split("-")

    def swap(h: str) -> str:
        return "".join(h[i:i + 2] for i in range(len(h) - 2, -1, -2))

    return (swap(d1) + swap(d2) + swap(d3) + d4 + d5).upper()


def mapi_hex_to_guid(hex_text: str) -> str:
    """32 hex digits in memory order → upper-case braced GUID (the reverse of
    :func:`guid_to_mapi_hex`).  Raises ``ValueError`` otherwise."""
    if not is_mapiuid_hex(hex_text):
        raise ValueError(f"not 32 hex digits: {hex_text!r}")
    h = hex_text.upper()

    def swap(s: str) -> str:
        return "".join(s[i:i + 2] for i in range(len(s) - 2, -1, -2))

    return "{%s-%s-%s-%s-%s}" % (swap(h[0:8]), swap(h[8:12]), swap(h[12:16]), h[16:20], h[20:32])


# ---------------------------------------------------------------------------
# PT_LONG values in MAPISVC.INF hex-tag entries (§1.9): the little-endian
# byte image, 8 hex digits.


def long_to_inf_hex(value: int) -> str:
    """A 32-bit value as MAPISVC.INF writes PT_LONG: ``0x501`` → ``"01050000"``.

    Accepts -2**31 … 2**32-1; negative values are written as their two's
    complement (PT_LONG is signed, the file holds raw bytes).  Upper case.
    Raises ``ValueError`` outside that range.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not -(1 << 31) <= value < (1 << 32):
        raise ValueError(f"not a 32-bit value: {value!r}")
    return (value & 0xFFFFFFFF).to_bytes(4, "little").hex().upper()


def inf_hex_to_long(text: str, signed: bool = False) -> int:
    """The value of a PT_LONG MAPISVC.INF entry: ``"01050000"`` → ``0x501``.

    ``text`` must be exactly 8 hex digits (no ``0x``, no blanks); either
    case.  The result is unsigned (0 … 2**32-1) unless ``signed`` is true,
    then -2**31 … 2**31-1.  Raises ``ValueError`` otherwise.
    """
    if not isinstance(text, str) or not _is_hex(text, 8):
        raise ValueError(f"not 8 hex digits: {text!r}")
    return int.from_bytes(bytes.fromhex(text), "little", signed=signed)
