"""MS7xx: generated artefacts.  ``mapisvc header --check`` and ``mapisvc inf --check`` report these."""

from . import describe

describe("MS701", "E", "a public header that differs from what 'mapisvc header' generates", "H", """
    ## What it catches
    `mapisvc header MANIFEST --check FILE` found a line where FILE differs from the header
    the manifest generates: a property added, renamed or retyped in the manifest but not in
    the header, a changed enumeration or flag constant, an edited comment. Line endings do
    not count; every other character does (the generated header is deterministic: same
    manifest, same bytes).

    ## Why MAPI cares
    MAPI asks every message service to publish a header with the tag and the valid values
    of each custom property it supports (mapi-facts §5.1): clients configure the service
    through it without UI. A header that lags behind the manifest hands them the wrong
    tags, and a wrong tag is silently a different property.

    ## Example
    The manifest says `id = 0x6601` for `PR_CONTOSO_PORT`, the header still has:
    ```c
    #define PR_CONTOSO_PORT PROP_TAG(PT_LONG, 0x6605)
    ```

    ## Fix
    Regenerate it: `mapisvc header contoso.toml -o contoso.h` (the `mapisvc-header`
    pre-commit hook does this check on every commit). For a hand-written header, use
    `mapisvc check --header FILE` instead, which compares only the `#define`s (MS702).
""")

describe("MS703", "E", "a MAPISVC.INF fragment that differs from what 'mapisvc inf' generates", "I", """
    ## What it catches
    `mapisvc inf MANIFEST --check FILE` found that FILE says something else than the INF
    sections the manifest generates: a section or entry missing or extra, or a value that
    differs. The comparison is the one MAPI would make: section names and keys ignoring
    case, a tag name and its hex form as one key (`PR_MDB_PROVIDER` = `34140102`), flags
    in any order and spacing, list items trimmed, hex digits in either case, GUIDs braced
    or in MAPI byte order. Comments, blank lines and the order of sections and entries do
    not count. A service section without PR_DISPLAY_NAME counts as having its `[Services]`
    name there (installers pass that name to CreateMsgService; [DERIVED], mapi-facts
    §1.3/§1.6), and an empty section counts as absent.

    ## Why MAPI cares
    MAPISVC.INF is what MAPI copies into every new profile (mapi-facts §1.1): a fragment
    that lags behind the manifest installs a service other than the one you tested and
    documented, e.g. an old DLL name or a PT_LONG setting with a stale value.

    ## Example
    The manifest says `PR_CONTOSO_PORT = 443`, the committed fragment has:
    ```ini
    [CONTOSO_MS]
    66010003=50000000
    ```

    ## Fix
    Regenerate the fragment: `mapisvc inf contoso.toml -o contoso.inf` (the `mapisvc-inf`
    pre-commit hook runs the check), or merge it into a real file with `mapisvc install`.
""")
