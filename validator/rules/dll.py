"""MS610–MS612: a built provider DLL against what the manifest (or MAPISVC.INF) promises.

These rules read a DLL, not a manifest, so the engine does not run them: the
functions below take the catalogue and a :class:`validator.dll.DllImage` and
are called by :func:`validator.dll.check_dlls` (``mapisvc check --dll``).
"""

from __future__ import annotations

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator

from .. import mapi
from ..model import Catalogue, Finding, Section
from . import describe

describe("MS610", "E", "a built DLL does not export an entry point the manifest names for it (`entry`, `wizard_entry`)", "D", """
    ## What it catches
    A DLL given with `--dll` that is the service DLL of a service (its file is what MAPI
    loads for the service's `dll`), but whose export table lacks the function named by the
    service's `entry` (PR_SERVICE_ENTRY_NAME) or `wizard_entry` (WIZARD_ENTRY_NAME).
    Names are compared exactly: `GetProcAddress` is case-sensitive.

    ## Why MAPI cares
    MAPI finds the message service entry point with `GetProcAddress` on the name in
    PR_SERVICE_ENTRY_NAME (mapi-facts §1.6, §5.2); without it, creating or configuring the
    service fails. The Profile Wizard does the same with WIZARD_ENTRY_NAME (§5.4). A
    function that is defined but not exported — no `.def` entry, no `__declspec(dllexport)`
    — is the usual cause; Microsoft's own SABP sample names `WizardEntry` in its INF but
    does not export it (mapi-facts §5.3). The check needs a built binary (§6 item 25).

    ## Example
    ```toml
    [services.CONTOSO]
    dll = "contoso.dll"
    entry = "ServiceEntry"        # contoso32.dll's .def file does not list ServiceEntry
    ```

    ## Fix
    Export the function: list it under `EXPORTS` in the `.def` file (`mapisvc entry`
    writes one with every export the manifest promises), or correct the name in the
    manifest to the one the DLL exports.
    """)

describe("MS611", "E", "a provider's DLL does not export the init function its type needs (`MSProviderInit`, `ABProviderInit`, `XPProviderInit`, `HPProviderInit`)", "D", """
    ## What it catches
    A DLL given with `--dll` that hosts a provider (it is what MAPI loads for the provider's
    `dll`) but does not export the fixed entry point of the provider's type:
    `MSProviderInit` for MAPI_STORE_PROVIDER, `ABProviderInit` for MAPI_AB_PROVIDER,
    `XPProviderInit` for MAPI_TRANSPORT_PROVIDER, `HPProviderInit` for MAPI_HOOK_PROVIDER.

    ## Why MAPI cares
    These names are fixed: MAPI loads the provider DLL and calls `GetProcAddress` with the
    name its PR_RESOURCE_TYPE implies (mapi-facts §5.3). A DLL without it cannot load the
    provider, and the profile fails when it is opened, long after installation.

    ## Example
    ```toml
    [providers.CONTOSO_XP]
    type = "MAPI_TRANSPORT_PROVIDER"
    dll = "contoso.dll"           # contoso32.dll exports no XPProviderInit
    ```

    ## Fix
    Implement and export the init function (list it in the `.def` file; `mapisvc entry`
    writes the `.def` and a marked stub to start from), or point the provider's `dll` at the
    DLL that has it.
    """)

describe("MS612", "W", "a built DLL's file name is not the one MAPI will load for the manifest's `dll` (MAPI inserts `32` before the first period)", "D", """
    ## What it catches
    A DLL given with `--dll` whose file name is not what MAPI loads for any `dll` value in
    the manifest: `contoso.dll` built for `dll = "contoso.dll"` (MAPI loads
    `contoso32.dll`), or a file that matches no `dll` of the manifest at all.

    ## Why MAPI cares
    The manifest (like MAPISVC.INF) holds the base name; MAPI inserts `32` before the first
    period itself, on 64-bit Outlook too (mapi-facts §1.10). A DLL shipped under the base
    name is never found. For a name with no period MAPI is taken to append `32`; that case
    is UNCONFIRMED, hence a warning.

    ## Example
    ```toml
    [services.CONTOSO]
    dll = "contoso.dll"           # but the build writes contoso.dll, not contoso32.dll
    ```

    ## Fix
    Name the built file as MAPI loads it (`-o contoso32.dll`; the `.def` file from
    `mapisvc entry` names it in `LIBRARY`), and keep the base name in the manifest.
    """)

INIT_FUNCTIONS = {mapi.STORE: "MSProviderInit", mapi.AB: "ABProviderInit",
                  mapi.TRANSPORT: "XPProviderInit", mapi.HOOK: "HPProviderInit"}
# MAPISVC.INF may give PR_RESOURCE_TYPE as a number (mapi-facts §4.1).
RESOURCE_NUMBERS = {str(value): name for value, name in mapi.RESOURCE_TYPE_NAMES.items()}
_KIND_WORDS = {"MAPI_STORE_PROVIDER": "store provider", "MAPI_AB_PROVIDER": "address book provider",
               "MAPI_TRANSPORT_PROVIDER": "transport provider", "MAPI_HOOK_PROVIDER": "spooler hook"}


def _text(section: Section, key: str) -> str | None:
    value = section.value(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def resource_type(provider: Section) -> str | None:
    value = _text(provider, "type")
    if value is None:
        return None
    return RESOURCE_NUMBERS.get(value, value.upper())


def hosted(cat: Catalogue, image) -> tuple[list[Section], list[Section]]:
    """The services and providers of ``cat`` whose ``dll`` is the DLL ``image`` stands for."""
    services = [s for s in cat.services.values() if image.stands_for(_text(s, "dll"))]
    providers = [p for p in cat.providers.values() if image.stands_for(_text(p, "dll"))]
    return services, providers


def missing_entry_points(cat: Catalogue, image) -> Iterator[Finding]:
    """MS610: each service's `entry` and `wizard_entry` exported by its DLL."""
    services, _ = hosted(cat, image)
    for service in services:
        for key, what in (("entry", "service entry point"), ("wizard_entry", "Profile Wizard entry")):
            member = service.get(key)
            name = _text(service, key)
            if member is None or name is None or name in image.exports:
                continue
            near = [e for e in image.exports if e.casefold() == name.casefold()]
            hint = (f"it exports '{near[0]}': GetProcAddress is case-sensitive" if near else
                    "list it under EXPORTS in the .def file (`mapisvc entry` writes one)")
            yield Finding("MS610", f"{image.name} does not export '{name}', the {what}"
                          f" ({member.label}) of service '{service.name}'", member.value_loc,
                          help=hint)


def missing_init_functions(cat: Catalogue, image) -> Iterator[Finding]:
    """MS611: each hosted provider's fixed init function exported."""
    _, providers = hosted(cat, image)
    reported: set[str] = set()
    for provider in providers:
        rtype = resource_type(provider)
        needed = INIT_FUNCTIONS.get(rtype or "")
        if needed is None or needed in image.exports or needed in reported:
            continue
        reported.add(needed)
        member = provider.get("type")
        yield Finding("MS611", f"{image.name} does not export {needed}, which MAPI calls to load"
                      f" {_KIND_WORDS[rtype]} '{provider.name}'",
                      member.value_loc if member is not None else provider.loc,
                      help=f"implement and export {needed} (`mapisvc entry` writes a .def file"
                      " and a marked stub)")


def unexpected_file_name(cat: Catalogue, image) -> Iterator[Finding]:
    """MS612: the file stands for a `dll` whose loaded name (``contoso32.dll``) it does not have."""
    for dll in sorted(image.misnamed):
        sections = [s for table in (cat.services, cat.providers) for s in table.values()
                    if (_text(s, "dll") or "").casefold() == dll]
        if not sections:
            continue
        member = sections[0].get("dll")
        value = _text(sections[0], "dll")
        expected = image.expected_name(value)
        yield Finding("MS612", f"MAPI loads '{expected}' for {member.label} = \"{value}\","
                      f" not '{image.name}'", member.value_loc,
                      help=f"build the DLL as {expected} and keep the base name in the"
                      " manifest (MAPI inserts 32 before the first period)")


CHECKS = (missing_entry_points, missing_init_functions, unexpected_file_name)
