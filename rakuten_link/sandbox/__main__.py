"""`python -m rakuten_link.sandbox` runs the RMS simulator (see server.main for options)."""

from __future__ import annotations

import sys

from .server import main

sys.exit(main())
