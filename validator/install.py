"""Merge a manifest's sections into an existing MAPISVC.INF, and take them out again.

Both work on the lossless :class:`~validator.readers.inf.InfDocument`, so every
byte they do not mean to change stays as it was: comments, order, blank lines,
case, spacing, encoding, byte-order mark and line endings.  New lines use the
line ending the file mostly uses.

What install does, and how uninstall undoes exactly that without a state file:

* A ``[Services]`` / ``[Default Services]`` / ``[Help File Mappings]`` line goes
  after the last entry of that section.  Uninstall removes the lines whose key
  is one of the manifest's services, and nothing else of the section.
* Sections the file does not have yet are appended at the end of the file, each
  preceded by one blank line (none before the first when the file is empty).
  Uninstall removes the manifest's own sections (header to the next header) and
  the one blank line before each.
* A global section install has to create carries the comment line
  ``; mapisvc: created by install`` right under its header; uninstall removes the
  section only when it is marked so and holds no entry any more.  An empty
  global section the file had before install is therefore never removed.
* When the file ends without a line break, install puts one after the old last
  line and leaves its own last line without one; uninstall, removing that last
  line, takes the line break away again.

Install twice is install once: a section or line already there with the same
content (compared as MAPI reads it, :func:`validator.generate.inf.compare`) is
left alone.  One there with other content is a :class:`Conflict` unless
``force``, which rewrites it (uninstall cannot bring the old content back).
"""

from __future__ import annotations

from dataclasses import dataclass

from .generate.inf import GLOBAL_SECTIONS, SERVICES, InfPlan, compare, render
from .readers.inf import BLANK, COMMENT, ENTRY, SECTION, InfDocument, InfLine, parse_document, parse_line

MARKER = "; mapisvc: created by install"


class InstallError(Exception):
    """Install or uninstall cannot go on: one line for the user."""


class Conflict(InstallError):
    """A section or line exists with other content (``--force`` overwrites it)."""


@dataclass(slots=True)
class _Range:
    name: str  # as written
    start: int  # index of the header line
    end: int  # index after the last line of the section

    @property
    def folded(self) -> str:
        return self.name.casefold()


def section_ranges(lines: list[InfLine]) -> list[_Range]:
    ranges: list[_Range] = []
    for index, line in enumerate(lines):
        if line.kind == SECTION:
            if ranges:
                ranges[-1].end = index
            ranges.append(_Range(line.name, index, len(lines)))
    return ranges


def _first(ranges: list[_Range], name: str) -> _Range | None:
    folded = name.casefold()
    return next((r for r in ranges if r.folded == folded), None)


def _copy(doc: InfDocument) -> list[InfLine]:
    return [line.replace() for line in doc.lines]


def _new(text: str, ending: str) -> InfLine:
    return parse_line(text, ending)


def _set_value(line: InfLine, value: str) -> InfLine:
    text = line.text[:line.value_start] + value + line.text[line.value_end:]
    return parse_line(text, line.ending)


def _section_conflicts(lines: list[InfLine], found: _Range, services: _Range | None,
                       plan: InfPlan, section) -> list[str]:
    """How an existing section differs from the generated one (empty: the same)."""
    have = ([] if services is None else lines[services.start:services.end]) + lines[found.start:found.end]
    want_services = [(k, v) for k, v in plan.globals.get(SERVICES, [])
                     if k.casefold() == section.name.casefold()]
    want_text = render(InfPlan({SERVICES: want_services}, [section]), "\n")
    diffs = compare(parse_document(want_text), InfDocument(have))
    return [d.message() for d in diffs if d.section.casefold() == section.name.casefold()]


def install(doc: InfDocument, plan: InfPlan, force: bool = False) -> InfDocument:
    """A new document with the plan merged in; ``doc`` is left unchanged."""
    lines = _copy(doc)
    newline = doc.newline
    ranges = section_ranges(lines)
    conflicts: list[str] = []
    insertions: list[tuple[int, list[InfLine]]] = []  # (insert after index, lines)
    block: list[tuple[str, list[str]]] = []  # sections to append: (header, body lines)

    for name in GLOBAL_SECTIONS:
        wanted = plan.globals.get(name) or []
        if not wanted:
            continue
        found = _first(ranges, name)
        if found is None:
            block.append((name, [MARKER] + [f"{k}={v}" for k, v in wanted]))
            continue
        entries = [i for i in range(found.start + 1, found.end) if lines[i].kind == ENTRY]
        new: list[InfLine] = []
        for key, value in wanted:
            index = next((i for i in entries if lines[i].name.casefold() == key.casefold()), None)
            if index is None:
                new.append(_new(f"{key}={value}", newline))
            elif lines[index].value != value.strip():
                if not force:
                    conflicts.append(f"[{found.name}] {lines[index].name}={lines[index].value}"
                                     f" (the manifest gives {value})")
                else:
                    lines[index] = _set_value(lines[index], value)
        if new:
            insertions.append((entries[-1] if entries else found.start, new))

    services_range = _first(ranges, SERVICES)
    replacements: list[tuple[_Range, list[InfLine]]] = []
    for section in plan.sections:
        if section.name == "":
            raise InstallError("the manifest has entries outside any section (sections.\"\");"
                               " they cannot be merged into a MAPISVC.INF file")
        found = _first(ranges, section.name)
        body = [f"{k}={v}" for k, v in section.entries]
        if found is None:
            block.append((section.name, body))
            continue
        differences = _section_conflicts(lines, found, services_range, plan, section)
        if not differences:
            continue
        if not force:
            conflicts.append(f"[{found.name}] differs: " + "; ".join(differences[:3])
                             + (" …" if len(differences) > 3 else ""))
            continue
        replacements.append((found, [_new(text, newline) for text in body]))
    if conflicts:
        raise Conflict(f"{len(conflicts)} conflict(s) with what the file has: {conflicts[0]}"
                       + (f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else "")
                       + "; use --force to overwrite")

    # Edits from the end of the file backwards, so that indexes stay valid.
    edits: list[tuple[int, str, object]] = [(i, "insert", new) for i, new in insertions]
    edits += [(r.start, "replace", (r, new)) for r, new in replacements]
    for index, what, payload in sorted(edits, key=lambda e: e[0], reverse=True):
        if what == "insert":
            _insert_after(lines, index, payload, newline)
        else:
            found, new = payload
            keep = [lines[found.start]] + [lines[i] for i in range(found.start + 1, found.end)
                                           if lines[i].kind != ENTRY]
            last = lines[found.end - 1]
            _insert_after(keep, 0, new, newline)
            if found.end == len(lines) and last.ending == "" and keep[-1].ending:
                keep[-1] = keep[-1].replace(ending="")
            lines[found.start:found.end] = keep

    if block:
        texts: list[str] = []
        for header, body in block:
            if lines or texts:
                texts.append("")
            texts.append(f"[{header}]")
            texts.extend(body)
        _insert_after(lines, len(lines) - 1, [_new(t, newline) for t in texts], newline)
    return InfDocument(lines, doc.codec, doc.bom)


def _insert_after(lines: list[InfLine], index: int, new: list[InfLine], newline: str) -> None:
    """Insert after ``lines[index]`` (``-1``: at the start); keep "no final line break"."""
    if not new:
        return
    if 0 <= index == len(lines) - 1 and lines[index].ending == "":
        lines[index] = lines[index].replace(ending=newline)
        new[-1] = new[-1].replace(ending="")
    for offset, line in enumerate(new):
        if line.ending == "" and offset < len(new) - 1:
            new[offset] = line.replace(ending=newline)
    lines[index + 1:index + 1] = new


def uninstall(doc: InfDocument, plan: InfPlan) -> InfDocument:
    """A new document without the plan's sections and global lines."""
    lines = doc.lines
    ranges = section_ranges(lines)
    own = {s.name.casefold() for s in plan.sections}
    keys = {name.casefold(): {k.casefold() for k, _v in entries}
            for name, entries in plan.globals.items() if entries}
    remove: set[int] = set()

    def drop_range(found: _Range) -> None:
        remove.update(range(found.start, found.end))
        before = found.start - 1
        if before >= 0 and lines[before].kind == BLANK:
            remove.add(before)

    for found in ranges:
        if found.folded in own:
            drop_range(found)
        elif found.folded in keys:
            ours = keys[found.folded]
            entries = [i for i in range(found.start + 1, found.end) if lines[i].kind == ENTRY]
            mine = [i for i in entries if lines[i].name.casefold() in ours]
            remove.update(mine)
            marked = (found.start + 1 < found.end and lines[found.start + 1].kind == COMMENT
                      and lines[found.start + 1].text.strip() == MARKER)
            if marked and len(mine) == len(entries):
                drop_range(found)
    kept = [line.replace() for i, line in enumerate(lines) if i not in remove]
    if lines and (len(lines) - 1) in remove and lines[-1].ending == "" and kept:
        kept[-1] = kept[-1].replace(ending="")
    return InfDocument(kept, doc.codec, doc.bom)


def encode(doc: InfDocument, path: str) -> bytes:
    """The document's bytes in its own encoding; text it cannot hold is an error."""
    try:
        return doc.to_bytes()
    except UnicodeEncodeError as err:
        what = "Windows-1252" if doc.codec == "cp1252" else doc.codec.upper()
        raise InstallError(f"{path} is {what}, which cannot hold {err.object[err.start:err.end]!r}"
                           " from the manifest") from None


def unified_diff(before: InfDocument, after: InfDocument, path: str) -> str:
    import difflib

    old = before.text().splitlines(keepends=True)
    new = after.text().splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(out)


def backup_path(path: str) -> str:
    return path + ".bak"


def write_with_backup(path: str, original: bytes, data: bytes) -> str:
    """Keep the original as ``PATH.bak``, then replace PATH; both writes are atomic."""
    import os

    from .atomic import write_bytes

    backup = backup_path(path)
    write_bytes(backup, original)
    try:
        os.chmod(backup, os.stat(path).st_mode & 0o7777)
    except OSError:
        pass
    write_bytes(path, data)
    return backup
