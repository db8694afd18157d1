"""MS1xx: the manifest's structure.  :mod:`validator.schema` reports these."""

from . import describe, rule

_MS101_EXPLANATION = """
    ## What it catches
    A manifest object without a member the schema requires (a service's `display_name` or
    `providers`; a provider's `type`, `dll` or `display`; a property's `type`, and its `id` or
    `set`), and in MAPISVC.INF a provider section without `PR_PROVIDER_DLL_NAME`,
    `PR_PROVIDER_DISPLAY` or `PR_RESOURCE_TYPE`, or a service section without `Providers=`.

    ## Why MAPI cares
    MAPI cannot load a provider without its DLL name and resource type, and the provider
    sections page calls PR_PROVIDER_DISPLAY required (mapi-facts §1.7); a service's
    `Providers=` entry is required (§1.6).

    ## Example
    ```toml
    [providers.CONTOSO_MS]
    type = "MAPI_STORE_PROVIDER"
    display = "Contoso Message Store"
    ```

    ## Fix
    ```toml
    [providers.CONTOSO_MS]
    type = "MAPI_STORE_PROVIDER"
    dll = "contoso.dll"
    display = "Contoso Message Store"
    ```
"""


def missing_inf_entries(cat, context):
    # The schema reports MS101 for manifests; MAPISVC.INF has no schema, so the
    # INF part is a check (validator.rules.services.inf_missing_members).
    from .services import inf_missing_members

    return inf_missing_members(cat)


missing_inf_entries.__doc__ = _MS101_EXPLANATION
rule("MS101", "E", "a required member is missing", "MI")(missing_inf_entries)

describe("MS102", "E", "a value has the wrong JSON/TOML type", "M", """
    ## What it catches
    A member whose value is of the wrong type: a number where a string is expected, a string
    where a list is expected (`providers = "A"` instead of `["A"]`), and so on.

    ## Why it matters
    Generators turn each member into MAPISVC.INF text of a fixed shape; a value of
    another type cannot be written as MAPI expects it.

    ## Example
    ```toml
    providers = "CONTOSO_MS"
    ```

    ## Fix
    ```toml
    providers = ["CONTOSO_MS"]
    ```
""")

describe("MS103", "E", "a value is not one of the allowed values or does not have the required form", "M", """
    ## What it catches
    A value that the schema restricts to a set or a pattern, such as a property `id` written
    in JSON as a string that is not `"0x"` followed by hex digits. Unknown PT_ names, flags and
    resource types have their own codes (MS304, MS502, MS501), which say more.

    ## Why it matters
    The header and MAPISVC.INF are generated from these values; one that is not of the
    required form cannot be turned into the tag or entry it stands for.

    ## Example
    ```json
    "id": "6600"
    ```

    ## Fix
    ```json
    "id": "0x6600"
    ```
""")

describe("MS104", "E", "an unknown member (misspelt key)", "M", """
    ## What it catches
    A member the manifest format does not define, usually a typo. The message suggests the
    closest known member. Settings that go into MAPISVC.INF belong in `settings`.

    ## Why it matters
    An unknown member is silently ignored by generators: the setting you meant never reaches
    MAPISVC.INF.

    ## Example
    ```toml
    [providers.CONTOSO_MS]
    dispaly = "Contoso Message Store"
    ```

    ## Fix
    ```toml
    display = "Contoso Message Store"
    ```
""")

describe("MS105", "E", "a value outside the schema's bounds", "M", """
    ## What it catches
    A value outside the bounds the format itself sets: an empty string where a name is
    needed, a property `id` above 0xFFFF, a negative `max_length`.

    ## Why it matters
    A property ID is 16 bits of a 32-bit tag (mapi-facts §2.1), and an empty DLL or display
    name leaves MAPI nothing to load or show.

    ## Example
    ```toml
    dll = ""
    ```

    ## Fix
    ```toml
    dll = "contoso.dll"
    ```
""")

describe("MS106", "E", "an unsupported or missing manifest version", "M", """
    ## What it catches
    A manifest without `manifest_version`, or with a version this mapisvc does not read.
    The only version so far is 1.

    ## Why it matters
    The version says how every other member is to be read; guessing it would turn a
    newer manifest's meaning into something else without a word.

    ## Example
    ```toml
    manifest_version = 2
    ```

    ## Fix
    ```toml
    manifest_version = 1
    ```
""")
