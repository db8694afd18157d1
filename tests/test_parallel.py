"""Linting many files: the process pool gives exactly what one process gives, in order."""

from __future__ import annotations

import os

import pytest

from validator import engine, parallel
from validator.files import Problem

from .conftest import FIXTURES


def _files(tmp_path):
    paths = sorted(str(p) for p in FIXTURES.rglob("*") if p.suffix in (".toml", ".json", ".inf"))
    missing = str(tmp_path / "gone.toml")
    return paths[:5] + [missing] + paths[5:]


def _summary(outcomes):
    return [(o.path, o.message) if isinstance(o, Problem)
            else (o.path, [(d.line, d.column, d.code, d.message) for d in o.diagnostics])
            for o in outcomes]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool test forks")
def test_pool_and_one_process_agree_in_order(tmp_path):
    paths = _files(tmp_path)
    context = engine.Context()
    one = parallel.lint_many(paths, context, jobs=1)
    two = parallel.lint_many(paths, context, jobs=2)
    assert _summary(one) == _summary(two)
    assert [o.path for o in one] == paths
    assert isinstance(one[5], Problem) and one[5].message.startswith("cannot read")
    assert any(o.diagnostics for o in one if not isinstance(o, Problem))


def test_results_are_lean_unless_kept(tmp_path):
    paths = [str(FIXTURES / "valid" / "store.toml"), str(FIXTURES / "bad" / "MS104-misspelt-member.toml")]
    clean, faulty = parallel.lint_many(paths, engine.Context(), jobs=1)
    assert clean.catalogue is None and clean.text is None
    assert faulty.catalogue is None and faulty.text  # reporters show snippets from the text
    kept = parallel.lint_many(paths, engine.Context(), jobs=4, keep=True)
    assert all(r.catalogue is not None for r in kept)


def test_auto_jobs_stays_in_one_process_for_a_hook_sized_run(tmp_path):
    few = [str(FIXTURES / "valid" / "store.toml")] * 3
    assert parallel.auto_jobs(few) == 1
    small = [str(FIXTURES / "valid" / "store.toml")] * 100  # many files, little to read
    assert parallel.auto_jobs(small) == 1


def test_cli_jobs_option(cli):
    result = cli("check", "--jobs", "1", FIXTURES / "valid")
    assert result.code == 0
    assert "All checks passed (8 files)." in result.out
