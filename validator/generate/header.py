"""The public C header every message service publishes (mapi-facts §5.1).

For each custom property: a comment giving its meaning and valid values
(type, range, default, enumeration, flags, maximum length, pattern, secure),
then ``#define PR_X PROP_TAG(PT_Y, 0xNNNN)``, then its enumeration or flag
constants.  Named properties (``set`` + ``name``/``lid``) have no fixed tag: the
header documents them and defines nothing a compiler could misuse.

The output is deterministic: properties in manifest order, LF line endings,
no time stamp, only the manifest's base name.  It needs ``<mapidefs.h>``
(``PROP_TAG``, the ``PT_`` names) included before it, as MAPI headers do.
"""

from __future__ import annotations

import os
import re
from .inf import PT_CODES

_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# PT_ names that <mapidefs.h> does not define (Exchange's EdkMdb.h does): written as numbers.
_NOT_IN_MAPIDEFS = frozenset(("PT_ACTIONS", "PT_FILE_EA", "PT_FILE_HANDLE", "PT_PTR", "PT_SRESTRICT",
                              "PT_SRESTRICTION", "PT_SVREID", "PT_VIRTUAL"))


def _comment_text(text: str) -> str:
    """Text safe inside ``/* */``: no comment terminator, no control characters."""
    text = text.replace("*/", "* /").replace("/*", "/ *")
    return "".join(ch if ch >= " " or ch == "\t" else " " for ch in text)


def _c_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch < " " or ord(ch) > 126:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def guard_name(cat) -> str:
    base = next(iter(cat.services), None) or os.path.splitext(os.path.basename(cat.path))[0]
    name = re.sub(r"[^A-Za-z0-9]+", "_", base).strip("_").upper() or "MAPISVC"
    if name[0].isdigit():
        name = "_" + name
    return f"MAPISVC_{name}_H"


def _number(value: int, type_code: int, hex_form: bool) -> str:
    if type_code & 0x0FFF == 0x0014:
        cast, suffix = "LONGLONG", "LL"
    else:
        cast, suffix = ("ULONG" if value >= 0 else "LONG"), ""
    if value < 0:
        return f"(({cast}) ({value}{suffix}))"
    literal = f"0x{value:08X}" if hex_form else str(value)
    return f"(({cast}) {literal}{suffix})"


def _describe(prop, type_name: str) -> list[str]:
    """The comment lines stating a property's valid values."""
    lines: list[str] = []
    description = prop.value("description")
    if isinstance(description, str) and description.strip():
        lines.extend(description.strip().splitlines())
    facts = [f"Type: {type_name}."]
    minimum, maximum = prop.value("minimum"), prop.value("maximum")
    if minimum is not None and maximum is not None:
        facts.append(f"Range: {minimum} to {maximum}.")
    elif minimum is not None:
        facts.append(f"Minimum: {minimum}.")
    elif maximum is not None:
        facts.append(f"Maximum: {maximum}.")
    max_length = prop.value("max_length")
    if max_length is not None:
        facts.append(f"At most {max_length} characters.")
    pattern = prop.value("pattern")
    if pattern is not None:
        facts.append(f"Must match the pattern {pattern}.")
    values, flags = prop.value("values"), prop.value("flags")
    if isinstance(values, dict) and values:
        facts.append("One of: " + ", ".join(f"{k} ({v})" for k, v in values.items()) + ".")
    if isinstance(flags, dict) and flags:
        facts.append("A combination (OR) of: " + ", ".join(
            f"{k} (0x{v:X})" if isinstance(v, int) and v >= 0 else f"{k} ({v})"
            for k, v in flags.items()) + ".")
    default = prop.value("default")
    if default is not None:
        if isinstance(default, bool):
            shown = "TRUE" if default else "FALSE"
        elif isinstance(default, list):
            shown = " | ".join(str(d) for d in default)
        elif isinstance(default, str):
            shown = _c_string(default)
        else:
            shown = str(default)
        facts.append(f"Default: {shown}.")
    secure = prop.value("secure") is True
    prop_id = prop.value("id")
    if secure or (isinstance(prop_id, int) and 0x67F0 <= prop_id <= 0x67FF):
        facts.append("Secure: a secret kept in the profile; never write it into MAPISVC.INF.")
    lines.append(" ".join(facts))
    return lines


def _wrap(text: str, width: int = 96) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _block_comment(lines: list[str]) -> list[str]:
    out = ["/*"]
    for line in lines:
        for piece in _wrap(_comment_text(line)):
            out.append((" * " + piece).rstrip())
    out.append(" */")
    return out


def generate(cat, source_name: str | None = None) -> str:
    """The header text (LF line endings) for a manifest catalogue."""
    guard = guard_name(cat)
    name = source_name or os.path.basename(cat.path)
    out = [f"/* Generated by mapisvc from {_comment_text(name)}; do not edit."
           " Regenerate with 'mapisvc header'. */",
           f"#ifndef {guard}",
           f"#define {guard}",
           "",
           "/* Custom properties of " + (_comment_text(", ".join(cat.services)) or "this manifest")
           + ". Include <mapidefs.h> (PROP_TAG, PT_*) before this header. */"]
    for prop_name, prop in cat.properties.items():
        type_name = prop.value("type")
        type_name = type_name.strip().upper() if isinstance(type_name, str) else "PT_UNSPECIFIED"
        type_code = PT_CODES.get(type_name, 0)
        out.append("")
        comment = [f"{prop_name}"] + _describe(prop, type_name)
        prop_id = prop.value("id")
        valid_name = bool(_C_IDENTIFIER.fullmatch(prop_name))
        if isinstance(prop_id, int) and not isinstance(prop_id, bool) and valid_name:
            out.extend(_block_comment(comment))
            c_type = (f"0x{type_code:04X} /* {type_name} */" if type_name in _NOT_IN_MAPIDEFS
                      else type_name)
            out.append(f"#define {prop_name} PROP_TAG({c_type}, 0x{prop_id & 0xFFFF:04X})")
        else:
            named = prop.value("name")
            lid = prop.value("lid")
            kind = (f"name {_c_string(named)}" if isinstance(named, str)
                    else f"LID 0x{lid:X}" if isinstance(lid, int) else "no name")
            comment.append(f"Named property in set {prop.value('set')}, {kind}: its tag is"
                           " assigned per store; get it with IMAPIProp::GetIDsFromNames."
                           if valid_name else "Not a C identifier: no #define for it.")
            out.extend(_block_comment(comment))
        for member, hex_form in (("values", False), ("flags", True)):
            table = prop.value(member)
            if not isinstance(table, dict):
                continue
            for const, value in table.items():
                if _C_IDENTIFIER.fullmatch(const) and isinstance(value, int) and not isinstance(value, bool):
                    out.append(f"#define {const} {_number(value, type_code, hex_form)}")
    out += ["", f"#endif /* {guard} */", ""]
    return "\n".join(out)


def tag_value(prop) -> int | None:
    """The 32-bit tag the header's ``#define`` evaluates to in a UNICODE build."""
    prop_id, type_name = prop.value("id"), prop.value("type")
    if not isinstance(prop_id, int) or not isinstance(type_name, str):
        return None
    code = PT_CODES.get(type_name.strip().upper())
    return None if code is None else ((prop_id & 0xFFFF) << 16) | code


def differences(expected: str, found: str, path: str) -> list[tuple[int, str]]:
    """Lines where a header differs from the generated one: [(line, message)]."""
    want = expected.splitlines()
    have = found.replace("\r\n", "\n").replace("\r", "\n").splitlines()
    import difflib

    out: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(a=want, b=have, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        line = min(b1 + 1, max(len(have), 1))
        if op == "delete":
            out.append((line, f"lacks: {want[a1].strip()}"))
        elif op == "insert":
            out.append((line, f"not generated: {have[b1].strip()}"))
        else:
            out.append((line, f"is '{have[b1].strip()}', generated: '{want[a1].strip()}'"))
    return out
