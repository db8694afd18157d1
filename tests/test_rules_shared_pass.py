"""The MS3xx/MS4xx rules share one pass per catalogue: it must never leak between files."""

from __future__ import annotations

import gc

from validator import engine
from validator.readers.manifest import read_manifest

DUPLICATE_ID = b"""manifest_version = 1
[properties.PR_CONTOSO_SERVER]
id = 0x6600
type = "PT_UNICODE"
description = "Server."

[properties.PR_CONTOSO_PORT]
id = 0x6600
type = "PT_LONG"
description = "Port."
"""

CLEAN = DUPLICATE_ID.replace(b"id = 0x6600\ntype = \"PT_LONG\"", b"id = 0x6601\ntype = \"PT_LONG\"")


def codes(data: bytes, context: engine.Context, name: str = "m.toml") -> list[str]:
    return [d.code for d in engine.lint_bytes(data, name, context=context).diagnostics]


def test_each_catalogue_gets_its_own_declarations():
    context = engine.Context()
    assert codes(DUPLICATE_ID, context) == ["MS301"]
    assert codes(CLEAN, context) == []  # not the previous file's declarations
    assert codes(DUPLICATE_ID, context) == ["MS301"]
    assert codes(DUPLICATE_ID.decode().replace("\n", "\r\n").encode(), engine.Context()) == ["MS301"]


def test_a_manifest_member_named_define_is_no_header_define():
    # A header's Property carries its TagDefine in a `define` member; a manifest's
    # `define` is only an unknown member (MS104), not a reason to crash.
    data = b'manifest_version = 1\n[properties.PR_CONTOSO_X]\nid = 0x6600\ntype = "PT_LONG"\n' \
           b'description = "X."\ndefine = 3\n'
    assert codes(data, engine.Context()) == ["MS104"]


def test_reading_leaves_the_collector_as_it_was():
    text = CLEAN.decode()
    assert gc.isenabled()
    read_manifest(text, "m.toml", "toml")
    assert gc.isenabled()
    gc.disable()
    try:
        read_manifest(text, "m.toml", "toml")
        assert not gc.isenabled()
    finally:
        gc.enable()
