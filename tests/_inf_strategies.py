"""Hypothesis strategies for the generator, converter and installer tests.

``canonical_manifests()`` builds manifests in the exact shape ``mapisvc
convert`` gives back for an INF file (settings under raw tags, GUIDs as 32 hex
digits), so manifest → INF → manifest can be compared with ``==``.
``inf_texts()`` builds arbitrary MAPISVC.INF files as bytes: comments, odd
spacing and case, blank lines, lines that are no entries, CRLF or LF (mixed),
Windows-1252, UTF-8 or UTF-16 with a BOM, with or without a final line break.
"""

from __future__ import annotations

from hypothesis import strategies as st

SERVICE_FLAGS = ["SERVICE_SINGLE_COPY", "SERVICE_PRIMARY_IDENTITY", "SERVICE_NO_PRIMARY_IDENTITY"]
PROVIDER_FLAGS = ["STATUS_DEFAULT_STORE", "STATUS_PRIMARY_IDENTITY", "STATUS_NO_DEFAULT_STORE",
                  "STATUS_XP_PREFER_LAST", "STATUS_OWN_STORE"]
TYPES = ["MAPI_STORE_PROVIDER", "MAPI_AB_PROVIDER", "MAPI_TRANSPORT_PROVIDER", "MAPI_HOOK_PROVIDER"]

_WORD = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", min_size=1, max_size=8)
names = st.builds(lambda a, b, sp: f"{a}{' ' if sp else ''}{b}",
                  st.sampled_from("ABCDEFGHKLMNPQRSTUVWXY"), _WORD, st.booleans())
# Printable text an INF value can carry: no line break, no ',' or '|' (list
# separators), no blanks at either end (the reader strips them).
_VALUE_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                             blacklist_characters=",|\x7f", blacklist_categories=("Cc",))
values = st.text(_VALUE_CHARS, min_size=1, max_size=20).map(str.strip).filter(bool)
dlls = st.from_regex(r"[a-z]{1,8}\.dll", fullmatch=True)
hex32 = st.binary(min_size=16, max_size=16).map(lambda b: b.hex().upper())
guids = st.uuids().map(lambda u: "{" + str(u).upper() + "}")


def _settings():
    def entry(prop_id, kind, draw):
        if kind == "str":
            return f"0x{prop_id:04X}001E", draw(values)
        if kind == "long":
            return f"0x{prop_id:04X}0003", draw(st.integers(-2**31, 2**31 - 1))
        if kind == "mv":
            return f"0x{prop_id:04X}101E", draw(st.lists(values, min_size=1, max_size=3))
        return f"0x{prop_id:04X}0102", draw(st.binary(min_size=1, max_size=8)).hex().upper()

    @st.composite
    def build(draw):
        ids = draw(st.lists(st.integers(0x6600, 0x67EF), unique=True, max_size=4))
        return dict(entry(i, draw(st.sampled_from(["str", "long", "mv", "bin"])), draw)
                    for i in ids)

    return build()


def _maybe(draw, out: dict, key: str, strategy) -> None:
    if draw(st.booleans()):
        out[key] = draw(strategy)


@st.composite
def canonical_manifests(draw, prefix: str = ""):
    all_names = draw(st.lists(names, min_size=2, max_size=7, unique_by=str.casefold))
    all_names = [prefix + n for n in all_names]
    services_n = draw(st.integers(1, max(1, len(all_names) // 2)))
    service_names, rest = all_names[:services_n], all_names[services_n:]
    providers: dict = {}
    sections: dict = {}
    services: dict = {}
    for index, name in enumerate(service_names):
        mine = rest[index::services_n]
        as_sections = [n for n in mine if draw(st.booleans())] if len(mine) > 1 else []
        as_providers = [n for n in mine if n not in as_sections]
        display = draw(values)
        service = {"display_name": display}
        _maybe(draw, service, "dll", dlls)
        _maybe(draw, service, "entry", st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))
        _maybe(draw, service, "wizard_entry", st.just("WizardEntry"))
        _maybe(draw, service, "flags", st.lists(st.sampled_from(SERVICE_FLAGS), min_size=1,
                                                max_size=2, unique=True))
        _maybe(draw, service, "support_files", st.lists(dlls, min_size=1, max_size=3))
        _maybe(draw, service, "delete_files", st.lists(dlls, min_size=1, max_size=2))
        _maybe(draw, service, "install_id", guids)
        _maybe(draw, service, "help_file", st.from_regex(r"[a-z]{1,8}\.hlp", fullmatch=True))
        if draw(st.booleans()):
            service["default"] = True
        service["providers"] = as_providers
        if as_sections:
            service["sections"] = as_sections
        settings = draw(_settings())
        if settings:
            service["settings"] = settings
        services[name] = service
        for provider_name in as_providers:
            provider = {"type": draw(st.sampled_from(TYPES)), "dll": draw(dlls),
                        "display": draw(values)}
            _maybe(draw, provider, "display_name", values)
            _maybe(draw, provider, "flags", st.lists(st.sampled_from(PROVIDER_FLAGS), min_size=1,
                                                     max_size=2, unique=True))
            _maybe(draw, provider, "mdb_provider", hex32)
            _maybe(draw, provider, "ab_provider_id", hex32)
            settings = draw(_settings())
            if settings:
                provider["settings"] = settings
            providers[provider_name] = provider
        for section_name in as_sections:
            section: dict = {}
            _maybe(draw, section, "uid", hex32)
            settings = draw(_settings())
            if settings:
                section["settings"] = settings
            sections[section_name] = section
    manifest = {"manifest_version": 1, "services": services}
    if providers:
        manifest["providers"] = providers
    if sections:
        manifest["sections"] = sections
    return manifest


def catalogue(manifest: dict, path: str = "generated.toml"):
    from validator.model import SourceMap, null_locate
    from validator.readers.manifest import build_catalogue

    cat, _ = build_catalogue(manifest, path, SourceMap(path, "", null_locate))
    return cat


# --- arbitrary INF files -----------------------------------------------------------------

_GLOBALS = ["Services", "Default Services", "Help File Mappings"]
_BLANKS = st.sampled_from(["", " ", "\t", "  "])


@st.composite
def _case(draw, text: str) -> str:
    how = draw(st.sampled_from(["same", "upper", "lower"]))
    return text if how == "same" else text.upper() if how == "upper" else text.lower()


@st.composite
def _line(draw, chars) -> str:
    kind = draw(st.sampled_from(["section", "global", "entry", "entry", "entry", "comment",
                                 "blank", "invalid"]))
    pad, pad2 = draw(_BLANKS), draw(_BLANKS)
    free = st.text(chars, max_size=15).filter(lambda t: "\r" not in t and "\n" not in t)
    if kind == "section":
        return f"{pad}[{draw(names)}]{pad2}"
    if kind == "global":
        return f"{pad}[{draw(_case(draw(st.sampled_from(_GLOBALS))))}]{pad2}"
    if kind == "entry":
        key = draw(st.one_of(names, st.from_regex(r"[0-9A-Fa-f]{8}", fullmatch=True),
                             st.sampled_from(["PR_DISPLAY_NAME", "pr_resource_flags", "Providers",
                                              "UID", "PR_SERVICE_DLL_NAME"])))
        return f"{pad}{key}{pad2}={draw(_BLANKS)}{draw(free)}"
    if kind == "comment":
        return f"{pad}{draw(st.sampled_from([';', '#']))}{draw(free)}"
    if kind == "blank":
        return pad
    return f"{pad}stray text{draw(st.sampled_from(['', ' here', ' (wrapped']))}"


ENCODINGS = ["cp1252", "utf-8-sig", "utf-16"]


def _encodable(codec: str):
    if codec == "cp1252":
        def ok(ch: str) -> bool:
            try:
                ch.encode("cp1252")
                return True
            except UnicodeEncodeError:
                return False

        return st.characters(min_codepoint=0x20, max_codepoint=0x2122,
                             blacklist_categories=("Cc", "Cs", "Zl", "Zp")).filter(ok)
    return st.characters(min_codepoint=0x20, max_codepoint=0x2FFF,
                         blacklist_categories=("Cc", "Cs", "Zl", "Zp"))


@st.composite
def inf_texts(draw):
    """(bytes, codec) of an arbitrary MAPISVC.INF file."""
    codec = draw(st.sampled_from(ENCODINGS))
    lines = draw(st.lists(_line(_encodable(codec)), max_size=25))
    endings = draw(st.sampled_from(["\r\n", "\n", "mixed"]))
    out = []
    for index, line in enumerate(lines):
        ending = endings if endings != "mixed" else draw(st.sampled_from(["\r\n", "\n"]))
        last = index == len(lines) - 1
        out.append(line + ("" if last and draw(st.booleans()) else ending))
    text = "".join(out)
    if codec == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le"), codec
    return text.encode(codec), codec


def corpus_files(shared_dir) -> list:
    return sorted((shared_dir / "corpus" / "inf").iterdir())
