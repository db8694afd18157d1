"""Inputs shared by the configuration, suppression and output tests.

Each is a sound file plus one fault, so that it gives exactly the findings a
test expects whatever rules the registry holds.
"""

from __future__ import annotations

from .conftest import FIXTURES

STORE_TOML = (FIXTURES / "valid" / "store.toml").read_text(encoding="utf-8")

# What `mapisvc inf fixtures/valid/store.toml --newline lf` generates: no finding.
SOUND_INF = """\
[Services]
CONTOSO_STORE=Contoso Mailbox Store

[CONTOSO_STORE]
PR_DISPLAY_NAME=Contoso Mailbox Store
PR_SERVICE_DLL_NAME=cstore.dll
PR_SERVICE_ENTRY_NAME=ServiceEntry
PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY | SERVICE_PRIMARY_IDENTITY
Providers=CONTOSO_STORE_MS
PR_SERVICE_SUPPORT_FILES=cstore.dll
PR_SERVICE_DELETE_FILES=cstore.dll
PR_SERVICE_INSTALL_ID={6485D26A-C2AC-11D1-AD3E-10A0C911C9C0}
6600001F=mail.contoso.com

[CONTOSO_STORE_MS]
PR_RESOURCE_TYPE=MAPI_STORE_PROVIDER
PR_PROVIDER_DLL_NAME=cstore.dll
PR_RESOURCE_FLAGS=STATUS_DEFAULT_STORE | STATUS_PRIMARY_IDENTITY
PR_DISPLAY_NAME=Contoso Mailbox
PR_PROVIDER_DISPLAY=Contoso Message Store
34140102=5494A1C0297F101BA58708002B2A2517
66020003=01000000
66010003=BB010000
"""


def toml_with(line: str) -> str:
    """The store manifest with ``line`` added to the service table, as line 6."""
    return STORE_TOML.replace("[services.CONTOSO_STORE]\n", "[services.CONTOSO_STORE]\n" + line + "\n", 1)


def inf_with(*lines: str, after: str = "PR_DISPLAY_NAME=Contoso Mailbox\n") -> str:
    """The sound INF with ``lines`` inserted after the line ``after`` (by default line 19,
    so that the first inserted line is line 20)."""
    assert after in SOUND_INF
    return SOUND_INF.replace(after, after + "".join(l + "\n" for l in lines), 1)


# An MS002 at 20:1 (the same key twice, ignoring case) in [CONTOSO_STORE_MS].
DUPLICATE_KEY = "pr_display_name=Contoso Mailbox (old)"
# An MS006 (warning): a '#' comment line holding '='.
HASH_COMMENT = "# PR_RESOURCE_FLAGS=STATUS_DEFAULT_STORE"
