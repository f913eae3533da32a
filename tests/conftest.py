"""Let the tests import the example runner next to them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
