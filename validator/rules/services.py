"""MS2xx: services, providers and the links between them.

MAPISVC.INF fragments.  ``mapisvc check`` also reads files that hold only some
sections of a MAPISVC.INF (a reference-page example, a set of sections to
merge).  A file with a ``[Services]`` section claims to be a whole catalogue or
an installable fragment (the merge files of KB Q294470 and Microsoft's
``MergeWithMAPISVC`` tables all carry their ``[Services]`` line): everything it
refers to must be in it.  A file without ``[Services]`` is a fragment, and a
link is checked only where the file holds the other end: an unlisted provider
(MS201) only when the file defines a service (manifests too), a missing
provider or extra section (MS202) only when the file defines some provider or
extra section, ``[Default Services]`` (MS206) and unlisted service sections
(MS205) only against a ``[Services]`` section that is there.
"""

from __future__ import annotations

import atexit

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator

from ..model import Catalogue, Finding, Item, Loc, Record, Section
from . import rule
from ..suggest import close_matches as _close_matches

# MAPISVC.INF's global sections, as validator.readers.inf.GLOBAL_SECTIONS names
# them (not imported: checking a manifest does not need the INF reader).
_GLOBAL_FOLDED = {name.casefold(): name for name in ("Services", "Default Services", "Help File Mappings")}
_REQUIRED_PROVIDER_ENTRIES = {"PR_PROVIDER_DLL_NAME": "dll", "PR_PROVIDER_DISPLAY": "display",
                              "PR_RESOURCE_TYPE": "type"}


# --- helpers shared by the MS2xx, MS5xx and MS6xx rules --------------------------------

def listed(section: Section, key: str) -> list[Item]:
    """The names in a service's ``providers``/``sections`` list (strings only)."""
    entry = section.get(key)
    if entry is None or entry.items is None:
        return []  # absent, or not a list: the schema reports that
    return [item for item in entry.items if isinstance(item.value, str) and item.value.strip()]


def global_header(cat: Catalogue, name: str) -> str | None:
    """The global section ``name`` as written in an INF file (even if empty), or None."""
    if cat.inf is None:
        return None
    folded = name.casefold()
    return next((line.name for line in cat.inf.lines if line.kind == "section"
                 and line.name is not None and line.name.strip().casefold() == folded), None)


def has_global_section(cat: Catalogue, name: str) -> bool:
    """Whether an INF file has the global section ``name`` (even if it is empty)."""
    return global_header(cat, name) is not None


def is_complete(cat: Catalogue) -> bool:
    """A manifest, or an INF file with a [Services] section (see the module docstring)."""
    return not cat.is_inf or has_global_section(cat, "Services")


def describe_section(cat: Catalogue, section: Section) -> str:
    """``service [NAME]`` in INF, ``service 'NAME'`` in a manifest."""
    kind = {"extra": "section", "unknown": "section"}.get(section.kind, section.kind)
    if cat.is_inf and is_headerless(section):
        return f"the {kind} entries of this fragment (no section header)"
    return f"{kind} [{section.name}]" if cat.is_inf else f"{kind} '{section.name}'"


_TABLES = {"service": "services", "provider": "providers", "extra": "sections"}


def is_table(cat: Catalogue, section: Section) -> bool:
    """False for a manifest service/provider/section that is not a table (MS102's).

    Rules that would report on such a section's name or absent members stay
    silent: its one fault is its type.
    """
    if cat.is_inf or not isinstance(cat.data, dict):
        return True
    table = cat.data.get(_TABLES.get(section.kind, ""))
    return isinstance(table, dict) and isinstance(table.get(section.name), dict)


def is_headerless(section: Section) -> bool:
    """The entries of an INF fragment that has no section header at all."""
    return tuple(section.pointer) == ("",)


def list_label(cat: Catalogue, section: Section, key: str) -> str:
    """``Providers=`` in INF, `` `providers` `` in a manifest."""
    entry = section.get(key)
    label = entry.label if entry is not None else key
    return f"{label}=" if cat.is_inf else f"`{label}`"


def quote(cat: Catalogue, name: str) -> str:
    return f"[{name}]" if cat.is_inf else f"'{name}'"


class Links(Record):
    """Who lists whom.

    ``owner`` is a provider's first listing.  ``members`` holds, per service,
    the defined providers it lists that no other service lists: a provider
    listed by two services is reported once (MS203), and the rules that look at
    a service's providers (MS209, MS506, MS607) leave it out; ``shares`` names
    the services that list such a provider.
    """

    __slots__ = ("owner", "members", "shares", "repeats", "dangling", "typo_of")

    def __init__(self) -> None:
        self.owner: dict[str, tuple[Section, Item]] = {}
        self.members: dict[str, list[tuple[Item, Section]]] = {}
        self.shares: set[str] = set()
        self.repeats: list[tuple[Section, Item, Section, Item]] = []
        self.dangling: list[tuple[Section, Item, str]] = []  # key: providers/sections
        self.typo_of: dict[str, tuple[Section, Item]] = {}  # orphan → listing


class _Names:
    """The catalogue's sections by folded name, built once per catalogue."""

    def __init__(self, cat: Catalogue):
        self.providers = _fold(cat.providers)
        self.sections = _fold(cat.sections)
        self.services = _fold(cat.services)
        self.unknown = _fold(cat.unknown)

    def provider(self, name: str) -> Section | None:
        return self.providers.get(name.casefold())

    def section(self, name: str) -> Section | None:
        return self.sections.get(name.casefold())

    def any(self, name: str) -> Section | None:
        folded = name.casefold()
        return (self.providers.get(folded) or self.sections.get(folded)
                or self.services.get(folded) or self.unknown.get(folded))


def _fold(table: dict[str, Section]) -> dict[str, Section]:
    folded: dict[str, Section] = {}
    for name, section in table.items():
        folded.setdefault(name.casefold(), section)  # the first of equal names (MS003)
    return folded


# Rules run one after another on one catalogue: keep what they share for the
# latest catalogue only (a strong reference, so its id cannot be reused).
_CACHE: dict[str, tuple] = {}
# Let the last catalogue go before the interpreter's final collection walks it.
atexit.register(_CACHE.clear)


def _cached(kind: str, cat: Catalogue, build):
    key = (len(cat.services), len(cat.providers), len(cat.sections), len(cat.unknown))
    hit = _CACHE.get(kind)
    if hit is not None and hit[0] is cat and hit[1] == key:
        return hit[2]
    value = build(cat)
    _CACHE[kind] = (cat, key, value)
    return value


def names(cat: Catalogue) -> _Names:
    return _cached("names", cat, _Names)


def service_links(cat: Catalogue) -> Links:
    """Who lists whom (computed once per catalogue; callers must not change it)."""
    return _cached("links", cat, _service_links)


def _service_links(cat: Catalogue) -> Links:
    index = names(cat)
    links = Links()
    listers: dict[str, set[str]] = {}
    for service in cat.services.values():
        for item in listed(service, "providers"):
            folded = item.value.casefold()
            listers.setdefault(folded, set()).add(service.name)
            if folded in links.owner:
                first_service, first_item = links.owner[folded]
                links.repeats.append((service, item, first_service, first_item))
                continue
            links.owner[folded] = (service, item)
            if index.provider(item.value) is None:
                links.dangling.append((service, item, "providers"))
        for item in listed(service, "sections"):
            if index.any(item.value) is None or (
                    not cat.is_inf and index.section(item.value) is None):
                links.dangling.append((service, item, "sections"))
    for service in cat.services.values():
        members = links.members.setdefault(service.name, [])
        seen: set[str] = set()
        for item in listed(service, "providers"):
            folded = item.value.casefold()
            if folded in seen:
                continue
            seen.add(folded)
            if len(listers[folded]) > 1:
                links.shares.add(service.name)
                continue
            provider = index.provider(item.value)
            if provider is not None:
                members.append((item, provider))
    # A listed name that is not defined, close to a provider nobody lists, is one
    # typo: reported once, as MS202 with a hint, not also as MS201.
    orphans = {p.name.casefold(): p for p in cat.providers.values()
               if p.name.casefold() not in links.owner}
    for service, item, key in links.dangling:
        if key != "providers" or not orphans:
            continue
        close = _close_matches(item.value.casefold(), list(orphans), n=1, cutoff=0.8)
        if close and close[0] not in links.typo_of:
            links.typo_of[close[0]] = (service, item)
    return links


def _find_any(cat: Catalogue, name: str) -> Section | None:
    return names(cat).any(name)


def name_problem(name: str) -> str | None:
    """Why MAPISVC.INF cannot carry ``name`` as a section name, or None."""
    if not name.strip():
        return "is empty"
    glob = _GLOBAL_FOLDED.get(name.strip().casefold())
    if glob:
        return f"is the name of the global section [{glob}]"
    for char in name:
        if char in "[]=,":
            return f"contains '{char}'"
        if ord(char) < 0x20 or ord(char) == 0x7F:
            return f"contains the control character U+{ord(char):04X}"
    if name != name.strip():
        return "has leading or trailing blanks"
    return None


def _inf_header_name(cat: Catalogue, section: Section) -> str:
    """A section's name exactly as written between the brackets (the reader strips it)."""
    span = cat.source.span(section.loc)
    try:
        text = cat.inf.lines[span.line - 1].text
    except (AttributeError, IndexError):
        return section.name
    start = text.find("[")
    end = text.find("]", start + 1)
    return text[start + 1:end] if 0 <= start < end else section.name


# --- rules -----------------------------------------------------------------------------

@rule("MS201", "E", "a provider that no service lists", "MI")
def orphan_provider(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A provider (`[providers.X]` in a manifest, a section with `PR_RESOURCE_TYPE` or
    `PR_PROVIDER_DLL_NAME` in MAPISVC.INF) that no service names in its `providers` /
    `Providers=` list.

    ## Why MAPI cares
    MAPI creates provider sections only as part of a message service: `CreateMsgService`
    copies the service section and one section per provider it lists (mapi-facts §1.1, §5.1:
    every provider should be in a message service). A provider nobody lists is never added
    to a profile. The policy of mapi-facts §6.16 ([DERIVED]) would make this a warning;
    mapisvc reports an error because in a manifest or a complete file it is always a
    mistake, most often a misspelt name in `providers` — when a listed name is close to the
    unlisted provider, only that listing is reported (MS202, with a "did you mean").

    A file that defines no service at all (a MAPISVC.INF fragment of provider sections,
    like the reference page's example, or a manifest of providers only) is a fragment
    whose services are elsewhere: nothing is reported. Nor is anything reported while a
    service's own list is missing or mistyped (MS101, MS102): it may be the list that
    names the provider.

    ## Example
    ```toml
    [services.CONTOSO]
    providers = ["CONTOSO_MS"]

    [providers.CONTOSO_MS]
    [providers.CONTOSO_AB]    # listed by no service
    ```

    ## Fix
    ```toml
    providers = ["CONTOSO_MS", "CONTOSO_AB"]
    ```
    """
    if not cat.services:
        return  # a fragment of providers: their services are elsewhere
    for service in cat.services.values():
        entry = service.get("providers")
        if entry is None or entry.items is None or any(
                not isinstance(item.value, str) for item in entry.items):
            return  # a missing or mistyped list (MS101/MS102) may be the one that lists it
    links = service_links(cat)
    for provider in cat.providers.values():
        folded = provider.name.casefold()
        if folded in links.owner or folded in links.typo_of or not is_table(cat, provider):
            continue
        label = "Providers=" if cat.is_inf else "`providers`"
        yield Finding("MS201", f"{describe_section(cat, provider)} is not listed in any service's "
                      f"{label}: every provider must belong to a message service", provider.loc,
                      help="add it to the providers of its service, or remove it")


@rule("MS202", "E", "a service lists a provider or extra section that is not defined", "MI")
def undefined_reference(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A name in a service's `providers` / `sections` list (`Providers=` / `Sections=` in
    MAPISVC.INF) for which the file defines no provider or extra section. Names compare
    ignoring case, as MAPI compares section names.

    ## Why MAPI cares
    Every name in `Providers=` and `Sections=` must resolve to a section of the file
    (mapi-facts §6.2, §6.3, documented): `CreateMsgService` creates one profile section per
    listed provider section (§1.1). What MAPI does with a name that resolves to nothing is
    not documented; the provider is missing from the service either way.

    A MAPISVC.INF file without `[Services]` that holds no provider or extra section at all
    is a fragment of service sections (like the reference page's example); its lists refer
    to sections elsewhere and are not checked. A name is reported once, at its first
    listing.

    ## Example
    ```ini
    [CONTOSO]
    Providers=CONTOSO_MS, CONTOSO_AB
    [CONTOSO_MS]
    ...
    ```

    ## Fix
    Define `[CONTOSO_AB]`, or remove it from the list.
    """
    if not is_complete(cat) and not (cat.providers or cat.sections):
        return
    links = service_links(cat)
    typos = {id(item): orphan for orphan, (_s, item) in links.typo_of.items()}
    seen: set[tuple[str, str]] = set()
    for service, item, key in links.dangling:
        name = item.value
        if (key, name.casefold()) in seen:
            continue
        seen.add((key, name.casefold()))
        if cat.is_inf and name_problem(name) and name_problem(name).startswith("is the name"):
            continue  # MS207 reports a list naming a global section
        label = list_label(cat, service, key)
        what = "provider" if key == "providers" else "extra section"
        other = _find_any(cat, name)
        if other is not None:
            message = (f"{describe_section(cat, service)} lists {quote(cat, name)} in {label}, "
                       f"but it is a {describe_section(cat, other).split(' ')[0]}, "
                       f"not {'a provider' if key == 'providers' else 'an extra section'}")
            related = [(other.loc, "defined here")]
        else:
            message = (f"{describe_section(cat, service)} lists {what} {quote(cat, name)} in "
                       f"{label}, but no {what} of that name is defined")
            related = []
        help_ = f"define {quote(cat, name)} or remove it from {label}"
        orphan_name = typos.get(id(item))
        if orphan_name is not None:
            orphan = names(cat).provider(orphan_name)
            if orphan is not None:
                help_ = f"did you mean {quote(cat, orphan.name)}?"
                related = [(orphan.loc, "a provider no service lists")]
        yield Finding("MS202", message, item.loc, help=help_, related=related)


@rule("MS203", "E", "a provider listed by more than one service, or twice by one", "MI")
def provider_listed_twice(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A provider name that appears in the `providers` list (`Providers=`) of two services, or
    twice in the list of one service. Names compare ignoring case.

    ## Why MAPI cares
    MAPI groups a profile's providers by the service that created them (PR_SERVICE_UID) and
    keeps the link both ways (mapi-facts §6.16). A provider section shared by two services is
    shown nowhere in MAPI's documentation; whether MAPI rejects it is UNCONFIRMED, but the
    two services would share one provider's settings at best. Listed twice by one service,
    MAPI would create the provider twice. The finding is on the later listing. The rules
    that look at a service's providers (MS209, MS506, MS607) leave a shared provider out,
    so the one fault gives one finding.

    ## Example
    ```toml
    [services.CONTOSO]
    providers = ["CONTOSO_MS"]
    [services.CONTOSO_ARCHIVE]
    providers = ["CONTOSO_MS"]
    ```

    ## Fix
    Give each service its own provider section.
    """
    links = service_links(cat)
    for service, item, first_service, first_item in links.repeats:
        label = list_label(cat, service, "providers")
        if first_service is service:
            message = (f"provider {quote(cat, item.value)} is listed twice in {label} of "
                       f"{describe_section(cat, service)}")
            help_ = "remove the second listing"
        else:
            message = (f"provider {quote(cat, item.value)} is already listed by "
                       f"{describe_section(cat, first_service)}: a provider belongs to one "
                       "service")
            help_ = "give each service its own provider section"
        yield Finding("MS203", message, item.loc, help=help_,
                      related=[(first_item.loc, "first listed here")])


@rule("MS204", "E", "a service with no providers", "MI")
def service_without_providers(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A service whose `providers` list (`Providers=`) is empty.

    ## Why MAPI cares
    "Every message service section has a Providers entry with at least one section"
    (mapi-facts §1.6, §6.2). A service without providers adds nothing to a profile. A service
    section with no `Providers=` entry at all is MS101.

    ## Example
    ```toml
    [services.CONTOSO]
    providers = []
    ```

    ## Fix
    ```toml
    providers = ["CONTOSO_MS"]
    ```
    """
    for service in cat.services.values():
        entry = service.get("providers")
        if entry is None:
            continue
        empty = (entry.value == [] if not cat.is_inf
                 else isinstance(entry.value, str) and not entry.items)
        if empty:
            yield Finding("MS204", f"{describe_section(cat, service)} has no providers in "
                          f"{list_label(cat, service, 'providers')}", entry.loc,
                          help="list the provider sections of the service")


@rule("MS205", "E", "a [Services] entry without its section, or a service section missing from [Services]", "I")
def services_section_mismatch(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    In MAPISVC.INF: a `[Services]` line whose name has no section in the file, or a service
    section (one with `Providers=`) that `[Services]` does not list.

    ## Why MAPI cares
    Each `[Services]` key must have a section of the same name "elsewhere in the file"
    (mapi-facts §1.3, documented); `CreateMsgService` looks the service up in `[Services]`
    and fails with MAPI_E_NOT_FOUND for a service that is not there, so an unlisted service
    section can never be added to a profile.

    An unlisted service section is reported only when the file has a `[Services]` section:
    a fragment without one (like the reference page's examples) lists its services
    elsewhere. A `[Services]` name whose section exists but has no `Providers=` is MS101.

    ## Example
    ```ini
    [Services]
    CONTOSO=Contoso Mail
    [CONTOSO_MAIL]
    Providers=CONTOSO_MS
    ```

    ## Fix
    Use one name for both: `[CONTOSO]`.
    """
    if not cat.is_inf:
        return
    for entry in cat.services_list:
        name = entry.key.strip()
        if _find_any(cat, name) is None:
            yield Finding("MS205", f"[Services] lists '{name}', but the file has no [{name}] "
                          "section", entry.loc, help=f"add the service section [{name}], or "
                          "remove the line")
    header = global_header(cat, "Services")
    if header is None:
        return
    in_services = {e.key.strip().casefold() for e in cat.services_list}
    for service in cat.services.values():
        if service.name.casefold() not in in_services:
            yield Finding("MS205", f"service section [{service.name}] (it has Providers=) is not "
                          "listed in [Services]: MAPI cannot create it", service.loc,
                          related=[(Loc((header,)), "the [Services] section")],
                          help=f"add '{service.name}=<display name>' to [Services]")


@rule("MS206", "E", "a default service that is not a service", "MI")
def default_not_service(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    In MAPISVC.INF, a `[Default Services]` name that `[Services]` does not list; in a
    manifest, `default = true` on a provider or extra section.

    ## Why MAPI cares
    `[Default Services]` must be a subset of `[Services]` (mapi-facts §1.5, documented):
    `CreateProfile` with MAPI_DEFAULT_SERVICES adds exactly these services. Only a message
    service can be added to a profile.

    A MAPISVC.INF fragment without a `[Services]` section is not checked: its services are
    listed elsewhere.

    ## Example
    ```ini
    [Services]
    CONTOSO=Contoso Mail
    [Default Services]
    CONTSO=Contoso Mail
    ```

    ## Fix
    ```ini
    [Default Services]
    CONTOSO=Contoso Mail
    ```
    """
    if cat.is_inf:
        if not has_global_section(cat, "Services"):
            return
        services = {e.key.strip().casefold() for e in cat.services_list}
        for entry in cat.default_services:
            name = entry.key.strip()
            if name.casefold() not in services:
                close = _close_matches(name, [e.key.strip() for e in cat.services_list],
                                                  n=1, cutoff=0.7)
                yield Finding("MS206", f"[Default Services] lists '{name}', which is not a "
                              "service in [Services]", entry.loc,
                              help=f"did you mean '{close[0]}'?" if close else
                              "list it in [Services] too, or remove the line")
        return
    for table in (cat.providers, cat.sections):
        for section in table.values():
            entry = section.get("default")
            if entry is not None and entry.value is True:
                yield Finding("MS206", f"`default = true` on {describe_section(cat, section)}: "
                              "only a service can be a default service", entry.loc,
                              help="move `default = true` to the service")


@rule("MS207", "E", "a name MAPISVC.INF cannot carry", "MI")
def bad_section_name(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    A service, provider or extra-section name that is empty, equals `Services`,
    `Default Services` or `Help File Mappings` (ignoring case), contains `[`, `]`, `=`, `,`
    or a control character, or starts or ends with blanks.

    ## Why MAPI cares
    Every name becomes a MAPISVC.INF section header `[name]`, a key in `[Services]` and an
    item of a comma-separated `Providers=` / `Sections=` list (mapi-facts §1.2, §1.6). The
    INI reader ends a header at `]`, a key at `=`, a list item at `,`, and trims blanks
    around names (the Windows INI functions do; that MAPI's reader does too is [DERIVED]);
    a global section name would merge the service into MAPI's own catalogue (§6.17). Names
    may contain inner spaces (`[MSPST MS]`).

    ## Example
    ```toml
    [services."Contoso, Inc."]
    ```

    ## Fix
    ```toml
    [services.CONTOSO]
    ```
    """
    for table in (cat.services, cat.providers, cat.sections):
        for section in table.values():
            if (cat.is_inf and is_headerless(section)) or not is_table(cat, section):
                continue  # a fragment of entries, or not a table (MS102): no name to judge
            name = _inf_header_name(cat, section) if cat.is_inf else section.name
            problem = name_problem(name)
            if problem:
                what = (f"{section.kind} [{name}]" if cat.is_inf
                        else describe_section(cat, section))
                yield Finding("MS207", f"the name of {what} {problem}: "
                              "MAPISVC.INF cannot carry it", section.loc,
                              help="use letters, digits, '_' and inner spaces")
    if cat.is_inf:
        for service in cat.services.values():
            for key in ("providers", "sections"):
                for item in listed(service, key):
                    problem = name_problem(item.value)
                    if problem and problem.startswith("is the name"):
                        entry = service.get(key)
                        yield Finding("MS207", f"{entry.label}= of {describe_section(cat, service)} "
                                      f"names '{item.value}', which {problem}", item.loc,
                                      help="list the service's own sections only")


@rule("MS208", "E", "a provider section with list entries (Providers=, Sections=)", "I")
def provider_with_lists(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    In MAPISVC.INF, a provider section (one that a service lists in `Providers=`) that has a
    `Providers=` or `Sections=` entry.

    ## Why MAPI cares
    Provider sections hold only property entries; providers have no linked or extra sections
    (mapi-facts §1.7, §6.4, documented). A section with `Providers=` is a service section:
    listing a service as a provider of another service is the usual cause.

    ## Example
    ```ini
    [CONTOSO_MS]
    PR_RESOURCE_TYPE=MAPI_STORE_PROVIDER
    Sections=CONTOSO_GLOBAL
    ```

    ## Fix
    Move `Sections=` to the service section.
    """
    if not cat.is_inf:
        return
    links = None
    for provider in cat.providers.values():
        for key in ("providers", "sections"):
            entry = provider.get(key)
            if entry is None:
                continue
            links = links or service_links(cat)
            owner = links.owner.get(provider.name.casefold())
            related = [(owner[1].loc, f"listed as a provider by [{owner[0].name}]")] if owner else []
            yield Finding("MS208", f"provider section [{provider.name}] has a {entry.label}= entry: "
                          "providers have no linked sections", entry.loc, related=related,
                          help=f"move {entry.label}= to the service section")


@rule("MS209", "I", "two providers of the same type in one DLL within one service", "MI")
def same_type_same_dll(cat: Catalogue, context) -> Iterator[Finding]:
    """
    ## What it catches
    Two providers of one service with the same type and the same DLL
    (`dll` / `PR_PROVIDER_DLL_NAME`, compared ignoring case).

    ## Why MAPI cares
    A DLL exports one fixed entry point per provider type (`MSProviderInit`,
    `ABProviderInit`, `XPProviderInit`, `HPProviderInit`), so MAPI keeps one entry point per
    provider type per DLL (mapi-facts §5.1, §6.24). Two providers of that type in one DLL
    must share it and tell themselves apart from their profile section — Exchange does that
    with its public and private stores in EMSMDB.DLL — hence information, not an error.

    ## Example
    ```toml
    [providers.CONTOSO_MS]
    type = "MAPI_STORE_PROVIDER"
    dll = "contoso.dll"
    [providers.CONTOSO_ARCHIVE]
    type = "MAPI_STORE_PROVIDER"
    dll = "contoso.dll"
    ```

    ## Fix
    Nothing, if one `MSProviderInit` serves both; otherwise put them in separate DLLs.
    """
    from .flags import INIT_FUNCTIONS, resource_type

    links = service_links(cat)
    for service in cat.services.values():
        seen: dict[tuple[str, str], Section] = {}
        for _item, provider in links.members.get(service.name, []):
            ptype = resource_type(provider)
            dll = provider.get("dll")
            if ptype is None or dll is None or not isinstance(dll.value, str) \
                    or not dll.value.strip():
                continue
            key = (ptype, dll.value.strip().casefold())
            first = seen.get(key)
            if first is None:
                seen[key] = provider
                continue
            yield Finding("MS209", f"{describe_section(cat, provider)} and "
                          f"{quote(cat, first.name)} of {describe_section(cat, service)} are both "
                          f"{ptype} in '{dll.value.strip()}': MAPI calls one "
                          f"{INIT_FUNCTIONS[ptype]} for both", dll.value_loc,
                          related=[(first.get("dll").value_loc, "the other provider's DLL")],
                          help="fine if that entry point serves both; otherwise use separate DLLs")


# --- MS101 for MAPISVC.INF: registered in structure.py, implemented here ---------------

def inf_missing_members(cat: Catalogue) -> Iterator[Finding]:
    """Required INF entries that are missing (MS101's INF part)."""
    if not cat.is_inf:
        return
    for provider in cat.providers.values():
        if is_headerless(provider):
            continue  # a fragment of some entries, not a whole section
        for key, member in _REQUIRED_PROVIDER_ENTRIES.items():
            entry = provider.members.get(member)
            if entry is None:
                yield Finding("MS101", f"provider section [{provider.name}] has no {key} entry",
                              provider.loc, help=f"add {key}=… to [{provider.name}]")
            elif not str(entry.value or "").strip():
                yield Finding("MS101", f"{entry.label} of provider section [{provider.name}] is "
                              "empty", entry.loc, help=f"give {entry.label} a value")
    in_services = {e.key.strip().casefold() for e in cat.services_list}
    for service in cat.services.values():
        if "providers" not in service.members and service.name.casefold() in in_services:
            yield Finding("MS101", f"service section [{service.name}] has no Providers= entry",
                          service.loc, help="add Providers= with the service's provider sections")
