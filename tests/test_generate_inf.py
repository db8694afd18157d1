"""mapisvc inf: order, encodings, values as MAPI reads them, --check (MS703)."""

from __future__ import annotations

import pytest

from ._inf_strategies import catalogue
from .conftest import FIXTURES
from validator.generate.inf import (compare, encode_inf, from_le_hex, generate, le_hex, mapi_uid,
                                    parse_raw_tag, same_inf)
from validator.generate.manifest import load
from validator.readers.inf import parse_document

STORE = FIXTURES / "valid" / "store.toml"


# Facts from mapi-facts §1.9, with the sources' own examples.
@pytest.mark.parametrize("value, text", [(2, "02000000"), (0x40, "40000000"), (0x501, "01050000"),
                                         (6, "06000000"), (443, "BB010000"), (-1, "FFFFFFFF")])
def test_pt_long_is_the_little_endian_byte_image(value, text):
    assert le_hex(value) == text
    assert from_le_hex(text) == value
    assert from_le_hex(text.lower()) == value


@pytest.mark.parametrize("guid, hex_digits", [
    ("{4154494E-BFF9-01B8-00AA-0037D96E0000}", "4e495441f9bfb80100aa0037d96e0000"),
    ("{C0A19454-7F29-1B10-A587-08002B2A2517}", "5494A1C0297F101BA58708002B2A2517"),
    ("{70fab278-f7af-cd11-9bc8-00aa002fc45a}", "78b2fa70aff711cd9bc800aa002fc45a"),
])
def test_guids_are_written_in_mapi_byte_order(guid, hex_digits):
    assert mapi_uid(guid) == hex_digits.upper()
    assert mapi_uid(hex_digits) == hex_digits  # already MAPI order: unchanged


def test_raw_tags():
    assert parse_raw_tag("0x66090003") == 0x66090003
    assert parse_raw_tag("6600001e") == 0x6600001E
    assert parse_raw_tag("PR_DISPLAY_NAME") is None


def test_store_fixture_generates_the_installer_samples_layout():
    text = generate(load(STORE), "\n")
    assert text == (
        "[Services]\n"
        "CONTOSO_STORE=Contoso Mailbox Store\n"
        "\n"
        "[CONTOSO_STORE]\n"
        "PR_DISPLAY_NAME=Contoso Mailbox Store\n"
        "PR_SERVICE_DLL_NAME=cstore.dll\n"
        "PR_SERVICE_ENTRY_NAME=ServiceEntry\n"
        "PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY | SERVICE_PRIMARY_IDENTITY\n"
        "Providers=CONTOSO_STORE_MS\n"
        "PR_SERVICE_SUPPORT_FILES=cstore.dll\n"
        "PR_SERVICE_DELETE_FILES=cstore.dll\n"
        "PR_SERVICE_INSTALL_ID={6485D26A-C2AC-11D1-AD3E-10A0C911C9C0}\n"
        "6600001F=mail.contoso.com\n"
        "\n"
        "[CONTOSO_STORE_MS]\n"
        "PR_RESOURCE_TYPE=MAPI_STORE_PROVIDER\n"
        "PR_PROVIDER_DLL_NAME=cstore.dll\n"
        "PR_RESOURCE_FLAGS=STATUS_DEFAULT_STORE | STATUS_PRIMARY_IDENTITY\n"
        "PR_DISPLAY_NAME=Contoso Mailbox\n"
        "PR_PROVIDER_DISPLAY=Contoso Message Store\n"
        "34140102=5494A1C0297F101BA58708002B2A2517\n"
        "66020003=01000000\n"  # CSTORE_CACHE_ON resolved to 1
        "66010003=BB010000\n"  # 443
    )


def test_global_sections_come_first_and_flags_resolve_to_numbers():
    text = generate(load(FIXTURES / "valid" / "multi.toml"), "\n")
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert headers[:4] == ["[Services]", "[Default Services]", "[Help File Mappings]", "[CONTOSO]"]
    assert headers.index("[CONTOSO_MS]") < headers.index("[CONTOSO_GLOBAL]")
    assert "66030003=03000000" in text  # CONTOSO_SYNC_MAIL | CONTOSO_SYNC_CAL


def test_settings_values_by_type():
    manifest = {
        "manifest_version": 1,
        "services": {"S": {"display_name": "S", "providers": [], "settings": {
            "0x66000002": 7, "0x6601000B": True, "0x66020014": -2, "0x6603101E": ["a", "b"],
            "0x66041003": [1, 2], "0x66050102": "{C0A19454-7F29-1B10-A587-08002B2A2517}",
            "PR_PST_PATH": "c:\\x.pst", "PR_S_MODE": "S_ON", "PR_S_BITS": ["S_A", "S_B"],
            "PR_PROFILE_OPEN_FLAGS": 6, "PR_SERVICE_INSTALL_ID": "{6485D262-C2AC-11D1-AD3E-10A0C911C9C0}"}}},
        "properties": {"PR_S_MODE": {"id": 0x6606, "type": "PT_LONG", "values": {"S_ON": 1}},
                       "PR_S_BITS": {"id": 0x6607, "type": "PT_I4", "flags": {"S_A": 1, "S_B": 4}}},
    }
    lines = generate(catalogue(manifest), "\n").splitlines()
    assert lines[lines.index("[S]") + 3:] == [
        "66000002=0700", "6601000B=0100", "66020014=FEFFFFFFFFFFFFFF", "6603101E=a, b",
        "66041003=01000000, 02000000", "66050102=5494A1C0297F101BA58708002B2A2517",
        "PR_PST_PATH=c:\\x.pst", "66060003=01000000", "66070003=05000000",
        "66090003=06000000",  # a well-known tag outside Microsoft's INF vocabulary: in hex
        "PR_SERVICE_INSTALL_ID={6485D262-C2AC-11D1-AD3E-10A0C911C9C0}"]


def test_encoding_is_windows_1252_unless_it_cannot_hold_the_text():
    assert encode_inf("[S]\r\nA=é\r\n") == b"[S]\r\nA=\xe9\r\n"
    assert encode_inf("A=雪\r\n") == b"\xff\xfe" + "A=雪\r\n".encode("utf-16-le")


def test_semantic_comparison():
    base = "[Services]\nS=Svc\n[S]\nPR_RESOURCE_FLAGS=A | B\nProviders=P1, P2\n66010003=BB010000\n"
    same = ("; comment\n[s]\n66010003 = bb010000\nproviders=P1,P2\npr_resource_flags=B|A\n"
            "PR_DISPLAY_NAME=Svc\n\n[SERVICES]\nS = Svc\n[Empty]\n")
    assert same_inf(base, same)
    assert not same_inf(base, same.replace("P1,P2", "P2,P1"))  # provider order matters
    diffs = compare(parse_document(base), parse_document(same.replace("bb010000", "bb010001")))
    assert [(d.section, d.key, d.expected, d.found, d.line) for d in diffs] == [
        ("s", "66010003", "BB010000", "bb010001", 3)]
    # a tag name and its hex form are one key
    assert same_inf("[P]\n34140102=00\nPR_DISPLAY_NAME_A=x\n", "[P]\nPR_MDB_PROVIDER=00\n3001001E=x\n")
    assert same_inf("[P]\nPR_PROFILE_OPEN_FLAGS=06000000\n", "[P]\n66090003=06000000\n")


def test_cli_inf_writes_crlf_cp1252_and_checks(cli, tmp_path):
    out = tmp_path / "store.inf"
    assert cli("inf", STORE, "-o", out).code == 0
    data = out.read_bytes()
    assert data.startswith(b"[Services]\r\nCONTOSO_STORE=Contoso Mailbox Store\r\n\r\n")
    assert cli("inf", STORE, "--check", out).code == 0
    # case, spacing, order and comments do not count
    text = data.decode("cp1252").replace("PR_DISPLAY_NAME=", "; hi\r\npr_display_name = ")
    out.write_bytes(text.encode("cp1252"))
    assert cli("inf", STORE, "--check", out).code == 0
    out.write_bytes(text.replace("BB010000", "50000000").encode("cp1252"))
    result = cli("inf", STORE, "--check", out)
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{out}:25:1: MS703 [CONTOSO_STORE_MS] 66010003=50000000, the manifest gives BB010000"
        f" (regenerate with 'mapisvc inf {STORE}')"]


def test_cli_inf_newline_lf(cli, tmp_path):
    out = tmp_path / "x.inf"
    assert cli("inf", STORE, "-o", out, "--newline", "lf").code == 0
    assert b"\r" not in out.read_bytes()


@pytest.mark.parametrize("args, message", [
    (["inf", "missing.toml"], "cannot read missing.toml"),
    (["inf", STORE, "--check", "missing.inf"], "cannot read missing.inf"),
])
def test_cli_inf_errors_are_one_line(cli, args, message):
    result = cli(*args)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1


GENERATED = FIXTURES / "generated"


def test_committed_fragment_is_fresh_and_the_stale_one_is_ms703(cli):
    assert cli("inf", STORE, "--check", GENERATED / "store.inf").code == 0
    assert cli("inf", STORE).out == (GENERATED / "store.inf").read_bytes().decode("cp1252")
    stale = cli("inf", STORE, "--check", GENERATED / "MS703-stale-store.inf")
    assert stale.code == 1
    assert [line.split(": ")[1].split()[0] for line in stale.out.splitlines()] == ["MS703"]
    assert stale.out.startswith(f"{GENERATED / 'MS703-stale-store.inf'}:23:1: MS703 ")
