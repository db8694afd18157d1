"""MS6xx: DLL names, entry points and files (MS610–MS612 need a built DLL: rules/dll.py)."""

from __future__ import annotations

import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

from ..model import Catalogue, Entry, Finding, Item, Loc, Section
from . import rule
from .services import describe_section, is_table, service_links

_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENV_VAR = re.compile(r"%[^%\\/]+%")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_HEX_TAG = re.compile(r"(?:0[xX])?([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})")

#: Properties MAPI computes for a profile; never written into MAPISVC.INF (mapi-facts §1.6, §1.7).
COMPUTED = {0x3D0C: "PR_SERVICE_UID", 0x3D0E: "PR_SERVICES", 0x3D0D: "PR_SERVICE_EXTRA_UIDS",
            0x300C: "PR_PROVIDER_UID", 0x300D: "PR_PROVIDER_ORDINAL"}
_COMPUTED_NAMES = {name: prop_id for prop_id, name in COMPUTED.items()}
#: Setting keys (INF keys) that name a DLL, beside the `dll` members.
_DLL_KEYS = ("PR_SERVICE_DLL_NAME", "PR_PROVIDER_DLL_NAME")
HELP_COMPONENT_MAX = 30


def _strings(entry: Entry | None) -> str | None:
    """The entry's text; None when absent, not a string or blank (the schema's MS102/MS105)."""
    if entry is None or not isinstance(entry.value, str) or not entry.value.strip():
        return None
    return entry.value


def _canonical(key: str) -> str:
    upper = key.strip().upper()
    return upper[:-2] if upper.endswith(("_A", "_W")) else upper


def dll_entries(cat: Catalogue) -> Iterator[tuple[Section, Entry]]:
    """Every DLL name of the file: `dll` members, and DLL tags written as settings."""
    for table in (cat.services, cat.providers):
        for section in table.values():
            entry = section.get("dll")
            if _strings(entry) is not None:
                yield section, entry
            for setting in section.settings:
                if _canonical(setting.key) in _DLL_KEYS and _strings(setting) is not None:
                    yield section, setting


def _value_loc(cat: Catalogue, entry: Entry, offset: int, length: int) -> Loc:
    """A piece of a value: narrowed inside INF values, the whole value in a manifest."""
    if cat.is_inf:
        lead = len(entry.value) - len(entry.value.lstrip())
        return Loc(entry.pointer, "value", offset + lead, length)
    return entry.value_loc


def _file_name(path: str) -> str:
    return path[max(path.rfind("\\"), path.rfind("/")) + 1:]


def _is_path(name: str) -> bool:
    return "\\" in name or "/" in name or bool(re.match(r"[A-Za-z]:", name))


def _mapi_name(name: str) -> str:
    """The file MAPI loads: '32' inserted before the first period (mapi-facts §1.10)."""
    dot = name.find(".")
    return name + "32" if dot < 0 else name[:dot] + "32" + name[dot:]


@rule("MS601", "E", "a DLL name that already carries the '32' suffix", "MI")
def dll_with_32(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A DLL name (`dll`; `PR_SERVICE_DLL_NAME`, `PR_PROVIDER_DLL_NAME` in MAPISVC.INF) whose
    file name ends in `32` before its extension, such as `contoso32.dll`.

    ## Why MAPI cares
    MAPI appends `32` itself: you write `MAPI.DLL` and it loads `MAPI32.DLL` (mapi-facts
    §1.10, documented; the 64-bit samples keep the suffix too). `contoso32.dll` makes MAPI
    look for `contoso3232.dll`.

    ## Example
    ```toml
    dll = "contoso32.dll"
    ```

    ## Fix
    ```toml
    dll = "contoso.dll"
    ```
    """
    for section, entry in dll_entries(cat):
        text = entry.value.strip()
        name = _file_name(text)
        stem = name.split(".", 1)[0]
        if len(stem) > 2 and stem.endswith("32"):
            offset = len(text) - len(name) + len(stem) - 2
            yield Finding("MS601", f"{entry.label} '{text}' of {describe_section(cat, section)} "
                          f"already ends in '32': MAPI appends it and would load "
                          f"'{_mapi_name(text)}'", _value_loc(cat, entry, offset, 2),
                          help=f"write '{text[:offset] + text[offset + 2:]}'")


@rule("MS602", "E", "a full-path DLL name with a period before the file's extension", "MI")
def dll_path_with_period(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A DLL given as a path in which a period comes before the file's extension: a directory
    with a period (`C:\\Program Files\\Contoso.Mail\\contoso.dll`), a file name with two
    (`C:\\x\\contoso.mail.dll`), or `..`.

    ## Why MAPI cares
    Since Outlook 2010 a DLL may be given with its full path, but MAPI still inserts `32`
    before the *first* period of the whole string (mapi-facts §1.10, documented), so
    `C:\\a.b\\x.dll` is loaded as `C:\\a32.b\\x.dll`. A plain file name with two periods
    would be split the same way, but that is UNCONFIRMED for names without a path, so only
    paths are reported.

    ## Example
    ```ini
    PR_PROVIDER_DLL_NAME=C:\\Program Files\\Contoso.Mail\\contoso.dll
    ```

    ## Fix
    ```ini
    PR_PROVIDER_DLL_NAME=C:\\Program Files\\Contoso Mail\\contoso.dll
    ```
    """
    for section, entry in dll_entries(cat):
        text = entry.value.strip()
        if not _is_path(text):
            continue
        first, last = text.find("."), text.rfind(".")
        if first < 0 or first == last and "." in _file_name(text):
            continue
        yield Finding("MS602", f"{entry.label} '{text}' of {describe_section(cat, section)} has a "
                      "period before the file's extension: MAPI inserts '32' before the first "
                      f"period and would load '{_mapi_name(text)}'",
                      _value_loc(cat, entry, first, 1),
                      help="use a path whose only period is the one before the extension")


def _path_risk(text: str) -> str | None:
    if _ENV_VAR.search(text):
        return "contains an environment variable, which MAPI does not expand"
    if text.startswith(("\\\\", "//")):
        return "is a UNC path: the DLL would be loaded from another machine"
    if ".." in re.split(r"[\\/]", text):
        return "contains '..'"
    if _is_path(text) and not _DRIVE.match(text):
        return "is a relative path, resolved against a directory you do not control"
    return None


@rule("MS603", "W", "a DLL given as a relative path, with '..', a UNC path or an environment variable", "MI")
def dll_path_risk(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A DLL name that is a relative path (`bin\\contoso.dll`, `\\contoso\\contoso.dll`), contains
    `..`, is a UNC path (`\\\\server\\share\\contoso.dll`) or contains an environment variable
    (`%ProgramFiles%\\Contoso\\contoso.dll`). A plain file name and a full path with a drive
    are fine.

    ## Why MAPI cares
    Outlook 2013 loads providers with the safe DLL search order, and a full path in
    MAPISVC.INF is the supported way to load a provider from its own folder (mapi-facts
    §1.10). A relative, UNC or `..` path lets whoever controls the current or remote
    directory plant the DLL MAPI loads into every mail client; environment variables are not
    expanded in MAPISVC.INF values [DERIVED: no sample uses them]. A warning, since the file
    may be rewritten at install time.

    ## Example
    ```toml
    dll = "%ProgramFiles%\\Contoso\\contoso.dll"
    ```

    ## Fix
    ```toml
    dll = "C:\\Program Files\\Contoso\\contoso.dll"
    ```
    """
    for section, entry in dll_entries(cat):
        text = entry.value.strip()
        risk = _path_risk(text)
        if risk:
            yield Finding("MS603", f"{entry.label} '{text}' of {describe_section(cat, section)} "
                          f"{risk}: a DLL-planting risk", entry.value_loc,
                          help="write the DLL's base name, or its full path with a drive letter,"
                          " at install time")


def _entry_points(section: Section) -> Iterator[Entry]:
    for key in ("entry", "wizard_entry"):
        entry = section.get(key)
        if _strings(entry) is not None:
            yield entry


@rule("MS604", "E", "an entry-point name that is not a C identifier", "MI")
def entry_not_identifier(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A service's `entry` or `wizard_entry` (`PR_SERVICE_ENTRY_NAME`, `WIZARD_ENTRY_NAME` in
    MAPISVC.INF) that is not a C identifier: letters, digits and `_`, not starting with a
    digit.

    ## Why MAPI cares
    MAPI finds the MSGSERVICEENTRY and WIZARDENTRY functions with `GetProcAddress` by these
    names (mapi-facts §5.2, §5.4); they are the names of exported C functions. A name with
    blanks, parentheses or a decorated `@40` suffix is not what the `.def` file exports.
    (A common slip in the docs writes the service name here; the value is the function's
    name.)

    ## Example
    ```toml
    entry = "Service Entry"
    ```

    ## Fix
    ```toml
    entry = "ServiceEntry"
    ```
    """
    for service in cat.services.values():
        for entry in _entry_points(service):
            text = entry.value.strip()
            if not _C_IDENTIFIER.fullmatch(text):
                yield Finding("MS604", f"{entry.label} '{text}' of {describe_section(cat, service)}"
                              " is not a C identifier, so no DLL can export it under that name",
                              entry.value_loc, help="write the exported function's name, e.g. "
                              "ServiceEntry")


@rule("MS605", "E", "a service entry point without its DLL, or a service DLL without an entry point", "MI")
def entry_without_dll(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A service with an entry point (`entry` / `PR_SERVICE_ENTRY_NAME`, or `wizard_entry` /
    `WIZARD_ENTRY_NAME`) but no DLL (`dll` / `PR_SERVICE_DLL_NAME`), an error; and, as a
    warning, a service with a DLL but no `entry`.

    ## Why MAPI cares
    A service that exports a MSGSERVICEENTRY function must list both PR_SERVICE_DLL_NAME and
    PR_SERVICE_ENTRY_NAME (mapi-facts §1.6, §5.2, §6.6): without the DLL, MAPI has nowhere
    to look the function up. Without an entry name MAPI assumes the service has no entry
    point and cannot configure it; that is allowed, so only a warning.

    ## Example
    ```ini
    [CONTOSO]
    PR_SERVICE_ENTRY_NAME=ServiceEntry
    ```

    ## Fix
    ```ini
    [CONTOSO]
    PR_SERVICE_DLL_NAME=contoso.dll
    PR_SERVICE_ENTRY_NAME=ServiceEntry
    ```
    """
    for service in cat.services.values():
        dll = service.get("dll")
        points = list(_entry_points(service))
        where = describe_section(cat, service)
        if dll is None and points:
            names = " and ".join(p.label for p in points)
            dll_label = "PR_SERVICE_DLL_NAME" if cat.is_inf else "dll"
            yield Finding("MS605", f"{where} names {names} but no {dll_label}: MAPI cannot find "
                          "the function", points[0].loc, help=f"add {dll_label}")
        elif _strings(dll) is not None and service.get("entry") is None:
            entry_label = "PR_SERVICE_ENTRY_NAME" if cat.is_inf else "entry"
            yield Finding("MS605", f"{where} has {dll.label} but no {entry_label}: MAPI will "
                          "assume it has no service entry point", dll.loc, severity="warning",
                          help=f"add {entry_label} (usually ServiceEntry) if the DLL exports "
                          "a MSGSERVICEENTRY function")


def _computed_id(key: str) -> int | None:
    match = _HEX_TAG.fullmatch(key.strip())
    if match:
        prop_id = int(match.group(1), 16)
        return prop_id if prop_id in COMPUTED else None
    return _COMPUTED_NAMES.get(_canonical(key))


@rule("MS606", "E", "a property MAPI computes itself written by hand", "MI")
def computed_property(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A setting (a MAPISVC.INF entry) for `PR_SERVICE_UID`, `PR_SERVICES`,
    `PR_SERVICE_EXTRA_UIDS`, `PR_PROVIDER_UID` or `PR_PROVIDER_ORDINAL`, by name or by tag
    (`3D0C0102`).

    ## Why MAPI cares
    MAPI computes these for each profile: PR_SERVICE_UID "must not appear" in MAPISVC.INF and
    PR_SERVICES is reserved to MAPI (mapi-facts §1.6, documented); PR_PROVIDER_UID,
    PR_PROVIDER_ORDINAL and PR_SERVICE_EXTRA_UIDS are columns MAPI fills in (§1.7; rejecting
    them is [DERIVED]). A value written by hand would clash with the one MAPI assigns.

    ## Example
    ```ini
    [CONTOSO_MS]
    PR_PROVIDER_UID=4e495441f9bfb80100aa0037d96e0000
    ```

    ## Fix
    Remove the entry.
    """
    for section in cat.all_sections():
        for setting in section.settings:
            prop_id = _computed_id(setting.key) if isinstance(setting.key, str) else None
            if prop_id is not None:
                name = COMPUTED[prop_id]
                what = name if _canonical(setting.key) == name else f"{setting.label} ({name})"
                yield Finding("MS606", f"{what} in {describe_section(cat, section)} is computed "
                              "by MAPI for each profile and must not be written by hand",
                              setting.loc, help="remove it")


def _file_items(section: Section, key: str) -> list[Item]:
    entry = section.get(key)
    if entry is None or entry.items is None:
        return []
    return [item for item in entry.items if isinstance(item.value, str) and item.value.strip()]


def _file_key(name: str) -> tuple[str, str]:
    """(full path, file name), both folded: Windows file names ignore case."""
    full = name.strip().replace("/", "\\").casefold()
    return full, _file_name(full)


def _same_file(a: tuple[str, str], b: tuple[str, str]) -> bool:
    if "\\" in a[0] and "\\" in b[0]:
        return a[0] == b[0]
    return a[1] == b[1]


@rule("MS607", "W", "a file in delete_files that another service also uses", "MI")
def shared_delete_file(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A file in a service's `delete_files` (`PR_SERVICE_DELETE_FILES`) that another service of
    the same file uses: as its DLL, the DLL of one of its providers, or in its
    `support_files` (`PR_SERVICE_SUPPORT_FILES`). File names compare ignoring case; a bare
    name matches
    any path with that file name.

    ## Why MAPI cares
    The Control Panel deletes these files when the service is removed; the list "must not
    list a DLL shared by other services" (mapi-facts §1.6, §6.12, documented). Removing one
    service would break the other. A warning, since mapisvc sees one file only.

    ## Example
    ```toml
    [services.CONTOSO]
    delete_files = ["contoso.dll"]
    [services.CONTOSO_ARCHIVE]
    dll = "contoso.dll"
    ```

    ## Fix
    Leave shared files out of `delete_files`.
    """
    services = list(cat.services.values())
    if len(services) < 2:
        return
    links = service_links(cat)
    # file name → [(file key, where, entry, owning section, service)]; messages are
    # formatted only for a clash.
    by_name: dict[str, list[tuple[tuple[str, str], Loc, Entry, Section, Section]]] = {}

    def use(text: str, loc: Loc, entry: Entry, owner: Section, service: Section) -> None:
        key = _file_key(text)
        by_name.setdefault(key[1], []).append((key, loc, entry, owner, service))

    for service in services:
        dll = service.get("dll")
        if _strings(dll) is not None:
            use(dll.value, dll.value_loc, dll, service, service)
        # Deleting a file is not using it: only the DLLs and support files count.
        support = service.get("support_files")
        for item in _file_items(service, "support_files"):
            use(item.value, item.loc, support, service, service)
        for _item, provider in links.members.get(service.name, []):
            pdll = provider.get("dll")
            if _strings(pdll) is not None:
                use(pdll.value, pdll.value_loc, pdll, provider, service)
    for service in services:
        for item in _file_items(service, "delete_files"):
            key = _file_key(item.value)
            clash = next((use for use in by_name.get(key[1], ())
                          if use[4] is not service and _same_file(key, use[0])), None)
            if clash is None:
                continue
            _key, loc, entry, owner, other = clash
            label = service.get("delete_files").label
            yield Finding("MS607", f"{label} of {describe_section(cat, service)} deletes "
                          f"'{item.value.strip()}', which {describe_section(cat, other)} also "
                          "uses: removing one service would break the other", item.loc,
                          related=[(loc, f"used here ({entry.label} of "
                                    f"{describe_section(cat, owner)})")],
                          help="leave shared files out of the list")


@rule("MS608", "W", "a help-file component name over 30 characters", "MI")
def long_help_component(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A `[Help File Mappings]` name longer than 30 characters; in a manifest, a service with a
    `help_file` whose name (the component written into `[Help File Mappings]`) is longer
    than 30 characters.

    ## Why MAPI cares
    The left-hand side of a `[Help File Mappings]` line is the component string that property
    sheet pages refer to (DTPAGE.lpszComponent), documented as at most 30 characters
    (mapi-facts §1.4).

    ## Example
    ```ini
    [Help File Mappings]
    CONTOSO_MAIL_SERVICE_FOR_OUTLOOK=contoso.hlp
    ```

    ## Fix
    Use a service name of 30 characters or fewer.
    """
    if cat.is_inf:
        for entry in cat.help_files:
            name = entry.key.strip()
            if len(name) > HELP_COMPONENT_MAX:
                yield Finding("MS608", f"help-file component '{name}' in [Help File Mappings] has "
                              f"{len(name)} characters; the limit is {HELP_COMPONENT_MAX}",
                              entry.loc, help="use a shorter service name")
        return
    for service in cat.services.values():
        entry = service.get("help_file")
        if _strings(entry) is not None and len(service.name) > HELP_COMPONENT_MAX:
            yield Finding("MS608", f"service '{service.name}' has a `help_file`, so its name "
                          f"becomes a [Help File Mappings] component: {len(service.name)} "
                          f"characters, the limit is {HELP_COMPONENT_MAX}", entry.loc,
                          related=[(service.loc, "the service's name")],
                          help="use a service name of 30 characters or fewer")


def _not_ansi(text: str) -> int | None:
    """The index of the first character Windows-1252 cannot encode, or None."""
    if text.isascii():
        return None
    for index, char in enumerate(text):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            return index
    return None


def _not_ansi_texts(entry: Entry) -> Iterator[tuple[str, int, Loc]]:
    """(text, index of its first non-Windows-1252 character, where) in an entry's value."""
    value = entry.value
    if isinstance(value, str):
        index = _not_ansi(value)
        if index is not None:
            yield value, index, entry.value_loc
    elif isinstance(value, list):
        for position, element in enumerate(value):
            if isinstance(element, str):
                index = _not_ansi(element)
                if index is not None:
                    yield element, index, Loc(entry.pointer + (position,), "value")


@rule("MS609", "W", "text that Windows-1252 cannot hold in a name or value", "MI")
def not_windows_1252(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A service, provider or section name, or a value written into MAPISVC.INF (display names,
    DLL and file names, settings), with a character that Windows-1252 cannot encode, such as
    `✉`, `Ω` or a CJK character. In MAPISVC.INF it can only happen in a file saved as UTF-8
    or UTF-16 with a byte-order mark.

    ## Why MAPI cares
    MAPI reads MAPISVC.INF through the ANSI code page and round-trips paths through it
    (mapi-facts §1.2, §1.10); whether it reads PT_UNICODE entries with other characters is
    UNCONFIRMED. Windows-1252 is the ANSI code page of western Windows; text outside it
    becomes `?`. A warning: on a system with another ANSI code page the rule is a
    conservative guess.

    ## Example
    ```toml
    display_name = "Contoso ✉ Mail"
    ```

    ## Fix
    ```toml
    display_name = "Contoso Mail"
    ```
    """
    if cat.is_inf:
        yield from _inf_not_ansi(cat)
        return
    for table in (cat.services, cat.providers, cat.sections):
        for section in table.values():
            if _not_ansi(section.name) is not None and is_table(cat, section):
                bad = section.name[_not_ansi(section.name)]
                yield Finding("MS609", f"the name of {describe_section(cat, section)} contains "
                              f"'{bad}' (U+{ord(bad):04X}), which Windows-1252 cannot hold",
                              section.loc, help="use characters of the Windows ANSI code page")
            for entry in (*section.members.values(), *section.settings):
                for text, index, loc in _not_ansi_texts(entry):
                    yield Finding("MS609", f"{entry.label} of {describe_section(cat, section)} "
                                  f"contains '{text[index]}' (U+{ord(text[index]):04X}), which "
                                  "Windows-1252 cannot hold", loc,
                                  help="use characters of the Windows ANSI code page")


def _inf_not_ansi(cat: Catalogue) -> Iterator[Finding]:
    if cat.inf is None or cat.inf.codec == "cp1252":
        return  # a Windows-1252 file holds only Windows-1252 text
    groups = [("[Services]", cat.services_list), ("[Default Services]", cat.default_services),
              ("[Help File Mappings]", cat.help_files)]
    for section in cat.all_sections():
        if _not_ansi(section.name) is not None:
            bad = section.name[_not_ansi(section.name)]
            yield Finding("MS609", f"section name [{section.name}] contains '{bad}' "
                          f"(U+{ord(bad):04X}), which Windows-1252 cannot hold", section.loc,
                          help="use characters of the Windows ANSI code page")
        own = [e for e in list(section.members.values()) + section.settings
               if tuple(e.pointer[:len(section.pointer)]) == tuple(section.pointer)]
        groups.append((f"[{section.name}]", own))
    for where, entries in groups:
        for entry in entries:
            if entry.raw is None:
                continue
            key_bad = _not_ansi(entry.label)
            if key_bad is not None:
                yield Finding("MS609", f"key '{entry.label}' in {where} contains "
                              f"'{entry.label[key_bad]}', which Windows-1252 cannot hold",
                              Loc(entry.pointer, "key", key_bad, 1),
                              help="use characters of the Windows ANSI code page")
            index = _not_ansi(entry.raw)
            if index is not None:
                yield Finding("MS609", f"{entry.label} in {where} contains '{entry.raw[index]}' "
                              f"(U+{ord(entry.raw[index]):04X}), which Windows-1252 cannot hold",
                              Loc(entry.pointer, "value", index, 1),
                              help="use characters of the Windows ANSI code page")
