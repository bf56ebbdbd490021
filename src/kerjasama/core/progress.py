"""Progress bars for long CLI work: tqdm on stderr, only when stderr is a terminal."""

import sys
from collections.abc import Iterable

from tqdm import tqdm


def progress_bar(description: str, enabled: bool = True):
    """A function wrapping an iterable in a progress bar labelled ``description``.

    Nothing is drawn when output goes to a file or a pipe (cron, CI), so logs hold only messages.
    """

    def wrap(items: Iterable) -> Iterable:
        if not enabled or not sys.stderr.isatty():
            return items
        total = len(items) if hasattr(items, "__len__") else None
        return tqdm(items, desc=description, total=total, file=sys.stderr, leave=False, unit=" rows")

    return wrap
