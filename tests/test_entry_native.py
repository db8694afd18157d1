"""The generated value checks agree with the manifest: C and Python judge the same values alike.

``<dll>_settings.c`` needs only ``SPropValue``, the PT_ codes and a few integer
types, so it is compiled here for the host with plain ``gcc`` against a small
shim (tests/native_shim/) standing in for ``windows.h``/``mapidefs.h``: the
cross-compiled DLL cannot run here (no Windows, no wine).  The same file is
compiled with the real mingw-w64 MAPI headers by tests/test_dll.py, so the
shim's field names are checked against MAPI's.  For every property of every
fixture (and a manifest that uses every kind of constraint), boundary and
off-by-one values go through both ``MapisvcCheckProps`` and
:func:`validator.generate.c_entry.judge_value`; both must accept and reject
the same ones.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

try:  # tests/ is a package on some branches, a plain folder on others
    from .conftest import FIXTURES, need
except ImportError:
    from .conftest import FIXTURES, need
from validator.engine import read
from validator.generate import c_entry
from validator.generate.c_entry import MV_FLAG, PT_I2, PT_I8, PT_LONG, PT_STRING8, PT_UNICODE

SHIM = Path(__file__).resolve().parent / "native_shim"  # stand-ins for windows.h, mapidefs.h, …

# Every kind of constraint the manifest has, on every integer width and both string widths.
RICH = """\
manifest_version = 1

[services.RICH]
display_name = "Rich"
dll = "rich.dll"
entry = "ServiceEntry"
flags = ["SERVICE_NO_PRIMARY_IDENTITY"]
providers = ["RICH_MS"]
settings = { PR_RICH_LEVEL = -3, PR_RICH_NAME = "x" }

[providers.RICH_MS]
type = "MAPI_STORE_PROVIDER"
dll = "rich.dll"
display = "Rich Store"
settings = { PR_RICH_BIG = ["RICH_BIG_LOW", "RICH_BIG_HIGH"], PR_RICH_MODE = "RICH_MODE_B" }

[properties.PR_RICH_LEVEL]
id = 0x6600
type = "PT_I2"
description = "Level."
minimum = -5
maximum = 7

[properties.PR_RICH_NAME]
id = 0x6601
type = "PT_STRING8"
description = "Name."
max_length = 4

[properties.PR_RICH_BIG]
id = 0x6602
type = "PT_I8"
description = "Big flags."
flags = { RICH_BIG_LOW = 0x1, RICH_BIG_HIGH = 0x4000000000000000 }

[properties.PR_RICH_MODE]
id = 0x6603
type = "PT_LONG"
description = "Mode."
values = { RICH_MODE_A = -2, RICH_MODE_B = 5, RICH_MODE_C = 2147483647 }

[properties.PR_RICH_HOSTS]
id = 0x6604
type = "PT_MV_UNICODE"
description = "Hosts."
max_length = 3
default = []

[properties.PR_RICH_PORTS]
id = 0x6605
type = "PT_MV_LONG"
description = "Ports."
minimum = 1
maximum = 65535
default = []

[properties.PR_RICH_WIDE]
id = 0x6606
type = "PT_UNICODE"
description = "Wide text."
max_length = 2

[properties.PR_RICH_MASK]
id = 0x6607
type = "PT_LONG"
description = "Mask with the top bit."
flags = { RICH_MASK_TOP = 0x80000000, RICH_MASK_ONE = 0x1 }
"""


def _manifests(tmp_path: Path) -> list[Path]:
    rich = tmp_path / "rich.toml"
    rich.write_text(RICH, encoding="utf-8")
    return sorted((FIXTURES / "valid").glob("*.toml")) + [rich]


def _catalogue(path: Path):
    cat, findings, _ = read(path.read_bytes(), str(path), "toml")
    assert cat is not None, findings
    return cat


def _int_candidates(info: c_entry.PropInfo, bits: int) -> set[int]:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    values = {0, 1, -1, low, high}
    for bound in (info.minimum, info.maximum):
        if bound is not None:
            values |= {bound - 1, bound, bound + 1}
    for value in (info.values or {}).values():
        values |= {value - 1, value, value + 1}
    if info.flags:
        mask = info.flag_mask
        values |= {mask, mask | (mask << 1)}
        for bit in info.flags.values():
            values |= {bit, bit << 1}
    # Flag values such as 0x80000000 are written unsigned: the C value is its signed image.
    signed = {((v + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1)) for v in values}
    return {v for v in signed if low <= v <= high}


def _str_candidates(info: c_entry.PropInfo, wide: bool) -> list[str]:
    limit = info.max_length if info.max_length is not None else 3
    texts = ["", "a" * limit, "a" * (limit + 1), "é" * limit, "é" * (limit + 1)]
    if wide:
        texts += ["\U0001F600" * (limit // 2), "\U0001F600" * (limit // 2) + "a" * (limit % 2 + 1)]
    return texts


def cases(info: c_entry.PropInfo) -> list[tuple[int, object]]:
    """(type the client sends, value): right type and wrong, in range and just out."""
    out: list[tuple[int, object]] = []
    base, multi = info.base_type, info.multi
    if base in c_entry.INTEGER_TYPES:
        ints = sorted(_int_candidates(info, c_entry.INTEGER_TYPES[base]))
        if multi:
            out += [(info.ptype, [v]) for v in ints] + [(info.ptype, []), (info.ptype, ints[:3])]
            out.append((base, ints[0]))  # single value for a multi-valued property
        else:
            out += [(base, v) for v in ints]
            out += [(base | MV_FLAG, [ints[0]])]
        for other in c_entry.INTEGER_TYPES:
            if other != base:
                out.append((other | (info.ptype & MV_FLAG), [1] if multi else 1))
        out.append((PT_UNICODE, "1"))
    elif base in c_entry.STRING_TYPES:
        for given in c_entry.STRING_TYPES:
            texts = _str_candidates(info, given == PT_UNICODE)
            if multi:
                out += [(given | MV_FLAG, [t]) for t in texts]
                out += [(given | MV_FLAG, texts[:2]), (given | MV_FLAG, [])]
            else:
                out += [(given, t) for t in texts]
        out.append((PT_LONG, 1))
    return out


def _c_value(var: str, ptype: int, value, decls: list[str]) -> list[str]:
    """C statements that set SPropValue ``var`` to ``value`` of type ``ptype``."""
    base = ptype & ~MV_FLAG
    lines = [f"{var}.ulPropTag = (ULONG) 0x{ptype:04X} | (tag & 0xFFFF0000u);"]
    n = len(decls)
    if ptype & MV_FLAG:
        items = value
        count = len(items)
        if base == PT_I2:
            decls.append(f"static short a{n}[] = {{ {', '.join(map(str, items)) or '0'} }};")
            lines.append(f"{var}.Value.MVi.cValues = {count}; {var}.Value.MVi.lpi = a{n};")
        elif base == PT_LONG:
            decls.append(f"static LONG a{n}[] = {{ {', '.join(map(str, items)) or '0'} }};")
            lines.append(f"{var}.Value.MVl.cValues = {count}; {var}.Value.MVl.lpl = a{n};")
        elif base == PT_I8:
            decls.append(f"static LARGE_INTEGER a{n}[{max(count, 1)}];")
            lines.append(f"{var}.Value.MVli.cValues = {count}; {var}.Value.MVli.lpli = a{n};")
            lines += [f"a{n}[{i}].QuadPart = {c_entry._c_int64(v)};" for i, v in enumerate(items)]
        elif base == PT_STRING8:
            names = []
            for i, text in enumerate(items):
                decls.append(f"static char s{n}_{i}[] = {c_entry.c_string(text)};")
                names.append(f"s{n}_{i}")
            decls.append(f"static LPSTR a{n}[] = {{ {', '.join(names) or 'NULL'} }};")
            lines.append(f"{var}.Value.MVszA.cValues = {count}; {var}.Value.MVszA.lppszA = a{n};")
        else:
            names = []
            for i, text in enumerate(items):
                decls.append(f"static WCHAR w{n}_{i}[] = {c_entry.c_wstring(text)};")
                names.append(f"w{n}_{i}")
            decls.append(f"static LPWSTR a{n}[] = {{ {', '.join(names) or 'NULL'} }};")
            lines.append(f"{var}.Value.MVszW.cValues = {count}; {var}.Value.MVszW.lppszW = a{n};")
        return lines
    if base == PT_I2:
        lines.append(f"{var}.Value.i = {value};")
    elif base == PT_LONG:
        lines.append(f"{var}.Value.l = {value if value != -(1 << 31) else '(-2147483647 - 1)'};")
    elif base == PT_I8:
        lines.append(f"{var}.Value.li.QuadPart = {c_entry._c_int64(value)};")
    elif base == PT_STRING8:
        decls.append(f"static char s{n}[] = {c_entry.c_string(value)};")
        lines.append(f"{var}.Value.lpszA = s{n};")
    else:
        decls.append(f"static WCHAR w{n}[] = {c_entry.c_wstring(value)};")
        lines.append(f"{var}.Value.lpszW = w{n};")
    return lines


def _harness(header: str, service: str, rows: list[tuple[int, int, object]]) -> str:
    decls: list[str] = []
    body: list[str] = []
    for index, (tag, ptype, value) in enumerate(rows):
        body.append("    {")
        body.append(f"        ULONG tag = 0x{tag:08X}u;")
        body += ["        " + line for line in _c_value("v", ptype, value, decls)]
        body.append(f'        printf("%d\\n", MapisvcCheckProps(&MapisvcService_{service}, 1, &v,'
                    " NULL) == S_OK);")
        body.append("    }")
    return "\n".join([f'#include "{header}"', "#include <stdio.h>", "#include <string.h>",
                      *decls, "int main(void)", "{", "    SPropValue v;",
                      "    memset(&v, 0, sizeof(v));", *body, "    return 0;", "}", ""])


@pytest.fixture(scope="module")
def host_cc() -> str:
    compiler = shutil.which("gcc") or shutil.which("cc")
    need(compiler is not None, "no host C compiler (gcc) to run the generated checks natively")
    return compiler


def test_generated_checks_agree_with_python(tmp_path: Path, host_cc: str) -> None:
    compared = 0
    kinds_seen: set[int] = set()
    for manifest in _manifests(tmp_path):
        cat = _catalogue(manifest)
        props = c_entry.properties(cat)
        tabled = {info.name for service in cat.services.values()
                  for info, _ in c_entry.service_plan(cat, service, props).props}
        assert tabled == set(props), f"{manifest.name}: properties missing from every table"
        for plan in c_entry.dll_plans(cat):
            if not plan.services:
                continue
            out = tmp_path / manifest.stem / plan.base
            out.mkdir(parents=True)
            for service in plan.services:
                sp = c_entry.service_plan(cat, service, props)
                rows: list[tuple[int, int, object]] = []
                expected: list[bool] = []
                for info, _ in sp.props:
                    kinds_seen.add(info.ptype)
                    for ptype, value in cases(info):
                        rows.append((info.tag, ptype, value))
                        expected.append(c_entry.judge_value(info, ptype, value))
                # A tag the manifest does not declare is rejected whatever its value.
                rows.append((0x66FF0003, PT_LONG, 1))
                expected.append(False)
                files = c_entry.generate(cat, manifest.name)
                for name in (f"{plan.base}_settings.h", f"{plan.base}_settings.c"):
                    (out / name).write_text(files[name][0], encoding="utf-8")
                harness = out / f"run_{service.name}.c"
                ident = c_entry.unique_idents([s.name for s in plan.services])[service.name]
                harness.write_text(_harness(f"{plan.base}_settings.h", ident, rows))
                binary = out / f"run_{service.name}"
                build = subprocess.run(
                    [host_cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function",
                     "-I", str(SHIM), "-I", str(out), "-o", str(binary), str(harness),
                     str(out / f"{plan.base}_settings.c")], capture_output=True, text=True)
                assert build.returncode == 0, build.stderr
                ran = subprocess.run([str(binary)], capture_output=True, text=True, timeout=30)
                assert ran.returncode == 0, ran.stderr
                got = [line == "1" for line in ran.stdout.split()]
                assert len(got) == len(rows)
                disagree = [(f"0x{tag:08X}", f"0x{ptype:04X}", value, py)
                            for (tag, ptype, value), py, c in zip(rows, expected, got) if py != c]
                assert not disagree, f"{manifest.name} {service.name}: C and Python differ on {disagree}"
                assert any(expected) and not all(expected)
                compared += len(rows)
    assert compared > 250
    assert {PT_I2, PT_I8, PT_LONG, PT_STRING8, PT_UNICODE, PT_LONG | MV_FLAG,
            PT_UNICODE | MV_FLAG} <= kinds_seen


def test_judge_follows_the_manifest() -> None:
    cat, _, _ = read(RICH.encode(), "rich.toml", "toml")
    props = c_entry.properties(cat)
    level, name, big, mode = (props[n] for n in ("PR_RICH_LEVEL", "PR_RICH_NAME", "PR_RICH_BIG",
                                                "PR_RICH_MODE"))
    assert c_entry.judge_value(level, PT_I2, -5) and not c_entry.judge_value(level, PT_I2, -6)
    assert c_entry.judge_value(level, PT_I2, 7) and not c_entry.judge_value(level, PT_I2, 8)
    assert not c_entry.judge_value(level, PT_LONG, 1)  # the declared type, not a wider one
    assert c_entry.judge_value(name, PT_STRING8, "abcd") and not c_entry.judge_value(name, PT_STRING8, "abcde")
    assert c_entry.judge_value(name, PT_UNICODE, "abcd")  # either string width
    assert c_entry.judge_value(big, PT_I8, 0x4000000000000001)
    assert not c_entry.judge_value(big, PT_I8, 2)
    assert c_entry.judge_value(mode, PT_LONG, -2) and not c_entry.judge_value(mode, PT_LONG, 0)
    hosts = props["PR_RICH_HOSTS"]
    assert c_entry.judge_value(hosts, PT_UNICODE | MV_FLAG, ["abc", ""])
    assert not c_entry.judge_value(hosts, PT_UNICODE | MV_FLAG, ["abcd"])
    assert not c_entry.judge_value(hosts, PT_UNICODE | MV_FLAG, ["\U0001F600\U0001F600"])  # 4 UTF-16 units
    assert not c_entry.judge_value(hosts, PT_UNICODE, "abc")  # single value for a multi-valued one
