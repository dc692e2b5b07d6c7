"""``python -m lrserve`` is the ``lrs`` command."""

import sys

from .cli import main

sys.exit(main())
