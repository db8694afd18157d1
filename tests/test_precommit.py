"""The pre-commit hooks, run by the real ``pre-commit`` program.

``pre-commit try-repo`` installs this repository's hook environment
(``language: python``: a virtualenv with mapisvc pip-installed) and runs a hook
on a scratch git repository, exactly as a user's ``.pre-commit-config.yaml``
would.  The repository is first copied to a clean snapshot commit (tracked and
untracked, not ignored, files), so that the working tree's uncommitted changes
are what is tested.

try-repo installs into a throw-away store each time, so it runs once (the
failing case); the other runs use a ``.pre-commit-config.yaml`` pointing at the
same snapshot, which share one environment in ``PRE_COMMIT_HOME``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, need, run_cli

GIT = shutil.which("git")
IDENTITY = ["-c", "user.name=mapisvc tests", "-c", "user.email=tests@mapisvc.invalid",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run([GIT, *IDENTITY, *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def _has_pre_commit() -> bool:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    need(GIT is not None, "git is not installed")
    need(_has_pre_commit(), "pre-commit is not installed (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("pre-commit")
    snapshot = base / "mapisvc"
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(snapshot, "init", "-q")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot")
    scratch = base / "user-repo"
    scratch.mkdir()
    _git(scratch, "init", "-q")
    sound = (FIXTURES / "valid" / "store.toml").read_text(encoding="utf-8")
    (scratch / "sound.toml").write_text(sound, encoding="utf-8")
    (scratch / "faulty.toml").write_text(
        sound.replace("[services.CONTOSO_STORE]\n", "[services.CONTOSO_STORE]\ncolour = \"blue\"\n"),
        encoding="utf-8")
    # Not a manifest: the hook must leave it alone although its name matches.
    (scratch / "pyproject.toml").write_text("[project]\nname = \"x\"\n", encoding="utf-8")
    _git(scratch, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "cache"), "NO_COLOR": "1"}
    # The hook must run the mapisvc that pre-commit installed, not a source tree.
    for name in ("PRE_COMMIT_COLOR", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(name, None)
    return snapshot, scratch, env


def _sha(repo: Path) -> str:
    return _git(repo, "rev-parse", "HEAD").strip()


def _try_repo(hook_env, hook: str, *files: str) -> subprocess.CompletedProcess:
    snapshot, scratch, env = hook_env
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(snapshot), hook,
                           "--color", "never", "--files", *files],
                          cwd=scratch, env=env, capture_output=True, text=True, timeout=600)


def test_manifest_of_hooks_is_valid():
    need(_has_pre_commit(), "pre-commit is not installed (pip install -e '.[test]')")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest",
                           str(ROOT / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _run_config(hook_env, cwd: Path, hooks: list[dict], *options: str) -> tuple[int, str]:
    """``pre-commit run`` with a configuration of this repository's hooks (and their args)."""
    snapshot, _scratch, env = hook_env
    lines = [f"repos:", f"- repo: {snapshot.as_posix()}", f"  rev: {_sha(snapshot)}", "  hooks:"]
    for hook in hooks:
        lines.append(f"  - id: {hook['id']}")
        for key in ("name", "args"):
            if key in hook:
                lines.append(f"    {key}: {hook[key]}")
    config = snapshot.parent / f"config-{cwd.name}.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never",
                           "--config", str(config), *options],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


def test_check_hook_fails_on_a_faulty_manifest_and_passes_a_sound_one(hook_env):
    _snapshot, scratch, _env = hook_env
    faulty = _try_repo(hook_env, "mapisvc-check", "faulty.toml", "sound.toml", "pyproject.toml")
    output = faulty.stdout + faulty.stderr
    assert faulty.returncode == 1, output
    assert "mapisvc check" in output and "Failed" in output
    assert "faulty.toml:6:1: MS104" in output, output
    assert "sound.toml:" not in output and "pyproject.toml:" not in output

    code, output = _run_config(hook_env, scratch, [{"id": "mapisvc-check"}],
                               "--files", "sound.toml", "pyproject.toml")
    assert code == 0, output
    assert re.search(r"^mapisvc check\.+Passed$", output, re.M), output


@pytest.mark.parametrize("hook,command,suffix,text", [
    ("mapisvc-inf", "inf", ".inf", "Contoso Mailbox Store"),
    ("mapisvc-header", "header", ".h", "PR_CSTORE_PORT"),
])
def test_generated_file_hooks_pass_when_fresh_and_fail_when_stale(hook_env, hook, command,
                                                                   suffix, text):
    # The hook runs `mapisvc COMMAND MANIFEST --check FILE` with the pair from `args`.
    if importlib.util.find_spec(f"validator.commands.{command}") is None:
        pytest.skip(f"'mapisvc {command}' is not built on this branch yet")
    snapshot, _scratch, _env = hook_env
    repo = snapshot.parent / f"user-repo-{command}"
    repo.mkdir()
    _git(repo, "init", "-q")
    manifest = repo / "service.toml"
    manifest.write_text((FIXTURES / "valid" / "store.toml").read_text(encoding="utf-8"),
                        encoding="utf-8")
    fresh = repo / f"fresh{suffix}"
    made = run_cli(command, str(manifest), "-o", str(fresh))
    assert made.code == 0, made.err
    generated = fresh.read_bytes()
    assert text.encode() in generated
    (repo / f"stale{suffix}").write_bytes(generated.replace(text.encode(), b"Stale" + text.encode(), 1))
    _git(repo, "add", "-A")
    code, output = _run_config(hook_env, repo, [
        {"id": hook, "name": f"fresh {command}", "args": f"[service.toml, --check, fresh{suffix}]"},
        {"id": hook, "name": f"stale {command}", "args": f"[service.toml, --check, stale{suffix}]"},
    ], "--all-files")
    assert code == 1, output
    assert re.search(rf"^fresh {command}\.+Passed$", output, re.M), output
    assert re.search(rf"^stale {command}\.+Failed$", output, re.M), output
    assert ("MS703" if command == "inf" else "MS701") in output
