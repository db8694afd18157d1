"""validator.readers.header: reading property-tag #defines as real headers write them."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from validator import mapi
from validator.readers import header as H
from validator.readers.header import read_header, read_header_file
from ._shared import shared_path

LONG, BOOL, BIN, S8, UNI, I8 = (mapi.PT_LONG, mapi.PT_BOOLEAN, mapi.PT_BINARY, mapi.PT_STRING8,
                                mapi.PT_UNICODE, mapi.PT_I8)

# file → (number of tag defines, {name: (id, type code, type as written)})
CORPUS = {
    "mingw-mapiwz.h": (2, {"PR_WIZARD_NO_PST_PAGE": (0x6700, BOOL, "PT_BOOLEAN"),
                           "PR_WIZARD_NO_PAB_PAGE": (0x6701, BOOL, "PT_BOOLEAN")}),
    "mingw-mspab.h": (4, {"PR_PAB_PATH": (0x6600, UNI, "PT_TSTRING"),
                          "PR_PAB_PATH_A": (0x6600, S8, "PT_STRING8"),
                          "PR_PAB_PATH_W": (0x6600, UNI, "PT_UNICODE"),
                          "PR_PAB_DET_DIR_VIEW_BY": (0x6601, LONG, "PT_LONG")}),
    "mingw-mspst.h": (5, {"PR_PST_PATH": (0x6700, S8, "PT_STRING8"),
                          "PR_PST_ENCRYPTION": (0x6702, LONG, "PT_LONG"),
                          "PR_PST_PW_SZ_NEW": (0x6704, S8, "PT_STRING8")}),
    "mingw-smpab.h": (2, {"PR_SAB_FILE": (0x6604, S8, "PT_STRING8"),
                          "PR_SAB_UID": (0x6601, BIN, "PT_BINARY")}),
    "mingw-smpms.h": (4, {"PR_SMS_PATH": (0x6700, S8, "PT_STRING8"),
                          "PR_SMS_CREATE": (0x6703, BOOL, "PT_BOOLEAN")}),
    "mingw-smpxp.h": (11, {"PR_SAMPLE_FLAGS": (0x6608, LONG, "PT_LONG"),
                           "PR_SAMPLE_DISPLAY_NAME": (0x6601, UNI, "PT_TSTRING"),
                           "PR_SAMPLE_LOGLOWWATER": (0x660B, LONG, "PT_LONG")}),
    "mrxp-PropTags.h": (6, {"PR_PROFILE_USER": (0x6603, S8, "PT_STRING8"),
                            "PR_PROFILE_MAILBOX": (0x660B, S8, "PT_STRING8"),
                            "PR_HAS_DAMS": (0x3FEA, BOOL, "PT_BOOLEAN"),
                            "PR_REPLICA_SERVER": (0x6644, UNI, "PT_TSTRING"),
                            "PR_REPLICA_VERSION": (0x664B, I8, "PT_I8")}),
    "ms-MSPST.h": (5, {"PR_PST_ENCRYPTION": (0x6702, LONG, "PT_LONG"),
                       "PR_PST_REMEMBER_PW": (0x6701, BOOL, "PT_BOOLEAN")}),
    "sabp-abp.h": (1, {"PR_SMP_AB_PATH": (0x6608, UNI, "PT_TSTRING")}),
    "wrappst-Provider.h": (2, {"PR_PROFILE_OFFLINE_STORE_PATH": (0x6610, S8, "PT_STRING8"),
                               "PR_OST_OLFI": (0x7C07, BIN, "PT_BINARY")}),
}


def corpus_file(name: str):
    return shared_path("corpus", "headers", name)


def test_corpus_is_covered():
    folder = shared_path("corpus", "headers")
    assert sorted(p.name for p in folder.iterdir()) == sorted(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_header(name):
    count, expected = CORPUS[name]
    path = corpus_file(name)
    doc = read_header_file(str(path))
    assert doc.problems == []
    assert len(doc.defines) == count
    got = {d.name: (d.prop_id, d.type_code, d.type_name) for d in doc.defines}
    for tag_name, want in expected.items():
        assert got[tag_name] == want, tag_name
    # Every span points at the name, every value span at the PROP_TAG(...) text.
    lines = doc.text.splitlines()
    for d in doc.defines:
        assert d.line == d.end_line and d.value_line == d.value_end_line
        assert lines[d.line - 1][d.column - 1:d.end_column - 1] == d.name
        value = lines[d.value_line - 1][d.value_column - 1:d.value_end_column - 1]
        assert value.startswith("PROP_TAG") and value.endswith(")"), value


def test_corpus_details():
    doc = read_header_file(str(corpus_file("ms-MSPST.h")))
    assert doc.guard == "_MSPST_H_" and doc.pragma_once
    assert doc.constants["PST_EXTERN_PROPID_BASE"] == 0x6700
    assert doc.constants["PSTF_NO_ENCRYPTION"] == 0x80000000
    doc = read_header_file(str(corpus_file("mingw-smpxp.h")))
    assert doc.constants["BASE_ID"] == 0x6600 and doc.constants["PR_SAMPLE_FLAG_SAVE_DATA"] == 8
    doc = read_header_file(str(corpus_file("sabp-abp.h")))  # CRLF
    assert "\r\n" in doc.text
    (d,) = doc.defines
    assert (d.line, d.column, d.end_line, d.end_column) == (44, 9, 44, 23)
    assert doc.constants["BASE_PROVIDER_ID"] == 0x6600 and doc.constants["DONT_CARE"] == 0xFFFFFFFF
    doc = read_header_file(str(corpus_file("mrxp-PropTags.h")))
    assert doc.pragma_once and doc.guard is None


# -- the forms real headers use -------------------------------------------------

def one(text: str, **kw) -> H.TagDefine:
    doc = read_header(text, **kw)
    assert doc.problems == []
    assert len(doc.defines) == 1, doc.defines
    return doc.defines[0]


@pytest.mark.parametrize("text, pid, ptype", [
    ("#define BASE 0x6600\n#define PR_X PROP_TAG(PT_TSTRING, BASE + 0x0001)\n", 0x6601, UNI),
    ("#define BASE_ID 0x6600\n#define PR_X PROP_TAG (PT_TSTRING,(BASE_ID + 0x0001))\n", 0x6601, UNI),
    ("#define pidProfileMin 0x6600\n#define PR_X PROP_TAG( PT_STRING8, pidProfileMin+0x03)\n", 0x6603, S8),
    ("#define PR_X ((PROP_TAG((PT_LONG), ((0x6600)))))\n", 0x6600, LONG),
    ("#define PR_X ((ULONG) PROP_TAG(PT_LONG, 0x6600))\n", 0x6600, LONG),
    ("#define PR_X PROP_TAG(PT_LONG, (ULONG) 0x6600UL)\n", 0x6600, LONG),
    ("#define PR_X PROP_TAG(PT_LONG, 26112)\n", 0x6600, LONG),
    ("#define PR_X PROP_TAG(PT_LONG, 063000)\n", 0x6600, LONG),  # octal, as C reads it
    ("#define PR_X PROP_TAG(PT_LONG, 0x6600u)\n", 0x6600, LONG),
    ("#define PR_X PROP_TAG(PT_LONG, 0x66 << 8 | 0x01)\n", 0x6601, LONG),
    ("#define PR_X PROP_TAG(PT_LONG, 0x3300 << 1)\n", 0x6600, LONG),
    ("#define PR_X PROP_TAG(PT_LONG, 1 + 0x3300 << 1)\n", 0x6602, LONG),  # + binds tighter than <<
    ("#define PR_X PROP_TAG(PT_LONG, 0x6610 - 0x10)\n", 0x6600, LONG),
    ("#define PR_X PROP_TAG(PT_LONG, 0x6600 | 2 & 3)\n", 0x6602, LONG),  # & binds tighter than |
    ("#define PR_X PROP_TAG(PT_LONG, 0x6700 - 2 * 0x80)\n", 0x6600, LONG),
    ("#define PR_X PROP_TAG(MV_FLAG|PT_STRING8, 0x6600)\n", 0x6600, 0x101E),
    ("#define PR_X PROP_TAG(PT_MV_TSTRING, 0x6600)\n", 0x6600, 0x101F),
    ("#define PR_X PROP_TAG(PT_STRING8, PROP_ID_SECURE_MIN)\n", 0x67F0, S8),
    ("#define PR_X PROP_TAG(PT_LONG, -(-0x6600))\n", 0x6600, LONG),
])
def test_expression_forms(text, pid, ptype):
    d = one(text)
    assert (d.name, d.prop_id, d.type_code) == ("PR_X", pid, ptype)


def test_type_names_as_written_or_canonical():
    assert one("#define PR_X PROP_TAG(PT_TSTRING, 0x6600)").type_name == "PT_TSTRING"
    assert one("#define PR_X PROP_TAG(PT_I4, 0x6600)").type_name == "PT_I4"
    assert one("#define PR_X PROP_TAG((MV_FLAG|PT_LONG), 0x6600)").type_name == "PT_MV_LONG"
    assert one("#define PR_X PROP_TAG(0x001E, 0x6600)").type_name == "PT_STRING8"
    assert one("#define MYTYPE PT_LONG\n#define PR_X PROP_TAG(MYTYPE, 0x6600)").type_name == "PT_LONG"


def test_guards_pragma_comments_and_cplusplus():
    text = (
        "// Contoso provider\n"
        "#ifndef CONTOSO_H\n"
        "#define CONTOSO_H\n"
        "#pragma once\n"
        "/* #define PR_IN_COMMENT PROP_TAG(PT_LONG, 0x6601)\n"
        "   still a comment */\n"
        "class CFoo : public IUnknown {\n"
        "public:\n"
        "    STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv); // PROP_TAG(\n"
        "    const char *s = \"/* not a comment\";\n"
        "};\n"
        "#define PR_CONTOSO_FLAGS /* flags */ PROP_TAG( /* type */ PT_LONG, // the id follows\n"
        "#define NOT_THIS 1\n"
        "  #  define   PR_CONTOSO_PATH\tPROP_TAG(PT_UNICODE,0x6602) /* a\n"
        "  multi-line comment */\n"
        "#endif // CONTOSO_H\n"
    )
    doc = read_header(text)
    assert doc.guard == "CONTOSO_H" and doc.pragma_once
    names = [d.name for d in doc.defines]
    assert names == ["PR_CONTOSO_PATH"]
    # The unfinished PROP_TAG( line is a tag define that cannot be evaluated.
    assert len(doc.problems) == 1 and "PR_CONTOSO_FLAGS" in doc.problems[0][0]
    assert doc.problems[0][1] == 12
    assert doc.constants["NOT_THIS"] == 1
    d = doc.defines[0]
    assert (d.line, d.column, d.end_column) == (14, 15, 30)
    assert (d.value_line, d.value_column, d.value_end_column) == (14, 31, 58)


def test_comment_between_tokens_spanning_lines():
    text = ("#define PR_X PROP_TAG(PT_LONG, /* the id\n"
            "   is below */ 0x6601)\n"
            "#define PR_Y PROP_TAG(PT_LONG, 0x6602)\n")
    doc = read_header(text)
    assert doc.problems == []
    assert [(d.name, d.prop_id, d.line) for d in doc.defines] == [("PR_X", 0x6601, 1), ("PR_Y", 0x6602, 3)]
    x = doc.defines[0]
    assert (x.value_line, x.value_column, x.value_end_line, x.value_end_column) == (1, 14, 2, 23)


def test_block_comment_before_directive():
    d = one("/* one */ #define PR_X PROP_TAG(PT_LONG, 0x6601)\n")
    assert (d.line, d.column) == (1, 19)


def test_line_continuations_and_crlf():
    text = ("#define BASE \\\r\n    0x6600\r\n"
            "#define \\\r\n  PR_X \\\r\n  PROP_TAG( \\\r\n PT_LONG, BASE + 1)\r\n"
            "#define PR_Y PROP_TAG(PT_LONG, BASE + 2) \\  \r\n\r\n")
    doc = read_header(text)
    assert doc.problems == []
    assert doc.constants["BASE"] == 0x6600
    x, y = doc.defines
    assert (x.name, x.prop_id, x.line, x.column, x.end_column) == ("PR_X", 0x6601, 4, 3, 7)
    assert (x.value_line, x.value_column, x.value_end_line, x.value_end_column) == (5, 3, 6, 20)
    assert (y.name, y.prop_id, y.line) == ("PR_Y", 0x6602, 7)


def test_lone_cr_and_bom():
    doc = read_header("\ufeff#define PR_X PROP_TAG(PT_LONG, 0x6601)\r#define PR_Y PROP_TAG(PT_LONG, 0x6602)")
    assert [(d.name, d.line, d.column) for d in doc.defines] == [("PR_X", 1, 10), ("PR_Y", 2, 9)]


def test_aliases_and_change_prop_type():
    text = ("#define PR_BASE PROP_TAG(PT_TSTRING, 0x6601)\n"
            "#define PR_BASE_A CHANGE_PROP_TYPE(PR_BASE, PT_STRING8)\n"
            "#define PR_OTHER PR_BASE\n"
            "#define PR_PAREN (PR_BASE_A)\n"
            "#define PR_ID_ONLY PROP_TAG(PT_LONG, PROP_ID(PR_BASE))\n")
    doc = read_header(text)
    assert doc.problems == []
    got = {d.name: (d.prop_id, d.type_code, d.type_name, d.alias_of) for d in doc.defines}
    assert got == {
        "PR_BASE": (0x6601, UNI, "PT_TSTRING", None),
        "PR_BASE_A": (0x6601, S8, "PT_STRING8", None),
        "PR_OTHER": (0x6601, UNI, "PT_TSTRING", "PR_BASE"),
        "PR_PAREN": (0x6601, S8, "PT_STRING8", "PR_BASE_A"),
        "PR_ID_ONLY": (0x6601, LONG, "PT_LONG", None),
    }


def test_forward_references_resolve():
    d = one("#define PR_X PROP_TAG(PT_LONG, LATER + 1)\n#define LATER 0x6600\n")
    assert d.prop_id == 0x6601


def test_redefinition_uses_the_one_in_force():
    doc = read_header("#define B 0x6600\n#define PR_X PROP_TAG(PT_LONG, B)\n"
                      "#undef B\n#define B 0x6700\n#define PR_Y PROP_TAG(PT_LONG, B)\n")
    assert [(d.name, d.prop_id) for d in doc.defines] == [("PR_X", 0x6600), ("PR_Y", 0x6700)]


def test_resolver_for_names_the_header_does_not_define():
    text = "#define PR_MY_NAME PR_DISPLAY_NAME\n"
    doc = read_header(text)
    assert doc.defines == [] and "unknown identifier PR_DISPLAY_NAME" in doc.problems[0][0]
    d = one(text, resolve={"PR_DISPLAY_NAME": 0x3001001F}.get)
    assert (d.prop_id, d.type_code, d.type_name, d.alias_of) == (0x3001, UNI, "PT_UNICODE", "PR_DISPLAY_NAME")
    # A resolver that fails is treated as not knowing the name.
    def broken(name):
        raise RuntimeError("boom")
    assert read_header(text, resolve=broken).problems


def test_conditional_branches_are_recorded():
    doc = read_header("#ifndef G\n#define G\n#ifdef UNICODE\n#define PR_X PROP_TAG(PT_UNICODE, 0x6601)\n"
                      "#else\n#define PR_X PROP_TAG(PT_STRING8, 0x6601)\n#endif\n"
                      "#define PR_Y PROP_TAG(PT_LONG, 0x6602)\n#endif\n")
    x1, x2, y = doc.defines
    assert doc.find("PR_X") == [x1, x2]
    assert H.HeaderDocument.exclusive(x1, x2)
    assert not H.HeaderDocument.exclusive(x1, y) and not H.HeaderDocument.exclusive(x2, y)
    assert y.cond == ((0, 0),) and x1.cond == ((0, 0), (1, 0)) and x2.cond == ((0, 0), (1, 1))


def test_constants():
    doc = read_header(
        "#define A ((ULONG) 0x00000001)\n#define B ((DWORD)0x80000000)\n#define C (0x6700)\n"
        "#define D -1\n#define E ((ULONG) -1)\n#define F ((LONG) 0xFFFFFFFF)\n#define G (A | 4)\n"
        "#define H 10L\n#define I (unsigned short) 0x12345\n#define J ~0\n#define K 7 / 2\n#define L -7 % 3\n"
        "#define S \"text\"\n#define T _T(\"x\")\n#define U { 0x4e, 0x49 }\n#define V\n#define W 1.5\n"
        "#define FN(x) ((x) + 1)\n")
    assert doc.problems == [] and doc.defines == []
    assert doc.constants == {"A": 1, "B": 0x80000000, "C": 0x6700, "D": -1, "E": 0xFFFFFFFF, "F": -1,
                             "G": 5, "H": 10, "I": 0x2345, "J": -1, "K": 3, "L": -1}


@pytest.mark.parametrize("text, words", [
    ("#define PR_X PROP_TAG(PT_LONG, BASE + 1)", "unknown identifier BASE"),
    ("#define PR_X PROP_TAG(PT_NOPE, 0x6600)", "unknown identifier PT_NOPE"),
    ("#define PR_X PROP_TAG(PT_LONG)", "takes 2 arguments"),
    ("#define PR_X PROP_TAG(PT_LONG, 0x6600", "expected ')'"),
    ("#define PR_X PROP_TAG(PT_LONG, 0x10000)", "does not fit 16 bits"),
    ("#define PR_X PROP_TAG(PT_LONG, -1)", "does not fit 16 bits"),
    ("#define PR_X PROP_TAG(PT_LONG, 1/0)", "division by zero"),
    ("#define PR_X PROP_TAG(PT_LONG, 1 << 99)", "shift by 99"),
    ("#define PR_X PROP_TAG(PT_LONG, 0x6600) )", "unexpected ')'"),
    ("#define PR_X PROP_TAG(PT_LONG, 09)", "invalid octal"),
    ("#define PR_X PROP_TAG(PT_LONG, 0x66G0)", "found 'G0'"),
    ("#define PR_X PROP_TAG(PT_LONG, sizeof(int))", "unknown identifier sizeof"),
    ("#define PR_X PROP_TAG(PT_LONG, 1.5)", "unexpected character '.'"),
    ("#define PR_X PR_X", "refers to itself"),
    ("#define PR_X PR_UNDEFINED_HERE", "unknown identifier PR_UNDEFINED_HERE"),
    ("#define A B\n#define B A\n#define PR_X PROP_TAG(PT_LONG, A)", "refers to itself"),
])
def test_problems_instead_of_exceptions(text, words):
    doc = read_header(text)
    assert doc.defines == []
    assert len(doc.problems) == 1
    message, line, column = doc.problems[0]
    assert words in message and "PR_X" in message
    assert line >= 1 and column >= 1


def test_problem_points_at_the_offending_token():
    doc = read_header("#define PR_X PROP_TAG(PT_LONG,  BASE_ID + 1)")
    assert doc.problems[0][1:] == (1, 33)


def test_deep_nesting_is_a_problem_not_a_crash():
    deep = "(" * 5000 + "0x6600" + ")" * 5000
    doc = read_header(f"#define PR_X PROP_TAG(PT_LONG, {deep})")
    assert "nested too deeply" in doc.problems[0][0]
    chain = "".join(f"#define M{i} (M{i + 1} + 1)\n" for i in range(300)) + "#define M300 0\n"
    doc = read_header(chain + "#define PR_X PROP_TAG(PT_LONG, M0)")
    assert doc.defines == [] and "nested too deeply" in doc.problems[0][0]
    huge = "9" * 5000
    assert "too large" in read_header(f"#define PR_X PROP_TAG(PT_LONG, {huge})").problems[0][0]


def test_non_text_input():
    doc = read_header(b"#define PR_X PROP_TAG(PT_LONG, 1)")  # type: ignore[arg-type]
    assert doc.defines == [] and doc.problems


def test_decode_header():
    assert H.decode_header(b"\xef\xbb\xbf#define A 1") == "#define A 1"
    assert H.decode_header("#define A 1".encode("utf-16")) == "#define A 1"
    assert H.decode_header(b"// caf\xe9\n") == "// caf\u00e9\n"


# -- properties ------------------------------------------------------------------

_TYPES = sorted(mapi.PT_TYPES)
_blank = st.sampled_from([" ", "  ", "\t", "/* c */", " /*x*/ ", "\\\n", " \\\n  "])
_gap = st.lists(_blank, max_size=2).map("".join)


def _wrap(draw, text: str) -> str:
    for _ in range(draw(st.integers(0, 2))):
        text = "(" + draw(_gap) + text + draw(_gap) + ")"
    return text


@st.composite
def tag_defines(draw):
    """(header text, name, id, type code) with random spelling of one PROP_TAG define."""
    name = "PR_" + draw(st.text(string.ascii_uppercase + "_0123456789", min_size=1, max_size=12))
    type_name = draw(st.sampled_from(_TYPES))
    pid = draw(st.integers(0, 0xFFFF))
    lines = []
    style = draw(st.sampled_from(["hex", "dec", "base", "cast"]))
    suffix = draw(st.sampled_from(["", "u", "U", "L", "UL", "ul"]))
    if style == "hex":
        id_text = f"0x{pid:0{draw(st.integers(1, 6))}{draw(st.sampled_from('xX'))}}{suffix}"
    elif style == "dec":
        id_text = f"{pid}{suffix}" if pid else "0"
    elif style == "base":
        base = draw(st.integers(0, pid))
        lines.append(f"#define MY_BASE {_wrap(draw, hex(base))}")
        id_text = f"MY_BASE{draw(_gap)}+{draw(_gap)}0x{pid - base:X}"
    else:
        id_text = f"(ULONG){draw(_gap)}{pid}"
    type_text = _wrap(draw, type_name)
    id_text = _wrap(draw, id_text)
    macro = draw(st.sampled_from(["PROP_TAG", "PROP_TAG ", "PROP_TAG\t"]))
    value = f"{macro}({draw(_gap)}{type_text}{draw(_gap)},{draw(_gap)}{id_text}{draw(_gap)})"
    value = _wrap(draw, value)
    lead = draw(st.sampled_from(["", " ", "\t", "/* lead */ "]))
    hash_gap = draw(st.sampled_from(["", " ", "  "]))
    trail = draw(st.sampled_from(["", " ", " // done", " /* done */", "\t"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    sep = draw(st.sampled_from([" ", "\t", "  "]))
    lines.append(f"{lead}#{hash_gap}define {name}{sep}{value}{trail}")
    return eol.join(lines) + eol, name, pid, mapi.PT_TYPES[type_name]


@settings(max_examples=300, deadline=None)
@given(tag_defines())
def test_generated_defines_evaluate(case):
    text, name, pid, ptype = case
    doc = read_header(text)
    assert doc.problems == [], text
    (d,) = doc.defines
    assert (d.name, d.prop_id, d.type_code) == (name, pid, ptype), text
    assert d.tag == mapi.prop_tag(ptype, pid)
    line = text.splitlines()[d.line - 1]
    assert line[d.column - 1:d.end_column - 1] == name


_C_BITS = st.sampled_from([
    "#define ", "#", "PROP_TAG", "(", ")", ",", "PT_LONG", "PT_TSTRING", "PR_X", "PR_Y", "BASE", "0x6600",
    "+", "-", "<<", "|", "~", "/*", "*/", "//", "\\\n", "\n", "\r\n", "\r", " ", "\t", "\"", "'", "1",
    "CHANGE_PROP_TYPE", "PROP_ID", "(ULONG)", "#ifdef X", "#else", "#endif", "#undef ", "\ufeff", "\x00",
    "999999999999", "0", "%", "/", "*", "#pragma once",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(_C_BITS, max_size=60).map("".join)))
def test_junk_never_raises(text):
    doc = H._read(text, "<junk>", None)  # unguarded: a crash here is a bug, not hidden by read_header
    for message, line, column in doc.problems:
        assert isinstance(message, str) and line >= 1 and column >= 1
    n_lines = max(len(text.splitlines()), 1)
    for d in doc.defines:
        assert 1 <= d.line <= d.end_line <= n_lines
        assert 0 <= d.prop_id <= 0xFFFF and 0 <= d.type_code <= 0xFFFF
    assert read_header(text).problems == doc.problems
