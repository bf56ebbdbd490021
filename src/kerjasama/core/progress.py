"""Progress bars for long CLI work (tqdm on stderr; silent when not a terminal or when asked)."""

import sys
from collections.abc import Iterable

from tqdm import tqdm


def progress_bar(description: str, enabled: bool = True):
    """A function wrapping an iterable in a progress bar labelled ``description``."""

    def wrap(items: Iterable) -> Iterable:
        if not enabled:
            return items
        total = len(items) if hasattr(items, "__len__") else None
        return tqdm(items, desc=description, total=total, file=sys.stderr, leave=False, unit=" baris")

    return wrap
