"""Round trips: manifest → INF → manifest, INF → manifest → INF, TOML ↔ JSON."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._inf_strategies import canonical_manifests, catalogue, corpus_files
from .conftest import FIXTURES, SHARED
from validator.generate.inf import compare, encode_inf, generate, same_inf
from validator.generate.manifest import from_inf, load, to_json, to_toml
from validator.readers.inf import parse_document, read_inf

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def inf_to_manifest(data: bytes, properties=None):
    cat, findings = read_inf(data, "x.inf")
    return from_inf(cat, properties, findings)


@FAST
@given(canonical_manifests(), st.sampled_from(["\r\n", "\n"]))
def test_manifest_to_inf_to_manifest_is_the_same_manifest(manifest, newline):
    text = generate(catalogue(manifest), newline)
    back, notes = inf_to_manifest(encode_inf(text))
    assert back == manifest
    assert notes == []
    # and the TOML/JSON writers carry it unchanged
    assert tomllib.loads(to_toml(back)) == manifest


@FAST
@given(canonical_manifests(), st.data())
def test_inf_to_manifest_to_inf_is_the_same_inf(manifest, data):
    """INF texts as people write them: other case, spacing, comments, CRLF or LF."""
    lines = generate(catalogue(manifest), "\n").splitlines()
    edited = []
    for line in lines:
        if "=" in line and not line.startswith("["):
            key, value = line.split("=", 1)
            key = data.draw(st.sampled_from([key, key.lower(), key.upper()]))
            pad = data.draw(st.sampled_from(["", " ", "\t"]))
            value = value.replace(" | ", data.draw(st.sampled_from(["|", " | ", "  |"])))
            line = f"{pad}{key}{pad}={pad}{value}"
        elif line.startswith("["):
            line = data.draw(st.sampled_from([line, line.lower()]))
        edited.append(line)
        if data.draw(st.booleans()):
            edited.append("; a comment")
    text = data.draw(st.sampled_from(["\r\n", "\n"])).join(edited)
    back, _notes = inf_to_manifest(encode_inf(text))
    regenerated = generate(catalogue(back))
    assert compare(parse_document(text), parse_document(regenerated)) == []


def test_corpus_inf_to_manifest_to_inf(shared):
    # The one corpus file a manifest cannot carry whole: [Default Services]
    # names display names of services it never lists; convert says so.
    lossy = {"docs-mapisvc-inf-default-services-section__block1.inf"}
    for path in corpus_files(shared):
        data = path.read_bytes()
        manifest, notes = inf_to_manifest(data)
        cat, _ = read_inf(data, str(path))
        regenerated = generate(catalogue(manifest))
        if path.name in lossy:
            assert not same_inf(cat.source.text, regenerated)
            assert any("Default Services" in n for n in notes), notes
            continue
        diffs = compare(parse_document(cat.source.text), parse_document(regenerated))
        assert diffs == [], (path.name, [d.message() for d in diffs])
        assert tomllib.loads(to_toml(manifest)) == manifest


@pytest.mark.parametrize("name", ["store", "addressbook", "transport", "multi"])
def test_fixture_manifest_round_trips_with_its_properties(name):
    """With the manifest's properties, raw tags get their names and constants back."""
    cat = load(FIXTURES / "valid" / f"{name}.toml")
    back, notes = inf_to_manifest(encode_inf(generate(cat)), cat.data.get("properties"))
    assert notes == []
    assert guids_as_mapi_hex(back) == guids_as_mapi_hex(cat.data)


def guids_as_mapi_hex(manifest: dict) -> dict:
    """A braced GUID and its 32 MAPI-order hex digits are one value (INF has only the latter)."""
    import copy

    from validator.generate.inf import mapi_uid

    out = copy.deepcopy(manifest)
    for table in ("providers", "sections"):
        for section in out.get(table, {}).values():
            for member in ("mdb_provider", "ab_provider_id", "uid"):
                if member in section:
                    section[member] = mapi_uid(section[member]).upper()
    return out


@pytest.mark.parametrize("name", ["store", "addressbook", "transport", "multi"])
def test_toml_and_json_fixtures_are_one_manifest(name):
    import json

    toml_data = load(FIXTURES / "valid" / f"{name}.toml").data
    json_data = json.loads((FIXTURES / "valid" / f"{name}.json").read_text())
    json_data.pop("$schema", None)
    assert json.loads(to_json(toml_data)) == json.loads(json.dumps(toml_data))
    from validator.readers.manifest import parse_int

    def ids(data):
        for prop in data.get("properties", {}).values():
            prop["id"] = parse_int(prop.get("id"))
        return data
    assert ids(tomllib.loads(to_toml(json_data))) == ids(toml_data)


def test_shared_dir_is_where_conftest_says():
    assert SHARED.name == "shared"
