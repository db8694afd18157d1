"""Property tests: generated valid manifests lint clean; each one-fault mutation of the
service, flag and file families gives exactly its one code (as TOML and as JSON)."""

from __future__ import annotations

import copy
import json

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.engine import lint_bytes
from validator.testing import MUTATIONS, load_mutations, valid_manifests

PREFIXES = ("MS2", "MS5", "MS6")
load_mutations()
CASES = [(code, index) for code in sorted(MUTATIONS) if code.startswith(PREFIXES)
         for index in range(len(MUTATIONS[code]))]
FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _both_formats(manifest: dict):
    yield tomli_w.dumps(manifest).encode("utf-8"), "manifest.toml"
    yield json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"), "manifest.json"


@FAST
@given(valid_manifests())
def test_valid_manifests_lint_clean(manifest):
    for data, path in _both_formats(manifest):
        found = [(d.code, d.message) for d in lint_bytes(data, path).diagnostics]
        assert found == [], data.decode("utf-8")


def test_every_manifest_code_of_the_families_has_a_mutation():
    from validator.rules import load_all

    codes = {code for code, r in load_all().items()
             if code.startswith(PREFIXES) and r.check is not None and "M" in r.applies}
    assert codes <= {code for code, _i in CASES}


@pytest.mark.parametrize("code,index", CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_mutation_gives_exactly_its_code(code, index):
    mutate, _formats = MUTATIONS[code][index]

    @FAST
    @given(valid_manifests(), st.data())
    def check(manifest, data):
        mutated = mutate(copy.deepcopy(manifest), data.draw)
        if mutated is None:
            return
        for text, path in _both_formats(mutated):
            found = [(d.code, d.line, d.message) for d in lint_bytes(text, path).diagnostics]
            assert [c for c, _l, _m in found] == [code], (found, text.decode("utf-8"))
            assert found[0][1] > 1  # a resolved position, not the default 1:1

    check()
