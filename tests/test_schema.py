"""The manifest schema: a valid 2020-12 schema, and its errors as positioned MS1xx codes."""

from __future__ import annotations

import json
import tomllib

import jsonschema
import pytest

from validator.engine import lint_bytes
from validator.schema import load_schema, schema_path, validate

from .conftest import FIXTURES, ROOT


def test_schema_is_valid_draft_2020_12():
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_is_found_where_the_repository_keeps_it():
    assert schema_path().resolve() == (ROOT / "schema" / "manifest.schema.json").resolve()


def _every_object(node, path="#"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _every_object(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _every_object(value, f"{path}/{i}")


def test_every_object_schema_is_closed_and_every_member_described():
    schema = load_schema()
    for path, node in _every_object(schema):
        if node.get("type") == "object" and "properties" in node:
            assert node.get("additionalProperties") is False, path
            for name, member in node["properties"].items():
                assert member.get("description") or "$ref" in member, f"{path}/{name}"


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").iterdir()), ids=lambda p: p.name)
def test_valid_fixtures_validate_with_python_jsonschema(path):
    data = json.loads(path.read_text()) if path.suffix == ".json" else tomllib.loads(path.read_text())
    jsonschema.Draft202012Validator(load_schema()).validate(data)


def lint(text: str, fmt: str = "toml"):
    return [(d.code, d.line, d.column, d.message)
            for d in lint_bytes(text.encode(), f"m.{fmt}").diagnostics]


def test_missing_member_points_at_the_table_header():
    found = lint('manifest_version = 1\n[providers.P]\ntype = "MAPI_AB_PROVIDER"\ndisplay = "x"\n')
    assert [(c, l, col) for c, l, col, _ in found if c == "MS101"] == [("MS101", 2, 1)]
    assert "`dll`" in [m for c, *_, m in found if c == "MS101"][0]


def test_unknown_member_suggests_the_closest_and_points_at_the_key():
    found = lint('manifest_version = 1\n[providers.P]\ntype = "MAPI_AB_PROVIDER"\n'
                 'dll = "p.dll"\ndisplay = "x"\ndispaly = "y"\n')
    ms104 = [f for f in found if f[0] == "MS104"]
    assert [(c, l, col) for c, l, col, _ in ms104] == [("MS104", 6, 1)]
    assert "did you mean `display`?" in ms104[0][3]


def test_wrong_type_points_at_the_value():
    found = lint('{"manifest_version": 1, "services": {"S": {"display_name": 3, "providers": []}}}',
                 "json")
    assert ("MS102", 1, 60) in [(c, l, col) for c, l, col, _ in found]


def test_version_codes():
    assert [c for c, *_ in lint("manifest_version = 3\n")] == ["MS106"]
    assert [c for c, *_ in lint("[properties]\n")] == ["MS106"]


def test_anyof_of_required_members_is_ms101():
    found = validate({"manifest_version": 1, "properties": {"PR_X": {"type": "PT_LONG"}}})
    assert [f.code for f in found] == ["MS101"]
    assert found[0].loc.pointer == ("properties", "PR_X")


def test_id_out_of_bounds_is_ms105_and_bad_hex_string_is_ms103():
    over = validate({"manifest_version": 1, "properties": {"PR_X": {"type": "PT_LONG", "id": 70000}}})
    assert [f.code for f in over] == ["MS105"]
    text = validate({"manifest_version": 1, "properties": {"PR_X": {"type": "PT_LONG", "id": "66"}}})
    assert [f.code for f in text] == ["MS103"]


def test_misspelt_required_member_is_one_finding_not_two():
    found = lint('manifest_version = 1\n[providers.P]\ntype = "MAPI_AB_PROVIDER"\n'
                 'dll = "p.dll"\ndispaly = "x"\n')
    assert [(c, l, col) for c, l, col, _ in found] == [("MS104", 5, 1)]


def _walk_keywords(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            if key not in ("properties", "$defs"):
                yield from _walk_keywords(value)
            else:
                for member in value.values():
                    yield from _walk_keywords(member)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_keywords(value)


def test_the_interpreter_knows_every_keyword_the_schema_uses():
    from validator.schema_lite import ANNOTATIONS, SUPPORTED

    used = {k for k in _walk_keywords(load_schema()) if not k[0].isalpha() or k in
            {"type", "enum", "const", "properties", "additionalProperties", "required", "items",
             "anyOf", "minLength", "maxLength", "minimum", "maximum", "pattern", "oneOf", "allOf",
             "not", "if", "then", "else", "format", "minItems", "maxItems", "uniqueItems",
             "patternProperties", "propertyNames", "dependentRequired", "title", "description",
             "examples", "default"}}
    assert used <= SUPPORTED | ANNOTATIONS


BROKEN = [
    {"manifest_version": "1"},
    {"manifest_version": 1, "services": {"S": {"display_name": 3, "providrs": [], "flags": [1]}}},
    {"manifest_version": 1, "providers": {"P": {"type": 5, "dll": "", "display": "x", "x": {}}}},
    {"manifest_version": 1, "properties": {"PR_X": {"type": "PT_LONG", "id": "zz"},
                                           "PR_Y": {"type": "PT_LONG"},
                                           "PR_Z": {"type": "PT_LONG", "id": 70000}}},
    {"services": [], "sections": {"S": {"uid": 5, "settings": {"k": None}}}},
]


@pytest.mark.parametrize("data", BROKEN)
def test_both_engines_give_the_same_findings(data):
    def summary(engine):
        return sorted((f.code, f.loc.pointer, f.loc.part, f.message)
                      for f in validate(data, engine=engine))

    assert summary("interpreted") == summary("compiled")
    assert summary("interpreted")
