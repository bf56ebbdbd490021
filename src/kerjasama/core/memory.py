"""Keeping Python's cyclic garbage collector out of the way of bulk work.

The collector runs whenever enough container objects have been allocated, and every full pass walks
every live object. An import of 10,000 rows allocates a few million (cells, parsed rows, model
instances, snapshots) while all of them stay alive, so the collector walked them again and again: a
fifth of the import's time, measured on both databases. Nothing an import creates needs the
collector before it ends (its objects are freed by reference counting, or collected right after).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of bounded bulk work, then restore it.

    The collector is process-wide: with threads, another thread's work also goes uncollected until
    the block ends, which only delays freeing cycles. Nested blocks leave it paused until the outer
    one ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
