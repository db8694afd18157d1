"""Generators: the model out, as MAPISVC.INF sections, the public header, C glue and manifests."""
