"""`mapisvc entry`: what it writes, that it is deterministic, and the installer's records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:  # tests/ is a package on some branches, a plain folder on others
    from .conftest import FIXTURES, run_cli
except ImportError:
    from .conftest import FIXTURES, run_cli
from validator.engine import read
from validator.generate import c_entry

VALID = sorted((FIXTURES / "valid").glob("*.toml"))


def catalogue(path: Path):
    cat, findings, _ = read(path.read_bytes(), str(path), "toml")
    assert cat is not None, findings
    return cat


_LITERAL = r'"(?:[^"\\]|\\.)*"'
_STRING = rf"{_LITERAL}(?:\s+{_LITERAL})*"  # adjacent literals concatenate


def _c_text(source: str) -> str:
    """A C string (adjacent literals, \\xNN escapes of Windows-1252 bytes) as text."""
    data = bytearray()
    for literal in re.findall(_LITERAL, source):
        body, i = literal[1:-1], 0
        while i < len(body):
            if body[i] == "\\" and body[i + 1] == "x":
                data.append(int(body[i + 2:i + 4], 16))
                i += 4
            elif body[i] == "\\":
                data += body[i + 1].encode("ascii")
                i += 2
            else:
                data += body[i].encode("ascii")
                i += 1
    return data.decode("cp1252")


def c_records(text: str) -> list[tuple[str, str, str]]:
    """The MapisvcRecords table of a generated <dll>_entry.c, read back."""
    table = text.split("MapisvcRecords[] = {", 1)[1].split("{ NULL, NULL, NULL }", 1)[0]
    row = re.compile(rf"\{{ ({_STRING}), ({_STRING}), ({_STRING}) \}},")
    return [tuple(_c_text(g) for g in match.groups()) for match in row.finditer(table)]


@pytest.mark.parametrize("manifest", VALID, ids=lambda p: p.stem)
def test_writes_every_file_and_is_deterministic(manifest: Path, tmp_path: Path) -> None:
    first = run_cli("entry", manifest, "-o", tmp_path / "a")
    second = run_cli("entry", manifest, "-o", tmp_path / "b")
    assert first.code == second.code == 0, first.err
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    cat = catalogue(manifest)
    for plan in c_entry.dll_plans(cat):
        expected = {f"{plan.base}.def"}
        if plan.services:
            expected |= {f"{plan.base}_{part}" for part in
                         ("entry.c", "entry.h", "settings.c", "settings.h", "hooks.c")}
        if plan.provider_types or plan.wizard_entries:
            expected.add(f"{plan.base}_stubs.c")
        assert expected <= set(names)


@pytest.mark.parametrize("manifest", VALID, ids=lambda p: p.stem)
def test_installer_writes_exactly_the_inf_records(manifest: Path, tmp_path: Path) -> None:
    """Each DLL's MergeWithMAPISVC table is its services' share of `mapisvc inf`; together
    the tables hold every entry of `mapisvc inf`, each once."""
    assert run_cli("entry", manifest, "-o", tmp_path).code == 0
    cat = catalogue(manifest)
    records = c_entry.inf_records(cat)
    written = []
    for plan in c_entry.dll_plans(cat):
        if plan.services:
            table = c_records((tmp_path / f"{plan.base}_entry.c").read_text())
            assert table == [r for s in plan.services for r in c_entry.service_records(cat, s)]
            written += table
    assert sorted(written) == sorted(records)


@pytest.mark.parametrize("manifest", VALID, ids=lambda p: p.stem)
def test_records_are_what_mapisvc_inf_prints(manifest: Path) -> None:
    printed = run_cli("inf", manifest)
    assert printed.code == 0, printed.err
    blocks, section = [], None
    for name, key, value in c_entry.inf_records(catalogue(manifest)):
        if name != section:
            blocks.append([f"[{name}]"])
            section = name
        blocks[-1].append(f"{key}={value}")
    rebuilt = "\n\n".join("\n".join(block) for block in blocks)
    assert rebuilt.strip() == printed.out.replace("\r\n", "\n").strip()


def test_inf_records_follow_the_facts() -> None:
    cat = catalogue(FIXTURES / "valid" / "multi.toml")
    records = c_entry.inf_records(cat)
    as_dict = {(s, k): v for s, k, v in records}
    assert as_dict[("Services", "CONTOSO")] == "Contoso Mail"
    assert as_dict[("Default Services", "CONTOSO")] == "Contoso Mail"
    assert ("Default Services", "CONTOSO_ARCHIVE") not in as_dict
    assert as_dict[("Help File Mappings", "CONTOSO")] == "contoso.hlp"
    # GUIDs in MAPI byte order (mapi-facts §1.9).
    assert as_dict[("CONTOSO_MS", "34140102")] == "5494A1C0297F101BA58708002B2A2517"
    # PT_LONG little-endian; constant names become their values; flag lists are OR-ed.
    assert as_dict[("CONTOSO_MS", "66010003")] == "BB010000"  # 443
    assert as_dict[("CONTOSO_MS", "66020003")] == "01000000"  # CONTOSO_CACHE_ON
    assert as_dict[("CONTOSO_GLOBAL", "66030003")] == "03000000"
    # A service's share: its global lines first, then its section, providers, extra sections.
    archive = c_entry.service_records(cat, cat.services["CONTOSO_ARCHIVE"])
    assert [s for s, _, _ in archive][:2] == ["Services", "CONTOSO_ARCHIVE"]
    assert {s for s, _, _ in archive} == {"Services", "CONTOSO_ARCHIVE", "CONTOSO_ARCHIVE_MS"}
    contoso = c_entry.service_records(cat, cat.services["CONTOSO"])
    assert [s for s, _, _ in contoso][:3] == ["Services", "Default Services", "Help File Mappings"]
    assert "CONTOSO_GLOBAL" in {s for s, _, _ in contoso}
    assert not {r for r in contoso if r[1] == "CONTOSO_ARCHIVE"}


def test_def_file_exports_what_mapisvc_inf_promises(tmp_path: Path) -> None:
    assert run_cli("entry", FIXTURES / "valid" / "multi.toml", "-o", tmp_path).code == 0
    contoso = (tmp_path / "contoso.def").read_text()
    assert 'LIBRARY "contoso32.dll"' in contoso
    exports = contoso.split("EXPORTS\n", 1)[1].split()
    assert exports == ["ServiceEntry", "WizardEntry", "MergeWithMAPISVC", "RemoveFromMAPISVC",
                       "MSProviderInit", "ABProviderInit", "XPProviderInit"]
    archive = (tmp_path / "conarch.def").read_text().split("EXPORTS\n", 1)[1].split()
    assert archive == ["ArchiveServiceEntry", "MergeWithMAPISVC", "RemoveFromMAPISVC",
                       "MSProviderInit"]
    stubs = (tmp_path / "contoso_stubs.c").read_text()
    assert stubs.count("/* STUB:") == 4  # three provider types and the wizard entry


def test_provider_only_dll_gets_a_def_and_stubs(tmp_path: Path) -> None:
    manifest = tmp_path / "split.toml"
    text = (FIXTURES / "valid" / "transport.toml").read_text()
    text = text.replace('type = "MAPI_TRANSPORT_PROVIDER"\ndll = "litxp.dll"',
                        'type = "MAPI_TRANSPORT_PROVIDER"\ndll = "litxpprv.dll"')
    manifest.write_text(text)
    cat = catalogue(manifest)
    files = c_entry.generate(cat, "split.toml")
    assert "litxpprv.def" in files and "litxpprv_stubs.c" in files
    assert "litxpprv_entry.c" not in files
    assert files["litxpprv.def"][0].split("EXPORTS\n", 1)[1].split() == ["XPProviderInit"]
    assert files["litxp.def"][0].split("EXPORTS\n", 1)[1].split() == [
        "ServiceEntry", "MergeWithMAPISVC", "RemoveFromMAPISVC"]


def test_hooks_are_the_vendors_once_written(tmp_path: Path) -> None:
    manifest = FIXTURES / "valid" / "store.toml"
    assert run_cli("entry", manifest, "-o", tmp_path).code == 0
    hooks = tmp_path / "cstore_hooks.c"
    hooks.write_text("/* my UI */\n")
    again = run_cli("entry", manifest, "-o", tmp_path)
    assert again.code == 0 and "kept" in again.out
    assert hooks.read_text() == "/* my UI */\n"
    assert run_cli("entry", manifest, "-o", tmp_path, "--force-hooks").code == 0
    assert "VENDOR HOOK" in hooks.read_text()


def test_entry_handles_every_context(tmp_path: Path) -> None:
    assert run_cli("entry", FIXTURES / "valid" / "store.toml", "-o", tmp_path).code == 0
    code = (tmp_path / "cstore_entry.c").read_text()
    for context in ("MSG_SERVICE_INSTALL", "MSG_SERVICE_CREATE", "MSG_SERVICE_CONFIGURE",
                    "MSG_SERVICE_DELETE", "MSG_SERVICE_UNINSTALL", "MSG_SERVICE_PROVIDER_CREATE",
                    "MSG_SERVICE_PROVIDER_DELETE"):
        assert f"case {context}:" in code
    assert "return MAPI_E_UNCONFIGURED;" in code and "return MAPI_E_INVALID_PARAMETER;" in code
    assert "HRESULT STDAPICALLTYPE ServiceEntry(HINSTANCE hInstance" in code
    assert "ULONG_PTR ulUIParam" in code
    assert '"MSIComponentID"' in code and '"FGetComponentPath"' in code


def test_required_settings_and_sections(tmp_path: Path) -> None:
    cat = catalogue(FIXTURES / "valid" / "multi.toml")
    props = c_entry.properties(cat)
    plan = c_entry.service_plan(cat, cat.services["CONTOSO"], props)
    where = {info.name: plan.destinations[index].name for info, index in plan.props}
    assert where == {"PR_CONTOSO_SERVER": "CONTOSO", "PR_CONTOSO_PORT": "CONTOSO_MS",
                     "PR_CONTOSO_CACHE_MODE": "CONTOSO_MS", "PR_CONTOSO_SYNC_FLAGS": "CONTOSO_GLOBAL",
                     "PR_CONTOSO_PASSWORD": "CONTOSO"}
    assert plan.required == {"PR_CONTOSO_SERVER", "PR_CONTOSO_CACHE_MODE", "PR_CONTOSO_SYNC_FLAGS"}
    # PR_CONTOSO_PORT has a default; PR_CONTOSO_PASSWORD is named by no section, so with two
    # services it cannot be told whose it is: known to both, required by neither.
    archive = c_entry.service_plan(cat, cat.services["CONTOSO_ARCHIVE"], props)
    assert [info.name for info, _ in archive.props] == ["PR_CONTOSO_PASSWORD"]
    assert archive.required == set()
    # With one service it is that service's: configured, or MAPI_E_UNCONFIGURED.
    store = catalogue(FIXTURES / "valid" / "store.toml")
    single = c_entry.service_plan(store, store.services["CONTOSO_STORE"], c_entry.properties(store))
    assert "PR_CSTORE_PASSWORD" in single.required
    assert "PR_CSTORE_PORT" not in single.required
    extra = plan.destinations[-1]
    assert extra.kind == "extra" and extra.uid == bytes.fromhex("13DBB0C8AA05101A9BB000AA002FC45A")


def test_c_strings_are_ansi_and_unambiguous() -> None:
    assert c_entry.c_string('a"b\\c') == '"a\\"b\\\\c"'
    # A hex escape never swallows a following hex digit.
    assert c_entry.c_string("é1") == '"\\xE9" "1"'
    assert c_entry.c_string("café") == '"caf\\xE9"'
    assert c_entry.c_string("??=") == '"\\x3F\\x3F="'  # no trigraphs


def test_loaded_dll_names() -> None:
    assert c_entry.loaded_dll_name("contoso.dll") == "contoso32.dll"
    assert c_entry.loaded_dll_name(r"C:\Program Files\Contoso\contoso.dll") == "contoso32.dll"
    assert c_entry.loaded_dll_name("CONTOSO.DLL") == "CONTOSO32.DLL"


def test_manifest_with_errors_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("manifest_version = 1\n[services.X]\nproviders = 3\n")
    result = run_cli("entry", bad, "-o", tmp_path / "out")
    assert result.code == 1
    assert "fix them first" in result.err
    assert not (tmp_path / "out").exists()


def test_unreadable_and_conflicting_inputs_are_usage_errors(tmp_path: Path) -> None:
    missing = run_cli("entry", tmp_path / "absent.toml", "-o", tmp_path)
    assert missing.code == 2 and "cannot read" in missing.err and "Traceback" not in missing.err
    twice = tmp_path / "twice.toml"
    text = (FIXTURES / "valid" / "multi.toml").read_text()
    twice.write_text(text.replace('dll = "conarch.dll"\nentry = "ArchiveServiceEntry"',
                                  'dll = "contoso.dll"\nentry = "ServiceEntry"'))
    result = run_cli("entry", twice, "-o", tmp_path / "out")
    assert result.code == 2, result.out
    assert "both name the entry point 'ServiceEntry'" in result.err


def test_a_manifest_without_dlls_generates_nothing(tmp_path: Path) -> None:
    only_props = tmp_path / "props.toml"
    only_props.write_text('manifest_version = 1\n\n[properties.PR_X_A]\nid = 0x6600\n'
                          'type = "PT_LONG"\ndescription = "A."\n')
    result = run_cli("entry", only_props, "-o", tmp_path / "out")
    assert result.code == 0, result.out
    assert "nothing to generate" in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["int", "free", "MapisvcStore", "MergeWithMAPISVC", "XPProviderInit"])
def test_entry_names_the_c_cannot_define_are_refused(name: str, tmp_path: Path) -> None:
    manifest = tmp_path / "clash.toml"
    text = (FIXTURES / "valid" / "transport.toml").read_text()
    manifest.write_text(text.replace('entry = "ServiceEntry"', f'entry = "{name}"'))
    with pytest.raises(c_entry.EntryError, match="rename it"):
        c_entry.generate(catalogue(manifest), "clash.toml")


def test_a_service_without_a_dll_is_noted(tmp_path: Path) -> None:
    manifest = tmp_path / "nodll.toml"
    text = (FIXTURES / "valid" / "multi.toml").read_text()
    manifest.write_text(text.replace('dll = "conarch.dll"\nentry = "ArchiveServiceEntry"\n', ""))
    result = run_cli("entry", manifest, "-o", tmp_path / "out")
    assert result.code == 0, result.out + result.err
    assert "service 'CONTOSO_ARCHIVE' has no dll" in result.err
    # Its provider's DLL still gets its .def and init stub.
    assert (tmp_path / "out" / "conarch.def").read_text().split("EXPORTS\n")[1].split() == [
        "MSProviderInit"]
