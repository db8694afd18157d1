"""Walking directories: what is checked, what is skipped, and what cannot be read.

An unreadable file, a dangling link or a link loop is reported (exit 2) and
every other file is still checked; nothing in a walked tree can make the walk
loop or block.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from validator import files

from .conftest import FIXTURES, ROOT

GOOD = (FIXTURES / "valid" / "store.toml").read_text()
FAULTY = (FIXTURES / "bad" / "MS104-misspelt-member.toml").read_text()


def walked(root) -> tuple[list[str], list[files.Problem]]:
    found, problems = [], []
    for item in files.collect([str(root)]):
        (problems if isinstance(item, files.Problem) else found).append(item)
    return [os.path.relpath(p, root) for p in found], problems


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "good.toml").write_text(GOOD)
    (tmp_path / "svc" / "faulty.toml").write_text(FAULTY)
    return tmp_path


def test_manifests_and_inf_files_are_found_in_order(tree):
    (tree / "svc" / "MAPISVC.INF").write_text("[Services]\n")
    (tree / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tree / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    found, problems = walked(tree)
    assert found == ["svc/MAPISVC.INF", "svc/faulty.toml", "svc/good.toml"]
    assert problems == []


def test_json_schemas_that_mention_manifest_keys_are_not_manifests(tree):
    (tree / "manifest.schema.json").write_bytes((ROOT / "schema" / "manifest.schema.json").read_bytes())
    (tree / "nested.json").write_text('{"x": {"manifest_version": 1}}')
    (tree / "m.json").write_text('{"$schema": "./manifest.schema.json", "manifest_version": 1}')
    (tree / "late.json").write_text('{"properties": {"a": [1, {"b": "}"}]}, "manifest_version": 1}')
    found, _ = walked(tree)
    assert "manifest.schema.json" not in found and "nested.json" not in found
    assert "m.json" in found and "late.json" in found


@pytest.mark.parametrize("excluded", [".git", "node_modules", ".venv", "build", "__pycache__"])
def test_default_excludes_are_not_walked(tree, excluded):
    (tree / excluded).mkdir()
    (tree / excluded / "m.toml").write_text(GOOD)
    found, _ = walked(tree)
    assert not any(p.startswith(excluded) for p in found)


def test_exclude_patterns_match_parts_and_paths(tree):
    assert files.is_excluded(str(tree / "a" / ".git" / "x.toml"), files.DEFAULT_EXCLUDE)
    assert files.is_excluded("src/gen/out.toml", ("gen/*.toml",))
    assert files.is_excluded("gen/out.toml", ("gen/*.toml",))
    assert not files.is_excluded("src/general/out.toml", ("gen",))
    assert not files.is_excluded("src/m.toml", ())


def test_symlinked_directory_loop_is_not_followed(tree):
    os.symlink(tree, tree / "svc" / "loop")
    found, problems = walked(tree)
    assert found == ["svc/faulty.toml", "svc/good.toml"]
    assert problems == []


def test_file_symlink_loop_and_dangling_link_are_reported_and_the_rest_checked(tree, cli):
    os.symlink(tree / "svc" / "b.toml", tree / "svc" / "a.toml")
    os.symlink(tree / "svc" / "a.toml", tree / "svc" / "b.toml")
    os.symlink(tree / "nowhere.inf", tree / "svc" / "dangling.inf")
    found, problems = walked(tree)
    assert found == ["svc/faulty.toml", "svc/good.toml"]
    assert sorted(os.path.basename(p.path) for p in problems) == ["a.toml", "b.toml", "dangling.inf"]
    assert all(p.message.startswith("cannot read: ") for p in problems)

    result = cli("check", tree)
    assert result.code == 2  # unreadable input wins over findings
    assert "MS104" in result.out  # ... and the readable files were still checked
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 3
    assert all(line.startswith("mapisvc: ") and "cannot read" in line
               for line in result.err.strip().splitlines())


def test_unreadable_file_is_reported_and_the_rest_checked(tree, cli, monkeypatch):
    # Permissions do not stop root, so the refusal is simulated at open().
    secret = tree / "svc" / "secret.toml"
    secret.write_text(GOOD)
    real_open = open

    def guarded_open(path, *args, **kwargs):
        if os.fspath(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded_open)
    found, problems = walked(tree)
    assert [p.message for p in problems] == ["cannot read: Permission denied"]
    result = cli("check", "--jobs", "1", tree)
    assert result.code == 2
    assert f"mapisvc: {secret}: cannot read: Permission denied" in result.err
    assert "MS104" in result.out


def test_unreadable_directory_is_reported_and_the_rest_checked(tree, cli, monkeypatch):
    (tree / "locked").mkdir()
    real_scandir = os.scandir

    def guarded_scandir(path="."):
        if os.fspath(path) == str(tree / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    found, problems = walked(tree)
    assert found == ["svc/faulty.toml", "svc/good.toml"]
    assert [(os.path.basename(p.path), p.message) for p in problems] == [
        ("locked", "cannot read directory: Permission denied")]


def test_explicit_link_loop_is_cannot_read_not_missing(tree):
    os.symlink(tree / "y.toml", tree / "x.toml")
    os.symlink(tree / "x.toml", tree / "y.toml")
    problems = list(files.collect([str(tree / "x.toml"), str(tree / "missing.toml")]))
    assert [p.message.split(":")[0] for p in problems] == ["cannot read", "no such file or directory"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_named_like_a_manifest_does_not_block_the_walk(tree):
    os.mkfifo(tree / "svc" / "pipe.toml")
    os.mkfifo(tree / "svc" / "PIPE.INF")
    # In a subprocess with a timeout: a blocking open() must fail the test, not hang it.
    proc = subprocess.run([sys.executable, "-m", "validator", "check", str(tree)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert "MS104" in proc.stdout
    assert "pipe" not in proc.stdout.lower() + proc.stderr.lower()
