"""``python -m validator`` runs the ``mapisvc`` command line."""

import sys

from .cli import main

sys.exit(main())
