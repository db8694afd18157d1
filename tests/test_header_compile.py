"""The generated header compiles against the real MAPI headers (mingw-w64's).

Each fixture's header is compiled with ``x86_64-w64-mingw32-gcc -fsyntax-only``
together with static assertions that every tag and constant has the manifest's
value.  Without the cross compiler the test skips (fails under CI=true, where
``.ci/run`` installs ``gcc-mingw-w64-x86-64-win32``).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import FIXTURES, need
from validator.generate.header import generate, tag_value
from validator.generate.manifest import load

COMPILER = "x86_64-w64-mingw32-gcc"
FIXTURE_FILES = sorted((FIXTURES / "valid").glob("*.toml")) + sorted((FIXTURES / "valid").glob("*.json"))


def _assertions(cat) -> list[str]:
    out = []
    for name, prop in cat.properties.items():
        tag = tag_value(prop)
        if tag is None:
            continue
        out.append(f'_Static_assert({name} == 0x{tag:08X}u, "{name} is 0x{tag:08X}");')
        for member in ("values", "flags"):
            for const, value in (prop.value(member) or {}).items():
                out.append(f'_Static_assert({const} == {value}, "{const} is {value}");')
    return out


def _compile(tmp_path, header: str, assertions: list[str],
             defines: tuple = ("-DUNICODE", "-D_UNICODE")) -> subprocess.CompletedProcess:
    (tmp_path / "generated.h").write_text(header, encoding="utf-8")
    source = tmp_path / "check.c"
    source.write_text("#include <windows.h>\n#include <mapidefs.h>\n#include \"generated.h\"\n"
                      "#include \"generated.h\"\n"  # the include guard works
                      + "\n".join(assertions) + "\n", encoding="utf-8")
    command = [COMPILER, "-fsyntax-only", "-std=c11", "-Wall", "-Wextra", "-Werror",
               *defines, str(source)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_header_compiles_with_the_manifest_values(tmp_path, path):
    need(shutil.which(COMPILER) is not None,
         f"{COMPILER} is not installed (Debian: gcc-mingw-w64-x86-64-win32)")
    cat = load(path)
    assertions = _assertions(cat)
    assert assertions, "every fixture declares properties"
    result = _compile(tmp_path, generate(cat), assertions)
    assert result.returncode == 0, result.stderr


def test_a_wrong_tag_does_not_compile(tmp_path):
    """The static assertions have teeth: a tag off by one fails the build."""
    need(shutil.which(COMPILER) is not None,
         f"{COMPILER} is not installed (Debian: gcc-mingw-w64-x86-64-win32)")
    cat = load(FIXTURES / "valid" / "store.toml")
    wrong = [a.replace("0x66010003u", "0x66010004u") for a in _assertions(cat)]
    result = _compile(tmp_path, generate(cat), wrong)
    assert result.returncode != 0 and "PR_CSTORE_PORT" in result.stderr


def test_every_type_and_awkward_text_compiles(tmp_path):
    need(shutil.which(COMPILER) is not None,
         f"{COMPILER} is not installed (Debian: gcc-mingw-w64-x86-64-win32)")
    from ._inf_strategies import catalogue
    from validator.generate.inf import PT_CODES

    props = {}
    for index, type_name in enumerate(sorted(n for n in PT_CODES
                                             if n not in ("PT_ERROR", "PT_OBJECT", "PT_NULL",
                                                          "PT_UNSPECIFIED"))):
        props[f"PR_T_{type_name[3:]}"] = {"id": 0x6600 + index, "type": type_name,
                                          "description": "ends a comment */ and /* starts one\\"}
    props["PR_T_ENUM"] = {"id": 0x6700, "type": "PT_LONG", "values": {"T_NEG": -5, "T_BIG": 2**31 - 1},
                          "default": "T_NEG", "pattern": "a*/b"}
    props["PR_T_I8_FLAGS"] = {"id": 0x6701, "type": "PT_I8", "flags": {"T_HIGH": 2**40}}
    props["PR_T_NAMED"] = {"set": "PS_PUBLIC_STRINGS", "name": "x*/y", "type": "PT_LONG"}
    cat = catalogue({"manifest_version": 1, "properties": props})
    header = generate(cat)
    assert "PR_T_NAMED" not in [line.split()[1] for line in header.splitlines()
                                if line.startswith("#define")]
    result = _compile(tmp_path, header, _assertions(cat) + [
        "_Static_assert(T_NEG == -5, \"neg\");", "_Static_assert(T_HIGH == 0x10000000000LL, \"i8\");"])
    assert result.returncode == 0, result.stderr
    # PT_TSTRING follows UNICODE, like every MAPI header: an ANSI build compiles too
    narrow = (props["PR_T_TSTRING"]["id"] << 16) | 0x1E
    ansi = _compile(tmp_path, header, [f'_Static_assert(PR_T_TSTRING == 0x{narrow:08X}u, "a");'], ())
    assert ansi.returncode == 0, ansi.stderr
