"""mapisvc install / uninstall: lossless, idempotent, atomic."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._inf_strategies import canonical_manifests, catalogue, corpus_files, inf_texts
from .conftest import FIXTURES, ROOT
from validator import install as installer
from validator.generate.inf import plan
from validator.generate.manifest import load
from validator.readers.inf import decode, parse_document

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIXTURE_NAMES = ["store", "addressbook", "transport", "multi"]


def doc_of(data: bytes):
    text, codec, bom = decode(data)
    return parse_document(text, codec, bom)


def install_bytes(data: bytes, manifest_cat, force: bool = False) -> bytes:
    return installer.install(doc_of(data), plan(manifest_cat), force).to_bytes()


def uninstall_bytes(data: bytes, manifest_cat) -> bytes:
    return installer.uninstall(doc_of(data), plan(manifest_cat)).to_bytes()


FIXTURE_CATS = {name: load(FIXTURES / "valid" / f"{name}.toml") for name in FIXTURE_NAMES}


# --- the byte-for-byte properties ----------------------------------------------------

@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_uninstall_of_install_gives_back_every_corpus_file(shared, name):
    cat = FIXTURE_CATS[name]
    for path in corpus_files(shared):
        original = path.read_bytes()
        installed = install_bytes(original, cat)
        assert installed != original
        assert install_bytes(installed, cat) == installed, path.name  # twice = once
        assert uninstall_bytes(installed, cat) == original, path.name


@FAST
@given(inf_texts(), st.sampled_from(FIXTURE_NAMES))
def test_uninstall_of_install_gives_back_generated_files(text, name):
    original, _codec = text
    cat = FIXTURE_CATS[name]
    installed = install_bytes(original, cat)
    assert install_bytes(installed, cat) == installed
    assert uninstall_bytes(installed, cat) == original


@FAST
@given(inf_texts(), canonical_manifests(prefix="Z"))
def test_install_then_uninstall_of_generated_manifests(text, manifest):
    original, _codec = text
    cat = catalogue(manifest)
    installed = install_bytes(original, cat)
    assert install_bytes(installed, cat) == installed
    assert uninstall_bytes(installed, cat) == original


@FAST
@given(inf_texts())
def test_installed_file_holds_what_inf_generates(text):
    """What install adds reads back as the generated sections, whatever the file was."""
    from validator.generate.inf import generate, normalise

    original, _codec = text
    cat = FIXTURE_CATS["multi"]
    installed = doc_of(install_bytes(original, cat))
    have = normalise(installed)
    want = normalise(parse_document(generate(cat)))
    for folded, section in want.items():
        assert folded in have
        for identity, (normal, *_rest) in section.entries.items():
            assert have[folded].entries[identity][0] == normal


def test_two_manifests_installed_then_uninstalled_in_either_order(shared):
    original = (shared / "corpus" / "inf" / "mrxp.inf").read_bytes()
    a, b = FIXTURE_CATS["store"], FIXTURE_CATS["transport"]
    both = install_bytes(install_bytes(original, a), b)
    assert uninstall_bytes(uninstall_bytes(both, a), b) == original
    assert uninstall_bytes(uninstall_bytes(both, b), a) == original


def test_created_global_section_shared_by_two_installs_stays_until_both_leave():
    original = b"[Other]\r\nX=1"
    a, b = FIXTURE_CATS["addressbook"], FIXTURE_CATS["multi"]  # both have default services
    both = install_bytes(install_bytes(original, a), b)
    only_b = uninstall_bytes(both, a)
    assert b"[Default Services]" in only_b and b"FABRIKAM_AB=" not in only_b
    assert uninstall_bytes(only_b, b) == original


def test_empty_global_section_of_the_original_is_kept():
    original = b"[Default Services]\n\n[Services]\n"
    cat = FIXTURE_CATS["addressbook"]
    installed = install_bytes(original, cat)
    assert installed.startswith(b"[Default Services]\nFABRIKAM_AB=Fabrikam Directory\n")
    assert uninstall_bytes(installed, cat) == original


def test_missing_final_newline_stays_missing():
    original = b"[Services]\r\nA=B"
    installed = install_bytes(original, FIXTURE_CATS["store"])
    assert not installed.endswith(b"\r\n")
    assert b"A=B\r\nCONTOSO_STORE=Contoso Mailbox Store\r\n" in installed
    assert uninstall_bytes(installed, FIXTURE_CATS["store"]) == original


def test_encoding_and_line_endings_are_kept():
    text = "; Fichier é\n[Services]\nA=Été\n"
    for data in (text.encode("cp1252"), b"\xff\xfe" + text.encode("utf-16-le"),
                 b"\xef\xbb\xbf" + text.encode("utf-8")):
        installed = install_bytes(data, FIXTURE_CATS["transport"])
        assert installed[:2] == data[:2]
        assert b"\r\n" not in installed.replace(b"\r\x00\n", b"")
        assert doc_of(installed).codec == doc_of(data).codec


def test_text_the_file_encoding_cannot_hold_is_an_error():
    manifest = {"manifest_version": 1, "services": {"S": {"display_name": "雪", "providers": []}}}
    with pytest.raises(installer.InstallError, match="Windows-1252"):
        installer.encode(installer.install(doc_of(b"[Services]\n"), plan(catalogue(manifest))), "F")


# --- conflicts ---------------------------------------------------------------------

def test_conflicting_section_is_an_error_unless_forced(shared):
    original = (shared / "corpus" / "inf" / "mrxp.inf").read_bytes()
    manifest = {"manifest_version": 1,
                "services": {"MRXP": {"display_name": "MRXP Sample Transport",
                                      "dll": "OTHER.DLL", "providers": ["MRXP_PRV"]}}}
    cat = catalogue(manifest)
    with pytest.raises(installer.Conflict, match=r"\[MRXP\].*PR_SERVICE_DLL_NAME"):
        install_bytes(original, cat)
    forced = install_bytes(original, cat, force=True)
    assert b"PR_SERVICE_DLL_NAME=OTHER.DLL" in forced
    assert b"[MRXP_PRV]" in forced  # other sections untouched


def test_conflicting_services_line_is_an_error_unless_forced():
    original = b"[Services]\nCONTOSO_STORE = Old Name ; x\n"
    cat = FIXTURE_CATS["store"]
    with pytest.raises(installer.Conflict, match="Old Name"):
        install_bytes(original, cat)
    forced = install_bytes(original, cat, force=True)
    assert forced.startswith(b"[Services]\nCONTOSO_STORE = Contoso Mailbox Store\n")


def test_same_content_written_differently_is_no_conflict():
    """Sections already there in other case, spacing and order are left as they are."""
    from validator.generate.inf import generate

    cat = FIXTURE_CATS["transport"]
    out = []
    for block in generate(cat, "\n").split("\n\n"):
        header, *entries = block.strip().split("\n")
        entries = [e.replace(" | ", "|").replace("=", " = ", 1) for e in reversed(entries)]
        out += [header.lower()] + [e.split(" = ")[0].lower() + " = " + e.split(" = ", 1)[1]
                                   if e.startswith("PR_") else e for e in entries]
    data = ("; hand-written\r\n" + "\r\n".join(out)).encode()
    assert b"pr_resource_flags = status_primary_identity|" not in data  # values keep their case
    assert b"pr_resource_flags = STATUS_PRIMARY_IDENTITY|STATUS_XP_PREFER_LAST" in data
    assert install_bytes(data, cat) == data


# --- the command line --------------------------------------------------------------

def test_cli_install_dry_run_backup_and_uninstall(cli, tmp_path, shared):
    target = tmp_path / "MAPISVC.INF"
    original = (shared / "corpus" / "inf" / "sabp-MAPISVC.INF").read_bytes()
    target.write_bytes(original)
    os.chmod(target, 0o640)
    manifest = FIXTURES / "valid" / "store.toml"

    dry = cli("install", manifest, "--into", target, "--dry-run")
    assert dry.code == 0
    assert dry.out.startswith(f"--- a/{target}\n+++ b/{target}\n")
    assert "+[CONTOSO_STORE]\n" in dry.out and "+CONTOSO_STORE=Contoso Mailbox Store\n" in dry.out
    assert target.read_bytes() == original and not (tmp_path / "MAPISVC.INF.bak").exists()

    done = cli("install", manifest, "--into", target)
    assert done.code == 0, done.err
    assert (tmp_path / "MAPISVC.INF.bak").read_bytes() == original
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert b"\r\n[CONTOSO_STORE]\r\nPR_DISPLAY_NAME=Contoso Mailbox Store\r\n" in target.read_bytes()
    again = cli("install", manifest, "--into", target)
    assert again.code == 0 and "nothing to install" in again.err

    gone = cli("uninstall", manifest, "--from", target)
    assert gone.code == 0, gone.err
    assert target.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["MAPISVC.INF", "MAPISVC.INF.bak"]


def test_cli_install_through_a_symlink_replaces_the_real_file(cli, tmp_path):
    real = tmp_path / "real" / "MAPISVC.INF"
    real.parent.mkdir()
    real.write_bytes(b"[Services]\r\n")
    link = tmp_path / "link.inf"
    link.symlink_to(real)
    assert cli("install", FIXTURES / "valid" / "store.toml", "--into", link).code == 0
    assert link.is_symlink() and b"[CONTOSO_STORE]" in real.read_bytes()
    assert (real.parent / "MAPISVC.INF.bak").read_bytes() == b"[Services]\r\n"
    assert cli("uninstall", FIXTURES / "valid" / "store.toml", "--from", link, "--no-backup").code == 0
    assert real.read_bytes() == b"[Services]\r\n"


def test_cli_conflict_is_one_line_exit_2(cli, tmp_path):
    target = tmp_path / "m.inf"
    target.write_bytes(b"[CONTOSO_STORE]\nPR_SERVICE_DLL_NAME=old.dll\nProviders=X\n")
    result = cli("install", FIXTURES / "valid" / "store.toml", "--into", target)
    assert result.code == 2
    assert result.err.count("\n") == 1 and "--force" in result.err
    assert "Traceback" not in result.err
    assert cli("install", FIXTURES / "valid" / "store.toml", "--into", target, "--force").code == 0


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    (b"[Services]\n\x81\n", "cannot be decoded"),
])
def test_cli_unreadable_inputs_are_one_line_exit_2(cli, tmp_path, content, message):
    target = tmp_path / "m.inf"
    if content is not None:
        target.write_bytes(content)
    result = cli("install", FIXTURES / "valid" / "store.toml", "--into", target)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1


def test_cli_bad_manifest_is_one_line_exit_2(cli, tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text("manifest_version = \n")
    target = tmp_path / "m.inf"
    target.write_bytes(b"")
    result = cli("install", manifest, "--into", target)
    assert result.code == 2 and "m.toml:1:" in result.err and result.err.count("\n") == 1


# --- faults: the original survives ---------------------------------------------------

def test_exception_before_the_rename_leaves_the_original(cli, tmp_path, monkeypatch):
    target = tmp_path / "MAPISVC.INF"
    target.write_bytes(b"[Services]\r\n")
    real_replace = os.replace

    def failing_replace(src, dst):
        if os.fspath(dst) == os.fspath(target):
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = cli("install", FIXTURES / "valid" / "store.toml", "--into", target)
    assert result.code == 2 and "unchanged" in result.err
    assert target.read_bytes() == b"[Services]\r\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mapisvc-")]


def test_full_disk_leaves_the_original(cli, tmp_path, monkeypatch):
    import errno

    target = tmp_path / "MAPISVC.INF"
    target.write_bytes(b"[Services]\r\n")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = cli("install", FIXTURES / "valid" / "store.toml", "--into", target)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert result.code == 2 and "No space left" in result.err
    assert target.read_bytes() == b"[Services]\r\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mapisvc-")]


def test_process_killed_between_write_and_rename_leaves_the_original(tmp_path):
    target = tmp_path / "MAPISVC.INF"
    original = b"; keep me\r\n[Services]\r\nA=B"
    target.write_bytes(original)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        real = os.replace
        def killed(src, dst):
            if os.fspath(dst) == {str(target)!r}:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst)
        os.replace = killed
        from validator.cli import main
        main(["install", {str(FIXTURES / "valid" / "multi.toml")!r}, "--into", {str(target)!r}])
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    assert target.read_bytes() == original
    # the backup was complete before the killed step, the temporary file is left behind
    assert (tmp_path / "MAPISVC.INF.bak").read_bytes() == original
