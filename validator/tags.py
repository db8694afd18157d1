"""Well-known MAPI property tags: a curated core, plus what real headers define.

The core set below is written by hand from Microsoft's headers and docs
(``shared/reference/mapi-facts.md`` §2.3–2.4); ``known-tags.tsv`` is only a
test oracle.  String tags come in three names: ``_A`` (PT_STRING8), ``_W``
(PT_UNICODE) and the unsuffixed PT_TSTRING name, which is PT_UNICODE here
(see :data:`validator.mapi.PT_TSTRING`).  A name may carry two types when
sources disagree (``PR_7BIT_DISPLAY_NAME``: PT_STRING8 in MAPITags.h, PT_TSTRING
in MFCMAPI), so lookups return lists.

:func:`known_tags` adds what mingw-w64's MAPI headers define (when
``/usr/share/mingw-w64/include`` exists) and the user's include directories.
Importing this module reads nothing; headers are read on first use and
cached per process.
"""

from __future__ import annotations

import os
from collections import namedtuple

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, Iterator

from validator.mapi import (
    PT_BINARY, PT_BOOLEAN, PT_LONG, PT_NULL, PT_STRING8, PT_UNICODE, MV_FLAG, prop_tag,
)

#: Where Debian's mingw-w64-common package puts the MAPI headers.
MINGW_INCLUDE = "/usr/share/mingw-w64/include"

#: The mingw-w64 headers that define property tags with PROP_TAG.  mapidefs.h
#: only adds PR_NULL (in the core) and wabtags.h is the Windows Address Book's
#: copy of mapitags.h, so neither is read.
MINGW_TAG_HEADERS: tuple[str, ...] = (
    "mapitags.h", "mspst.h", "mspab.h", "smpab.h", "smpms.h", "smpxp.h", "mapiwz.h", "msfs.h", "edkmdb.h",
)

#: Profile-section properties MAPI computes itself; never written by hand (MS606).
COMPUTED_BY_MAPI = frozenset((
    "PR_SERVICE_UID", "PR_SERVICES", "PR_SERVICE_EXTRA_UIDS", "PR_PROVIDER_UID", "PR_PROVIDER_ORDINAL",
))

# Pseudo-types of the table below: a string tag's _A/_W/unsuffixed triple.
_STR = "str"
_MV_STR = "mv_str"

_MAPITAGS = "MAPITags.h"
_EDKMDB = "EdkMdb.h"
_MSPST = "MSPST.h"
_MFCMAPI = "MFCMAPI"

#: (name, id, type, source).  Sources are where the definition was checked.
_CORE: tuple[tuple[str, int, int | str, str], ...] = (
    ("PR_NULL", 0x0000, PT_NULL, "MAPIDefS.h"),
    # Common object properties a service or provider section may mention.
    ("PR_INSTANCE_KEY", 0x0FF6, PT_BINARY, _MAPITAGS),
    ("PR_RECORD_KEY", 0x0FF9, PT_BINARY, _MAPITAGS),
    ("PR_STORE_ENTRYID", 0x0FFB, PT_BINARY, _MAPITAGS),
    ("PR_OBJECT_TYPE", 0x0FFE, PT_LONG, _MAPITAGS),
    ("PR_ENTRYID", 0x0FFF, PT_BINARY, _MAPITAGS),
    ("PR_DISPLAY_NAME", 0x3001, _STR, _MAPITAGS),
    ("PR_ADDRTYPE", 0x3002, _STR, _MAPITAGS),
    ("PR_EMAIL_ADDRESS", 0x3003, _STR, _MAPITAGS),
    ("PR_COMMENT", 0x3004, _STR, _MAPITAGS),
    # Provider and service sections (§2.4).
    ("PR_PROVIDER_DISPLAY", 0x3006, _STR, _MAPITAGS),
    ("PR_RESOURCE_FLAGS", 0x3009, PT_LONG, _MAPITAGS),
    ("PR_PROVIDER_DLL_NAME", 0x300A, _STR, _MAPITAGS),
    ("PR_SEARCH_KEY", 0x300B, PT_BINARY, _MAPITAGS),
    ("PR_PROVIDER_UID", 0x300C, PT_BINARY, _MAPITAGS),
    ("PR_PROVIDER_ORDINAL", 0x300D, PT_LONG, _MAPITAGS),
    ("PR_DEFAULT_STORE", 0x3400, PT_BOOLEAN, _MAPITAGS),
    ("PR_STORE_SUPPORT_MASK", 0x340D, PT_LONG, _MAPITAGS),
    ("PR_MDB_PROVIDER", 0x3414, PT_BINARY, _MAPITAGS),
    ("PR_AB_PROVIDER_ID", 0x3615, PT_BINARY, _MAPITAGS),
    ("PR_DISPLAY_TYPE", 0x3900, PT_LONG, _MAPITAGS),
    # MAPITags.h: PT_STRING8 without a W form; MFCMAPI: a PT_TSTRING triple.
    ("PR_7BIT_DISPLAY_NAME", 0x39FF, PT_STRING8, _MAPITAGS),
    ("PR_7BIT_DISPLAY_NAME", 0x39FF, _STR, _MFCMAPI),
    ("PR_STORE_PROVIDERS", 0x3D00, PT_BINARY, _MAPITAGS),
    ("PR_AB_PROVIDERS", 0x3D01, PT_BINARY, _MAPITAGS),
    ("PR_TRANSPORT_PROVIDERS", 0x3D02, PT_BINARY, _MAPITAGS),
    ("PR_DEFAULT_PROFILE", 0x3D04, PT_BOOLEAN, _MAPITAGS),
    ("PR_AB_SEARCH_PATH", 0x3D05, MV_FLAG | PT_BINARY, _MAPITAGS),
    ("PR_AB_DEFAULT_DIR", 0x3D06, PT_BINARY, _MAPITAGS),
    ("PR_AB_DEFAULT_PAB", 0x3D07, PT_BINARY, _MAPITAGS),
    ("PR_FILTERING_HOOKS", 0x3D08, PT_BINARY, _MAPITAGS),
    ("PR_SERVICE_NAME", 0x3D09, _STR, _MAPITAGS),
    ("PR_SERVICE_DLL_NAME", 0x3D0A, _STR, _MAPITAGS),
    # An entry-point name is always ANSI: MAPITags.h has no _W form.
    ("PR_SERVICE_ENTRY_NAME", 0x3D0B, PT_STRING8, _MAPITAGS),
    ("PR_SERVICE_UID", 0x3D0C, PT_BINARY, _MAPITAGS),
    ("PR_SERVICE_EXTRA_UIDS", 0x3D0D, PT_BINARY, _MAPITAGS),
    ("PR_SERVICES", 0x3D0E, PT_BINARY, _MAPITAGS),
    ("PR_SERVICE_SUPPORT_FILES", 0x3D0F, _MV_STR, _MAPITAGS),
    ("PR_SERVICE_DELETE_FILES", 0x3D10, _MV_STR, _MAPITAGS),
    ("PR_AB_SEARCH_PATH_UPDATE", 0x3D11, PT_BINARY, _MAPITAGS),
    ("PR_PROFILE_NAME", 0x3D12, _STR, _MAPITAGS),
    ("PR_SERVICE_INSTALL_ID", 0x3D13, _STR, "docs, MFCMAPI"),
    # Status objects and identity (§2.4).
    ("PR_IDENTITY_DISPLAY", 0x3E00, _STR, _MAPITAGS),
    ("PR_IDENTITY_ENTRYID", 0x3E01, PT_BINARY, _MAPITAGS),
    ("PR_RESOURCE_METHODS", 0x3E02, PT_LONG, _MAPITAGS),
    ("PR_RESOURCE_TYPE", 0x3E03, PT_LONG, _MAPITAGS),
    ("PR_STATUS_CODE", 0x3E04, PT_LONG, _MAPITAGS),
    ("PR_IDENTITY_SEARCH_KEY", 0x3E05, PT_BINARY, _MAPITAGS),
    ("PR_OWN_STORE_ENTRYID", 0x3E06, PT_BINARY, _MAPITAGS),
    ("PR_RESOURCE_PATH", 0x3E07, _STR, _MAPITAGS),
    ("PR_STATUS_STRING", 0x3E08, _STR, _MAPITAGS),
    # Exchange's profile properties (§2.3), from pidProfileMin 0x6600.
    ("PR_PROFILE_VERSION", 0x6600, PT_LONG, _EDKMDB),
    ("PR_PROFILE_CONFIG_FLAGS", 0x6601, PT_LONG, _EDKMDB),
    ("PR_PROFILE_HOME_SERVER", 0x6602, PT_STRING8, _EDKMDB),
    ("PR_PROFILE_USER", 0x6603, PT_STRING8, _EDKMDB),
    ("PR_PROFILE_CONNECT_FLAGS", 0x6604, PT_LONG, _EDKMDB),
    ("PR_PROFILE_TRANSPORT_FLAGS", 0x6605, PT_LONG, _EDKMDB),
    ("PR_PROFILE_UI_STATE", 0x6606, PT_LONG, _EDKMDB),
    ("PR_PROFILE_OPEN_FLAGS", 0x6609, PT_LONG, _EDKMDB),
    ("PR_PROFILE_TYPE", 0x660A, PT_LONG, _EDKMDB),
    ("PR_PROFILE_MAILBOX", 0x660B, PT_STRING8, _EDKMDB),
    ("PR_PROFILE_SERVER", 0x660C, PT_STRING8, _EDKMDB),
    # EdkMdb.h's unsuffixed name is the ANSI one here, unlike the usual triple.
    ("PR_PROFILE_OFFLINE_STORE_PATH", 0x6610, PT_STRING8, _EDKMDB),
    ("PR_PROFILE_OFFLINE_STORE_PATH_A", 0x6610, PT_STRING8, _EDKMDB),
    ("PR_PROFILE_OFFLINE_STORE_PATH_W", 0x6610, PT_UNICODE, _EDKMDB),
    # The Personal Folders service (§2.3): MSPST.h writes the unsuffixed
    # strings as PT_STRING8, MFCMAPI as a PT_TSTRING triple; both are real.
    ("PR_PST_PATH", 0x6700, PT_STRING8, _MSPST),
    ("PR_PST_PATH", 0x6700, _STR, _MFCMAPI),
    ("PR_PST_REMEMBER_PW", 0x6701, PT_BOOLEAN, _MSPST),
    ("PR_PST_ENCRYPTION", 0x6702, PT_LONG, _MSPST),
    ("PR_PST_PW_SZ_OLD", 0x6703, PT_STRING8, _MSPST),
    ("PR_PST_PW_SZ_OLD", 0x6703, _STR, _MFCMAPI),
    ("PR_PST_PW_SZ_NEW", 0x6704, PT_STRING8, _MSPST),
    ("PR_PST_PW_SZ_NEW", 0x6704, _STR, _MFCMAPI),
    # The Profile Wizard (MAPIWz.h) reuses 0x6700/0x6701 in its own section.
    ("PR_WIZARD_NO_PST_PAGE", 0x6700, PT_BOOLEAN, "MAPIWz.h"),
    ("PR_WIZARD_NO_PAB_PAGE", 0x6701, PT_BOOLEAN, "MAPIWz.h"),
)


class KnownTag(namedtuple("KnownTag", "name prop_id prop_type source")):
    """One definition of a tag name (``name``, ``prop_id``, ``prop_type``), and where
    it comes from (``source``).  A collections.namedtuple: no typing machinery at start-up."""

    __slots__ = ()

    @property
    def tag(self) -> int:
        return prop_tag(self.prop_type, self.prop_id)


def _expand(rows: Iterable[tuple[str, int, int | str, str]]) -> Iterator[KnownTag]:
    for name, pid, ptype, source in rows:
        if ptype == _STR or ptype == _MV_STR:
            mv = MV_FLAG if ptype == _MV_STR else 0
            yield KnownTag(name, pid, mv | PT_UNICODE, source)
            yield KnownTag(name + "_A", pid, mv | PT_STRING8, source)
            yield KnownTag(name + "_W", pid, mv | PT_UNICODE, source)
        else:
            yield KnownTag(name, pid, int(ptype), source)


class KnownTags:
    """An index of property-tag names: by name (case-insensitive), by tag, by ID.

    Names keep the spelling of their first definition.  The indexes hold
    tuples, so :meth:`copy` is cheap and copies never share mutable state.
    """

    __slots__ = ("_by_name", "_by_tag", "_by_id")

    def __init__(self, tags: Iterable[KnownTag] = ()) -> None:
        self._by_name: dict[str, tuple[KnownTag, ...]] = {}
        self._by_tag: dict[int, tuple[str, ...]] = {}
        self._by_id: dict[int, tuple[str, ...]] = {}
        for t in tags:
            self.add(t.name, t.prop_id, t.prop_type, t.source)

    def copy(self) -> "KnownTags":
        other = KnownTags()
        other._by_name = dict(self._by_name)
        other._by_tag = dict(self._by_tag)
        other._by_id = dict(self._by_id)
        return other

    def add(self, name: str, prop_id: int, prop_type: int, source: str = "") -> bool:
        """Learn a name; ``False`` when it was already known with that ID and type."""
        key = name.upper()
        old = self._by_name.get(key, ())
        if any(t.prop_id == prop_id and t.prop_type == prop_type for t in old):
            return False
        spelling = old[0].name if old else name
        self._by_name[key] = old + (KnownTag(spelling, prop_id, prop_type, source),)
        tag = prop_tag(prop_type, prop_id)
        names = self._by_tag.get(tag, ())
        if spelling not in names:
            self._by_tag[tag] = names + (spelling,)
        names = self._by_id.get(prop_id, ())
        if spelling not in names:
            self._by_id[prop_id] = names + (spelling,)
        return True

    def lookup(self, name: str) -> list[tuple[int, int]]:
        """``[(id, type), …]`` for a name, ignoring case; empty when unknown."""
        return [(t.prop_id, t.prop_type) for t in self._by_name.get(name.upper(), ())]

    def entries(self, name: str) -> list[KnownTag]:
        """The definitions of a name, with where each comes from."""
        return list(self._by_name.get(name.upper(), ()))

    def tag_for(self, name: str) -> int | None:
        """The full tag of a name when it has exactly one definition."""
        found = self._by_name.get(name.upper(), ())
        return found[0].tag if len(found) == 1 else None

    def names_for_tag(self, tag: int) -> list[str]:
        """The names of a full 32-bit tag (``0x3001001F`` → ``PR_DISPLAY_NAME``, …)."""
        return list(self._by_tag.get(tag & 0xFFFFFFFF, ()))

    def names_for_id(self, prop_id: int) -> list[str]:
        """The names using a property ID, whatever their type."""
        return list(self._by_id.get(prop_id, ()))

    def names(self) -> list[str]:
        return [found[0].name for found in self._by_name.values()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.upper() in self._by_name

    def __len__(self) -> int:
        return len(self._by_name)

    def extend_from_headers(self, paths: Iterable[str | os.PathLike[str]]) -> list[tuple[str, str, int, int]]:
        """Learn the ``#define PR_X PROP_TAG(...)`` of header files.

        Each path is a header file or a directory (every ``*.h`` in it, not
        recursive).  Returns the problems met, ``(path, message, line,
        column)``: defines that could not be evaluated, unreadable files
        (line 0).
        """
        problems: list[tuple[str, str, int, int]] = []
        for path in _header_files(paths, problems):
            defines, found = _read_cached(path)
            problems.extend((path, msg, line, col) for msg, line, col in found)
            source = os.path.basename(path)
            for d in defines:
                self.add(d[0], d[1], d[2], source)
        return problems


def _header_files(paths: Iterable[str | os.PathLike[str]], problems: list) -> list[str]:
    files: list[str] = []
    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            try:
                names = sorted(n for n in os.listdir(p) if n.lower().endswith(".h"))
            except OSError as exc:
                problems.append((p, f"cannot list the directory: {exc.strerror or exc}", 0, 0))
                continue
            files.extend(os.path.join(p, n) for n in names if os.path.isfile(os.path.join(p, n)))
        else:
            files.append(p)
    return files


# Parsed headers, per process: path → (stamp, defines, problems).  A define is
# kept as a plain (name, id, type) tuple.
_FILES: dict[str, tuple[tuple[int, int], list[tuple[str, int, int]], list[tuple[str, int, int]]]] = {}
_CORE_TAGS: KnownTags | None = None
_BUILT: dict[tuple, KnownTags] = {}


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _read_cached(path: str) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    stamp = _stamp(path)
    cached = _FILES.get(path)
    if cached is not None and stamp is not None and cached[0] == stamp:
        return cached[1], cached[2]
    on_disk = _disk_cache_read(path, stamp)
    if on_disk is not None:
        _FILES[path] = (stamp, on_disk[0], on_disk[1])
        return on_disk
    from validator.readers.header import read_header_file  # lazy: keep this module's import cheap

    try:
        # Names a header uses without defining them resolve through the core
        # only, so that a file's result does not depend on reading order.
        doc = read_header_file(path, core_tags().tag_for)
    except OSError as exc:
        return [], [(f"cannot read the header: {exc.strerror or exc}", 0, 0)]
    defines = [(d.name, d.prop_id, d.type_code) for d in doc.defines]
    if stamp is not None:
        _FILES[path] = (stamp, defines, doc.problems)
        _disk_cache_write(path, stamp, defines, doc.problems)
    return defines, doc.problems


# What headers define is also kept on disk between runs: reading mingw-w64's
# MAPI headers costs ~40 ms, more than the rest of checking a small manifest
# (a pre-commit hook starts a new process every commit).  An entry is used
# only while the header and the reader are unchanged (modification time and
# size of both).  MAPISVC_NO_CACHE=1 turns this off; MAPISVC_CACHE_DIR moves it.

def _cache_dir() -> str | None:
    if os.environ.get("MAPISVC_NO_CACHE"):
        return None
    base = os.environ.get("MAPISVC_CACHE_DIR")
    if not base:
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(root, "mapisvc")
    return base


def _digest(text: str) -> str:
    """A stable 64-bit FNV-1a digest of ``text``, for cache file names.

    Not hashlib: importing it loads OpenSSL (~2.5 ms of every check).  The
    names need no strength; each entry also records what it was made from.
    """
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8", "surrogatepass"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def _cache_file(path: str) -> str | None:
    base = _cache_dir()
    if base is None:
        return None
    # The reader's stamp is part of the name: two installations (a pre-commit
    # environment and a development one) keep their own entries instead of
    # overwriting each other's on every run.
    key = f"{os.path.abspath(path)}\0{_reader_stamp()}"
    return os.path.join(base, "headers", _digest(key) + ".json")


def _index_file(key: tuple) -> str | None:
    """Where the built index for one combination of header files is kept."""
    base = _cache_dir()
    if base is None:
        return None
    import sys

    # marshal's format belongs to one Python version: its tag is in the name.
    name = f"{_digest(f'{key!r}{chr(0)}{_reader_stamp()}')}.{sys.implementation.cache_tag}.marshal"
    return os.path.join(base, "known-tags", name)


def _index_read(key: tuple) -> KnownTags | None:
    """The index built before from exactly these files (paths and stamps), if kept.

    Kept with marshal (as Python keeps bytecode): loading it costs a third of
    reading the same index as JSON, and this runs on every check of a manifest.
    """
    target = _index_file(key)
    if target is None:
        return None
    import marshal

    try:
        with open(target, "rb") as handle:
            kept_key, reader, by_name, by_tag, by_id = marshal.loads(handle.read())
        if kept_key != key or reader != tuple(_reader_stamp()):
            return None
        built = KnownTags()
        make = KnownTag._make
        built._by_name = {name: tuple(map(make, rows)) for name, rows in by_name.items()}
        built._by_tag = by_tag
        built._by_id = by_id
        return built
    except (OSError, EOFError, ValueError, TypeError, AttributeError):
        return None


def _index_write(key: tuple, built: KnownTags) -> None:
    target = _index_file(key)
    if target is None:
        return
    import marshal

    from validator.atomic import write_bytes

    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        by_name = {name: tuple(tuple(t) for t in rows) for name, rows in built._by_name.items()}
        write_bytes(target, marshal.dumps((key, tuple(_reader_stamp()), by_name,
                                           dict(built._by_tag), dict(built._by_id))))
    except (OSError, ValueError):
        pass  # a cache that cannot be written is only slower


_READER_STAMP: list[int] | None = None


def _reader_stamp() -> list[int]:
    """The header reader's and this module's stamps: a cache entry made by another
    version of either is not used."""
    global _READER_STAMP
    if _READER_STAMP is None:
        reader = os.path.join(os.path.dirname(__file__), "readers", "header.py")
        _READER_STAMP = list(_stamp(reader) or (0, 0)) + list(_stamp(__file__) or (0, 0))
    return list(_READER_STAMP)


def _disk_cache_read(path: str, stamp) -> tuple[list, list] | None:
    target = _cache_file(path) if stamp is not None else None
    if target is None:
        return None
    import json

    try:
        with open(target, encoding="utf-8") as handle:
            data = json.load(handle)
        if data["stamp"] != list(stamp) or data["reader"] != _reader_stamp():
            return None
        return ([tuple(d) for d in data["defines"]], [tuple(p) for p in data["problems"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _disk_cache_write(path: str, stamp, defines: list, problems: list) -> None:
    target = _cache_file(path)
    if target is None:
        return
    import json

    from validator.atomic import write_text

    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_text(target, json.dumps({"path": os.path.abspath(path), "stamp": list(stamp),
                                       "reader": _reader_stamp(), "defines": defines,
                                       "problems": problems}))
    except (OSError, ValueError):
        pass  # a cache that cannot be written is only slower


def core_tags() -> KnownTags:
    """The curated core set alone (shared: copy it before adding to it)."""
    global _CORE_TAGS
    if _CORE_TAGS is None:
        _CORE_TAGS = KnownTags(_expand(_CORE))
    return _CORE_TAGS


def known_tags(include_dirs: Iterable[str | os.PathLike[str]] = ()) -> KnownTags:
    """The core set, plus mingw-w64's MAPI headers when installed, plus every
    ``*.h`` in ``include_dirs``.  Returns a fresh copy the caller may extend;
    parsing is cached per process (and redone when a file changes)."""
    paths = [os.path.join(MINGW_INCLUDE, n) for n in MINGW_TAG_HEADERS]
    paths = [p for p in paths if os.path.isfile(p)]
    paths += _header_files(include_dirs, [])
    key = tuple((p, _stamp(p)) for p in paths)
    built = _BUILT.get(key)
    if built is None:
        # One file holds the whole index for these headers: reading it is
        # cheaper than re-adding each header's defines (~3 ms per check).
        built = _index_read(key) if paths else None
        if built is None:
            built = core_tags().copy()
            built.extend_from_headers(paths)
            if paths:
                _index_write(key, built)
        _BUILT.clear()  # one combination is the common case; do not grow without bound
        _BUILT[key] = built
    return built.copy()
