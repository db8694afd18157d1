"""The pre-commit hooks, run by the real ``pre-commit`` program.

``pre-commit try-repo`` installs this repository's hook environment
(``language: python``: a virtualenv with mapisvc pip-installed) and runs a hook
on a scratch git repository, exactly as a user's ``.pre-commit-config.yaml``
would.  The repository is first copied to a clean snapshot commit (tracked and
untracked, not ignored, files) so that both runs share one installed
environment even while the working tree has uncommitted changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, need

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
    env.pop("PRE_COMMIT_COLOR", None)
    return snapshot, scratch, env


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


def test_check_hook_fails_on_a_faulty_manifest_and_passes_a_sound_one(hook_env):
    faulty = _try_repo(hook_env, "mapisvc-check", "faulty.toml", "sound.toml", "pyproject.toml")
    output = faulty.stdout + faulty.stderr
    assert faulty.returncode == 1, output
    assert "mapisvc check" in output and "Failed" in output
    assert "faulty.toml:6:1: MS104" in output, output
    assert "sound.toml:" not in output and "pyproject.toml:" not in output

    sound = _try_repo(hook_env, "mapisvc-check", "sound.toml", "pyproject.toml")
    output = sound.stdout + sound.stderr
    assert sound.returncode == 0, output
    assert "Passed" in output
