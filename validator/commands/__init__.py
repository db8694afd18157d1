"""One module per sub-command: ``add_arguments(parser, name)`` and ``run(args) -> int``."""
