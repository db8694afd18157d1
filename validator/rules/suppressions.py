"""MS007: suppression comments.  :mod:`validator.suppress` reports it; the registry documents it."""

from . import describe

describe("MS007", "W", "a suppression comment that names an unknown code, no code, or (with --report-unused-ignores) suppresses nothing", "MIH", """
    ## What it catches
    A `mapisvc: ignore[...]` or `mapisvc: ignore-file[...]` comment that names a code mapisvc
    does not have (reported always), that names no code at all, or — with
    `--report-unused-ignores` — that names a code with no finding to suppress: on the line it
    covers, or anywhere in the file for `ignore-file`.

    ## Why it matters
    This is about mapisvc itself, not MAPI. A suppression outlives the fault it was written
    for: once the fault is fixed, the stale comment would silently hide the next fault of
    that kind on the same line. A misspelt code suppresses nothing while looking as if it
    did. (ruff's RUF100 does the same for `# noqa`.)

    ## Example
    ```toml
    [properties.PR_CONTOSO_SERVER]  # mapisvc: ignore[MS313]
    ```
    (the name follows the convention, so MS313 never fires here)

    ## Fix
    Delete the directive, or the stale code in it. In MAPISVC.INF the directive is a comment
    line directly above the entry (`; mapisvc: ignore[MS603]`), because INF entries cannot
    carry a trailing comment.
""")
