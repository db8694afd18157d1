"""A small JSON Schema interpreter for the keywords the manifest schema uses.

Why it exists: a pre-commit hook usually checks one or two manifests, and
importing jsonschema-rs costs more than checking them (~10 ms of imports
against microseconds of work).  :mod:`validator.schema` uses this interpreter
for small runs and jsonschema-rs for large ones; both produce errors of the
same shape (``kind.name``, ``instance_path``, ``schema_path`` …), and the test
suite checks both against python-jsonschema, the reference.

Keywords: ``$ref`` (local), ``type``, ``enum``, ``const``, ``properties``,
``additionalProperties``, ``required``, ``items``, ``anyOf``, ``minLength``,
``maxLength``, ``minimum``, ``maximum``, ``pattern``.  ``validate`` raises
``NotImplementedError`` on any other keyword, so a schema change cannot be
silently half-checked (a test walks the schema to prove coverage).
"""

from __future__ import annotations

import re

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterator

SUPPORTED = frozenset({
    "$ref", "type", "enum", "const", "properties", "additionalProperties", "required",
    "items", "anyOf", "minLength", "maxLength", "minimum", "maximum", "pattern",
})
# Annotations that do not validate.
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "examples",
                         "default", "$comment"})


class Kind:
    __slots__ = ("name", "property", "unexpected", "context")

    def __init__(self, name: str, property: str | None = None, unexpected: list | None = None,
                 context: list | None = None):
        self.name, self.property, self.unexpected, self.context = name, property, unexpected, context


class SchemaError:
    """One validation error, shaped like jsonschema-rs's ValidationError."""

    __slots__ = ("kind", "instance_path", "schema_path", "message")

    def __init__(self, kind: Kind, instance_path: tuple, schema_path: tuple, message: str):
        self.kind, self.instance_path, self.schema_path, self.message = (
            kind, instance_path, schema_path, message)


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "null":
        return value is None
    return False


def _equal(a: Any, b: Any) -> bool:
    # JSON equality: 1 and true differ, 1 and 1.0 do not.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


_DOLLAR = re.compile(r"(?<!\\)((?:\\\\)*)\$")


def ecma_pattern(pattern: str) -> re.Pattern:
    """A JSON Schema (ECMA-262) pattern as a Python regex.

    The one difference that matters here: ECMA's ``$`` matches only at the end
    of the string, Python's also before a final newline, so ``"0x12\\n"`` would
    pass here and fail in jsonschema-rs.  ``$`` becomes ``\\Z``.
    """
    return re.compile(_DOLLAR.sub(lambda m: m.group(1) + r"\Z", pattern))


class Interpreter:
    def __init__(self, schema: dict):
        self.root = schema
        self._patterns: dict[str, re.Pattern] = {}

    def _resolve(self, ref: str) -> tuple[dict, tuple]:
        if not ref.startswith("#/"):
            raise NotImplementedError(f"only local $ref is supported, not {ref!r}")
        node: Any = self.root
        path = tuple(ref[2:].split("/"))
        for part in path:
            node = node[part]
        return node, path

    def iter_errors(self, instance: Any) -> Iterator[SchemaError]:
        yield from self._check(self.root, instance, (), ())

    def is_valid(self, instance: Any) -> bool:
        return next(self.iter_errors(instance), None) is None

    def _check(self, node: dict, value: Any, ipath: tuple, spath: tuple) -> Iterator[SchemaError]:
        if "$ref" in node:
            target, spath = self._resolve(node["$ref"])
            yield from self._check(target, value, ipath, spath)
            return
        for keyword in node:
            if keyword not in SUPPORTED and keyword not in ANNOTATIONS:
                raise NotImplementedError(f"schema keyword {keyword!r} is not supported")
        kinds = node.get("type")
        if kinds is not None:
            names = kinds if isinstance(kinds, list) else [kinds]
            if not any(_is_type(value, n) for n in names):
                yield SchemaError(Kind("type"), ipath, spath + ("type",),
                                  f"{value!r} is not of type {' or '.join(names)}")
                return  # the other keywords say nothing useful about a wrong type
        if "enum" in node and not any(_equal(value, o) for o in node["enum"]):
            yield SchemaError(Kind("enum"), ipath, spath + ("enum",),
                              f"{value!r} is not one of {node['enum']!r}")
        if "const" in node and not _equal(value, node["const"]):
            yield SchemaError(Kind("const"), ipath, spath + ("const",),
                              f"{value!r} is not {node['const']!r}")
        if isinstance(value, str):
            if "minLength" in node and len(value) < node["minLength"]:
                yield SchemaError(Kind("minLength"), ipath, spath + ("minLength",),
                                  f"{value!r} is shorter than {node['minLength']} characters")
            if "maxLength" in node and len(value) > node["maxLength"]:
                yield SchemaError(Kind("maxLength"), ipath, spath + ("maxLength",),
                                  f"{value!r} is longer than {node['maxLength']} characters")
            if "pattern" in node:
                pattern = self._patterns.get(node["pattern"])
                if pattern is None:
                    pattern = self._patterns[node["pattern"]] = ecma_pattern(node["pattern"])
                if not pattern.search(value):
                    yield SchemaError(Kind("pattern"), ipath, spath + ("pattern",),
                                      f"{value!r} does not match {node['pattern']!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in node and value < node["minimum"]:
                yield SchemaError(Kind("minimum"), ipath, spath + ("minimum",),
                                  f"{value} is less than the minimum of {node['minimum']}")
            if "maximum" in node and value > node["maximum"]:
                yield SchemaError(Kind("maximum"), ipath, spath + ("maximum",),
                                  f"{value} is greater than the maximum of {node['maximum']}")
        if isinstance(value, dict):
            yield from self._object(node, value, ipath, spath)
        if isinstance(value, list) and "items" in node:
            items = node["items"]
            for index, item in enumerate(value):
                yield from self._check(items, item, ipath + (index,), spath + ("items",))
        if "anyOf" in node:
            context = []
            for index, branch in enumerate(node["anyOf"]):
                errors = list(self._check(branch, value, ipath, spath + ("anyOf", index)))
                if not errors:
                    break
                context.append(errors)
            else:
                yield SchemaError(Kind("anyOf", context=context), ipath, spath + ("anyOf",),
                                  f"{value!r} is not valid under any of the schemas in anyOf")

    def _object(self, node: dict, value: dict, ipath: tuple, spath: tuple) -> Iterator[SchemaError]:
        for name in node.get("required", ()):
            if name not in value:
                yield SchemaError(Kind("required", property=name), ipath, spath + ("required",),
                                  f"{name!r} is a required property")
        properties = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        unexpected = []
        for key, member in value.items():
            if key in properties:
                yield from self._check(properties[key], member, ipath + (key,),
                                       spath + ("properties", key))
            elif extra is False:
                unexpected.append(key)
            elif isinstance(extra, dict):
                yield from self._check(extra, member, ipath + (key,),
                                       spath + ("additionalProperties",))
        if unexpected:
            yield SchemaError(Kind("additionalProperties", unexpected=unexpected), ipath,
                              spath + ("additionalProperties",),
                              f"Additional properties are not allowed ({unexpected!r})")
