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


def _json_values():
    return st.recursive(
        st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                     max_size=3),
        max_leaves=6)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


@FAST
@given(valid_manifests(), st.data())
def test_rules_never_crash_on_wrongly_typed_values(manifest, data):
    paths = [p for p in _paths(manifest) if len(p) >= 2]
    for _ in range(3):
        path = data.draw(st.sampled_from(paths))
        node = manifest
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = data.draw(_json_values())
        paths = [p for p in _paths(manifest) if len(p) >= 2] or paths
    lint_bytes(json.dumps(manifest).encode(), "manifest.json")  # must not raise


_INF_LINES = st.sampled_from([
    "[Services]", "[Default Services]", "[Help File Mappings]", "[S]", "[P]", "[Q]", "[ S ]",
    "S=Service", "P=x", "Providers=P", "Providers=P, Q, P", "Providers=", "Sections=Q, X",
    "PR_RESOURCE_TYPE=MAPI_AB_PROVIDER", "PR_RESOURCE_TYPE=21000000", "PR_RESOURCE_TYPE=",
    "PR_RESOURCE_FLAGS=SERVICE_NO_PRIMARY_IDENTITY", "PR_RESOURCE_FLAGS=|STATUS_X||",
    "PR_RESOURCE_FLAGS=00000004", "PR_RESOURCE_FLAGS=99", "PR_PROVIDER_DLL_NAME=p32.dll",
    "PR_SERVICE_DLL_NAME=..\\a.b\\s.dll", "PR_SERVICE_ENTRY_NAME=x y", "WIZARD_ENTRY_NAME=",
    "PR_SERVICE_DELETE_FILES=p32.dll,,", "PR_PROVIDER_DISPLAY=\u2709", "3D0C0102=00",
    "300A001E=q.dll", "UID=00", "=", "[", "; comment", "# x=y", "",
])


@FAST
@given(st.lists(_INF_LINES, max_size=25), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_inf_rules_never_crash(lines, encoding):
    text = "\r\n".join(lines)
    result = lint_bytes(text.encode(encoding), "MAPISVC.INF")
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
