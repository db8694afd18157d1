"""One-fault mutations for the property-tag and value rules (MS301–MS314, MS401–MS409).

Each mutation takes a valid manifest (a dict) and ``draw`` (Hypothesis's
``data.draw``), injects exactly one fault — usually by adding a property or a
setting of its own, so that it fits any valid manifest — and returns the
manifest, or None when the manifest offers no place for the fault.
MS310 (a malformed hex-tag key) exists only in MAPISVC.INF and has no manifest
mutation.
"""

from __future__ import annotations

from typing import Any, Callable

from . import mutation

_DESCRIPTION = "Injected by a mutation test."


def _sampled(draw: Callable, options: list) -> Any:
    from hypothesis import strategies as st

    return draw(st.sampled_from(options))


def _used_ids(manifest: dict) -> set[int]:
    out = set()
    for prop in (manifest.get("properties") or {}).values():
        value = prop.get("id")
        if isinstance(value, str):
            value = int(value, 16)
        if isinstance(value, int):
            out.add(value)
    return out


def _free_id(manifest: dict, draw: Callable) -> int:
    used = _used_ids(manifest)
    free = [i for i in range(0x6600, 0x6700) if i not in used][:32]
    return _sampled(draw, free)


def _add(manifest: dict, name: str, **fields: Any) -> dict:
    prop = {"type": "PT_LONG", "description": _DESCRIPTION, **fields}
    manifest.setdefault("properties", {})[name] = {k: v for k, v in prop.items() if v is not None}
    return manifest


def _settings(manifest: dict, draw: Callable) -> dict | None:
    """A settings table of some provider, service or section (created if need be)."""
    places = [table[name] for key in ("providers", "services", "sections")
              for table in [manifest.get(key) or {}] for name in table]
    if not places:
        return None
    place = _sampled(draw, places)
    return place.setdefault("settings", {})


@mutation("MS301", "M")
def duplicate_id(manifest: dict, draw: Callable) -> dict | None:
    used = sorted(_used_ids(manifest) & set(range(0x6600, 0x67F0)))
    if not used:
        _add(manifest, "PR_MUTANT_FIRST", id=_free_id(manifest, draw))
        used = sorted(_used_ids(manifest) & set(range(0x6600, 0x67F0)))
    return _add(manifest, "PR_MUTANT_AGAIN", id=_sampled(draw, used))


@mutation("MS302", "M")
def name_differs_in_case(manifest: dict, draw: Callable) -> dict | None:
    _add(manifest, "PR_MUTANT_NAME", id=_free_id(manifest, draw))
    return _add(manifest, _sampled(draw, ["PR_Mutant_Name", "pr_mutant_name", "PR_MUTANT_name"]),
                id=_free_id(manifest, draw))


@mutation("MS303", "M")
def well_known_name(manifest: dict, draw: Callable) -> dict | None:
    name = _sampled(draw, ["PR_DISPLAY_NAME", "PR_RESOURCE_FLAGS", "PR_PROVIDER_DLL_NAME"])
    if name in (manifest.get("properties") or {}):
        return None
    return _add(manifest, name, id=_free_id(manifest, draw), type="PT_I8")


@mutation("MS304", "M")
def unstorable_type(manifest: dict, draw: Callable) -> dict | None:
    bad = _sampled(draw, ["PT_BOOL", "PT_OBJECT", "PT_ERROR", "PT_NULL", "PT_UNSPECIFIED",
                          "PT_MV_BOOLEAN", "PT_SVREID", "PT_ACTIONS", "PT_PTR", "PT_long"])
    return _add(manifest, "PR_MUTANT_TYPE", id=_free_id(manifest, draw), type=bad)


@mutation("MS305", "M")
def reserved_id(manifest: dict, draw: Callable) -> dict | None:
    return _add(manifest, "PR_MUTANT_RESERVED", id=_sampled(draw, [0x0000, 0xFFFF]))


@mutation("MS306", "M")
def mapi_range(manifest: dict, draw: Callable) -> dict | None:
    return _add(manifest, "PR_MUTANT_MAPI", id=_sampled(draw, [0x0BFE, 0x1234, 0x2FF0, 0x3FEE]))


@mutation("MS307", "M")
def setting_outside_range(manifest: dict, draw: Callable) -> dict | None:
    settings = _settings(manifest, draw)
    if settings is None:
        return None
    _add(manifest, "PR_MUTANT_OUTSIDE", id=_sampled(draw, [0x6800, 0x7000, 0x7C00, 0x7FFF]))
    settings["PR_MUTANT_OUTSIDE"] = 1
    return manifest


@mutation("MS308", "M")
def named_range(manifest: dict, draw: Callable) -> dict | None:
    return _add(manifest, "PR_MUTANT_NAMED", id=_sampled(draw, [0x8000, 0x8001, 0xFFFE]))


@mutation("MS309", "M")
def secret_in_settings(manifest: dict, draw: Callable) -> dict | None:
    settings = _settings(manifest, draw)
    if settings is None:
        return None
    secure_range = _sampled(draw, [True, False])
    if secure_range:
        free = [i for i in range(0x67F0, 0x6800) if i not in _used_ids(manifest)]
        if not free:
            return None
        _add(manifest, "PR_MUTANT_SECRET", id=free[0], type="PT_UNICODE")
    else:
        _add(manifest, "PR_MUTANT_SECRET", id=_free_id(manifest, draw), type="PT_UNICODE",
             secure=True)
    settings["PR_MUTANT_SECRET"] = "hunter2"
    return manifest


@mutation("MS311", "M")
def value_type(manifest: dict, draw: Callable) -> dict | None:
    settings = _settings(manifest, draw)
    if settings is None:
        return None
    type_name, value = _sampled(draw, [("PT_LONG", "443"), ("PT_BOOLEAN", 1), ("PT_UNICODE", 5),
                                       ("PT_I2", 70000), ("PT_BINARY", "abc"),
                                       ("PT_MV_UNICODE", "one")])
    _add(manifest, "PR_MUTANT_VALUE", id=_free_id(manifest, draw), type=type_name)
    settings["PR_MUTANT_VALUE"] = value
    return manifest


@mutation("MS312", "M")
def not_identifier(manifest: dict, draw: Callable) -> dict | None:
    name = _sampled(draw, ["PR_MUTANT-NAME", "PR MUTANT", "9PR_MUTANT", "PR_MUTANTÉ"])
    return _add(manifest, name, id=_free_id(manifest, draw))


@mutation("MS313", "M")
def naming_convention(manifest: dict, draw: Callable) -> dict | None:
    name = _sampled(draw, ["PR_MUTANT", "MUTANT_PORT", "PR_Mutant_Port", "PR_MUTANT__PORT"])
    return _add(manifest, name, id=_free_id(manifest, draw))


@mutation("MS314", "M")
def unknown_setting(manifest: dict, draw: Callable) -> dict | None:
    settings = _settings(manifest, draw)
    if settings is None:
        return None
    settings[_sampled(draw, ["PR_MUTANT_UNDECLARED", "PR_DISPLAY_NAM", "0x6609003"])] = 1
    return manifest


@mutation("MS401", "M")
def minimum_over_maximum(manifest: dict, draw: Callable) -> dict | None:
    return _add(manifest, "PR_MUTANT_RANGE", id=_free_id(manifest, draw), minimum=10, maximum=1)


@mutation("MS402", "M")
def unrepresentable(manifest: dict, draw: Callable) -> dict | None:
    fields = _sampled(draw, [{"type": "PT_I2", "maximum": 100000},
                             {"type": "PT_LONG", "minimum": -(1 << 40)},
                             {"type": "PT_LONG", "default": "fast"},
                             {"type": "PT_BOOLEAN", "default": 1},
                             {"type": "PT_I2", "values": {"MUTANT_BIG": 1 << 20}}])
    return _add(manifest, "PR_MUTANT_HOLD", id=_free_id(manifest, draw), **fields)


@mutation("MS403", "M")
def default_outside(manifest: dict, draw: Callable) -> dict | None:
    fields = _sampled(draw, [{"minimum": 1, "maximum": 10, "default": 0},
                             {"values": {"MUTANT_OFF": 0, "MUTANT_ON": 1}, "default": 2},
                             {"type": "PT_UNICODE", "max_length": 3, "default": "toolong"}])
    return _add(manifest, "PR_MUTANT_DEFAULT", id=_free_id(manifest, draw), **fields)


@mutation("MS404", "M")
def setting_outside(manifest: dict, draw: Callable) -> dict | None:
    settings = _settings(manifest, draw)
    if settings is None:
        return None
    fields, value = _sampled(draw, [({"minimum": 1, "maximum": 10}, 11),
                                    ({"values": {"MUTANT_OFF": 0, "MUTANT_ON": 1}}, "MUTANT_MAYBE"),
                                    ({"flags": {"MUTANT_F1": 1, "MUTANT_F2": 2}}, ["MUTANT_F3"]),
                                    ({"type": "PT_UNICODE", "pattern": "^[a-z]+$"}, "ABC")])
    _add(manifest, "PR_MUTANT_SETTING", id=_free_id(manifest, draw), **fields)
    settings["PR_MUTANT_SETTING"] = value
    return manifest


@mutation("MS405", "M")
def enumeration(manifest: dict, draw: Callable) -> dict | None:
    values = _sampled(draw, [{"MUTANT_A": 0, "MUTANT_B": 0}, {}])
    return _add(manifest, "PR_MUTANT_ENUM", id=_free_id(manifest, draw), values=values)


@mutation("MS406", "M")
def flag_bits(manifest: dict, draw: Callable) -> dict | None:
    flags = _sampled(draw, [{"MUTANT_F0": 0}, {"MUTANT_F3": 3}, {"MUTANT_FA": 1, "MUTANT_FB": 1}])
    return _add(manifest, "PR_MUTANT_FLAGS", id=_free_id(manifest, draw), flags=flags)


@mutation("MS407", "M")
def constraint_for_type(manifest: dict, draw: Callable) -> dict | None:
    fields = _sampled(draw, [{"type": "PT_UNICODE", "minimum": 1},
                             {"type": "PT_LONG", "max_length": 4},
                             {"type": "PT_LONG", "pattern": "^x$"},
                             {"type": "PT_UNICODE", "flags": {"MUTANT_F1": 1}}])
    return _add(manifest, "PR_MUTANT_CONSTRAINT", id=_free_id(manifest, draw), **fields)


@mutation("MS408", "M")
def malformed_guid(manifest: dict, draw: Callable) -> dict | None:
    services = manifest.get("services") or {}
    if not services:
        return None
    service = services[_sampled(draw, sorted(services))]
    service["install_id"] = _sampled(draw, ["6485D26A-C2AC-11D1-AD3E-10A0C911C9C0", "{1234}",
                                            "13DBB0C8AA05101A9BB000AA002FC45A"])
    return manifest


@mutation("MS409", "M")
def undocumented(manifest: dict, draw: Callable) -> dict | None:
    return _add(manifest, "PR_MUTANT_UNDOCUMENTED", id=_free_id(manifest, draw),
                description=_sampled(draw, [None, "", "   "]))
