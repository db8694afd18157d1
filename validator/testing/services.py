"""One-fault mutations for the service, flag and file rules (MS2xx, MS5xx, MS6xx).

Each function takes a manifest from :func:`validator.testing.valid_manifests`
and a Hypothesis ``draw``, injects exactly one fault, and returns the manifest
(or None when the manifest has no place for that fault).  ``formats`` says
whether the same fault survives the way to MAPISVC.INF (``MI``) or exists only
in a manifest (``M``).
"""

from __future__ import annotations

from hypothesis import strategies as st

from . import mutation

STORE, AB, TRANSPORT, HOOK = ("MAPI_STORE_PROVIDER", "MAPI_AB_PROVIDER",
                              "MAPI_TRANSPORT_PROVIDER", "MAPI_HOOK_PROVIDER")
IDENTITY = ("SERVICE_PRIMARY_IDENTITY", "SERVICE_NO_PRIMARY_IDENTITY")


def _pick(draw, names):
    names = sorted(names)
    return draw(st.sampled_from(names)) if names else None


def _all_names(manifest: dict) -> set[str]:
    names = set()
    for table in ("services", "providers", "sections"):
        names.update(n.casefold() for n in manifest.get(table, {}))
    return names


def _fresh(manifest: dict, base: str) -> str:
    taken = _all_names(manifest)
    name, index = base, 1
    while name.casefold() in taken:
        index += 1
        name = f"{base}_{index}"
    return name


def _rename(table: dict, old: str, new: str) -> None:
    items = list(table.items())
    table.clear()
    table.update((new if key == old else key, value) for key, value in items)


def _service_of(manifest: dict, provider: str) -> str:
    return next(name for name, s in manifest["services"].items() if provider in s["providers"])


def _flags(section: dict) -> list:
    return section.setdefault("flags", [])


# --- MS2xx -----------------------------------------------------------------------------

@mutation("MS201")
def add_orphan_provider(manifest, draw):
    name = _fresh(manifest, draw(st.sampled_from(("ORPHAN_AB", "STRAY XP"))))
    manifest["providers"][name] = {"type": AB, "dll": "orphan.dll", "display": "Orphan"}
    return manifest


@mutation("MS202")
def list_undefined_name(manifest, draw):
    service = manifest["services"][_pick(draw, manifest["services"])]
    key = draw(st.sampled_from(("providers", "sections")))
    service.setdefault(key, []).append(_fresh(manifest, "NOWHERE_DEFINED"))
    return manifest


@mutation("MS203")
def list_provider_again(manifest, draw):
    provider = _pick(draw, manifest["providers"])
    other = manifest["services"][_pick(draw, manifest["services"])]
    other["providers"].append(provider if draw(st.booleans()) else provider.lower())
    return manifest


@mutation("MS204")
def empty_provider_list(manifest, draw):
    service = manifest["services"][_pick(draw, manifest["services"])]
    for provider in service["providers"]:
        del manifest["providers"][provider]
    service["providers"] = []
    return manifest


@mutation("MS206", "M")
def default_on_provider(manifest, draw):
    manifest["providers"][_pick(draw, manifest["providers"])]["default"] = True
    return manifest


@mutation("MS207", "M")
def unwritable_provider_name(manifest, draw):
    old = _pick(draw, manifest["providers"])
    new = draw(st.sampled_from((old + ", Inc", old + "=1", "[" + old + "]", "Help File Mappings",
                                " " + old)))
    if new.casefold() in _all_names(manifest):
        return None
    service = manifest["services"][_service_of(manifest, old)]
    service["providers"] = [new if p == old else p for p in service["providers"]]
    _rename(manifest["providers"], old, new)
    return manifest


@mutation("MS209")
def second_provider_same_type_same_dll(manifest, draw):
    old = _pick(draw, manifest["providers"])
    first = manifest["providers"][old]
    name = _fresh(manifest, old + "_2")
    manifest["providers"][name] = {"type": first["type"], "dll": first["dll"].upper(),
                                   "display": "Second " + first["display"]}
    manifest["services"][_service_of(manifest, old)]["providers"].append(name)
    return manifest


# --- MS5xx -----------------------------------------------------------------------------

@mutation("MS501")
def bad_provider_type(manifest, draw):
    provider = manifest["providers"][_pick(draw, manifest["providers"])]
    provider["type"] = draw(st.sampled_from(("MAPI_AB", "MAPI_SPOOLER", "MAPI_SUBSYSTEM",
                                             "MAPI_PROFILE_PROVIDER", "MAPI_STORE",
                                             "MAPI_MAIL_PROVIDER")))
    return manifest


@mutation("MS502")
def foreign_flag(manifest, draw):
    if draw(st.booleans()):
        section = manifest["services"][_pick(draw, manifest["services"])]
        flag = draw(st.sampled_from(("STATUS_DEFAULT_STORE", "STATUS_PRIMARY_IDENTITY",
                                     "HOOK_INBOUND", "SERVICE_SINGEL_COPY", "STATUS_AVAILABLE")))
    else:
        section = manifest["providers"][_pick(draw, manifest["providers"])]
        flag = draw(st.sampled_from(("SERVICE_SINGLE_COPY", "SERVICE_NO_PRIMARY_IDENTITY",
                                     "STATUS_DEFUALT_STORE", "STATUS_OFFLINE")))
    flags = _flags(section)
    flags.insert(draw(st.integers(0, len(flags))), flag)
    return manifest


_OTHER_TYPE_FLAGS = {
    STORE: ("STATUS_XP_PREFER_LAST", "STATUS_OWN_STORE", "HOOK_OUTBOUND"),
    AB: ("STATUS_SECONDARY_STORE", "STATUS_DEFAULT_OUTBOUND", "HOOK_INBOUND"),
    TRANSPORT: ("STATUS_DEFAULT_STORE", "HOOK_INBOUND"),
    HOOK: ("STATUS_DEFAULT_OUTBOUND", "STATUS_NO_DEFAULT_STORE"),
}


@mutation("MS503")
def flag_of_other_type(manifest, draw):
    provider = manifest["providers"][_pick(draw, manifest["providers"])]
    _flags(provider).append(draw(st.sampled_from(_OTHER_TYPE_FLAGS[provider["type"]])))
    return manifest


@mutation("MS504")
def contradicting_flag(manifest, draw):
    claiming = [name for name, p in manifest["providers"].items()
                if "STATUS_PRIMARY_IDENTITY" in p.get("flags", [])]
    if claiming and draw(st.booleans()):
        _flags(manifest["providers"][_pick(draw, claiming)]).append("STATUS_NO_PRIMARY_IDENTITY")
        return manifest
    service = manifest["services"][_pick(draw, manifest["services"])]
    flags = _flags(service)
    missing = next(flag for flag in IDENTITY if flag not in flags)
    flags.insert(draw(st.integers(0, len(flags))), missing)
    return manifest


@mutation("MS505")
def managed_flag(manifest, draw):
    stores = [name for name, p in manifest["providers"].items() if p["type"] == STORE]
    if stores and draw(st.booleans()):
        _flags(manifest["providers"][_pick(draw, stores)]).append(
            draw(st.sampled_from(("STATUS_SIMPLE_STORE", "STATUS_TEMP_SECTION",
                                  "STATUS_NEED_IPM_TREE"))))
    else:
        _flags(manifest["services"][_pick(draw, manifest["services"])]).append(
            draw(st.sampled_from(("SERVICE_DEFAULT_STORE", "SERVICE_CREATE_WITH_STORE"))))
    return manifest


@mutation("MS506")
def identity_mismatch(manifest, draw):
    name = _pick(draw, manifest["services"])
    service = manifest["services"][name]
    providers = [manifest["providers"][p] for p in service["providers"]]
    if "SERVICE_PRIMARY_IDENTITY" in service["flags"]:
        if draw(st.booleans()):  # the error: the service now disowns its identity provider
            service["flags"] = ["SERVICE_NO_PRIMARY_IDENTITY" if f == "SERVICE_PRIMARY_IDENTITY"
                                else f for f in service["flags"]]
        else:  # the warning: no provider supplies the identity the service claims
            for provider in providers:
                if "flags" in provider:
                    provider["flags"] = [f for f in provider["flags"]
                                         if f != "STATUS_PRIMARY_IDENTITY"]
        return manifest
    provider = providers[draw(st.integers(0, len(providers) - 1))]
    provider["flags"] = [f for f in provider.get("flags", [])
                         if f != "STATUS_NO_PRIMARY_IDENTITY"] + ["STATUS_PRIMARY_IDENTITY"]
    return manifest


@mutation("MS507")
def no_identity_flag(manifest, draw):
    service = manifest["services"][_pick(draw, manifest["services"])]
    service["flags"] = [f for f in service["flags"] if f not in IDENTITY]
    if not service["flags"] and draw(st.booleans()):
        del service["flags"]
    return manifest


# --- MS6xx -----------------------------------------------------------------------------

def _some_dll_owner(manifest, draw) -> dict:
    """A service with a DLL or a provider (every provider has one)."""
    with_dll = [manifest["services"][n] for n in sorted(manifest["services"])
                if "dll" in manifest["services"][n]]
    if with_dll and draw(st.booleans()):
        return draw(st.sampled_from(with_dll))
    return manifest["providers"][_pick(draw, manifest["providers"])]


@mutation("MS601")
def dll_with_32(manifest, draw):
    _some_dll_owner(manifest, draw)["dll"] = draw(st.sampled_from(("mutant32.dll", "MUTANT32.DLL",
                                                                   "C:\\Mutant\\mutant32.dll")))
    return manifest


@mutation("MS602")
def dll_path_with_period(manifest, draw):
    _some_dll_owner(manifest, draw)["dll"] = draw(st.sampled_from((
        "C:\\Program Files\\Contoso.Mail\\mutant.dll", "C:\\Mutant\\mutant.core.dll")))
    return manifest


@mutation("MS603")
def dll_path_risk(manifest, draw):
    _some_dll_owner(manifest, draw)["dll"] = draw(st.sampled_from((
        "%ProgramFiles%\\Contoso\\mutant.dll", "bin\\mutant.dll", "\\\\server\\share\\mutant.dll")))
    return manifest


@mutation("MS604")
def entry_not_identifier(manifest, draw):
    service = manifest["services"][_pick(draw, manifest["services"])]
    service.setdefault("dll", "mutant.dll")
    key = "entry" if "entry" not in service or draw(st.booleans()) else "wizard_entry"
    service[key] = draw(st.sampled_from(("Service Entry", "1Entry", "ServiceEntry@40",
                                         "Entry()")))
    return manifest


@mutation("MS605")
def entry_without_dll(manifest, draw):
    service = manifest["services"][_pick(draw, manifest["services"])]
    if "dll" not in service:
        service["entry"] = "ServiceEntry"  # an entry point with no DLL to find it in
    elif draw(st.booleans()):
        del service["dll"]
    else:
        del service["entry"]  # the warning: a DLL without an entry point
    return manifest


@mutation("MS606")
def computed_property(manifest, draw):
    if draw(st.booleans()):
        section = manifest["providers"][_pick(draw, manifest["providers"])]
    else:
        section = manifest["services"][_pick(draw, manifest["services"])]
    section.setdefault("settings", {})["PR_PROVIDER_ORDINAL"] = 1
    return manifest


@mutation("MS607")
def delete_shared_file(manifest, draw):
    if len(manifest["services"]) < 2:
        return None
    victim, other = draw(st.permutations(sorted(manifest["services"])))[:2]
    used = [manifest["providers"][p]["dll"] for p in manifest["services"][other]["providers"]]
    if "dll" in manifest["services"][other]:
        used.append(manifest["services"][other]["dll"])
    shared = draw(st.sampled_from(sorted(used)))
    manifest["services"][victim].setdefault("delete_files", []).append(
        shared.upper() if draw(st.booleans()) else shared)
    return manifest


@mutation("MS608")
def long_help_component(manifest, draw):
    old = _pick(draw, manifest["services"])
    new = _fresh(manifest, (old + "_" + "X" * 40)[:draw(st.integers(31, 45))])
    service = manifest["services"][old]
    service["help_file"] = "mutant.hlp"
    _rename(manifest["services"], old, new)
    return manifest


@mutation("MS609", "M")
def not_windows_1252(manifest, draw):
    text = draw(st.sampled_from(("\u2709", "\u03a9", "\u4e2d\u6587", "\U0001f4e8")))
    if draw(st.booleans()):
        provider = manifest["providers"][_pick(draw, manifest["providers"])]
        provider["display"] = provider["display"] + " " + text
    else:
        service = manifest["services"][_pick(draw, manifest["services"])]
        service["display_name"] = text + " " + service["display_name"]
    return manifest
