"""``python -m circuitlab.cli`` (for example under ``torchrun``)."""

import sys

from circuitlab.cli import main

sys.exit(main())
