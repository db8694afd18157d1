"""``check --header`` / ``--dll``: artefacts compared with the manifests of the same run.

A hand-written public header is linted like any header (``H`` rules), then its
``#define PR_X PROP_TAG(...)`` lines are compared with the properties the
manifests declare (MS702): a define whose ID or type contradicts the
manifest is reported in the header; a declared property that no given header
defines is reported at the property in the manifest.
"""

from __future__ import annotations

import os
import sys

from . import mapi
from .engine import Context, Diagnostic, FileResult
from .model import HEADER, MANIFEST, Loc

MS702 = "MS702"


def _string(code: int) -> bool:
    return (code & ~mapi.MV_FLAG) in (mapi.PT_STRING8, mapi.PT_UNICODE)


def _type_agrees(header_written: str, header_code: int, manifest_written: str | None,
                 manifest_code: int | None) -> bool:
    """PT_TSTRING on either side matches PT_UNICODE and PT_STRING8 of the same MV-ness."""
    if manifest_code is None:
        return True  # an unknown type: MS304's business, not a contradiction
    if header_code == manifest_code:
        return True
    tstring = "TSTRING" in (header_written or "") or "TSTRING" in (manifest_written or "")
    return tstring and _string(header_code) and _string(manifest_code) and \
        (header_code & mapi.MV_FLAG) == (manifest_code & mapi.MV_FLAG)


def _declared(result: FileResult) -> dict[str, tuple]:
    """name → (id, type code, type as written, Property) for a manifest's fixed-ID properties."""
    out = {}
    cat = result.catalogue
    for name, prop in cat.properties.items():
        prop_id, written = prop.value("id"), prop.value("type")
        if not isinstance(prop_id, int) or isinstance(prop_id, bool) or not isinstance(written, str):
            continue
        out[name] = (prop_id, mapi.type_code(written), written, prop)
    return out


def _span(result: FileResult, loc: Loc):
    return result.catalogue.source.span(loc)


def _diagnostic(path: str, span, message: str, related=(), help_text: str | None = None,
                pointer: str | None = None) -> Diagnostic:
    return Diagnostic(path, span.line, span.column, span.end_line, span.end_column, MS702, "error",
                      message, pointer, help_text, list(related))


def compare_header(header: FileResult, manifests: list[FileResult]) -> tuple[list[Diagnostic], set]:
    """MS702 findings in the header, and the (manifest path, name) pairs it defines."""
    out: list[Diagnostic] = []
    defined: set = set()
    doc = header.catalogue.data if header.catalogue is not None else None
    if doc is None:
        return out, defined
    for manifest in manifests:
        declared = _declared(manifest)
        for define in doc.defines:
            name, expected_type = define.name, None
            found = declared.get(name)
            if found is None and name[-2:] in ("_A", "_W") and name[:-2] in declared:
                found = declared[name[:-2]]
                base_mv = (found[1] or 0) & mapi.MV_FLAG
                expected_type = base_mv | (mapi.PT_STRING8 if name.endswith("_A") else mapi.PT_UNICODE)
                if found[1] is not None and not _string(found[1]):
                    expected_type = -1  # a _A/_W name for a non-string property
            if found is None:
                continue
            prop_id, type_code, written, prop = found
            defined.add((manifest.path, prop.name))
            problems = []
            if define.prop_id != prop_id:
                problems.append(f"ID 0x{define.prop_id:04X} where the manifest says 0x{prop_id:04X}")
            if expected_type is not None:
                if expected_type != define.type_code:
                    want = "a string type" if expected_type == -1 else mapi.type_name(expected_type)
                    problems.append(f"type {define.type_name} where {name[-2:]} means {want}")
            elif not _type_agrees(define.type_name, define.type_code, written, type_code):
                problems.append(f"type {define.type_name} where the manifest says {written}")
            if problems:
                where = _span(manifest, Loc(prop.pointer, "key"))
                out.append(_diagnostic(
                    header.path, define.value_span, f"{name} has " + " and ".join(problems),
                    [(manifest.path, where.line, where.column, f"{prop.name} is declared here")],
                    "regenerate the header with 'mapisvc header', or correct the define",
                    f"/defines/{name}"))
    return out, defined


def check_artefacts(results: list[FileResult], header_paths, dll_paths, context: Context,
                    problems: list | None = None) -> list[FileResult]:
    """Lint each ``--header`` file and compare it with the run's manifests; ``--dll`` files
    go to :mod:`validator.dll` when it is there.  Returns the new results (a header already
    linted in this run gets its MS702 findings added to its existing result)."""
    from .engine import lint_path

    manifests = [r for r in results if r.catalogue is not None and r.catalogue.kind == MANIFEST]
    by_path = {os.path.realpath(r.path): r for r in results if r.path != "-"}
    new: list[FileResult] = []
    defined: set = set()
    headers: list[FileResult] = []
    for path in header_paths:
        path = str(path)
        result = by_path.get(os.path.realpath(path))
        if result is None or result.catalogue is None or result.catalogue.kind != HEADER:
            try:
                result = lint_path(path, fmt="header", context=context)
            except OSError as err:
                _problem(problems, path, f"cannot read: {err.strerror or err}")
                continue
            new.append(result)
            by_path[os.path.realpath(path)] = result
        headers.append(result)
        found, names = compare_header(result, manifests)
        defined |= names
        result.diagnostics.extend(found)
        result.diagnostics.sort(key=Diagnostic.sort_key)
    if headers:
        for manifest in manifests:
            missing = []
            for name, (_id, _code, _written, prop) in _declared(manifest).items():
                if (manifest.path, prop.name) in defined:
                    continue
                span = _span(manifest, Loc(prop.pointer, "key"))
                shown = ", ".join(h.path for h in headers)
                missing.append(_diagnostic(
                    manifest.path, span, f"{name} is declared here but {shown} does not define it",
                    [(headers[0].path, 1, 1, "the header")],
                    "regenerate the header with 'mapisvc header', or add the define",
                    f"/properties/{name}"))
            if missing:
                manifest.diagnostics.extend(missing)
                manifest.diagnostics.sort(key=Diagnostic.sort_key)
    if dll_paths:
        from . import dll  # MS610-MS612

        for path in dll_paths:  # one at a time, so that one unreadable DLL spares the rest
            try:
                new.extend(dll.check_dlls(results, [str(path)], context))
            except OSError as err:
                text = str(getattr(err, "strerror", None) or err)
                _problem(problems, str(path), text if text.startswith("cannot ") else f"cannot read: {text}")
    return new


def _problem(problems: list | None, path: str, message: str) -> None:
    from .files import Problem

    if problems is not None:
        problems.append(Problem(path, message))
    else:
        print(f"mapisvc: {path}: {message}", file=sys.stderr)
