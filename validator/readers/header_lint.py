"""Linting a C header: its ``#define PR_X PROP_TAG(...)`` lines as a catalogue of properties.

Each tag define becomes a :class:`~validator.model.Property` at the pointer
``("defines", NAME)`` (``("defines", NAME, "#LINE")`` for a name defined again),
with members ``id``, ``type`` (the PT_ name as written) and ``define`` (the
:class:`~validator.readers.header.TagDefine`); the rules that apply to headers
(``H``) then run on it like on a manifest's ``properties``.
"""

from __future__ import annotations

import re

from ..model import HEADER, Catalogue, Entry, Finding, Property, SourceMap, Span


class HeaderDecodeError(Exception):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def decode_header_bytes(data: bytes) -> str:
    """UTF-8 (BOM optional), UTF-16 with a BOM, else Windows-1252; raises HeaderDecodeError."""
    if data.startswith(b"\xef\xbb\xbf"):
        codec, body = "utf-8", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec, body = "utf-16", data
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            codec, body = "cp1252", data
    try:
        return body.decode(codec)
    except UnicodeDecodeError as err:
        before = body[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        what = "Windows-1252" if codec == "cp1252" else codec.upper()
        raise HeaderDecodeError(f"byte 0x{body[err.start]:02X} cannot be decoded as {what} "
                                "(headers are read as UTF-8, else Windows-1252)", line, column) from None


def build_catalogue(doc, path: str, text: str) -> Catalogue:
    """The header's tag defines as a catalogue of properties."""
    spans: dict[tuple, tuple[Span, Span]] = {}

    def locate(pointer: tuple, part: str) -> Span | None:
        found = spans.get(tuple(pointer[:3])) or spans.get(tuple(pointer[:2]))
        if found is None:
            return None
        return found[0] if part == "key" else found[1]

    cat = Catalogue(path=path, kind=HEADER, source=SourceMap(path, text, locate), data=doc)
    for define in doc.defines:
        key = define.name
        pointer: tuple = ("defines", define.name)
        if key in cat.properties:
            key = f"{define.name}#{define.line}"
            pointer = ("defines", define.name, f"#{define.line}")
        spans[pointer] = (define.span, define.value_span)
        prop = Property(name=define.name, pointer=pointer)
        prop.members["id"] = Entry("id", "id", define.prop_id, pointer)
        prop.members["type"] = Entry("type", "type", define.type_name, pointer)
        prop.members["define"] = Entry("define", "define", define, pointer)
        cat.properties[key] = prop
    return cat


_UNKNOWN_TYPE = re.compile(r"cannot evaluate (\w+): unknown identifier (PT_\w+)")


def _problem(message: str, line: int, column: int) -> Finding:
    """A define the reader could not evaluate: MS001, or MS304 when the cause is a PT_ name."""
    match = _UNKNOWN_TYPE.match(message)
    if match:
        from ..rules.properties import type_name_problem

        name, written = match.groups()
        why = type_name_problem(written, None)
        return Finding("MS304", f"{name}: {why}", span=Span(line, column, line, column + len(written)),
                       help="use a storable type such as PT_LONG, PT_UNICODE or PT_BINARY")
    return Finding("MS001", message, span=Span(line, column, line, column + 1),
                   help="define the names it uses in this header, or give their headers with "
                   "--mapi-include")


def lint_header(data: bytes, path: str, context):
    """Lint a header's bytes: MS001/MS004 from reading, then the ``H`` rules."""
    from .. import engine
    from .header import read_header

    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        finding = Finding("MS004", "binary file: contains NUL bytes", span=Span(1, 1, 1, 2))
        return engine.FileResult(path, engine.resolve([finding], None, path))
    try:
        text = decode_header_bytes(data)
    except HeaderDecodeError as err:
        finding = Finding("MS004", err.message, span=Span(err.line, err.column, err.line, err.column + 1))
        return engine.FileResult(path, engine.resolve([finding], None, path))
    if text.startswith("\ufeff"):
        text = text[1:]
    doc = read_header(text, path, context.known_tags.tag_for)
    findings = [_problem(message, line, column) for message, line, column in doc.problems]
    cat = build_catalogue(doc, path, text)
    findings += engine.run_rules(cat, context, "H")
    return engine.FileResult(path, engine.resolve(findings, cat, path), cat, text)
