"""The cyclic garbage collector kept off the objects a long bulk job found in memory when it began.

A full collection walks every container object of the process: a Django worker holds a few hundred
thousand (modules, models, URL patterns, translations) before it handles anything. A catalogue pull keeps
thousands of parsed items alive per page, which promotes enough objects to trigger several full
collections per pull, each spending tens of milliseconds on that unchanged heap. ``gc.freeze()`` moves
what exists to a generation the collector skips; ``gc.unfreeze()`` gives it back at the end, so nothing
stays uncollectable and the job's own garbage is collected as usual. The youngest generation is also
collected less often meanwhile (every 10,000 allocations instead of 700): most of a page's objects are
freed by reference counting before a collection would have looked at them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLDS = (10_000, 10, 10)


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Freeze the heap and space out young collections for the block, unless someone froze the heap
    already (a server that preloads its application does so on purpose: unfreezing would undo it)."""
    if gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
