"""MS311 and MS4xx: values — settings, defaults, bounds, enumerations, flags, GUIDs.

A manifest's values are typed (TOML/JSON integers, strings, booleans, lists);
MAPISVC.INF's are raw text, read the way MAPI reads them (mapi-facts §1.9):
PT_LONG as the 8-hex-digit little-endian image or a symbolic constant,
PT_BINARY as hex digits, MAPIUIDs as 32 hex digits.
"""

from __future__ import annotations

import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

from .. import mapi
from ..model import INF, MANIFEST, Catalogue, Finding, Loc
from . import rule
from .properties import (DECLARED, KNOWN, MAPIUID_IDS, NOT_YET, RAW, Decl, Setting, declarations,
                         declared, is_string, settings, storable_problem)

_HEX = re.compile(r"[0-9A-Fa-f]*")
_HEX8 = re.compile(r"[0-9A-Fa-f]{8}")
_NUMBER = re.compile(r"(0[xX])?[0-9A-Fa-f]+|-?\d+")
_DECIMAL = re.compile(r"\d+")
_NOT_HEX = re.compile(r"[^0-9A-Fa-f]")

#: Bits of the integer types; the unsigned image is accepted too, since C code
#: keeps ULONG flags in PT_LONG properties.
INT_BITS = {mapi.PT_I2: 16, mapi.PT_LONG: 32, mapi.PT_I8: 64, mapi.PT_CURRENCY: 64}
INTEGER_TYPES = frozenset({mapi.PT_I2, mapi.PT_LONG, mapi.PT_I8})
NUMERIC_TYPES = frozenset(INT_BITS) | {mapi.PT_R4, mapi.PT_DOUBLE, mapi.PT_APPTIME}
LENGTH_TYPES = frozenset({mapi.PT_STRING8, mapi.PT_UNICODE, mapi.PT_BINARY})


def _base(code: int) -> int:
    return code & ~mapi.MV_FLAG


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def int_bounds(base: int) -> tuple[int, int]:
    bits = INT_BITS[base]
    return -(1 << (bits - 1)), (1 << bits) - 1


def _describe_int(base: int) -> str:
    return {mapi.PT_I2: "16-bit", mapi.PT_LONG: "32-bit", mapi.PT_I8: "64-bit",
            mapi.PT_CURRENCY: "64-bit"}[base]


def _constants(decl: Decl | None) -> dict[str, int]:
    out: dict[str, int] = {}
    if decl is None:
        return out
    for member in ("values", "flags"):
        table = decl.prop.value(member)
        if isinstance(table, dict):
            out.update({k: v for k, v in table.items() if _is_int(v)})
    return out


def _has_table(decl: Decl | None) -> bool:
    return decl is not None and any(isinstance(decl.prop.value(m), dict) for m in ("values", "flags"))


def _mapi_constants() -> dict[str, int]:
    out = {name: f.value for name, f in {**mapi.SERVICE_FLAGS, **mapi.PROVIDER_FLAGS}.items()}
    out.update({name: r.value for name, r in mapi.RESOURCE_TYPES.items()})
    out.update(mapi.RESOURCE_METHODS_FLAGS)
    out.update(mapi.STATUS_CODE_FLAGS)
    return out


def is_guid_or_uid(value: str) -> bool:
    return mapi.is_braced_guid(value) or mapi.is_mapiuid_hex(value)


def _scalar_problem(value: Any, base: int, decl: Decl | None) -> tuple[str, str] | None:
    """(code, why) when one value cannot be of this base type; code '' = the caller's."""
    name = mapi.type_name(base)
    if base in INT_BITS:
        if isinstance(value, bool):
            return "", f"{name} is a number, not true/false"
        if _is_int(value):
            low, high = int_bounds(base)
            if not low <= value <= high:
                return "", f"{value} does not fit {name} ({_describe_int(base)})"
            return None
        if isinstance(value, str):
            if _has_table(decl) or value in _MAPI_CONSTANTS:
                return None  # a constant: its own check says whether it is one
            return "", f"{name} is a number, not the text {value!r}"
        if isinstance(value, float) and base == mapi.PT_CURRENCY:
            return None
        return "", f"{name} is a number"
    if base in (mapi.PT_R4, mapi.PT_DOUBLE, mapi.PT_APPTIME):
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else ("", f"{name} is a number")
    if base == mapi.PT_BOOLEAN:
        return None if isinstance(value, bool) else ("", f"{name} takes true or false, not {value!r}")
    if base in (mapi.PT_STRING8, mapi.PT_UNICODE):
        return None if isinstance(value, str) else ("", f"{name} is text; write {str(value)!r} in quotes")
    if base == mapi.PT_BINARY:
        if isinstance(value, str) and (mapi.is_braced_guid(value) or (
                _HEX.fullmatch(value) and len(value) % 2 == 0)):
            return None
        return "", f"{name} is written as hex digits, two per byte ({value!r})"
    if base == mapi.PT_CLSID:
        if isinstance(value, str) and is_guid_or_uid(value):
            return None
        return "MS408", f"{name} takes a GUID {{8-4-4-4-12}} or 32 hex digits, not {value!r}"
    return None  # PT_SYSTIME and the rest: how a file writes them is UNCONFIRMED


_MAPI_CONSTANTS = _mapi_constants()


def type_problem(value: Any, code: int, decl: Decl | None) -> tuple[str, str, int | None] | None:
    """(code, why, list index) when ``value`` cannot be a value of type ``code``."""
    base = _base(code)
    if code & mapi.MV_FLAG:
        if not isinstance(value, list):
            return "", f"{mapi.type_name(code)} is multi-valued: write a list", None
        for index, item in enumerate(value):
            found = _scalar_problem(item, base, decl)
            if found:
                return found[0], found[1], index
        return None
    if isinstance(value, list):
        if base in INTEGER_TYPES and decl is not None and isinstance(decl.prop.value("flags"), dict):
            for index, item in enumerate(value):
                found = _scalar_problem(item, base, decl)
                if found:
                    return found[0], found[1], index
            return None
        if base in INTEGER_TYPES and value and all(isinstance(v, str) and v in _MAPI_CONSTANTS
                                                   for v in value):
            return None  # MAPI's own flags, OR-ed (a well-known PT_LONG such as PR_RESOURCE_FLAGS)
        return "", f"{mapi.type_name(code)} takes one value, not a list", None
    found = _scalar_problem(value, base, decl)
    return (found[0], found[1], None) if found else None


def limits(decl: Decl) -> tuple:
    """``(values, flags, minimum, maximum, max_length, pattern)`` of a declaration, read once.

    An empty ``values`` or ``flags`` table constrains nothing (MS405 reports
    it): it is None here, like a missing one.
    """
    found = decl.limits
    if found is None:
        get = decl.members.get
        entries = [get(m) for m in ("values", "flags", "minimum", "maximum", "max_length", "pattern")]
        values, flags, minimum, maximum, max_length, pattern = (
            None if e is None else e.value for e in entries)
        found = decl.limits = (values if isinstance(values, dict) and values else None,
                               flags if isinstance(flags, dict) and flags else None,
                               minimum, maximum, max_length, pattern)
    return found


def default_type_problem(decl: Decl) -> tuple[str, str, int | None] | None:
    """:func:`type_problem` of a declaration's ``default`` (which MS402 and MS403 both ask)."""
    if decl.default_problem is NOT_YET:
        decl.default_problem = type_problem(decl.prop.value("default"), decl.type_code, decl)
    return decl.default_problem


def constraint_problem(value: Any, decl: Decl) -> tuple[str, int | None] | None:
    """(why, list index) when a value of the right type breaks the declared constraints."""
    items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    values, flags, minimum, maximum, max_length, pattern = limits(decl)
    for index, item in items:
        if isinstance(item, str) and (values is not None or flags is not None) \
                and decl.type_code is not None and _base(decl.type_code) in INTEGER_TYPES:
            table = {**(values or {}), **(flags or {})}
            if item not in table:
                kind = "a constant of its enumeration" if values is not None else "one of its flags"
                return f"{item} is not {kind} ({', '.join(table)})", index
            continue
        if _is_int(item):
            if _is_int(minimum) and item < minimum:
                return f"{item} is below the minimum {minimum}", index
            if _is_int(maximum) and item > maximum:
                return f"{item} is above the maximum {maximum}", index
            if values is not None and flags is None and item not in values.values():
                return f"{item} is none of its values: " \
                       + ", ".join(f"{k} = {v}" for k, v in values.items()), index
            if flags is not None:
                allowed = 0
                for bit in flags.values():
                    if _is_int(bit):
                        allowed |= bit
                if item & ~allowed & 0xFFFFFFFFFFFFFFFF:
                    return f"0x{item:X} has bits that none of its flags defines", index
        if isinstance(item, str):
            length, unit = len(item), "characters"
            if decl.type_code is not None and _base(decl.type_code) == mapi.PT_BINARY:
                length, unit = len(item) // 2, "bytes"
            if _is_int(max_length) and length > max_length:
                return f"{item!r} is {length} {unit} long, over the max_length {max_length}", index
            if isinstance(pattern, str):
                try:
                    if not re.search(pattern, item):
                        return f"{item!r} does not match the pattern {pattern!r}", index
                except re.error:
                    pass
    return None


def _item_loc(pointer: tuple, index: int | None) -> Loc:
    return Loc(pointer if index is None else pointer + (index,), "value")


# --- MS311: the value's text does not fit the type --------------------------------


def inf_text_problem(text: str, code: int, constants: dict[str, int]) -> tuple[str, int, int] | None:
    """(why, offset, length) when an INF value's text cannot be a value of ``code``."""
    if code & mapi.MV_FLAG:
        return None  # comma-separated strings; other MV types in INF are UNCONFIRMED
    if code == mapi.PT_LONG:
        if _HEX8.fullmatch(text):
            return None
        pieces = [p.strip() for p in text.split("|")]
        if all(p in constants for p in pieces) and pieces:
            return None
        if _NUMBER.fullmatch(text):
            value = text
            return (f"PT_LONG is written as 8 hex digits, the little-endian byte image "
                    f"(e.g. 01000000 for 1), not {value!r}"), 0, len(text)
        return (f"PT_LONG is written as 8 hex digits (little-endian) or a known constant, "
                f"not {text!r}"), 0, len(text)
    if code == mapi.PT_BINARY:
        if _HEX.fullmatch(text) and len(text) % 2 == 0:
            return None
        return f"PT_BINARY is written as hex digits, two per byte, not {text!r}", 0, len(text)
    return None  # strings: any text; other types in INF: UNCONFIRMED, not checked


@rule("MS311", "E", "a value that does not fit the property type", applies="MI")
def value_type(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A setting whose value cannot be a value of its property's type. In MAPISVC.INF (text):
    PT_LONG must be 8 hex digits — the little-endian byte image, `01000000` for 1 — or a
    known constant (`|`-joined flags); PT_BINARY an even number of hex digits. In a manifest
    (typed values): a number for PT_I2/PT_LONG/PT_I8 within the type's size, `true`/`false`
    for PT_BOOLEAN, text for the string types, hex digits for PT_BINARY, a list for
    multi-valued types.

    ## Why MAPI cares
    MAPI converts MAPISVC.INF text by the tag's type when it copies an entry into a profile
    (mapi-facts §1.9). The little-endian PT_LONG encoding is strongly evidenced by every
    Microsoft sample (`66090003=06000000` is 6) but is UNCONFIRMED as a documented rule;
    decimal values are never observed. Types other than PT_LONG, the strings and PT_BINARY in
    hex-tag entries have no example anywhere (UNCONFIRMED), so mapisvc does not check their
    text. The docs' own `66040003=integer` is a placeholder, not a value.

    ## Example
    ```ini
    [CONTOSO_MS]
    66040003=1
    ```

    ## Fix
    ```ini
    66040003=01000000
    ```
    """
    constants = None  # what INF text may name, built on first use
    for s in settings(cat, context):
        if s.how not in (DECLARED, KNOWN, RAW) or s.type_code is None:
            continue
        if storable_problem(s.type_code) or s.prop_id in MAPIUID_IDS:
            continue  # MS304's fault / MS408's value
        value = s.entry.value
        if cat.kind == INF:
            if not isinstance(value, str) or any(is_string(t) for t in s.known_types):
                continue
            if constants is None:
                constants = dict(_MAPI_CONSTANTS)
                for decl in declared(cat, context).constrained:  # those with values/flags
                    constants.update(_constants(decl))
            found = inf_text_problem(value.strip(), s.type_code, constants)
            if found:
                why, offset, length = found
                yield Finding("MS311", f"{s.label}: {why}", s.entry.value_loc,
                              help=_inf_hint(value.strip(), s.type_code))
            continue
        types = s.known_types if s.how == KNOWN else (s.type_code,)
        problems = [type_problem(value, t, s.decl) for t in types]
        if all(problems):
            code, why, index = problems[0]
            if code:  # a GUID: MS408 reports it
                continue
            hint = None
            if isinstance(value, str) and _HEX8.fullmatch(value) and types[0] == mapi.PT_LONG:
                hint = (f"write {mapi.inf_hex_to_long(value)}: the manifest takes the number and "
                        "mapisvc writes the little-endian hex into MAPISVC.INF")
            yield Finding("MS311", f"{s.label}: {why}", _item_loc(s.entry.pointer, index), help=hint)


def _inf_hint(text: str, code: int) -> str | None:
    if code != mapi.PT_LONG:
        return None
    try:
        number = int(text, 0) if not _DECIMAL.fullmatch(text) else int(text)
    except ValueError:
        return "write the value as 8 hex digits, e.g. 01000000 for 1"
    try:
        return f"write {mapi.long_to_inf_hex(number)} for {number}"
    except ValueError:
        return None


# --- MS401–MS407: declared constraints ---------------------------------------------


def _member_loc(decl: Decl, member: str, part: str = "value") -> Loc:
    return Loc(decl.prop.pointer + (member,), part)


@rule("MS401", "E", "minimum greater than maximum", applies="M")
def min_over_max(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A property whose `minimum` is greater than its `maximum`: no value can be valid.

    ## Why it matters
    The range is published in the header's documentation and checked on every setting; an
    empty range rejects every value, including the default.

    ## Example
    ```toml
    [properties.PR_CONTOSO_PORT]
    id = 0x6601
    type = "PT_LONG"
    minimum = 65535
    maximum = 1
    ```

    ## Fix
    ```toml
    minimum = 1
    maximum = 65535
    ```
    """
    for decl in declared(cat, context).constrained:
        low, high = decl.prop.value("minimum"), decl.prop.value("maximum")
        if _is_int(low) and _is_int(high) and low > high:
            yield Finding("MS401", f"{decl.name}: minimum {low} is greater than maximum {high}",
                          _member_loc(decl, "minimum"),
                          related=[(_member_loc(decl, "maximum"), "the maximum")],
                          help="swap them, or fix the one that is wrong")


def _numeric(decl: Decl) -> bool:
    return decl.type_code is not None and _base(decl.type_code) in NUMERIC_TYPES


def _integer(decl: Decl) -> bool:
    return decl.type_code is not None and _base(decl.type_code) in INTEGER_TYPES


@rule("MS402", "E", "a bound, default, enumeration or flag value the type cannot hold", applies="M")
def unrepresentable(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A `minimum`, `maximum`, `default`, enumeration value or flag value that the property's
    type cannot hold: PT_I2 is 16-bit, PT_LONG 32-bit, PT_I8 64-bit (mapisvc accepts the
    unsigned image too, since C code keeps ULONG flags in PT_LONG); a text default for a
    numeric type without constants; a number for a string type; a non-boolean PT_BOOLEAN
    default.

    ## Why MAPI cares
    The property types fix the size of the stored value (mapi-facts §2.2); a value outside
    it is truncated when the service writes it, so the documented value is not the stored
    one.

    ## Example
    ```toml
    [properties.PR_CONTOSO_RETRIES]
    id = 0x6605
    type = "PT_I2"
    maximum = 100000
    ```

    ## Fix
    Use PT_LONG, or a bound PT_I2 can hold (at most 32767).
    """
    for decl in declared(cat, context).constrained:
        if decl.type_code is None or storable_problem(decl.type_code):
            continue
        base = _base(decl.type_code)
        if base in INT_BITS:
            low, high = int_bounds(base)
            for member in ("minimum", "maximum"):
                value = decl.prop.value(member)
                if _is_int(value) and not low <= value <= high:
                    yield Finding("MS402", f"{decl.name}: {member} {value} does not fit "
                                  f"{mapi.type_name(base)} ({_describe_int(base)})",
                                  _member_loc(decl, member))
            for member in ("values", "flags"):
                table = decl.prop.value(member)
                if isinstance(table, dict):
                    for const, value in table.items():
                        if _is_int(value) and not low <= value <= high:
                            yield Finding("MS402", f"{decl.name}: {const} = {value} does not fit "
                                          f"{mapi.type_name(base)} ({_describe_int(base)})",
                                          Loc(decl.prop.pointer + (member, const), "value"))
        if "default" in decl.members:
            found = default_type_problem(decl)
            if found and not found[0]:
                yield Finding("MS402", f"{decl.name}: default {found[1]}",
                              _item_loc(decl.prop.pointer + ("default",), found[2]))


@rule("MS403", "E", "a default outside the declared range, enumeration, flags or max_length",
      applies="M")
def default_outside(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A `default` that the property's own constraints reject: below `minimum`, above
    `maximum`, not one of its enumeration or flags, longer than `max_length`, or not
    matching `pattern`.

    ## Why it matters
    The default is what the service uses when nothing is configured, and it is published in
    the header; a default the service itself would refuse is a contradiction in its contract.

    ## Example
    ```toml
    [properties.PR_CONTOSO_PORT]
    id = 0x6601
    type = "PT_LONG"
    minimum = 1
    maximum = 65535
    default = 0
    ```

    ## Fix
    ```toml
    default = 443
    ```
    """
    for decl in declared(cat, context).constrained:
        if "default" not in decl.members or decl.type_code is None:
            continue
        if default_type_problem(decl):
            continue  # MS402
        found = constraint_problem(decl.prop.value("default"), decl)
        if found:
            yield Finding("MS403", f"{decl.name}: default {found[0]}",
                          _item_loc(decl.prop.pointer + ("default",), found[1]))


@rule("MS404", "E", "a setting value outside the declared range, enumeration, flags, max_length"
      " or pattern", applies="MI")
def setting_outside(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A setting of a declared property whose value breaks the property's constraints: below
    `minimum`, above `maximum`, not a constant of its enumeration or flags, longer than
    `max_length`, not matching `pattern` (a regular expression searched in the value, as JSON
    Schema does). MAPISVC.INF declares no constraints, so an INF file alone gives this check
    nothing to compare with.

    ## Why it matters
    The manifest declares what the service accepts; a setting outside it is copied into
    every new profile and fails at run time, far from the file that caused it.

    ## Example
    ```toml
    [providers.CONTOSO_MS]
    settings = { PR_CONTOSO_PORT = 70000 }
    ```

    ## Fix
    ```toml
    settings = { PR_CONTOSO_PORT = 443 }
    ```
    """
    for s in settings(cat, context):
        if s.how != DECLARED or s.decl is None or s.decl.type_code is None:
            continue
        value = s.entry.value
        if cat.kind == INF:
            value = _inf_value(value, s.decl)
            if value is None:
                continue
        elif type_problem(value, s.decl.type_code, s.decl):
            continue  # MS311
        found = constraint_problem(value, s.decl)
        if found:
            loc = s.entry.value_loc if cat.kind == INF else _item_loc(s.entry.pointer, found[1])
            yield Finding("MS404", f"{s.label}: {found[0]}", loc,
                          related=[(s.decl.key_loc, f"{s.decl.name} is declared here")])


def _inf_value(text: Any, decl: Decl) -> Any:
    """An INF value as the typed value the constraints speak of, or None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if decl.type_code == mapi.PT_LONG:
        if _HEX8.fullmatch(text):
            return mapi.inf_hex_to_long(text, signed=True)
        return None
    if decl.type_code is not None and decl.type_code & mapi.MV_FLAG and is_string(decl.type_code):
        return [p.strip() for p in text.split(",")]
    return text


@rule("MS405", "E", "an enumeration with a repeated name or value, or with no members", applies="M")
def enumeration(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    An enumeration (`values`) with two constants of the same value, a `values` or `flags`
    table with no constants, and a constant name that two properties define with different
    values.

    ## Why it matters
    The constants become `#define`s in the public header (mapi-facts §5.1): a value with two
    names makes the setting ambiguous when read back, and one name with two values is a
    macro redefined — a compiler warning and a wrong value for one of the two properties.

    ## Example
    ```toml
    values = { CONTOSO_CACHE_OFF = 0, CONTOSO_CACHE_NONE = 0 }
    ```

    ## Fix
    Keep one name per value.
    """
    names: dict[str, tuple[int, Decl, str]] = {}  # constant → (value, where: decl, member)
    for decl in declared(cat, context).constrained:
        for member in ("values", "flags"):
            table = decl.prop.value(member)
            if not isinstance(table, dict):
                continue
            if not table:
                yield Finding("MS405", f"{decl.name}: `{member}` has no constants",
                              _member_loc(decl, member, "key"),
                              help=f"add constants or remove `{member}`")
                continue
            seen: dict[int, str] = {}
            for const, value in table.items():
                if not _is_int(value):
                    continue
                if member == "values" and value in seen:
                    yield Finding("MS405", f"{decl.name}: {const} has the value {value}, like "
                                  f"{seen[value]}", _constant_loc(decl, member, const),
                                  related=[(_constant_loc(decl, member, seen[value]),
                                            f"{seen[value]} is defined here")])
                seen.setdefault(value, const)
                other = names.get(const)
                if other is None:
                    names[const] = (value, decl, member)
                elif other[0] != value:
                    yield Finding("MS405", f"{const} is {value} here but {other[0]} in "
                                  f"{other[1].name}: one header cannot define both",
                                  _constant_loc(decl, member, const),
                                  related=[(_constant_loc(other[1], other[2], const),
                                            f"{const} in {other[1].name}")],
                                  help="give the constants distinct names")


def _constant_loc(decl: Decl, member: str, const: str) -> Loc:
    return Loc(decl.prop.pointer + (member, const), "key")


@rule("MS406", "E", "a flag value that is zero or not a single bit (W: two flags share bits)",
      applies="M")
def flag_bits(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A constant in a property's `flags` whose value is zero or has more than one bit set
    (an error), and two flags with the same bit (a warning).

    ## Why it matters
    Flags are combined with `|` and tested with `&`; a zero flag is never seen, a multi-bit
    flag is "set" when only part of it is, and two flags on one bit cannot be told apart.
    Name combinations and "none" values in the description instead.

    ## Example
    ```toml
    flags = { CONTOSO_SYNC_NONE = 0, CONTOSO_SYNC_MAIL = 0x1, CONTOSO_SYNC_ALL = 0x3 }
    ```

    ## Fix
    ```toml
    flags = { CONTOSO_SYNC_MAIL = 0x1, CONTOSO_SYNC_CAL = 0x2 }
    ```
    """
    for decl in declared(cat, context).constrained:
        table = decl.prop.value("flags")
        if not isinstance(table, dict):
            continue
        seen: dict[int, str] = {}
        for const, value in table.items():
            if not _is_int(value):
                continue
            loc = Loc(decl.prop.pointer + ("flags", const), "value")
            if value == 0 or value < 0 or value & (value - 1):
                what = "zero" if value == 0 else f"0x{value & 0xFFFFFFFFFFFFFFFF:X}, not a single bit"
                yield Finding("MS406", f"{decl.name}: flag {const} is {what}", loc,
                              help="give each flag one bit: 0x1, 0x2, 0x4, …")
                continue
            if value in seen:
                yield Finding("MS406", f"{decl.name}: flags {const} and {seen[value]} share the "
                              f"bit 0x{value:X}", loc, severity="warning",
                              related=[(Loc(decl.prop.pointer + ("flags", seen[value]), "value"),
                                        f"{seen[value]} is defined here")])
            seen.setdefault(value, const)


_CONSTRAINTS = frozenset({"minimum", "maximum", "max_length", "pattern", "values", "flags"})
#: Base type → the constraints that do not fit it (MS407's table, for a quick test).
_MISFITS = {
    base: _CONSTRAINTS - {m for m, fits in (
        ("minimum", base in NUMERIC_TYPES), ("maximum", base in NUMERIC_TYPES),
        ("max_length", base in LENGTH_TYPES), ("pattern", base in (mapi.PT_STRING8, mapi.PT_UNICODE)),
        ("values", base in INTEGER_TYPES), ("flags", base in INTEGER_TYPES)) if fits}
    for base in (*mapi.TYPE_NAMES, *NUMERIC_TYPES, *LENGTH_TYPES)
}


@rule("MS407", "E", "a constraint that does not apply to the type", applies="M")
def constraint_for_type(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A constraint that the property's type cannot have: `minimum`/`maximum` on a non-numeric
    type, `max_length` on anything but strings and PT_BINARY (where it counts bytes),
    `pattern` on a non-string, `values`/`flags` on anything but PT_I2, PT_LONG, PT_I8 (and
    their multi-valued forms).

    ## Why it matters
    A constraint that cannot apply is never checked, so the value it was meant to guard is
    not guarded, and the header documents a rule that does not exist.

    ## Example
    ```toml
    [properties.PR_CONTOSO_SERVER]
    id = 0x6600
    type = "PT_UNICODE"
    minimum = 1
    ```

    ## Fix
    ```toml
    max_length = 255
    ```
    """
    for decl in declared(cat, context).constrained:
        if decl.type_code is None or storable_problem(decl.type_code):
            continue
        base = _base(decl.type_code)
        if decl.members.keys().isdisjoint(_MISFITS.get(base, _CONSTRAINTS)):
            continue  # every constraint it has fits its type
        name = mapi.type_name(decl.type_code)
        checks = (
            ("minimum", base in NUMERIC_TYPES, "a numeric type"),
            ("maximum", base in NUMERIC_TYPES, "a numeric type"),
            ("max_length", base in LENGTH_TYPES, "a string or PT_BINARY type"),
            ("pattern", base in (mapi.PT_STRING8, mapi.PT_UNICODE), "a string type"),
            ("values", base in INTEGER_TYPES, "an integer type"),
            ("flags", base in INTEGER_TYPES, "an integer type"),
        )
        for member, fits, needs in checks:
            if member in decl.prop.members and not fits:
                yield Finding("MS407", f"{decl.name}: `{member}` applies to {needs}, not {name}",
                              _member_loc(decl, member, "key"),
                              help=f"remove `{member}` or change the type")


# --- MS408: GUIDs and MAPIUIDs -------------------------------------------------------


def _guid_findings(label: str, value: Any, loc: Loc, braced_only: bool, inf: bool) -> Iterator[Finding]:
    if not isinstance(value, str):
        return
    text = value.strip()
    if braced_only:
        if mapi.is_braced_guid(text):
            return
        hint = None
        if mapi.is_mapiuid_hex(text):
            hint = f"write it as {mapi.mapi_hex_to_guid(text)} if that is the component ID"
        elif mapi.is_braced_guid("{" + text + "}"):
            hint = f"write {{{text}}}"
        yield Finding("MS408", f"{label} must be a braced GUID {{XXXXXXXX-XXXX-XXXX-XXXX-"
                      f"XXXXXXXXXXXX}}, not {text!r}", loc, help=hint)
        return
    if inf:
        if mapi.is_mapiuid_hex(text):
            return
        digits = len(_NOT_HEX.sub("", text))
        hint = None
        if mapi.is_braced_guid(text):
            hint = f"write {mapi.guid_to_mapi_hex(text)} (the GUID in MAPI byte order)"
        why = f"{digits} hex digits" if _HEX.fullmatch(text) else repr(text)
        yield Finding("MS408", f"{label} is a MAPIUID: exactly 32 hex digits in MAPISVC.INF, "
                      f"not {why}", loc, help=hint)
        return
    if is_guid_or_uid(text):
        return
    yield Finding("MS408", f"{label} must be a GUID {{8-4-4-4-12}} or 32 hex digits (a MAPIUID), "
                  f"not {text!r}", loc)


_INSTALL_ID_NAMES = frozenset({"PR_SERVICE_INSTALL_ID", "PR_SERVICE_INSTALL_ID_A", "PR_SERVICE_INSTALL_ID_W"})


@rule("MS408", "E", "a malformed GUID or MAPIUID", applies="MI")
def malformed_guid(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    `install_id` (PR_SERVICE_INSTALL_ID) that is not a braced GUID; `mdb_provider`
    (PR_MDB_PROVIDER), `ab_provider_id` (PR_AB_PROVIDER_ID) or an extra section's `uid`
    (UID=) that is neither a GUID `{8-4-4-4-12}` nor 32 hex digits — in MAPISVC.INF these
    must be exactly 32 hex digits; a PT_CLSID setting that is no GUID.

    ## Why MAPI cares
    PR_SERVICE_INSTALL_ID is a Windows Installer component ID, a braced GUID
    (mapi-facts §1.6). MAPIUIDs are 16 bytes written as 32 hex digits in memory order
    (§1.8, §1.9); the docs' own `UID=13DB0C8AA05101A9BB000AA002FC45A` has 31 digits — a typo
    that makes a different (invalid) section ID.

    ## Example
    ```ini
    [CONTOSO_GLOBAL]
    UID=13DB0C8AA05101A9BB000AA002FC45A
    ```

    ## Fix
    ```ini
    UID=13DBB0C8AA05101A9BB000AA002FC45A
    ```
    """
    inf = cat.kind == INF
    for section in cat.all_sections():
        for member, braced in (("install_id", True), ("mdb_provider", False),
                               ("ab_provider_id", False), ("uid", False)):
            entry = section.get(member)
            if entry is not None:
                yield from _guid_findings(entry.label, entry.value, entry.value_loc, braced, inf)
    for s in settings(cat, context):
        key = s.entry.key.strip().upper()
        if inf and key == "UID":
            yield from _guid_findings(s.label, s.entry.value, s.entry.value_loc, False, True)
        elif s.how in (KNOWN, RAW) and (s.known_name or key).upper() in _INSTALL_ID_NAMES:
            yield from _guid_findings(s.label, s.entry.value, s.entry.value_loc, True, inf)
        elif s.how in (KNOWN, RAW, DECLARED) and s.prop_id in MAPIUID_IDS and not (
                s.how == DECLARED and not s.decl.known):
            yield from _guid_findings(s.label, s.entry.value, s.entry.value_loc, False, inf)
        elif not inf and s.how in (DECLARED, RAW) and s.type_code is not None:
            found = type_problem(s.entry.value, s.type_code, s.decl)
            if found and found[0] == "MS408":
                yield Finding("MS408", f"{s.label}: {found[1]}", _item_loc(s.entry.pointer, found[2]))


@rule("MS409", "W", "a custom property without a description of its valid values", applies="M")
def undocumented(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A custom property with no `description`, or an empty one. Well-known MAPI properties
    declared as MAPI defines them are not checked.

    ## Why MAPI cares
    The MAPI documentation asks every message service to publish a header with the tag and
    the valid values of every custom property (mapi-facts §5.1); `mapisvc header` writes the
    description there, next to the range, enumeration and default.

    ## Example
    ```toml
    [properties.PR_CONTOSO_PORT]
    id = 0x6601
    type = "PT_LONG"
    ```

    ## Fix
    ```toml
    description = "TCP port of the Contoso server."
    ```
    """
    for decl in declarations(cat, context):
        if decl.known or decl.define is not None or not decl.complete:
            continue
        entry = decl.members.get("description")
        text = None if entry is None else entry.value
        if isinstance(text, str) and text.strip():
            continue
        yield Finding("MS409", f"{decl.name} has no description of its valid values",
                      decl.key_loc if "description" not in decl.prop.members
                      else _member_loc(decl, "description"),
                      help="add `description = \"…\"`; the public header publishes it")
