"""validator.mapi: the MAPI facts tables and conversions."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from validator import mapi
from ._shared import require_file

MINGW = Path("/usr/share/mingw-w64/include")
ROOT = Path(__file__).resolve().parents[1]

# mapi-facts.md §2.2, copied by hand: name → code.
FACTS_TYPES = {
    "PT_UNSPECIFIED": 0x0000, "PT_NULL": 0x0001, "PT_I2": 0x0002, "PT_SHORT": 0x0002,
    "PT_LONG": 0x0003, "PT_I4": 0x0003, "PT_R4": 0x0004, "PT_FLOAT": 0x0004,
    "PT_DOUBLE": 0x0005, "PT_R8": 0x0005, "PT_CURRENCY": 0x0006, "PT_APPTIME": 0x0007,
    "PT_ERROR": 0x000A, "PT_BOOLEAN": 0x000B, "PT_OBJECT": 0x000D, "PT_I8": 0x0014,
    "PT_LONGLONG": 0x0014, "PT_STRING8": 0x001E, "PT_UNICODE": 0x001F, "PT_TSTRING": 0x001F,
    "PT_SYSTIME": 0x0040, "PT_CLSID": 0x0048, "PT_SVREID": 0x00FB, "PT_SRESTRICTION": 0x00FD,
    "PT_SRESTRICT": 0x00FD, "PT_ACTIONS": 0x00FE, "PT_BINARY": 0x0102, "PT_PTR": 0x0103,
    "PT_FILE_HANDLE": 0x0103, "PT_FILE_EA": 0x0104, "PT_VIRTUAL": 0x0105,
    "PT_MV_I2": 0x1002, "PT_MV_SHORT": 0x1002, "PT_MV_LONG": 0x1003, "PT_MV_I4": 0x1003,
    "PT_MV_R4": 0x1004, "PT_MV_FLOAT": 0x1004, "PT_MV_DOUBLE": 0x1005, "PT_MV_R8": 0x1005,
    "PT_MV_CURRENCY": 0x1006, "PT_MV_APPTIME": 0x1007, "PT_MV_SYSTIME": 0x1040,
    "PT_MV_STRING8": 0x101E, "PT_MV_UNICODE": 0x101F, "PT_MV_TSTRING": 0x101F,
    "PT_MV_CLSID": 0x1048, "PT_MV_I8": 0x1014, "PT_MV_LONGLONG": 0x1014, "PT_MV_BINARY": 0x1102,
}


def test_pt_types_match_the_fact_sheet():
    assert mapi.PT_TYPES == FACTS_TYPES
    assert mapi.MV_FLAG == 0x1000 and mapi.MV_INSTANCE == 0x2000
    assert mapi.PT_TSTRING == mapi.PT_UNICODE  # our UNICODE-build choice


def test_canonical_names():
    assert mapi.TYPE_NAMES[0x0003] == "PT_LONG"
    assert mapi.TYPE_NAMES[0x001F] == "PT_UNICODE"
    assert mapi.TYPE_NAMES[0x101F] == "PT_MV_UNICODE"
    assert mapi.TYPE_NAMES[0x0014] == "PT_I8"
    assert mapi.TYPE_NAMES[0x0103] == "PT_PTR"
    # Every code has exactly one canonical name, and it maps back to the code.
    for code, name in mapi.TYPE_NAMES.items():
        assert mapi.PT_TYPES[name] == code
    assert set(mapi.TYPE_NAMES) == set(mapi.PT_TYPES.values())
    assert mapi.type_name(0x0003) == "PT_LONG"
    assert mapi.type_name(0x0999) == "0x0999"
    assert mapi.type_code("PT_I4") == 3 and mapi.type_code("pt_long") is None


STORABLE = ["PT_I2", "PT_LONG", "PT_R4", "PT_DOUBLE", "PT_CURRENCY", "PT_APPTIME", "PT_BOOLEAN",
            "PT_I8", "PT_STRING8", "PT_UNICODE", "PT_SYSTIME", "PT_CLSID", "PT_BINARY",
            "PT_MV_I2", "PT_MV_LONG", "PT_MV_R4", "PT_MV_DOUBLE", "PT_MV_CURRENCY", "PT_MV_APPTIME",
            "PT_MV_SYSTIME", "PT_MV_STRING8", "PT_MV_UNICODE", "PT_MV_TSTRING", "PT_MV_CLSID",
            "PT_MV_I8", "PT_MV_BINARY", "PT_TSTRING", "PT_SHORT", "PT_I4"]


@pytest.mark.parametrize("name", STORABLE)
def test_storable_types(name):
    assert mapi.storable_type_problem(mapi.PT_TYPES[name]) is None


@pytest.mark.parametrize("code, words", [
    (0x0000, "PT_UNSPECIFIED"),
    (0x0001, "PT_NULL"),
    (0x000D, "PT_OBJECT"),
    (0x000A, "PT_ERROR"),
    (0x00FB, "server"),
    (0x00FD, "server"),
    (0x00FE, "server"),
    (0x0103, "store-internal"),
    (0x0104, "store-internal"),
    (0x0105, "store-internal"),
    (0x0106, "not a known"),
    (0x0008, "not a known"),
    (0x2003, "MV_INSTANCE"),
    (0x3003, "MV_INSTANCE"),
    (0x100B, "PT_BOOLEAN has no multi-valued form"),
    (0x100D, "PT_OBJECT has no multi-valued form"),
    (0x1000, "PT_UNSPECIFIED has no multi-valued form"),
    (0x1001, "PT_NULL has no multi-valued form"),
    (0x100A, "PT_ERROR has no multi-valued form"),
    (0x1008, "not a known"),
    (0x4003, "not a known"),
    (0x10000, "16-bit"),
    (-1, "16-bit"),
])
def test_unstorable_types(code, words):
    problem = mapi.storable_type_problem(code)
    assert problem is not None and words in problem


def test_storable_type_problem_rejects_non_ints():
    assert mapi.storable_type_problem("PT_LONG") is not None  # type: ignore[arg-type]
    assert mapi.storable_type_problem(True) is not None  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=0xFFFF))
def test_storable_type_problem_is_total(code):
    problem = mapi.storable_type_problem(code)
    assert problem is None or isinstance(problem, str) and problem
    if problem is None:
        assert code in mapi.TYPE_NAMES


def test_id_ranges():
    assert (mapi.PROP_ID_NULL, mapi.PROP_ID_INVALID) == (0, 0xFFFF)
    assert (mapi.MAPI_DEFINED_MIN, mapi.MAPI_DEFINED_MAX) == (0x0001, 0x3FFF)
    assert (mapi.PROVIDER_CONFIG_MIN, mapi.PROVIDER_CONFIG_MAX) == (0x6600, 0x67FF)
    assert (mapi.PROP_ID_SECURE_MIN, mapi.PROP_ID_SECURE_MAX) == (0x67F0, 0x67FF)
    assert (mapi.NAMED_MIN, mapi.NAMED_MAX) == (0x8000, 0xFFFE)
    assert mapi.is_provider_config_id(0x6600) and not mapi.is_provider_config_id(0x6800)
    assert mapi.is_secure_id(0x67F0) and not mapi.is_secure_id(0x67EF)
    assert mapi.is_named_id(0x8000) and not mapi.is_named_id(0xFFFF)
    assert mapi.is_mapi_defined_id(0x3FFF) and not mapi.is_mapi_defined_id(0)
    assert "secure" in mapi.id_range(0x67F5)
    assert "named" in mapi.id_range(0x9000)
    # The table covers 0x0000–0xFFFF without gaps or overlaps.
    expected = 0
    for first, last, _ in mapi.ID_RANGES:
        assert first == expected
        expected = last + 1
    assert expected == 0x10000


def test_prop_tag_helpers():
    assert mapi.prop_tag(mapi.PT_LONG, 0x3E03) == 0x3E030003
    assert mapi.prop_id(0x3001001F) == 0x3001
    assert mapi.prop_type(0x3001001F) == 0x001F
    assert mapi.change_prop_type(0x3001001F, mapi.PT_STRING8) == 0x3001001E
    assert mapi.PR_NULL == 0x00000001


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF))
def test_prop_tag_round_trip(ptype, pid):
    tag = mapi.prop_tag(ptype, pid)
    assert 0 <= tag <= 0xFFFFFFFF
    assert (mapi.prop_id(tag), mapi.prop_type(tag)) == (pid, ptype)


def test_resource_types():
    values = {n: r.value for n, r in mapi.RESOURCE_TYPES.items()}
    assert values == {"MAPI_STORE_PROVIDER": 33, "MAPI_AB": 34, "MAPI_AB_PROVIDER": 35,
                      "MAPI_TRANSPORT_PROVIDER": 36, "MAPI_SPOOLER": 37, "MAPI_PROFILE_PROVIDER": 38,
                      "MAPI_SUBSYSTEM": 39, "MAPI_HOOK_PROVIDER": 40}
    assert set(mapi.PROVIDER_TYPES) == {"MAPI_STORE_PROVIDER", "MAPI_AB_PROVIDER",
                                        "MAPI_TRANSPORT_PROVIDER", "MAPI_HOOK_PROVIDER"}
    assert mapi.RESOURCE_TYPE_NAMES[35] == "MAPI_AB_PROVIDER"


def test_service_flags():
    assert {n: f.value for n, f in mapi.SERVICE_FLAGS.items()} == {
        "SERVICE_DEFAULT_STORE": 0x1, "SERVICE_SINGLE_COPY": 0x2, "SERVICE_CREATE_WITH_STORE": 0x4,
        "SERVICE_PRIMARY_IDENTITY": 0x8, "SERVICE_NO_PRIMARY_IDENTITY": 0x20}
    assert {n: f.klass for n, f in mapi.SERVICE_FLAGS.items()} == {
        "SERVICE_DEFAULT_STORE": "dynamic", "SERVICE_SINGLE_COPY": "static",
        "SERVICE_CREATE_WITH_STORE": "reserved", "SERVICE_PRIMARY_IDENTITY": "modifiable",
        "SERVICE_NO_PRIMARY_IDENTITY": "static"}
    assert all(f.family == "service" and f.applies_to == () for f in mapi.SERVICE_FLAGS.values())


def test_provider_flags():
    f = mapi.PROVIDER_FLAGS
    assert {n: x.value for n, x in f.items()} == {
        "STATUS_DEFAULT_OUTBOUND": 0x1, "STATUS_DEFAULT_STORE": 0x2, "STATUS_PRIMARY_IDENTITY": 0x4,
        "STATUS_SIMPLE_STORE": 0x8, "STATUS_XP_PREFER_LAST": 0x10, "STATUS_NO_PRIMARY_IDENTITY": 0x20,
        "STATUS_NO_DEFAULT_STORE": 0x40, "STATUS_TEMP_SECTION": 0x80, "STATUS_OWN_STORE": 0x100,
        "HOOK_INBOUND": 0x200, "HOOK_OUTBOUND": 0x400, "STATUS_NEED_IPM_TREE": 0x800,
        "STATUS_PRIMARY_STORE": 0x1000, "STATUS_SECONDARY_STORE": 0x2000}
    assert f["STATUS_DEFAULT_OUTBOUND"].applies_to == ("MAPI_TRANSPORT_PROVIDER",)
    assert f["STATUS_OWN_STORE"].applies_to == ("MAPI_TRANSPORT_PROVIDER",)
    assert f["STATUS_XP_PREFER_LAST"].applies_to == ("MAPI_TRANSPORT_PROVIDER",)
    assert f["HOOK_INBOUND"].applies_to == ("MAPI_HOOK_PROVIDER",)
    assert f["STATUS_PRIMARY_STORE"].applies_to == ("MAPI_STORE_PROVIDER",)
    assert set(f["STATUS_PRIMARY_IDENTITY"].applies_to) == set(mapi.PROVIDER_TYPES)
    for flag in f.values():
        assert flag.family == "provider"
        assert set(flag.applies_to) <= set(mapi.PROVIDER_TYPES)
        assert flag.value & (flag.value - 1) == 0  # one bit each
    assert not set(f) & set(mapi.SERVICE_FLAGS)
    assert mapi.lookup_flag("HOOK_OUTBOUND").value == 0x400
    assert mapi.lookup_flag("SERVICE_SINGLE_COPY").family == "service"
    assert mapi.lookup_flag("STATUS_AVAILABLE") is None  # PR_STATUS_CODE, not a resource flag


def test_contradictions_and_managed_flags():
    assert set(mapi.CONTRADICTORY_FLAGS) == {
        ("SERVICE_PRIMARY_IDENTITY", "SERVICE_NO_PRIMARY_IDENTITY"),
        ("STATUS_PRIMARY_IDENTITY", "STATUS_NO_PRIMARY_IDENTITY"),
        ("STATUS_DEFAULT_STORE", "STATUS_NO_DEFAULT_STORE"),
        ("STATUS_PRIMARY_STORE", "STATUS_NO_DEFAULT_STORE"),
        ("STATUS_PRIMARY_STORE", "STATUS_SECONDARY_STORE")}
    for a, b in mapi.CONTRADICTORY_FLAGS:
        assert mapi.lookup_flag(a).family == mapi.lookup_flag(b).family
    assert mapi.MANAGED_FLAGS == {"SERVICE_DEFAULT_STORE", "SERVICE_CREATE_WITH_STORE",
                                  "STATUS_SIMPLE_STORE", "STATUS_TEMP_SECTION", "STATUS_NEED_IPM_TREE"}


def test_flags_and_types_agree_with_mingw_headers():
    """The real headers are a second oracle for the hand-copied tables."""
    from validator.readers.header import read_header_file

    consts: dict[str, int] = {}
    for name in ("mapidefs.h", "mapix.h", "mapihook.h", "mapitags.h"):
        path = require_file(MINGW / name, "Debian package mingw-w64-common provides it")
        doc = read_header_file(str(path))
        consts.update(doc.constants)
    for name, code in mapi.PT_TYPES.items():
        if name in consts and name not in ("PT_TSTRING", "PT_MV_TSTRING"):  # defined per UNICODE branch
            assert consts[name] == code, name
    for name, rt in mapi.RESOURCE_TYPES.items():
        assert consts[name] == rt.value, name
    for name, flag in {**mapi.SERVICE_FLAGS, **mapi.PROVIDER_FLAGS}.items():
        assert consts[name] == flag.value, name
    for name, value in {**mapi.RESOURCE_METHODS_FLAGS, **mapi.STATUS_CODE_FLAGS}.items():
        assert consts[name] == value, name
    assert consts["MV_FLAG"] == mapi.MV_FLAG and consts["MV_INSTANCE"] == mapi.MV_INSTANCE
    assert consts["PROP_ID_SECURE_MIN"] == mapi.PROP_ID_SECURE_MIN
    assert consts["PROP_ID_SECURE_MAX"] == mapi.PROP_ID_SECURE_MAX


# -- GUIDs ---------------------------------------------------------------------

GUID_EXAMPLES = [  # mapi-facts §1.9
    ("{C0A19454-7F29-1B10-A587-08002B2A2517}", "5494A1C0297F101BA58708002B2A2517"),
    ("{4154494E-BFF9-01B8-00AA-0037D96E0000}", "4E495441F9BFB80100AA0037D96E0000"),
    ("{70fab278-f7af-cd11-9bc8-00aa002fc45a}", "78B2FA70AFF711CD9BC800AA002FC45A"),
]


@pytest.mark.parametrize("guid, hex_text", GUID_EXAMPLES)
def test_guid_examples(guid, hex_text):
    assert mapi.guid_to_mapi_hex(guid) == hex_text
    assert mapi.guid_to_mapi_hex(guid[1:-1]) == hex_text  # braces optional
    assert mapi.mapi_hex_to_guid(hex_text.lower()) == guid.upper()
    assert mapi.is_braced_guid(guid)
    assert mapi.is_mapiuid_hex(hex_text) and mapi.is_mapiuid_hex(hex_text.lower())


@given(st.uuids())
def test_guid_round_trip(u: uuid.UUID):
    braced = "{" + str(u).upper() + "}"
    hex_text = mapi.guid_to_mapi_hex(braced)
    assert hex_text == u.bytes_le.hex().upper()  # Windows' in-memory order
    assert mapi.mapi_hex_to_guid(hex_text) == braced


@given(st.binary(min_size=16, max_size=16))
def test_mapiuid_round_trip(raw: bytes):
    hex_text = raw.hex().upper()
    assert mapi.guid_to_mapi_hex(mapi.mapi_hex_to_guid(hex_text)) == hex_text


@pytest.mark.parametrize("bad", [
    "", "{}", "C0A19454-7F29-1B10-A587-08002B2A2517}", "{C0A19454-7F29-1B10-A587-08002B2A251}",
    "{C0A19454-7F29-1B10-A587-08002B2A251G}", "{C0A194547F291B10A58708002B2A2517}",
    "{C0A19454-7F29-1B10-A58708002B2A2517-}", "{C0A19454+7F29-1B10-A587-08002B2A2517}",
    " {C0A19454-7F29-1B10-A587-08002B2A2517}",
])
def test_bad_guids(bad):
    assert not mapi.is_braced_guid(bad)
    with pytest.raises(ValueError):
        mapi.guid_to_mapi_hex(bad)


@pytest.mark.parametrize("bad", ["", "5494A1C0297F101BA58708002B2A251", "5494A1C0297F101BA58708002B2A25170",
                                 "5494A1C0297F101BA58708002B2A251G", "0x94A1C0297F101BA58708002B2A2517"])
def test_bad_mapiuids(bad):
    assert not mapi.is_mapiuid_hex(bad)
    with pytest.raises(ValueError):
        mapi.mapi_hex_to_guid(bad)


def test_guid_helpers_reject_non_strings():
    assert not mapi.is_braced_guid(None)  # type: ignore[arg-type]
    assert not mapi.is_mapiuid_hex(12)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        mapi.guid_to_mapi_hex(None)  # type: ignore[arg-type]


# -- PT_LONG little-endian hex ------------------------------------------------

@pytest.mark.parametrize("hex_text, value", [  # mapi-facts §1.9 evidence
    ("01050000", 0x501), ("02000000", 2), ("40000000", 0x40), ("06000000", 6), ("0C000000", 0xC),
    ("FFFFFFFF", 0xFFFFFFFF), ("00000080", 0x80000000),
])
def test_le_hex_examples(hex_text, value):
    assert mapi.inf_hex_to_long(hex_text) == value
    assert mapi.inf_hex_to_long(hex_text.lower()) == value
    assert mapi.long_to_inf_hex(value) == hex_text


def test_le_hex_signed():
    assert mapi.inf_hex_to_long("FFFFFFFF", signed=True) == -1
    assert mapi.inf_hex_to_long("00000080", signed=True) == -(1 << 31)
    assert mapi.long_to_inf_hex(-1) == "FFFFFFFF"
    assert mapi.long_to_inf_hex(-(1 << 31)) == "00000080"


@given(st.integers(0, 0xFFFFFFFF))
def test_le_hex_round_trip_unsigned(n):
    text = mapi.long_to_inf_hex(n)
    assert len(text) == 8 and text == text.upper()
    assert mapi.inf_hex_to_long(text) == n


@given(st.integers(-(1 << 31), (1 << 31) - 1))
def test_le_hex_round_trip_signed(n):
    assert mapi.inf_hex_to_long(mapi.long_to_inf_hex(n), signed=True) == n


@pytest.mark.parametrize("bad", ["", "0105000", "010500000", "0x010500", "0105000G", " 01050000",
                                 "01050000 ", "+1050000", "0105_000"])
def test_le_hex_rejects(bad):
    with pytest.raises(ValueError):
        mapi.inf_hex_to_long(bad)


@pytest.mark.parametrize("bad", [1 << 32, -(1 << 31) - 1, True, "1", 1.0])
def test_long_to_inf_hex_rejects(bad):
    with pytest.raises(ValueError):
        mapi.long_to_inf_hex(bad)


# -- import cost ---------------------------------------------------------------

def test_imports_read_no_files():
    """Importing the facts, tags and header reader opens no header or data file."""
    code = (
        "import sys\n"
        "seen = []\n"
        "def hook(event, args):\n"
        "    if event == 'open' and isinstance(args[0], str) and '__pycache__' not in args[0]:\n"
        "        seen.append(args[0])\n"
        "sys.addaudithook(hook)\n"
        "import validator.mapi, validator.tags, validator.readers.header\n"
        "print(repr([p for p in seen if not p.endswith(('.py', '.pyc', '.so', '.pth'))]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
