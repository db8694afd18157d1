"""The MAPISVC.INF reader: lossless, tolerant, positioned."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator.engine import lint_bytes
from validator.readers.inf import decode, parse_document, read_inf

SAMPLE = (
    "[Services]\r\n"
    "CONTOSO=Contoso Mail\r\n"
    "\r\n"
    "; a comment\r\n"
    "[CONTOSO]\r\n"
    "Providers=CONTOSO_AB, CONTOSO_MS\r\n"
    "PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY | SERVICE_NO_PRIMARY_IDENTITY\r\n"
    "[CONTOSO_AB]\r\n"
    "PR_PROVIDER_DLL_NAME = contoso.dll \r\n"
    "PR_RESOURCE_TYPE=MAPI_AB_PROVIDER\r\n"
    "66090003=06000000\r\n"
    "[CONTOSO_MS]\r\n"
    "PR_RESOURCE_TYPE=MAPI_STORE_PROVIDER"
)


def codes(data: bytes, path: str = "t.inf") -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint_bytes(data, path).diagnostics]


def test_round_trip_keeps_every_byte():
    data = SAMPLE.encode("cp1252")
    cat, _ = read_inf(data, "t.inf")
    assert cat.inf.to_bytes() == data


@pytest.mark.parametrize("bom,codec", [(b"", "cp1252"), (b"\xef\xbb\xbf", "utf-8"),
                                        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_encodings_round_trip(bom, codec):
    text = SAMPLE.replace("Contoso Mail", "Contoso Mäil")
    data = bom + text.encode(codec)
    decoded, found_codec, found_bom = decode(data)
    assert decoded == text and found_codec == codec and found_bom == bom
    assert parse_document(decoded, found_codec, found_bom).to_bytes() == data


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\r\n"),
                        max_size=30), max_size=12),
       st.sampled_from(["\r\n", "\n", "\r"]), st.booleans())
def test_any_cp1252_text_round_trips(lines, ending, final_newline):
    text = ending.join(lines) + (ending if final_newline and lines else "")
    data = text.encode("cp1252")
    cat, _ = read_inf(data, "t.inf")
    assert cat.inf.to_bytes() == data


def test_model_mapping_and_list_items():
    cat, findings = read_inf(SAMPLE.encode(), "t.inf")
    assert findings == []
    service = cat.services["CONTOSO"]
    assert service.value("display_name") == "Contoso Mail"
    assert [i.value for i in service.items("providers")] == ["CONTOSO_AB", "CONTOSO_MS"]
    assert [i.value for i in service.items("flags")] == ["SERVICE_SINGLE_COPY",
                                                          "SERVICE_NO_PRIMARY_IDENTITY"]
    provider = cat.providers["CONTOSO_AB"]
    assert provider.value("dll") == "contoso.dll"
    assert provider.get("dll").label == "PR_PROVIDER_DLL_NAME"
    assert [s.key for s in provider.settings] == ["66090003"]
    assert set(cat.providers) == {"CONTOSO_AB", "CONTOSO_MS"}


def test_positions_of_keys_values_and_list_items():
    cat, _ = read_inf(SAMPLE.encode(), "t.inf")
    provider = cat.providers["CONTOSO_AB"]
    entry = provider.get("dll")
    key = cat.source.span(entry.loc)
    value = cat.source.span(entry.value_loc)
    assert (key.line, key.column, key.end_column) == (9, 1, 21)
    assert (value.line, value.column, value.end_column) == (9, 24, 35)
    second_flag = cat.services["CONTOSO"].items("flags")[1]
    span = cat.source.span(second_flag.loc)
    assert (span.line, span.column, span.end_column) == (7, 41, 68)
    header = cat.source.span(provider.loc)
    assert (header.line, header.column, header.end_column) == (8, 1, 13)


def test_continuation_line_is_ms001_and_reading_goes_on():
    data = b"[A]\r\nProviders=X,\r\n    Y\r\n[X]\r\nPR_RESOURCE_TYPE=MAPI_AB_PROVIDER\r\n"
    found = codes(data)
    assert ("MS001", 3, 1) in found
    cat, _ = read_inf(data, "t.inf")
    assert "X" in cat.providers


def test_duplicate_key_symbolic_and_hex_is_ms002_at_the_second():
    data = b"[P]\nPR_DISPLAY_NAME=a\npr_display_name=b\n3001001F=c\nPR_RESOURCE_TYPE=MAPI_AB_PROVIDER\n"
    found = [f for f in codes(data) if f[0] == "MS002"]
    assert found == [("MS002", 3, 1), ("MS002", 4, 1)]


def test_duplicate_section_is_ms003_with_related_first():
    result = lint_bytes(b"[A]\nk=v\n[B]\n[a]\n", "t.inf")
    ms003 = [d for d in result.diagnostics if d.code == "MS003"]
    assert [(d.line, d.column) for d in ms003] == [(4, 1)]
    assert ms003[0].related[0][1:3] == (1, 1)


def test_undecodable_byte_is_ms004_at_its_position():
    assert codes(b"[A]\r\nk=ab\x81\r\n") == [("MS004", 2, 5)]


def test_hash_comment_with_equals_is_ms006_warning():
    result = lint_bytes(b"[A]\n  # k=v\n", "t.inf")
    assert [(d.code, d.severity, d.line, d.column) for d in result.diagnostics] == [
        ("MS006", "warning", 2, 3)]


def test_entries_of_a_headerless_fragment_are_read():
    cat, findings = read_inf(b"6600001e=full path to file\n66040003=integer\n", "t.inf")
    assert findings == []
    assert [e.key for e in cat.unknown[""].settings] == ["6600001e", "66040003"]
