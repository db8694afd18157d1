"""Hypothesis strategies for mapisvc manifests, for this project's tests and yours.

``valid_manifests()`` builds manifests (as dicts) that lint with no finding;
``mutations`` holds, per rule code, functions that inject exactly that one
fault into a valid manifest.  Rule families register their mutations with
:func:`mutation` in the modules of this package.

Example::

    from hypothesis import given
    from validator.testing import valid_manifests

    @given(valid_manifests())
    def test_my_tool_accepts(manifest): ...
"""

from __future__ import annotations

from typing import Callable

#: code → list of (mutate, formats).  ``mutate(manifest, draw)`` changes the
#: dict in place and returns it, or returns None when the manifest offers no
#: place for that fault (the test then draws another manifest).
MUTATIONS: dict[str, list[tuple[Callable, str]]] = {}


def mutation(code: str, formats: str = "MI"):
    """Register a one-fault mutation for ``code`` (``formats``: M manifest, I INF)."""

    def wrap(func: Callable) -> Callable:
        MUTATIONS.setdefault(code, []).append((func, formats))
        return func

    return wrap


#: Modules of this package that register mutations (imported by load_mutations).
MUTATION_MODULES = ("services", "properties")


def load_mutations() -> dict[str, list[tuple[Callable, str]]]:
    """Import every mutation module there is and return the registry."""
    import importlib

    for name in MUTATION_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
    return MUTATIONS


# --- valid manifests -------------------------------------------------------------------

VENDORS = ("CONTOSO", "FABRIKAM", "LITWARE", "NORTHWIND", "TAILSPIN", "WOODGROVE", "ADATUM",
           "PROSEWARE")
PROPERTY_WORDS = ("SERVER", "PORT", "CACHE_MODE", "SYNC", "PATH", "TIMEOUT", "RETRIES",
                  "ACCOUNT", "VIEW", "LEVEL", "HOST", "FOLDER")
SERVICE_SUFFIXES = ("", "ARCHIVE", "FAX")
PROVIDER_SUFFIXES = {"MAPI_STORE_PROVIDER": "MS", "MAPI_AB_PROVIDER": "AB",
                     "MAPI_TRANSPORT_PROVIDER": "XP", "MAPI_HOOK_PROVIDER": "HOOK"}
STORE_FLAG_SETS = ((), ("STATUS_DEFAULT_STORE",), ("STATUS_NO_DEFAULT_STORE",),
                   ("STATUS_PRIMARY_STORE",), ("STATUS_SECONDARY_STORE",),
                   ("STATUS_DEFAULT_STORE", "STATUS_PRIMARY_STORE"))
TRANSPORT_FLAGS = ("STATUS_DEFAULT_OUTBOUND", "STATUS_XP_PREFER_LAST", "STATUS_OWN_STORE")
HOOK_FLAGS = ("HOOK_INBOUND", "HOOK_OUTBOUND")


def valid_manifests():
    """A Hypothesis strategy of manifest dicts that lint with no finding at all.

    Services have 1–3 providers of different types (store, address book,
    transport, hook) with flags that fit their type and the service's identity
    flag; services may have a DLL with entry points, support and delete files,
    an install ID, a help file, `default`, extra sections and settings.  Custom
    properties (IDs 0x6600–0x67EF) come as ranges, enumerations, bit flags,
    strings with a maximum length and booleans, with defaults that fit; settings
    use declared properties, with values that fit them, and sometimes one raw
    PT_LONG tag (``"0x66NN0003"``).
    """
    from hypothesis import strategies as st

    return st.composite(_manifest)()


def _manifest(draw) -> dict:
    from hypothesis import strategies as st

    vendor = draw(st.sampled_from(VENDORS))
    spaced = draw(st.booleans())  # names like "CONTOSO MS" instead of "CONTOSO_MS"
    join = " " if spaced else "_"
    properties, setting_values = _properties(draw, vendor)
    manifest: dict = {"manifest_version": 1, "services": {}, "providers": {}}
    sections: dict = {}

    def settings() -> dict:
        names = draw(st.lists(st.sampled_from(sorted(setting_values)), unique=True, max_size=3)) \
            if setting_values else []
        return {name: draw(setting_values[name]) for name in names}

    count = draw(st.integers(1, 3))
    for index in range(count):
        suffix = SERVICE_SUFFIXES[index]
        name = vendor + (join + suffix if suffix else "")
        stem = vendor.lower()[:6] + "abc"[index]
        dll = f"{stem}.dll"
        service: dict = {"display_name": draw(_display(vendor))}
        with_dll = draw(st.booleans())
        if with_dll:
            service["dll"] = dll
            service["entry"] = draw(st.sampled_from(("ServiceEntry", f"{vendor.title()}Entry")))
            if draw(st.booleans()):
                service["wizard_entry"] = "WizardEntry"
        identity = draw(st.booleans())
        flags = ["SERVICE_PRIMARY_IDENTITY" if identity else "SERVICE_NO_PRIMARY_IDENTITY"]
        if draw(st.booleans()):
            flags.append("SERVICE_SINGLE_COPY")
        service["flags"] = draw(st.permutations(flags))
        provider_dlls = []
        types = draw(st.lists(st.sampled_from(sorted(PROVIDER_SUFFIXES)), min_size=1, max_size=3,
                              unique=True))
        providers = []
        for position, ptype in enumerate(types):
            pname = name + join + PROVIDER_SUFFIXES[ptype]
            pdll = dll if with_dll and draw(st.booleans()) else f"{stem}{PROVIDER_SUFFIXES[ptype].lower()}.dll"
            provider_dlls.append(pdll)
            provider: dict = {"type": ptype, "dll": pdll,
                              "display": f"{vendor.title()} {PROVIDER_SUFFIXES[ptype]} Provider"}
            if draw(st.booleans()):
                provider["display_name"] = draw(_display(vendor))
            pflags = list(_type_flags(draw, ptype))
            if identity and (position == 0 or draw(st.booleans())):
                pflags.append("STATUS_PRIMARY_IDENTITY")
            elif not identity and draw(st.booleans()):
                pflags.append("STATUS_NO_PRIMARY_IDENTITY")
            if pflags:
                provider["flags"] = draw(st.permutations(pflags))
            if ptype == "MAPI_STORE_PROVIDER" and draw(st.booleans()):
                provider["mdb_provider"] = draw(_uid())
            if ptype == "MAPI_AB_PROVIDER" and draw(st.booleans()):
                provider["ab_provider_id"] = draw(_guid())
            values = settings()
            if values:
                provider["settings"] = values
            manifest["providers"][pname] = provider
            providers.append(pname)
        service["providers"] = providers
        own_files = sorted(set(([dll] if with_dll else []) + provider_dlls))
        if draw(st.booleans()):
            service["support_files"] = list(own_files)
        if draw(st.booleans()):
            service["delete_files"] = list(own_files)
        if draw(st.booleans()):
            service["install_id"] = draw(_guid())
        if draw(st.booleans()):
            service["help_file"] = f"{stem}.hlp"
        if draw(st.booleans()):
            service["default"] = draw(st.booleans())
        if draw(st.booleans()):
            section_name = name + join + "GLOBAL"
            section: dict = {}
            if draw(st.booleans()):
                section["uid"] = draw(_uid())
            values = settings()
            if values:
                section["settings"] = values
            sections[section_name] = section
            service["sections"] = [section_name]
        values = settings()
        if values:
            service["settings"] = values
        manifest["services"][name] = service
    if sections:
        manifest["sections"] = sections
    if properties:
        manifest["properties"] = properties
    return manifest


def _type_flags(draw, ptype: str) -> tuple[str, ...]:
    from hypothesis import strategies as st

    if ptype == "MAPI_STORE_PROVIDER":
        return draw(st.sampled_from(STORE_FLAG_SETS))
    if ptype == "MAPI_TRANSPORT_PROVIDER":
        return tuple(draw(st.lists(st.sampled_from(TRANSPORT_FLAGS), unique=True, max_size=2)))
    if ptype == "MAPI_HOOK_PROVIDER":
        return tuple(draw(st.lists(st.sampled_from(HOOK_FLAGS), unique=True, max_size=2)))
    return ()


def _display(vendor: str):
    from hypothesis import strategies as st

    word = st.sampled_from(("Mail", "Directory", "Archive", "Store", "Transport", "Fax",
                            "Annuaire", "Bürokommunikation", "Boîte"))
    return st.lists(word, min_size=1, max_size=3).map(lambda ws: " ".join([vendor.title()] + ws))


def _guid():
    from hypothesis import strategies as st

    return st.uuids().map(lambda u: "{" + str(u).upper() + "}")


def _uid():
    from hypothesis import strategies as st

    return st.one_of(_guid(), st.uuids().map(lambda u: u.hex.upper()))


def _properties(draw, vendor: str) -> tuple[dict, dict]:
    """Declared properties, and for each a strategy of setting values that fit it."""
    from hypothesis import strategies as st

    words = draw(st.lists(st.sampled_from(PROPERTY_WORDS), unique=True, max_size=4))
    ids = draw(st.lists(st.integers(0x6600, 0x67EF), unique=True, min_size=len(words),
                        max_size=len(words)))
    properties: dict = {}
    values: dict = {}
    # An undeclared provider-range PT_LONG setting written by its raw tag.
    raw_id = draw(st.integers(0x6600, 0x67EF).filter(lambda i: i not in ids))
    if draw(st.booleans()):
        values[f"0x{raw_id:04X}0003"] = st.integers(0, 2**31 - 1)
    for word, prop_id in zip(words, ids):
        name = f"PR_{vendor}_{word}"
        const = f"{vendor}_{word}"
        kind = draw(st.sampled_from(("range", "enum", "flags", "string", "boolean", "short")))
        prop: dict = {"id": prop_id}
        if kind in ("range", "short"):
            low, high = (-32768, 32767) if kind == "short" else (-100000, 100000)
            lo = draw(st.integers(low, high))
            hi = draw(st.integers(lo, high))
            prop.update(type="PT_I2" if kind == "short" else "PT_LONG",
                        description=f"A number from {lo} to {hi}.", minimum=lo, maximum=hi)
            if draw(st.booleans()):
                prop["default"] = draw(st.integers(lo, hi))
            values[name] = st.integers(lo, hi)
        elif kind == "enum":
            count = draw(st.integers(2, 4))
            numbers = draw(st.lists(st.integers(0, 100), unique=True, min_size=count,
                                    max_size=count))
            table = {f"{const}_{chr(65 + i)}": n for i, n in enumerate(numbers)}
            prop.update(type="PT_LONG", description="One of the listed values.", values=table)
            if draw(st.booleans()):
                prop["default"] = draw(st.sampled_from(numbers))
            values[name] = st.sampled_from(sorted(table))
        elif kind == "flags":
            count = draw(st.integers(1, 4))
            bits = draw(st.lists(st.integers(0, 30), unique=True, min_size=count, max_size=count))
            table = {f"{const}_{chr(65 + i)}": 1 << b for i, b in enumerate(bits)}
            prop.update(type="PT_LONG", description="A combination of the listed flags.",
                        flags=table)
            values[name] = st.lists(st.sampled_from(sorted(table)), unique=True, min_size=1)
        elif kind == "string":
            limit = draw(st.integers(8, 260))
            prop.update(type=draw(st.sampled_from(("PT_UNICODE", "PT_STRING8"))),
                        description=f"Text of at most {limit} characters.", max_length=limit)
            text = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                           min_size=1, max_size=8)
            if draw(st.booleans()):
                prop["default"] = draw(text)
            values[name] = text
        else:
            prop.update(type="PT_BOOLEAN", description="On or off.")
            if draw(st.booleans()):
                prop["default"] = draw(st.booleans())
            values[name] = st.booleans()
        properties[name] = prop
    return properties, values
