"""What the examples run: CPU and I/O work sized from the machine, and the code that
child processes import (a function defined in a page cannot be found by a ``spawn``
child when sphinx-gallery runs the page)."""
