"""The cyclic garbage collector kept off the objects a long bulk job found in memory when it began.

A full collection walks every container object of the process: a Django worker holds a few hundred
thousand (modules, models, URL patterns, translations) before it handles anything. A catalogue pull keeps
thousands of parsed items alive per page, which promotes enough objects to trigger several full
collections per pull, each spending tens of milliseconds on that unchanged heap. ``gc.freeze()`` moves
what exists to a generation the collector skips; ``gc.unfreeze()`` gives it back at the end, so nothing
stays uncollectable and the job's own garbage is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Freeze the heap for the duration of the block, unless someone froze it already (a server that
    preloads its application does so on purpose: unfreezing would undo it)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
