"""MS2xx/MS5xx/MS6xx and MS101's INF part: fixtures, the Microsoft corpus, the docs fragments.

Every fixture in fixtures/bad/ named ``MSxxx-…`` must give exactly the findings
listed here (code, line, column of the key or value at fault); every fixture in
fixtures/near/ must give none.  Manifest fixtures are also linted as JSON
(converted on the fly) and must give the same codes.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from validator.engine import lint_bytes, lint_path
from validator.rules import load_all

# Not imported from conftest: tests may become a package (tests/__init__.py).
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAMILIES = ("MS0", "MS1", "MS2", "MS5", "MS6")
OURS = sorted(code for code, r in load_all().items()
              if code.startswith(("MS2", "MS5", "MS6")) and r.check is not None) + ["MS101"]

# file name → [(code, line, column)], in report order.
BAD = {
    "MS101-provider-without-dll.inf": [("MS101", 10, 1)],
    "MS201-orphan-provider.inf": [("MS201", 15, 1)],
    "MS201-orphan-provider.toml": [("MS201", 15, 1)],
    "MS202-misspelt-provider.toml": [("MS202", 8, 14)],
    "MS202-undefined-provider.inf": [("MS202", 8, 23)],
    "MS202-undefined-provider.toml": [("MS202", 8, 28)],
    "MS203-provider-in-two-services.toml": [("MS203", 18, 14)],
    "MS203-provider-twice.inf": [("MS203", 8, 23)],
    "MS204-no-providers.inf": [("MS204", 8, 1)],
    "MS204-no-providers.toml": [("MS204", 8, 1)],
    "MS205-service-not-in-services.inf": [("MS205", 3, 1)],
    "MS205-services-entry-without-section.inf": [("MS205", 3, 1)],
    "MS206-default-not-in-services.inf": [("MS206", 5, 1)],
    "MS206-default-provider.toml": [("MS206", 14, 1)],
    "MS207-comma-in-name.toml": [("MS207", 3, 1)],
    "MS207-equals-in-name.inf": [("MS207", 10, 1)],
    "MS208-provider-with-sections.inf": [("MS208", 14, 1)],
    "MS209-two-address-books-one-dll.inf": [("MS209", 17, 22)],
    "MS209-two-address-books-one-dll.toml": [("MS209", 17, 7)],
    "MS501-mapi-ab.toml": [("MS501", 11, 8)],
    "MS501-spooler-number.inf": [("MS501", 11, 18)],
    "MS502-misspelt-flag.inf": [("MS502", 7, 19)],
    "MS502-status-flag-on-service.toml": [("MS502", 7, 64)],
    "MS503-hook-flag-on-transport.inf": [("MS503", 19, 43)],
    "MS503-store-flag-on-address-book.toml": [("MS503", 14, 10)],
    "MS504-both-identity-flags.toml": [("MS504", 7, 64)],
    "MS504-default-and-no-default-store.inf": [("MS504", 14, 43)],
    "MS505-create-with-store.toml": [("MS505", 7, 10)],
    "MS505-simple-store.inf": [("MS505", 14, 19)],
    "MS506-identity-service-without-identity-provider.inf": [("MS506", 7, 41)],
    "MS506-no-identity-service-with-identity-provider.toml": [("MS506", 7, 33)],
    "MS507-no-identity-flag.toml": [("MS507", 3, 1)],
    "MS507-single-copy-only.inf": [("MS507", 7, 1)],
    "MS601-dll-with-32.inf": [("MS601", 12, 29)],
    "MS601-dll-with-32.toml": [("MS601", 5, 7)],
    "MS602-period-in-directory.inf": [("MS602", 12, 46)],
    "MS602-two-periods-in-file-name.toml": [("MS602", 12, 7)],
    "MS603-environment-variable.toml": [("MS603", 12, 7)],
    "MS603-relative-path.inf": [("MS603", 5, 21)],
    "MS604-decorated-wizard-entry.inf": [("MS604", 7, 19)],
    "MS604-entry-with-blank.toml": [("MS604", 6, 9)],
    "MS605-dll-without-entry.inf": [("MS605", 5, 1)],
    "MS605-entry-without-dll.toml": [("MS605", 5, 1)],
    "MS606-provider-uid.toml": [("MS606", 14, 14)],
    "MS606-service-uid-tag.inf": [("MS606", 9, 1)],
    "MS607-shared-dll-deleted.inf": [("MS607", 20, 38)],
    "MS607-shared-dll-deleted.toml": [("MS607", 20, 32)],
    "MS608-long-help-component.inf": [("MS608", 5, 1)],
    "MS608-long-help-component.toml": [("MS608", 5, 1)],
    "MS609-not-ansi.inf": [("MS609", 13, 29)],
    "MS609-not-ansi.toml": [("MS609", 13, 11)],
}
# Severity overrides of a rule's default (MS506 and MS605 have a warning form).
SEVERITY = {"MS506-identity-service-without-identity-provider.inf": "warning",
            "MS605-dll-without-entry.inf": "warning"}


def _found(path: Path) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint_path(path).diagnostics]


def _ours(path: Path) -> list[Path]:
    """Fixtures of these families (for MS101 only the INF ones: the schema owns the rest)."""
    return sorted(p for p in path.iterdir() if p.name.split("-")[0] in OURS
                  and (p.name.split("-")[0] != "MS101" or p.suffix == ".inf"))


def test_every_bad_fixture_is_listed():
    assert {p.name for p in _ours(FIXTURES / "bad")} == set(BAD)


def test_every_code_has_a_bad_and_a_near_fixture():
    bad = {name.split("-")[0] for name in BAD}
    near = {p.name.split("-")[0] for p in _ours(FIXTURES / "near")}
    assert bad == set(OURS)
    assert near == set(OURS)


def test_inf_fixture_for_every_code_that_applies_to_inf():
    registry = load_all()
    for code in OURS:
        formats = {name.rsplit(".", 1)[1] for name in BAD if name.startswith(code)}
        if "I" in registry[code].applies:
            assert "inf" in formats, code
        if "M" in registry[code].applies and code != "MS101":
            assert "toml" in formats, code


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_fixture(name):
    path = FIXTURES / "bad" / name
    result = lint_path(path)
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == BAD[name]
    assert name.split("-")[0] == BAD[name][0][0]
    for diagnostic in result.diagnostics:
        assert diagnostic.severity == SEVERITY.get(name, load_all()[diagnostic.code].severity)


@pytest.mark.parametrize("name", sorted(n for n in BAD if n.endswith(".toml")))
def test_bad_fixture_as_json_gives_the_same_codes(name):
    data = tomllib.loads((FIXTURES / "bad" / name).read_text(encoding="utf-8"))
    result = lint_bytes(json.dumps(data, indent=2).encode(), name.replace(".toml", ".json"))
    assert [d.code for d in result.diagnostics] == [code for code, _l, _c in BAD[name]]
    assert all(d.line > 1 for d in result.diagnostics)  # positions resolved, not defaulted


@pytest.mark.parametrize("path", _ours(FIXTURES / "near"), ids=lambda p: p.name)
def test_near_miss_gives_no_finding(path):
    assert _found(path) == []
    if path.suffix == ".toml":
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert lint_bytes(json.dumps(data).encode(), "near.json").diagnostics == []


def test_messages_speak_the_inputs_vocabulary():
    inf = lint_path(FIXTURES / "bad" / "MS601-dll-with-32.inf").diagnostics[0]
    toml = lint_path(FIXTURES / "bad" / "MS601-dll-with-32.toml").diagnostics[0]
    assert "PR_PROVIDER_DLL_NAME" in inf.message and "[CONTOSO_AB]" in inf.message
    assert toml.message.startswith("dll ") and "'CONTOSO'" in toml.message
    assert "PR_" not in toml.message


def test_related_points_at_the_other_place():
    found = lint_path(FIXTURES / "bad" / "MS203-provider-in-two-services.toml").diagnostics[0]
    assert [(line, col) for _p, line, col, _m in found.related] == [(8, 14)]
    found = lint_path(FIXTURES / "bad" / "MS607-shared-dll-deleted.inf").diagnostics[0]
    assert [(line, col) for _p, line, col, _m in found.related] == [(6, 21)]
    found = lint_path(FIXTURES / "bad" / "MS202-misspelt-provider.toml").diagnostics[0]
    assert found.help == "did you mean 'CONTOSO_AB'?"
    assert [(line, col) for _p, line, col, _m in found.related] == [(10, 1)]


def test_flag_item_is_narrowed_inside_the_inf_value():
    found = lint_path(FIXTURES / "bad" / "MS503-hook-flag-on-transport.inf").diagnostics[0]
    assert (found.column, found.end_column) == (43, 43 + len("HOOK_INBOUND"))


def test_rules_skip_wrongly_typed_manifest_values():
    data = {
        "manifest_version": 1,
        "services": {"S": {"display_name": "S", "dll": 5, "entry": ["x"], "flags": "SERVICE_X",
                           "providers": "P", "sections": [1], "delete_files": 3,
                           "help_file": None, "settings": []}},
        "providers": {"P": {"type": 33, "dll": {"a": 1}, "display": "P", "flags": [1, None],
                            "settings": {"PR_X": {"a": [1]}}},
                      "Q": "not a table"},
        "sections": {"X": []},
    }
    result = lint_bytes(json.dumps(data).encode(), "typed.json")
    # Each wrong type is the schema's alone: no rule speaks over it or hides it.
    assert {d.code for d in result.diagnostics} == {"MS102", "MS103"}
    assert len(result.diagnostics) == 15


def test_a_rule_finding_does_not_hide_a_missing_member():
    # A service without flags (MS507) that also lacks `display_name` (MS101): both.
    text = ('manifest_version = 1\n[services.S]\nproviders = ["P"]\n[providers.P]\n'
            'type = "MAPI_AB_PROVIDER"\ndll = "p.dll"\ndisplay = "P"\n')
    found = [(d.code, d.line) for d in lint_bytes(text.encode(), "m.toml").diagnostics]
    assert found == [("MS101", 2), ("MS507", 2)]


# --- Microsoft's files -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sabp-MAPISVC.INF", "wrappst.inf", "mfcmapi-pst.inf"])
def test_microsoft_files_give_no_finding(shared, name):
    assert _found(shared / "corpus" / "inf" / name) == []


def test_mrxp_gives_one_identity_warning(shared):
    result = lint_path(shared / "corpus" / "inf" / "mrxp.inf")
    assert [(d.code, d.severity, d.line, d.column) for d in result.diagnostics] == [
        ("MS507", "warning", 3, 1)]
    assert "[MRXP]" in result.diagnostics[0].message


# What a reader expects from the reference pages' fragments (only the codes of the
# families these rules own: MS3xx/MS4xx may fire on them too).  The policy (see
# validator/rules/services.py): a file with [Services] must hold everything it
# refers to; a file without it is a fragment, whose links are checked only where
# the file holds the other end.
DOCS = {
    # `Providers`/`Sections` lines lost their '=' in publishing: two unreadable lines.
    "docs-list-entries-in-mapisvc-inf-message-service-sections__block1.inf":
        [("MS001", 1, 1), ("MS001", 2, 1)],
    # [AB] and [MsgService] alone: their providers are on another page (fragment, no
    # MS202); [MsgService] states no identity flag (SERVICE_SINGLE_COPY only).
    "docs-list-entries-in-mapisvc-inf-message-service-sections__block2.inf":
        [("MS507", 15, 1)],
    # An extra section alone (its 31-digit UID is MS408, another family).
    "docs-list-entries-in-mapisvc-inf-message-service-sections__block3.inf": [],
    # [Default Services] without [Services]: checked where [Services] is.
    "docs-mapisvc-inf-default-services-section__block1.inf": [],
    # Component names of 4–10 characters.
    "docs-mapisvc-inf-help-file-mappings-section__block1.inf": [],
    # Provider sections without their services: no MS201 in a fragment.
    "docs-mapisvc-inf-service-provider-sections__block1.inf": [],
    # [Services] claims a whole catalogue: each name needs its section "elsewhere in
    # the file" (mapi-facts §1.3), and none is there; the docs never show [MS] at all.
    "docs-mapisvc-inf-services-section__block1.inf":
        [("MS205", 2, 1), ("MS205", 3, 1), ("MS205", 4, 1)],
    # Two hex-tag entries before any header: MS3xx/MS4xx material only.
    "docs-property-entries-in-mapisvc-inf-message-service-sections__block1.inf": [],
}


@pytest.mark.parametrize("name", sorted(DOCS))
def test_docs_fragment(shared, name):
    found = [f for f in _found(shared / "corpus" / "inf" / name) if f[0].startswith(FAMILIES)]
    assert found == DOCS[name]


def test_docs_fragments_are_all_covered(shared):
    names = {p.name for p in (shared / "corpus" / "inf").glob("docs-*.inf")}
    assert names == set(DOCS)


# --- MAPISVC.INF details -----------------------------------------------------------------

SERVICE = ("[Services]\r\nS=Service\r\n[S]\r\nProviders=P\r\n"
           "PR_RESOURCE_FLAGS=SERVICE_NO_PRIMARY_IDENTITY\r\n")


def _inf(text: str, encoding: str = "cp1252") -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column)
            for d in lint_bytes(text.encode(encoding), "MAPISVC.INF").diagnostics]


def _provider(*lines: str) -> str:
    return SERVICE + "[P]\r\nPR_PROVIDER_DLL_NAME=p.dll\r\nPR_PROVIDER_DISPLAY=P\r\n" + \
        "".join(line + "\r\n" for line in lines)


@pytest.mark.parametrize("value", ["MAPI_AB_PROVIDER", "35", "23000000", "0x23"])
def test_resource_type_numbers_are_read_leniently(value):
    assert _inf(_provider(f"PR_RESOURCE_TYPE={value}")) == []


@pytest.mark.parametrize("value,found", [
    ("MAPI_AB_PROVIDERS", [("MS501", 9, 18)]),
    ("34", [("MS501", 9, 18)]),          # MAPI_AB, MAPI's own address book
    ("mapi_ab_provider", [("MS501", 9, 18)]),
    ("99", [("MS501", 9, 18)]),
])
def test_resource_type_that_is_no_provider_type(value, found):
    assert _inf(_provider(f"PR_RESOURCE_TYPE={value}")) == found


def test_numeric_flags_are_decoded_by_section_kind():
    # 20000000: little-endian 0x20, SERVICE_NO_PRIMARY_IDENTITY on a service.
    text = SERVICE.replace("SERVICE_NO_PRIMARY_IDENTITY", "20000000")
    assert _inf(text + "[P]\r\nPR_RESOURCE_TYPE=MAPI_AB_PROVIDER\r\nPR_PROVIDER_DLL_NAME=p.dll\r\n"
                "PR_PROVIDER_DISPLAY=P\r\n") == []
    # 0x42 on a store: STATUS_DEFAULT_STORE with STATUS_NO_DEFAULT_STORE.
    store = _provider("PR_RESOURCE_TYPE=MAPI_STORE_PROVIDER", "PR_RESOURCE_FLAGS=42000000")
    assert [code for code, _l, _c in _inf(store)] == ["MS504"]
    # 0x4000 is no provider flag.
    odd = _provider("PR_RESOURCE_TYPE=MAPI_AB_PROVIDER", "PR_RESOURCE_FLAGS=00400000")
    assert _inf(odd) == [("MS502", 10, 19)]


def test_headerless_fragment_is_judged_by_its_entries_only():
    found = _inf("PR_RESOURCE_TYPE=MAPI_AB_PROVIDER\r\nPR_PROVIDER_DLL_NAME=foo32.dll\r\n")
    assert found == [("MS601", 2, 25)]


def test_fragment_with_services_section_must_hold_what_it_lists():
    text = "[Services]\r\nS=Service\r\n[S]\r\nProviders=P, Q\r\n" \
           "PR_RESOURCE_FLAGS=SERVICE_NO_PRIMARY_IDENTITY\r\n"
    assert _inf(text) == [("MS202", 4, 11), ("MS202", 4, 14)]
    assert _inf(text.split("[S]")[0] + "[Default Services]\r\nT=T\r\n") == [
        ("MS205", 2, 1), ("MS206", 4, 1)]


def test_service_listed_in_services_without_providers_is_ms101():
    assert _inf("[Services]\r\nS=Service\r\n[S]\r\nPR_RESOURCE_FLAGS=SERVICE_NO_PRIMARY_IDENTITY\r\n") \
        == [("MS101", 3, 1)]


def test_list_naming_a_global_section_is_ms207_only():
    text = SERVICE.replace("Providers=P", "Providers=P, Services") + \
        "[P]\r\nPR_RESOURCE_TYPE=MAPI_AB_PROVIDER\r\nPR_PROVIDER_DLL_NAME=p.dll\r\n" \
        "PR_PROVIDER_DISPLAY=P\r\n"
    assert _inf(text) == [("MS207", 4, 14)]


def test_blanks_around_a_section_name_are_ms207():
    text = SERVICE.replace("[S]", "[ S ]") + \
        "[P]\r\nPR_RESOURCE_TYPE=MAPI_AB_PROVIDER\r\nPR_PROVIDER_DLL_NAME=p.dll\r\n" \
        "PR_PROVIDER_DISPLAY=P\r\n"
    assert _inf(text) == [("MS207", 3, 1)]


def test_not_ansi_in_a_utf16_file_points_at_the_character():
    text = _provider("PR_RESOURCE_TYPE=MAPI_AB_PROVIDER").replace("PR_PROVIDER_DISPLAY=P",
                                                                  "PR_PROVIDER_DISPLAY=P \u4e2d")
    assert _inf("\ufeff" + text, "utf-16-le") == [("MS609", 8, 23)]


def test_computed_properties_by_name_and_tag():
    text = _provider("PR_RESOURCE_TYPE=MAPI_AB_PROVIDER", "300C0102=4e495441f9bfb80100aa0037d96e0000",
                     "PR_PROVIDER_ORDINAL=01000000")
    found = [f for f in _inf(text) if f[0].startswith(FAMILIES)]
    assert found == [("MS606", 10, 1), ("MS606", 11, 1)]


def test_empty_required_inf_entry_is_ms101_at_the_entry():
    text = _provider("PR_RESOURCE_TYPE=MAPI_AB_PROVIDER").replace("PR_PROVIDER_DLL_NAME=p.dll",
                                                                  "PR_PROVIDER_DLL_NAME=")
    assert _inf(text) == [("MS101", 7, 1)]


def test_blank_manifest_values_are_the_schemas():
    text = ('manifest_version = 1\n[services.S]\ndisplay_name = "S"\ndll = ""\nhelp_file = ""\n'
            'flags = ["SERVICE_NO_PRIMARY_IDENTITY"]\nproviders = ["P", ""]\n[providers.P]\n'
            'type = "MAPI_AB_PROVIDER"\ndll = "p.dll"\ndisplay = "P"\n')
    found = {d.code for d in lint_bytes(text.encode(), "m.toml").diagnostics}
    assert found == {"MS105"}


@pytest.mark.parametrize("service_flag", ["SERVICE_NO_PRIMARY_IDENTITY", "SERVICE_PRIMARY_IDENTITY"])
def test_provider_with_both_identity_flags_is_ms504_only(service_flag):
    text = (f'manifest_version = 1\n[services.S]\ndisplay_name = "S"\nflags = ["{service_flag}"]\n'
            'providers = ["P"]\n[providers.P]\ntype = "MAPI_AB_PROVIDER"\ndll = "p.dll"\n'
            'display = "P"\nflags = ["STATUS_PRIMARY_IDENTITY", "STATUS_NO_PRIMARY_IDENTITY"]\n')
    found = [(d.code, d.line, d.column) for d in lint_bytes(text.encode(), "m.toml").diagnostics]
    assert found == [("MS504", 10, 37)]
