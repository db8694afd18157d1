"""`mapisvc check --dll`: real Windows DLLs built from `mapisvc entry` output (MS610–MS612).

Each fixture manifest is generated, its C compiled once with the mingw-w64 cross
compiler against the real MAPI headers and ``-lmapi32``, then linked several
times: with the generated ``.def`` (nothing to report) and with one export
left out of it (exactly MS610 or MS611).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

try:  # tests/ is a package on some branches, a plain folder on others
    from .conftest import FIXTURES, need, run_cli
except ImportError:
    from .conftest import FIXTURES, need, run_cli
from validator import engine
from validator.dll import DllReadError, check_dlls, read_exports
from validator.generate import c_entry

CROSS = "x86_64-w64-mingw32-gcc"
FIXTURE_NAMES = sorted(p.stem for p in (FIXTURES / "valid").glob("*.toml"))


@pytest.fixture(scope="module")
def cross() -> str:
    compiler = shutil.which(CROSS)
    need(compiler is not None, f"{CROSS} is not installed (Debian: gcc-mingw-w64-x86-64-win32)")
    return compiler


class Built:
    """A fixture's generated files, compiled objects, and a way to link DLLs from them."""

    def __init__(self, name: str, root: Path, compiler: str):
        self.manifest = FIXTURES / "valid" / f"{name}.toml"
        self.result = engine.lint_path(self.manifest)
        self.cat = self.result.catalogue
        self.dir = root / name
        self.compiler = compiler
        code = run_cli("entry", self.manifest, "-o", self.dir)
        assert code.code == 0, code.err
        self.plans = c_entry.dll_plans(self.cat)
        self.objects: dict[str, list[Path]] = {}
        self.compiles: list[list] = []
        for plan in self.plans:
            objects = []
            for source in sorted(self.dir.glob(f"{plan.base}_*.c")):
                obj = source.with_suffix(".o")
                self.compiles.append([compiler, "-c", "-O1", "-Wall", "-Wextra", "-Werror",
                                      "-o", obj, source])
                objects.append(obj)
            self.objects[plan.base] = objects

    def run(self, argv) -> None:
        done = subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                              cwd=self.dir, timeout=120)
        assert done.returncode == 0, done.stderr

    def link(self, plan: c_entry.DllPlan, out: Path, drop: str | None = None) -> Path:
        definition = (self.dir / f"{plan.base}.def").read_text()
        if drop is not None:
            assert f"    {drop}\n" in definition
            definition = definition.replace(f"    {drop}\n", "")
        def_path = out.with_suffix(".def")
        out.parent.mkdir(parents=True, exist_ok=True)
        def_path.write_text(definition)
        self.run([self.compiler, "-shared", "-o", out, *self.objects[plan.base], def_path, "-lmapi32"])
        return out


@pytest.fixture(scope="module")
def built(cross: str, tmp_path_factory) -> dict[str, Built]:
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("dlls")
    fixtures = {name: Built(name, root, cross) for name in FIXTURE_NAMES}
    jobs = [(fixture, argv) for fixture in fixtures.values() for argv in fixture.compiles]
    # The compiles are independent: use every core (the suite's budget is 2 cores).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda job: job[0].run(job[1]), jobs))
    return fixtures


def codes(results) -> list[str]:
    return [d.code for r in results for d in r.diagnostics]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_generated_dll_exports_what_the_manifest_promises(built, name: str) -> None:
    fixture = built[name]
    dlls = [fixture.link(plan, fixture.dir / "ok" / plan.loaded_name) for plan in fixture.plans]
    for plan, dll in zip(fixture.plans, dlls):
        exports = read_exports(str(dll))
        assert set(plan.exports()) <= exports, plan.exports()
    results = check_dlls([fixture.result], [str(d) for d in dlls])
    assert [r.path for r in results] == [str(d) for d in dlls]
    assert codes(results) == []


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_a_missing_export_is_exactly_one_finding(built, name: str) -> None:
    fixture = built[name]
    tried = 0
    for plan in fixture.plans:
        missing = [(entry, "MS610") for entry in plan.entries + plan.wizard_entries]
        missing += [(c_entry.INIT_FUNCTIONS[t], "MS611") for t in plan.provider_types]
        for export, code in missing:
            dll = fixture.link(plan, fixture.dir / f"no-{export}" / plan.loaded_name, drop=export)
            results = check_dlls([fixture.result], [str(dll)])
            found = [d for r in results for d in r.diagnostics]
            assert [d.code for d in found] == [code], (export, found)
            assert export in found[0].message and plan.loaded_name in found[0].message
            # The finding points back at the manifest line that promised the export.
            (path, line, column, note), = found[0].related
            assert path == str(fixture.manifest)
            promised = fixture.manifest.read_text().splitlines()[line - 1]
            key = "type" if code == "MS611" else ("wizard_entry" if "Wizard" in export else "entry")
            assert promised.startswith(f"{key} = "), promised
            tried += 1
    assert tried >= 2


def test_entry_names_compare_case_sensitively(built) -> None:
    fixture = built["transport"]
    plan = fixture.plans[0]
    dll = fixture.link(plan, fixture.dir / "case" / plan.loaded_name, drop="ServiceEntry")
    definition = dll.with_suffix(".def")
    definition.write_text(definition.read_text() + "    serviceentry = ServiceEntry\n")
    fixture.run([fixture.compiler, "-shared", "-o", dll, *fixture.objects[plan.base], definition,
                 "-lmapi32"])
    found = [d for r in check_dlls([fixture.result], [str(dll)]) for d in r.diagnostics]
    assert [d.code for d in found] == ["MS610"]
    assert "'serviceentry'" in found[0].help and "case-sensitive" in found[0].help


def test_the_base_name_is_not_what_mapi_loads(built, tmp_path: Path) -> None:
    fixture = built["store"]
    plan = fixture.plans[0]
    good = fixture.link(plan, fixture.dir / "ok" / plan.loaded_name)
    wrong = tmp_path / "cstore.dll"
    shutil.copy(good, wrong)
    found = [d for r in check_dlls([fixture.result], [str(wrong)]) for d in r.diagnostics]
    assert [(d.code, d.severity) for d in found] == [("MS612", "warning")]
    assert "cstore32.dll" in found[0].message
    # Any other name: still checked as the manifest's only DLL, still MS612.
    other = tmp_path / "renamed32.dll"
    shutil.copy(good, other)
    assert codes(check_dlls([fixture.result], [str(other)])) == ["MS612"]


def test_a_dll_no_manifest_names(built, tmp_path: Path) -> None:
    fixture = built["multi"]
    plan = fixture.plans[0]
    stray = tmp_path / "stray32.dll"
    shutil.copy(fixture.link(plan, fixture.dir / "ok" / plan.loaded_name), stray)
    found = [d for r in check_dlls([fixture.result], [str(stray)]) for d in r.diagnostics]
    assert [d.code for d in found] == ["MS612"]
    assert "contoso32.dll" in found[0].message and "conarch32.dll" in found[0].message


def test_mapisvc_inf_promises_are_checked_too(built, tmp_path: Path) -> None:
    """The same checks from a MAPISVC.INF, messages in its vocabulary."""
    fixture = built["addressbook"]
    plan = fixture.plans[0]
    lines, section = [], None
    for name, key, value in c_entry.inf_records(fixture.cat):
        if name != section:
            lines.append(f"[{name}]")
            section = name
        lines.append(f"{key}={value}")
    inf = tmp_path / "MAPISVC.INF"
    inf.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    inf_result = engine.lint_path(inf)
    dll = fixture.link(plan, fixture.dir / "no-wizard" / plan.loaded_name, drop="WizardEntry")
    found = [d for r in check_dlls([inf_result], [str(dll)]) for d in r.diagnostics]
    assert [d.code for d in found] == ["MS610"]
    assert "WIZARD_ENTRY_NAME" in found[0].message
    good = fixture.link(plan, fixture.dir / "ok" / plan.loaded_name)
    assert codes(check_dlls([inf_result], [str(good)])) == []


def test_not_a_dll_is_a_read_error(tmp_path: Path) -> None:
    text = tmp_path / "notes32.dll"
    text.write_text("not a PE file")
    with pytest.raises(DllReadError, match="not a Windows DLL"):
        read_exports(str(text))
    with pytest.raises(OSError):
        read_exports(str(tmp_path / "absent32.dll"))


def test_check_dll_on_the_command_line(built) -> None:
    fixture = built["transport"]
    plan = fixture.plans[0]
    good = fixture.link(plan, fixture.dir / "ok" / plan.loaded_name)
    bad = fixture.link(plan, fixture.dir / "no-XPProviderInit" / plan.loaded_name,
                       drop="XPProviderInit")
    ok = run_cli("check", fixture.manifest, "--dll", good, "--format", "json")
    assert ok.code == 0, ok.err
    assert ok.json()["findings"] == []
    failing = run_cli("check", fixture.manifest, "--dll", bad, "--format", "json")
    assert failing.code == 1
    assert [f["code"] for f in failing.json()["findings"]] == ["MS611"]


def test_dlls_in_the_configuration_pair_a_manifest_with_its_build(built, tmp_path: Path) -> None:
    fixture = built["transport"]
    plan = fixture.plans[0]
    bad = fixture.link(plan, fixture.dir / "no-XPProviderInit" / plan.loaded_name,
                       drop="XPProviderInit")
    project = tmp_path / "project"
    project.mkdir()
    manifest = project / "transport.toml"
    shutil.copy(fixture.manifest, manifest)
    (project / "mapisvc.toml").write_text(
        f'[dlls]\n"transport.toml" = ["{Path(bad).as_posix()}"]\n')
    failing = run_cli("check", manifest, "--format", "json")
    assert failing.code == 1, failing.err
    assert [f["code"] for f in failing.json()["findings"]] == ["MS611"]
    (project / "mapisvc.toml").write_text('[dlls]\n"transport.toml" = 3\n')
    broken = run_cli("check", manifest)
    assert broken.code == 2 and "'dlls' must be a table" in broken.err


@pytest.mark.parametrize("code", ["MS610", "MS611", "MS612"])
def test_explain(code: str) -> None:
    shown = run_cli("explain", code)
    assert shown.code == 0
    for heading in ("## What it catches", "## Why MAPI cares", "## Example", "## Fix"):
        assert heading in shown.out
    assert "mapi-facts §" in shown.out
    assert "DLL" in run_cli("rules").out


def test_unreadable_dll_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    from validator.files import Problem

    text = tmp_path / "notes32.dll"
    text.write_text("not a PE file")
    problems: list = []
    assert check_dlls([], [str(text), str(tmp_path / "absent32.dll")], None, problems) == []
    assert [type(p) for p in problems] == [Problem, Problem]
    assert problems[0].message.startswith("not a Windows DLL")
    assert "cannot read" in problems[1].message
