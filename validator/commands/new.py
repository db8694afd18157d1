"""``mapisvc new``: a starting manifest for a store, address-book or transport service.

The manifest passes ``mapisvc check`` with no finding: one service, one
provider, one documented custom property with a setting.  GUIDs that must be
the vendor's own (the store type, the address book's MAPIUID) are derived from
NAME (a UUID-5), so the output is repeatable; replace them with GUIDs you mint.
"""

from __future__ import annotations

import re
import uuid

from ..cli import UsageError

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
_NAMESPACE = uuid.UUID("6d617069-7376-4300-8000-6e6577000000")

KINDS = {
    "store": ("MS", "MAPI_STORE_PROVIDER", "Message Store",
              ["SERVICE_SINGLE_COPY", "SERVICE_PRIMARY_IDENTITY"],
              ["STATUS_DEFAULT_STORE", "STATUS_PRIMARY_IDENTITY"], "mdb_provider"),
    "ab": ("AB", "MAPI_AB_PROVIDER", "Address Book",
           ["SERVICE_SINGLE_COPY", "SERVICE_NO_PRIMARY_IDENTITY"], [], "ab_provider_id"),
    "transport": ("XP", "MAPI_TRANSPORT_PROVIDER", "Transport",
                  ["SERVICE_PRIMARY_IDENTITY"], ["STATUS_PRIMARY_IDENTITY"], None),
}


def add_arguments(parser, name: str) -> None:
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument("--store", metavar="NAME", help="a message store service")
    kind.add_argument("--ab", metavar="NAME", help="an address book service")
    kind.add_argument("--transport", metavar="NAME", help="a transport service")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write to OUT (atomically) instead of standard output")


def _strings(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def manifest_text(kind: str, name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(f"'{name}' cannot name a service: use a letter, then letters, digits"
                         " or '_' (at most 40)")
    suffix, ptype, what, service_flags, provider_flags, guid_member = KINDS[kind]
    upper = name.upper()
    base = re.sub(r"[^a-z0-9]", "", name.lower())[:8] or "provider"
    if base.endswith("32"):
        base = base[:-2] or "provider"  # MAPI appends "32" itself (MS601)
    dll = f"{base}.dll"
    provider = f"{name}_{suffix}"
    display = name.replace("_", " ")
    lines = [
        "#:schema https://mapisvc.invalid/schema/manifest.schema.json",
        f"# A {what.lower()} service made by 'mapisvc new'. Check it with 'mapisvc check',",
        "# generate MAPISVC.INF entries with 'mapisvc inf' and the public header with 'mapisvc header'.",
        "manifest_version = 1",
        "",
        f"[services.{name}]",
        f'display_name = "{display}"',
        f'dll = "{dll}"                    # base name: MAPI loads {base}32.dll',
        'entry = "ServiceEntry"',
        f"flags = {_strings(service_flags)}",
        f'support_files = ["{dll}"]',
        f'delete_files = ["{dll}"]',
        f'providers = ["{provider}"]',
        "",
        f"[providers.{provider}]",
        f'type = "{ptype}"',
        f'dll = "{dll}"',
        f'display = "{display} {what}"',
        f'display_name = "{display}"',
    ]
    if provider_flags:
        lines.append(f"flags = {_strings(provider_flags)}")
    if guid_member:
        guid = str(uuid.uuid5(_NAMESPACE, f"{kind}:{upper}")).upper()
        lines.append(f'{guid_member} = "{{{guid}}}"   # replace with a GUID of your own')
    lines += [
        f'settings = {{ PR_{upper}_SERVER = "server.example.com", PR_{upper}_TIMEOUT = 30 }}',
        "",
        f"[properties.PR_{upper}_SERVER]",
        "id = 0x6600",
        'type = "PT_UNICODE"',
        'description = "Host name of the server the provider talks to."',
        "max_length = 255",
        "",
        f"[properties.PR_{upper}_TIMEOUT]",
        "id = 0x6601",
        'type = "PT_LONG"',
        'description = "Seconds to wait for the server before giving up."',
        "minimum = 1",
        "maximum = 600",
        "default = 30",
        "",
    ]
    return "\n".join(lines)


def run(args) -> int:
    from ._output import write_output

    kind = "store" if args.store else "ab" if args.ab else "transport"
    text = manifest_text(kind, args.store or args.ab or args.transport)
    write_output(text.encode("utf-8"), args.output, text)
    return 0
