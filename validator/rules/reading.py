"""MS0xx: reading the input.  Readers report these; the registry documents them."""

from . import describe

describe("MS001", "E", "syntax error: not valid TOML/JSON, or an INF line that is no header, entry, comment or blank", "MIH", """
    ## What it catches
    Text the reader cannot parse: invalid TOML or JSON (reported at the first offending
    character), and in MAPISVC.INF any line that is not a `[section]` header, a `key=value`
    entry, a `;` comment or blank — typically a value wrapped onto a continuation line, or an
    entry that lost its `=`. Reading an INF file goes on after such a line.

    ## Why MAPI cares
    MAPI reads MAPISVC.INF with the Windows INI functions (mapi-facts §1.2), which silently
    ignore lines they cannot parse: the setting you meant is simply not there when a profile
    is created.

    ## Example
    ```ini
    [CONTOSO]
    Providers=CONTOSO_MS,
        CONTOSO_AB
    ```

    ## Fix
    ```ini
    [CONTOSO]
    Providers=CONTOSO_MS, CONTOSO_AB
    ```
""")

describe("MS002", "E", "the same key twice in one JSON object or one INF section", "MI", """
    ## What it catches
    A key written twice in one JSON object, or twice in one MAPISVC.INF section. INF keys
    compare ignoring case, and a tag name and its hex form are one key:
    `PR_DISPLAY_NAME` and `3001001E` both set property 0x3001.

    ## Why MAPI cares
    The INI reader returns the first of two equal keys and ignores the rest; which one
    "wins" in JSON depends on the reader. Either way one of your values is silently lost
    (mapi-facts §1.2; MAPI's behaviour with duplicates is UNCONFIRMED, so mapisvc rejects
    them rather than guess).

    ## Example
    ```ini
    [CONTOSO_MS]
    PR_DISPLAY_NAME=Contoso Mailbox
    3001001E=Contoso Store
    ```

    ## Fix
    Keep one of the two entries.
""")

describe("MS003", "E", "two sections, services or providers whose names are equal ignoring case", "MI", """
    ## What it catches
    Two MAPISVC.INF sections with the same name ignoring case, or, in a manifest, a service,
    provider or extra section whose name equals another's ignoring case (they all become
    sections of one INF file).

    ## Why MAPI cares
    MAPI matches section names case-insensitively (KB Q247085 lists `ems_dsa` for the section
    `[EMS_DSA]`; mapi-facts §1.2, [DERIVED]); two such sections are one section to MAPI and
    the second is never read.

    ## Example
    ```toml
    [services.CONTOSO]
    [providers.Contoso]
    ```

    ## Fix
    Rename one of them: `[providers.CONTOSO_MS]`.
""")

describe("MS004", "E", "bytes that cannot be decoded", "MIH", """
    ## What it catches
    A manifest that is not UTF-8, or a MAPISVC.INF file whose bytes are not valid in its
    encoding: UTF-8 or UTF-16 when it starts with a byte-order mark, Windows-1252 otherwise
    (bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined there). Binary files land here too.

    ## Why MAPI cares
    MAPI reads MAPISVC.INF through the ANSI code page (mapi-facts §1.2); text it cannot
    decode becomes names and paths that do not exist.

    ## Example
    A MAPISVC.INF saved by an editor as UTF-8 without a byte-order mark, holding
    `PR_DISPLAY_NAME=Contoso Mail` followed by byte 0x81 (undefined in Windows-1252).

    ## Fix
    Save the manifest as UTF-8; save MAPISVC.INF as Windows-1252 (or UTF-16 with a BOM).
""")

describe("MS005", "E", "input over a limit: file size, nesting depth, number of entries", "MIH", """
    ## What it catches
    Input larger than mapisvc's limits: file size, nesting depth of a manifest, number of
    entries. The defaults are far above any real message service; they exist so that a
    linter in a pre-commit hook never hangs or exhausts memory on a stray file.

    ## Why it matters
    A real MAPISVC.INF holds a few dozen sections and a manifest a few hundred
    properties; input far beyond that is a generated or stray file, and reading it
    whole would stall every commit.

    ## Example
    ```json
    {"manifest_version": 1, "services": [[[[[[[[ … nested 100,000 deep … ]]]]]]]]}
    ```

    ## Fix
    Check that the file is what you meant to lint; raise the limit in configuration if it is.
""")

describe("MS006", "W", "a '#' comment line that contains '='", "I", """
    ## What it catches
    A MAPISVC.INF line starting with `#` that contains `=`.

    ## Why MAPI cares
    The Windows INI convention for comments is `;`. Which comment characters Microsoft's
    MAPISVC.INF reader accepts is UNCONFIRMED (mapi-facts §1.2): a `#` line with `=` may be
    read as an entry whose key starts with `#`. mapisvc treats it as a comment and warns.

    ## Example
    ```ini
    # PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY
    ```

    ## Fix
    ```ini
    ; PR_RESOURCE_FLAGS=SERVICE_SINGLE_COPY
    ```
""")
