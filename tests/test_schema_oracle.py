"""Differential test: python-jsonschema, the reference, against the shipped engines.

Hypothesis builds manifest dicts, mostly right with some members wrong (wrong
types, unknown or missing members, values out of range, near-miss strings), and
for each one:

- python-jsonschema and both shipped engines (jsonschema-rs, and the small
  interpreter used for short runs) agree on whether it is valid;
- every python-jsonschema error's instance path has a finding of ours at that
  pointer or an ancestor (or, for an unknown or misspelt member, at the member
  itself, which is where mapisvc points);
- both shipped engines give exactly the same findings.

One deliberate difference from python-jsonschema: JSON Schema patterns are
ECMA-262 regular expressions, where ``$`` matches only at the very end; Python's
``re`` also matches before a final newline, so python-jsonschema accepts
``"0x12\\n"`` as an ``id``.  The reference here uses ECMA's ``$``, as
jsonschema-rs does.
"""

from __future__ import annotations

import re

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.schema import load_schema, validate


def _ecma_pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string"):
        ecma = re.sub(r"(?<!\\)((?:\\\\)*)\$", lambda m: m.group(1) + r"\Z", pattern)
        if not re.search(ecma, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


Reference = jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                         {"pattern": _ecma_pattern})
REFERENCE = Reference(load_schema())

# -- strategies: right values, and a share of wrong ones ---------------------------

_scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8))
_anything = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6)
_name = st.from_regex(r"[A-Z][A-Z0-9_]{0,10}", fullmatch=True)
_text = st.one_of(st.text(min_size=1, max_size=12), st.just(""))


def sometimes_wrong(right: st.SearchStrategy) -> st.SearchStrategy:
    """Right three times in four."""
    return st.one_of(right, right, right, _anything)


def obj(required: dict, optional: dict) -> st.SearchStrategy:
    """An object with its members, sometimes one missing, sometimes an unknown (often misspelt) one."""
    names = list(required) + list(optional)

    @st.composite
    def build(draw):
        out = draw(st.fixed_dictionaries({k: sometimes_wrong(v) for k, v in required.items()},
                                         optional={k: sometimes_wrong(v)
                                                   for k, v in optional.items()}))
        if required and draw(st.integers(0, 9)) == 0:
            out.pop(draw(st.sampled_from(list(required))), None)
        if draw(st.integers(0, 7)) == 0:
            base = draw(st.sampled_from(names))
            typo = draw(st.sampled_from([base[:-1], base + "s", base.upper(), "x_" + base]))
            out[typo] = draw(_anything)
        return out

    return build()


_flags = st.lists(st.one_of(st.sampled_from(["SERVICE_SINGLE_COPY", "STATUS_DEFAULT_STORE"]),
                            st.text(max_size=6), st.integers()), max_size=3)
_names = st.lists(st.one_of(_name, _text), max_size=3)
_setting_value = st.one_of(st.text(max_size=6), st.integers(), st.booleans(),
                           st.lists(st.one_of(st.text(max_size=4), st.integers(), st.booleans()),
                                    max_size=3), st.none())
_settings = st.dictionaries(_name, _setting_value, max_size=3)

SERVICE = obj({"display_name": _text, "providers": _names},
              {"dll": _text, "entry": _text, "wizard_entry": _text, "flags": _flags,
               "support_files": _names, "delete_files": _names, "install_id": _text,
               "help_file": _text, "default": st.booleans(), "sections": _names,
               "settings": _settings})
PROVIDER = obj({"type": st.sampled_from(["MAPI_STORE_PROVIDER", "MAPI_AB_PROVIDER", "OTHER", ""]),
                "dll": _text, "display": _text},
               {"display_name": _text, "flags": _flags, "mdb_provider": _text,
                "ab_provider_id": _text, "settings": _settings})
SECTION = obj({}, {"uid": _text, "settings": _settings})
_id = st.one_of(st.integers(-5, 70_000), st.sampled_from([0, 0x6600, 0xFFFF, 65535, 65536]),
                st.from_regex(r"0[xX][0-9A-Fa-f]{1,6}", fullmatch=True),
                st.sampled_from(["0x6600\n", "6600", "0x", "0xGG", " 0x6600"]))
_constants = st.dictionaries(_name, st.one_of(st.integers(), st.text(max_size=3)), max_size=3)
PROPERTY = obj({"type": st.sampled_from(["PT_LONG", "PT_UNICODE", "PT_MV_BINARY", "PT_NOPE"])},
               {"id": _id, "minimum": st.integers(), "maximum": st.integers(),
                "default": _setting_value, "values": _constants, "flags": _constants,
                "max_length": st.integers(-3, 300), "pattern": _text, "secure": st.booleans(),
                "set": _text, "name": _text, "lid": st.integers()})

MANIFESTS = obj({"manifest_version": st.sampled_from([1, 1, 1, 2, "1"])},
                {"services": st.dictionaries(_name, SERVICE, max_size=2),
                 "providers": st.dictionaries(_name, PROVIDER, max_size=3),
                 "sections": st.dictionaries(_name, SECTION, max_size=2),
                 "properties": st.dictionaries(_name, PROPERTY, max_size=3),
                 "$schema": _text})


def _covered(error_path: tuple, validator: str, pointers: list[tuple]) -> bool:
    for pointer in pointers:
        if error_path[:len(pointer)] == pointer:  # at the pointer or an ancestor
            return True
        # An unknown member is reported on the member itself; a misspelt
        # required member only as that unknown member (one fault, one finding).
        if validator in ("additionalProperties", "required") and pointer[:-1] == error_path:
            return True
    return False


def _summary(findings) -> list:
    return sorted((f.code, f.loc.pointer, f.loc.part, f.message) for f in findings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MANIFESTS)
def test_shipped_engines_agree_with_python_jsonschema(manifest):
    compiled = validate(manifest, engine="compiled")
    interpreted = validate(manifest, engine="interpreted")
    reference_valid = REFERENCE.is_valid(manifest)
    assert (not compiled) == reference_valid, (compiled, list(REFERENCE.iter_errors(manifest)))
    assert _summary(compiled) == _summary(interpreted)
    pointers = [tuple(f.loc.pointer) for f in compiled]
    for error in REFERENCE.iter_errors(manifest):
        path = tuple(error.absolute_path)
        assert _covered(path, error.validator, pointers), (error.message, path, pointers)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["manifest_version", "services", "providers", "sections",
                                        "properties", "zz"]), _anything, max_size=5))
def test_any_shape_at_the_top_agrees(manifest):
    compiled = validate(manifest, engine="compiled")
    assert (not compiled) == REFERENCE.is_valid(manifest)
    assert _summary(compiled) == _summary(validate(manifest, engine="interpreted"))


def test_trailing_newline_in_a_pattern_value_is_invalid_in_every_engine():
    manifest = {"manifest_version": 1,
                "properties": {"PR_X_Y": {"type": "PT_LONG", "id": "0x6600\n"}}}
    assert not REFERENCE.is_valid(manifest)
    assert [f.code for f in validate(manifest, engine="compiled")] == ["MS103"]
    assert [f.code for f in validate(manifest, engine="interpreted")] == ["MS103"]


def test_numeric_looking_names_keep_their_string_pointer():
    # jsonschema-rs reports the key "0" as the int 0; findings must not.
    manifest = {"manifest_version": 1, "providers": {"0": None}}
    for engine in ("compiled", "interpreted"):
        [finding] = validate(manifest, engine=engine)
        assert finding.loc.pointer == ("providers", "0")
        assert finding.message == "`0` must be an object, not a null"


def test_empty_names_are_reported_where_they_are():
    # jsonschema-rs drops "" from instance paths; the interpreter steps in.
    manifest = {"manifest_version": 1, "services": {"": None}}
    for engine in ("compiled", "interpreted"):
        [finding] = validate(manifest, engine=engine)
        assert finding.loc.pointer == ("services", "")
