"""Read property-tag ``#define``s from a C header, the way real MAPI headers write them.

What it understands::

    #define BASE_ID 0x6600
    #define PST_EXTERN_PROPID_BASE (0x6700)
    #define PR_SAMPLE_FLAGS PROP_TAG (PT_LONG,(BASE_ID + 0x0008))
    #define PR_PROFILE_USER PROP_TAG( PT_STRING8, pidProfileMin+0x03)
    #define PR_X_W CHANGE_PROP_TYPE(PR_X, PT_UNICODE)
    #define PR_OFFICE_TELEPHONE_NUMBER PR_BUSINESS_TELEPHONE_NUMBER
    #define FLAG_A ((ULONG) 0x00000001)

Line continuations, ``//`` and ``/* */`` comments (also across lines and
between tokens), CRLF, include guards and ``#pragma once`` are handled;
everything that is not a ``#define`` (C and C++ declarations, other
directives) is skipped.  Conditional compilation is not evaluated: every
``#define`` is read, and each records the ``#if`` branches it sits in so that
rules can tell alternatives (``#ifdef UNICODE`` … ``#else``) from duplicates.

Expressions are evaluated by a small parser of C integer constant expressions
(numbers with U/L suffixes, casts, unary ``- + ~``, ``* / % + - << >> & ^ |``,
parentheses, ``PROP_TAG``, ``CHANGE_PROP_TYPE``, ``PROP_ID``, ``PROP_TYPE``);
nothing is ever passed to ``eval``.  PT_ names resolve through
:mod:`validator.mapi` (so ``PT_TSTRING`` is ``PT_UNICODE``), other names
through the header's own macros, in any order (C expands macros where they
are used, so a macro may refer to one defined further down).

:func:`read_header` never raises: what it cannot evaluate in a tag
``#define`` becomes a problem; other macros it cannot evaluate are skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Annotations only (postponed): importing typing costs ~3 ms of start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

from validator import mapi
from validator.model import FrozenRecord, Record, Span

if TYPE_CHECKING:
    #: A resolver for names the header uses but does not define (well-known tags):
    #: name → full 32-bit tag, or ``None``.
    Resolver = Callable[[str], "int | None"]


class TagDefine(FrozenRecord):
    """One ``#define PR_X <property tag>``.

    Positions are 1-based, columns in characters, end exclusive.
    ``line``…``end_column`` span the macro name; ``value_*`` span the
    expression (``PROP_TAG(...)``).  ``type_name`` is the PT_ name as written
    (``PT_TSTRING``), or the canonical name when the type was an expression.
    ``alias_of`` names the macro a ``#define PR_X PR_Y`` refers to.
    ``cond`` holds the ``#if`` branches around it: ``(group, branch)`` pairs.
    """

    __slots__ = ("name", "prop_id", "type_code", "type_name", "line", "column", "end_line",
                 "end_column", "value_line", "value_column", "value_end_line", "value_end_column",
                 "alias_of", "cond")

    def __init__(self, name: str, prop_id: int, type_code: int, type_name: str, line: int,
                 column: int, end_line: int, end_column: int, value_line: int, value_column: int,
                 value_end_line: int, value_end_column: int, alias_of: str | None = None,
                 cond: tuple[tuple[int, int], ...] = ()):
        self.name = name
        self.prop_id = prop_id
        self.type_code = type_code
        self.type_name = type_name
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.value_line = value_line
        self.value_column = value_column
        self.value_end_line = value_end_line
        self.value_end_column = value_end_column
        self.alias_of = alias_of
        self.cond = cond

    @property
    def tag(self) -> int:
        return mapi.prop_tag(self.type_code, self.prop_id)

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)

    @property
    def value_span(self) -> Span:
        return Span(self.value_line, self.value_column, self.value_end_line, self.value_end_column)


class HeaderDocument(Record):
    """What a header defines: property tags, integer constants, and problems.

    ``problems`` are ``(message, line, column)`` for tag ``#define``s that could
    not be evaluated.  ``guard`` is the include-guard macro, if any.
    """

    __slots__ = ("path", "text", "defines", "constants", "problems", "guard", "pragma_once")

    def __init__(self, path: str, text: str, defines: list[TagDefine] | None = None,
                 constants: dict[str, int] | None = None,
                 problems: list[tuple[str, int, int]] | None = None, guard: str | None = None,
                 pragma_once: bool = False):
        self.path = path
        self.text = text
        self.defines = [] if defines is None else defines
        self.constants = {} if constants is None else constants
        self.problems = [] if problems is None else problems
        self.guard = guard
        self.pragma_once = pragma_once

    def find(self, name: str) -> list[TagDefine]:
        """The tag defines with this name (C names are case-sensitive)."""
        return [d for d in self.defines if d.name == name]

    @staticmethod
    def exclusive(a: TagDefine, b: TagDefine) -> bool:
        """True when two defines sit in different branches of one ``#if`` group."""
        groups = dict(a.cond)
        return any(g in groups and groups[g] != br for g, br in b.cond)


# ---------------------------------------------------------------------------
# Public entry points


def read_header(text: str, path: str = "<header>", resolve: Resolver | None = None) -> HeaderDocument:
    """Read the ``#define``s of a C header.  Never raises.

    ``resolve`` looks up names the header uses without defining them (a
    ``#define PR_X PR_DISPLAY_NAME``); without it those defines are problems.
    """
    try:
        return _read(text, path, resolve)
    except Exception as exc:  # a bug must not stop a lint run; say where it happened instead
        doc = HeaderDocument(path=path, text=text if isinstance(text, str) else "")
        doc.problems.append((f"internal error reading the header: {type(exc).__name__}: {exc}", 1, 1))
        return doc


def decode_header(data: bytes) -> str:
    """Header bytes → text: UTF-8 (BOM optional), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_header_file(path: str, resolve: Resolver | None = None) -> HeaderDocument:
    """Read a header file from disk (see :func:`decode_header`).  Raises ``OSError``."""
    with open(path, "rb") as fh:
        data = fh.read()
    return read_header(decode_header(data), str(path), resolve)


# ---------------------------------------------------------------------------
# Phase 1: physical lines → logical lines (continuations joined), comments
# blanked with spaces so that offsets still map back to the source.


class _Map:
    """Offsets in a logical line → (line, column) in the source."""

    __slots__ = ("starts", "places")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.places: list[tuple[int, int]] = []

    def add(self, offset: int, line: int, column: int) -> None:
        self.starts.append(offset)
        self.places.append((line, column))

    def at(self, offset: int) -> tuple[int, int]:
        i = max(bisect_right(self.starts, offset) - 1, 0)
        line, column = self.places[i]
        return line, column + offset - self.starts[i]

    def end(self, offset: int) -> tuple[int, int]:
        """Position just after the character before ``offset`` (end exclusive)."""
        line, column = self.at(max(offset - 1, 0))
        return line, column + 1


def _logical_lines(text: str) -> list[tuple[str, _Map]]:
    # splitlines() so line numbers agree with model.SourceMap.lines.
    physical = text.splitlines()
    out: list[tuple[str, _Map]] = []
    i, n = 0, len(physical)
    while i < n:
        parts: list[str] = []
        where = _Map()
        length = 0
        while True:
            line = physical[i]
            body = line.rstrip(" \t")
            spliced = body.endswith("\\") and i + 1 < n
            if spliced:
                body = body[:-1]
            else:
                body = line
            where.add(length, i + 1, 1)
            parts.append(body)
            length += len(body)
            i += 1
            if not spliced:
                break
        out.append(("".join(parts), where))
    return out


_SPECIAL = re.compile(r"/\*|//|[\"']")


def _blank(s: str, in_comment: bool) -> tuple[str, bool]:
    """Replace comments by spaces (same length); say whether a block comment stays open."""
    n = len(s)
    pieces: list[str] = []
    i = 0
    if in_comment:
        j = s.find("*/")
        if j < 0:
            return " " * n, True
        pieces.append(" " * (j + 2))
        i = j + 2
    while True:
        m = _SPECIAL.search(s, i)
        if m is None:
            pieces.append(s[i:])
            return "".join(pieces), False
        start = m.start()
        pieces.append(s[i:start])
        tok = m.group()
        if tok == "//":
            pieces.append(" " * (n - start))
            return "".join(pieces), False
        if tok == "/*":
            j = s.find("*/", start + 2)
            if j < 0:
                pieces.append(" " * (n - start))
                return "".join(pieces), True
            pieces.append(" " * (j + 2 - start))
            i = j + 2
            continue
        # A string or character literal: comment markers inside it are text.
        j = start + 1
        while j < n:
            c = s[j]
            if c == "\\":
                j += 2
                continue
            j += 1
            if c == tok:
                break
        j = min(j, n)
        pieces.append(s[start:j])
        i = j


# ---------------------------------------------------------------------------
# Phase 2: directives


class _Macro(Record):
    __slots__ = ("index", "name", "body", "where", "name_start", "name_end", "value_start",
                 "value_end", "cond")

    def __init__(self, index: int, name: str, body: str | None, where: _Map, name_start: int,
                 name_end: int, value_start: int, value_end: int, cond: tuple[tuple[int, int], ...]):
        self.index = index
        self.name = name
        self.body = body  # None: an #undef
        self.where = where
        self.name_start = name_start
        self.name_end = name_end
        self.value_start = value_start
        self.value_end = value_end
        self.cond = cond


_DIRECTIVE = re.compile(r"\s*#\s*([A-Za-z_]\w*)")
_NAME = re.compile(r"[ \t\f\v]*([A-Za-z_]\w*)")


def _directives(text: str, doc: HeaderDocument) -> list[_Macro]:
    if text.startswith("\ufeff"):
        text = " " + text[1:]  # a BOM is not a character of line 1's tokens
    logical = _logical_lines(text)
    macros: list[_Macro] = []
    in_comment = False
    stack: list[list[int]] = []  # open #if groups: [group id, branch]
    groups = 0
    first: list[str] = []  # the first two directives, for the include guard
    k, n = 0, len(logical)
    while k < n:
        raw, where = logical[k]
        k += 1
        s, in_comment = _blank(raw, in_comment)
        if "#" not in s:
            continue
        m = _DIRECTIVE.match(s)
        if m is None:
            continue
        # A block comment opened on a directive line continues the directive
        # on the line where the comment ends.
        if in_comment:
            joined = _Map()
            joined.starts, joined.places = list(where.starts), list(where.places)
            parts = [s]
            length = len(s)
            while in_comment and k < n:
                raw2, where2 = logical[k]
                k += 1
                s2, in_comment = _blank(raw2, True)
                length += 1  # the separator stands for the line break
                for off, (ln, col) in zip(where2.starts, where2.places):
                    joined.add(length + off, ln, col)
                parts.append(" " + s2)
                length += len(s2)
            s, where = "".join(parts), joined
        word = m.group(1)
        if len(first) < 2:
            first.append(s.strip())
        if word in ("if", "ifdef", "ifndef"):
            stack.append([groups, 0])
            groups += 1
        elif word in ("elif", "else", "elifdef", "elifndef"):
            if stack:
                stack[-1][1] += 1
        elif word == "endif":
            if stack:
                stack.pop()
        elif word == "pragma":
            if s[m.end():].split()[:1] == ["once"]:
                doc.pragma_once = True
        elif word in ("define", "undef"):
            nm = _NAME.match(s, m.end())
            if nm is None:
                continue  # "#define" without a name
            name = nm.group(1)
            cond = tuple((g, b) for g, b in stack)
            if word == "undef":
                macros.append(_Macro(len(macros), name, None, where, nm.start(1), nm.end(1), 0, 0, cond))
                continue
            after = nm.end()
            if after < len(s) and s[after] == "(":
                continue  # a function-like macro
            rest = s[after:]
            stripped = rest.strip()
            vstart = after + (len(rest) - len(rest.lstrip()))
            macros.append(_Macro(len(macros), name, stripped, where, nm.start(1), nm.end(1),
                                 vstart, vstart + len(stripped), cond))
    if len(first) == 2:
        g1 = re.fullmatch(r"#\s*ifndef\s+([A-Za-z_]\w*)", first[0])
        g2 = re.match(r"#\s*define\s+([A-Za-z_]\w*)", first[1])
        if g1 and g2 and g1.group(1) == g2.group(1):
            doc.guard = g1.group(1)
    return macros


# ---------------------------------------------------------------------------
# Phase 3: a tiny evaluator for C integer constant expressions


class _Error(Exception):
    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset  # into the macro's value text, when known


class _Val:
    """A value and what it is: a plain name (``ident``), a tag (``tag_type``)."""

    __slots__ = ("v", "ident", "tag_type", "tag_macro")

    def __init__(self, v: int, ident: str | None = None, tag_type: str | None = None,
                 tag_macro: bool = False) -> None:
        self.v = v
        self.ident = ident
        self.tag_type = tag_type  # the PT_ name, when this is a property tag
        self.tag_macro = tag_macro  # ident names another tag macro


_TOKEN = re.compile(
    r"\s+|(?P<num>(?:0[xX][0-9A-Fa-f]+|[0-9]+)[uUlL]*)|(?P<id>[A-Za-z_]\w*)"
    r"|(?P<op><<|>>|[-+*/%|&^~(),!])|(?P<bad>.)",
    re.S,
)

_LIMIT = 1 << 64
_MAX_DEPTH = 96

# C precedence of the binary operators we accept.
_PREC = {"*": 10, "/": 10, "%": 10, "+": 9, "-": 9, "<<": 8, ">>": 8, "&": 5, "^": 4, "|": 3}

# Cast types: (bits, signed).  Windows is LLP64: long is 32 bits.
_CAST_WORDS = {
    "ULONG": (32, False), "DWORD": (32, False), "UINT": (32, False), "ULONG32": (32, False),
    "UINT32": (32, False), "DWORD32": (32, False),
    "LONG": (32, True), "INT": (32, True), "LONG32": (32, True), "INT32": (32, True),
    "HRESULT": (32, True), "SCODE": (32, True),
    "USHORT": (16, False), "WORD": (16, False), "SHORT": (16, True),
    "BYTE": (8, False), "UCHAR": (8, False), "CHAR": (8, True),
    "LONGLONG": (64, True), "ULONGLONG": (64, False), "DWORDLONG": (64, False),
    "__int64": (64, True), "ULONG_PTR": (64, False), "LONG_PTR": (64, True),
    "DWORD_PTR": (64, False), "UINT_PTR": (64, False), "INT_PTR": (64, True),
    "SIZE_T": (64, False), "size_t": (64, False),
    "int": (32, True), "long": (32, True), "short": (16, True), "char": (8, True),
    "unsigned": (32, False), "signed": (32, True),
}


def _cast(words: list[str], v: int) -> int:
    if "unsigned" in words or "signed" in words:
        rest = [w for w in words if w not in ("unsigned", "signed")]
        bits = 64 if rest.count("long") == 2 or "__int64" in rest else _CAST_WORDS[rest[0]][0] if rest else 32
        signed = "unsigned" not in words
    elif words.count("long") == 2:
        bits, signed = 64, True
    else:
        bits, signed = _CAST_WORDS[words[0]]
    v &= (1 << bits) - 1
    if signed and v >> (bits - 1):
        v -= 1 << bits
    return v


def _number(text: str, offset: int) -> int:
    digits = text.rstrip("uUlL")
    if len(digits) > 40:  # also keeps int() away from its digit limit
        raise _Error(f"number too large: {text[:20]}…", offset)
    if digits[:2] in ("0x", "0X"):
        return int(digits[2:], 16)
    if len(digits) > 1 and digits[0] == "0":
        if any(c in "89" for c in digits):
            raise _Error(f"invalid octal number {text}", offset)
        return int(digits, 8)
    return int(digits)


def _tokenize(body: str) -> list[tuple[str, str, int]]:
    tokens = []
    for m in _TOKEN.finditer(body):
        kind = m.lastgroup
        if kind is None:
            continue  # whitespace
        if kind == "bad":
            raise _Error(f"unexpected character {m.group()!r}", m.start())
        tokens.append((kind, m.group(), m.start()))
    return tokens


class _Evaluator:
    """Evaluates every macro of one header on demand, memoised, cycle-safe."""

    def __init__(self, macros: list[_Macro], resolve: Resolver | None) -> None:
        self.macros = macros
        self.resolve = resolve
        self.by_name: dict[str, list[_Macro]] = {}
        for mac in macros:
            self.by_name.setdefault(mac.name, []).append(mac)
        self.memo: dict[int, _Val | _Error] = {}
        self.busy: set[int] = set()
        self.depth = 0

    # -- macros --------------------------------------------------------------

    def visible(self, name: str, at: int) -> _Macro | None:
        """The definition of ``name`` that a use in macro ``at`` sees: the last
        one before it, else (a forward reference) the first one after it."""
        defs = self.by_name.get(name)
        if not defs:
            return None
        before = [d for d in defs if d.index < at]
        if before:
            d = before[-1]
            return None if d.body is None else d
        for d in defs:
            if d.body is not None:
                return d
        return None

    def macro(self, mac: _Macro) -> _Val:
        """The value of a macro; raises :class:`_Error` (offsets into its body)."""
        done = self.memo.get(mac.index)
        if done is not None:
            if isinstance(done, _Error):
                raise done
            return done
        if mac.index in self.busy:
            raise _Error(f"{mac.name} refers to itself")
        self.busy.add(mac.index)
        try:
            result: _Val | _Error = self.expression(mac)
        except _Error as exc:
            result = exc
        finally:
            self.busy.discard(mac.index)
        self.memo[mac.index] = result
        if isinstance(result, _Error):
            raise result
        return result

    def expression(self, mac: _Macro) -> _Val:
        assert mac.body is not None
        tokens = _tokenize(mac.body)
        if not tokens:
            raise _Error("empty definition", 0)
        parser = _Parser(self, mac, tokens)
        val = parser.expr()
        if parser.pos != len(tokens):
            kind, text, off = tokens[parser.pos]
            raise _Error(f"unexpected {text!r}", off)
        return val

    def name(self, name: str, mac: _Macro, offset: int) -> _Val:
        code = mapi.PT_TYPES.get(name)
        if code is not None:
            return _Val(code, ident=name)
        other = self.visible(name, mac.index)
        if other is not None:
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise _Error("macros nested too deeply", offset)
            try:
                val = self.macro(other)
            except _Error as exc:
                raise _Error(f"{name} cannot be evaluated ({exc.message})", offset) from None
            finally:
                self.depth -= 1
            return _Val(val.v, ident=name, tag_type=val.tag_type, tag_macro=val.tag_type is not None)
        if name in mapi.HEADER_CONSTANTS:
            return _Val(mapi.HEADER_CONSTANTS[name], ident=name)
        if self.resolve is not None:
            try:
                tag = self.resolve(name)
            except Exception:
                tag = None
            if isinstance(tag, int) and not isinstance(tag, bool):
                return _Val(tag & 0xFFFFFFFF, ident=name,
                            tag_type=mapi.type_name(mapi.prop_type(tag)), tag_macro=True)
        raise _Error(f"unknown identifier {name}", offset)


class _Parser:
    """Precedence climbing over the tokens of one macro body."""

    __slots__ = ("ev", "mac", "tokens", "pos")

    def __init__(self, ev: _Evaluator, mac: _Macro, tokens: list[tuple[str, str, int]]) -> None:
        self.ev = ev
        self.mac = mac
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def end_offset(self) -> int:
        return len(self.mac.body or "")

    def expect(self, text: str) -> None:
        tok = self.peek()
        if tok is None:
            raise _Error(f"expected {text!r} at the end", self.end_offset())
        if tok[1] != text:
            raise _Error(f"expected {text!r}, found {tok[1]!r}", tok[2])
        self.pos += 1

    def expr(self, min_prec: int = 0) -> _Val:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None or tok[0] != "op" or tok[1] not in _PREC:
                return left
            op = tok[1]
            prec = _PREC[op]
            if prec < min_prec:
                return left
            self.pos += 1
            right = self.expr(prec + 1)
            left = _Val(self.binary(op, left.v, right.v, tok[2]))

    @staticmethod
    def binary(op: str, a: int, b: int, offset: int) -> int:
        if op == "+":
            v = a + b
        elif op == "-":
            v = a - b
        elif op == "*":
            v = a * b
        elif op in ("/", "%"):
            if b == 0:
                raise _Error("division by zero", offset)
            q = abs(a) // abs(b)
            if (a < 0) != (b < 0):
                q = -q
            v = q if op == "/" else a - b * q
        elif op in ("<<", ">>"):
            if not 0 <= b < 64:
                raise _Error(f"shift by {b}", offset)
            v = a << b if op == "<<" else a >> b
        elif op == "&":
            v = a & b
        elif op == "^":
            v = a ^ b
        else:
            v = a | b
        if not -_LIMIT <= v < _LIMIT:
            raise _Error("value out of range", offset)
        return v

    def unary(self) -> _Val:
        tok = self.peek()
        if tok is None:
            raise _Error("expression ends too early", self.end_offset())
        kind, text, off = tok
        if kind == "op" and text in ("-", "+", "~", "!"):
            self.pos += 1
            v = self.unary().v
            if text == "-":
                v = -v
            elif text == "~":
                v = ~v
            elif text == "!":
                v = int(not v)
            return _Val(v)
        if kind == "op" and text == "(":
            words = self.cast_words()
            if words is not None:
                val = self.unary()
                return _Val(_cast(words, val.v), val.ident, val.tag_type, val.tag_macro)
        return self.primary()

    def cast_words(self) -> list[str] | None:
        """If a cast ``(ULONG)`` starts here, consume it and return its words."""
        j = self.pos + 1
        words = []
        while j < len(self.tokens) and self.tokens[j][0] == "id" and self.tokens[j][1] in _CAST_WORDS:
            words.append(self.tokens[j][1])
            j += 1
        if not words or j >= len(self.tokens) or self.tokens[j][1] != ")":
            return None
        self.pos = j + 1
        return words

    def primary(self) -> _Val:
        kind, text, off = self.tokens[self.pos]
        self.pos += 1
        if kind == "num":
            return _Val(_number(text, off))
        if kind == "op" and text == "(":
            self.ev.depth += 1
            try:
                if self.ev.depth > _MAX_DEPTH:
                    raise _Error("expression nested too deeply", off)
                val = self.expr()
            finally:
                self.ev.depth -= 1
            self.expect(")")
            return val
        if kind == "id":
            nxt = self.peek()
            if nxt is not None and nxt[1] == "(" and text in _FUNCTIONS:
                return self.call(text, off)
            return self.ev.name(text, self.mac, off)
        raise _Error(f"unexpected {text!r}", off)

    def call(self, fn: str, off: int) -> _Val:
        self.expect("(")
        args = [self.expr()]
        while self.peek() is not None and self.peek()[1] == ",":  # type: ignore[index]
            self.pos += 1
            args.append(self.expr())
        self.expect(")")
        want = 1 if fn in ("PROP_ID", "PROP_TYPE") else 2
        if len(args) != want:
            raise _Error(f"{fn} takes {want} argument{'s' if want > 1 else ''}", off)
        if fn == "PROP_ID":
            return _Val(mapi.prop_id(args[0].v))
        if fn == "PROP_TYPE":
            return _Val(mapi.prop_type(args[0].v))
        if fn == "PROP_TAG":
            ptype, pid = args
        else:  # CHANGE_PROP_TYPE(tag, type)
            tag, ptype = args
            pid = _Val(mapi.prop_id(tag.v))
        if not 0 <= ptype.v <= 0xFFFF:
            raise _Error(f"property type {ptype.v:#x} does not fit 16 bits", off)
        if not 0 <= pid.v <= 0xFFFF:
            raise _Error(f"property ID {pid.v:#x} does not fit 16 bits", off)
        name = ptype.ident if ptype.ident and ptype.ident.startswith("PT_") else mapi.type_name(ptype.v)
        return _Val(mapi.prop_tag(ptype.v, pid.v), tag_type=name)


_FUNCTIONS = frozenset(("PROP_TAG", "CHANGE_PROP_TYPE", "PROP_ID", "PROP_TYPE"))
_TAGGISH = re.compile(r"\b(?:PROP_TAG|CHANGE_PROP_TYPE)\b")


def _read(text: str, path: str, resolve: Resolver | None) -> HeaderDocument:
    doc = HeaderDocument(path=path, text=text)
    if not isinstance(text, str):
        doc.text = ""
        doc.problems.append(("the header is not text", 1, 1))
        return doc
    macros = _directives(text, doc)
    ev = _Evaluator(macros, resolve)
    for mac in macros:
        if mac.body is None:
            continue
        body = mac.body
        # Worth a problem when it is meant to be a tag: PROP_TAG(...) or
        # CHANGE_PROP_TYPE(...), or PR_X defined as another PR_ name.
        taggish = bool(_TAGGISH.search(body)) or (
            mac.name.startswith("PR_") and re.fullmatch(r"\(*\s*PR_\w+\s*\)*", body) is not None)
        try:
            ev.depth = 0
            val = ev.macro(mac)
        except _Error as exc:
            if taggish:
                off = mac.value_start + (exc.offset or 0)
                line, column = mac.where.at(min(off, max(mac.value_end - 1, mac.value_start)))
                doc.problems.append((f"cannot evaluate {mac.name}: {exc.message}", line, column))
            continue
        if val.tag_type is None:
            doc.constants[mac.name] = val.v
            continue
        tag = val.v & 0xFFFFFFFF
        line, column = mac.where.at(mac.name_start)
        end_line, end_column = mac.where.end(mac.name_end)
        vline, vcolumn = mac.where.at(mac.value_start)
        vend_line, vend_column = mac.where.end(mac.value_end)
        doc.defines.append(TagDefine(
            name=mac.name,
            prop_id=mapi.prop_id(tag),
            type_code=mapi.prop_type(tag),
            type_name=val.tag_type,
            line=line, column=column, end_line=end_line, end_column=end_column,
            value_line=vline, value_column=vcolumn, value_end_line=vend_line, value_end_column=vend_column,
            alias_of=val.ident if val.tag_macro else None,
            cond=mac.cond,
        ))
    return doc
