"""MS5xx: resource types (PR_RESOURCE_TYPE) and resource flags (PR_RESOURCE_FLAGS).

The facts (values, families, which type a flag belongs to, contradictions,
MAPI-managed flags) come from :mod:`validator.mapi` (mapi-facts §4); this
module keeps them in the shapes the rules look up.
"""

from __future__ import annotations

import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator

from .. import mapi
from ..model import Catalogue, Finding, Item, Loc, Record, Section
from . import rule
from ..suggest import close_matches as _close_matches

STORE, AB, TRANSPORT, HOOK = mapi.STORE, mapi.AB, mapi.TRANSPORT, mapi.HOOK
#: Resource types a provider section may have, by value (§4.1).
PROVIDER_TYPES = {r.value: r.name for r in mapi.RESOURCE_TYPES.values() if r.in_provider_section}
#: The other PR_RESOURCE_TYPE values: status rows of MAPI itself, never a provider section.
OTHER_TYPES = {r.value: r.name for r in mapi.RESOURCE_TYPES.values() if not r.in_provider_section}
_TYPE_VALUES = {r.name: r.value for r in mapi.RESOURCE_TYPES.values()}
INIT_FUNCTIONS = {STORE: "MSProviderInit", AB: "ABProviderInit", TRANSPORT: "XPProviderInit",
                  HOOK: "HPProviderInit"}

SERVICE_FLAGS = {name: flag.value for name, flag in mapi.SERVICE_FLAGS.items()}
PROVIDER_FLAGS = {name: flag.value for name, flag in mapi.PROVIDER_FLAGS.items()}
#: Flags of neighbouring properties that people confuse with PR_RESOURCE_FLAGS (§4.3).
OTHER_FLAG_PROPERTIES = {**dict.fromkeys(mapi.RESOURCE_METHODS_FLAGS, "PR_RESOURCE_METHODS"),
                         **dict.fromkeys(mapi.STATUS_CODE_FLAGS, "PR_STATUS_CODE")}
#: Provider flags that only make sense for one provider type (§4.3, §6.18).
FLAG_TYPES = {name: flag.applies_to[0] for name, flag in mapi.PROVIDER_FLAGS.items()
              if len(flag.applies_to) == 1}
_MANAGED_REASONS = {
    "SERVICE_DEFAULT_STORE": "MAPI sets it on the service that holds the default store",
    "SERVICE_CREATE_WITH_STORE": "it is reserved: the header says not to use it",
    "STATUS_SIMPLE_STORE": "MAPI sets it on Simple MAPI's default store",
    "STATUS_TEMP_SECTION": "MAPI sets it on stores that are not published in the store table",
    "STATUS_NEED_IPM_TREE": "MAPI sets and clears it while it verifies the IPM folders",
}
#: Flags MAPI sets itself (dynamic) or reserves (§4.2, §4.3), with why.
MANAGED_FLAGS = {name: _MANAGED_REASONS.get(name, "MAPI manages it at run time")
                 for name in sorted(mapi.MANAGED_FLAGS)}
CONTRADICTIONS = mapi.CONTRADICTORY_FLAGS

# The identity flags have a counterpart of the same meaning in the other family.
_IDENTITY_SWAP = {
    "SERVICE_PRIMARY_IDENTITY": "STATUS_PRIMARY_IDENTITY",
    "SERVICE_NO_PRIMARY_IDENTITY": "STATUS_NO_PRIMARY_IDENTITY",
}
_IDENTITY_SWAP.update({v: k for k, v in _IDENTITY_SWAP.items()})

_DECIMAL = re.compile(r"[0-9]+")
_HEX8 = re.compile(r"[0-9A-Fa-f]{8}")
_HEX0X = re.compile(r"0[xX][0-9A-Fa-f]{1,8}")


def number_of(text: str) -> int | None:
    """A PT_LONG written as a number in MAPISVC.INF, read leniently.

    8 hex digits are the little-endian byte image hex-tag entries use (§1.9);
    decimal and ``0x`` forms are accepted too: whether MAPI reads them is
    UNCONFIRMED, so mapisvc does not reject them.
    """
    text = text.strip()
    if _HEX8.fullmatch(text):
        return int.from_bytes(bytes.fromhex(text), "little")
    if _DECIMAL.fullmatch(text):
        return int(text)
    if _HEX0X.fullmatch(text):
        return int(text, 16)
    return None


def resource_type(provider: Section) -> str | None:
    """The provider's type as a constant name if it is a valid provider type, else None."""
    value = provider.value("type")
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text in _TYPE_VALUES:
        return text if text in PROVIDER_TYPES.values() else None
    number = number_of(text)
    return PROVIDER_TYPES.get(number) if number is not None else None


# --- reading flag lists ----------------------------------------------------------------

OK, UNKNOWN, WRONG_FAMILY, WRONG_TYPE = "ok", "unknown", "wrong-family", "wrong-type"


class Flag(Record):
    """One flag as written, with what it means in its section."""

    __slots__ = ("name", "loc", "status", "detail")

    def __init__(self, name: str, loc: Loc, status: str = OK, detail: str = ""):
        self.name = name
        self.loc = loc
        self.status = status
        self.detail = detail


def _family(section: Section) -> dict[str, int]:
    return SERVICE_FLAGS if section.kind == "service" else PROVIDER_FLAGS


def read_flags(section: Section) -> list[Flag]:
    """The section's PR_RESOURCE_FLAGS, classified; numbers are decoded leniently."""
    entry = section.get("flags")
    if entry is None or entry.items is None or section.kind not in ("service", "provider"):
        return []
    family = _family(section)
    other = PROVIDER_FLAGS if family is SERVICE_FLAGS else SERVICE_FLAGS
    ptype = resource_type(section) if section.kind == "provider" else None
    flags: list[Flag] = []
    for item in entry.items:
        if not isinstance(item.value, str):
            continue  # the schema reports wrongly typed items
        name = item.value.strip()
        # INF values are raw text: a number there is read leniently.
        number = number_of(name) if isinstance(entry.value, str) else None
        if number is not None:
            flags.extend(_decode(number, family, item, section))
            continue
        flag = Flag(name, item.loc)
        if name in family:
            required = FLAG_TYPES.get(name)
            if section.kind == "provider" and ptype is not None and required and required != ptype:
                flag.status, flag.detail = WRONG_TYPE, required
        elif name in other:
            flag.status = WRONG_FAMILY
        else:
            flag.status = UNKNOWN
        flags.append(flag)
    return flags


def _decode(number: int, family: dict[str, int], item: Item, section: Section) -> list[Flag]:
    """A numeric PR_RESOURCE_FLAGS value as the flags it sets."""
    flags = [Flag(name, item.loc) for name, bit in family.items() if number & bit]
    left = number
    for bit in family.values():
        left &= ~bit
    if left:
        flags.append(Flag(f"0x{left:X}", item.loc, UNKNOWN, "bits"))
    ptype = resource_type(section) if section.kind == "provider" else None
    for flag in flags:
        required = FLAG_TYPES.get(flag.name)
        if ptype is not None and required and required != ptype:
            flag.status, flag.detail = WRONG_TYPE, required
    return flags


def _where(cat: Catalogue, section: Section) -> str:
    kind = "service" if section.kind == "service" else "provider"
    return f"{kind} [{section.name}]" if cat.is_inf else f"{kind} '{section.name}'"


def _label(section: Section) -> str:
    entry = section.get("flags")
    return entry.label if entry is not None else "flags"


def _flag_sections(cat: Catalogue) -> Iterator[Section]:
    yield from cat.services.values()
    yield from cat.providers.values()


# --- rules -----------------------------------------------------------------------------

@rule("MS501", "E", "a provider type that a provider section cannot have", "MI")
def bad_resource_type(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A provider whose type (`type` in a manifest, `PR_RESOURCE_TYPE` in MAPISVC.INF) is not
    one of `MAPI_STORE_PROVIDER`, `MAPI_AB_PROVIDER`, `MAPI_TRANSPORT_PROVIDER` or
    `MAPI_HOOK_PROVIDER`: an unknown name or number, or a resource type that only MAPI's own
    status rows have (`MAPI_AB`, `MAPI_SPOOLER`, `MAPI_PROFILE_PROVIDER`, `MAPI_SUBSYSTEM`).

    ## Why MAPI cares
    MAPI loads a provider by its resource type: it calls `MSProviderInit`, `ABProviderInit`,
    `XPProviderInit` or `HPProviderInit` of the provider's DLL (mapi-facts §4.1, §5.3). The
    docs name store, address-book and transport providers; hook providers appear in
    Exchange's own entries. The other PR_RESOURCE_TYPE values describe MAPI's integrated
    address book, the spooler, the profile provider and the subsystem, never a provider
    section [DERIVED]. Whether MAPI reads a number instead of the symbolic name is
    UNCONFIRMED, so mapisvc accepts the valid values written in decimal or as 8-digit
    little-endian hex (`21000000`) too.

    ## Example
    ```toml
    [providers.CONTOSO_AB]
    type = "MAPI_AB"
    ```

    ## Fix
    ```toml
    [providers.CONTOSO_AB]
    type = "MAPI_AB_PROVIDER"
    ```
    """
    valid = sorted(PROVIDER_TYPES.values())
    for provider in cat.providers.values():
        entry = provider.get("type")
        if entry is None or not isinstance(entry.value, str) or resource_type(provider):
            continue
        text = entry.value.strip()
        where = _where(cat, provider)
        number = number_of(text)
        if text in OTHER_TYPES.values() or (number is not None and number in OTHER_TYPES):
            name = text if number is None else OTHER_TYPES[number]
            message = (f"{where} has {entry.label} {name}: that type belongs to MAPI's own "
                       "status rows, not to a provider section")
        elif number is not None:
            message = f"{where} has {entry.label} {text}, which is not a provider type"
        else:
            message = f"{where} has unknown {entry.label} '{text}'"
        close = _close_matches(text.upper(), valid, n=1, cutoff=0.6)
        if close and close[0] != text:
            help_ = f"did you mean {close[0]}?"
        else:
            help_ = "a provider is one of " + ", ".join(valid)
        yield Finding("MS501", message, entry.value_loc, help=help_)


@rule("MS502", "E", "an unknown flag, or a flag of the wrong family", "MI")
def unknown_flag(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A name in a service's or provider's flags (`flags` in a manifest, `PR_RESOURCE_FLAGS` in
    MAPISVC.INF) that is not a PR_RESOURCE_FLAGS flag of that kind of section: a misspelt
    flag, a `STATUS_*` or `HOOK_*` flag on a service, a `SERVICE_*` flag on a provider, or a
    flag of a neighbouring property (`STATUS_AVAILABLE` is a PR_STATUS_CODE value).

    ## Why MAPI cares
    Service flags and provider flags reuse the same bits with different meanings: 0x2 is
    `SERVICE_SINGLE_COPY` on a service and `STATUS_DEFAULT_STORE` on a provider (mapi-facts
    §4.2, §4.3). A flag of the wrong family silently sets another flag. Numeric values are
    decoded by the family of the section (whether MAPI reads numbers here is UNCONFIRMED);
    bits no flag of the family defines are reported.

    ## Example
    ```ini
    [CONTOSO]
    PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY | STATUS_PRIMARY_IDENTITY
    ```

    ## Fix
    ```ini
    [CONTOSO]
    PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY | SERVICE_PRIMARY_IDENTITY
    ```
    """
    for section in _flag_sections(cat):
        where = _where(cat, section)
        family = _family(section)
        for flag in read_flags(section):
            if flag.status == WRONG_FAMILY:
                kind = "service" if flag.name.startswith("SERVICE_") else "provider"
                swap = _IDENTITY_SWAP.get(flag.name)
                help_ = (f"use {swap}" if swap else
                         f"{flag.name} belongs on a {kind}; remove it here")
                yield Finding("MS502", f"{flag.name} is a {kind} flag and cannot be used on "
                              f"{where}: service and provider flags share bit values",
                              flag.loc, help=help_)
            elif flag.status == UNKNOWN:
                if flag.detail == "bits":
                    yield Finding("MS502", f"{_label(section)} of {where} sets bits {flag.name} "
                                  "that no flag of a " + section.kind + " defines", flag.loc,
                                  help="write the flags by name")
                    continue
                owner = OTHER_FLAG_PROPERTIES.get(flag.name)
                close = _close_matches(flag.name.upper(), list(family), n=1, cutoff=0.7)
                if owner:
                    message = (f"{flag.name} on {where} is a {owner} value, not a "
                               "PR_RESOURCE_FLAGS flag")
                else:
                    message = f"unknown flag '{flag.name}' on {where}"
                help_ = (f"did you mean {close[0]}?" if close else
                         f"{section.kind} flags are " + ", ".join(family))
                yield Finding("MS502", message, flag.loc, help=help_)


@rule("MS503", "E", "a provider flag that does not fit the provider type", "MI")
def flag_for_other_type(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A provider flag that only one type of provider can have, on a provider of another type:
    the store flags (`STATUS_DEFAULT_STORE`, `STATUS_NO_DEFAULT_STORE`,
    `STATUS_PRIMARY_STORE`, `STATUS_SECONDARY_STORE`, …) on anything but a
    `MAPI_STORE_PROVIDER`; `STATUS_DEFAULT_OUTBOUND`, `STATUS_OWN_STORE` and
    `STATUS_XP_PREFER_LAST` on anything but a `MAPI_TRANSPORT_PROVIDER`; `HOOK_INBOUND` and
    `HOOK_OUTBOUND` on anything but a `MAPI_HOOK_PROVIDER`.

    ## Why MAPI cares
    The MAPI reference describes each of these flags for one kind of provider only
    (mapi-facts §4.3, §4.4; which type each flag belongs to is [DERIVED] from that wording).
    On another provider the flag means nothing, or makes MAPI treat a provider as what it is
    not, such as a default store that is an address book.

    ## Example
    ```toml
    [providers.CONTOSO_AB]
    type = "MAPI_AB_PROVIDER"
    flags = ["STATUS_DEFAULT_STORE"]
    ```

    ## Fix
    Move the flag to the store provider, or remove it.
    """
    for provider in cat.providers.values():
        ptype = resource_type(provider)
        for flag in read_flags(provider):
            if flag.status == WRONG_TYPE:
                yield Finding("MS503", f"{flag.name} is a flag for a {flag.detail}, but "
                              f"{_where(cat, provider)} is a {ptype}", flag.loc,
                              help=f"remove {flag.name}, or move it to the "
                              f"{flag.detail} of the service")


@rule("MS504", "E", "contradictory flags", "MI")
def contradictory_flags(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    Two flags of one service or provider that contradict each other:
    `SERVICE_PRIMARY_IDENTITY` with `SERVICE_NO_PRIMARY_IDENTITY`,
    `STATUS_PRIMARY_IDENTITY` with `STATUS_NO_PRIMARY_IDENTITY`,
    `STATUS_DEFAULT_STORE` or `STATUS_PRIMARY_STORE` with `STATUS_NO_DEFAULT_STORE`, and
    `STATUS_PRIMARY_STORE` with `STATUS_SECONDARY_STORE`.

    ## Why MAPI cares
    A service states either that it can supply the primary identity or that it cannot, "but
    not both" (mapi-facts §4.4, documented); the store pairs claim a store is and is not the
    default, or both the primary and the fallback store [DERIVED]. Which flag MAPI honours is
    not defined. The finding is on the second flag of the pair.

    ## Example
    ```toml
    flags = ["SERVICE_PRIMARY_IDENTITY", "SERVICE_NO_PRIMARY_IDENTITY"]
    ```

    ## Fix
    Keep the one that is true.
    """
    for section in _flag_sections(cat):
        flags = [f for f in read_flags(section) if f.status == OK]
        first = {}
        for flag in flags:
            first.setdefault(flag.name, flag)
        for one, two in CONTRADICTIONS:
            if one in first and two in first:
                a, b = first[one], first[two]
                earlier, later = (a, b) if flags.index(a) <= flags.index(b) else (b, a)
                yield Finding("MS504", f"{later.name} contradicts {earlier.name} on "
                              f"{_where(cat, section)}", later.loc,
                              related=[(earlier.loc, f"{earlier.name} is set here")],
                              help="keep only the flag that is true")


def _managed_flags(section: Section) -> Iterator[Flag]:
    for flag in read_flags(section):
        if flag.status == OK and flag.name in MANAGED_FLAGS:
            yield flag


@rule("MS505", "W", "a flag that MAPI manages itself or reserves, written by hand", "MI")
def managed_flag(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    `SERVICE_DEFAULT_STORE`, `SERVICE_CREATE_WITH_STORE`, `STATUS_SIMPLE_STORE`,
    `STATUS_TEMP_SECTION` or `STATUS_NEED_IPM_TREE` written into a service's or provider's
    flags.

    ## Why MAPI cares
    These are dynamic flags that MAPI sets and clears at run time, or (for
    `SERVICE_CREATE_WITH_STORE`) a reserved one (mapi-facts §4.2, §4.3). Writing them into
    MAPISVC.INF copies a run-time state into every new profile; that they should not be
    authored is [DERIVED] from MAPI's static/modifiable/dynamic classification, hence a
    warning.

    ## Example
    ```toml
    flags = ["SERVICE_SINGLE_COPY", "SERVICE_DEFAULT_STORE"]
    ```

    ## Fix
    ```toml
    flags = ["SERVICE_SINGLE_COPY"]
    ```
    """
    for section in _flag_sections(cat):
        for flag in _managed_flags(section):
            yield Finding("MS505", f"{flag.name} on {_where(cat, section)} is not written by "
                          f"hand: {MANAGED_FLAGS[flag.name]}", flag.loc,
                          help=f"remove {flag.name}")


def _names(section: Section) -> dict[str, Flag]:
    out: dict[str, Flag] = {}
    for flag in read_flags(section):
        if flag.status == OK:
            out.setdefault(flag.name, flag)
    return out


def _unknown_flags(section: Section) -> bool:
    return any(f.status in (UNKNOWN, WRONG_FAMILY) for f in read_flags(section))


@rule("MS506", "E", "a service's identity flag contradicts its providers", "MI")
def identity_mismatch(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A service flagged `SERVICE_NO_PRIMARY_IDENTITY` that contains a provider flagged
    `STATUS_PRIMARY_IDENTITY` (an error), and, as a warning, a service flagged
    `SERVICE_PRIMARY_IDENTITY` none of whose providers is flagged `STATUS_PRIMARY_IDENTITY`.

    ## Why MAPI cares
    The primary identity of a session comes from a provider of the service that supplies it;
    `IMsgServiceAdmin::SetPrimaryIdentity` fails for a service flagged
    `SERVICE_NO_PRIMARY_IDENTITY` (mapi-facts §4.4, §6.19). A service that claims the identity
    should contain a provider that can supply it; a provider states that with
    `STATUS_PRIMARY_IDENTITY` (mapi-primary-identity). The warning form is [DERIVED]: real
    files often leave identity flags out, so it stays a warning. A provider listed by
    two services (MS203) is left out, and a service that lists one gets no warning.

    ## Example
    ```toml
    [services.CONTOSO]
    flags = ["SERVICE_NO_PRIMARY_IDENTITY"]
    providers = ["CONTOSO_XP"]

    [providers.CONTOSO_XP]
    flags = ["STATUS_PRIMARY_IDENTITY"]
    ```

    ## Fix
    Flag the service `SERVICE_PRIMARY_IDENTITY`, or remove `STATUS_PRIMARY_IDENTITY` from the
    provider.
    """
    from .services import service_links

    links = service_links(cat)
    for service in cat.services.values():
        flags = _names(service)
        has_yes = "SERVICE_PRIMARY_IDENTITY" in flags
        has_no = "SERVICE_NO_PRIMARY_IDENTITY" in flags
        if has_yes == has_no:
            continue  # neither (MS507) or both (MS504)
        members = [p for _item, p in links.members.get(service.name, [])]
        # A provider with both identity flags is MS504's; it claims nothing here.
        claims = [(p, names["STATUS_PRIMARY_IDENTITY"]) for p in members
                  for names in [_names(p)] if "STATUS_PRIMARY_IDENTITY" in names
                  and "STATUS_NO_PRIMARY_IDENTITY" not in names]
        where = _where(cat, service)
        if has_no and claims:
            flag = flags["SERVICE_NO_PRIMARY_IDENTITY"]
            names = ", ".join(_where(cat, p) for p, _f in claims)
            yield Finding("MS506", f"{where} is flagged SERVICE_NO_PRIMARY_IDENTITY but contains "
                          f"{names} flagged STATUS_PRIMARY_IDENTITY", flag.loc,
                          related=[(f.loc, "STATUS_PRIMARY_IDENTITY here") for _p, f in claims],
                          help="flag the service SERVICE_PRIMARY_IDENTITY, or remove "
                          "STATUS_PRIMARY_IDENTITY from the provider")
        elif has_yes and members and service.name not in links.shares and not any(
                "STATUS_PRIMARY_IDENTITY" in _names(p) for p in members):
            if any(_unknown_flags(p) for p in members):
                continue  # a misspelt provider flag is reported (MS502); do not guess
            flag = flags["SERVICE_PRIMARY_IDENTITY"]
            yield Finding("MS506", f"{where} is flagged SERVICE_PRIMARY_IDENTITY but none of its "
                          "providers is flagged STATUS_PRIMARY_IDENTITY", flag.loc,
                          severity="warning",
                          help="flag the provider that supplies the identity "
                          "STATUS_PRIMARY_IDENTITY, or flag the service "
                          "SERVICE_NO_PRIMARY_IDENTITY")


@rule("MS507", "W", "a service that states neither SERVICE_PRIMARY_IDENTITY nor SERVICE_NO_PRIMARY_IDENTITY", "MI")
def identity_unstated(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A service whose flags (`flags` in a manifest, `PR_RESOURCE_FLAGS` in MAPISVC.INF) have
    neither `SERVICE_PRIMARY_IDENTITY` nor `SERVICE_NO_PRIMARY_IDENTITY`, or that has no
    flags at all.

    ## Why MAPI cares
    mapi-primary-identity says a service section must state whether it can supply the
    primary identity (mapi-facts §1.6, §4.4). Microsoft's own MRXP and MSEMS entries leave it
    out, so this is a warning. When the flags hold a name mapisvc does not know (MS502), this
    rule stays silent rather than guess what was meant.

    ## Example
    ```ini
    [CONTOSO]
    PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY
    ```

    ## Fix
    ```ini
    [CONTOSO]
    PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY | SERVICE_NO_PRIMARY_IDENTITY
    ```
    """
    from .services import is_table

    for service in cat.services.values():
        entry = service.get("flags")
        if entry is not None and (entry.items is None or any(
                not isinstance(item.value, str) for item in entry.items)):
            continue  # wrongly typed: the schema reports it
        if not is_table(cat, service):
            continue
        flags = _names(service)
        if "SERVICE_PRIMARY_IDENTITY" in flags or "SERVICE_NO_PRIMARY_IDENTITY" in flags:
            continue
        if _unknown_flags(service):
            continue
        where = _where(cat, service)
        loc = entry.loc if entry is not None else service.loc
        yield Finding("MS507", f"{where} does not say whether it can supply the primary identity",
                      loc, help="add SERVICE_PRIMARY_IDENTITY or SERVICE_NO_PRIMARY_IDENTITY to "
                      f"its {entry.label if entry is not None else _flags_label(cat)}")


def _flags_label(cat: Catalogue) -> str:
    return "PR_RESOURCE_FLAGS" if cat.is_inf else "flags"
