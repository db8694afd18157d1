"""The generated entry point and installer, run on the build host against fakes.

``<dll>_entry.c`` calls MAPI only through ``IProviderAdmin``/``IProfSect``
vtables and a handful of Windows functions, so tests/native_harness.c
supplies a fake profile (provider table, profile sections), a fake registry
and ``FGetComponentPath``, and an in-memory MAPISVC.INF, and the C runs here
(the mingw-built DLL cannot: no Windows, no wine).  The shim headers are in
tests/native_shim/; tests/test_dll.py compiles the same files against the
real MAPI headers.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

try:  # tests/ is a package on some branches, a plain folder on others
    from .conftest import FIXTURES, need
except ImportError:
    from .conftest import FIXTURES, need

from validator.engine import read
from validator.generate import c_entry

HERE = Path(__file__).resolve().parent
MULTI = FIXTURES / "valid" / "multi.toml"

S_OK = "00000000"
INVALID = "80070057"
UNCONFIGURED = "8004011C"
NO_SUPPORT = "80040102"
USER_CANCEL = "80040113"

SERVER, PORT, CACHE, SYNC, PASSWORD = "6600001F", "66010003", "66020003", "66030003", "67F0001F"
MS_UID = "11" * 16
DECOY_UID = "22" * 16
AB_UID = "33" * 16
XP_UID = "44" * 16
EXTRA_UID = "13DBB0C8AA05101A9BB000AA002FC45A"
PROVIDERS = [f"provider {DECOY_UID} 33 Other Store",  # same type, other display: not ours
             f"provider {MS_UID} 33 Contoso Message Store",
             f"provider {AB_UID} 35 Contoso Directory",
             f"provider {XP_UID} 36 Contoso Transport"]


@pytest.fixture(scope="module")
def binaries(tmp_path_factory) -> dict[str, Path]:
    compiler = shutil.which("gcc") or shutil.which("cc")
    need(compiler is not None, "no host C compiler (gcc) to run the generated entry point")
    out = tmp_path_factory.mktemp("entry")
    cat, _, _ = read(MULTI.read_bytes(), str(MULTI), "toml")
    for name, (text, _) in c_entry.generate(cat, MULTI.name).items():
        (out / name).write_text(text, encoding="utf-8")
    common = [compiler, "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", str(HERE / "native_shim"),
              "-I", str(out), "-DENTRY=ServiceEntry", '-DENTRY_HEADER="contoso_entry.h"',
              str(HERE / "native_harness.c"), str(out / "contoso_entry.c"),
              str(out / "contoso_settings.c")]
    built = {"hooks": out / "with_test_hooks", "defaults": out / "with_generated_hooks"}
    for argv in (common + ["-DHARNESS_HOOKS", "-o", str(built["hooks"])],
                 common + [str(out / "contoso_hooks.c"), "-o", str(built["defaults"])]):
        done = subprocess.run(argv, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    return built


def run(binary: Path, *commands: str) -> list[str]:
    done = subprocess.run([str(binary)], input="\n".join(commands) + "\n", capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def results(lines: list[str]) -> list[str]:
    return [line.split()[1] for line in lines if line.startswith("hr ")]


def sections(lines: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    current = None
    for line in lines:
        if line.startswith("section "):
            current = out.setdefault(line.split()[1], {})
        elif line.startswith("  ") and current is not None:
            tag, _, value = line.strip().partition(" ")
            current[tag] = value
    return out


CONFIGURED = [f"prop {SERVER} w mail.contoso.com", f"prop {CACHE} l 1", f"prop {SYNC} l 3"]


def test_create_without_the_required_settings_is_unconfigured(binaries) -> None:
    lines = run(binaries["hooks"], *PROVIDERS, "call 2 0", *CONFIGURED[:2], "call 3 0",
                CONFIGURED[2], f"prop {PASSWORD} w secret", "call 3 0", "dump")
    # Nothing configured; then the extra section's setting still missing; then all there.
    assert results(lines) == [UNCONFIGURED, UNCONFIGURED, S_OK]
    assert all("error NULL" in line for line in lines if line.startswith("hr "))
    stored = sections(lines)
    # Each value in the profile section the manifest puts it in.
    assert stored["SERVICE"] == {SERVER: "mail.contoso.com", PASSWORD: "secret"}
    assert stored[MS_UID] == {CACHE: "1"}
    assert stored[EXTRA_UID] == {SYNC: "3"}
    assert stored.get(DECOY_UID, {}) == {}


@pytest.mark.parametrize("bad", [
    f"prop {PORT} l 0", f"prop {PORT} l 65536",              # outside minimum..maximum
    f"prop {CACHE} l 2",                                     # not in the enumeration
    f"prop {SYNC} l 4",                                      # a bit no flag declares
    f"prop {SERVER} s {'x' * 256}",                          # over max_length
    f"prop {PORT[:4]}001F w 443",                            # wrong type
    "prop 66FF0003 l 1",                                     # a tag the manifest does not declare
])
def test_a_bad_value_is_invalid_and_nothing_is_stored(binaries, bad: str) -> None:
    lines = run(binaries["hooks"], *PROVIDERS, *CONFIGURED, f"prop {PASSWORD} w s", "call 3 0",
                f"prop {PORT} l 443", bad, "call 3 0", "dump")
    assert results(lines) == [S_OK, INVALID]
    assert PORT not in sections(lines)[MS_UID]  # the good value beside the bad one is not kept


def test_good_values_of_either_string_width(binaries) -> None:
    lines = run(binaries["hooks"], *PROVIDERS, *CONFIGURED, f"prop {PASSWORD} w s",
                f"prop {PORT} l 65535", f"prop {SERVER[:4]}001E s {'y' * 255}", "call 3 0", "dump")
    assert results(lines) == [S_OK]
    stored = sections(lines)
    assert stored[MS_UID][PORT] == "65535"
    assert stored["SERVICE"]["6600001E"] == "y" * 255


def test_the_ui_hook(binaries) -> None:
    ready = [*PROVIDERS, *CONFIGURED, f"prop {PASSWORD} w s", "call 3 0"]
    # Nothing missing, nothing wrong: UI only when SERVICE_UI_ALWAYS (0x2) asks for it.
    lines = run(binaries["hooks"], *ready, "call 3 0x10", "call 3 0x2")
    assert [line.split()[3] for line in lines if line.startswith("hr ")] == ["0", "0", "1"]
    # Missing settings and UI allowed (0x10): the UI is asked; no UI means still unconfigured.
    assert results(run(binaries["hooks"], *PROVIDERS, "call 2 0x10")) == [UNCONFIGURED]
    # The user cancels.
    assert results(run(binaries["hooks"], "ui 0x80040113", *PROVIDERS, "call 2 0x10")) == [USER_CANCEL]
    # A bad value with UI allowed: the user's own choices replace it.
    lines = run(binaries["hooks"], *ready, "ui 0", f"prop {PORT} l 0", "call 3 0x10")
    assert results(lines) == [S_OK, S_OK]


def test_read_only_ui_stores_nothing(binaries) -> None:
    lines = run(binaries["hooks"], *PROVIDERS, *CONFIGURED, f"prop {PASSWORD} w s", "call 3 0",
                f"prop {PORT} l 444", "call 3 0x8", "dump")
    assert results(lines) == [S_OK, S_OK]
    assert PORT not in sections(lines)[MS_UID]


def test_every_other_context(binaries) -> None:
    lines = run(binaries["hooks"], "call 1 0", "call 4 0", "call 5 0", "call 6 0", "call 7 0",
                "call 99 0")
    assert [line for line in lines if line.startswith("event")] == [f"event {n}" for n in
                                                                     (1, 4, 5, 6, 7)]
    assert results(lines)[-1] == NO_SUPPORT
    defaults = run(binaries["defaults"], "call 1 0", "call 4 0", "call 5 0", "call 6 0", "call 7 0",
                   *PROVIDERS, "call 2 0")
    assert results(defaults) == [S_OK, S_OK, S_OK, NO_SUPPORT, NO_SUPPORT, UNCONFIGURED]


def _expected_ini(records) -> list[str]:
    out, section = [], None
    for name, key, value in records:
        if name != section:
            out.append(f"[{name}]")
            section = name
        out.append(f"{key}={value}")
    return out


def test_merge_writes_the_records_into_the_system_directorys_file(binaries) -> None:
    lines = run(binaries["hooks"], "merge", "showini")
    assert lines[0] == r"merge 00000000 C:\Windows\system32\MAPISVC.INF"
    cat, _, _ = read(MULTI.read_bytes(), str(MULTI), "toml")
    records = c_entry.service_records(cat, cat.services["CONTOSO"])
    ini = lines[1:]
    assert sorted(ini) == sorted(_expected_ini(records))
    assert ini[:2] == ["[Services]", "CONTOSO=Contoso Mail"]


def test_merge_finds_outlooks_mapisvc_inf(binaries) -> None:
    office = r"C:\Program Files\Microsoft Office\root\Office16"
    lines = run(binaries["hooks"],
                "reg MSIComponentID {FF1D0740-D227-11D1-A4B0-006008AF820E}",
                "reg MSIApplicationLCID app-lcid", "reg MSIOfficeLCID office-lcid",
                rf"stub office-lcid {office}\MSMAPI32.DLL", "merge")
    calls = [line for line in lines if line.startswith(("LoadLibrary", "FGetComponentPath"))]
    assert calls == [r"LoadLibrary C:\Windows\system32\mapistub.dll",
                     "FGetComponentPath {FF1D0740-D227-11D1-A4B0-006008AF820E} app-lcid",
                     "FGetComponentPath {FF1D0740-D227-11D1-A4B0-006008AF820E} office-lcid"]
    assert lines[-1] == rf"merge 00000000 {office}\MAPISVC.INF"
    # No qualifier found: FGetComponentPath without one; nothing: the system directory.
    lines = run(binaries["hooks"], "reg MSIComponentID {X}", r"stub - D:\MAPI\MSMAPI32.DLL", "merge")
    assert lines[-1] == r"merge 00000000 D:\MAPI\MAPISVC.INF"


def test_remove_takes_back_exactly_what_merge_wrote(binaries) -> None:
    lines = run(binaries["hooks"], "ini Services OTHER Other Service", "ini CONTOSO CUSTOM 1",
                "merge", "remove", "showini")
    merged = next(i for i, line in enumerate(lines) if line.startswith("merge "))
    removed = next(i for i, line in enumerate(lines) if line.startswith("remove "))
    assert lines[removed].startswith("remove 00000000")
    deleted = lines[merged + 1:removed]
    shown = lines[removed + 1:]
    assert shown == ["[Services]", "OTHER=Other Service", "[CONTOSO]", "CUSTOM=1"]
    # Sections left empty go; [CONTOSO] keeps the vendor's own line, [Services] others' lines.
    assert "delete section [CONTOSO_MS]" in deleted and "delete section [CONTOSO_GLOBAL]" in deleted
    assert "delete section [CONTOSO]" not in deleted and "delete section [Services]" not in deleted


def test_any_manifest_gives_c_that_compiles(tmp_path_factory) -> None:
    """Arbitrary manifests (names with blanks, Windows-1252 text, raw settings, several DLLs):
    the generated C compiles (host gcc, shim headers), and the installers together write
    every record of the DLL-owning services, each once — or generation refuses clearly."""
    import itertools

    from hypothesis import HealthCheck, given, settings

    try:
        from ._inf_strategies import canonical_manifests, catalogue
        from .test_entry_generate import c_records
    except ImportError:
        from ._inf_strategies import canonical_manifests, catalogue
        from test_entry_generate import c_records

    compiler = shutil.which("gcc") or shutil.which("cc")
    need(compiler is not None, "no host C compiler (gcc)")
    counter = itertools.count()

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(canonical_manifests())
    def check(manifest: dict) -> None:
        cat = catalogue(manifest)
        try:
            files = c_entry.generate(cat, "generated.toml")
        except c_entry.EntryError as err:
            assert "rename" in str(err) or "give each its own" in str(err) or "share" in str(err)
            return
        out = tmp_path_factory.mktemp(f"any{next(counter)}")
        for name, (text, _) in files.items():
            (out / name).write_text(text, encoding="utf-8")
        written = []
        for plan in c_entry.dll_plans(cat):
            if not plan.services:
                continue
            sources = [out / f"{plan.base}_{part}.c" for part in ("entry", "settings", "hooks")]
            done = subprocess.run([compiler, "-std=c99", "-fsyntax-only", "-Wall", "-Wextra",
                                   "-Werror", "-I", str(HERE / "native_shim"), "-I", str(out),
                                   *map(str, sources)], capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            table = c_records((out / f"{plan.base}_entry.c").read_text(encoding="utf-8"))
            assert table == [r for s in plan.services for r in c_entry.service_records(cat, s)]
            written += table
        owning = [s for s in cat.services.values() if isinstance(s.value("dll"), str)]
        expected = [r for s in owning for r in c_entry.service_records(cat, s)]
        assert sorted(written) == sorted(expected)

    check()
