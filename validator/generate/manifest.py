"""Manifests out: from a MAPISVC.INF catalogue, and as TOML or JSON text.

:func:`from_inf` maps every entry of an INF file or fragment onto the manifest:
known entries become members (``PR_PROVIDER_DLL_NAME`` → ``dll``), every other
entry goes into the section's ``settings`` under its raw tag (``"0x66040003"``)
or its name as written, with its value decoded by the tag's type (PT_LONG's
little-endian hex → an integer).  Entries written before any section header
become the section named ``""``.  What a manifest cannot hold — comments,
blank lines, order, lines that are not entries, a second entry with the same
key — is returned as notes for the caller to print, never silently lost.
"""

from __future__ import annotations

import json
from typing import Any

from .inf import (INT_BYTES, MV_INT_TYPES, MV_STRING_TYPES, PT_CODES, from_le_hex, parse_raw_tag,
                  tag_key)

# Manifest members in the order the schema lists them.
SERVICE_ORDER = ("display_name", "dll", "entry", "wizard_entry", "flags", "support_files",
                 "delete_files", "install_id", "help_file", "default", "providers", "sections")
PROVIDER_ORDER = ("type", "dll", "display", "display_name", "flags", "mdb_provider",
                  "ab_provider_id")
EXTRA_ORDER = ("uid",)
LIST_MEMBERS = {"flags": "|", "support_files": ",", "delete_files": ",", "providers": ",",
                "sections": ","}
# Symbolic keys whose value is a list when they land in settings.
_LIST_SETTINGS = {"PR_SERVICE_SUPPORT_FILES": ",", "PR_SERVICE_DELETE_FILES": ","}


class LoadError(Exception):
    """A manifest that cannot be read: one line for the user."""


def load(path: str):
    """Read a manifest file into a catalogue; syntax errors raise :class:`LoadError`."""
    from ..engine import read

    fmt = "json" if str(path).lower().endswith(".json") else "toml"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise LoadError(f"cannot read {path}: {err.strerror or err}") from None
    cat, findings, _text = read(data, str(path), fmt)
    fatal = [f for f in findings if f.code in ("MS001", "MS004", "MS005")]
    if cat is None or fatal:
        first = (fatal or findings)[0] if (fatal or findings) else None
        where = f":{first.span.line}:{first.span.column}" if first and first.span else ""
        raise LoadError(f"{path}{where}: {first.message if first else 'cannot be read'}"
                        " (run 'mapisvc check' on it)")
    return cat


def split(value: str, separator: str) -> list[str]:
    return [piece.strip() for piece in value.split(separator) if piece.strip()]


class _Decoder:
    """INF text → typed manifest values, optionally naming declared properties."""

    def __init__(self, properties: dict | None):
        self.properties = properties or {}
        self.by_tag: dict[int, tuple[str, dict]] = {}
        for name, prop in self.properties.items():
            if not isinstance(prop, dict):
                continue
            from ..readers.manifest import parse_int

            prop_id, type_name = parse_int(prop.get("id")), prop.get("type")
            code = PT_CODES.get(type_name.upper()) if isinstance(type_name, str) else None
            if isinstance(prop_id, int) and code is not None:
                self.by_tag.setdefault(((prop_id & 0xFFFF) << 16) | code, (name, prop))

    def setting(self, key: str, value: str) -> tuple[str, Any]:
        tag = parse_raw_tag(key)
        if tag is None:
            separator = _LIST_SETTINGS.get(key.upper())
            return key, split(value, separator) if separator else value
        ptype = tag & 0xFFFF
        decoded = self.value(value, ptype)
        named = self.by_tag.get(tag)
        if named is None:
            return "0x" + tag_key(tag), decoded
        name, prop = named
        return name, self.constants(decoded, prop)

    @staticmethod
    def value(value: str, ptype: int) -> Any:
        size = INT_BYTES.get(ptype)
        if size is not None:
            number = from_le_hex(value, size)
            if number is None:
                return value
            if ptype == 0x000B and number in (0, 1):
                return bool(number)
            return number
        if ptype in MV_INT_TYPES:
            numbers = [from_le_hex(v, INT_BYTES[ptype & 0x0FFF]) for v in split(value, ",")]
            if numbers and all(n is not None for n in numbers):
                return numbers
            return value
        if ptype in MV_STRING_TYPES:
            return split(value, ",")
        return value

    @staticmethod
    def constants(value: Any, prop: dict) -> Any:
        """An integer back into the property's constant name(s) where it is one."""
        if not isinstance(value, int) or isinstance(value, bool):
            return value
        values, flags = prop.get("values"), prop.get("flags")
        if isinstance(values, dict):
            names = [n for n, v in values.items() if v == value]
            if len(names) == 1:
                return names[0]
        if isinstance(flags, dict) and value:
            chosen, rest = [], value & 0xFFFFFFFF
            for name, bit in flags.items():
                if isinstance(bit, int) and bit and rest & bit == bit:
                    chosen.append(name)
                    rest &= ~bit
            if chosen and rest == 0:
                return chosen
        return value


def from_inf(cat, properties: dict | None = None, reading: list | None = None) -> tuple[dict, list[str]]:
    """A manifest dict for an INF catalogue, and notes on what it cannot carry.

    ``properties`` (a manifest's ``properties`` table) names the raw tags it
    declares and turns numbers back into constant names; it is copied into
    the result.  ``reading`` is the reader's findings (syntax errors and
    duplicates become notes).
    """
    from ..readers.inf import COMMENT, INVALID

    decoder = _Decoder(properties)
    notes: list[str] = []
    doc = cat.inf
    for number, line in enumerate(doc.lines if doc is not None else [], 1):
        if line.kind == COMMENT:
            notes.append(f"line {number}: comment not carried over: {line.text.strip()}")
        elif line.kind == INVALID:
            notes.append(f"line {number}: not an entry, not carried over: {line.text.strip()}")
    for finding in reading or []:
        dropped = finding.code in ("MS002", "MS003") or (
            finding.code == "MS001" and "before any" in finding.message)
        if not dropped:
            continue  # other lines that are no entries are listed above
        span = finding.span or (cat.source.span(finding.loc) if finding.loc is not None else None)
        where = f"line {span.line}: " if span is not None else ""
        notes.append(f"{where}not carried over: {finding.message}")

    def members(section, order, out: dict, skip: tuple = ()) -> None:
        for member in order:
            entry = section.members.get(member)
            if entry is None or member in skip:
                continue
            value = entry.value
            separator = LIST_MEMBERS.get(member)
            out[member] = split(value, separator) if separator else value

    def settings(section) -> dict:
        table: dict[str, Any] = {}
        for entry in section.settings:
            key, value = decoder.setting(entry.key, entry.value)
            if key in table:
                notes.append(f"[{section.name}] {entry.key}: a second entry for the same setting,"
                             " not carried over")
                continue
            table[key] = value
        return table

    services: dict[str, dict] = {}
    listed = {e.key.strip().casefold(): e for e in cat.services_list}
    defaults = {e.key.strip().casefold(): e for e in cat.default_services}
    helps = {e.key.strip().casefold(): e for e in cat.help_files}
    for name, section in cat.services.items():
        out: dict[str, Any] = {}
        folded = name.casefold()
        line = listed.get(folded)
        if line is not None:
            out["display_name"] = line.value
        members(section, SERVICE_ORDER, out, skip=("display_name", "default", "help_file"))
        table = settings(section)
        own_display = next((k for k in table if k.upper() in ("PR_DISPLAY_NAME", "PR_DISPLAY_NAME_A",
                                                               "PR_DISPLAY_NAME_W")), None)
        if line is not None and own_display is not None and table[own_display] == line.value \
                and len(table) + len(out) > 2:
            del table[own_display]  # the same as display_name, which writes it
        elif line is not None and own_display is None:
            notes.append(f"[{section.name}] has no PR_DISPLAY_NAME; generated INF writes the"
                         f" [Services] name '{line.value}' there")
        if folded in defaults:
            out["default"] = True
            value = defaults[folded].value
            if value != out.get("display_name", name):
                notes.append(f"[Default Services] {defaults[folded].key}={value}: the manifest"
                             " keeps only that the service is a default one")
        if folded in helps:
            out["help_file"] = helps[folded].value
        if table:
            out["settings"] = table
        services[name] = _ordered(out, SERVICE_ORDER)
    # Global lines for services with no section of their own (fragments).
    for listing, member in ((cat.services_list, "display_name"), (cat.default_services, "default"),
                            (cat.help_files, "help_file")):
        for entry in listing:
            if cat.find_service(entry.key.strip()) is not None:
                continue
            name = entry.key.strip()
            out = next((v for k, v in services.items() if k.casefold() == name.casefold()), None)
            if out is None:
                out = services.setdefault(name, {})
            if member == "default":
                out["default"] = True
                if entry.value != out.get("display_name", name):
                    notes.append(f"[Default Services] {entry.key}={entry.value}: the manifest"
                                 " keeps only that the service is a default one")
            elif member not in out:
                out[member] = entry.value
            services[name] = _ordered(out, SERVICE_ORDER)

    providers: dict[str, dict] = {}
    for name, section in cat.providers.items():
        out = {}
        members(section, PROVIDER_ORDER, out)
        table = settings(section)
        if table:
            out["settings"] = table
        providers[name] = out
    sections: dict[str, dict] = {}
    for table_in in (cat.sections, cat.unknown):
        for name, section in table_in.items():
            out = {}
            members(section, EXTRA_ORDER, out)
            table = settings(section)
            uid = next((k for k in table if k.upper() == "UID"), None)
            if uid is not None and "uid" not in out and isinstance(table[uid], str):
                out["uid"] = table.pop(uid)
            if table:
                out["settings"] = table
            sections[name] = out

    manifest: dict[str, Any] = {"manifest_version": 1}
    if services:
        manifest["services"] = services
    if providers:
        manifest["providers"] = providers
    if sections:
        manifest["sections"] = sections
    if properties:
        manifest["properties"] = properties
    return manifest, notes


def _ordered(data: dict, order: tuple) -> dict:
    out = {k: data[k] for k in order if k in data}
    out.update({k: v for k, v in data.items() if k not in out})
    return out


def plain(data: Any) -> Any:
    """The manifest dict with only plain types (for TOML/JSON writers)."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [plain(v) for v in data]
    return data


def to_json(data: dict) -> str:
    return json.dumps(plain(data), indent=2, ensure_ascii=False) + "\n"


def to_toml(data: dict) -> str:
    import tomli_w

    body = tomli_w.dumps(plain(data), multiline_strings=False)
    return _collapse_arrays(body)


def _collapse_arrays(text: str, width: int = 100) -> str:
    """``flags = [\n    "A",\n]`` → ``flags = ["A"]`` where it fits on one line."""
    import re

    def one_line(match: "re.Match[str]") -> str:
        items = [i.strip().rstrip(",") for i in match.group(2).strip().splitlines()]
        line = f"{match.group(1)}[{', '.join(items)}]"
        return line if len(line) <= width else match.group(0)

    return re.sub(r'(?m)^([^\n=]+= )\[\n((?:    [^\n\[\]{}]*,\n)+)\]', one_line, text)


def hex_int_keys(text: str) -> str:
    """Write ``id = 26112`` as ``id = 0x6600`` in TOML output (readability)."""
    import re

    return re.sub(r"(?m)^(id = )(\d+)$", lambda m: f"{m.group(1)}0x{int(m.group(2)):04X}", text)


__all__ = ["from_inf", "to_json", "to_toml", "load", "LoadError"]
