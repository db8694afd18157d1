"""validator.tags: the curated core set, lookups, and learning from headers."""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from pathlib import Path

import pytest

from validator import mapi, tags
from validator.readers.header import read_header_file
from ._shared import require_file, shared_path

MAPITAGS = Path(tags.MINGW_INCLUDE) / "mapitags.h"

PT_LONG, PT_BINARY, PT_BOOLEAN = mapi.PT_LONG, mapi.PT_BINARY, mapi.PT_BOOLEAN
A, W = mapi.PT_STRING8, mapi.PT_UNICODE


def known_tags_tsv() -> dict[str, set[tuple[int, int, str]]]:
    """known-tags.tsv as name → {(id, type, sources)}."""
    path = shared_path("reference", "known-tags.tsv")
    rows: dict[str, set[tuple[int, int, str]]] = defaultdict(set)
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            rows[row["name"]].add((int(row["id_hex"], 16), int(row["type_hex"], 16), row["source"]))
    return rows


# mapi-facts.md §2.4 (and §2.3's profile and PST tags), copied by hand.
FACTS_TAGS = {
    "PR_DISPLAY_NAME_A": 0x3001001E, "PR_DISPLAY_NAME_W": 0x3001001F,
    "PR_PROVIDER_DISPLAY_A": 0x3006001E, "PR_PROVIDER_DISPLAY_W": 0x3006001F,
    "PR_RESOURCE_FLAGS": 0x30090003,
    "PR_PROVIDER_DLL_NAME_A": 0x300A001E, "PR_PROVIDER_DLL_NAME_W": 0x300A001F,
    "PR_PROVIDER_UID": 0x300C0102, "PR_PROVIDER_ORDINAL": 0x300D0003,
    "PR_MDB_PROVIDER": 0x34140102, "PR_AB_PROVIDER_ID": 0x36150102,
    "PR_SERVICE_NAME_A": 0x3D09001E, "PR_SERVICE_NAME_W": 0x3D09001F,
    "PR_SERVICE_DLL_NAME_A": 0x3D0A001E, "PR_SERVICE_DLL_NAME_W": 0x3D0A001F,
    "PR_SERVICE_ENTRY_NAME": 0x3D0B001E,
    "PR_SERVICE_UID": 0x3D0C0102, "PR_SERVICE_EXTRA_UIDS": 0x3D0D0102, "PR_SERVICES": 0x3D0E0102,
    "PR_SERVICE_SUPPORT_FILES_A": 0x3D0F101E, "PR_SERVICE_SUPPORT_FILES_W": 0x3D0F101F,
    "PR_SERVICE_DELETE_FILES_A": 0x3D10101E, "PR_SERVICE_DELETE_FILES_W": 0x3D10101F,
    "PR_PROFILE_NAME_A": 0x3D12001E, "PR_PROFILE_NAME_W": 0x3D12001F,
    "PR_SERVICE_INSTALL_ID_A": 0x3D13001E, "PR_SERVICE_INSTALL_ID_W": 0x3D13001F,
    "PR_IDENTITY_DISPLAY_A": 0x3E00001E, "PR_IDENTITY_DISPLAY_W": 0x3E00001F,
    "PR_IDENTITY_ENTRYID": 0x3E010102, "PR_RESOURCE_METHODS": 0x3E020003,
    "PR_RESOURCE_TYPE": 0x3E030003, "PR_STATUS_CODE": 0x3E040003,
    "PR_IDENTITY_SEARCH_KEY": 0x3E050102, "PR_OWN_STORE_ENTRYID": 0x3E060102,
    "PR_RESOURCE_PATH_A": 0x3E07001E, "PR_RESOURCE_PATH_W": 0x3E07001F,
    "PR_STATUS_STRING_A": 0x3E08001E, "PR_STATUS_STRING_W": 0x3E08001F,
    "PR_PROFILE_VERSION": 0x66000003, "PR_PROFILE_CONFIG_FLAGS": 0x66010003,
    "PR_PROFILE_CONNECT_FLAGS": 0x66040003, "PR_PROFILE_TRANSPORT_FLAGS": 0x66050003,
    "PR_PROFILE_OPEN_FLAGS": 0x66090003, "PR_PROFILE_TYPE": 0x660A0003,
    "PR_PST_REMEMBER_PW": 0x6701000B, "PR_PST_ENCRYPTION": 0x67020003,
    "PR_COMMENT_A": 0x3004001E, "PR_COMMENT_W": 0x3004001F,
}


def test_core_has_the_fact_sheet_tags():
    core = tags.core_tags()
    for name, tag in FACTS_TAGS.items():
        assert core.lookup(name) == [(mapi.prop_id(tag), mapi.prop_type(tag))], name


def test_unsuffixed_strings_are_unicode_except_entry_name():
    core = tags.core_tags()
    assert core.lookup("PR_DISPLAY_NAME") == [(0x3001, W)]
    assert core.lookup("PR_SERVICE_SUPPORT_FILES") == [(0x3D0F, mapi.MV_FLAG | W)]
    assert core.lookup("PR_SERVICE_ENTRY_NAME") == [(0x3D0B, A)]
    assert "PR_SERVICE_ENTRY_NAME_W" not in core and "PR_SERVICE_ENTRY_NAME_A" not in core


def test_pst_tags():
    core = tags.core_tags()
    # MSPST.h: PT_STRING8; MFCMAPI: PT_TSTRING.  Both spellings exist in the wild.
    assert set(core.lookup("PR_PST_PATH")) == {(0x6700, A), (0x6700, W)}
    assert core.lookup("PR_PST_PATH_A") == [(0x6700, A)]
    assert set(core.lookup("PR_PST_PW_SZ_OLD")) == {(0x6703, A), (0x6703, W)}
    assert set(core.lookup("PR_PST_PW_SZ_NEW")) == {(0x6704, A), (0x6704, W)}


# Core definitions known-tags.tsv lacks, and the corpus header that proves each.
NOT_IN_TSV = {
    ("PR_PST_PATH", 0x6700, A): "ms-MSPST.h",
    ("PR_PST_PW_SZ_OLD", 0x6703, A): "ms-MSPST.h",
    ("PR_PST_PW_SZ_NEW", 0x6704, A): "ms-MSPST.h",
}


def test_core_agrees_with_known_tags_tsv():
    oracle = known_tags_tsv()
    core = tags.core_tags()
    unknown_to_tsv = []
    for name in core.names():
        rows = {(pid, ptype) for pid, ptype, _ in oracle.get(name, ())}
        if not rows:
            unknown_to_tsv.append(name)
            continue
        for pid, ptype in core.lookup(name):
            if (name, pid, ptype) in NOT_IN_TSV:
                continue
            assert (pid, ptype) in rows, f"{name}: core has ({pid:#06x}, {ptype:#06x}), tsv {sorted(rows)}"
    # Only PR_NULL (MAPIDefS.h, not a tag table) is absent from the oracle.
    assert unknown_to_tsv == ["PR_NULL"]
    assert core.lookup("PR_NULL") == [(0, mapi.PT_NULL)]


def test_core_exceptions_are_what_the_corpus_headers_say():
    for (name, pid, ptype), header in NOT_IN_TSV.items():
        doc = read_header_file(str(shared_path("corpus", "headers", header)))
        assert [(d.prop_id, d.type_code) for d in doc.find(name)] == [(pid, ptype)]


def test_two_types_for_one_name():
    core = tags.core_tags()
    assert set(core.lookup("pr_7bit_display_name")) == {(0x39FF, A), (0x39FF, W)}
    assert [e.source for e in core.entries("PR_7BIT_DISPLAY_NAME")] == ["MAPITags.h", "MFCMAPI"]


def test_lookups():
    core = tags.core_tags()
    assert core.lookup("pr_resource_type") == [(0x3E03, PT_LONG)]
    assert core.lookup("PR_NO_SUCH_TAG") == []
    assert "pr_display_name_w" in core and "PR_NOPE" not in core and 3 not in core
    assert core.names_for_tag(0x3001001F) == ["PR_DISPLAY_NAME", "PR_DISPLAY_NAME_W"]
    assert core.names_for_tag(0x3001001E) == ["PR_DISPLAY_NAME_A"]
    assert core.names_for_tag(0x12345678) == []
    assert set(core.names_for_id(0x6700)) == {"PR_PST_PATH", "PR_PST_PATH_A", "PR_PST_PATH_W",
                                              "PR_WIZARD_NO_PST_PAGE"}
    assert core.tag_for("PR_MDB_PROVIDER") == 0x34140102
    assert core.tag_for("PR_PST_PATH") is None  # two definitions
    # Names keep the spelling of their first definition.
    k = tags.KnownTags()
    assert k.add("PR_Mixed_Case", 0x6600, PT_LONG, "x")
    assert not k.add("PR_MIXED_CASE", 0x6600, PT_LONG, "y")
    assert k.add("PR_MIXED_CASE", 0x6600, A, "y")
    assert k.names() == ["PR_Mixed_Case"] and len(k) == 1
    assert k.names_for_tag(0x6600001E) == ["PR_Mixed_Case"]


def test_computed_by_mapi():
    assert tags.COMPUTED_BY_MAPI == {"PR_SERVICE_UID", "PR_SERVICES", "PR_SERVICE_EXTRA_UIDS",
                                     "PR_PROVIDER_UID", "PR_PROVIDER_ORDINAL"}
    assert all(n in tags.core_tags() for n in tags.COMPUTED_BY_MAPI)


def test_core_types_are_storable_or_pr_null():
    core = tags.core_tags()
    for name in core.names():
        for pid, ptype in core.lookup(name):
            if name != "PR_NULL":
                assert mapi.storable_type_problem(ptype) is None, name
                assert pid not in (mapi.PROP_ID_NULL, mapi.PROP_ID_INVALID), name


def test_copy_is_independent():
    core = tags.core_tags()
    mine = core.copy()
    mine.add("PR_DISPLAY_NAME", 0x3001, mapi.PT_BINARY, "test")
    mine.add("PR_MINE", 0x6600, PT_LONG, "test")
    assert core.lookup("PR_DISPLAY_NAME") == [(0x3001, W)]
    assert "PR_MINE" not in core
    assert core.names_for_id(0x6600) == ["PR_PROFILE_VERSION"]


def test_extend_from_corpus_headers():
    headers = shared_path("corpus", "headers")
    k = tags.core_tags().copy()
    problems = k.extend_from_headers([headers])
    assert problems == []
    assert k.lookup("PR_SAMPLE_FLAGS") == [(0x6608, PT_LONG)]
    assert k.lookup("PR_SMP_AB_PATH") == [(0x6608, W)]
    assert k.lookup("PR_HAS_DAMS") == [(0x3FEA, PT_BOOLEAN)]
    assert [e.source for e in k.entries("PR_SAMPLE_FLAGS")] == ["mingw-smpxp.h"]
    # Learning agrees with the core where both define a name.
    assert set(k.lookup("PR_PST_PATH")) == {(0x6700, A), (0x6700, W)}


def test_extend_reports_problems_and_unreadable_files(tmp_path):
    (tmp_path / "a.h").write_text(
        "#define PR_GOOD PROP_TAG(PT_LONG, 0x6601)\n"
        "#define PR_BAD PROP_TAG(PT_LONG, MISSING_BASE + 1)\n"
        "#define PR_ALIAS PR_MDB_PROVIDER\n")  # resolves through the core
    (tmp_path / "notes.txt").write_text("#define PR_IGNORED PROP_TAG(PT_LONG, 0x6602)\n")
    k = tags.KnownTags()
    problems = k.extend_from_headers([tmp_path, tmp_path / "missing.h"])
    assert k.lookup("PR_GOOD") == [(0x6601, PT_LONG)]
    assert k.lookup("PR_ALIAS") == [(0x3414, PT_BINARY)]
    assert "PR_BAD" not in k and "PR_IGNORED" not in k
    assert [(Path(p).name, line) for p, _, line, _ in problems] == [("a.h", 2), ("missing.h", 0)]
    assert "MISSING_BASE" in problems[0][1]


def test_known_tags_with_include_dirs(tmp_path):
    header = tmp_path / "contoso.h"
    header.write_text("#define PR_CONTOSO_FLAGS PROP_TAG(PT_LONG, 0x6610)\n")
    k = tags.known_tags([str(tmp_path)])
    assert k.lookup("PR_CONTOSO_FLAGS") == [(0x6610, PT_LONG)]
    assert "PR_CONTOSO_FLAGS" not in tags.known_tags()
    # The result is the caller's own: extending it does not leak into the cache.
    k.add("PR_LEAK", 0x6611, PT_LONG)
    assert "PR_LEAK" not in tags.known_tags([str(tmp_path)])
    # A changed header is read again.
    header.write_text("#define PR_CONTOSO_FLAGS PROP_TAG(PT_BOOLEAN, 0x6610)  // changed\n")
    os.utime(header, ns=(1, 1))
    assert tags.known_tags([tmp_path]).lookup("PR_CONTOSO_FLAGS") == [(0x6610, PT_BOOLEAN)]


def test_known_tags_without_headers_is_the_core(monkeypatch, tmp_path):
    monkeypatch.setattr(tags, "MINGW_INCLUDE", str(tmp_path / "absent"))
    k = tags.known_tags()
    assert sorted(k.names()) == sorted(tags.core_tags().names())


def test_known_tags_learns_mingw_headers():
    require_file(MAPITAGS, "Debian package mingw-w64-common provides it")
    k = tags.known_tags()
    assert k.lookup("PR_SUBJECT") == [(0x0037, W)]
    assert k.lookup("PR_SUBJECT_A") == [(0x0037, A)]
    assert k.lookup("PR_SAMPLE_FLAGS") == [(0x6608, PT_LONG)]  # smpxp.h
    assert k.lookup("PR_WIZARD_NO_PAB_PAGE") == [(0x6701, PT_BOOLEAN)]  # mapiwz.h
    assert k.lookup("PR_OFFICE_TELEPHONE_NUMBER") == [(0x3A08, W)]  # an alias define
    if os.path.isfile(os.path.join(tags.MINGW_INCLUDE, "msfs.h")):
        assert k.lookup("PR_CFG_PASSWORD") == [(0x67F0, A)]  # PROP_TAG(PT_STRING8, PROP_ID_SECURE_MIN)


def test_mingw_mapitags_matches_known_tags_tsv():
    """mingw-w64's mapitags.h, read by our reader, gives exactly the tsv's
    ``mingw-mapitags`` rows.

    No rows are excluded: unsuffixed names are written ``PT_TSTRING`` in the
    header and recorded as 0x001F in the tsv, and our reader resolves
    PT_TSTRING to PT_UNICODE (0x001F) too, keeping the spelling in
    ``type_name``.  The header's ~30 alias defines (``#define PR_X PR_Y``) are
    not rows of the tsv's mingw source; they are checked to resolve to their
    target instead.
    """
    path = require_file(MAPITAGS, "Debian package mingw-w64-common provides it")
    doc = read_header_file(str(path))
    assert doc.problems == []
    direct = {(d.name, d.prop_id, d.type_code) for d in doc.defines if d.alias_of is None}
    oracle = {(name, pid, ptype)
              for name, rows in known_tags_tsv().items()
              for pid, ptype, source in rows if "mingw-mapitags" in source.split(",")}
    assert len(oracle) > 700
    assert direct == oracle
    tstring = [d for d in doc.defines if d.type_name == "PT_TSTRING"]
    assert tstring and all(d.type_code == 0x001F for d in tstring)
    by_name = {d.name: d for d in doc.defines}
    aliases = [d for d in doc.defines if d.alias_of is not None]
    assert len(aliases) >= 30
    for d in aliases:
        assert d.tag == by_name[d.alias_of].tag, d.name


def test_parsed_headers_are_cached_on_disk_and_refreshed_when_changed(tmp_path, monkeypatch):
    from validator import tags

    monkeypatch.setenv("MAPISVC_CACHE_DIR", str(tmp_path / "cache"))
    header = tmp_path / "vendor.h"
    header.write_text("#define PR_VENDOR_X PROP_TAG(PT_LONG, 0x6610)\n")
    monkeypatch.setattr(tags, "_FILES", {})
    assert tags._read_cached(str(header))[0] == [("PR_VENDOR_X", 0x6610, 3)]
    assert list((tmp_path / "cache" / "headers").iterdir())
    # A new process (no in-memory entry) reads the disk entry, not the header.
    monkeypatch.setattr(tags, "_FILES", {})
    import validator.readers.header as reader

    monkeypatch.setattr(reader, "read_header_file", lambda *a, **k: pytest.fail("re-parsed"))
    assert tags._read_cached(str(header))[0] == [("PR_VENDOR_X", 0x6610, 3)]
    monkeypatch.undo()
    monkeypatch.setenv("MAPISVC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tags, "_FILES", {})
    header.write_text("#define PR_VENDOR_X PROP_TAG(PT_UNICODE, 0x6611)\n")
    assert tags._read_cached(str(header))[0] == [("PR_VENDOR_X", 0x6611, 0x1F)]


def test_an_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    from validator import tags

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("MAPISVC_CACHE_DIR", str(blocker))
    monkeypatch.setattr(tags, "_FILES", {})
    header = tmp_path / "vendor.h"
    header.write_text("#define PR_VENDOR_X PROP_TAG(PT_LONG, 0x6610)\n")
    assert tags._read_cached(str(header))[0] == [("PR_VENDOR_X", 0x6610, 3)]
