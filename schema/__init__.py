"""The manifest's JSON Schema, shipped as the package ``validator._schema``."""
