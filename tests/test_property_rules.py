"""MS301–MS314 and MS401–MS409: positions, the corpus, headers, --header (MS702), explain, mutations."""

from __future__ import annotations

import json
import tomllib

import pytest

from validator import engine, rules
from validator.engine import Context, lint_bytes, lint_path

from .conftest import FIXTURES, SHARED, need, run_cli

MY_CODES = [f"MS{n}" for n in range(301, 315)] + [f"MS{n}" for n in range(401, 410)] + ["MS702"]


class CoreContext(Context):
    """Only the curated core of well-known tags: results independent of installed headers."""

    @property
    def known_tags(self):
        from validator.tags import core_tags

        return core_tags().copy()


def found(result) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in result.diagnostics]


# Every faulty fixture of this family: exactly these findings, at the key/value at fault.
BAD_POSITIONS = {
    "MS301-duplicate-id.toml": [("MS301", 19, 6)],  # the second `id = 0x6600`
    "MS301-one-id-twice.h": [("MS301", 5, 27)],  # PROP_TAG(...) of the second define
    "MS301-one-id-two-types.inf": [("MS301", 15, 1)],  # 6600001E in the provider section
    "MS302-defined-again.h": [("MS302", 5, 9)],
    "MS302-names-equal-ignoring-case.toml": [("MS302", 18, 1)],
    "MS303-well-known-name.h": [("MS303", 4, 25)],
    "MS303-well-known-name.toml": [("MS303", 14, 6)],  # the id that differs from 0x3001
    "MS304-error-type.h": [("MS304", 4, 27)],
    "MS304-no-multi-valued-form.toml": [("MS304", 15, 8)],
    "MS304-no-multi-valued-form.h": [("MS304", 4, 37)],  # an unknown PT_ name, not MS001
    "MS304-object-tag.inf": [("MS304", 14, 1)],
    "MS304-unknown-type.toml": [("MS304", 15, 8)],
    "MS305-invalid-id.h": [("MS305", 4, 28)],
    "MS305-invalid-id.inf": [("MS305", 14, 1)],
    "MS305-null-id.toml": [("MS305", 14, 6)],
    "MS306-mapi-range.h": [("MS306", 5, 27)],
    "MS306-mapi-range.toml": [("MS306", 14, 6)],
    "MS307-outside-provider-range.inf": [("MS307", 14, 1)],
    "MS307-setting-outside-provider-range.toml": [("MS307", 12, 14)],  # the settings key
    "MS308-named-range.h": [("MS308", 4, 24)],
    "MS308-named-range.inf": [("MS308", 14, 1)],
    "MS308-named-range.toml": [("MS308", 14, 6)],
    "MS309-secret-in-settings.toml": [("MS309", 12, 14)],
    "MS309-secure-range.inf": [("MS309", 14, 1)],
    "MS310-0x-prefix.inf": [("MS310", 14, 1)],
    "MS311-long-not-hex.inf": [("MS311", 14, 10)],  # the value
    "MS311-text-for-long.toml": [("MS311", 12, 32)],
    "MS312-not-identifier.toml": [("MS312", 13, 1)],
    "MS313-lower-case.toml": [("MS313", 13, 1)],
    "MS313-no-provider-prefix.h": [("MS313", 4, 9)],
    "MS314-misspelt-key.inf": [("MS314", 14, 1)],
    "MS314-misspelt-setting.toml": [("MS314", 12, 14)],
    "MS401-minimum-over-maximum.toml": [("MS401", 17, 11)],
    "MS402-bound-too-big-for-i2.toml": [("MS402", 17, 11)],
    "MS403-default-below-minimum.toml": [("MS403", 19, 11)],
    "MS404-not-a-constant.toml": [("MS404", 12, 38)],
    "MS404-setting-above-maximum.toml": [("MS404", 12, 32)],
    "MS405-repeated-value.toml": [("MS405", 17, 35)],
    "MS406-zero-flag.toml": [("MS406", 17, 31)],
    "MS407-minimum-on-string.toml": [("MS407", 17, 1)],
    "MS408-install-id-not-braced.toml": [("MS408", 7, 14)],
    "MS408-short-uid.inf": [("MS408", 17, 5)],
    "MS409-no-description.toml": [("MS409", 13, 1)],
}


@pytest.mark.parametrize("name", sorted(BAD_POSITIONS))
def test_bad_fixture_position(name):
    assert found(lint_path(FIXTURES / "bad" / name, context=CoreContext())) == BAD_POSITIONS[name]


def test_every_code_has_bad_and_near_fixtures():
    bad = {p.name.split("-")[0] for p in (FIXTURES / "bad").iterdir()}
    near = {c for p in (FIXTURES / "near").iterdir() for c in p.name.split("-")[0].split("+")}
    for code in MY_CODES[:-1]:
        assert code in bad, code
        assert code in near, code
    assert set(BAD_POSITIONS) >= {p.name for p in (FIXTURES / "bad").iterdir()
                                   if p.name[:3] == "MS3" or p.name[:3] == "MS4"}


def test_related_points_at_the_first_declaration():
    result = lint_path(FIXTURES / "bad" / "MS301-duplicate-id.toml")
    (diagnostic,) = result.diagnostics
    assert diagnostic.related[0][1:3] == (14, 6)
    assert "PR_CONTOSO_SERVER" in diagnostic.message


def test_messages_use_the_inputs_vocabulary():
    inf = lint_path(FIXTURES / "bad" / "MS408-short-uid.inf").diagnostics[0].message
    toml = lint_path(FIXTURES / "bad" / "MS408-install-id-not-braced.toml").diagnostics[0].message
    assert inf.startswith("UID ") and toml.startswith("install_id ")


def test_json_manifest_positions():
    data = tomllib.loads((FIXTURES / "bad" / "MS301-duplicate-id.toml").read_text())
    text = json.dumps(data, indent=2)
    result = lint_bytes(text.encode(), "m.json")
    (diagnostic,) = result.diagnostics
    line = text.splitlines()[diagnostic.line - 1]
    assert diagnostic.code == "MS301" and line[diagnostic.column - 1:].startswith("26112")


# --- values in detail -------------------------------------------------------------

INF_BASE = "[Services]\nC=C\n[C]\nProviders=P\nPR_RESOURCE_FLAGS=SERVICE_NO_PRIMARY_IDENTITY\n[P]\n" \
           "PR_RESOURCE_TYPE=MAPI_AB_PROVIDER\nPR_PROVIDER_DLL_NAME=c.dll\nPR_PROVIDER_DISPLAY=C\n"


@pytest.mark.parametrize("entry, codes", [
    ("66090003=06000000", []),
    ("66090003=0x06", ["MS311"]),
    ("66090003=6", ["MS311"]),
    ("66090003=SERVICE_SINGLE_COPY|STATUS_DEFAULT_STORE", []),
    ("66090003=NOT_A_CONSTANT", ["MS311"]),
    ("66080102=0a0B", []),
    ("66080102=0a0", ["MS311"]),
    ("6608001F=any text at all", []),
    ("6608000B=yes", []),  # PT_BOOLEAN in hex-tag entries: UNCONFIRMED, not checked
    ("34140102=4e495441f9bfb80100aa0037d96e0000", []),
    ("34140102={4154494E-BFF9-01B8-00AA-0037D96E0000}", ["MS408"]),
    ("PR_AB_PROVIDER_ID=4e49", ["MS408"]),
    ("PR_SERVICE_INSTALL_ID={6485D262-C2AC-11D1-AD3E-10A0C911C9C0}", []),
    ("PR_SERVICE_INSTALL_ID=6485D262", ["MS408"]),
    ("6608000D=x", ["MS304"]),
    ("66083003=01000000", ["MS304"]),
    ("00000003=01000000", ["MS305"]),
    ("30FF0003=01000000", ["MS307"]),
    ("3E040003=01000000", []),  # PR_STATUS_CODE: well known
    ("660800031=1", ["MS310"]),
    ("6608003=1", ["MS310"]),
    ("PR_CONTOSO_X=1", ["MS314"]),
    ("PR_PST_PATH=c:\\x.pst", []),
    ("67F1001E=secret", ["MS309"]),
    ("8000001E=x", ["MS308"]),
])
def test_inf_entries(entry, codes):
    result = lint_bytes((INF_BASE + entry + "\n").encode(), "x.inf", context=CoreContext())
    assert [d.code for d in result.diagnostics] == codes


def test_inf_long_hint_gives_the_little_endian_form():
    result = lint_bytes((INF_BASE + "66090003=0x40\n").encode(), "x.inf")
    assert result.diagnostics[0].help == "write 40000000 for 64"


TOML_BASE = """manifest_version = 1
[services.C]
display_name = "C"
flags = ["SERVICE_NO_PRIMARY_IDENTITY"]
providers = ["P"]
[providers.P]
type = "MAPI_AB_PROVIDER"
dll = "c.dll"
display = "C"
settings = {{ PR_CONTOSO_X = {value} }}
[properties.PR_CONTOSO_X]
id = 0x6600
description = "x"
type = "{type}"
{extra}
"""


@pytest.mark.parametrize("type_, value, extra, codes", [
    ("PT_LONG", "1", "", []),
    ("PT_LONG", "4294967295", "", []),  # the unsigned image of a ULONG
    ("PT_LONG", "4294967296", "", ["MS311"]),
    ("PT_LONG", "true", "", ["MS311"]),
    ("PT_I2", "-32768", "", []),
    ("PT_I2", "-32769", "", ["MS311"]),
    ("PT_BOOLEAN", "true", "", []),
    ("PT_BOOLEAN", "1", "", ["MS311"]),
    ("PT_UNICODE", "1", "", ["MS311"]),
    ("PT_MV_UNICODE", '["a", "b"]', "", []),
    ("PT_MV_UNICODE", '["a", 2]', "", ["MS311"]),
    ("PT_MV_LONG", "[1, 2]", "", []),
    ("PT_LONG", "[1, 2]", "", ["MS311"]),
    ("PT_BINARY", '"00ff"', "", []),
    ("PT_BINARY", '"0ff"', "", ["MS311"]),
    ("PT_CLSID", '"{5095A9C2-D340-48EE-B319-FBA753304425}"', "", []),
    ("PT_CLSID", '"5095A9C2"', "", ["MS408"]),
    ("PT_LONG", '"A_ON"', "values = { A_OFF = 0, A_ON = 1 }", []),
    ("PT_LONG", "1", "values = { A_OFF = 0, A_ON = 1 }", []),
    ("PT_LONG", "2", "values = { A_OFF = 0, A_ON = 1 }", ["MS404"]),
    ("PT_LONG", '["F_A", "F_B"]', "flags = { F_A = 1, F_B = 2 }", []),
    ("PT_LONG", "3", "flags = { F_A = 1, F_B = 2 }", []),
    ("PT_LONG", "4", "flags = { F_A = 1, F_B = 2 }", ["MS404"]),
    ("PT_UNICODE", '"abcd"', "max_length = 3", ["MS404"]),
    ("PT_UNICODE", '"abc"', 'pattern = "^[a-c]+$"', []),
    ("PT_UNICODE", '"abd"', 'pattern = "^[a-c]+$"', ["MS404"]),
    ("PT_LONG", "1", "default = 2\nminimum = 1\nmaximum = 1", ["MS403"]),
    ("PT_LONG", "1", 'default = "x"', ["MS402"]),
    ("PT_LONG", "1", "values = {}", ["MS405"]),
    ("PT_LONG", "1", "flags = { F_A = 1, F_B = 1 }", ["MS406"]),
    ("PT_LONG", "6", "flags = { F_A = 6 }", ["MS406"]),
    ("PT_LONG", "0", "flags = { F_A = 0x100000000 }", ["MS402"]),
    ("PT_UNICODE", '"x"', "values = { A = 1 }", ["MS407"]),
    ("PT_DOUBLE", "1", "minimum = 1\nmaximum = 2", []),
])
def test_typed_values(type_, value, extra, codes):
    text = TOML_BASE.format(type=type_, value=value, extra=extra)
    result = lint_bytes(text.encode(), "m.toml", context=CoreContext())
    assert [d.code for d in result.diagnostics] == codes


def test_flags_sharing_a_bit_is_a_warning():
    text = TOML_BASE.format(type="PT_LONG", value="1", extra="flags = { F_A = 1, F_B = 1 }")
    (diagnostic,) = lint_bytes(text.encode(), "m.toml").diagnostics
    assert diagnostic.severity == "warning" and diagnostic.related


def test_constant_with_two_values_across_properties():
    text = TOML_BASE.format(type="PT_LONG", value="1", extra="values = { A_OFF = 0, A_ON = 1 }") + \
        '[properties.PR_CONTOSO_Y]\nid = 0x6601\ndescription = "y"\ntype = "PT_LONG"\n' \
        "values = { A_OFF = 5 }\n"
    assert [d.code for d in lint_bytes(text.encode(), "m.toml").diagnostics] == ["MS405"]


# --- the corpus --------------------------------------------------------------------

# Headers: only mrxp-PropTags.h has something to say.  It re-defines Exchange's PR_HAS_DAMS
# (EdkMdb.h, 0x3FEA) by hand; mapisvc does not know EdkMdb.h unless given with
# --mapi-include, so a custom tag in MAPI's range is what it sees (MS306).  Everything else is
# sound: the mspab.h _A/_W/TSTRING triple is one property (no MS301), PR_PST_* and
# PR_PROFILE_* are MAPI's own definitions repeated (no MS303/MS313), sabp-abp.h's
# PR_SMP_AB_PATH (PT_TSTRING, BASE_PROVIDER_ID + 8) is a well-formed provider tag, and no
# name breaks the PR_<PROVIDER>_<NAME> convention.
HEADER_CODES = {
    "mingw-mapiwz.h": [],
    "mingw-mspab.h": [],
    "mingw-mspst.h": [],
    "mingw-smpab.h": [],
    "mingw-smpms.h": [],
    "mingw-smpxp.h": [],
    "mrxp-PropTags.h": [("MS306", 12, 26)],
    "ms-MSPST.h": [],
    "sabp-abp.h": [],
    "wrappst-Provider.h": [],
}


def test_corpus_headers(shared):
    names = sorted(p.name for p in (shared / "corpus" / "headers").iterdir())
    assert names == sorted(HEADER_CODES)
    for name in names:
        result = lint_path(shared / "corpus" / "headers" / name, context=CoreContext())
        assert found(result) == HEADER_CODES[name], name


def test_corpus_headers_with_installed_headers(shared):
    # With mingw-w64's headers (when installed) more tags are well known: never more findings.
    for name, codes in HEADER_CODES.items():
        result = lint_path(shared / "corpus" / "headers" / name)
        assert set(found(result)) <= set(codes), name


# Complete Microsoft files: nothing for this family.  Docs fragments: the 31-digit UID
# typo (MS408) and the placeholder `66040003=integer` (MS311) — both real faults that a
# reader copying the docs would make; every other hex entry there is a sound PT_LONG image
# or string in 0x6600-0x67FF.
INF_CODES = {
    "sabp-MAPISVC.INF": [],
    "wrappst.inf": [],
    "mfcmapi-pst.inf": [],
    "mrxp.inf": [],
    "docs-list-entries-in-mapisvc-inf-message-service-sections__block1.inf": [],
    "docs-list-entries-in-mapisvc-inf-message-service-sections__block2.inf": [],
    "docs-list-entries-in-mapisvc-inf-message-service-sections__block3.inf": [("MS408", 2, 5)],
    "docs-mapisvc-inf-default-services-section__block1.inf": [],
    "docs-mapisvc-inf-help-file-mappings-section__block1.inf": [],
    "docs-mapisvc-inf-service-provider-sections__block1.inf": [],
    "docs-mapisvc-inf-services-section__block1.inf": [],
    "docs-property-entries-in-mapisvc-inf-message-service-sections__block1.inf": [("MS311", 2, 10)],
}


def test_corpus_inf(shared):
    names = sorted(p.name for p in (shared / "corpus" / "inf").iterdir())
    assert names == sorted(INF_CODES)
    for name in names:
        result = lint_path(shared / "corpus" / "inf" / name)
        mine = [f for f in found(result) if f[0][:3] in ("MS3", "MS4")]
        assert mine == INF_CODES[name], name


# --- headers -------------------------------------------------------------------------


def lint_header_text(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return lint_bytes(data, "x.h", context=CoreContext())


def test_header_unevaluable_define_is_ms001():
    result = lint_header_text("#define PR_CONTOSO_X PROP_TAG(PT_LONG, CONTOSO_BASE + 1)\n")
    assert found(result) == [("MS001", 1, 40)]


def test_header_decoding():
    assert found(lint_header_text(b"// caf\xe9\n#define PR_CONTOSO_X PROP_TAG(PT_LONG, 0x6600)\n")) == []
    assert found(lint_header_text(b"// \x81\n")) == [("MS004", 1, 4)]
    assert found(lint_header_text(b"\x00\x01")) == [("MS004", 1, 1)]


def test_header_alias_and_identical_redefinition():
    text = ("#define PR_CONTOSO_X PROP_TAG(PT_LONG, 0x6600)\n#define PR_CONTOSO_Y PR_CONTOSO_X\n"
            "#define PR_CONTOSO_X PROP_TAG(PT_LONG, 0x6600)\n")
    assert found(lint_header_text(text)) == []


def test_header_well_known_redefined_with_another_type():
    assert found(lint_header_text("#define PR_DISPLAY_NAME_W PROP_TAG(PT_STRING8, 0x3001)\n")) \
        == [("MS303", 1, 27)]


def test_header_rules_are_registered_for_h():
    for code in ("MS301", "MS302", "MS303", "MS304", "MS305", "MS306", "MS308", "MS312", "MS313"):
        assert "H" in rules.get(code).applies, code
    for code in ("MS307", "MS309", "MS310", "MS311", "MS314", "MS409"):
        assert "H" not in rules.get(code).applies, code


# --- check --header (MS702) ----------------------------------------------------------

MULTI = FIXTURES / "valid" / "multi.toml"


def test_header_matching_the_manifest(tmp_path):
    header = tmp_path / "contoso.h"
    header.write_text(
        "#define PR_CONTOSO_SERVER PROP_TAG(PT_TSTRING, 0x6600)\n"
        "#define PR_CONTOSO_SERVER_A PROP_TAG(PT_STRING8, 0x6600)\n"
        "#define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6601)\n"
        "#define PR_CONTOSO_CACHE_MODE PROP_TAG(PT_LONG, 0x6602)\n"
        "#define PR_CONTOSO_SYNC_FLAGS PROP_TAG(PT_LONG, 0x6603)\n"
        "#define PR_CONTOSO_PASSWORD PROP_TAG(PT_UNICODE, 0x67F0)\n")
    result = run_cli("check", MULTI, "--header", header, "--format", "json")
    assert result.code == 0, result.out


def test_header_contradicting_the_manifest(tmp_path):
    header = tmp_path / "contoso.h"
    header.write_text(
        "#define PR_CONTOSO_SERVER PROP_TAG(PT_TSTRING, 0x6600)\n"
        "#define PR_CONTOSO_SERVER_W PROP_TAG(PT_STRING8, 0x6600)\n"
        "#define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6609)\n"
        "#define PR_CONTOSO_CACHE_MODE PROP_TAG(PT_I2, 0x6602)\n"
        "#define PR_CONTOSO_PASSWORD PROP_TAG(PT_UNICODE, 0x67F0)\n")
    result = run_cli("check", MULTI, "--header", header, "--format", "json")
    assert result.code == 1
    diagnostics = [(d["path"].rsplit("/", 1)[-1], d["code"], d["line"], d["column"])
                   for d in result.json()["findings"]]
    assert sorted(diagnostics) == sorted([
        ("contoso.h", "MS702", 2, 29),  # _W must be PT_UNICODE
        ("contoso.h", "MS702", 3, 25),  # another ID
        ("contoso.h", "MS702", 4, 31),  # PT_I2 where the manifest says PT_LONG
        ("multi.toml", "MS702", 82, 1),  # PR_CONTOSO_SYNC_FLAGS is missing from the header
    ])


def test_unreadable_header_is_a_usage_problem(tmp_path):
    result = run_cli("check", MULTI, "--header", tmp_path / "missing.h")
    assert result.code == 2 and "cannot read" in result.err


def test_header_given_twice_is_linted_once(tmp_path):
    header = tmp_path / "x.h"
    header.write_text("#define PR_PORT PROP_TAG(PT_LONG, 0x6601)\n")
    from validator.artefacts import check_artefacts

    context = CoreContext()
    results = [lint_path(MULTI, context=context), lint_path(header, context=context)]
    new = check_artefacts(results, [str(header)], [], context)
    assert new == []
    assert [d.code for d in results[1].diagnostics] == ["MS313"]


# --- explain and mutations -----------------------------------------------------------


@pytest.mark.parametrize("code", MY_CODES)
def test_explain(code):
    entry = rules.get(code)
    assert entry is not None and entry.summary
    for heading in ("## What it catches", "## Example", "## Fix"):
        assert heading in entry.explanation, (code, heading)
    result = run_cli("explain", code)
    assert result.code == 0 and "## Example" in result.out


def test_rules_md_lists_my_codes(shared):
    text = (shared / "spec" / "rules.md").read_text()
    for code in MY_CODES:
        assert f"| {code} |" in text


_VALID = sorted((FIXTURES / "valid").glob("*.toml"))


def _manifests():
    """validator.testing.valid_manifests() where it exists, else the valid fixtures."""
    from hypothesis import strategies as st

    import validator.testing as testing

    if hasattr(testing, "valid_manifests"):
        return testing.valid_manifests()
    return st.sampled_from([tomllib.loads(p.read_text()) for p in _VALID])


@pytest.mark.parametrize("code", [c for c in MY_CODES if c not in ("MS310", "MS702")])
def test_mutation_gives_exactly_its_code(code):
    import copy

    import tomli_w
    from hypothesis import HealthCheck, given, settings, strategies as st

    import validator.testing.properties  # noqa: F401  (registers the mutations)
    from validator.testing import MUTATIONS

    assert MUTATIONS.get(code), code

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(_manifests(), st.data())
    def check(manifest, data):
        mutate, _formats = data.draw(st.sampled_from(MUTATIONS[code]))
        mutated = mutate(copy.deepcopy(manifest), data.draw)
        if mutated is None:
            return
        for text, path in ((tomli_w.dumps(mutated), "m.toml"), (json.dumps(mutated, indent=1), "m.json")):
            result = lint_bytes(text.encode(), path)
            assert [d.code for d in result.diagnostics] == [code], [
                (d.code, d.message) for d in result.diagnostics]
            assert result.diagnostics[0].line > 1  # a resolved position

    check()


def test_schema_faults_are_not_hidden_by_property_rules():
    # A wrongly typed setting is the schema's (MS102) alone; a property missing its type is
    # MS101, not also an undocumented (MS409) or badly named (MS313) one.
    text = TOML_BASE.format(type="PT_LONG", value="{ a = 1 }", extra="")
    assert [d.code for d in lint_bytes(text.encode(), "m.toml").diagnostics] == ["MS102"]
    text = TOML_BASE.format(type="PT_LONG", value="1", extra="") + "[properties.PR_X]\nid = 0x6601\n"
    assert [d.code for d in lint_bytes(text.encode(), "m.toml").diagnostics] == ["MS101"]


def test_dlls_go_to_the_dll_module_one_at_a_time(monkeypatch):
    import importlib.machinery
    import sys
    import types

    from validator.artefacts import check_artefacts

    calls = []

    def check_dlls(results, paths, context=None):
        calls.append(list(paths))
        if paths == ["bad.dll"]:
            raise OSError("cannot read: not a PE file")
        return [engine.FileResult(paths[0], [])]

    fake = types.ModuleType("validator.dll")
    fake.__spec__ = importlib.machinery.ModuleSpec("validator.dll", None)
    fake.check_dlls = check_dlls
    monkeypatch.setitem(sys.modules, "validator.dll", fake)
    import validator

    monkeypatch.setattr(validator, "dll", fake, raising=False)
    problems = []
    new = check_artefacts([], [], ["bad.dll", "good.dll"], CoreContext(), problems)
    assert calls == [["bad.dll"], ["good.dll"]]
    assert [r.path for r in new] == ["good.dll"]
    assert [(p.path, p.message) for p in problems] == [("bad.dll", "cannot read: not a PE file")]


def test_unknown_setting_suggests_the_declared_name():
    text = TOML_BASE.format(type="PT_LONG", value="1", extra="").replace(
        "settings = { PR_CONTOSO_X", "settings = { PR_Contoso_X")
    (diagnostic,) = lint_bytes(text.encode(), "m.toml").diagnostics
    assert diagnostic.code == "MS314" and diagnostic.help.startswith("did you mean PR_CONTOSO_X?")
    text = TOML_BASE.format(type="PT_LONG", value="1", extra="").replace(
        "settings = { PR_CONTOSO_X", "settings = { PR_CONTOSO_Y")
    (diagnostic,) = lint_bytes(text.encode(), "m.toml").diagnostics
    assert diagnostic.help == "did you mean PR_CONTOSO_X?"


def test_rules_never_crash_on_odd_values():
    from hypothesis import given, settings, strategies as st

    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(1 << 70), 1 << 70),
                        st.floats(allow_nan=False), st.text(max_size=8),
                        st.sampled_from(["PT_LONG", "PT_MV_UNICODE", "0x6600", "[", "{1234}",
                                         "PT_TSTRING", "PR_DISPLAY_NAME", "00ff"]))
    values = st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
        max_leaves=6)
    members = st.dictionaries(st.sampled_from(["id", "type", "description", "minimum", "maximum",
                                               "default", "values", "flags", "max_length",
                                               "pattern", "secure", "set", "name", "lid"]),
                              values, max_size=6)

    @settings(max_examples=150, deadline=None)
    @given(st.dictionaries(st.sampled_from(["PR_CONTOSO_A", "PR_contoso_a", "PR_DISPLAY_NAME",
                                            "bad name", "PR_X"]), st.one_of(members, values),
                           max_size=4),
           st.dictionaries(st.sampled_from(["PR_CONTOSO_A", "PR_X", "0x66000003", "PR_DISPLAY_NAME",
                                            "0x67F0001F", "junk"]), values, max_size=4))
    def check(properties, setting_values):
        manifest = {"manifest_version": 1,
                    "services": {"S": {"display_name": "S", "providers": ["P"],
                                       "install_id": "x", "settings": setting_values}},
                    "providers": {"P": {"type": "MAPI_AB_PROVIDER", "dll": "p.dll", "display": "P",
                                        "mdb_provider": "{1}", "settings": setting_values}},
                    "properties": properties}
        result = lint_bytes(json.dumps(manifest).encode(), "m.json", context=CoreContext())
        assert all(d.line >= 1 and d.column >= 1 for d in result.diagnostics)

    check()


def test_inf_and_header_rules_never_crash():
    from hypothesis import given, settings, strategies as st

    keys = st.one_of(st.from_regex(r"[0-9A-Fa-f]{6,9}", fullmatch=True),
                     st.from_regex(r"0x[0-9A-F]{8}", fullmatch=True),
                     st.sampled_from(["UID", "PR_DISPLAY_NAME", "PR_SERVICE_INSTALL_ID",
                                      "Providers", "PR_X", "34140102", "67F0001F"]))
    text_values = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)

    @settings(max_examples=120, deadline=None)
    @given(st.lists(st.tuples(keys, text_values), max_size=8),
           st.lists(st.tuples(st.sampled_from(["PR_A", "PR_contoso_b", "X", "PR_A_W"]),
                              st.sampled_from(["PT_LONG", "PT_TSTRING", "PT_MV_STRING8", "PT_OBJECT",
                                               "0x1003", "PT_UNICODE | MV_INSTANCE"]),
                              st.integers(0, 0x1FFFF)), max_size=6))
    def check(entries, defines):
        inf = INF_BASE + "".join(f"{k}={v}\n" for k, v in entries)
        lint_bytes(inf.encode("utf-8"), "x.inf", context=CoreContext())
        header = "".join(f"#define {n} PROP_TAG({t}, 0x{i:X})\n" for n, t, i in defines)
        lint_bytes(header.encode(), "x.h", context=CoreContext())

    check()


def test_header_other_names_for_mapi_tags():
    text = ("#define PR_CONTOSO_DISPLAY_W CHANGE_PROP_TYPE(PR_DISPLAY_NAME, PT_UNICODE)\n"
            "#define PR_DISPLAY_NAME_W PROP_TAG(PT_UNICODE, 0x3001)\n"
            "#define PR_CONTOSO_FLAGS PR_RESOURCE_FLAGS\n")
    assert found(lint_header_text(text)) == []
    # Not MAPI's tag: a custom property in MAPI's range.
    assert found(lint_header_text("#define PR_CONTOSO_DISPLAY PROP_TAG(PT_LONG, 0x3001)\n")) \
        == [("MS306", 1, 28)]


def test_manifest_long_written_as_inf_hex_gets_the_number():
    text = TOML_BASE.format(type="PT_LONG", value='"06000000"', extra="")
    (diagnostic,) = lint_bytes(text.encode(), "m.toml").diagnostics
    assert diagnostic.code == "MS311" and diagnostic.help.startswith("write 6:")


@pytest.mark.parametrize("name", ["mapitags.h", "mapidefs.h", "mspst.h", "smpxp.h", "mapiwz.h"])
def test_mingw_mapi_headers_lint_clean(name):
    # MAPI's own headers define MAPI's own tags: PT_OBJECT and PT_NULL tags, IDs shared by
    # two types (PR_ATTACH_DATA_OBJ/_BIN) and all.  Nothing to report.
    from validator.tags import MINGW_INCLUDE

    path = f"{MINGW_INCLUDE}/{name}"
    import os

    need(os.path.isfile(path), f"{path} is absent (Debian package mingw-w64-common)")
    assert found(lint_path(path)) == []


def test_mapi_include_teaches_exchange_tags(shared, tmp_path):
    # The help of mrxp-PropTags.h's MS306 says to give EdkMdb.h with --mapi-include: it works.
    (tmp_path / "edkmdb.h").write_text("#define PR_HAS_DAMS PROP_TAG(PT_BOOLEAN, 0x3FEA)\n")
    result = lint_path(shared / "corpus" / "headers" / "mrxp-PropTags.h",
                       context=Context(mapi_include=[str(tmp_path)]))
    assert found(result) == []
