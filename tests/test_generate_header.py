"""mapisvc header: guard, tags, constants, a comment of valid values per property; --check (MS701)."""

from __future__ import annotations

import pytest

from ._inf_strategies import catalogue
from .conftest import FIXTURES
from validator.generate.header import generate
from validator.generate.manifest import load

MULTI = FIXTURES / "valid" / "multi.toml"


def test_header_content():
    text = generate(load(MULTI))
    lines = text.splitlines()
    assert lines[1:3] == ["#ifndef MAPISVC_CONTOSO_H", "#define MAPISVC_CONTOSO_H"]
    assert lines[-1] == "#endif /* MAPISVC_CONTOSO_H */"
    assert "#define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6601)" in lines
    assert "#define CONTOSO_CACHE_ON ((ULONG) 1)" in lines
    assert "#define CONTOSO_SYNC_CAL ((ULONG) 0x00000002)" in lines
    port = text[text.index(" * PR_CONTOSO_PORT"):text.index("#define PR_CONTOSO_PORT")]
    assert "TCP port of the Contoso server." in port
    assert "Range: 1 to 65535. Default: 443." in port
    assert "At most 255 characters." in text
    assert "One of: CONTOSO_CACHE_OFF (0), CONTOSO_CACHE_ON (1)." in text
    password = text[text.index(" * PR_CONTOSO_PASSWORD"):]
    assert "Secure:" in password
    assert "\r" not in text


def test_header_is_deterministic_and_the_same_from_toml_and_json():
    toml_text = generate(load(MULTI), "multi")
    assert toml_text == generate(load(MULTI), "multi")
    assert generate(load(FIXTURES / "valid" / "multi.json"), "multi") == toml_text


def test_comment_text_cannot_end_the_comment():
    cat = catalogue({"manifest_version": 1, "properties": {
        "PR_X_A": {"id": 0x6600, "type": "PT_STRING8", "description": "a */ b\nsecond line",
                   "default": "q\"*/"}}})
    text = generate(cat)
    body = text[text.index("/*\n"):text.index("#define PR_X_A")]
    assert body.count("*/") == 1 and body.rstrip().endswith("*/")
    assert " * second line" in body


def test_cli_header_and_check(cli, tmp_path):
    out = tmp_path / "contoso.h"
    assert cli("header", MULTI, "-o", out).code == 0
    assert cli("header", MULTI, "--check", out).code == 0
    # line endings do not count
    out.write_bytes(out.read_bytes().replace(b"\n", b"\r\n"))
    assert cli("header", MULTI, "--check", out).code == 0
    out.write_text(out.read_text().replace("0x6601)", "0x6605)"))
    result = cli("header", MULTI, "--check", out)
    assert result.code == 1
    line = next(i for i, l in enumerate(out.read_text().splitlines(), 1) if "0x6605" in l)
    assert result.out.startswith(f"{out}:{line}:1: MS701 header differs from the generated one:"
                                 " is '#define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6605)',"
                                 " generated: '#define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6601)'")


def test_cli_header_to_stdout(cli):
    result = cli("header", MULTI)
    assert result.code == 0 and result.out == generate(load(MULTI))


@pytest.mark.parametrize("content", [b"\xff\xfe\x00", None])
def test_cli_header_check_errors_are_one_line(cli, tmp_path, content):
    target = tmp_path / "h.h"
    if content is not None:
        target.write_bytes(content)
    result = cli("header", MULTI, "--check", target)
    assert result.code == 2 and result.err.count("\n") == 1 and "Traceback" not in result.err


@pytest.mark.parametrize("kind", ["store", "ab", "transport"])
def test_new_manifest_passes_check(cli, tmp_path, kind):
    out = tmp_path / f"{kind}.toml"
    assert cli("new", f"--{kind}", "Northwind", "-o", out).code == 0
    result = cli("check", out, "--format", "json")
    assert result.json()["findings"] == [], result.out
    assert result.code == 0
    # and it generates: an INF and a header
    assert cli("inf", out).code == 0
    assert "#define PR_NORTHWIND_SERVER PROP_TAG(PT_UNICODE, 0x6600)" in cli("header", out).out
    # repeatable
    assert cli("new", f"--{kind}", "Northwind").out == out.read_text()


def test_new_rejects_a_name_mapisvc_inf_cannot_carry(cli):
    result = cli("new", "--store", "Bad Name]")
    assert result.code == 2 and "cannot name a service" in result.err


GENERATED = FIXTURES / "generated"


def test_committed_header_is_fresh_and_the_stale_one_is_ms701(cli):
    store = FIXTURES / "valid" / "store.toml"
    assert cli("header", store, "--check", GENERATED / "store.h").code == 0
    stale = cli("header", store, "--check", GENERATED / "MS701-stale-store.h")
    assert stale.code == 1
    line = next(i for i, l in enumerate((GENERATED / "MS701-stale-store.h").read_text().splitlines(), 1)
                if "0x6605" in l)
    assert stale.out.splitlines()[0].startswith(f"{GENERATED / 'MS701-stale-store.h'}:{line}:1: MS701 ")
    assert len(stale.out.splitlines()) == 1
