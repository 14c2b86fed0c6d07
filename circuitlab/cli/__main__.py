"""``python -m circuitlab.cli`` (for example under ``torchrun``)."""

import sys

from circuitlab.cli import entry

sys.exit(entry())
