"""``mapisvc check --dll FILE``: a built provider DLL against what the manifest promises.

A DLL's export table is read with ``pefile`` (imported only here, only when
``--dll`` is used).  Each DLL is matched to the ``dll`` values of the
manifests (and MAPISVC.INF files) checked in the same run:

* its file name is what MAPI loads for a ``dll`` (``contoso32.dll`` for
  ``contoso.dll``): that DLL;
* else its file name is a ``dll``'s own name (``contoso.dll``): that DLL, and
  MS612 (MAPI will not find it under this name);
* else the run names exactly one DLL: that DLL, and MS612;
* else MS612 alone: the file is none of the manifest's DLLs.

The rules themselves (MS610, MS611, MS612) are in :mod:`validator.rules.dll`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from .engine import Diagnostic, FileResult, json_pointer
from .model import Catalogue, Finding

# Bigger than any real provider DLL; keeps a mistaken --dll (an installer image) cheap.
MAX_DLL_SIZE = 256 * 1024 * 1024


class DllReadError(OSError):
    """The file cannot be read or is not a PE image with an export table to check.

    An ``OSError``, so callers report it like any unreadable path (exit 2).
    """


@dataclass
class DllImage:
    """A built DLL as the MS61x rules see it: its file name, its exports, what it stands for."""

    path: str
    exports: frozenset[str]
    targets: set[str] = field(default_factory=set)   # casefolded `dll` values it is
    misnamed: set[str] = field(default_factory=set)  # of those, the ones MAPI would not load it as

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def stands_for(self, dll: str | None) -> bool:
        return dll is not None and dll.strip().casefold() in self.targets

    @staticmethod
    def expected_name(dll: str) -> str:
        from .generate.c_entry import loaded_dll_name

        return loaded_dll_name(dll)


def file_name(dll: str) -> str:
    return (PureWindowsPath(dll).name if ("\\" in dll or ":" in dll) else PurePosixPath(dll).name)


def read_exports(path: str) -> frozenset[str]:
    """The names a DLL exports (forwarded exports included; ordinal-only ones have no name)."""
    try:
        size = os.path.getsize(path)
    except OSError as err:
        raise DllReadError(err.errno, f"cannot read: {err.strerror or err}", path) from None
    if size > MAX_DLL_SIZE:
        raise DllReadError(f"{path}: {size:,} bytes is too big for a provider DLL")
    try:
        import pefile
    except ImportError:
        raise DllReadError(f"{path}: checking a DLL needs the 'pefile' package"
                           " (pip install pefile)") from None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        image = pefile.PE(data=data, fast_load=True)
        image.parse_data_directories(
            directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_EXPORT"]])
    except OSError as err:
        raise DllReadError(err.errno, f"cannot read: {err.strerror or err}", path) from None
    except pefile.PEFormatError as err:
        raise DllReadError(f"{path}: not a Windows DLL ({err.value})") from None
    if not image.is_dll():
        raise DllReadError(f"{path}: a PE image, but not a DLL")
    exports = getattr(image, "DIRECTORY_ENTRY_EXPORT", None)
    names: set[str] = set()
    for symbol in getattr(exports, "symbols", ()) or ():
        if symbol.name:
            names.add(symbol.name.decode("ascii", "replace"))
    image.close()
    return frozenset(names)


def _reason(err: DllReadError, path: str) -> str:
    """The error's text without the path the problem line already starts with."""
    text = err.strerror if err.strerror else str(err)
    return text[len(path) + 2:] if text.startswith(path + ": ") else text


def _dll_values(cats: list[Catalogue]) -> dict[str, str]:
    """casefolded `dll` value → the value as written, over every catalogue of the run."""
    values: dict[str, str] = {}
    for cat in cats:
        for table in (cat.services, cat.providers):
            for section in table.values():
                dll = section.value("dll")
                if isinstance(dll, str) and dll.strip():
                    values.setdefault(dll.strip().casefold(), dll.strip())
    return values


def match(image: DllImage, values: dict[str, str]) -> None:
    """Decide which `dll` values ``image`` stands for (see the module's docstring)."""
    name = image.name.casefold()
    exact = {k for k, v in values.items() if DllImage.expected_name(v).casefold() == name}
    if exact:
        image.targets = exact
        return
    base = {k for k, v in values.items() if file_name(v).casefold() == name}
    if not base and len(values) == 1:
        base = set(values)
    image.targets = set(base)
    image.misnamed = set(base)


def check_image(cat: Catalogue, image: DllImage) -> list[Finding]:
    from .rules import dll as dll_rules

    found: list[Finding] = []
    for check in dll_rules.CHECKS:
        found.extend(check(cat, image))
    return found


def _diagnostic(image: DllImage, finding: Finding, cat: Catalogue | None, severity: str
                ) -> Diagnostic:
    related = []
    pointer = None
    if cat is not None and finding.loc is not None:
        where = cat.source.span(finding.loc)
        related.append((cat.path, where.line, where.column, "declared here"))
        pointer = json_pointer(finding.loc.pointer)
    return Diagnostic(image.path, 1, 1, 1, 1, finding.code, finding.severity or severity,
                      finding.message, pointer, finding.help, related)


def check_dlls(results: list[FileResult], dll_paths: list[str], context=None,
               problems: list | None = None) -> list[FileResult]:
    """One FileResult per DLL, with MS610–MS612 against the run's manifests and INF files.

    ``results`` are the FileResults of the same run (their catalogues say what
    each DLL must export).  A file that is not a readable DLL goes into
    ``problems`` (as :class:`validator.files.Problem`, like any unreadable
    path: exit 2) when that list is given; otherwise :class:`DllReadError`
    (an OSError) is raised.
    """
    from . import rules

    registry = rules.load_all()
    cats = [r.catalogue for r in results if r.catalogue is not None]
    values = _dll_values(cats)
    out: list[FileResult] = []
    for path in dll_paths:
        try:
            image = DllImage(str(path), read_exports(str(path)))
        except DllReadError as err:
            if problems is None:
                raise
            from .files import Problem

            problems.append(Problem(str(path), _reason(err, str(path))))
            continue
        match(image, values)
        diagnostics: list[Diagnostic] = []
        if not image.targets:
            known = ", ".join(sorted(DllImage.expected_name(v) for v in values.values())) or "none"
            finding = Finding("MS612", f"{image.name} is none of the DLLs the checked files name"
                              f" (MAPI loads: {known})",
                              help="check the DLL's file name, or pass the manifest that names it")
            diagnostics.append(_diagnostic(image, finding, None, registry["MS612"].severity))
        for cat in cats:
            for finding in check_image(cat, image):
                diagnostics.append(_diagnostic(image, finding, cat, registry[finding.code].severity))
        diagnostics.sort(key=lambda d: (d.code, d.message))
        out.append(FileResult(image.path, diagnostics))
    return out
