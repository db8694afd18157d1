"""mapisvc convert: INF → manifest without silent loss, TOML ↔ JSON."""

from __future__ import annotations

import json
import tomllib

from .conftest import FIXTURES


def test_inf_to_toml_keeps_every_entry_and_reports_comments(cli, tmp_path):
    inf = tmp_path / "x.inf"
    inf.write_bytes(b"; vendor header\r\n[Services]\r\nS=Svc\r\n[S]\r\nProviders=P\r\n"
                    b"66040003=06000000\r\nMy_Key=7\r\n\r\n[P]\r\n"
                    b"PR_RESOURCE_TYPE=MAPI_AB_PROVIDER\r\n# old=1\r\nstray line\r\n")
    result = cli("convert", inf)
    assert result.code == 0
    data = tomllib.loads(result.out)
    assert data["services"]["S"] == {"display_name": "Svc", "providers": ["P"],
                                     "settings": {"0x66040003": 6, "My_Key": "7"}}
    assert data["providers"]["P"] == {"type": "MAPI_AB_PROVIDER"}
    notes = result.err.splitlines()
    assert f"{inf}: line 1: comment not carried over: ; vendor header" in notes
    assert f"{inf}: line 11: comment not carried over: # old=1" in notes
    assert f"{inf}: line 12: not an entry, not carried over: stray line" in notes


def test_duplicate_keys_are_reported_not_silently_dropped(cli, tmp_path):
    inf = tmp_path / "x.inf"
    inf.write_text("[P]\nPR_DISPLAY_NAME=a\n3001001E=b\n")
    result = cli("convert", inf, "--to", "json")
    assert json.loads(result.out)["sections"]["P"]["settings"] == {"PR_DISPLAY_NAME": "a"}
    assert "line 3: not carried over" in result.err and "3001001E" in result.err


def test_with_properties_names_and_constants_come_back(cli, tmp_path):
    manifest = FIXTURES / "valid" / "addressbook.toml"
    inf = tmp_path / "ab.inf"
    assert cli("inf", manifest, "-o", inf).code == 0
    result = cli("convert", inf, "--properties", manifest)
    data = tomllib.loads(result.out)
    assert data["providers"]["FABRIKAM_ABP"]["settings"] == {
        "PR_FABAB_PATH": "C:\\ProgramData\\Fabrikam\\directory.fab",
        "PR_FABAB_VIEW": "FABAB_VIEW_LAST_FIRST"}
    assert data["properties"]["PR_FABAB_VIEW"]["id"] == 0x6601
    assert "id = 0x6601" in result.out


def test_toml_json_toml(cli, tmp_path):
    source = FIXTURES / "valid" / "multi.toml"
    as_json = tmp_path / "m.json"
    assert cli("convert", source, "-o", as_json).code == 0
    back = cli("convert", as_json, "--to", "toml")
    assert tomllib.loads(back.out) == tomllib.loads(source.read_text())


def test_json_to_toml_keeps_the_schema_line(cli):
    result = cli("convert", FIXTURES / "valid" / "store.json")
    assert result.out.startswith("#:schema ../../schema/manifest.schema.json\nmanifest_version = 1\n")
    assert "id = 0x67F0" in result.out


def test_converted_corpus_files_generate_the_same_inf(cli, shared, tmp_path):
    from validator.generate.inf import same_inf

    for name in ("sabp-MAPISVC.INF", "mfcmapi-pst.inf", "mrxp.inf", "wrappst.inf"):
        path = shared / "corpus" / "inf" / name
        manifest = tmp_path / f"{name}.toml"
        assert cli("convert", path, "-o", manifest).code == 0
        regenerated = cli("inf", manifest)
        assert regenerated.code == 0
        assert same_inf(path.read_bytes().decode("cp1252"), regenerated.out), name


def test_unreadable_or_undecodable_input_is_one_line(cli, tmp_path):
    bad = tmp_path / "bad.inf"
    bad.write_bytes(b"[S]\nA=\x81\n")
    for target in (bad, tmp_path / "missing.inf"):
        result = cli("convert", target)
        assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err
